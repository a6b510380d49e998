"""The interview service: runs the pure state machine and persists every transition through
the store *before* the caller acknowledges it. Both the Discord adapter and the terminal
rehearsal drive interviews through this one class."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.core.interview import AskedQuestion, Interview, InterviewError, Transition, Turn
from bot.core.models import Answer, InterviewSession
from bot.core.text import clean_user_text
from bot.library import TemplateLibrary
from bot.store import Store


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


class InterviewService:
    def __init__(self, store: Store, library: TemplateLibrary, clock: Clock) -> None:
        self.store = store
        self.library = library
        self.clock = clock
        self._locks: dict[int, asyncio.Lock] = {}

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
        session = await self.store.sessions.create(
            user_id=user_id, script_id=script.id, script_version=script.version,
            context=interview.context, now=now, guild_id=guild_id, channel_id=channel_id)
        async with self._lock(session.id):
            transition = interview.start(now)
            await self._persist(session, interview, transition)
        return Step(session, interview, transition)

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

    async def current(self, session_id: int, *, user_id: int | None = None
                      ) -> tuple[InterviewSession, AskedQuestion]:
        session, interview = await self.load(session_id, user_id=user_id)
        return session, interview.current_question()

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
        for `abandon_after`. Returns (paused, abandoned)."""
        now = self.clock.now()
        abandoned: list[InterviewSession] = []
        for status in ("active", "paused"):
            for session in await self.store.sessions.stale_open(now - abandon_after, status):
                session.status = "abandoned"
                await self.store.sessions.save_state(session, now)
                abandoned.append(session)
        paused: list[InterviewSession] = []
        for session in await self.store.sessions.stale_open(now - pause_after, "active"):
            session.status = "paused"
            await self.store.sessions.save_state(session, now)
            paused.append(session)
        return paused, abandoned

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
            if expected is not None and interview.is_open:
                current = interview.current_question().key if interview.current_spec else None
                if current != expected:
                    raise StaleQuestion("That button belongs to a question you have already "
                                      "moved past.")
            now = self.clock.now()
            transition = getattr(interview, action)(now)
            await self._persist(session, interview, transition)
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
            ask=None if asked is None else {
                "question_id": asked.question_id, "probe_index": asked.probe_index,
                "category": asked.category, "question_text": asked.text})
