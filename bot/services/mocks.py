"""Mentor and peer mock interviews as a service the bot owns: requests and invitations, the
agreed time and its reminders, the session the interviewer drives, their scores and notes, and
who may see the report. No Discord here: the adapter (`bot/exts/mock/`) draws the results.

The session is an ordinary interview of the candidate's (`bot.interviews`), on the script
chosen, so typed answers are stored and analysed exactly as in a bot-run interview and the
report lands in the candidate's history. What differs is who moves it on: the interviewer,
from their panel (ask, probe, next or skip). The candidate's messages in the thread are parts of
the answer only while a question is asked (`typed_answer`), so small talk before it or between
questions is not taken for an answer.

Every change is decided by `bot.core.mocks` and written over the version read (`Stale`: read
again and retry once). Reminders are nudges of kind `mock_reminder`, delivered by the follow-up
service's dispatcher (once, on time, across restarts); this service composes each just before
it is sent, so a reminder for a time since moved or a mock interview since cancelled is not
sent."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.core import mocks
from bot.core.clock import Clock
from bot.core.followups import NudgeControl, NudgeMessage, Skip
from bot.core.interview import AskedQuestion, InterviewError
from bot.core.mocks import MockError, MockInterview
from bot.core.models import Nudge
from bot.core.rubrics import rubric_for
from bot.core.scripts import Script
from bot.core.text import Safe, discord_timestamp, escape_discord
from bot.library import TemplateLibrary
from bot.services.followups import FollowUpService
from bot.services.interviews import InterviewService, PartResult, Step
from bot.store import NewNudge, Store
from bot.store.database import Stale
from bot.store.mocks import MockSettings

log = logging.getLogger(__name__)
REMINDER = "mock_reminder"


@dataclass(frozen=True, slots=True)
class Panel:
    """What the interviewer's panel shows now."""

    mock: MockInterview
    question: AskedQuestion | None  # the one to ask (or being answered); None once finished
    asked: bool  # already put to the candidate
    probes: list[str]  # the follow-ups written for it, as they would be asked
    points: list[str]  # its rubric's points, each scored 1-4
    scores: dict[int, int]
    note: str
    script_title: str


@dataclass(frozen=True, slots=True)
class MockReport:
    """What one participant may see after a session: the candidate their whole report; the
    interviewer only what they wrote themselves."""

    mock: MockInterview
    viewer_role: str
    text: str  # the interviewer's scores and notes, rendered
    step_report: dict[str, Any] | None  # the bot's report of the typed answers (candidate only)


class MockService:
    def __init__(self, store: Store, library: TemplateLibrary, clock: Clock, *,
                 interviews: InterviewService, followups: FollowUpService) -> None:
        self.store = store
        self.library = library
        self.clock = clock
        self.interviews = interviews
        self.followups = followups
        followups.register_kind(REMINDER, self.compose_reminder)
        interviews.answers_elsewhere(self.typed_answer)  # the candidate's typed answers
        # The threads where a session is running (thread id -> mock interview id): every message
        # in any thread is looked up here, so one that is not a session costs no query.
        self._session_threads: dict[int, int] = {}

    async def load(self) -> None:
        """At start-up: the sessions running (their threads take typed answers)."""
        self._session_threads = {m.thread_id: m.id for m in await self.store.mocks.running()
                         if m.thread_id is not None}

    # --- settings -------------------------------------------------------------------------

    async def settings(self, guild_id: int) -> MockSettings:
        return await self.store.mocks.settings(guild_id)

    async def set_setting(self, guild_id: int, name: str, value: int | None) -> None:
        await self.store.mocks.set_setting(guild_id, name, value, self.clock.now())

    # --- reading --------------------------------------------------------------------------

    async def get(self, mock_id: int) -> MockInterview:
        mock = await self.store.mocks.get(mock_id)
        if mock is None:
            raise MockError("That mock interview no longer exists.")
        return mock

    async def visible(self, mock_id: int, user_id: int, *, moderator: bool = False) -> MockInterview:
        """The mock interview, for one of its two participants (or a moderator) only."""
        mock = await self.get(mock_id)
        if not mocks.may_see(mock, user_id, moderator=moderator):
            raise MockError("This mock interview is between two other members; it is not yours.")
        return mock

    def script_title(self, mock: MockInterview) -> str:
        script = self.library.find(mock.script_key)
        return script.title if script else mock.script_key

    # --- creating -------------------------------------------------------------------------

    def _new(self, *, guild_id: int, kind: str, status: str, candidate_id: int,
             interviewer_id: int | None, created_by: int, script: Script, role: str, company: str,
             starts_at: datetime | None, swapped_from: int | None = None) -> MockInterview:
        now = self.clock.now()
        if starts_at is not None:
            mocks.check_time(starts_at, now)
        inviter_is_candidate = created_by == candidate_id
        return MockInterview(
            id=0, guild_id=guild_id, kind=kind, status=status, candidate_id=candidate_id,
            interviewer_id=interviewer_id, created_by=created_by, script_key=script.id,
            stage=script.stage, role=role, company=company, starts_at=starts_at,
            proposed_by=created_by if starts_at else None,
            candidate_ok=starts_at is not None and inviter_is_candidate,
            interviewer_ok=starts_at is not None and not inviter_is_candidate,
            request_channel_id=None, request_message_id=None, thread_id=None,
            voice_channel_id=None, session_id=None,
            asked_key=None, ended_by=None, no_show_id=None, swapped_from=swapped_from, version=0,
            created_at=now, updated_at=now)

    async def request(self, *, guild_id: int, user_id: int, script: Script, role: str,
                      company: str, starts_at: datetime | None) -> MockInterview:
        """A member asks to be interviewed; a mentor or any other member may claim it."""
        return await self.store.mocks.create(self._new(
            guild_id=guild_id, kind="request", status=mocks.OPEN, candidate_id=user_id,
            interviewer_id=None, created_by=user_id, script=script, role=role, company=company,
            starts_at=starts_at))

    async def pair(self, *, guild_id: int, user_id: int, other_id: int, user_is: str,
                   script: Script, role: str, company: str, starts_at: datetime | None,
                   swapped_from: int | None = None) -> MockInterview:
        """A direct invitation: `user_is` says whether the inviter is the candidate."""
        if other_id == user_id:
            raise MockError("Invite someone else: a mock interview takes two people.")
        candidate, interviewer = ((user_id, other_id) if user_is == mocks.CANDIDATE
                                  else (other_id, user_id))
        return await self.store.mocks.create(self._new(
            guild_id=guild_id, kind="pair", status=mocks.PROPOSED, candidate_id=candidate,
            interviewer_id=interviewer, created_by=user_id, script=script, role=role,
            company=company, starts_at=starts_at, swapped_from=swapped_from))

    async def swap_roles(self, mock_id: int, user_id: int) -> MockInterview:
        """The return match: the same two, roles swapped, same script; a time to agree."""
        mock = await self.visible(mock_id, user_id)
        candidate, _ = mocks.swapped(mock, await self.store.mocks.swapped_from(mock.id))
        script = self.library.find(mock.script_key)
        if script is None:
            raise MockError("That script is no longer available; invite them with `/mock pair`.")
        return await self.pair(guild_id=mock.guild_id, user_id=user_id,
                               other_id=mock.other(user_id) or 0,
                               user_is=mocks.CANDIDATE if user_id == candidate else mocks.INTERVIEWER,
                               script=script, role=mock.role, company=mock.company, starts_at=None,
                               swapped_from=mock.id)

    async def withdraw(self, mock_id: int) -> bool:
        """A request or invitation whose message or thread could not be posted: removed, so
        "nothing was booked" is true (nobody could see or claim it)."""
        return await self.store.mocks.delete_unplaced(mock_id)

    async def placed(self, mock_id: int, *, thread_id: int | None = None,
                     request_channel_id: int | None = None,
                     request_message_id: int | None = None) -> MockInterview:
        """Remember where its request was posted and its private thread."""
        def change(mock: MockInterview) -> MockInterview:
            return replace(mock, thread_id=thread_id or mock.thread_id,
                           request_channel_id=request_channel_id or mock.request_channel_id,
                           request_message_id=request_message_id or mock.request_message_id)
        return await self._change(mock_id, change)

    async def by_thread(self, thread_id: int) -> MockInterview | None:
        return await self.store.mocks.by_thread(thread_id)

    async def drives(self, session_id: int) -> MockInterview | None:
        """The mentor or peer mock interview this interview session belongs to, if any: its
        interviewer drives it from their panel, in the mock's own thread, not the bot."""
        return await self.store.mocks.by_session(session_id)

    # --- the voice channel ------------------------------------------------------------------

    async def voice_wanted(self, mock_id: int, user_id: int) -> MockInterview:
        """Whether this participant may have a voice channel now (it exists already when the
        mock interview names one)."""
        mock = await self.get(mock_id)
        mocks.may_open_voice(mock, user_id)
        return mock

    async def voice_opened(self, mock_id: int, channel_id: int | None) -> MockInterview:
        return await self._change(mock_id, lambda m: replace(m, voice_channel_id=channel_id,
                                                             updated_at=self.clock.now()))

    async def by_voice_channel(self, channel_id: int) -> MockInterview | None:
        return await self.store.mocks.by_voice_channel(channel_id)

    async def with_voice_channel(self) -> list[MockInterview]:
        """The mock interviews whose voice channel may still exist (checked at start-up)."""
        return await self.store.mocks.with_voice_channel()

    # --- moving it on ---------------------------------------------------------------------

    async def _change(self, mock_id: int, change: Callable[[MockInterview], MockInterview]
                      ) -> MockInterview:
        for attempt in range(2):
            mock = await self.get(mock_id)
            try:
                saved = await self.store.mocks.save(change(mock))
            except Stale:
                if attempt:
                    raise MockError("Someone changed this at the same moment; try again.") from None
                continue
            await self._plan_reminders(saved)
            if saved.thread_id is not None:
                if saved.status == mocks.RUNNING:
                    self._session_threads[saved.thread_id] = saved.id
                elif self._session_threads.get(saved.thread_id) == saved.id:
                    del self._session_threads[saved.thread_id]
            return saved
        raise AssertionError("unreachable")

    async def claim(self, mock_id: int, user_id: int) -> MockInterview:
        return await self._change(mock_id, lambda m: mocks.claim(m, user_id, self.clock.now()))

    async def propose(self, mock_id: int, user_id: int, when: datetime) -> MockInterview:
        return await self._change(mock_id, lambda m: mocks.propose(m, user_id, when, self.clock.now()))

    async def confirm(self, mock_id: int, user_id: int) -> MockInterview:
        return await self._change(mock_id, lambda m: mocks.confirm(m, user_id, self.clock.now()))

    async def cancel(self, mock_id: int, user_id: int) -> MockInterview:
        return await self._change(mock_id, lambda m: mocks.cancel(m, user_id, self.clock.now()))

    async def no_show(self, mock_id: int, user_id: int) -> MockInterview:
        return await self._change(mock_id, lambda m: mocks.record_no_show(m, user_id, self.clock.now()))

    async def _plan_reminders(self, mock: MockInterview) -> None:
        by_user: dict[int, list[NewNudge]] = {}
        for planned in mocks.reminders(mock, self.clock.now()):
            by_user.setdefault(planned.user_id, []).append(
                NewNudge(REMINDER, planned.due_at, planned.dedupe_key, planned.payload))
        for user_id, nudges in by_user.items():
            await self.followups.add_nudges(user_id, nudges)

    async def compose_reminder(self, nudge: Nudge, late: str | None) -> NudgeMessage | Skip:
        """What a due reminder says, or why it no longer goes out (asked just before sending)."""
        mock = await self.store.mocks.get(int(nudge.payload.get("mock_id") or 0))
        why = mocks.reminder_still_wanted(mock, nudge.payload)
        if why is not None or mock is None or mock.starts_at is None:
            return Skip(why or "the mock interview no longer exists", "cancelled")
        role = mock.role_of(nudge.user_id) or mocks.CANDIDATE
        other = mock.other(nudge.user_id)
        text = self.library.render(
            "nudges/mock_reminder.md.j2", mock_role=role, other=Safe(f"<@{other}>"),
            when=mock.starts_at, script_title=self.script_title(mock), company=mock.company,
            thread=Safe(f"<#{mock.thread_id}>") if mock.thread_id else "")
        summary = (f"🤝 Mock interview {discord_timestamp(mock.starts_at, 'R')} "
                   f"({escape_discord(self.script_title(mock))}).")
        return NudgeMessage(text, summary, (NudgeControl("done"),), late, mock.thread_id)

    # --- the session ----------------------------------------------------------------------

    async def start_session(self, mock_id: int, user_id: int, *, candidate_name: str,
                            interviewer_name: str) -> MockInterview:
        """The interviewer starts: the candidate's interview begins on the script (its first
        question waits on the panel until the interviewer asks it)."""
        mock = await self.get(mock_id)
        mocks.start(mock, user_id, self.clock.now(), session_id=0)  # refuses before anything starts
        context: dict[str, Any] = {
            # No role given: "the {{ role }} role" reads "the role" once the text is reflowed.
            "candidate": candidate_name, "role": mock.role,
            "company": mock.company or "the company", "values": [],
            "interviewers": [{"name": interviewer_name, "title": ""}], "mock_id": mock.id}
        try:
            step = await self.interviews.start(user_id=mock.candidate_id, script_id=mock.script_key,
                                               context=context, guild_id=mock.guild_id)
        except InterviewError as error:
            raise MockError("The candidate has a bot-run interview in progress; they can end it "
                            f"with `/interview end` first. ({error})") from None
        session_id = step.session.id
        try:
            return await self._change(mock_id, lambda m: mocks.start(m, user_id, self.clock.now(),
                                                                     session_id=session_id))
        except Exception:
            await self.interviews.abandon(session_id)  # no half-started session is left open
            raise

    async def panel(self, mock_id: int, user_id: int) -> Panel:
        mock = await self.get(mock_id)
        if mock.status == mocks.FINISHED and mock.role_of(user_id) == mocks.INTERVIEWER:
            return Panel(mock, None, False, [], [], {}, "", self.script_title(mock))
        mocks.require_interviewer(mock, user_id)
        assert mock.session_id is not None
        _, interview = await self.interviews.load(mock.session_id)
        title = interview.script.title
        if not interview.is_open:  # ended from elsewhere (`/interview end`): the mock ends too
            mock = await self._change(mock.id, lambda m: mocks.end(m, m.candidate_id, self.clock.now())
                                      if m.status == mocks.RUNNING else m)
            return Panel(mock, None, False, [], [], {}, "", title)
        asked = interview.current_question()
        spec = interview.current_spec
        assert spec is not None
        probes = []
        context = interview.render_context(current=spec)
        for probe in spec.probes:
            try:
                probes.append(interview.script.render_probe(probe, context))
            except Exception:  # a probe whose text needs an answer that is not there yet
                probes.append(f"(a follow-up for when: {probe.condition_source or 'always'})")
        rubric = rubric_for(spec.category)
        points = list(rubric.strong[:mocks.MAX_RUBRIC_POINTS])
        scores = {point: score for q, point, score in await self.store.mocks.scores(mock.id)
                  if q == spec.id}
        note = (await self.store.mocks.notes(mock.id)).get(spec.id, "")
        return Panel(mock, asked, mock.asked_key == asked.key, probes, points, scores, note, title)

    async def _running(self, mock_id: int, user_id: int) -> MockInterview:
        mock = await self.get(mock_id)
        mocks.require_interviewer(mock, user_id)
        assert mock.session_id is not None
        session = await self.interviews.get(mock.session_id)
        if session is not None and session.status == "paused":  # idle while they talked by voice
            await self.interviews.resume(mock.session_id)
        return mock

    async def ask(self, mock_id: int, user_id: int) -> tuple[MockInterview, AskedQuestion]:
        """Put the current question to the candidate: the thread now takes their typed answers."""
        mock = await self._running(mock_id, user_id)
        assert mock.session_id is not None
        _, asked = await self.interviews.current(mock.session_id)
        mock = await self._change(mock_id, lambda m: replace(m, asked_key=asked.key,
                                                             updated_at=self.clock.now()))
        return mock, asked

    async def typed_answer(self, thread_id: int, user_id: int, text: str, source_id: str | None,
                           attachments: Sequence[str]) -> PartResult | None:
        """A message in a session's thread (the interview service's listener hands it over):
        stored, committed, as part of the candidate's answer when it is theirs and a question is
        asked and not moved past. None: not a session's thread, someone else's message, or no
        question waiting (small talk, or between questions). The interview runs in no channel of
        its own, so `/interview` commands never post its questions or report in the thread."""
        mock_id = self._session_threads.get(thread_id)
        if mock_id is None:
            return None
        mock = await self.get(mock_id)
        if mock.status != mocks.RUNNING or mock.session_id is None or mock.thread_id != thread_id:
            self._session_threads.pop(thread_id, None)
            return None
        if user_id != mock.candidate_id:
            return None
        if mock.asked_key is None:
            return None
        session = await self.interviews.get(mock.session_id)
        if session is None or not session.is_open:
            return None
        if session.status == "paused":
            await self.interviews.resume(mock.session_id)
        _, current = await self.interviews.current(mock.session_id)
        if current.key != mock.asked_key:
            return None
        return await self.interviews.record_part(mock.session_id, text, source="message",
                                                 source_id=source_id, attachments=attachments,
                                                 user_id=mock.candidate_id)

    async def follow_up(self, mock_id: int, user_id: int) -> tuple[MockInterview, Step]:
        """Ask a follow-up now (the next probe written); it is put to the candidate at once."""
        mock = await self._running(mock_id, user_id)
        assert mock.session_id is not None
        step = await self.interviews.probe(mock.session_id)
        asked_key = step.question.key if step.question is not None and step.question.is_probe else None
        mock = await self._after_step(mock_id, user_id, step, asked_key)
        return mock, step

    async def next_question(self, mock_id: int, user_id: int) -> tuple[MockInterview, Step]:
        """Done with this question (or skip it unasked): the next one waits on the panel."""
        mock = await self._running(mock_id, user_id)
        assert mock.session_id is not None
        step = await self.interviews.skip(mock.session_id)
        return await self._after_step(mock_id, user_id, step, None), step

    async def _after_step(self, mock_id: int, user_id: int, step: Step,
                          asked_key: str | None) -> MockInterview:
        if step.finished:
            return await self._change(mock_id, lambda m: mocks.end(
                replace(m, asked_key=None), user_id, self.clock.now()))
        return await self._change(mock_id, lambda m: replace(m, asked_key=asked_key,
                                                             updated_at=self.clock.now()))

    async def end(self, mock_id: int, user_id: int) -> tuple[MockInterview, Step | None]:
        """Either participant, at any moment: a running session ends with a report on what was
        said; one not started yet is cancelled."""
        mock = await self.visible(mock_id, user_id)
        if mock.status != mocks.RUNNING:
            return await self.cancel(mock_id, user_id), None
        assert mock.session_id is not None
        step = None
        session = await self.interviews.get(mock.session_id)
        if session is not None and session.is_open:
            step = await self.interviews.end(mock.session_id)
        mock = await self._change(mock_id, lambda m: mocks.end(m, user_id, self.clock.now()))
        return mock, step

    async def score(self, mock_id: int, user_id: int, question_id: str, point: int,
                    score: int) -> None:
        mock = await self._running(mock_id, user_id)
        points = await self._points(mock, question_id)
        mocks.check_score(point, score, points)
        await self.store.mocks.set_score(mock.id, question_id, point, score, self.clock.now())

    async def note(self, mock_id: int, user_id: int, question_id: str, text: str) -> str:
        mock = await self._running(mock_id, user_id)
        await self._points(mock, question_id)
        note = mocks.clean_note(text)
        await self.store.mocks.set_note(mock.id, question_id, note, self.clock.now())
        return note

    async def _points(self, mock: MockInterview, question_id: str) -> int:
        script = self.library.find(mock.script_key)
        spec = next((q for q in script.questions if q.id == question_id), None) if script else None
        if spec is None:
            raise MockError("That question is not part of this session's script.")
        return len(rubric_for(spec.category).strong)

    # --- after it ---------------------------------------------------------------------------

    async def report(self, mock_id: int, user_id: int) -> MockReport:
        """The candidate: the interviewer's scores and notes beside the bot's own analysis of
        their typed answers. The interviewer: only their own scores and notes, for this session.
        Anyone else: nothing."""
        mock = await self.visible(mock_id, user_id)
        if mock.status != mocks.FINISHED or mock.session_id is None:
            raise MockError("The report is ready once the session has finished.")
        role = mock.role_of(user_id)
        assert role is not None
        _, interview = await self.interviews.load(mock.session_id)
        marks, overall = mocks.aggregate(await self.store.mocks.scores(mock.id),
                                         await self.store.mocks.notes(mock.id),
                                         [q.id for q in interview.plan])
        asked = {t.question_id: t.question_text for t in interview.turns if t.probe_index == 0}
        questions = []
        for number, spec in enumerate(interview.plan, start=1):
            entry = next((m for m in marks if m.question_id == spec.id), None)
            if entry is None:
                continue
            points = rubric_for(spec.category).strong
            questions.append({
                "number": number, "text": Safe(asked.get(spec.id, spec.id)),
                "scores": [{"point": points[p] if p < len(points) else f"point {p + 1}",
                            "score": s} for p, s in entry.scores.items()],
                "average": entry.average, "note": entry.note})
        text = self.library.render("reports/mock_scores.md.j2", questions=questions,
                                   overall=overall, for_candidate=role == mocks.CANDIDATE,
                                   interviewer=Safe(f"<@{mock.interviewer_id}>"),
                                   candidate=Safe(f"<@{mock.candidate_id}>"),
                                   script_title=interview.script.title)
        step_report = None
        if role == mocks.CANDIDATE:
            _, _, step_report = await self.interviews.report_of(mock.session_id,
                                                                user_id=mock.candidate_id)
        return MockReport(mock, role, text, step_report)

    async def report_seen(self, mock: MockInterview) -> None:
        if mock.session_id is not None:
            await self.interviews.report_delivered(mock.session_id)
