"""Follow-up plans and the durable nudge queue."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.core.models import FollowUpPlan, Nudge
from bot.store.database import Database, from_db_time, to_db_time

NOTICE_LIMIT = 1800  # the notice is shown in one message (2,000 characters with its heading)


@dataclass(frozen=True, slots=True)
class NewNudge:
    kind: str
    due_at: datetime
    dedupe_key: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Delivery:
    """How a nudge reached the user (columns added by migrations 0003 and 0009)."""

    nudge_id: int
    delivered_via: str | None
    channel_id: int | None
    message_id: int | None
    late: bool
    done_at: datetime | None
    fallback_at: datetime | None = None  # DMs refused: notice kept, channel ping begun


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


# Every nudge row is written by `_insert_nudges`. A dedupe key already taken means the nudge
# exists (a retried command): keep it as it is, or, when re-planning, move it while it still waits.
_INSERT_NUDGE = (
    "INSERT INTO nudges (user_id, plan_id, kind, due_at, payload_json, dedupe_key, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedupe_key) DO "
)
_KEEP_EXISTING = "NOTHING"
_MOVE_IF_WAITING = (
    "UPDATE SET due_at = excluded.due_at, payload_json = excluded.payload_json,"
    " updated_at = excluded.updated_at"
    " WHERE nudges.status = 'pending' AND nudges.plan_id = excluded.plan_id"
)


async def _insert_nudges(conn: aiosqlite.Connection, *, user_id: int, plan_id: int | None,
                         nudges: Sequence[NewNudge], now: datetime,
                         move_waiting: bool = False) -> int:
    """Insert nudges inside the caller's transaction; returns how many rows were written."""
    stamp = to_db_time(now)
    sql = _INSERT_NUDGE + (_MOVE_IF_WAITING if move_waiting else _KEEP_EXISTING)
    cursor = await conn.executemany(sql, [
        (user_id, plan_id, n.kind, to_db_time(n.due_at), json.dumps(n.payload, ensure_ascii=False),
         n.dedupe_key, stamp, stamp) for n in nudges])
    written = max(cursor.rowcount, 0)  # summed over the rows by sqlite3
    await cursor.close()
    return written


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
                await _insert_nudges(conn, user_id=user_id, plan_id=cursor.lastrowid,
                                     nudges=nudges, now=now)
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
        """One nudge on its own; False when its dedupe key is taken already."""
        async with self.db.transaction() as conn:
            return await _insert_nudges(conn, user_id=user_id, plan_id=plan_id, nudges=[nudge],
                                        now=now) == 1

    async def next_due_at(self) -> datetime | None:
        """The earliest pending due time (uses the partial index; never loads the queue)."""
        value = await self.db.fetch_value(
            "SELECT due_at FROM nudges WHERE status = 'pending' ORDER BY due_at LIMIT 1"
        )
        return from_db_time(value)

    async def due(self, now: datetime, limit: int = 50,
                  skip_users: Sequence[int] = ()) -> list[Nudge]:
        """Pending nudges due by `now`, oldest first; none of `skip_users` (a nudge of theirs is
        being sent: theirs go one at a time, in order)."""
        sql = "SELECT * FROM nudges WHERE status = 'pending' AND due_at <= ?"
        params: list[Any] = [to_db_time(now)]
        if skip_users:
            sql += f" AND user_id NOT IN ({','.join('?' * len(skip_users))})"
            params.extend(skip_users)
        rows = await self.db.fetch_all(sql + " ORDER BY due_at, id LIMIT ?", [*params, limit])
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

    # ------------------------------------------------------------ delivery and user actions

    async def mark_sent(self, nudge_id: int, now: datetime, *, via: str, channel_id: int | None,
                        message_id: int | None, late: bool = False, note: str | None = None) -> None:
        """Record a delivery. `note` (e.g. "DMs closed") is kept in last_error for the record."""
        stamp = to_db_time(now)
        await self.db.write(
            "UPDATE nudges SET status = 'sent', sent_at = ?, updated_at = ?, delivered_via = ?,"
            " channel_id = ?, message_id = ?, late = ?, last_error = COALESCE(?, last_error)"
            " WHERE id = ?",
            (stamp, stamp, via, channel_id, message_id, int(late), note, nudge_id),
        )

    async def mark_undelivered(self, nudge_id: int, now: datetime, *, error: str,
                               via: str | None = None) -> None:
        """Final failure (the reason is kept); `via='notice'` when the user will be told at their
        next command instead."""
        await self.db.write(
            "UPDATE nudges SET status = 'failed', last_error = ?, delivered_via = ?, updated_at = ?"
            " WHERE id = ?",
            (error, via, to_db_time(now), nudge_id),
        )

    async def retry_later(self, nudge_id: int, due_at: datetime, now: datetime, *,
                          error: str) -> None:
        """Back to 'pending' at `due_at` after a transient failure (the attempt stays counted)."""
        await self.db.write(
            "UPDATE nudges SET status = 'pending', due_at = ?, last_error = ?, updated_at = ?"
            " WHERE id = ? AND status = 'sending'",
            (to_db_time(due_at), error, to_db_time(now), nudge_id),
        )

    async def delivery(self, nudge_id: int) -> Delivery | None:
        row = await self.db.fetch_one(
            "SELECT id, delivered_via, channel_id, message_id, late, done_at, fallback_at"
            " FROM nudges WHERE id = ?", (nudge_id,))
        if row is None:
            return None
        return Delivery(row["id"], row["delivered_via"], row["channel_id"], row["message_id"],
                        bool(row["late"]), from_db_time(row["done_at"]),
                        from_db_time(row["fallback_at"]))

    async def begin_fallback(self, nudge_id: int, user_id: int, now: datetime, *, notice: str,
                             channel_id: int | None, reason: str, late: bool = False) -> bool:
        """DMs were refused: in one transaction, keep `notice` for the user's next command and
        record on the nudge (still 'sending') that the fallback began, and in which channel the
        ping goes (None: the notice only). Done at most once per nudge: False, and nothing
        kept, when it had begun already or the nudge is not being sent."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE nudges SET fallback_at = ?, channel_id = ?, message_id = NULL,"
                " last_error = ?, late = ?, updated_at = ?"
                " WHERE id = ? AND user_id = ? AND status = 'sending' AND fallback_at IS NULL",
                (to_db_time(now), channel_id, reason, int(late), to_db_time(now), nudge_id,
                 user_id))
            if cursor.rowcount != 1:
                return False
            await _append_notice(conn, user_id, notice)
        return True

    async def mark_done(self, nudge_id: int, user_id: int, now: datetime) -> bool:
        cursor = await self.db.write(
            "UPDATE nudges SET done_at = COALESCE(done_at, ?), updated_at = ?"
            " WHERE id = ? AND user_id = ?",
            (to_db_time(now), to_db_time(now), nudge_id, user_id),
        )
        return cursor.rowcount == 1

    async def snooze(self, nudge_id: int, user_id: int, until: datetime, now: datetime) -> bool:
        """Deliver a nudge again at `until` (from 'sent', or move it while still 'pending')."""
        cursor = await self.db.write(
            "UPDATE nudges SET status = 'pending', due_at = ?, updated_at = ?, done_at = NULL"
            " WHERE id = ? AND user_id = ? AND status IN ('pending', 'sent')",
            (to_db_time(until), to_db_time(now), nudge_id, user_id),
        )
        return cursor.rowcount == 1

    async def cancel_plan(self, plan_id: int, user_id: int, now: datetime) -> int:
        """Cancel a plan and every nudge of it still waiting; returns how many were waiting."""
        stamp = to_db_time(now)
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE followup_plans SET status = 'cancelled' WHERE id = ? AND user_id = ?",
                (plan_id, user_id))
            cursor = await conn.execute(
                "UPDATE nudges SET status = 'cancelled', updated_at = ? WHERE plan_id = ?"
                " AND user_id = ? AND status = 'pending'", (stamp, plan_id, user_id))
            return cursor.rowcount

    async def replace_plan_nudges(self, plan_id: int, user_id: int, nudges: Sequence[NewNudge],
                                  now: datetime, *, details: dict[str, Any] | None = None) -> int:
        """Re-plan (a moved interview, a new time zone) in one transaction: nudges still waiting
        that the new plan does not have are cancelled; the new plan's nudges are added, or moved
        when they are still waiting. Ones already sent are never sent again. Returns how many of
        the plan's nudges are waiting afterwards."""
        stamp = to_db_time(now)
        keys = [n.dedupe_key for n in nudges]
        async with self.db.transaction() as conn:
            params: list[Any] = [stamp, plan_id, user_id]
            sql = ("UPDATE nudges SET status = 'cancelled', updated_at = ? WHERE plan_id = ?"
                   " AND user_id = ? AND status = 'pending'")
            if keys:
                sql += f" AND dedupe_key NOT IN ({','.join('?' * len(keys))})"
                params.extend(keys)
            await conn.execute(sql, params)
            await _insert_nudges(conn, user_id=user_id, plan_id=plan_id, nudges=nudges, now=now,
                                 move_waiting=True)
            if details is not None:
                await conn.execute(
                    "UPDATE followup_plans SET details_json = ?, status = 'active' WHERE id = ?"
                    " AND user_id = ?", (json.dumps(details, ensure_ascii=False), plan_id, user_id))
            async with conn.execute(
                "SELECT COUNT(*) FROM nudges WHERE plan_id = ? AND status = 'pending'",
                (plan_id,)) as cursor:
                row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def update_plan_details(self, plan_id: int, user_id: int,
                                  details: dict[str, Any]) -> None:
        await self.db.write(
            "UPDATE followup_plans SET details_json = ? WHERE id = ? AND user_id = ?",
            (json.dumps(details, ensure_ascii=False), plan_id, user_id))

    async def finish_plan_if_idle(self, plan_id: int) -> bool:
        """An active plan with nothing left waiting becomes 'done'."""
        cursor = await self.db.write(
            "UPDATE followup_plans SET status = 'done' WHERE id = ? AND status = 'active'"
            " AND NOT EXISTS (SELECT 1 FROM nudges WHERE plan_id = ?"
            " AND status IN ('pending', 'sending'))", (plan_id, plan_id))
        return cursor.rowcount == 1

    async def plans_with_pending(self, user_id: int) -> list[tuple[FollowUpPlan, datetime]]:
        """The user's active plans that still have nudges waiting, soonest first."""
        rows = await self.db.fetch_all(
            "SELECT p.*, MIN(n.due_at) AS next_due FROM followup_plans p"
            " JOIN nudges n ON n.plan_id = p.id AND n.status = 'pending'"
            " WHERE p.user_id = ? AND p.status = 'active' GROUP BY p.id ORDER BY next_due",
            (user_id,))
        return [(_plan(r), from_db_time(r["next_due"])) for r in rows]  # type: ignore[misc]

    async def upcoming_for_user(self, user_id: int, limit: int = 25,
                                offset: int = 0) -> list[Nudge]:
        rows = await self.db.fetch_all(
            "SELECT * FROM nudges WHERE user_id = ? AND status = 'pending' ORDER BY due_at, id"
            " LIMIT ? OFFSET ?", (user_id, limit, offset))
        return [_nudge(r) for r in rows]

    async def count_upcoming(self, user_id: int) -> int:
        return int(await self.db.fetch_value(
            "SELECT COUNT(*) FROM nudges WHERE user_id = ? AND status = 'pending'", (user_id,)))

    async def has_interview_plan(self, user_id: int) -> bool:
        return bool(await self.db.fetch_value(
            "SELECT 1 FROM followup_plans WHERE user_id = ? AND kind = 'interview' LIMIT 1",
            (user_id,)))

    async def plans_without_pending(self, kind: str, *, limit: int = 500) -> list[FollowUpPlan]:
        """Active plans of `kind` with no nudge waiting (a recurring plan whose chain broke)."""
        rows = await self.db.fetch_all(
            "SELECT p.* FROM followup_plans p WHERE p.kind = ? AND p.status = 'active'"
            " AND NOT EXISTS (SELECT 1 FROM nudges n WHERE n.plan_id = p.id AND n.status = 'pending')"
            " ORDER BY p.id LIMIT ?", (kind, limit))
        return [_plan(r) for r in rows]

    async def set_payload(self, nudge_id: int, payload: dict[str, Any]) -> bool:
        """What a nudge composed when it went out (its buttons read it later); only while it is
        being sent."""
        cursor = await self.db.write(
            "UPDATE nudges SET payload_json = ? WHERE id = ? AND status = 'sending'",
            (json.dumps(payload, ensure_ascii=False), nudge_id))
        return cursor.rowcount == 1

    async def append_pending_notice(self, user_id: int, text: str, *,
                                    limit: int = NOTICE_LIMIT) -> None:
        """Add a line to what the user is told at their next command (oldest lines give way
        first when it grows past `limit`, so the newest reminder is never lost)."""
        async with self.db.transaction() as conn:
            await _append_notice(conn, user_id, text, limit)


async def _append_notice(conn: aiosqlite.Connection, user_id: int, text: str,
                         limit: int = NOTICE_LIMIT) -> None:
    async with conn.execute("SELECT pending_notice FROM users WHERE user_id = ?",
                            (user_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return
    lines = [*(row[0].split("\n") if row[0] else []), text]
    while len(lines) > 1 and len("\n".join(lines)) > limit:
        lines.pop(0)
    await conn.execute("UPDATE users SET pending_notice = ? WHERE user_id = ?",
                       ("\n".join(lines), user_id))
