"""`python -m bot migrate-db`: an SQLite database with rows in every table, made through the
repositories as the bot makes them, copied into PostgreSQL by the real command (a subprocess),
compared table by table and user by user; then the refusals."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_cli import run_cli

from bot.core.mocks import MockInterview
from bot.core.progress import Attempt, InterviewScore
from bot.store import NewNudge, Store

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


async def fill(path: Path) -> None:
    """Rows in every table, through the repositories (the rehearsal made the interview)."""
    async with Store(path) as store:
        for user in (1, 2):
            await store.users.ensure(user, NOW)
            await store.users.set_time_zone(user, "Europe/London", NOW)
            await store.users.remember_dm_channel(user, 500 + user)
            await store.users.set_pending_notice(user, f"notice for {user} ✓")
            session = await store.sessions.create(user_id=user, script_id="final", script_version="v1",
                                                  context={"company": "Acme", "role": "Analyst"}, now=NOW)
            answer = await store.sessions.ask(session.id, question_id="q1", probe_index=0, category="c",
                                              question_text="Tell me about a time…", now=NOW)
            await store.sessions.add_part(answer.id, f"Ünïcødé answer {user} @everyone", source="message",
                                          source_id=f"m{user}", attachments=["cv.pdf"], now=NOW)
            spoken = await store.sessions.ask(session.id, question_id="q2", probe_index=0, category="c",
                                              question_text="And why us?", now=NOW)
            await store.sessions.store_spoken_part(
                session.id, version=0, answer_id=spoken.id, texts=["Because of the team."], source="voice",
                now=NOW, duration=12.5, metrics={"pace": 140}, engine="moonshine", source_id=f"v{user}")
            session.status = "finished"
            session.report = {"dimensions": [{"name": "structure", "score": 3}], "weakest_questions": ["q1"]}
            await store.sessions.commit_transition(session, now=NOW, finished_answer=(answer.id, False),
                                                   followons=("report", "hooks"))
            entry = await store.journal.add(user, now=NOW, company="Acme", interview_at=NOW)
            await store.journal.hold_draft(user, {"company": "Globex", "interview_at": NOW}, NOW,
                                           keep_for=timedelta(days=1))
            await store.nudges.create_plan(
                user_id=user, kind="interview", dedupe_key=f"p{user}", now=NOW, journal_entry_id=entry.id,
                guild_id=9, channel_id=10,
                nudges=[NewNudge("thank_you", NOW + timedelta(hours=2), f"p{user}:t", {"a": 1}),
                        NewNudge("check_in", NOW + timedelta(days=7), f"p{user}:c", {})])
            await store.checklists.save(user, "final:acme", stage="final", company="Acme", role="Analyst",
                                        interview_at=NOW, now=NOW)
            await store.checklists.set_done(user, "final:acme", "review_cv", True, NOW)
            await store.stories.add(user, now=NOW, title="Migration", situation="s", result="r")
            job = await store.jobs.add(user, title="Analyst", company="Acme", source="pasted",
                                       body="We need SQL.", reading={"requirements": ["SQL"]}, now=NOW)
            await store.jobs.set_matches(job.id, user, {0: 1}, NOW)
            await store.jobs.save_resume(user, source="cv.txt", body="Sam, analyst.", reading={"roles": []},
                                         now=NOW)
            await store.progress.record_finished(
                user, InterviewScore(session.id, "final", "Final round", NOW, 0.625, {"structure": 0.5}), False,
                [Attempt(session.id, "final", "q1", "Tell me about a time…", 0.7, {"structure": 0.7},
                         ("Name the result.",), NOW, False)], NOW)
            await store.progress.set_picked(user, ["ask_team"], ["ask_team"], NOW)
            mock = await store.mocks.create(MockInterview(
                id=0, guild_id=9, kind="pair", status="proposed", candidate_id=user, interviewer_id=3 - user,
                created_by=user, script_key="final", stage="final", role="Analyst", company="Acme",
                starts_at=NOW + timedelta(days=1), proposed_by=user, candidate_ok=True, interviewer_ok=False,
                request_channel_id=None, request_message_id=None, thread_id=70 + user, voice_channel_id=None,
                session_id=None, asked_key=None, ended_by=None, no_show_id=None, swapped_from=None,
                version=0, created_at=NOW, updated_at=NOW))
            await store.mocks.set_score(mock.id, "q1", 0, 3, NOW)
            await store.mocks.set_note(mock.id, "q1", "Clear ✓", NOW)
        await store.mocks.set_setting(9, "mentor_role_id", 5, NOW)
        await store.guilds.set_voice_answers(9, False, NOW)
        await store.server_scripts.add_version(guild_id=9, script_id="panel", title="Panel", stage="final",
                                               minutes=20, questions=3, filename="p.j2", source="x",
                                               digest="d", uploaded_by=1, now=NOW)
        await store.guilds.set_interview_channel(9, 11, NOW)
        await store.meta.set("command_tree_hash", "abc")


def sorted_rows(export: dict[str, list[dict]]) -> dict[str, list[str]]:
    return {table: sorted(map(repr, rows)) for table, rows in export.items()}


def table_rows(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        out = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2').fetchall()
            out[table] = (columns, rows)
        return out
    finally:
        conn.close()


async def test_migrate_db_copies_every_table_and_refuses_what_it_must(postgres_cluster, tmp_path: Path) -> None:
    path = tmp_path / "data" / "interview_coach.sqlite3"
    await fill(path)
    before = table_rows(path)
    empty = [table for table, (_cols, rows) in before.items() if not rows]
    assert empty == [], f"the fill leaves tables empty, so their copy is untested: {empty}"

    url = postgres_cluster.create_database("coach_migrate_db")
    moved = run_cli("migrate-db", "--to", url, cwd=tmp_path, env={"DATABASE_PATH": str(path)})
    assert moved.returncode == 0, moved.stderr
    assert "every count checked" in moved.stdout

    async with Store(url) as store:
        for table, (columns, rows) in before.items():
            names = ", ".join(f'"{c}"' for c in columns)
            copied = [tuple(r) for r in await store.db.fetch_all(f'SELECT {names} FROM "{table}" ORDER BY 1, 2')]
            assert copied == rows, table
        async with Store(path) as sqlite_store:
            for user in (1, 2):  # the same rows (the export does not promise an order)
                assert sorted_rows(await store.export_user(user)) == sorted_rows(await sqlite_store.export_user(user))
        # The repositories read the copy as they read the original...
        assert (await store.sessions.report_dimensions(1, limit=5)) == [[{"name": "structure", "score": 3}]]
        assert await store.sessions.latest_weakest(1, within=5) == (1, "q1")
        # ...and new rows get ids after the copied ones.
        await store.users.ensure(3, NOW)
        new = await store.sessions.create(user_id=3, script_id="x", script_version="v", context={}, now=NOW)
        assert new.id == max(r[0] for r in before["interview_sessions"][1]) + 1

    again = run_cli("migrate-db", "--to", url, cwd=tmp_path, env={"DATABASE_PATH": str(path)})
    assert again.returncode == 1 and "is not empty" in again.stderr and "users (3 rows)" in again.stderr

    fresh = postgres_cluster.create_database("coach_migrate_db_newer")
    async with Store(fresh) as store:
        await store.db.write("INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')")
    newer_target = run_cli("migrate-db", "--to", fresh, cwd=tmp_path, env={"DATABASE_PATH": str(path)})
    assert newer_target.returncode == 1 and "newer version of the bot" in newer_target.stderr

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    newer_source = run_cli("migrate-db", "--to", postgres_cluster.create_database("coach_migrate_db_2"),
                           cwd=tmp_path, env={"DATABASE_PATH": str(path)})
    assert newer_source.returncode == 1 and "newer version of the bot" in newer_source.stderr

    missing = run_cli("migrate-db", "--to", url, "--from", str(tmp_path / "nope.sqlite3"), cwd=tmp_path)
    assert missing.returncode == 1 and "There is no SQLite database" in missing.stderr


async def test_an_orphaned_row_is_refused_clearly_and_nothing_is_copied(postgres_cluster, tmp_path: Path) -> None:
    """A journal entry whose user is gone (an old file written with foreign keys off): PostgreSQL
    refuses it; migrate-db says which table and why, exits 1 with no traceback, commits nothing."""
    path = tmp_path / "orphan.sqlite3"
    async with Store(path) as store:
        await store.users.ensure(1, NOW)
        await store.journal.add(1, now=NOW, company="Acme", interview_at=NOW)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO journal_entries (user_id, company, created_at, updated_at) VALUES (999, 'Gone', ?, ?)",
                 (NOW.isoformat(), NOW.isoformat()))
    conn.commit()
    conn.close()
    url = postgres_cluster.create_database("coach_migrate_orphan")
    result = run_cli("migrate-db", "--to", url, "--from", str(path), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "migrate-db refused: journal_entries:" in result.stderr and "nothing was copied" in result.stderr
    async with Store(url) as store:
        assert await store.db.fetch_value("SELECT COUNT(*) FROM users") == 0


async def test_a_refused_target_leaves_an_older_sqlite_file_unchanged(postgres_cluster, tmp_path: Path) -> None:
    """The target is checked before the source is opened (which would upgrade an older file)."""
    from bot.store.database import MIGRATIONS_DIR

    older = tmp_path / "older_migrations"
    older.mkdir()
    shipped = sorted(MIGRATIONS_DIR.glob("*.sql"))
    for migration in shipped[:-1]:
        (older / migration.name).write_text(migration.read_text())
    path = tmp_path / "older.sqlite3"
    async with Store(path, migrations_dir=older) as store:
        await store.users.ensure(1, NOW)
    before = path.read_bytes()

    url = postgres_cluster.create_database("coach_migrate_full")
    async with Store(url) as store:
        await store.users.ensure(7, NOW)
    refused = run_cli("migrate-db", "--to", url, "--from", str(path), cwd=tmp_path)
    assert refused.returncode == 1 and "is not empty" in refused.stderr
    assert path.read_bytes() == before  # not upgraded, not even opened
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(shipped) - 1
    conn.close()

    moved = run_cli("migrate-db", "--to", postgres_cluster.create_database("coach_migrate_older"), "--from",
                    str(path), cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert f"from schema {len(shipped) - 1} to {len(shipped)} first" in moved.stdout
