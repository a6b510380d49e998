"""One task that sleeps until the next deadline of some kind comes due, then acts on every due
one: the idle timer and the preparation timer are both this.

A new deadline may be sooner than the one slept towards, so `wake()` cuts the sleep short: the
task is cancelled only while it sleeps, and the cancellation is undone there (the same pattern as
the nudge dispatcher), so work in progress is never interrupted and no second task is ever made.
A periodic re-check is the safety net."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.bot import InterviewCoach

log = logging.getLogger(__name__)


class DeadlineTimer(ABC):
    task_name = "interview-timer"
    recheck = timedelta(hours=1)
    shortest_sleep = 1.0  # seconds: a deadline just passed is acted on at the next wake-up

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self._task: asyncio.Task[None] | None = None
        self._woken = False
        self._sleeping = False

    @abstractmethod
    async def run_due(self) -> None:
        """Act on every deadline that has passed."""

    @abstractmethod
    async def next_deadline(self) -> datetime | None:
        """The soonest deadline still ahead, if any."""

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=self.task_name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Look at the deadlines again now (a new one may be due sooner)."""
        self._woken = True
        if self._sleeping and self._task is not None and not self._task.done():
            self._task.cancel()  # lands in _sleep, never while due work is being done

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            self._woken = False
            try:
                await self.run_due()
                due = await self.next_deadline()
            except Exception:
                log.exception("%s failed", self.task_name)
                due = None
            recheck = self.recheck.total_seconds()
            delay = recheck if due is None else (due - self.bot.clock.now()).total_seconds()
            await self._sleep(min(max(delay, self.shortest_sleep), recheck))

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
