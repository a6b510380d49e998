"""A server's own interview scripts, every version kept (migration 0015)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.store.database import Conflict, Database, from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class StoredScript:
    id: int
    guild_id: int
    script_id: str
    version: int
    title: str
    stage: str
    minutes: int
    questions: int
    filename: str
    source: str
    digest: str
    uploaded_by: int
    uploaded_at: datetime
    status: str


def _script(row: sqlite3.Row) -> StoredScript:
    return StoredScript(row["id"], row["guild_id"], row["script_id"], row["version"], row["title"],
                        row["stage"], row["minutes"], row["questions"], row["filename"],
                        row["source"], row["digest"], row["uploaded_by"],
                        from_db_time(row["uploaded_at"]),  # type: ignore[arg-type]
                        row["status"])


class ServerScriptRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_version(self, *, guild_id: int, script_id: str, title: str, stage: str,
                          minutes: int, questions: int, filename: str, source: str, digest: str,
                          uploaded_by: int, now: datetime) -> StoredScript:
        """Store a new version (the next number for this script in this server), active."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT MAX(version) FROM server_scripts WHERE guild_id = ? AND script_id = ?",
                (guild_id, script_id),
            ) as cursor:
                row = await cursor.fetchone()
            version = int(row[0] or 0) + 1 if row else 1
            try:
                cursor = await conn.execute(
                    "INSERT INTO server_scripts (guild_id, script_id, version, title, stage, minutes,"
                    " questions, filename, source, digest, uploaded_by, uploaded_at, status, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)",
                    (guild_id, script_id, version, title, stage, minutes, questions, filename, source,
                     digest, uploaded_by, to_db_time(now), to_db_time(now)))
            except sqlite3.IntegrityError as error:
                raise Conflict(str(error)) from error
            row_id = cursor.lastrowid
        stored = await self.get(int(row_id or 0))
        assert stored is not None
        return stored

    async def get(self, row_id: int) -> StoredScript | None:
        row = await self.db.fetch_one("SELECT * FROM server_scripts WHERE id = ?", (row_id,))
        return _script(row) if row else None

    async def version(self, guild_id: int, script_id: str, version: int) -> StoredScript | None:
        row = await self.db.fetch_one(
            "SELECT * FROM server_scripts WHERE guild_id = ? AND script_id = ? AND version = ?",
            (guild_id, script_id, version))
        return _script(row) if row else None

    async def versions(self, guild_id: int, script_id: str) -> list[StoredScript]:
        rows = await self.db.fetch_all(
            "SELECT * FROM server_scripts WHERE guild_id = ? AND script_id = ? ORDER BY version",
            (guild_id, script_id))
        return [_script(r) for r in rows]

    async def latest(self, guild_id: int) -> list[StoredScript]:
        """Each script of the server at its latest version (whatever its status), by id."""
        rows = await self.db.fetch_all(
            "SELECT s.* FROM server_scripts s WHERE s.guild_id = ? AND s.version = ("
            " SELECT MAX(v.version) FROM server_scripts v"
            " WHERE v.guild_id = s.guild_id AND v.script_id = s.script_id)"
            " ORDER BY s.script_id", (guild_id,))
        return [_script(r) for r in rows]

    async def all_versions(self) -> list[StoredScript]:
        """Every version of every server's scripts (loaded at start-up)."""
        rows = await self.db.fetch_all("SELECT * FROM server_scripts ORDER BY id")
        return [_script(r) for r in rows]

    async def set_status(self, guild_id: int, script_id: str, status: str, now: datetime,
                         *, only_from: tuple[str, ...] = ("active", "disabled")) -> int:
        """Change the status of every version of one script; returns the rows changed."""
        marks = ", ".join("?" * len(only_from))
        result = await self.db.write(
            f"UPDATE server_scripts SET status = ?, updated_at = ? WHERE guild_id = ? AND"
            f" script_id = ? AND status IN ({marks})",
            (status, to_db_time(now), guild_id, script_id, *only_from))
        return result.rowcount
