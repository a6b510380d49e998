"""The idle timer: pauses quiet interviews (and tells the candidate) and abandons forgotten ones.

One task (a `DeadlineTimer`) sleeps until the next interview needs pausing or abandoning; a new
interview wakes it, since it may be due sooner."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.exts.interview._places import InterviewPlaces
from bot.exts.interview._timer import DeadlineTimer
from bot.exts.interview._views import buttons

log = logging.getLogger(__name__)
IDLE_RECHECK = timedelta(hours=6)


class IdleTimer(DeadlineTimer):
    task_name = "interview-idle-sweep"
    recheck = IDLE_RECHECK

    @property
    def limits(self) -> tuple[timedelta, timedelta]:
        settings = self.bot.settings
        return timedelta(minutes=settings.idle_pause_minutes), timedelta(days=settings.abandon_after_days)

    async def run_due(self) -> None:
        await self.sweep()

    async def next_deadline(self) -> datetime | None:
        pause_after, abandon_after = self.limits
        return await self.bot.interviews.next_idle_deadline(pause_after=pause_after, abandon_after=abandon_after)

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
