"""Mentor and peer mock interviews, the server's settings for them, and the interviewer's
scores and notes (migration 0015)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from bot.core.mocks import MockInterview
from bot.store.database import Backend, Row, Stale, from_db_time, to_db_time

_TIMES = {"starts_at", "created_at", "updated_at"}
_BOOLS = {"candidate_ok", "interviewer_ok"}
_COLUMNS = [f.name for f in fields(MockInterview)]
_WRITABLE = [c for c in _COLUMNS if c not in {"id", "version", "created_at"}]


def _mock(row: Row) -> MockInterview:
    values = {}
    for name in _COLUMNS:
        value = row[name]
        if name in _TIMES:
            value = from_db_time(value)
        elif name in _BOOLS:
            value = bool(value)
        values[name] = value
    return MockInterview(**values)


def _db(name: str, value: object) -> object:
    if name in _TIMES:
        return to_db_time(value)  # type: ignore[arg-type]
    if name in _BOOLS:
        return int(bool(value))
    return value


@dataclass(frozen=True, slots=True)
class MockSettings:
    guild_id: int
    request_channel_id: int | None
    mentor_role_id: int | None
    moderator_channel_id: int | None


class MockRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def create(self, mock: MockInterview) -> MockInterview:
        """Insert a new mock interview (its id and version are the database's)."""
        names = [c for c in _COLUMNS if c not in {"id", "version"}]
        result = await self.db.write(
            f"INSERT INTO mock_interviews ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [_db(n, getattr(mock, n)) for n in names])
        created = await self.get(int(result.lastrowid or 0))
        assert created is not None
        return created

    async def get(self, mock_id: int) -> MockInterview | None:
        row = await self.db.fetch_one("SELECT * FROM mock_interviews WHERE id = ?", (mock_id,))
        return _mock(row) if row else None

    async def save(self, mock: MockInterview) -> MockInterview:
        """Write a changed mock interview over the version it was read at; Stale when someone
        changed it meanwhile (nothing written)."""
        assignments = ", ".join(f"{c} = ?" for c in _WRITABLE)
        result = await self.db.write(
            f"UPDATE mock_interviews SET {assignments}, version = version + 1"
            " WHERE id = ? AND version = ?",
            [*(_db(c, getattr(mock, c)) for c in _WRITABLE), mock.id, mock.version])
        if result.rowcount != 1:
            raise Stale(f"mock interview {mock.id} changed meanwhile")
        saved = await self.get(mock.id)
        assert saved is not None
        return saved

    async def delete_unplaced(self, mock_id: int) -> bool:
        """Remove a request or invitation that was never posted (no thread, not yet agreed):
        whoever made it was told nothing was booked. False when it is placed or agreed."""
        result = await self.db.write(
            "DELETE FROM mock_interviews WHERE id = ? AND thread_id IS NULL"
            " AND status IN ('open', 'proposed')", (mock_id,))
        return result.rowcount == 1

    async def swapped_from(self, mock_id: int) -> MockInterview | None:
        """The return match booked from this mock interview, if any."""
        row = await self.db.fetch_one(
            "SELECT * FROM mock_interviews WHERE swapped_from = ? ORDER BY id LIMIT 1", (mock_id,))
        return _mock(row) if row else None

    async def by_thread(self, thread_id: int) -> MockInterview | None:
        row = await self.db.fetch_one(
            "SELECT * FROM mock_interviews WHERE thread_id = ? ORDER BY id DESC LIMIT 1",
            (thread_id,))
        return _mock(row) if row else None

    async def by_session(self, session_id: int) -> MockInterview | None:
        """The mock interview whose candidate's interview is this session, if any."""
        row = await self.db.fetch_one(
            "SELECT * FROM mock_interviews WHERE session_id = ? ORDER BY id DESC LIMIT 1", (session_id,))
        return _mock(row) if row else None

    async def by_voice_channel(self, channel_id: int) -> MockInterview | None:
        row = await self.db.fetch_one(
            "SELECT * FROM mock_interviews WHERE voice_channel_id = ? ORDER BY id DESC LIMIT 1",
            (channel_id,))
        return _mock(row) if row else None

    async def with_voice_channel(self) -> list[MockInterview]:
        """Every mock interview that still names a voice channel (a start-up sweep)."""
        rows = await self.db.fetch_all(
            "SELECT * FROM mock_interviews WHERE voice_channel_id IS NOT NULL ORDER BY id")
        return [_mock(r) for r in rows]

    async def running(self) -> list[MockInterview]:
        rows = await self.db.fetch_all(
            "SELECT * FROM mock_interviews WHERE status = 'running' ORDER BY id")
        return [_mock(r) for r in rows]

    async def live_for(self, user_id: int) -> list[MockInterview]:
        rows = await self.db.fetch_all(
            "SELECT * FROM mock_interviews WHERE (candidate_id = ? OR interviewer_id = ?)"
            " AND status IN ('open', 'proposed', 'confirmed', 'running') ORDER BY id",
            (user_id, user_id))
        return [_mock(r) for r in rows]

    # --- the interviewer's marks ----------------------------------------------------------

    async def set_score(self, mock_id: int, question_id: str, point: int, score: int,
                        now: datetime) -> None:
        await self.db.write(
            "INSERT INTO mock_scores (mock_id, question_id, point, score, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(mock_id, question_id, point) DO UPDATE SET"
            " score = excluded.score, updated_at = excluded.updated_at",
            (mock_id, question_id, point, score, to_db_time(now)))

    async def set_note(self, mock_id: int, question_id: str, note: str, now: datetime) -> None:
        await self.db.write(
            "INSERT INTO mock_notes (mock_id, question_id, note, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(mock_id, question_id) DO UPDATE SET note = excluded.note,"
            " updated_at = excluded.updated_at",
            (mock_id, question_id, note, to_db_time(now)))

    async def scores(self, mock_id: int) -> list[tuple[str, int, int]]:
        rows = await self.db.fetch_all(
            "SELECT question_id, point, score FROM mock_scores WHERE mock_id = ?"
            " ORDER BY question_id, point", (mock_id,))
        return [(r["question_id"], r["point"], r["score"]) for r in rows]

    async def notes(self, mock_id: int) -> dict[str, str]:
        rows = await self.db.fetch_all(
            "SELECT question_id, note FROM mock_notes WHERE mock_id = ?", (mock_id,))
        return {r["question_id"]: r["note"] for r in rows}

    # --- the server's settings ------------------------------------------------------------

    async def settings(self, guild_id: int) -> MockSettings:
        row = await self.db.fetch_one("SELECT * FROM mock_settings WHERE guild_id = ?", (guild_id,))
        if row is None:
            return MockSettings(guild_id, None, None, None)
        return MockSettings(guild_id, row["request_channel_id"], row["mentor_role_id"],
                            row["moderator_channel_id"])

    async def set_setting(self, guild_id: int, column: str, value: int | None, now: datetime) -> None:
        if column not in {"request_channel_id", "mentor_role_id", "moderator_channel_id"}:
            raise ValueError(column)
        await self.db.write(
            f"INSERT INTO mock_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?)"
            f" ON CONFLICT(guild_id) DO UPDATE SET {column} = excluded.{column},"
            " updated_at = excluded.updated_at",
            (guild_id, value, to_db_time(now)))
