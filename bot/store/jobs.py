"""The user's job descriptions, their résumé and the stories they matched to requirements.
Every query names the owner, so an id typed by someone else finds nothing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.database import Database, from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class StoredJob:
    id: int
    user_id: int
    title: str
    company: str
    source: str  # "pasted" or the file's name
    body: str
    reading: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredResume:
    user_id: int
    source: str
    body: str
    reading: dict[str, Any]
    created_at: datetime
    updated_at: datetime


def _job(row: Mapping[str, Any]) -> StoredJob:
    created = from_db_time(row["created_at"])
    assert created is not None
    return StoredJob(int(row["id"]), int(row["user_id"]), row["title"], row["company"], row["source"],
                     row["body"], json.loads(row["reading_json"]), created)


class JobRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, user_id: int, *, title: str, company: str, source: str, body: str,
                  reading: Mapping[str, Any], now: datetime) -> StoredJob:
        cursor = await self.db.write(
            "INSERT INTO job_descriptions (user_id, title, company, source, body, reading_json, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_id, title, company, source, body, json.dumps(dict(reading), ensure_ascii=False),
             to_db_time(now)))
        job = await self.get(int(cursor.lastrowid or 0), user_id)
        assert job is not None
        return job

    async def get(self, job_id: int, user_id: int) -> StoredJob | None:
        row = await self.db.fetch_one(
            "SELECT * FROM job_descriptions WHERE id = ? AND user_id = ?", (job_id, user_id))
        return _job(row) if row else None

    async def for_user(self, user_id: int) -> list[StoredJob]:
        rows = await self.db.fetch_all(
            "SELECT * FROM job_descriptions WHERE user_id = ? ORDER BY id DESC", (user_id,))
        return [_job(r) for r in rows]

    async def count(self, user_id: int) -> int:
        return int(await self.db.fetch_value(
            "SELECT COUNT(*) FROM job_descriptions WHERE user_id = ?", (user_id,)) or 0)

    async def delete(self, job_id: int, user_id: int) -> bool:
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM job_story_matches WHERE job_id = ? AND user_id = ?",
                               (job_id, user_id))
            cursor = await conn.execute("DELETE FROM job_descriptions WHERE id = ? AND user_id = ?",
                                        (job_id, user_id))
            return cursor.rowcount == 1

    async def matches(self, job_id: int, user_id: int) -> dict[int, int]:
        rows = await self.db.fetch_all(
            "SELECT requirement_index, story_id FROM job_story_matches WHERE job_id = ? AND user_id = ?",
            (job_id, user_id))
        return {int(r["requirement_index"]): int(r["story_id"]) for r in rows}

    async def set_matches(self, job_id: int, user_id: int, chosen: Mapping[int, int], now: datetime) -> None:
        """Record the story chosen for each requirement given (0: none fits), in one transaction."""
        stamp = to_db_time(now)
        async with self.db.transaction() as conn:
            for index, story_id in chosen.items():
                await conn.execute(
                    "INSERT INTO job_story_matches (job_id, requirement_index, user_id, story_id, updated_at)"
                    " SELECT id, ?, user_id, ?, ? FROM job_descriptions WHERE id = ? AND user_id = ?"
                    " ON CONFLICT (job_id, requirement_index) DO UPDATE SET story_id = excluded.story_id,"
                    " updated_at = excluded.updated_at",
                    (index, story_id, stamp, job_id, user_id))

    # --- the résumé -------------------------------------------------------------------------

    async def resume(self, user_id: int) -> StoredResume | None:
        row = await self.db.fetch_one("SELECT * FROM resumes WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        created, updated = from_db_time(row["created_at"]), from_db_time(row["updated_at"])
        assert created is not None and updated is not None
        return StoredResume(int(row["user_id"]), row["source"], row["body"], json.loads(row["reading_json"]),
                            created, updated)

    async def save_resume(self, user_id: int, *, source: str, body: str, reading: Mapping[str, Any],
                          now: datetime) -> StoredResume:
        stamp = to_db_time(now)
        await self.db.write(
            "INSERT INTO resumes (user_id, source, body, reading_json, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET source = excluded.source,"
            " body = excluded.body, reading_json = excluded.reading_json, updated_at = excluded.updated_at",
            (user_id, source, body, json.dumps(dict(reading), ensure_ascii=False), stamp, stamp))
        saved = await self.resume(user_id)
        assert saved is not None
        return saved

    async def delete_resume(self, user_id: int) -> bool:
        cursor = await self.db.write("DELETE FROM resumes WHERE user_id = ?", (user_id,))
        return cursor.rowcount == 1
