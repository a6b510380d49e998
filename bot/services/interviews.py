"""The interview service: runs the pure state machine and persists every transition through
the store *before* the caller acknowledges it. Both the Discord adapter and the terminal
rehearsal drive interviews through this one class.

The hot path. An open session's state (its row, its rebuilt `Interview`, its answer rows) is
held in memory between requests, write-through: it changes only in step with a committed
write, and the database stays the source of truth. Every write to a session names the version
held (`interview_sessions.version`, bumped by every write), so a change made meanwhile by
another process on the same database is noticed (`Stale`) and the session read again; so is
any error, and a request that only reads compares the version first. A typed part is then one
transaction of two statements (shared with other candidates' parts arriving at the same moment,
`Database.grouped`), committed before the caller acknowledges it, whatever the interview's
length. Each answer is analysed once, when it is finished (off the event loop), and the
analysis is stored with it for the report."""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.core.clock import Clock
from bot.core.delivery import Delivery, Transcription, combine, delivery_report, measure_delivery
from bot.core.feedback import DIMENSIONS
from bot.core.inputs import parse_record_id
from bot.core.interview import (
    MAX_PART_CHARS,
    STATUS_WORDS,
    AskedQuestion,
    Interview,
    InterviewError,
    Reading,
    Transition,
    Turn,
)
from bot.core.models import InterviewSession
from bot.core.progress import TREND_WINDOW, DimensionTrend, dimension_trends
from bot.core.scripts import CATEGORIES
from bot.core.text import clean_user_text, shorten, split_text
from bot.library import TemplateLibrary
from bot.store import Conflict, Store
from bot.store.database import Stale

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
AnswerHook = Callable[[int, int, str, "str | None", Sequence[str]], Awaitable["PartResult | None"]]
T = TypeVar("T")
HELD_SESSIONS = 2_000  # open sessions held in memory at most; the least recently used is dropped
_ATTEMPTS = 3  # a request that finds its session changed elsewhere runs again on a fresh read
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
    materials: dict[str, Any]  # the job and résumé the earlier interview was given, if any


def _asked_row(asked: AskedQuestion) -> dict[str, Any]:
    """What the store records about a question when it is put to the candidate."""
    return {"question_id": asked.question_id, "probe_index": asked.probe_index,
            "category": asked.category, "question_text": asked.text}


# What `clean_user_text` removes (control characters other than newline and tab; surrogates).
_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _part_text(text: str, attachments: Sequence[str]) -> str:
    # Most messages need no cleaning: checking that (in C) costs far less than cleaning them
    # character by character, and gives the same text.
    clean = unicodedata.is_normalized("NFC", text) and _UNCLEAN.search(text) is None
    cleaned = text if clean else clean_user_text(text)
    if not cleaned.strip() and attachments:
        cleaned = "[attachment: " + ", ".join(attachments) + "]"
    return cleaned


@dataclass(slots=True)
class _Held:
    """An open session as this process holds it between requests: changed only in step with a
    committed write, at the stored `version` it was last read or written at."""

    session: InterviewSession
    interview: Interview
    version: int
    answer_ids: dict[tuple[str, int], int]  # (question id, probe index) -> answer row
    stored_status: str  # the status stored at `version` (a write also checks it)
    lock: asyncio.Lock | None = None  # its lock, kept alive while the session is held


class _NotHere(Exception):
    """The session a channel pointed to is no longer open there: look the channel up again."""


def _check_expected(interview: Interview, expected: str | None) -> None:
    """Refuse a button or form aimed at a question the interview has moved past."""
    if expected is None or not interview.is_open:
        return
    current = interview.current_question().key if interview.current_spec else None
    if current != expected:
        raise StaleQuestion("That button belongs to a question you have already moved past.")


# Categories whose questions are not offered to practise again (a brief's is "").
UNPRACTISED = frozenset({"opening", "closing", ""})


class InterviewService:
    def __init__(self, store: Store, library: TemplateLibrary, clock: Clock, *,
                 held_sessions: int = HELD_SESSIONS) -> None:
        self.store = store
        self.library = library
        self.clock = clock
        # A lock lives while someone holds or awaits it, so idle sessions leave none behind.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._when_finished: list[FinishedHook] = []
        self._elsewhere: list[AnswerHook] = []
        self._held: OrderedDict[int, _Held] = OrderedDict()
        self._by_channel: dict[int, int] = {}  # channel -> the held open session running there
        self._held_limit = max(1, held_sessions)

    def _lock(self, session_id: int) -> asyncio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[session_id] = lock
        return lock

    # --- the sessions held in memory -------------------------------------------------------

    @property
    def held(self) -> int:
        """How many open sessions are held in memory now."""
        return len(self._held)

    def _keep(self, held: _Held) -> None:
        """Hold a session after a read or a committed write; one no longer open is let go."""
        session_id = held.session.id
        if not held.session.is_open:
            self._forget(session_id)
            return
        before = self._held.get(session_id)
        if before is not None and before.session.channel_id != held.session.channel_id:
            self._unindex(before)
        self._held[session_id] = held
        self._held.move_to_end(session_id)
        if held.session.channel_id is not None:
            self._by_channel[held.session.channel_id] = session_id
        while len(self._held) > self._held_limit:
            _, dropped = self._held.popitem(last=False)
            self._unindex(dropped)

    def _forget(self, session_id: int) -> None:
        """Let a held session go: it is read from the database when next needed."""
        held = self._held.pop(session_id, None)
        if held is not None:
            self._unindex(held)

    def _unindex(self, held: _Held) -> None:
        channel_id = held.session.channel_id
        if channel_id is not None and self._by_channel.get(channel_id) == held.session.id:
            del self._by_channel[channel_id]

    async def _read(self, session_id: int) -> _Held:
        """A session read from the database (the source of truth), and held if it is open."""
        state = await self.store.sessions.load_state(session_id)
        if state is None:
            self._forget(session_id)
            raise SessionNotFound("I could not find that interview.")
        script = self.library.script(state.session.script_id)
        readings: dict[int, Reading] = {}
        for answer_id, (reading_json, analysis_json) in state.readings.items():
            reading = Reading.from_stored(reading_json, analysis_json)
            if reading is not None:  # else stored by another version: read again when needed
                readings[answer_id] = reading
        interview = Interview.rebuild(script, state.session, state.answers, readings)
        held = _Held(state.session, interview, state.version,
                     {(a.question_id, a.probe_index): a.id for a in state.answers}, state.session.status)
        self._keep(held)
        return held

    async def _entry(self, session_id: int, user_id: int | None, *, check: bool) -> tuple[_Held, bool]:
        """The session held, or read. With `check`, a held one is first compared with the stored
        version (one small read). Returns it and whether it is known to be current."""
        held = self._held.get(session_id)
        checked = False
        if held is not None and check:
            if await self.store.sessions.version_of(session_id) == held.version:
                checked = True
            else:
                self._forget(session_id)
                held = None
        if held is None:
            held, checked = await self._read(session_id), True
        else:
            self._held.move_to_end(session_id)
        if user_id is not None and held.session.user_id != user_id:
            raise SessionNotFound("I could not find that interview.")
        return held, checked

    async def _locked(self, session_id: int, user_id: int | None,
                      op: Callable[[_Held], Awaitable[T]], *, check: bool) -> T:
        """Run `op` on the session under its lock. Requests that write pass `check=False`: their
        write names the version held and fails (Stale) if it is not the stored one, and then,
        as after any error, the session is let go and read again. A refusal (InterviewError)
        made on a held copy not compared with the database is only given once the copy is
        known to be current."""
        lock = self._lock(session_id)
        async with lock:
            for attempt in range(_ATTEMPTS):
                held, checked = await self._entry(session_id, user_id, check=check or attempt > 0)
                held.lock = lock
                try:
                    return await op(held)
                except Stale:
                    self._forget(session_id)  # changed elsewhere meanwhile: read it again
                except InterviewError:
                    self._forget(session_id)
                    if checked or await self.store.sessions.version_of(session_id) == held.version:
                        raise
                except BaseException:
                    self._forget(session_id)  # the held state may be ahead of the stored one
                    raise
            raise InterviewError("This interview was changed somewhere else at the same moment. "
                                 "Please try again.")

    # --- reading -------------------------------------------------------------------------

    async def load(self, session_id: int, *, user_id: int | None = None
                   ) -> tuple[InterviewSession, Interview]:
        async def op(held: _Held) -> tuple[InterviewSession, Interview]:
            return replace(held.session), held.interview
        return await self._locked(session_id, user_id, op, check=True)

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
        return self._title(session.script_id, bool(session.context.get("only_questions")))

    def _title(self, script_id: str, practice: bool) -> str:
        script = self.library.find(script_id)
        title = script.title if script else script_id
        return f"Practice: {title}" if practice else title

    async def history_page(self, user_id: int, page: int, per_page: int
                           ) -> tuple[list[InterviewSession], int]:
        """One page of the user's interviews, newest first, and how many there are in all."""
        total = await self.store.sessions.count_for_user(user_id)
        sessions = await self.store.sessions.for_user(user_id, limit=per_page,
                                                      offset=max(0, page) * per_page)
        return sessions, total

    async def score_trends(self, user_id: int) -> tuple[list[DimensionTrend], int]:
        """How each dimension moved over the latest finished interviews, and how many finished
        interviews there are to look at (up to the trend window). Only the reports' dimension
        scores are read."""
        latest = await self.store.sessions.report_dimensions(user_id, limit=TREND_WINDOW)
        reports = [{"dimensions": dimensions} for dimensions in reversed(latest)]
        return dimension_trends(reports, DIMENSIONS), len(reports)

    async def recent(self, user_id: int, *, limit: int) -> list[InterviewSession]:
        return await self.store.sessions.for_user(user_id, limit=limit)

    async def session_choices(self, user_id: int, typed: str = "", *, scan: int = 100,
                              limit: int = 25) -> list[tuple[str, str]]:
        """(label, value) of the user's latest interviews whose label contains what they typed,
        newest first, looking at no more than the latest `scan` of them; the value is the session
        id. The label is matched in SQL and the interviews are read without their reports, so
        one bounded query answers, whatever the length of the history. (An older interview is
        still reached by typing its id: the commands accept "#12".)"""
        text = typed.strip()
        titles = {script_id: script.title for script_id, script in self.library.scripts.items()}
        found = await self.store.sessions.summaries(user_id, limit=limit, matching=text, titles=titles,
                                                    statuses=STATUS_WORDS, scan=scan)
        return [(shorten(f"#{s.id} · {self._title(s.script_id, s.practice)} · {s.company} · "
                         f"{s.created_at:%Y-%m-%d} · {STATUS_WORDS.get(s.status, s.status)}", 100), str(s.id))
                for s in found]

    async def practice_choices(self, user_id: int, typed: str = "", *, sessions: int = 20,
                               limit: int = 25) -> list[tuple[str, str]]:
        """(label, value) of questions the user was asked recently, one per script question,
        matching what they typed; the value is "session:question"."""
        text = typed.strip().lower()
        seen: set[str] = set()
        choices: list[tuple[str, str]] = []
        categories: dict[str, dict[str, str]] = {}  # per script: question id -> its category
        asked = await self.store.sessions.asked_questions(user_id, sessions=sessions)
        for session_id, script_id, question_id, question_text in asked:
            key = f"{script_id}:{question_id}"
            if key in seen:
                continue
            seen.add(key)
            if script_id not in categories:
                script = self.library.find(script_id)
                categories[script_id] = {q.id: ("" if q.prepares else q.category)
                                         for q in (script.questions if script else ())}
            category = categories[script_id].get(question_id, "question")
            if category in UNPRACTISED:  # a greeting, a goodbye or a case brief: nothing to retake
                continue
            # Labelled by what the question is about first: its text may open with a quote of an
            # earlier answer ("You brought up ...").
            label = shorten(f"{CATEGORIES.get(category, 'Question')} · {question_text}", 100)
            if text in label.lower():
                choices.append((label, f"{session_id}:{question_id}"))
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
        weakest = await self.store.sessions.latest_weakest(user_id, within=50)
        session = await self.store.sessions.get(weakest[0]) if weakest else None
        if weakest is None or session is None:
            raise SessionNotFound("Finish a mock interview first; then I can pick your weakest answer "
                                  "to practise.")
        return session, weakest[1]

    async def practice_setup(self, user_id: int, session_id: int, question_id: str) -> PracticeSetup:
        """What a practice run of one question of an earlier interview starts with."""
        source = await self.store.sessions.get(session_id)
        if source is None or source.user_id != user_id:
            raise SessionNotFound("I could not find that interview.")
        script = self.library.script(source.script_id)
        if not any(q.id == question_id for q in script.questions):
            raise SessionNotFound("That question is no longer in the script.")
        ctx = source.context
        # The whole panel, as "Name, Title; Name, Title" (bot.core.panel.parse_panel reads it).
        interviewer = "; ".join(f"{i['name']}, {i.get('title', '')}".strip(", ")
                                for i in ctx.get("interviewers") or [] if i.get("name")) or None
        return PracticeSetup(script_id=source.script_id, role=ctx.get("role", ""),
                             company=ctx.get("company", ""), interviewer=interviewer,
                             in_dms=source.guild_id is None, question_id=question_id,
                             values=list(ctx.get("values") or []),
                             materials={k: ctx[k] for k in ("job", "resume") if ctx.get(k)})

    async def report_of(self, session_id: int, *, user_id: int | None = None
                        ) -> tuple[InterviewSession, Interview, dict[str, Any]]:
        """A session with its report: the one stored when it finished, or, for an interview that
        was abandoned, what it would say now (worked out off the event loop). An interview still
        in progress has no report yet."""
        session, interview = await self.load(session_id, user_id=user_id)
        if session.is_open:
            raise InterviewError(f"{self.title(session)} is still in progress, so it has no report "
                                 "yet. Finish it, or end it with `/interview end` to get one.")
        # A session that is not open is not held, so nothing else touches this interview.
        if session.report:
            return session, interview, session.report
        report = await asyncio.to_thread(interview.report)
        return session, interview, await self._with_delivery(session.id, interview, report)

    async def latest_reported(self, user_id: int) -> InterviewSession:
        """The user's latest interview that has ended (the default for `/interview report`)."""
        closed = await self.store.sessions.latest_closed(user_id)
        if closed is not None:
            return closed
        if await self.store.sessions.for_user(user_id, limit=1):
            raise SessionNotFound("Your only interview is still in progress, so there is no report "
                                  "yet. Finish it, or end it with `/interview end`.")
        raise SessionNotFound("You have no interviews yet.")

    # --- what follows a finish -----------------------------------------------------------

    def answers_elsewhere(self, hook: AnswerHook) -> None:
        """Messages typed in a thread where no interview runs go to `hook(channel, user, text,
        source id, attachments)`, which may store them as an answer (a mentor or peer session,
        whose interview the interviewer drives from elsewhere): one listener reads every message."""
        self._elsewhere.append(hook)

    async def _answer_elsewhere(self, channel_id: int, user_id: int, text: str,
                                source_id: str | None, attachments: Sequence[str]) -> PartResult | None:
        for hook in self._elsewhere:
            result = await hook(channel_id, user_id, text, source_id, attachments)
            if result is not None:
                return result
        return None

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
            state = await self.store.sessions.create_state(
                user_id=user_id, script_id=script.id, script_version=script.version,
                context=interview.context, now=now, guild_id=guild_id, channel_id=channel_id,
                first_question=_asked_row(transition.question))
        except Conflict:  # a second start in the same instant: the database keeps one
            existing = await self.store.sessions.open_for_user(user_id)
            if existing is None:
                raise
            raise ActiveInterviewExists(existing) from None
        self._keep(_Held(state.session, interview, state.version,
                         {(a.question_id, a.probe_index): a.id for a in state.answers}, state.session.status))
        return Step(replace(state.session), interview, transition)

    async def repair_half_started(self) -> list[int]:
        """At start-up: an open session with no question recorded (a crash inside `start` in an
        older version) gets its first question now, so the candidate can go on. Returns the
        repaired session ids."""
        repaired = []

        async def op(held: _Held) -> None:
            await self._persist(held, held.interview.start(self.clock.now()))

        for session in await self.store.sessions.open_without_questions():
            try:
                await self._locked(session.id, None, op, check=True)
            except (KeyError, InterviewError):  # its script is gone, or it started meanwhile
                continue
            repaired.append(session.id)
        return repaired

    async def record_part(self, session_id: int, text: str, *, source: str,
                          source_id: str | None = None, attachments: Sequence[str] = (),
                          user_id: int | None = None) -> PartResult:
        """Store one part of the current answer; returns only after it is committed."""
        cleaned = _part_text(text, attachments)

        async def op(held: _Held) -> PartResult:
            return await self._add_part(held, cleaned, source=source, source_id=source_id,
                                        attachments=attachments)
        return await self._locked(session_id, user_id, op, check=False)

    async def answer_in_channel(self, channel_id: int, user_id: int, text: str, *,
                                source_id: str | None = None, attachments: Sequence[str] = ()
                                ) -> PartResult | None:
        """A message typed in a thread or DM: stored as a part of the current answer when it is
        the candidate's own message in the interview open there (a paused interview resumes
        first); returns after the commit. None when it is not an answer (no interview open
        there, or someone else's message). The hot path: a held session is used without reading
        it, and the write checks its version."""
        cleaned = _part_text(text, attachments)

        async def add(held: _Held) -> PartResult:
            return await self._add_part(held, cleaned, source="message", source_id=source_id,
                                        attachments=attachments)
        async def elsewhere() -> PartResult | None:  # no interview runs here: perhaps another feature's
            return await self._answer_elsewhere(channel_id, user_id, text, source_id, attachments)
        return await self._answer_here(channel_id, user_id, add, elsewhere)

    async def answer_spoken_in_channel(self, channel_id: int, user_id: int, transcription: Transcription,
                                       *, source_id: str) -> tuple[PartResult, Delivery] | None:
        """A voice message's transcription, stored as `answer_in_channel` stores a typed part,
        with its duration and delivery metrics in the same commit."""
        async def add(held: _Held) -> tuple[PartResult, Delivery]:
            return await self._add_spoken(held, transcription, source="voice", source_id=source_id)
        return await self._answer_here(channel_id, user_id, add)

    async def _answer_here(self, channel_id: int, user_id: int, add: Callable[[_Held], Awaitable[T]],
                           elsewhere: Callable[[], Awaitable[T | None]] | None = None) -> T | None:
        """Run `add` on the interview open in this channel when the message is the candidate's
        own (resuming a paused interview first); None when it is not an answer there. With no
        interview in the channel, `elsewhere` (another feature's answer) decides."""
        async def op(held: _Held) -> T | None:
            session = held.session
            if not session.is_open or session.channel_id != channel_id:
                raise _NotHere
            if session.user_id != user_id:
                return None  # only the candidate's own messages are answers
            if session.status == "paused":
                held.interview.resume()
                await self._save(held)
            return await add(held)

        for _ in range(_ATTEMPTS):
            session_id = self._by_channel.get(channel_id)
            if session_id is None:
                found = await self.store.sessions.by_channel(channel_id)
                if found is None:
                    return None if elsewhere is None else await elsewhere()
                session_id = found.id
            try:
                return await self._locked(session_id, None, op, check=False)
            except (_NotHere, SessionNotFound):
                if self._by_channel.get(channel_id) == session_id:
                    del self._by_channel[channel_id]
        return None

    async def record_spoken_part(self, session_id: int, transcription: Transcription, *, source: str,
                                 source_id: str | None = None, user_id: int | None = None
                                 ) -> tuple[PartResult, Delivery]:
        """A recording's transcription as a part of the current answer (the terminal's `/voice`),
        with its delivery metrics; returns only after it is committed."""
        async def op(held: _Held) -> tuple[PartResult, Delivery]:
            return await self._add_spoken(held, transcription, source=source, source_id=source_id)
        return await self._locked(session_id, user_id, op, check=False)

    async def _add_spoken(self, held: _Held, transcription: Transcription, *, source: str,
                          source_id: str | None) -> tuple[PartResult, Delivery]:
        """Store a transcript (split into parts when longer than one part may be) with what was
        measured of the recording, against the question being answered."""
        now = self.clock.now()
        asked = held.interview.current_question()
        delivery = measure_delivery(transcription, length=asked.length)
        chunks = [c for c in split_text(clean_user_text(transcription.text), MAX_PART_CHARS) if c.strip()]
        if not chunks:
            raise InterviewError("I could not make out any words in that recording, so nothing was recorded.")
        for chunk in chunks:
            turn = held.interview.add_part(chunk, now)
        answer_id = await self._answer_id(held, asked, now)
        stored = await self.store.sessions.store_spoken_part(
            held.session.id, version=held.version, answer_id=answer_id, texts=turn.parts[-len(chunks):],
            source=source, now=now, duration=transcription.duration, metrics=delivery.to_dict(),
            engine=transcription.engine, source_id=source_id)
        held.version += 1
        held.session.updated_at = now
        if not stored:
            del turn.parts[-len(chunks):]  # stored before (a redelivery), so it is held already
        return PartResult(replace(held.session), asked, replace(turn, parts=list(turn.parts)), stored), delivery

    async def _with_delivery(self, session_id: int, interview: Interview,
                             report: dict[str, Any]) -> dict[str, Any]:
        """The report with a delivery section when any answer was spoken: pace, pauses and
        fillers per question, from the metrics stored with each recording."""
        spoken = await self.store.sessions.spoken_parts(session_id)
        if not spoken:
            return report
        numbers = {spec.id: n for n, spec in enumerate(interview.plan, start=1)}
        by_question: dict[str, list[Delivery]] = {}
        texts: dict[str, str] = {}
        for part in spoken:
            if part.question_id not in numbers:
                continue
            by_question.setdefault(part.question_id, []).append(Delivery.from_dict(part.metrics))
            if part.probe_index == 0 or part.question_id not in texts:
                texts[part.question_id] = part.question_text
        answers = [(numbers[q], q, texts[q], combine(parts)) for q, parts in by_question.items()]
        return {**report, "delivery": delivery_report(answers)} if answers else report

    async def _answer_id(self, held: _Held, asked: AskedQuestion, now: datetime) -> int:
        """The answer row of the question on screen. It is created when the question is asked
        and held from then on; it is made again here only if that was lost."""
        key = (asked.question_id, asked.probe_index)
        answer_id = held.answer_ids.get(key)
        if answer_id is None:
            answer = await self.store.sessions.ask(
                held.session.id, question_id=asked.question_id, probe_index=asked.probe_index,
                category=asked.category, question_text=asked.text, now=now)
            answer_id = held.answer_ids[key] = answer.id
        return answer_id

    async def _add_part(self, held: _Held, cleaned: str, *, source: str, source_id: str | None,
                        attachments: Sequence[str]) -> PartResult:
        now = self.clock.now()
        turn = held.interview.add_part(cleaned, now)
        asked = held.interview.current_question()
        answer_id = await self._answer_id(held, asked, now)
        stored = await self.store.sessions.store_part(
            held.session.id, version=held.version, answer_id=answer_id, text=turn.parts[-1],
            source=source, now=now, source_id=source_id, attachments=attachments)
        held.version += 1
        held.session.updated_at = now
        if not stored:
            turn.parts.pop()  # this message was stored before (a redelivery), so it is held already
        return PartResult(replace(held.session), asked, replace(turn, parts=list(turn.parts)), stored)

    async def finish_answer(self, session_id: int, *, expected: str | None = None,
                            user_id: int | None = None) -> Step:
        return await self._transition(session_id, "finish_answer", expected, user_id)

    async def skip(self, session_id: int, *, expected: str | None = None,
                   user_id: int | None = None) -> Step:
        return await self._transition(session_id, "skip", expected, user_id)

    async def end_preparation(self, session_id: int, *, user_id: int | None = None) -> Step:
        """The candidate's preparation time has run out: on to the presentation (refused, with
        InterviewError, when they are not preparing or it has not run out)."""
        return await self._transition(session_id, "end_preparation", None, user_id)

    async def probe(self, session_id: int, *, expected: str | None = None,
                    user_id: int | None = None) -> Step:
        """A human interviewer's follow-up (`Interview.probe`)."""
        return await self._transition(session_id, "probe", expected, user_id)

    async def end(self, session_id: int, *, user_id: int | None = None) -> Step:
        return await self._transition(session_id, "finish", None, user_id)

    async def current(self, session_id: int, *, user_id: int | None = None,
                      expected: str | None = None) -> tuple[InterviewSession, AskedQuestion]:
        """The question being asked now; with `expected` (the key a button or form carries),
        refuses when that question was already moved past."""
        async def op(held: _Held) -> tuple[InterviewSession, AskedQuestion]:
            _check_expected(held.interview, expected)
            return replace(held.session), held.interview.current_question()
        return await self._locked(session_id, user_id, op, check=True)

    async def opening(self, session_id: int, *, user_id: int | None = None) -> Step:
        """The session as it stands, for posting its introduction again in a new place."""
        async def op(held: _Held) -> Step:
            interview = held.interview
            if not interview.is_open:
                raise InterviewError("That interview has already ended.")
            return Step(replace(held.session), interview,
                        Transition(None, interview.current_question(), interview.status))
        return await self._locked(session_id, user_id, op, check=True)

    async def pause(self, session_id: int, *, user_id: int | None = None) -> InterviewSession:
        async def op(held: _Held) -> InterviewSession:
            held.interview.pause()
            return await self._save(held)
        return await self._locked(session_id, user_id, op, check=False)

    async def resume(self, session_id: int, *, user_id: int | None = None
                     ) -> tuple[InterviewSession, AskedQuestion]:
        async def op(held: _Held) -> tuple[InterviewSession, AskedQuestion]:
            asked = held.interview.resume()
            return await self._save(held), asked
        return await self._locked(session_id, user_id, op, check=False)

    async def abandon(self, session_id: int) -> None:
        async def op(held: _Held) -> None:
            held.interview.abandon()
            await self._save(held)
        await self._locked(session_id, None, op, check=False)

    async def attach(self, session_id: int, *, channel_id: int | None = None,
                     message_id: int | None = None) -> None:
        """Remember where the interview runs and which message carries its buttons."""
        async def op(held: _Held) -> None:
            if channel_id is not None:
                held.session.channel_id = channel_id
            held.session.question_message_id = message_id
            await self._save(held)
        try:
            await self._locked(session_id, None, op, check=False)
        except SessionNotFound:
            return

    async def _save(self, held: _Held) -> InterviewSession:
        """Write a held session's status and place over the version held; hold the result."""
        session = held.session
        session.status = held.interview.status
        version = await self.store.sessions.save_state(session, self.clock.now(), version=held.version,
                                                       status=held.stored_status)
        assert version is not None
        held.version, held.stored_status = version, session.status
        self._keep(held)
        return replace(session)

    async def sweep_idle(self, *, pause_after: timedelta, abandon_after: timedelta
                         ) -> tuple[list[InterviewSession], list[InterviewSession]]:
        """Pause interviews untouched for `pause_after`; abandon (never delete) those untouched
        for `abandon_after`. Returns (paused, abandoned). Each change goes through the state
        machine under the session's lock, and is made only if the session is still idle once
        the lock is held: an answer arriving at the same moment wins."""
        async with self.store.exclusive("interview idle sweep"):  # one process at a time
            return await self._sweep_idle(pause_after=pause_after, abandon_after=abandon_after)

    async def _sweep_idle(self, *, pause_after: timedelta, abandon_after: timedelta
                          ) -> tuple[list[InterviewSession], list[InterviewSession]]:
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
        async def op(held: _Held) -> InterviewSession | None:
            session, interview = held.session, held.interview
            if session.updated_at >= idle_since or not interview.is_open:
                return None  # touched since it was found idle
            if action == "pause" and interview.status != "active":
                return None
            getattr(interview, action)()
            return await self._save(held)
        try:
            return await self._locked(session_id, None, op, check=False)
        except (SessionNotFound, KeyError):  # deleted meanwhile, or its script is gone
            return None

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

    # --- preparation time (case exercises) ---------------------------------------------

    def _preparing_scripts(self) -> list[str]:
        """Ours and every server's (each version held) with a brief to prepare."""
        scripts = [*self.library.scripts.values(), *self.library.server_scripts.values()]
        return sorted({s.id for s in scripts if any(q.prepares for q in s.questions)})

    def prepares(self, script_id: str) -> bool:
        """Whether the script has a case brief, so a preparation time applies to it."""
        return script_id in self._preparing_scripts()

    async def preparation_deadlines(self) -> list[tuple[int, datetime]]:
        """(session id, deadline) of every candidate preparing a case now. The deadline is the
        brief's stored asking time plus the minutes stored with the session, so it survives a
        restart with no timer of its own; only active sessions of case scripts are looked at."""
        deadlines = []
        for session in await self.store.sessions.active_with_scripts(self._preparing_scripts()):
            try:
                _, interview = await self.load(session.id)
            except (SessionNotFound, KeyError):
                continue
            deadline = interview.preparation_deadline()
            if deadline is not None and interview.status == "active":
                deadlines.append((session.id, deadline))
        return deadlines

    async def next_preparation_deadline(self) -> datetime | None:
        return min((d for _, d in await self.preparation_deadlines()), default=None)

    async def end_due_preparations(self) -> list[Step]:
        """Every preparation time that has run out: the brief is closed and the presentation
        asked for, each through the state machine under the session's lock (a candidate who
        pressed Done meanwhile wins: theirs is then not a preparation any more)."""
        now = self.clock.now()
        steps = []
        for session_id, deadline in await self.preparation_deadlines():
            if deadline > now:
                continue
            try:
                steps.append(await self.end_preparation(session_id))
            except InterviewError:
                continue  # moved on, paused or ended meanwhile
        return steps

    async def _transition(self, session_id: int, action: str, expected: str | None,
                          user_id: int | None) -> Step:
        async def op(held: _Held) -> Step:
            interview = held.interview
            _check_expected(interview, expected)
            job = interview.reading_due()
            if job is not None:  # the one analysis this transition needs, off the event loop
                interview.remember(job, await asyncio.to_thread(job.run))
            interview.report_on_finish = False
            transition = getattr(interview, action)(self.clock.now())
            if transition.status == "finished" and transition.report is None:
                # The interview has ended, so nothing changes it while the report is built.
                transition = replace(transition, report=await asyncio.to_thread(interview.report))
            if transition.report is not None:  # how spoken answers were said, beside what they said
                transition = replace(transition, report=await self._with_delivery(
                    held.session.id, interview, transition.report))
            await self._persist(held, transition)
            return Step(replace(held.session), interview, transition)

        step = await self._locked(session_id, user_id, op, check=False)
        if step.transition.report is not None:  # committed with its obligations: now do them
            await self._run_finished_hooks(step.session, step.transition.report)
        return step

    async def _persist(self, held: _Held, transition: Transition) -> None:
        """Commit a transition over the version held, the finished answer with its reading."""
        now = self.clock.now()
        session, interview = held.session, held.interview
        finished = None
        turn = transition.finished_turn
        if turn is not None:
            answer_id = held.answer_ids.get((turn.question_id, turn.probe_index))
            if answer_id is None:
                answer = await self.store.sessions.answer_for(session.id, turn.question_id,
                                                              turn.probe_index)
                answer_id = answer.id if answer is not None else None
            if answer_id is not None:
                finished = (answer_id, turn.skipped,
                            turn.reading.stored() if turn.reading is not None else None)
        asked = transition.question
        session.status = interview.status
        session.question_index = interview.question_index
        session.probe_index = interview.probe_index
        if transition.report is not None:
            session.report = transition.report
            session.finished_at = now
        written = await self.store.sessions.commit_transition(
            session, now=now, version=held.version, status=held.stored_status, finished_answer=finished,
            ask=None if asked is None else _asked_row(asked),
            followons=(REPORT_SENT, HOOKS) if transition.report is not None else ())
        assert written.version is not None
        held.version, held.stored_status = written.version, session.status
        if asked is not None and written.asked_answer_id is not None:
            held.answer_ids[(asked.question_id, asked.probe_index)] = written.asked_answer_id
        self._keep(held)
