"""The only package with SQL. `Store` opens the database (an SQLite file, or PostgreSQL when
given a `postgresql://` URL) and exposes one repository per area, the same on both."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from bot.store.database import (
    Backend,
    Conflict,
    Database,
    IntegrityError,
    Leadership,
    Stale,
    StoreError,
    from_db_time,
    to_db_time,
)
from bot.store.jobs import JobRepository
from bot.store.journal import ChecklistRepository, JournalRepository, StoryRepository
from bot.store.mocks import MockRepository
from bot.store.nudges import NewNudge, NudgeRepository
from bot.store.progress import ProgressRepository
from bot.store.server_scripts import ServerScriptRepository
from bot.store.sessions import SessionRepository
from bot.store.users import GuildSettingsRepository, MetaRepository, UserRepository

__all__ = ["Conflict", "IntegrityError", "NewNudge", "Stale", "Store", "StoreError", "from_db_time",
           "is_postgres_url", "to_db_time"]


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


# Tables holding a user's rows, and how to select them, for export and deletion.
_USER_TABLES: dict[str, str] = {
    "users": "SELECT * FROM users WHERE user_id = ?",
    "interview_sessions": "SELECT * FROM interview_sessions WHERE user_id = ?",
    "answers": "SELECT a.* FROM answers a JOIN interview_sessions s ON s.id = a.session_id"
               " WHERE s.user_id = ?",
    "answer_parts": "SELECT p.* FROM answer_parts p JOIN answers a ON a.id = p.answer_id"
                    " JOIN interview_sessions s ON s.id = a.session_id WHERE s.user_id = ?",
    "spoken_parts": "SELECT sp.* FROM spoken_parts sp JOIN answers a ON a.id = sp.answer_id"
                    " JOIN interview_sessions s ON s.id = a.session_id WHERE s.user_id = ?",
    "interview_followons": "SELECT f.* FROM interview_followons f JOIN interview_sessions s"
                           " ON s.id = f.session_id WHERE s.user_id = ?",
    "journal_entries": "SELECT * FROM journal_entries WHERE user_id = ?",
    "journal_drafts": "SELECT * FROM journal_drafts WHERE user_id = ?",
    "followup_plans": "SELECT * FROM followup_plans WHERE user_id = ?",
    "nudges": "SELECT * FROM nudges WHERE user_id = ?",
    "checklist_items": "SELECT * FROM checklist_items WHERE user_id = ?",
    "checklists": "SELECT * FROM checklists WHERE user_id = ?",
    "star_stories": "SELECT * FROM star_stories WHERE user_id = ?",
    "interview_scores": "SELECT * FROM interview_scores WHERE user_id = ?",
    "question_attempts": "SELECT * FROM question_attempts WHERE user_id = ?",
    "question_bests": "SELECT * FROM question_bests WHERE user_id = ?",
    "picked_questions": "SELECT * FROM picked_questions WHERE user_id = ?",
    "job_descriptions": "SELECT * FROM job_descriptions WHERE user_id = ?",
    "job_story_matches": "SELECT * FROM job_story_matches WHERE user_id = ?",
    "resumes": "SELECT * FROM resumes WHERE user_id = ?",
    # Mentor and peer mock interviews the user took part in, on either side (migration 0015).
    "mock_interviews": "SELECT * FROM mock_interviews WHERE ? IN (candidate_id, interviewer_id)",
    # ...with the interviewer's marks and notes, which the candidate's report shows them.
    "mock_scores": "SELECT ms.* FROM mock_scores ms JOIN mock_interviews m ON m.id = ms.mock_id"
                   " WHERE ? IN (m.candidate_id, m.interviewer_id)",
    "mock_notes": "SELECT mn.* FROM mock_notes mn JOIN mock_interviews m ON m.id = mn.mock_id"
                  " WHERE ? IN (m.candidate_id, m.interviewer_id)",
}


class Store:
    def __init__(self, path: str | Path, *, migrations_dir: Path | None = None) -> None:
        """`path`: an SQLite file, or a `postgresql://` URL (asyncpg is then imported: it is
        needed only there, as the `postgres` extra)."""
        self.db: Backend
        if is_postgres_url(path):
            try:
                from bot.store.postgres import PostgresDatabase
            except ModuleNotFoundError as error:
                if error.name != "asyncpg":
                    raise
                raise StoreError("DATABASE_URL needs asyncpg: pip install '.[postgres]'") from error

            self.db = (PostgresDatabase(str(path)) if migrations_dir is None
                       else PostgresDatabase(str(path), migrations_dir=migrations_dir))
        else:
            self.db = (Database(Path(path)) if migrations_dir is None
                       else Database(Path(path), migrations_dir=migrations_dir))
        self.users = UserRepository(self.db)
        self.guilds = GuildSettingsRepository(self.db)
        self.meta = MetaRepository(self.db)
        self.sessions = SessionRepository(self.db)
        self.journal = JournalRepository(self.db)
        self.stories = StoryRepository(self.db)
        self.checklists = ChecklistRepository(self.db)
        self.nudges = NudgeRepository(self.db)
        self.progress = ProgressRepository(self.db)
        self.jobs = JobRepository(self.db)
        self.server_scripts = ServerScriptRepository(self.db)
        self.mocks = MockRepository(self.db)

    async def open(self) -> Store:
        await self.db.open()
        return self

    async def close(self) -> None:
        await self.db.close()

    async def __aenter__(self) -> Store:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def leadership(self, name: str) -> Leadership:
        """The right to run `name` in one process at a time (always held on SQLite)."""
        return self.db.leadership(name)

    def exclusive(self, name: str) -> AbstractAsyncContextManager[None]:
        """Run the block with no other process running work of the same name."""
        return self.db.exclusive(name)

    async def export_user(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row the bot holds about one user, table by table."""
        return {
            table: [dict(row) for row in await self.db.fetch_all(sql, (user_id,))]
            for table, sql in _USER_TABLES.items()
        }

    async def delete_user(self, user_id: int) -> dict[str, int]:
        """Delete every row of one user in one transaction; returns counts per table."""
        counts = {
            table: len(await self.db.fetch_all(sql, (user_id,)))
            for table, sql in _USER_TABLES.items()
        }
        async with self.db.transaction() as conn:
            # Foreign keys cascade from users to everything else; mock interviews name two
            # members, so those the user took part in go explicitly (their scores and notes
            # cascade).
            await conn.execute("DELETE FROM mock_interviews WHERE ? IN (candidate_id, interviewer_id)",
                               (user_id,))
            await conn.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        return {table: n for table, n in counts.items() if n}
