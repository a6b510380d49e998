"""A user's own settings (time zone, nudges on/off, the notice kept for their next command),
a server's settings, and the user's right to see and delete their data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.models import User
from bot.core.timeparse import TimeParseError, resolve_zone
from bot.store import Store


@dataclass(frozen=True, slots=True)
class ZoneChange:
    zone: ZoneInfo
    note: str | None  # e.g. how an abbreviation was read ("EST -> America/New_York")
    local_now: datetime


AUDIO_NOTE = ("Voice answers: the audio of a voice message is transcribed on the bot's own machine and then "
              "discarded; it is never stored. What is kept is the transcript (answer_parts with source "
              "'voice') and what was measured of the recording (spoken_parts: its length, pace, long "
              "pauses, fillers).")


class UserSettingsService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def get(self, user_id: int) -> User | None:
        return await self.store.users.get(user_id)

    async def zone(self, user_id: int) -> ZoneInfo | None:
        """The user's saved time zone, or None when they never set one (or it no longer
        resolves). The one way every feature reads it."""
        user = await self.store.users.get(user_id)
        if user is None or not user.time_zone:
            return None
        try:
            return resolve_zone(user.time_zone)[0]
        except TimeParseError:
            return None

    async def set_zone(self, user_id: int, typed: str) -> ZoneChange:
        """Save the zone the user typed (IANA name or a common abbreviation). Raises
        TimeParseError, with a message for the user, and saves nothing when it is unknown."""
        info, note = resolve_zone(typed)
        now = self.clock.now()
        await self.store.users.set_time_zone(user_id, info.key, now)
        return ZoneChange(info, note, now.astimezone(info))

    async def set_nudges(self, user_id: int, enabled: bool) -> None:
        await self.store.users.set_nudges_enabled(user_id, enabled, self.clock.now())

    async def nudges_off(self, user_id: int) -> bool:
        """True only when the user turned nudges off themselves."""
        user = await self.store.users.get(user_id)
        return user is not None and user.nudges_enabled is False

    async def take_pending_notice(self, user_id: int) -> str | None:
        """What their closed DMs made them miss, handed over once (cleared atomically)."""
        return await self.store.users.take_pending_notice(user_id)

    async def keep_pending_notice(self, user_id: int, notice: str) -> None:
        """Put a notice back (it could not be shown), after anything kept since."""
        await self.store.nudges.append_pending_notice(user_id, notice)

    async def interview_channel(self, guild_id: int) -> int | None:
        return await self.store.guilds.interview_channel(guild_id)

    async def set_interview_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self.store.guilds.set_interview_channel(guild_id, channel_id, self.clock.now())

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the user, ready to be written as JSON."""
        data = await self.store.export_user(user_id)
        return {"user_id": user_id, "exported_at": self.clock.now().isoformat(), "audio": AUDIO_NOTE,
                "data": data}

    async def delete_everything(self, user_id: int) -> dict[str, int]:
        """Delete every row of the user in one transaction; counts per table."""
        return await self.store.delete_user(user_id)
