"""Interview sessions, the prompts put to the candidate, and the parts of each answer."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.models import OPEN_STATUSES, Answer, AnswerPart, InterviewSession
from bot.store.database import Backend, Conflict, Connection, Row, Stale, from_db_time, to_db_time


@dataclass(slots=True)
class SessionState:
    """A session as stored, with what rebuilding its interview needs: its version (bumped by
    every write to the session), its questions and answers, and the reading stored with each
    finished answer (by answer id: its JSON and its analysis's JSON, as stored)."""

    session: InterviewSession
    version: int
    answers: list[Answer]
    readings: dict[int, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """What a list of a user's interviews shows of each, read without parsing its report."""

    id: int
    script_id: str
    company: str
    practice: bool
    status: str
    created_at: datetime


# The user's latest interviews, newest first. `created_at` is stored after the (large) report in
# each row, so the window is read from the (user_id, created_at) index alone (in its order: no
# sort) and the table only up to the status: a summary never pages through a report.
_SUMMARY_WINDOW = (
    "SELECT s.id, s.script_id, json_extract(s.context_json, '$.company') AS company,"
    " json_array_length(s.context_json, '$.only_questions') AS practice, s.status, w.created_at"
    " FROM (SELECT id, created_at FROM interview_sessions"
    "       WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?) w"
    " JOIN interview_sessions s ON s.id = w.id"
)


def _summary(r: Any) -> SessionSummary:
    return SessionSummary(int(r["id"]), str(r["script_id"]), str(r["company"] or ""), bool(r["practice"]),
                          str(r["status"]), from_db_time(r["created_at"]))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class TransitionWrite:
    version: int | None  # the session's version after the write (None: not checked)
    asked_answer_id: int | None  # the row of the question just asked, if one was


def _session(row: Row) -> InterviewSession:
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


def _answer(row: Row) -> Answer:
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


def _part(row: Row) -> AnswerPart:
    return AnswerPart(
        id=row["id"],
        answer_id=row["answer_id"],
        text=row["text"],
        source=row["source"],
        source_id=row["source_id"],
        attachments=json.loads(row["attachments"]) if row["attachments"] else [],
        received_at=from_db_time(row["received_at"]),  # type: ignore[arg-type]
    )


# A typed part: the session stamped and its version bumped, only over the version the writer
# holds; then the part, only if that went through (see `Database.grouped`).
_STAMP_SESSION = ("UPDATE interview_sessions SET updated_at = ?, version = version + 1"
                  " WHERE id = ? AND version = ? AND status = 'active'")
_INSERT_PART = ("INSERT INTO answer_parts (answer_id, text, source, source_id, attachments, received_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(answer_id, source_id) DO NOTHING")

# What was measured of a recording, on the answer's part just inserted (in the same unit).
_INSERT_SPOKEN = ("INSERT INTO spoken_parts (part_id, answer_id, duration_seconds, metrics_json, engine, created_at)"
                  " SELECT MAX(id), ?, ?, ?, ?, ? FROM answer_parts WHERE answer_id = ?"
                  " ON CONFLICT(part_id) DO NOTHING")


@dataclass(frozen=True, slots=True)
class SpokenPart:
    """A recorded answer part as stored: where it belongs and what was measured of it."""

    part_id: int
    answer_id: int
    question_id: str
    probe_index: int
    question_text: str
    duration: float
    metrics: dict[str, Any]
    engine: str


# Asking the same question twice keeps the first record of it.
_ASK = ("INSERT INTO answers (session_id, question_id, probe_index, category, prompt, asked_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(session_id, question_id, probe_index) DO NOTHING")


def _session_update(session: InterviewSession, version: int | None,
                    status: str | None = None) -> tuple[str, tuple[Any, ...]]:
    """The one UPDATE that saves a session's position, status, place and report, and bumps its
    version; with `version` (and `status`), only if the stored session is still at that version
    (and status: a writer that changed the status without the version is noticed too)."""
    sql = ("UPDATE interview_sessions SET status = ?, question_index = ?, probe_index = ?,"
           " channel_id = ?, question_message_id = ?, report_json = ?, updated_at = ?,"
           " finished_at = ?, version = version + 1 WHERE id = ?")
    params: tuple[Any, ...] = (
        session.status, session.question_index, session.probe_index, session.channel_id,
        session.question_message_id,
        json.dumps(session.report, ensure_ascii=False) if session.report else None,
        to_db_time(session.updated_at), to_db_time(session.finished_at), session.id)
    if version is not None:
        sql += " AND version = ?"
        params = (*params, version)
    if status is not None:
        sql += " AND status = ?"
        params = (*params, status)
    return sql, params


async def _ask_row(conn: Connection, session_id: int, ask: dict[str, Any], stamp: str | None) -> int:
    """Record a question put to the candidate (inside a transaction); its answer row's id."""
    cursor = await conn.execute(_ASK, (session_id, ask["question_id"], ask["probe_index"],
                                       ask["category"], ask["question_text"], stamp))
    if cursor.rowcount == 1 and cursor.lastrowid:
        return int(cursor.lastrowid)
    async with conn.execute(  # asked before: the first record of it is kept
            "SELECT id FROM answers WHERE session_id = ? AND question_id = ? AND probe_index = ?",
            (session_id, ask["question_id"], ask["probe_index"])) as found:
        row = await found.fetchone()
    assert row is not None
    return int(row[0])


class SessionRepository:
    def __init__(self, db: Backend) -> None:
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
        state = await self.create_state(
            user_id=user_id, script_id=script_id, script_version=script_version, context=context,
            now=now, guild_id=guild_id, channel_id=channel_id, first_question=first_question)
        return state.session

    async def create_state(
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
    ) -> SessionState:
        """As `create`, returning the new session's whole state (its first question included),
        so it can be held without reading it back."""
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
                answer_id = (await _ask_row(conn, session_id, first_question, stamp)
                             if first_question is not None else None)
        except Conflict as error:  # (a missing user is an IntegrityError: a bug, not a race)
            raise Conflict(f"user {user_id} already has an open interview") from error
        session = await self.get(session_id)
        assert session is not None
        answers = []
        if first_question is not None and answer_id is not None:
            answers.append(Answer(id=answer_id, session_id=session_id,
                                  question_id=first_question["question_id"],
                                  probe_index=first_question["probe_index"],
                                  category=first_question["category"],
                                  question_text=first_question["question_text"],
                                  asked_at=session.created_at, finished_at=None, skipped=False))
        return SessionState(session, 0, answers)

    async def load_state(self, session_id: int) -> SessionState | None:
        """A session, its version and its answers with their parts and readings, as stored."""
        row = await self.db.fetch_one("SELECT * FROM interview_sessions WHERE id = ?", (session_id,))
        if row is None:
            return None
        answer_rows = await self.db.fetch_all(
            "SELECT * FROM answers WHERE session_id = ? ORDER BY id", (session_id,))
        answers = [_answer(r) for r in answer_rows]
        self._attach_parts(answers, await self._parts([a.id for a in answers]))
        readings = {int(r["id"]): (str(r["reading_json"]), str(r["analysis_json"]))
                    for r in answer_rows if r["reading_json"] and r["analysis_json"]}
        return SessionState(_session(row), int(row["version"]), answers, readings)

    async def version_of(self, session_id: int) -> int | None:
        """The stored version of a session (None when it is gone): one small read, to tell
        whether a copy held in memory is still current."""
        value = await self.db.fetch_value("SELECT version FROM interview_sessions WHERE id = ?",
                                          (session_id,))
        return None if value is None else int(value)

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

    async def report_dimensions(self, user_id: int, *, limit: int) -> list[list[dict[str, Any]]]:
        """The dimension scores of the user's latest reports, newest first: only that part of
        each report is read and parsed."""
        rows = await self.db.fetch_all(
            "SELECT json_extract(report_json, '$.dimensions') FROM interview_sessions"
            " WHERE user_id = ? AND report_json IS NOT NULL ORDER BY id DESC LIMIT ?",
            (user_id, limit),
        )
        return [json.loads(r[0]) if r[0] else [] for r in rows]

    async def latest_weakest(self, user_id: int, *, within: int) -> tuple[int, str] | None:
        """(session id, question id) of the weakest question of the user's latest report that
        names one, among their latest `within` reports."""
        row = await self.db.fetch_one(
            "SELECT id, question FROM (SELECT id, json_extract(report_json, '$.weakest_questions[0]')"
            " AS question FROM interview_sessions WHERE user_id = ? AND report_json IS NOT NULL"
            " ORDER BY id DESC LIMIT ?) AS latest WHERE question IS NOT NULL AND question != '' LIMIT 1",
            (user_id, within),
        )
        return (int(row[0]), str(row[1])) if row else None

    async def latest_closed(self, user_id: int) -> InterviewSession | None:
        """The user's latest interview that is no longer open (finished or abandoned)."""
        row = await self.db.fetch_one(
            "SELECT * FROM interview_sessions WHERE user_id = ? AND status NOT IN ('active', 'paused')"
            " ORDER BY id DESC LIMIT 1", (user_id,))
        return _session(row) if row else None

    async def summaries(self, user_id: int, *, limit: int, matching: str = "",
                        titles: Mapping[str, str] | None = None, statuses: Mapping[str, str] | None = None,
                        scan: int = 100) -> list[SessionSummary]:
        """The user's latest `limit` interviews, newest first, each read without its report.

        With `matching`, only those among the latest `scan` whose list label ("#id · title ·
        company · date · status", the title from `titles` by script id, the status in words from
        `statuses`, "Practice: " first for a practice run) contains it, ignoring ASCII case. The
        label is matched in SQL, so an interview that does not match is never sent to Python: a
        search costs one bounded scan of an index whatever the length of the history."""
        if not matching:
            rows = await self.db.fetch_all(f"{_SUMMARY_WINDOW} ORDER BY w.created_at DESC, s.id DESC",
                                         (user_id, limit))
            return [_summary(r) for r in rows]
        names = sorted((titles or {}).items())
        known = " UNION ALL ".join("SELECT ? AS script_id, ? AS title" for _ in names)
        params: list[Any] = [p for pair in names for p in pair]
        words = sorted((statuses or {}).items())
        status = (f"CASE s.status {' '.join('WHEN ? THEN ?' for _ in words)} ELSE s.status END"
                  if words else "s.status")
        params += [p for pair in words for p in pair]
        rows = await self.db.fetch_all(
            (f"WITH titles AS ({known}) " if names else "")
            + "SELECT * FROM (SELECT s.*, '#' || s.id || ' · '"
            "  || CASE WHEN s.practice > 0 THEN 'Practice: ' ELSE '' END"
            f"  || {'COALESCE(t.title, s.script_id)' if names else 's.script_id'}"
            "  || ' · ' || COALESCE(s.company, '') || ' · ' || substr(s.created_at, 1, 10)"
            f"  || ' · ' || {status} AS label"
            f" FROM ({_SUMMARY_WINDOW}) s"
            + (" LEFT JOIN titles t ON t.script_id = s.script_id" if names else "")
            + ") AS labelled WHERE instr(lower(label), lower(?)) > 0 ORDER BY created_at DESC, id DESC LIMIT ?",
            (*params, user_id, scan, matching, limit),
        )
        return [_summary(r) for r in rows]

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

    async def save_state(self, session: InterviewSession, now: datetime, *,
                         version: int | None = None, status: str | None = None) -> int | None:
        """Persist the position and status of a session (after a transition). With `version`
        (and the `status` stored at it), only over that version (else Stale, and nothing is
        written); returns the new one."""
        session.updated_at = now
        result = await self.db.write(*_session_update(session, version, status))
        if version is None:
            return None
        if result.rowcount != 1:
            raise Stale(f"interview {session.id} changed since version {version}")
        return version + 1

    async def stale_open(self, before: datetime, status: str) -> list[InterviewSession]:
        if status not in OPEN_STATUSES:
            raise ValueError(status)
        rows = await self.db.fetch_all(
            "SELECT * FROM interview_sessions WHERE status = ? AND updated_at < ? LIMIT 500",
            (status, to_db_time(before)),
        )
        return [_session(r) for r in rows]

    async def active_with_scripts(self, script_ids: Sequence[str], *, limit: int = 500) -> list[InterviewSession]:
        """Active sessions running one of these scripts (the case exercises, whose preparation
        time the timer watches), oldest first."""
        if not script_ids:
            return []
        marks = ",".join("?" * len(script_ids))
        rows = await self.db.fetch_all(
            f"SELECT * FROM interview_sessions WHERE status = 'active' AND script_id IN ({marks})"
            " ORDER BY id LIMIT ?", (*script_ids, limit))
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
        """Store one part of an answer. Returns False if this source message was already stored.
        (The interview service stores typed parts with `store_part`, which also stamps the
        session.)"""
        cursor = await self.db.write(
            "INSERT INTO answer_parts (answer_id, text, source, source_id, attachments, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(answer_id, source_id) DO NOTHING",
            (answer_id, text, source, source_id,
             json.dumps(list(attachments), ensure_ascii=False) if attachments else None,
             to_db_time(now)),
        )
        return cursor.rowcount == 1

    async def store_part(
        self,
        session_id: int,
        *,
        version: int,
        answer_id: int,
        text: str,
        source: str,
        now: datetime,
        source_id: str | None = None,
        attachments: Sequence[str] = (),
    ) -> bool:
        """One part of the current answer, with the session stamped (its `updated_at`, and its
        version bumped), only while the session is active and at `version` (else Stale, and
        nothing is written). Two statements in one transaction, which parts of other sessions arriving at
        the same moment may share (`Database.grouped`): at most one commit per part. Returns
        after the commit; False when this source message was already stored (a redelivery: the
        session is stamped all the same)."""
        stamp = to_db_time(now)
        files = json.dumps(list(attachments), ensure_ascii=False) if attachments else None
        stamped, inserted = await self.db.grouped([
            (_STAMP_SESSION, (stamp, session_id, version)),
            (_INSERT_PART, (answer_id, text, source, source_id, files, stamp)),
        ])
        if not stamped:
            raise Stale(f"interview {session_id} changed since version {version}")
        return inserted == 1

    async def store_spoken_part(
        self,
        session_id: int,
        *,
        version: int,
        answer_id: int,
        texts: Sequence[str],
        source: str,
        now: datetime,
        duration: float,
        metrics: dict[str, Any],
        engine: str,
        source_id: str | None = None,
    ) -> bool:
        """A recording's transcript (in `texts`, one part each when it is longer than a part may
        be) and what was measured of it, with the session stamped, as `store_part` does: all in
        one transaction, only while the session is active and at `version` (else Stale). False
        when this source message was already stored (a redelivery)."""
        stamp = to_db_time(now)
        unit: list[tuple[str, Sequence[Any]]] = [(_STAMP_SESSION, (stamp, session_id, version))]
        for index, text in enumerate(texts):
            part_source = source_id if source_id is None or index == 0 else f"{source_id}#{index + 1}"
            unit.append((_INSERT_PART, (answer_id, text, source, part_source, None, stamp)))
        unit.append((_INSERT_SPOKEN, (answer_id, float(duration), json.dumps(metrics, ensure_ascii=False),
                                      engine, stamp, answer_id)))
        counts = await self.db.grouped(unit)
        if not counts[0]:
            raise Stale(f"interview {session_id} changed since version {version}")
        return counts[1] == 1

    async def spoken_parts(self, session_id: int) -> list[SpokenPart]:
        """Every recorded part of a session's answers, in the order they arrived."""
        rows = await self.db.fetch_all(
            "SELECT s.part_id, s.answer_id, a.question_id, a.probe_index, a.prompt, s.duration_seconds,"
            " s.metrics_json, s.engine FROM spoken_parts s JOIN answers a ON a.id = s.answer_id"
            " WHERE a.session_id = ? ORDER BY s.part_id", (session_id,))
        return [SpokenPart(r["part_id"], r["answer_id"], r["question_id"], r["probe_index"], r["prompt"],
                           float(r["duration_seconds"]), json.loads(r["metrics_json"]), r["engine"])
                for r in rows]

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
        self._attach_parts(answers, await self._parts([a.id for a in answers]))
        return answers

    @staticmethod
    def _attach_parts(answers: Sequence[Answer], parts: Sequence[AnswerPart]) -> None:
        by_answer: dict[int, list[AnswerPart]] = {}
        for part in parts:
            by_answer.setdefault(part.answer_id, []).append(part)
        for answer in answers:
            answer.parts = by_answer.get(answer.id, [])

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
        version: int | None = None,
        status: str | None = None,
        finished_answer: tuple[int, bool] | tuple[int, bool, tuple[str, str] | None] | None = None,
        ask: dict[str, Any] | None = None,
        followons: Sequence[str] = (),
    ) -> TransitionWrite:
        """In one transaction: save the session's new position (with `version`, and the `status`
        stored at it, only over those, else Stale and nothing is written), close the answer just finished (with the
        reading of it, if given: its JSON and its analysis's JSON), record the next question
        asked and the follow-on work a finish obliges. A crash leaves either all of it or none."""
        stamp = to_db_time(now)
        session.updated_at = now
        asked_id = None
        async with self.db.transaction() as conn:
            saved = await conn.execute(*_session_update(session, version, status))
            if saved.rowcount != 1:
                raise Stale(f"interview {session.id} changed since version {version}")
            if finished_answer is not None:
                answer_id, skipped, *rest = finished_answer
                reading, analysis = rest[0] if rest and rest[0] is not None else (None, None)
                await conn.execute(
                    "UPDATE answers SET finished_at = COALESCE(finished_at, ?), skipped = ?,"
                    " reading_json = COALESCE(?, reading_json), analysis_json = COALESCE(?, analysis_json)"
                    " WHERE id = ?",
                    (stamp, int(skipped), reading, analysis, answer_id),
                )
            if ask is not None:
                asked_id = await _ask_row(conn, session.id, ask, stamp)
            for kind in followons:
                await conn.execute(
                    "INSERT INTO interview_followons (session_id, kind, created_at) VALUES (?, ?, ?)"
                    " ON CONFLICT(session_id, kind) DO NOTHING", (session.id, kind, stamp))
        return TransitionWrite(None if version is None else version + 1, asked_id)

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
