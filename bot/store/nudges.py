"""Follow-up plans and the durable nudge queue."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.models import FollowUpPlan, Nudge
from bot.store.database import Database, from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class NewNudge:
    kind: str
    due_at: datetime
    dedupe_key: str
    payload: dict[str, Any]


def _plan(row: sqlite3.Row) -> FollowUpPlan:
    return FollowUpPlan(
        id=row["id"], user_id=row["user_id"], journal_entry_id=row["journal_entry_id"],
        kind=row["kind"], guild_id=row["guild_id"], channel_id=row["channel_id"],
        status=row["status"], details=json.loads(row["details_json"]),
        dedupe_key=row["dedupe_key"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
    )


def _nudge(row: sqlite3.Row) -> Nudge:
    return Nudge(
        id=row["id"], user_id=row["user_id"], plan_id=row["plan_id"], kind=row["kind"],
        due_at=from_db_time(row["due_at"]),  # type: ignore[arg-type]
        payload=json.loads(row["payload_json"]), status=row["status"],
        attempts=row["attempts"], last_error=row["last_error"], dedupe_key=row["dedupe_key"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_db_time(row["updated_at"]),  # type: ignore[arg-type]
        sent_at=from_db_time(row["sent_at"]),
    )


class NudgeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create_plan(
        self, *, user_id: int, kind: str, dedupe_key: str, now: datetime,
        nudges: Sequence[NewNudge], journal_entry_id: int | None = None,
        guild_id: int | None = None, channel_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> tuple[FollowUpPlan, bool]:
        """Create a plan and its nudges in one transaction. A plan with the same dedupe key
        (a retried command) is returned as it is, with `created` False."""
        stamp = to_db_time(now)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO followup_plans (user_id, journal_entry_id, kind, guild_id, channel_id,"
                " details_json, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(dedupe_key) DO NOTHING",
                (user_id, journal_entry_id, kind, guild_id, channel_id,
                 json.dumps(details or {}, ensure_ascii=False), dedupe_key, stamp),
            )
            created = cursor.rowcount == 1
            if created:
                plan_id = cursor.lastrowid
                await conn.executemany(
                    "INSERT INTO nudges (user_id, plan_id, kind, due_at, payload_json, dedupe_key,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(dedupe_key) DO NOTHING",
                    [(user_id, plan_id, n.kind, to_db_time(n.due_at),
                      json.dumps(n.payload, ensure_ascii=False), n.dedupe_key, stamp, stamp)
                     for n in nudges],
                )
        plan = await self.plan_by_key(dedupe_key)
        assert plan is not None
        return plan, created

    async def plan_by_key(self, dedupe_key: str) -> FollowUpPlan | None:
        row = await self.db.fetch_one(
            "SELECT * FROM followup_plans WHERE dedupe_key = ?", (dedupe_key,)
        )
        return _plan(row) if row else None

    async def plan(self, plan_id: int, user_id: int) -> FollowUpPlan | None:
        row = await self.db.fetch_one(
            "SELECT * FROM followup_plans WHERE id = ? AND user_id = ?", (plan_id, user_id)
        )
        return _plan(row) if row else None

    async def plans_for_user(self, user_id: int, *, active_only: bool = True) -> list[FollowUpPlan]:
        sql = "SELECT * FROM followup_plans WHERE user_id = ?"
        if active_only:
            sql += " AND status = 'active'"
        rows = await self.db.fetch_all(sql + " ORDER BY id DESC", (user_id,))
        return [_plan(r) for r in rows]

    async def set_plan_status(self, plan_id: int, status: str) -> None:
        await self.db.write("UPDATE followup_plans SET status = ? WHERE id = ?", (status, plan_id))

    async def get(self, nudge_id: int) -> Nudge | None:
        row = await self.db.fetch_one("SELECT * FROM nudges WHERE id = ?", (nudge_id,))
        return _nudge(row) if row else None

    async def for_plan(self, plan_id: int) -> list[Nudge]:
        rows = await self.db.fetch_all(
            "SELECT * FROM nudges WHERE plan_id = ? ORDER BY due_at, id", (plan_id,)
        )
        return [_nudge(r) for r in rows]

    async def pending_for_user(self, user_id: int) -> list[Nudge]:
        rows = await self.db.fetch_all(
            "SELECT * FROM nudges WHERE user_id = ? AND status = 'pending' ORDER BY due_at, id",
            (user_id,),
        )
        return [_nudge(r) for r in rows]

    async def add(self, *, user_id: int, plan_id: int | None, nudge: NewNudge,
                  now: datetime) -> bool:
        stamp = to_db_time(now)
        cursor = await self.db.write(
            "INSERT INTO nudges (user_id, plan_id, kind, due_at, payload_json, dedupe_key,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(dedupe_key) DO NOTHING",
            (user_id, plan_id, nudge.kind, to_db_time(nudge.due_at),
             json.dumps(nudge.payload, ensure_ascii=False), nudge.dedupe_key, stamp, stamp),
        )
        return cursor.rowcount == 1

    async def next_due_at(self) -> datetime | None:
        """The earliest pending due time (uses the partial index; never loads the queue)."""
        value = await self.db.fetch_value(
            "SELECT due_at FROM nudges WHERE status = 'pending' ORDER BY due_at LIMIT 1"
        )
        return from_db_time(value)

    async def due(self, now: datetime, limit: int = 50) -> list[Nudge]:
        rows = await self.db.fetch_all(
            "SELECT * FROM nudges WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id"
            " LIMIT ?",
            (to_db_time(now), limit),
        )
        return [_nudge(r) for r in rows]

    async def claim(self, nudge_id: int, now: datetime) -> bool:
        """Atomically move a pending nudge to 'sending'. False if someone else got it first."""
        cursor = await self.db.write(
            "UPDATE nudges SET status = 'sending', attempts = attempts + 1, updated_at = ?"
            " WHERE id = ? AND status = 'pending'",
            (to_db_time(now), nudge_id),
        )
        return cursor.rowcount == 1

    async def mark(self, nudge_id: int, status: str, now: datetime, *,
                   error: str | None = None, due_at: datetime | None = None) -> None:
        """Record the outcome of a send (sent / failed / dropped / pending again for a retry)."""
        sent_at = to_db_time(now) if status == "sent" else None
        await self.db.write(
            "UPDATE nudges SET status = ?, last_error = COALESCE(?, last_error), updated_at = ?,"
            " sent_at = COALESCE(?, sent_at), due_at = COALESCE(?, due_at) WHERE id = ?",
            (status, error, to_db_time(now), sent_at, to_db_time(due_at), nudge_id),
        )

    async def reschedule(self, nudge_id: int, due_at: datetime, now: datetime) -> bool:
        cursor = await self.db.write(
            "UPDATE nudges SET status = 'pending', due_at = ?, updated_at = ? WHERE id = ?"
            " AND status IN ('pending', 'sent')",
            (to_db_time(due_at), to_db_time(now), nudge_id),
        )
        return cursor.rowcount == 1

    async def cancel_plan_nudges(self, plan_id: int, now: datetime,
                                 kinds: Sequence[str] | None = None) -> int:
        sql = ("UPDATE nudges SET status = 'cancelled', updated_at = ? WHERE plan_id = ?"
               " AND status = 'pending'")
        params: list[Any] = [to_db_time(now), plan_id]
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        cursor = await self.db.write(sql, params)
        return cursor.rowcount

    async def stuck_sending(self) -> list[Nudge]:
        rows = await self.db.fetch_all("SELECT * FROM nudges WHERE status = 'sending'")
        return [_nudge(r) for r in rows]

    async def count_pending(self) -> int:
        return int(await self.db.fetch_value("SELECT COUNT(*) FROM nudges WHERE status = 'pending'"))
