"""The interview service: runs the pure state machine and persists every transition through
the store *before* the caller acknowledges it. Both the Discord adapter and the terminal
rehearsal drive interviews through this one class."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.core.feedback import DIMENSIONS
from bot.core.inputs import parse_record_id
from bot.core.interview import AskedQuestion, Interview, InterviewError, Transition, Turn
from bot.core.models import Answer, InterviewSession
from bot.core.progress import TREND_WINDOW, DimensionTrend, dimension_trends
from bot.core.text import clean_user_text
from bot.library import TemplateLibrary
from bot.store import Conflict, Store

log = logging.getLogger(__name__)


class StaleQuestion(InterviewError):
    """A button or command aimed at a question that is no longer the current one."""


class ActiveInterviewExists(InterviewError):
    def __init__(self, session: InterviewSession) -> None:
        self.session = session
        super().__init__("You already have an interview in progress.")


class SessionNotFound(InterviewError):
    pass


@dataclass(frozen=True, slots=True)
class Step:
    session: InterviewSession
    interview: Interview
    transition: Transition

    @property
    def question(self) -> AskedQuestion | None:
        return self.transition.question

    @property
    def finished(self) -> bool:
        return self.transition.status == "finished"


@dataclass(frozen=True, slots=True)
class PartResult:
    session: InterviewSession
    question: AskedQuestion
    turn: Turn
    stored: bool  # False when the same message was already stored (a redelivery)


FinishedHook = Callable[[InterviewSession, Mapping[str, Any]], Awaitable[None]]
# The follow-on work a finish obliges (rows of interview_followons).
REPORT_SENT = "report"
HOOKS = "hooks"


@dataclass(frozen=True, slots=True)
class PracticeSetup:
    """How to start a practice run of one question from an earlier interview."""

    script_id: str
    role: str
    company: str
    interviewer: str | None
    in_dms: bool  # the earlier interview ran in DMs
    question_id: str
    values: list[str]


def _asked_row(asked: AskedQuestion) -> dict[str, Any]:
    """What the store records about a question when it is put to the candidate."""
    return {"question_id": asked.question_id, "probe_index": asked.probe_index,
            "category": asked.category, "question_text": asked.text}


def _check_expected(interview: Interview, expected: str | None) -> None:
    """Refuse a button or form aimed at a question the interview has moved past."""
    if expected is None or not interview.is_open:
        return
    current = interview.current_question().key if interview.current_spec else None
    if current != expected:
        raise StaleQuestion("That button belongs to a question you have already moved past.")


class InterviewService:
    def __init__(self, store: Store, library: TemplateLibrary, clock: Clock) -> None:
        self.store = store
        self.library = library
        self.clock = clock
        self._locks: dict[int, asyncio.Lock] = {}
        self._when_finished: list[FinishedHook] = []

    def _lock(self, session_id: int) -> asyncio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = self._locks[session_id] = asyncio.Lock()
        return lock

    # --- reading -------------------------------------------------------------------------

    async def load(self, session_id: int, *, user_id: int | None = None
                   ) -> tuple[InterviewSession, Interview]:
        session, interview, _ = await self._load(session_id, user_id)
        return session, interview

    async def _load(self, session_id: int, user_id: int | None
                    ) -> tuple[InterviewSession, Interview, list[Answer]]:
        session = await self.store.sessions.get(session_id)
        if session is None or (user_id is not None and session.user_id != user_id):
            raise SessionNotFound("I could not find that interview.")
        script = self.library.script(session.script_id)
        answers = await self.store.sessions.answers(session_id)
        return session, Interview.rebuild(script, session, answers), answers

    async def open_session(self, user_id: int) -> InterviewSession | None:
        return await self.store.sessions.open_for_user(user_id)

    async def session_in_channel(self, channel_id: int) -> InterviewSession | None:
        """The open interview running in this thread or DM, if any."""
        return await self.store.sessions.by_channel(channel_id)

    async def get(self, session_id: int) -> InterviewSession | None:
        return await self.store.sessions.get(session_id)

    async def own_session(self, user_id: int, typed: str | None = None) -> InterviewSession:
        """One of the user's interviews, by the id they picked ("12" or "#12"), or their latest.
        Someone else's interview is not found, exactly as a missing one."""
        if typed is None:
            latest = await self.store.sessions.for_user(user_id, limit=1)
            if not latest:
                raise SessionNotFound("You have no interviews yet.")
            return latest[0]
        session_id = parse_record_id(typed)
        if session_id is None:
            raise SessionNotFound("Pick an interview from the list.")
        session = await self.store.sessions.get(session_id)
        if session is None or session.user_id != user_id:
            raise SessionNotFound("I could not find that interview among yours.")
        return session

    def title(self, session: InterviewSession) -> str:
        """The script's title ("Practice: ..." for a practice run), even if the script is gone."""
        script = self.library.scripts.get(session.script_id)
        title = script.title if script else session.script_id
        return f"Practice: {title}" if session.context.get("only_questions") else title

    async def history_page(self, user_id: int, page: int, per_page: int
                           ) -> tuple[list[InterviewSession], int]:
        """One page of the user's interviews, newest first, and how many there are in all."""
        total = await self.store.sessions.count_for_user(user_id)
        sessions = await self.store.sessions.for_user(user_id, limit=per_page,
                                                      offset=max(0, page) * per_page)
        return sessions, total

    async def score_trends(self, user_id: int) -> tuple[list[DimensionTrend], int]:
        """How each dimension moved over the latest finished interviews, and how many finished
        interviews there are to look at (up to the trend window)."""
        finished = await self.store.sessions.finished_for_user(user_id, limit=TREND_WINDOW)
        reports = [s.report for s in reversed(finished) if s.report]
        return dimension_trends(reports, DIMENSIONS), len(reports)

    async def recent(self, user_id: int, *, limit: int) -> list[InterviewSession]:
        return await self.store.sessions.for_user(user_id, limit=limit)

    async def practice_choices(self, user_id: int, typed: str = "", *, sessions: int = 20,
                               limit: int = 25) -> list[tuple[str, str]]:
        """(label, value) of questions the user was asked recently, one per script question,
        matching what they typed; the value is "session:question"."""
        text = typed.strip().lower()
        seen: set[str] = set()
        choices: list[tuple[str, str]] = []
        asked = await self.store.sessions.asked_questions(user_id, sessions=sessions)
        for session_id, script_id, question_id, question_text in asked:
            key = f"{script_id}:{question_id}"
            if key in seen:
                continue
            seen.add(key)
            if text in question_text.lower():
                choices.append((question_text, f"{session_id}:{question_id}"))
                if len(choices) >= limit:
                    break
        return choices

    async def practice_target(self, user_id: int, typed: str | None) -> tuple[InterviewSession, str]:
        """The interview and question a practice run retakes: the one picked ("session:question"),
        or the weakest question of the user's latest finished interview."""
        if typed:
            session_part, _, question_id = typed.strip().partition(":")
            if parse_record_id(session_part) is None or not question_id:
                raise SessionNotFound("Pick a question from the list.")
            return await self.own_session(user_id, session_part), question_id
        for session in await self.store.sessions.finished_for_user(user_id, limit=50):
            weakest = (session.report or {}).get("weakest_questions")
            if weakest:
                return session, str(weakest[0])
        raise SessionNotFound("Finish a mock interview first; then I can pick your weakest answer "
                              "to practise.")

    async def practice_setup(self, user_id: int, session_id: int, question_id: str) -> PracticeSetup:
        """What a practice run of one question of an earlier interview starts with."""
        source = await self.store.sessions.get(session_id)
        if source is None or source.user_id != user_id:
            raise SessionNotFound("I could not find that interview.")
        script = self.library.script(source.script_id)
        if not any(q.id == question_id for q in script.questions):
            raise SessionNotFound("That question is no longer in the script.")
        ctx = source.context
        interviewers = ctx.get("interviewers") or []
        first = interviewers[0] if interviewers else None
        interviewer = (f"{first['name']}, {first.get('title', '')}".strip(", ") if first else None)
        return PracticeSetup(script_id=source.script_id, role=ctx.get("role", ""),
                             company=ctx.get("company", ""), interviewer=interviewer,
                             in_dms=source.guild_id is None, question_id=question_id,
                             values=list(ctx.get("values") or []))

    async def report_of(self, session_id: int, *, user_id: int | None = None
                        ) -> tuple[InterviewSession, Interview, dict[str, Any]]:
        """A session with its report: the one stored when it finished, or, for an interview that
        was abandoned, what it would say now. An interview still in progress has no report yet."""
        session, interview = await self.load(session_id, user_id=user_id)
        if session.is_open:
            raise InterviewError(f"{self.title(session)} is still in progress, so it has no report "
                                 "yet. Finish it, or end it with `/interview end` to get one.")
        return session, interview, session.report or interview.report()

    async def latest_reported(self, user_id: int) -> InterviewSession:
        """The user's latest interview that has ended (the default for `/interview report`)."""
        for session in await self.store.sessions.for_user(user_id, limit=20):
            if not session.is_open:
                return session
        if await self.store.sessions.for_user(user_id, limit=1):
            raise SessionNotFound("Your only interview is still in progress, so there is no report "
                                  "yet. Finish it, or end it with `/interview end`.")
        raise SessionNotFound("You have no interviews yet.")

    # --- what follows a finish -----------------------------------------------------------

    def when_finished(self, hook: FinishedHook) -> None:
        """Run `hook(session, report)` after every finished interview. Hooks must be idempotent:
        the obligation is recorded with the finish, so a hook interrupted by a crash runs again
        at the next start-up (`complete_followons`)."""
        self._when_finished.append(hook)

    async def _run_finished_hooks(self, session: InterviewSession, report: Mapping[str, Any]) -> bool:
        try:
            for hook in self._when_finished:
                await hook(session, report)
        except Exception:
            log.exception("Follow-on work after interview %s failed; it is retried at start-up",
                          session.id)
            return False
        await self.store.sessions.followon_done(session.id, HOOKS, self.clock.now())
        return True

    async def complete_followons(self) -> int:
        """At start-up: the follow-on work of interviews that finished just before a crash.
        Returns how many interviews had work completed."""
        completed = 0
        for session in await self.store.sessions.pending_followons(HOOKS, limit=500):
            if session.report is not None and await self._run_finished_hooks(session, session.report):
                completed += 1
        return completed

    async def unsent_reports(self, user_id: int) -> list[InterviewSession]:
        """The user's finished interviews whose report never reached them (a crash, Discord
        refusing the message): shown when they next come back."""
        return await self.store.sessions.pending_followons(REPORT_SENT, user_id=user_id, limit=5)

    async def report_delivered(self, session_id: int) -> None:
        await self.store.sessions.followon_done(session_id, REPORT_SENT, self.clock.now())

    # --- transitions ---------------------------------------------------------------------

    async def start(self, *, user_id: int, script_id: str, context: Mapping[str, Any],
                    guild_id: int | None = None, channel_id: int | None = None) -> Step:
        script = self.library.script(script_id)
        now = self.clock.now()
        await self.store.users.ensure(user_id, now)
        existing = await self.store.sessions.open_for_user(user_id)
        if existing is not None:
            raise ActiveInterviewExists(existing)
        interview = Interview(script, context)
        transition = interview.start(now)
        assert transition.question is not None
        try:
            session = await self.store.sessions.create(
                user_id=user_id, script_id=script.id, script_version=script.version,
                context=interview.context, now=now, guild_id=guild_id, channel_id=channel_id,
                first_question=_asked_row(transition.question))
        except Conflict:  # a second start in the same instant: the database keeps one
            existing = await self.store.sessions.open_for_user(user_id)
            if existing is None:
                raise
            raise ActiveInterviewExists(existing) from None
        return Step(session, interview, transition)

    async def repair_half_started(self) -> list[int]:
        """At start-up: an open session with no question recorded (a crash inside `start` in an
        older version) gets its first question now, so the candidate can go on. Returns the
        repaired session ids."""
        repaired = []
        for session in await self.store.sessions.open_without_questions():
            async with self._lock(session.id):
                try:
                    session, interview = await self.load(session.id)
                    transition = interview.start(self.clock.now())
                except (KeyError, InterviewError):  # its script is gone, or it started meanwhile
                    continue
                await self._persist(session, interview, transition)
                repaired.append(session.id)
        return repaired

    async def record_part(self, session_id: int, text: str, *, source: str,
                          source_id: str | None = None, attachments: Sequence[str] = (),
                          user_id: int | None = None) -> PartResult:
        """Store one part of the current answer; returns only after it is committed."""
        async with self._lock(session_id):
            session, interview, answers = await self._load(session_id, user_id)
            cleaned = clean_user_text(text)
            if not cleaned.strip() and attachments:
                cleaned = "[attachment: " + ", ".join(attachments) + "]"
            turn = interview.add_part(cleaned, self.clock.now())
            asked = interview.current_question()
            answer = next((a for a in answers if a.question_id == asked.question_id
                           and a.probe_index == asked.probe_index), None)
            if answer is None:  # the row is created when the asked is asked; repair if lost
                answer = await self.store.sessions.ask(
                    session.id, question_id=asked.question_id, probe_index=asked.probe_index,
                    category=asked.category, question_text=asked.text, now=self.clock.now())
            stored = await self.store.sessions.add_part(
                answer.id, turn.parts[-1], source=source, now=self.clock.now(),
                source_id=source_id, attachments=attachments)
            await self.store.sessions.save_state(session, self.clock.now())
            return PartResult(session, asked, turn, stored)

    async def finish_answer(self, session_id: int, *, expected: str | None = None,
                            user_id: int | None = None) -> Step:
        return await self._transition(session_id, "finish_answer", expected, user_id)

    async def skip(self, session_id: int, *, expected: str | None = None,
                   user_id: int | None = None) -> Step:
        return await self._transition(session_id, "skip", expected, user_id)

    async def end(self, session_id: int, *, user_id: int | None = None) -> Step:
        return await self._transition(session_id, "finish", None, user_id)

    async def current(self, session_id: int, *, user_id: int | None = None,
                      expected: str | None = None) -> tuple[InterviewSession, AskedQuestion]:
        """The question being asked now; with `expected` (the key a button or form carries),
        refuses when that question was already moved past."""
        session, interview = await self.load(session_id, user_id=user_id)
        _check_expected(interview, expected)
        return session, interview.current_question()

    async def opening(self, session_id: int, *, user_id: int | None = None) -> Step:
        """The session as it stands, for posting its introduction again in a new place."""
        session, interview = await self.load(session_id, user_id=user_id)
        if not interview.is_open:
            raise InterviewError("That interview has already ended.")
        return Step(session, interview, Transition(None, interview.current_question(), interview.status))

    async def pause(self, session_id: int, *, user_id: int | None = None) -> InterviewSession:
        async with self._lock(session_id):
            session, interview = await self.load(session_id, user_id=user_id)
            interview.pause()
            session.status = interview.status
            await self.store.sessions.save_state(session, self.clock.now())
            return session

    async def resume(self, session_id: int, *, user_id: int | None = None
                     ) -> tuple[InterviewSession, AskedQuestion]:
        async with self._lock(session_id):
            session, interview = await self.load(session_id, user_id=user_id)
            asked = interview.resume()
            session.status = interview.status
            await self.store.sessions.save_state(session, self.clock.now())
            return session, asked

    async def abandon(self, session_id: int) -> None:
        async with self._lock(session_id):
            session, interview = await self.load(session_id)
            interview.abandon()
            session.status = interview.status
            await self.store.sessions.save_state(session, self.clock.now())

    async def attach(self, session_id: int, *, channel_id: int | None = None,
                     message_id: int | None = None) -> None:
        """Remember where the interview runs and which message carries its buttons."""
        async with self._lock(session_id):
            session = await self.store.sessions.get(session_id)
            if session is None:
                return
            if channel_id is not None:
                session.channel_id = channel_id
            session.question_message_id = message_id
            await self.store.sessions.save_state(session, self.clock.now())

    async def sweep_idle(self, *, pause_after: timedelta, abandon_after: timedelta
                         ) -> tuple[list[InterviewSession], list[InterviewSession]]:
        """Pause interviews untouched for `pause_after`; abandon (never delete) those untouched
        for `abandon_after`. Returns (paused, abandoned). Each change goes through the state
        machine under the session's lock, and is made only if the session is still idle once
        the lock is held: an answer arriving at the same moment wins."""
        now = self.clock.now()
        abandoned: list[InterviewSession] = []
        for status in ("active", "paused"):
            for stale in await self.store.sessions.stale_open(now - abandon_after, status):
                session = await self._idle_transition(stale.id, now - abandon_after, "abandon")
                if session is not None:
                    abandoned.append(session)
        paused: list[InterviewSession] = []
        for stale in await self.store.sessions.stale_open(now - pause_after, "active"):
            session = await self._idle_transition(stale.id, now - pause_after, "pause")
            if session is not None:
                paused.append(session)
        return paused, abandoned

    async def _idle_transition(self, session_id: int, idle_since: datetime, action: str
                               ) -> InterviewSession | None:
        async with self._lock(session_id):
            try:
                session, interview = await self.load(session_id)
            except (SessionNotFound, KeyError):  # deleted meanwhile, or its script is gone
                return None
            if session.updated_at >= idle_since or not interview.is_open:
                return None  # touched since it was found idle
            if action == "pause" and interview.status != "active":
                return None
            getattr(interview, action)()
            session.status = interview.status
            await self.store.sessions.save_state(session, self.clock.now())
            return session

    async def next_idle_deadline(self, *, pause_after: timedelta, abandon_after: timedelta
                                 ) -> datetime | None:
        """When the next interview will need pausing or abandoning, if any is open."""
        deadlines = []
        active = await self.store.sessions.earliest_update(["active"])
        if active is not None:
            deadlines.append(active + pause_after)
        any_open = await self.store.sessions.earliest_update(["active", "paused"])
        if any_open is not None:
            deadlines.append(any_open + abandon_after)
        return min(deadlines, default=None)

    async def _transition(self, session_id: int, action: str, expected: str | None,
                          user_id: int | None) -> Step:
        async with self._lock(session_id):
            session, interview = await self.load(session_id, user_id=user_id)
            _check_expected(interview, expected)
            now = self.clock.now()
            transition = getattr(interview, action)(now)
            await self._persist(session, interview, transition)
        if transition.report is not None:  # committed with its obligations: now do them
            await self._run_finished_hooks(session, transition.report)
        return Step(session, interview, transition)

    async def _persist(self, session: InterviewSession, interview: Interview,
                       transition: Transition) -> None:
        now = self.clock.now()
        finished = None
        turn = transition.finished_turn
        if turn is not None:
            answer = await self.store.sessions.answer_for(session.id, turn.question_id,
                                                          turn.probe_index)
            if answer is not None:
                finished = (answer.id, turn.skipped)
        asked = transition.question
        session.status = interview.status
        session.question_index = interview.question_index
        session.probe_index = interview.probe_index
        if transition.report is not None:
            session.report = transition.report
            session.finished_at = now
        await self.store.sessions.commit_transition(
            session, now=now, finished_answer=finished,
            ask=None if asked is None else _asked_row(asked),
            followons=(REPORT_SENT, HOOKS) if transition.report is not None else ())
