"""The preparation timer of case exercises: when a candidate's preparation time runs out, the
bot says so and asks for the presentation.

Nothing about a deadline is held only in memory: it is the brief's stored asking time plus the
minutes stored with the session (`bot.interviews.preparation_deadlines`), so it survives a
restart. One task sleeps until the earliest deadline, with a periodic re-check as a safety net;
a brief put to a candidate wakes it (`wake()`, cutting the current sleep short, the same pattern
as the idle timer), so no task is ever made per preparation."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.errors import UserFacingError
from bot.exts.interview._places import InterviewPlaces

if TYPE_CHECKING:
    from bot.bot import InterviewCoach

log = logging.getLogger(__name__)
PREPARATION_RECHECK = timedelta(hours=1)
TASK_NAME = "interview-preparation-timer"


class PreparationTimer:
    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self._task: asyncio.Task[None] | None = None
        self._woken = False
        self._sleeping = False

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=TASK_NAME)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Look at the deadlines again now (a brief was just given and may be due soonest)."""
        self._woken = True
        if self._sleeping and self._task is not None and not self._task.done():
            self._task.cancel()  # lands in _sleep, never while time's-up messages go out

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            self._woken = False
            try:
                await self.run_due()
                due = await self.bot.interviews.next_preparation_deadline()
            except Exception:
                log.exception("Preparation timer failed")
                due = None
            recheck = PREPARATION_RECHECK.total_seconds()
            delay = recheck if due is None else (due - self.bot.clock.now()).total_seconds()
            await self._sleep(min(max(delay, 0.5), recheck))

    async def _sleep(self, seconds: float) -> None:
        if self._woken:
            return
        self._sleeping = True
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:
            if not self._woken or self._task is None:
                raise  # a real stop
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
        finally:
            self._sleeping = False

    async def run_due(self) -> None:
        """Every preparation that has run out: the brief's buttons go, a time's-up line and the
        presentation question are posted where the interview runs."""
        places = InterviewPlaces(self.bot)
        for step in await self.bot.interviews.end_due_preparations():
            channel = await places.channel(step.session)
            if channel is None:
                continue  # the candidate sees the next question at /interview resume
            finished = step.transition.finished_turn
            brief_message = step.session.question_message_id
            await places.clear_buttons(channel, brief_message)
            await places.send(channel, "⏱️ Your preparation time is up. Over to you!")
            try:
                await places.after_step(channel, step)
            except UserFacingError as exc:
                log.info("Could not post the presentation question for session %s (%s): %s",
                         step.session.id, finished.question_id if finished else "?", exc)
