"""The preparation timer of case exercises: when a candidate's preparation time runs out, the
bot says so and asks for the presentation.

Nothing about a deadline is held only in memory: it is the brief's stored asking time plus the
minutes stored with the session (`bot.interviews.preparation_deadlines`), so it survives a
restart. One task (a `DeadlineTimer`, like the idle timer) sleeps until the earliest deadline;
a brief put to a candidate wakes it, so no task is ever made per preparation."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.errors import UserFacingError
from bot.exts.interview._places import InterviewPlaces
from bot.exts.interview._timer import DeadlineTimer

log = logging.getLogger(__name__)
PREPARATION_RECHECK = timedelta(hours=1)
TASK_NAME = "interview-preparation-timer"


class PreparationTimer(DeadlineTimer):
    task_name = TASK_NAME
    recheck = PREPARATION_RECHECK
    shortest_sleep = 0.5

    async def next_deadline(self) -> datetime | None:
        return await self.bot.interviews.next_preparation_deadline()

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
