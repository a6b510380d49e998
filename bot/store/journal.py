"""The interview journal, the STAR story bank and personal checklist progress."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from bot.core.checklists import PersonalChecklist
from bot.core.models import JournalEntry, StarStory
from bot.store.database import Backend, Row, from_db_time, to_db_time

JOURNAL_FIELDS = (
    "company", "role", "stage", "interview_at", "interviewers", "notes", "feedback", "outcome",
)
STORY_FIELDS = ("title", "skills", "situation", "task", "action", "result")


def _entry(row: Row) -> JournalEntry:
    return JournalEntry(
        id=row["id"], user_id=row["user_id"], company=row["company"], role=row["role"],
        stage=row["stage"], interview_at=from_db_time(row["interview_at"]),
        interviewers=row["interviewers"], notes=row["notes"], feedback=row["feedback"],
        outcome=row["outcome"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_db_time(row["updated_at"]),  # type: ignore[arg-type]
    )


def _story(row: Row) -> StarStory:
    return StarStory(
        id=row["id"], user_id=row["user_id"], title=row["title"], skills=row["skills"],
        situation=row["situation"], task=row["task"], action=row["action"], result=row["result"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_db_time(row["updated_at"]),  # type: ignore[arg-type]
    )


def _checklist(row: Row) -> PersonalChecklist:
    return PersonalChecklist(
        id=row["id"], user_id=row["user_id"], key=row["checklist_key"], stage=row["stage"],
        company=row["company"], role=row["role"], interview_at=from_db_time(row["interview_at"]),
    )


def _db_value(key: str, value: Any) -> Any:
    return to_db_time(value) if key == "interview_at" else value


class JournalRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def hold_draft(self, user_id: int, fields: dict[str, Any], now: datetime,
                         *, keep_for: timedelta) -> int:
        """Keep an entry's short fields while its form is open; older drafts of anyone are
        dropped (a form left that long was abandoned)."""
        payload = {k: to_db_time(v) if k == "interview_at" else v for k, v in fields.items()}
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM journal_drafts WHERE created_at < ?", (to_db_time(now - keep_for),))
            cursor = await conn.execute(
                "INSERT INTO journal_drafts (user_id, fields_json, created_at) VALUES (?, ?, ?)",
                (user_id, json.dumps(payload, ensure_ascii=False), to_db_time(now)))
            return int(cursor.lastrowid or 0)

    async def draft(self, user_id: int, draft_id: int) -> dict[str, Any] | None:
        row = await self.db.fetch_one(
            "SELECT fields_json FROM journal_drafts WHERE id = ? AND user_id = ?", (draft_id, user_id))
        if row is None:
            return None
        fields = json.loads(row[0])
        if fields.get("interview_at"):
            fields["interview_at"] = from_db_time(fields["interview_at"])
        return fields

    async def drop_draft(self, user_id: int, draft_id: int) -> None:
        await self.db.write("DELETE FROM journal_drafts WHERE id = ? AND user_id = ?", (draft_id, user_id))

    async def add(self, user_id: int, *, now: datetime, **fields: Any) -> JournalEntry:
        unknown = set(fields) - set(JOURNAL_FIELDS)
        if unknown:
            raise ValueError(f"unknown journal fields: {sorted(unknown)}")
        if not fields.get("company"):
            raise ValueError("a journal entry needs a company")
        keys = list(fields)
        stamp = to_db_time(now)
        cursor = await self.db.write(
            f"INSERT INTO journal_entries (user_id, {', '.join(keys)}, created_at, updated_at)"
            f" VALUES (?, {', '.join('?' * len(keys))}, ?, ?)",
            (user_id, *(_db_value(k, fields[k]) for k in keys), stamp, stamp),
        )
        entry = await self.get(int(cursor.lastrowid or 0), user_id)
        assert entry is not None
        return entry

    async def get(self, entry_id: int, user_id: int) -> JournalEntry | None:
        """An entry, only if it belongs to `user_id`."""
        row = await self.db.fetch_one(
            "SELECT * FROM journal_entries WHERE id = ? AND user_id = ?", (entry_id, user_id)
        )
        return _entry(row) if row else None

    async def page(self, user_id: int, *, offset: int, limit: int) -> list[JournalEntry]:
        """`limit` of the user's entries from `offset`, most recent first (as `for_user`)."""
        rows = await self.db.fetch_all(
            "SELECT * FROM journal_entries WHERE user_id = ?"
            " ORDER BY COALESCE(interview_at, created_at) DESC, id DESC LIMIT ? OFFSET ?",
            (user_id, limit, offset),
        )
        return [_entry(r) for r in rows]

    async def count(self, user_id: int) -> int:
        return int(await self.db.fetch_value(
            "SELECT COUNT(*) FROM journal_entries WHERE user_id = ?", (user_id,)) or 0)

    async def for_user(self, user_id: int, *, company: str | None = None,
                       limit: int = 100) -> list[JournalEntry]:
        if company:
            rows = await self.db.fetch_all(
                "SELECT * FROM journal_entries WHERE user_id = ? AND lower(company) = lower(?)"
                " ORDER BY COALESCE(interview_at, created_at) DESC, id DESC LIMIT ?",
                (user_id, company, limit),
            )
        else:
            rows = await self.db.fetch_all(
                "SELECT * FROM journal_entries WHERE user_id = ?"
                " ORDER BY COALESCE(interview_at, created_at) DESC, id DESC LIMIT ?",
                (user_id, limit),
            )
        return [_entry(r) for r in rows]

    async def update(self, entry_id: int, user_id: int, *, now: datetime,
                     **fields: Any) -> JournalEntry | None:
        unknown = set(fields) - set(JOURNAL_FIELDS)
        if unknown:
            raise ValueError(f"unknown journal fields: {sorted(unknown)}")
        if fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            await self.db.write(
                f"UPDATE journal_entries SET {sets}, updated_at = ? WHERE id = ? AND user_id = ?",
                (*(_db_value(k, v) for k, v in fields.items()), to_db_time(now), entry_id, user_id),
            )
        return await self.get(entry_id, user_id)

    async def delete(self, entry_id: int, user_id: int) -> bool:
        cursor = await self.db.write(
            "DELETE FROM journal_entries WHERE id = ? AND user_id = ?", (entry_id, user_id)
        )
        return cursor.rowcount == 1


class StoryRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def add(self, user_id: int, *, now: datetime, **fields: str) -> StarStory:
        unknown = set(fields) - set(STORY_FIELDS)
        if unknown:
            raise ValueError(f"unknown story fields: {sorted(unknown)}")
        keys = list(fields)
        stamp = to_db_time(now)
        cursor = await self.db.write(
            f"INSERT INTO star_stories (user_id, {', '.join(keys)}, created_at, updated_at)"
            f" VALUES (?, {', '.join('?' * len(keys))}, ?, ?)",
            (user_id, *(fields[k] for k in keys), stamp, stamp),
        )
        story = await self.get(int(cursor.lastrowid or 0), user_id)
        assert story is not None
        return story

    async def get(self, story_id: int, user_id: int) -> StarStory | None:
        row = await self.db.fetch_one(
            "SELECT * FROM star_stories WHERE id = ? AND user_id = ?", (story_id, user_id)
        )
        return _story(row) if row else None

    async def for_user(self, user_id: int) -> list[StarStory]:
        rows = await self.db.fetch_all(
            "SELECT * FROM star_stories WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [_story(r) for r in rows]

    async def update(self, story_id: int, user_id: int, *, now: datetime,
                     **fields: str) -> StarStory | None:
        unknown = set(fields) - set(STORY_FIELDS)
        if unknown:
            raise ValueError(f"unknown story fields: {sorted(unknown)}")
        if fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            await self.db.write(
                f"UPDATE star_stories SET {sets}, updated_at = ? WHERE id = ? AND user_id = ?",
                (*fields.values(), to_db_time(now), story_id, user_id),
            )
        return await self.get(story_id, user_id)

    async def delete(self, story_id: int, user_id: int) -> bool:
        cursor = await self.db.write(
            "DELETE FROM star_stories WHERE id = ? AND user_id = ?", (story_id, user_id)
        )
        return cursor.rowcount == 1

    async def count(self, user_id: int) -> int:
        return int(await self.db.fetch_value(
            "SELECT COUNT(*) FROM star_stories WHERE user_id = ?", (user_id,)) or 0)


class ChecklistRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def save(self, user_id: int, key: str, *, stage: str, company: str, role: str | None,
                   interview_at: datetime | None, now: datetime) -> PersonalChecklist:
        """Create the user's checklist for `key`, or update it: role and interview time are
        kept from before when not given again."""
        stamp = to_db_time(now)
        await self.db.write(
            "INSERT INTO checklists (user_id, checklist_key, stage, company, role, interview_at,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(user_id, checklist_key) DO UPDATE SET company = excluded.company,"
            " role = CASE WHEN CAST(? AS TEXT) IS NULL THEN checklists.role ELSE excluded.role END,"
            " interview_at = COALESCE(excluded.interview_at, checklists.interview_at),"
            " updated_at = excluded.updated_at",
            (user_id, key, stage, company, role or "", to_db_time(interview_at), stamp, stamp,
             role),
        )
        row = await self.db.fetch_one(
            "SELECT * FROM checklists WHERE user_id = ? AND checklist_key = ?", (user_id, key))
        assert row is not None
        return _checklist(row)

    async def get(self, checklist_id: int, user_id: int) -> PersonalChecklist | None:
        """A checklist, only if it belongs to `user_id`."""
        row = await self.db.fetch_one(
            "SELECT * FROM checklists WHERE id = ? AND user_id = ?", (checklist_id, user_id))
        return _checklist(row) if row else None

    async def set_done_items(self, user_id: int, checklist_key: str, done: set[str],
                             item_ids: list[str], now: datetime) -> None:
        """Make exactly `done` (of `item_ids`) ticked, in one transaction."""
        stamp = to_db_time(now)
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO checklist_items (user_id, checklist_key, item_id, done, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, checklist_key, item_id)"
                " DO UPDATE SET done = excluded.done, updated_at = excluded.updated_at",
                [(user_id, checklist_key, item_id, int(item_id in done), stamp)
                 for item_id in item_ids],
            )

    async def done_items(self, user_id: int, checklist_key: str) -> set[str]:
        rows = await self.db.fetch_all(
            "SELECT item_id FROM checklist_items WHERE user_id = ? AND checklist_key = ? AND done = 1",
            (user_id, checklist_key),
        )
        return {r["item_id"] for r in rows}

    async def set_done(self, user_id: int, checklist_key: str, item_id: str, done: bool,
                       now: datetime) -> None:
        await self.db.write(
            "INSERT INTO checklist_items (user_id, checklist_key, item_id, done, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, checklist_key, item_id)"
            " DO UPDATE SET done = excluded.done, updated_at = excluded.updated_at",
            (user_id, checklist_key, item_id, int(done), to_db_time(now)),
        )
