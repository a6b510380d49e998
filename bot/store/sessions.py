"""Interview sessions, the prompts put to the candidate, and the parts of each answer."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core.models import OPEN_STATUSES, Answer, AnswerPart, InterviewSession
from bot.store.database import Conflict, Database, from_db_time, to_db_time


def _session(row: sqlite3.Row) -> InterviewSession:
    return InterviewSession(
        id=row["id"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        script_id=row["script_id"],
        script_version=row["script_version"],
        context=json.loads(row["context_json"]),
        status=row["status"],
        question_index=row["question_index"],
        probe_index=row["probe_index"],
        question_message_id=row["question_message_id"],
        report=json.loads(row["report_json"]) if row["report_json"] else None,
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_db_time(row["updated_at"]),  # type: ignore[arg-type]
        finished_at=from_db_time(row["finished_at"]),
    )


def _answer(row: sqlite3.Row) -> Answer:
    return Answer(
        id=row["id"],
        session_id=row["session_id"],
        question_id=row["question_id"],
        probe_index=row["probe_index"],
        category=row["category"],
        question_text=row["prompt"],
        asked_at=from_db_time(row["asked_at"]),  # type: ignore[arg-type]
        finished_at=from_db_time(row["finished_at"]),
        skipped=bool(row["skipped"]),
        metrics=json.loads(row["metrics_json"]) if row["metrics_json"] else None,
    )


def _part(row: sqlite3.Row) -> AnswerPart:
    return AnswerPart(
        id=row["id"],
        answer_id=row["answer_id"],
        text=row["text"],
        source=row["source"],
        source_id=row["source_id"],
        attachments=json.loads(row["attachments"]) if row["attachments"] else [],
        received_at=from_db_time(row["received_at"]),  # type: ignore[arg-type]
    )


# Asking the same question twice keeps the first record of it.
_ASK = ("INSERT INTO answers (session_id, question_id, probe_index, category, prompt, asked_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(session_id, question_id, probe_index) DO NOTHING")


def _session_update(session: InterviewSession) -> tuple[str, tuple[Any, ...]]:
    """The one UPDATE that saves a session's position, status, place and report."""
    return (
        "UPDATE interview_sessions SET status = ?, question_index = ?, probe_index = ?,"
        " channel_id = ?, question_message_id = ?, report_json = ?, updated_at = ?,"
        " finished_at = ? WHERE id = ?",
        (session.status, session.question_index, session.probe_index, session.channel_id,
         session.question_message_id,
         json.dumps(session.report, ensure_ascii=False) if session.report else None,
         to_db_time(session.updated_at), to_db_time(session.finished_at), session.id),
    )


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        *,
        user_id: int,
        script_id: str,
        script_version: str,
        context: dict[str, Any],
        now: datetime,
        guild_id: int | None = None,
        channel_id: int | None = None,
        first_question: dict[str, Any] | None = None,
    ) -> InterviewSession:
        """A new active session and, in the same transaction, the first question put to the
        candidate: a crash leaves both or neither. Raises Conflict when the user already has an
        open session (the database allows one)."""
        stamp = to_db_time(now)
        try:
            async with self.db.transaction() as conn:
                cursor = await conn.execute(
                    "INSERT INTO interview_sessions (user_id, guild_id, channel_id, script_id,"
                    " script_version, context_json, status, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?)",
                    (user_id, guild_id, channel_id, script_id, script_version,
                     json.dumps(context, ensure_ascii=False), stamp, stamp),
                )
                session_id = int(cursor.lastrowid or 0)
                if first_question is not None:
                    await conn.execute(_ASK, (session_id, first_question["question_id"],
                                              first_question["probe_index"], first_question["category"],
                                              first_question["question_text"], stamp))
        except sqlite3.IntegrityError as error:
            if "UNIQUE" not in str(error):
                raise  # a missing user, say: a bug in the caller, not a race
            raise Conflict(f"user {user_id} already has an open interview") from error
        session = await self.get(session_id)
        assert session is not None
        return session

    async def open_without_questions(self) -> list[InterviewSession]:
        """Open sessions with no question recorded: half-made by a crash in an older version."""
        rows = await self.db.fetch_all(
            "SELECT * FROM interview_sessions s WHERE s.status IN ('active', 'paused')"
            " AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.session_id = s.id) LIMIT 500")
        return [_session(r) for r in rows]

    async def get(self, session_id: int) -> InterviewSession | None:
        row = await self.db.fetch_one(
            "SELECT * FROM interview_sessions WHERE id = ?", (session_id,)
        )
        return _session(row) if row else None

    async def open_for_user(self, user_id: int) -> InterviewSession | None:
        row = await self.db.fetch_one(
            "SELECT * FROM interview_sessions WHERE user_id = ? AND status IN ('active', 'paused')"
            " ORDER BY id DESC LIMIT 1",
            (user_id,),
        )
        return _session(row) if row else None

    async def for_user(
        self, user_id: int, *, limit: int = 50, offset: int = 0
    ) -> list[InterviewSession]:
        rows = await self.db.fetch_all(
            "SELECT * FROM interview_sessions WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (user_id, limit, offset),
        )
        return [_session(r) for r in rows]

    async def count_for_user(self, user_id: int) -> int:
        return int(await self.db.fetch_value(
            "SELECT COUNT(*) FROM interview_sessions WHERE user_id = ?", (user_id,)
        ))

    async def finished_for_user(self, user_id: int, *, limit: int) -> list[InterviewSession]:
        """The user's latest sessions that have a report, newest first."""
        rows = await self.db.fetch_all(
            "SELECT * FROM interview_sessions WHERE user_id = ? AND report_json IS NOT NULL"
            " ORDER BY id DESC LIMIT ?",
            (user_id, limit),
        )
        return [_session(r) for r in rows]

    async def asked_questions(self, user_id: int, *, sessions: int) -> list[tuple[int, str, str, str]]:
        """(session id, script id, question id, question text) of the main questions put to the
        user in their latest `sessions` interviews, newest interview first, in asking order."""
        rows = await self.db.fetch_all(
            "SELECT s.id, s.script_id, a.question_id, a.prompt FROM answers a"
            " JOIN (SELECT id, script_id FROM interview_sessions WHERE user_id = ?"
            "       ORDER BY id DESC LIMIT ?) s ON s.id = a.session_id"
            " WHERE a.probe_index = 0 ORDER BY s.id DESC, a.id",
            (user_id, sessions),
        )
        return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]

    async def by_channel(self, channel_id: int) -> InterviewSession | None:
        row = await self.db.fetch_one(
            "SELECT * FROM interview_sessions WHERE channel_id = ? AND status IN ('active','paused')"
            " ORDER BY id DESC LIMIT 1",
            (channel_id,),
        )
        return _session(row) if row else None

    async def save_state(self, session: InterviewSession, now: datetime) -> None:
        """Persist the position and status of a session (after a transition)."""
        session.updated_at = now
        await self.db.write(*_session_update(session))

    async def stale_open(self, before: datetime, status: str) -> list[InterviewSession]:
        if status not in OPEN_STATUSES:
            raise ValueError(status)
        rows = await self.db.fetch_all(
            "SELECT * FROM interview_sessions WHERE status = ? AND updated_at < ? LIMIT 500",
            (status, to_db_time(before)),
        )
        return [_session(r) for r in rows]

    async def earliest_update(self, statuses: Sequence[str]) -> datetime | None:
        """The oldest `updated_at` among sessions in these statuses (for the idle timer)."""
        marks = ",".join("?" * len(statuses))
        value = await self.db.fetch_value(
            f"SELECT MIN(updated_at) FROM interview_sessions WHERE status IN ({marks})",
            list(statuses),
        )
        return from_db_time(value)

    # --- answers ---------------------------------------------------------------------

    async def ask(
        self,
        session_id: int,
        *,
        question_id: str,
        probe_index: int,
        category: str,
        question_text: str,
        now: datetime,
    ) -> Answer:
        """Record that a question was put to the candidate (idempotent: asking twice keeps the first)."""
        await self.db.write(_ASK, (session_id, question_id, probe_index, category, question_text,
                                   to_db_time(now)))
        answer = await self.answer_for(session_id, question_id, probe_index)
        assert answer is not None
        return answer

    async def add_part(
        self,
        answer_id: int,
        text: str,
        *,
        source: str,
        now: datetime,
        source_id: str | None = None,
        attachments: Sequence[str] = (),
    ) -> bool:
        """Store one part of an answer. Returns False if this source message was already stored."""
        cursor = await self.db.write(
            "INSERT INTO answer_parts (answer_id, text, source, source_id, attachments, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(answer_id, source_id) DO NOTHING",
            (answer_id, text, source, source_id,
             json.dumps(list(attachments), ensure_ascii=False) if attachments else None,
             to_db_time(now)),
        )
        return cursor.rowcount == 1

    async def finish_answer(
        self, answer_id: int, *, now: datetime, skipped: bool = False,
        metrics: dict[str, Any] | None = None,
    ) -> bool:
        """Mark an answer finished. Returns False if it already was (a double click)."""
        cursor = await self.db.write(
            "UPDATE answers SET finished_at = ?, skipped = ?, metrics_json = ?"
            " WHERE id = ? AND finished_at IS NULL",
            (to_db_time(now), int(skipped),
             json.dumps(metrics, ensure_ascii=False) if metrics is not None else None, answer_id),
        )
        return cursor.rowcount == 1

    async def answer_for(
        self, session_id: int, question_id: str, probe_index: int
    ) -> Answer | None:
        row = await self.db.fetch_one(
            "SELECT * FROM answers WHERE session_id = ? AND question_id = ? AND probe_index = ?",
            (session_id, question_id, probe_index),
        )
        if row is None:
            return None
        answer = _answer(row)
        answer.parts = await self._parts([answer.id])
        return answer

    async def answers(self, session_id: int) -> list[Answer]:
        rows = await self.db.fetch_all(
            "SELECT * FROM answers WHERE session_id = ? ORDER BY id", (session_id,)
        )
        answers = [_answer(r) for r in rows]
        parts = await self._parts([a.id for a in answers])
        by_answer: dict[int, list[AnswerPart]] = {}
        for part in parts:
            by_answer.setdefault(part.answer_id, []).append(part)
        for answer in answers:
            answer.parts = by_answer.get(answer.id, [])
        return answers

    async def _parts(self, answer_ids: list[int]) -> list[AnswerPart]:
        if not answer_ids:
            return []
        marks = ",".join("?" * len(answer_ids))
        rows = await self.db.fetch_all(
            f"SELECT * FROM answer_parts WHERE answer_id IN ({marks}) ORDER BY id",
            answer_ids,
        )
        return [_part(r) for r in rows]

    async def commit_transition(
        self,
        session: InterviewSession,
        *,
        now: datetime,
        finished_answer: tuple[int, bool] | None = None,
        ask: dict[str, Any] | None = None,
        followons: Sequence[str] = (),
    ) -> None:
        """In one transaction: close the answer just finished, record the next question asked,
        save the session's new position, and record the follow-on work a finish obliges. A crash
        leaves either all of it or none."""
        stamp = to_db_time(now)
        session.updated_at = now
        async with self.db.transaction() as conn:
            if finished_answer is not None:
                answer_id, skipped = finished_answer
                await conn.execute(
                    "UPDATE answers SET finished_at = COALESCE(finished_at, ?), skipped = ?"
                    " WHERE id = ?",
                    (stamp, int(skipped), answer_id),
                )
            if ask is not None:
                await conn.execute(_ASK, (session.id, ask["question_id"], ask["probe_index"],
                                          ask["category"], ask["question_text"], stamp))
            await conn.execute(*_session_update(session))
            for kind in followons:
                await conn.execute(
                    "INSERT INTO interview_followons (session_id, kind, created_at) VALUES (?, ?, ?)"
                    " ON CONFLICT(session_id, kind) DO NOTHING", (session.id, kind, stamp))

    # --- follow-on work after a finish ---------------------------------------------------

    async def pending_followons(self, kind: str, *, user_id: int | None = None,
                                limit: int = 100) -> list[InterviewSession]:
        """Finished sessions whose `kind` of follow-on work is not done yet, oldest first."""
        where, params = "f.kind = ? AND f.done_at IS NULL", [kind]
        if user_id is not None:
            where += " AND s.user_id = ?"
            params.append(user_id)
        rows = await self.db.fetch_all(
            "SELECT s.* FROM interview_followons f JOIN interview_sessions s ON s.id = f.session_id"
            f" WHERE {where} ORDER BY f.session_id LIMIT ?", [*params, limit])
        return [_session(r) for r in rows]

    async def followon_done(self, session_id: int, kind: str, now: datetime) -> bool:
        """Mark one follow-on done; False when it already was (or never was owed)."""
        cursor = await self.db.write(
            "UPDATE interview_followons SET done_at = ? WHERE session_id = ? AND kind = ?"
            " AND done_at IS NULL", (to_db_time(now), session_id, kind))
        return cursor.rowcount == 1
