"""Users, server settings and bot metadata."""

from __future__ import annotations

from datetime import datetime

from bot.core.models import User
from bot.store.database import Backend, Row, from_db_time, to_db_time


def _user(row: Row) -> User:
    enabled = row["nudges_enabled"]
    return User(
        user_id=row["user_id"],
        time_zone=row["time_zone"],
        nudges_enabled=None if enabled is None else bool(enabled),
        pending_notice=row["pending_notice"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
    )


class UserRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def ensure(self, user_id: int, now: datetime) -> User:
        await self.db.write(
            "INSERT INTO users (user_id, created_at) VALUES (?, ?) ON CONFLICT(user_id) DO NOTHING",
            (user_id, to_db_time(now)),
        )
        user = await self.get(user_id)
        assert user is not None
        return user

    async def get(self, user_id: int) -> User | None:
        row = await self.db.fetch_one("SELECT * FROM users WHERE user_id = ?", (user_id,))
        return _user(row) if row else None

    async def set_time_zone(self, user_id: int, zone: str, now: datetime) -> None:
        await self.ensure(user_id, now)
        await self.db.write("UPDATE users SET time_zone = ? WHERE user_id = ?", (zone, user_id))

    async def set_nudges_enabled(self, user_id: int, enabled: bool | None, now: datetime) -> None:
        await self.ensure(user_id, now)
        value = None if enabled is None else int(enabled)
        await self.db.write(
            "UPDATE users SET nudges_enabled = ? WHERE user_id = ?", (value, user_id)
        )

    async def set_pending_notice(self, user_id: int, notice: str | None) -> None:
        await self.db.write(
            "UPDATE users SET pending_notice = ? WHERE user_id = ?", (notice, user_id)
        )

    async def take_pending_notice(self, user_id: int) -> str | None:
        """Return and clear the notice waiting for this user, atomically."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT pending_notice FROM users WHERE user_id = ?", (user_id,)
            ) as cur:
                row = await cur.fetchone()
            if row is None or row[0] is None:
                return None
            await conn.execute("UPDATE users SET pending_notice = NULL WHERE user_id = ?", (user_id,))
            return str(row[0])

    # ------------------------------------------------------------ where nudge DMs go

    async def dm_channel(self, user_id: int) -> int | None:
        """The user's DM channel, once a nudge has reached it (migration 0009)."""
        return await self.db.fetch_value(
            "SELECT dm_channel_id FROM users WHERE user_id = ?", (user_id,))

    async def remember_dm_channel(self, user_id: int, channel_id: int) -> None:
        await self.db.write(
            "UPDATE users SET dm_channel_id = ? WHERE user_id = ?", (channel_id, user_id))


class GuildSettingsRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def interview_channel(self, guild_id: int) -> int | None:
        return await self.db.fetch_value(
            "SELECT interview_channel_id FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )

    async def set_interview_channel(
        self, guild_id: int, channel_id: int | None, now: datetime
    ) -> None:
        await self.db.write(
            "INSERT INTO guild_settings (guild_id, interview_channel_id, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(guild_id) DO UPDATE SET interview_channel_id = excluded.interview_channel_id,"
            " updated_at = excluded.updated_at",
            (guild_id, channel_id, to_db_time(now)),
        )


    async def voice_answers(self, guild_id: int) -> bool | None:
        """Whether the server allows voice answers: None when its admin never said."""
        value = await self.db.fetch_value(
            "SELECT voice_answers FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return None if value is None else bool(value)

    async def set_voice_answers(self, guild_id: int, enabled: bool, now: datetime) -> None:
        await self.db.write(
            "INSERT INTO guild_settings (guild_id, voice_answers, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(guild_id) DO UPDATE SET voice_answers = excluded.voice_answers,"
            " updated_at = excluded.updated_at",
            (guild_id, int(enabled), to_db_time(now)),
        )


class MetaRepository:
    """Small key/value facts about the bot itself (e.g. the synced command tree's hash)."""

    def __init__(self, db: Backend) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        return await self.db.fetch_value("SELECT value FROM bot_meta WHERE key = ?", (key,))

    async def set(self, key: str, value: str) -> None:
        await self.db.write(
            "INSERT INTO bot_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
