"""Follow-ups: the plans a user makes around real interviews (the planner) and the nudges that
fall due from them (the durable dispatcher), as one service the bot starts and stops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.clock import Clock
from bot.planner import FollowUpPlanner
from bot.scheduler import Courier, NudgeDispatcher
from bot.store import Store


class FollowUpService:
    def __init__(self, store: Store, clock: Clock, courier: Courier, *,
                 before_start: Callable[[], Awaitable[Any]] | None = None) -> None:
        self.courier = courier
        self.dispatcher = NudgeDispatcher(store, clock, courier, before_start=before_start)
        self.planner = FollowUpPlanner(store, clock, self.dispatcher.wake)

    def start(self) -> None:
        self.dispatcher.start()

    async def stop(self) -> None:
        await self.dispatcher.stop()
