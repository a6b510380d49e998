"""The idle timer: pauses quiet interviews (and tells the candidate) and abandons forgotten ones.

One task sleeps until the next interview needs pausing or abandoning, with a periodic re-check
as a safety net. A new interview may be due sooner, so `wake()` cuts the current sleep short:
the task is cancelled only while it sleeps, and the cancellation is undone there (the same
pattern as the nudge dispatcher), so a sweep in progress is never interrupted and no second task
is ever made."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.exts.interview._places import InterviewPlaces
from bot.exts.interview._views import buttons

if TYPE_CHECKING:
    from bot.bot import InterviewCoach

log = logging.getLogger(__name__)
IDLE_RECHECK = timedelta(hours=6)


class IdleTimer:
    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self._task: asyncio.Task[None] | None = None
        self._woken = False
        self._sleeping = False

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="interview-idle-sweep")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Look at the deadlines again now (an interview started and may be due sooner)."""
        self._woken = True
        if self._sleeping and self._task is not None and not self._task.done():
            self._task.cancel()  # lands in _sleep, never in a sweep

    @property
    def limits(self) -> tuple[timedelta, timedelta]:
        settings = self.bot.settings
        return timedelta(minutes=settings.idle_pause_minutes), timedelta(days=settings.abandon_after_days)

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            self._woken = False
            try:
                await self.sweep()
                pause_after, abandon_after = self.limits
                due = await self.bot.interviews.next_idle_deadline(pause_after=pause_after,
                                                                   abandon_after=abandon_after)
            except Exception:
                log.exception("Idle sweep failed")
                due = None
            delay = (IDLE_RECHECK.total_seconds() if due is None
                     else (due - self.bot.clock.now()).total_seconds())
            await self._sleep(min(max(delay, 1.0), IDLE_RECHECK.total_seconds()))

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

    async def sweep(self) -> None:
        pause_after, abandon_after = self.limits
        paused, _abandoned = await self.bot.interviews.sweep_idle(pause_after=pause_after,
                                                                  abandon_after=abandon_after)
        places = InterviewPlaces(self.bot)
        minutes = self.bot.settings.idle_pause_minutes
        for session in paused:
            channel = await places.channel(session)
            if channel is not None:
                await places.send(channel, f"⏸️ This interview was paused after {minutes} quiet minutes. Your "
                                           "answers are saved; type your answer or press **Resume** to go on.",
                                  view=buttons(session.id, "resume"))
