"""Progress across interviews: each question's attempts and best attempt (migration 0014), and
the bounded reads the progress chart and the weekly summary make."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.progress import Attempt, InterviewScore, QuestionBest
from bot.store.database import Database, from_db_time, to_db_time

_INSERT_ATTEMPT = (
    "INSERT INTO question_attempts (session_id, question_id, user_id, script_id, practice,"
    " question_text, score, scores_json, notes_json, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(session_id, question_id) DO NOTHING")
# A new attempt: counted, the latest, and the best when it beats the best so far.
_UPSERT_BEST = (
    "INSERT INTO question_bests (user_id, script_id, question_id, question_text, best_session_id,"
    " best_score, latest_session_id, latest_score, attempts, practised, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
    " ON CONFLICT(user_id, script_id, question_id) DO UPDATE SET"
    " best_session_id = CASE WHEN excluded.best_score >= question_bests.best_score"
    "   THEN excluded.best_session_id ELSE question_bests.best_session_id END,"
    " best_score = CASE WHEN excluded.best_score >= question_bests.best_score"
    "   THEN excluded.best_score ELSE question_bests.best_score END,"
    " latest_session_id = CASE WHEN excluded.latest_session_id >= question_bests.latest_session_id"
    "   THEN excluded.latest_session_id ELSE question_bests.latest_session_id END,"
    " latest_score = CASE WHEN excluded.latest_session_id >= question_bests.latest_session_id"
    "   THEN excluded.latest_score ELSE question_bests.latest_score END,"
    " question_text = excluded.question_text,"
    " attempts = question_bests.attempts + 1,"
    " practised = CASE WHEN excluded.practised = 1 THEN 1 ELSE question_bests.practised END,"
    " updated_at = excluded.updated_at")


_INSERT_SCORE = (
    "INSERT INTO interview_scores (session_id, user_id, script_id, practice, overall, dimensions_json,"
    " finished_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(session_id) DO NOTHING")


@dataclass(frozen=True, slots=True)
class ReportedSession:
    """A finished interview's report as stored (parsed by the caller, off the event loop)."""

    session_id: int
    user_id: int
    script_id: str
    context_json: str
    report_json: str
    finished_at: datetime


@dataclass(frozen=True, slots=True)
class StoredScore:
    """An interview's scores as stored: the chart's point, with the script's id."""

    session_id: int
    script_id: str
    practice: bool
    overall: float
    dimensions: dict[str, float]
    finished_at: datetime

    def point(self, title: str) -> InterviewScore:
        return InterviewScore(self.session_id, self.script_id, title, self.finished_at, self.overall,
                              self.dimensions)


def _score(row: sqlite3.Row) -> StoredScore:
    return StoredScore(int(row["session_id"]), str(row["script_id"]), bool(row["practice"]),
                       float(row["overall"]), json.loads(row["dimensions_json"] or "{}"),
                       from_db_time(row["finished_at"]))  # type: ignore[arg-type]


def _attempt(row: sqlite3.Row) -> Attempt:
    return Attempt(
        session_id=int(row["session_id"]), script_id=str(row["script_id"]),
        question_id=str(row["question_id"]), question_text=str(row["question_text"]),
        score=float(row["score"]), scores=json.loads(row["scores_json"] or "{}"),
        notes=tuple(json.loads(row["notes_json"] or "[]")),
        answered_at=from_db_time(row["answered_at"]),  # type: ignore[arg-type]
        practice=bool(row["practice"]))


def _best(row: sqlite3.Row) -> QuestionBest:
    return QuestionBest(
        script_id=str(row["script_id"]), question_id=str(row["question_id"]),
        question_text=str(row["question_text"]), best_session_id=int(row["best_session_id"]),
        best_score=float(row["best_score"]), latest_session_id=int(row["latest_session_id"]),
        latest_score=float(row["latest_score"]), attempts=int(row["attempts"]),
        practised=bool(row["practised"]))


class ProgressRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record_finished(self, user_id: int, score: InterviewScore | None, practice: bool,
                              attempts: Sequence[Attempt], now: datetime) -> int:
        """Store a finished interview's scores and its attempts, folding each attempt into its
        question's best, in one transaction. What was stored before (the finish hook run again,
        the start-up read of older interviews) changes nothing. Returns how many attempts were new."""
        stamp = to_db_time(now)
        new = 0
        async with self.db.transaction() as conn:
            if score is not None:
                await conn.execute(_INSERT_SCORE, (
                    score.session_id, user_id, score.script_id, int(practice), score.overall,
                    json.dumps(score.dimensions), to_db_time(score.finished_at)))
            for a in attempts:
                cursor = await conn.execute(_INSERT_ATTEMPT, (
                    a.session_id, a.question_id, user_id, a.script_id, int(a.practice), a.question_text,
                    a.score, json.dumps(a.scores), json.dumps(list(a.notes), ensure_ascii=False),
                    to_db_time(a.answered_at)))
                if cursor.rowcount != 1:
                    continue
                new += 1
                await conn.execute(_UPSERT_BEST, (
                    user_id, a.script_id, a.question_id, a.question_text, a.session_id, a.score,
                    a.session_id, a.score, int(a.practice), stamp))
        return new

    async def record_attempts(self, user_id: int, attempts: Sequence[Attempt], now: datetime) -> int:
        """Attempts alone (see `record_finished`)."""
        return await self.record_finished(user_id, None, False, attempts, now)

    async def scores(self, user_id: int, *, limit: int, practice: bool = False) -> list[StoredScore]:
        """The user's latest `limit` full interviews (or practice runs), newest first: one read
        of the (user, practice, session) index, whatever the history's length."""
        rows = await self.db.fetch_all(
            "SELECT * FROM interview_scores WHERE user_id = ? AND practice = ?"
            " ORDER BY session_id DESC LIMIT ?", (user_id, int(practice), limit))
        return [_score(r) for r in rows]

    async def count_scores(self, user_id: int, *, practice: bool = False,
                           since: datetime | None = None, until: datetime | None = None) -> int:
        sql = "SELECT COUNT(*) FROM interview_scores WHERE user_id = ? AND practice = ?"
        params: list[object] = [user_id, int(practice)]
        if since is not None:
            sql += " AND finished_at >= ?"
            params.append(to_db_time(since))
        if until is not None:
            sql += " AND finished_at < ?"
            params.append(to_db_time(until))
        return int(await self.db.fetch_value(sql, params))

    async def reported_after(self, after_id: int, *, limit: int) -> list[ReportedSession]:
        """Finished sessions with a report after session `after_id`, oldest first (the start-up
        read of interviews finished before progress was recorded)."""
        rows = await self.db.fetch_all(
            "SELECT id, user_id, script_id, context_json, report_json, finished_at FROM interview_sessions"
            " WHERE id > ? AND report_json IS NOT NULL ORDER BY id LIMIT ?", (after_id, limit))
        return [ReportedSession(int(r["id"]), int(r["user_id"]), str(r["script_id"]), str(r["context_json"]),
                                str(r["report_json"]),
                                from_db_time(r["finished_at"]))  # type: ignore[arg-type]
                for r in rows if r["finished_at"]]

    async def attempt(self, session_id: int, question_id: str) -> Attempt | None:
        row = await self.db.fetch_one(
            "SELECT * FROM question_attempts WHERE session_id = ? AND question_id = ?",
            (session_id, question_id))
        return _attempt(row) if row else None

    async def attempts_of(self, session_id: int) -> list[Attempt]:
        rows = await self.db.fetch_all(
            "SELECT * FROM question_attempts WHERE session_id = ? ORDER BY question_id", (session_id,))
        return [_attempt(r) for r in rows]

    async def previous_attempt(self, user_id: int, script_id: str, question_id: str,
                               before_session: int) -> Attempt | None:
        """The latest attempt at this question before `before_session` (one indexed read)."""
        row = await self.db.fetch_one(
            "SELECT * FROM question_attempts WHERE user_id = ? AND script_id = ? AND question_id = ?"
            " AND session_id < ? ORDER BY session_id DESC LIMIT 1",
            (user_id, script_id, question_id, before_session))
        return _attempt(row) if row else None

    async def best(self, user_id: int, script_id: str, question_id: str) -> QuestionBest | None:
        row = await self.db.fetch_one(
            "SELECT * FROM question_bests WHERE user_id = ? AND script_id = ? AND question_id = ?",
            (user_id, script_id, question_id))
        return _best(row) if row else None

    async def weakest(self, user_id: int, *, limit: int, practised_only: bool = False,
                      below: float = 1.01) -> list[QuestionBest]:
        """The user's questions by best score, weakest first (`practised_only`: those a practice
        run retook), best scores under `below`."""
        sql = "SELECT * FROM question_bests WHERE user_id = ? AND best_score < ?"
        if practised_only:
            sql += " AND practised = 1"
        rows = await self.db.fetch_all(sql + " ORDER BY best_score, attempts LIMIT ?",
                                       (user_id, below, limit))
        return [_best(r) for r in rows]

    # --- questions to ask, picked on /prep questions -----------------------------------------

    async def picked_questions(self, user_id: int) -> set[str]:
        rows = await self.db.fetch_all("SELECT question_id FROM picked_questions WHERE user_id = ?",
                                       (user_id,))
        return {str(r[0]) for r in rows}

    async def set_picked(self, user_id: int, shown: Sequence[str], chosen: Sequence[str],
                         now: datetime) -> None:
        """Of the questions `shown`, exactly `chosen` are picked (one transaction)."""
        dropped = [q for q in shown if q not in set(chosen)]
        async with self.db.transaction() as conn:
            if dropped:
                marks = ",".join("?" * len(dropped))
                await conn.execute(
                    f"DELETE FROM picked_questions WHERE user_id = ? AND question_id IN ({marks})",
                    (user_id, *dropped))
            await conn.executemany(
                "INSERT INTO picked_questions (user_id, question_id, picked_at) VALUES (?, ?, ?)"
                " ON CONFLICT(user_id, question_id) DO NOTHING",
                [(user_id, q, to_db_time(now)) for q in chosen])
