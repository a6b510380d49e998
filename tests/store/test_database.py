from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Conflict, IntegrityError, NewNudge, Store, StoreError
from bot.store.database import MIGRATIONS_DIR, load_migrations

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


async def test_migrates_an_empty_file_and_rerun_is_a_noop(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "db.sqlite3"
    async with Store(path) as store:
        assert await store.db.schema_version() == len(load_migrations())
        tables = {r[0] for r in await store.db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"users", "interview_sessions", "answers", "answer_parts", "journal_entries",
                "nudges", "followup_plans", "checklist_items", "star_stories"} <= tables
        assert (await store.db.fetch_value("PRAGMA journal_mode")) == "wal"
        assert (await store.db.fetch_value("PRAGMA foreign_keys")) == 1
        await store.users.ensure(42, NOW)
    async with Store(path) as store:  # re-open: nothing re-applied, data intact
        assert await store.db.schema_version() == len(load_migrations())
        assert (await store.users.get(42)) is not None


async def test_broken_migration_rolls_back_to_previous_version(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations)
    current = len(load_migrations())
    broken = f"{current + 1:04d}_broken.sql"
    (migrations / broken).write_text(
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n")
    path = tmp_path / "db.sqlite3"
    with pytest.raises(StoreError, match=rf"{broken}\S* failed.*stays at schema {current}"):
        await Store(path, migrations_dir=migrations).open()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in names
    finally:
        conn.close()


async def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer version of the bot"):
        await Store(path).open()


async def test_foreign_keys_are_enforced(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        with pytest.raises(IntegrityError) as refused:
            await store.sessions.create(user_id=404, script_id="x", script_version="v",
                                        context={}, now=NOW)
        assert not isinstance(refused.value, Conflict)  # a missing user is a bug, not a race


async def test_user_and_guild_round_trip(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        user = await store.users.ensure(7, NOW)
        assert user.time_zone is None and user.nudges_enabled is None
        await store.users.set_time_zone(7, "Europe/Berlin", NOW)
        await store.users.set_nudges_enabled(7, False, NOW)
        await store.users.set_pending_notice(7, "hello")
        user = await store.users.get(7)
        assert user is not None
        assert (user.time_zone, user.nudges_enabled, user.created_at) == ("Europe/Berlin", False, NOW)
        assert await store.users.take_pending_notice(7) == "hello"
        assert await store.users.take_pending_notice(7) is None
        await store.guilds.set_interview_channel(5, 99, NOW)
        assert await store.guilds.interview_channel(5) == 99
        await store.meta.set("k", "v1")
        await store.meta.set("k", "v2")
        assert await store.meta.get("k") == "v2"


async def test_session_answers_and_parts_round_trip(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        await store.users.ensure(1, NOW)
        session = await store.sessions.create(user_id=1, script_id="final", script_version="abc",
                                              context={"company": "Acme"}, now=NOW)
        answer = await store.sessions.ask(session.id, question_id="q1", probe_index=0,
                                          category="opening", question_text="Hi?", now=NOW)
        text = "Ünïcødé ✓ مرحبا @everyone ```code```"
        assert await store.sessions.add_part(answer.id, text, source="message", now=NOW,
                                             source_id="m1", attachments=["cv.pdf"])
        assert not await store.sessions.add_part(answer.id, text, source="message", now=NOW,
                                                 source_id="m1")
        assert await store.sessions.finish_answer(answer.id, now=NOW + timedelta(seconds=30),
                                                  metrics={"words": 5})
        assert not await store.sessions.finish_answer(answer.id, now=NOW)
        [stored] = await store.sessions.answers(session.id)
        assert stored.text == text and stored.attachments == ["cv.pdf"]
        assert stored.metrics == {"words": 5}
        assert stored.finished_at == NOW + timedelta(seconds=30)
        assert (await store.sessions.open_for_user(1)).id == session.id
        session.status = "finished"
        await store.sessions.save_state(session, NOW)
        assert await store.sessions.open_for_user(1) is None


async def test_journal_stories_checklists_round_trip(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        await store.users.ensure(1, NOW)
        await store.users.ensure(2, NOW)
        entry = await store.journal.add(1, now=NOW, company="Acme", role="Analyst",
                                        stage="second_round", interview_at=NOW, notes="n")
        assert entry.interview_at == NOW
        assert await store.journal.get(entry.id, 2) is None  # not the owner
        updated = await store.journal.update(entry.id, 1, now=NOW, outcome="offer")
        assert updated is not None and updated.outcome == "offer"
        assert [e.id for e in await store.journal.for_user(1, company="acme")] == [entry.id]
        assert not await store.journal.delete(entry.id, 2)
        assert await store.journal.delete(entry.id, 1)

        story = await store.stories.add(1, now=NOW, title="Migration", skills="Leadership, SQL",
                                        situation="s", task="t", action="a", result="r")
        assert story.skill_list == ["leadership", "sql"]
        assert (await store.stories.update(story.id, 1, now=NOW, title="New")).title == "New"
        assert await store.stories.update(story.id, 2, now=NOW, title="x") is None
        assert await store.stories.delete(story.id, 1)

        await store.checklists.set_done(1, "acme:final", "review_cv", True, NOW)
        await store.checklists.set_done(1, "acme:final", "plan_route", True, NOW)
        await store.checklists.set_done(1, "acme:final", "plan_route", False, NOW)
        assert await store.checklists.done_items(1, "acme:final") == {"review_cv"}


async def test_plans_and_nudges_round_trip(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        await store.users.ensure(1, NOW)
        nudges = [NewNudge("thank_you", NOW + timedelta(hours=2), "p1:thank_you", {"a": 1}),
                  NewNudge("day_before", NOW + timedelta(hours=1), "p1:day_before", {})]
        plan, created = await store.nudges.create_plan(user_id=1, kind="interview",
                                                       dedupe_key="p1", now=NOW, nudges=nudges)
        assert created
        again, created_again = await store.nudges.create_plan(
            user_id=1, kind="interview", dedupe_key="p1", now=NOW, nudges=nudges)
        assert not created_again and again.id == plan.id
        assert await store.nudges.count_pending() == 2
        assert await store.nudges.next_due_at() == NOW + timedelta(hours=1)
        due = await store.nudges.due(NOW + timedelta(hours=1))
        assert [n.kind for n in due] == ["day_before"]
        assert await store.nudges.claim(due[0].id, NOW)
        assert not await store.nudges.claim(due[0].id, NOW)  # claimed once only
        await store.nudges.mark(due[0].id, "sent", NOW)
        sent = await store.nudges.get(due[0].id)
        assert sent is not None and sent.status == "sent" and sent.attempts == 1
        assert await store.nudges.cancel_plan_nudges(plan.id, NOW) == 1


async def test_export_and_delete_touch_only_that_user(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        for uid in (1, 2):
            await store.users.ensure(uid, NOW)
            s = await store.sessions.create(user_id=uid, script_id="x", script_version="v",
                                            context={}, now=NOW)
            a = await store.sessions.ask(s.id, question_id="q", probe_index=0, category="c",
                                         question_text="p", now=NOW)
            await store.sessions.add_part(a.id, f"answer {uid}", source="terminal", now=NOW)
            await store.journal.add(uid, now=NOW, company="Acme")
        exported = await store.export_user(1)
        assert [p["text"] for p in exported["answer_parts"]] == ["answer 1"]
        removed = await store.delete_user(1)
        assert removed["interview_sessions"] == 1 and removed["answer_parts"] == 1
        assert all(not rows for rows in (await store.export_user(1)).values())
        assert [p["text"] for p in (await store.export_user(2))["answer_parts"]] == ["answer 2"]


MIGRATIONS = Path(__file__).resolve().parents[2] / "bot" / "store" / "migrations"


async def test_the_one_open_interview_migration_keeps_the_newest_of_duplicates(tmp_path: Path) -> None:
    """A database made before migration 6 may hold two open interviews of one user (the race it
    closes); upgrading keeps the newest open and marks the older abandoned, deleting nothing."""
    five = tmp_path / "five"
    five.mkdir()
    for sql in sorted(MIGRATIONS.glob("000[1-5]_*.sql")):
        (five / sql.name).write_text(sql.read_text())
    path = tmp_path / "db.sqlite3"
    async with Store(path, migrations_dir=five) as store:
        await store.users.ensure(1, NOW)
        first = await store.sessions.create(user_id=1, script_id="x", script_version="v", context={}, now=NOW)
        second = await store.sessions.create(user_id=1, script_id="x", script_version="v", context={}, now=NOW)
    async with Store(path) as store:
        assert (await store.sessions.get(first.id)).status == "abandoned"
        assert (await store.sessions.get(second.id)).status == "active"
        assert (await store.sessions.open_for_user(1)).id == second.id


async def _grouped_table(store: Store) -> None:
    key = ("INTEGER PRIMARY KEY" if store.db.dialect == "sqlite"
           else "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
    await store.db.write("DROP TABLE IF EXISTS notes")
    await store.db.write("DROP TABLE IF EXISTS counters")
    await store.db.write(f"CREATE TABLE counters (id {key}, n INTEGER NOT NULL)")
    await store.db.write(f"CREATE TABLE notes (id {key}, counter_id INTEGER NOT NULL"
                         " REFERENCES counters(id), text TEXT NOT NULL UNIQUE)")
    for i in range(1, 11):
        await store.db.write("INSERT INTO counters (id, n) VALUES (?, 0)", (i,))


def _unit(counter: int, expected: int, text: str) -> list[tuple[str, tuple]]:
    return [("UPDATE counters SET n = n + 1 WHERE id = ? AND n = ?", (counter, expected)),
            ("INSERT INTO notes (counter_id, text) VALUES (?, ?) ON CONFLICT(text) DO NOTHING", (counter, text))]


async def test_grouped_writes_arriving_together_share_one_commit(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        await _grouped_table(store)
        async with store.db.counting() as count:
            results = await asyncio.gather(*(store.db.grouped(_unit(i, 0, f"note {i}")) for i in range(1, 11)))
        assert results == [[1, 1]] * 10
        # All ten were queued before the flusher ran: one transaction, one commit.
        assert count.commits == 1 and count.kinds["BEGIN"] == 1
        assert count.kinds["UPDATE"] == 10 and count.kinds["INSERT"] == 10 and count.reads == 0
        assert await store.db.fetch_value("SELECT SUM(n) FROM counters") == 10
        assert await store.db.fetch_value("SELECT COUNT(*) FROM notes") == 10


async def test_a_grouped_write_refused_or_failing_is_its_own(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        await _grouped_table(store)
        await store.db.grouped(_unit(1, 0, "taken"))
        units = [_unit(2, 0, "fine"),
                 _unit(1, 0, "stale: never inserted"),  # the guard changes nothing: the insert is not run
                 _unit(3, 0, "taken"),  # a conflict: guarded update done, nothing inserted
                 [("INSERT INTO notes (counter_id, text) VALUES (?, ?)", (404, "no such counter"))],
                 _unit(4, 0, "also fine")]
        results = await asyncio.gather(*(store.db.grouped(u) for u in units), return_exceptions=True)
        assert results[0] == [1, 1] and results[1] == [0, 0] and results[2] == [1, 0] and results[4] == [1, 1]
        assert isinstance(results[3], IntegrityError) and not isinstance(results[3], Conflict)
        notes = {r[0] for r in await store.db.fetch_all("SELECT text FROM notes")}
        assert notes == {"taken", "fine", "also fine"}
        counters = {r[0]: r[1] for r in await store.db.fetch_all("SELECT id, n FROM counters")}
        assert (counters[1], counters[2], counters[3], counters[4]) == (1, 1, 1, 1)


async def test_writes_queued_for_group_commit_are_committed_before_the_store_closes(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with Store(path) as store:
        await _grouped_table(store)
        pending = [asyncio.ensure_future(store.db.grouped(_unit(i, 0, f"n{i}"))) for i in range(1, 6)]
        await asyncio.sleep(0)
    assert [p.result() for p in pending] == [[1, 1]] * 5
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 5
    finally:
        conn.close()


async def test_session_writes_are_version_checked(database_target: Path | str) -> None:
    from bot.store.database import Stale

    async with Store(database_target) as store:
        await store.users.ensure(1, NOW)
        state = await store.sessions.create_state(
            user_id=1, script_id="x", script_version="v", context={}, now=NOW,
            first_question={"question_id": "q", "probe_index": 0, "category": "c", "question_text": "Q?"})
        [answer] = state.answers
        assert state.version == 0 and await store.sessions.version_of(state.session.id) == 0
        assert await store.sessions.store_part(state.session.id, version=0, answer_id=answer.id, text="a",
                                               source="message", source_id="1", now=NOW)
        assert not await store.sessions.store_part(state.session.id, version=1, answer_id=answer.id, text="a",
                                                   source="message", source_id="1", now=NOW)  # a redelivery
        with pytest.raises(Stale):
            await store.sessions.store_part(state.session.id, version=0, answer_id=answer.id, text="b",
                                            source="message", source_id="2", now=NOW)
        with pytest.raises(Stale):
            await store.sessions.save_state(state.session, NOW, version=1)
        assert await store.sessions.save_state(state.session, NOW, version=2) == 3
        loaded = await store.sessions.load_state(state.session.id)
        assert loaded is not None and loaded.version == 3
        assert [p.text for p in loaded.answers[0].parts] == ["a"]


async def test_interview_summaries_match_their_labels_in_sql(database_target: Path | str) -> None:
    """The SQL functions the summaries use (json_extract, json_array_length, instr, ||) mean the
    same on both backends."""
    async with Store(database_target) as store:
        await store.users.ensure(1, NOW)
        first = await store.sessions.create(user_id=1, script_id="final", script_version="v",
                                            context={"company": "Acme"}, now=NOW)
        first.status = "finished"
        await store.sessions.save_state(first, NOW)
        await store.sessions.create(user_id=1, script_id="second_round", script_version="v",
                                    context={"company": "Globex", "only_questions": ["q1"]},
                                    now=NOW + timedelta(hours=1))
        titles = {"final": "Final round", "second_round": "Second round"}
        everything = await store.sessions.summaries(1, limit=5)
        assert [(s.company, s.practice, s.status) for s in everything] == [
            ("Globex", True, "active"), ("Acme", False, "finished")]
        practice = await store.sessions.summaries(1, limit=5, matching="PRACTICE: second", titles=titles)
        assert [s.company for s in practice] == ["Globex"]
        by_title = await store.sessions.summaries(1, limit=5, matching="final round", titles=titles)
        assert [s.id for s in by_title] == [first.id]
        assert await store.sessions.summaries(1, limit=5, matching="nothing like it", titles=titles) == []
        assert [s.company for s in await store.sessions.summaries(1, limit=5, matching="acme")] == ["Acme"]


async def test_job_materials_round_trip(database_target: Path | str) -> None:
    """Migration 13 (its twin on PostgreSQL): jobs, the requirement map and the résumé."""
    async with Store(database_target) as store:
        for user in (1, 2):
            await store.users.ensure(user, NOW)
        job = await store.jobs.add(1, title="Analyst", company="Acme", source="pasted", body="SQL, Python.",
                                   reading={"requirements": ["SQL", "Python"]}, now=NOW)
        assert (await store.jobs.get(job.id, 1)).reading == {"requirements": ["SQL", "Python"]}
        assert await store.jobs.get(job.id, 2) is None
        await store.jobs.set_matches(job.id, 1, {0: 7, 1: 0}, NOW)
        await store.jobs.set_matches(job.id, 1, {1: 8}, NOW)
        await store.jobs.set_matches(job.id, 2, {0: 9}, NOW)  # not theirs: nothing written
        assert await store.jobs.matches(job.id, 1) == {0: 7, 1: 8}
        saved = await store.jobs.save_resume(1, source="cv.txt", body="Sam", reading={}, now=NOW)
        again = await store.jobs.save_resume(1, source="cv2.txt", body="Sam 2", reading={},
                                             now=NOW + timedelta(hours=1))
        assert (again.source, again.created_at, again.updated_at) == ("cv2.txt", saved.created_at,
                                                                       NOW + timedelta(hours=1))
        assert await store.jobs.count(1) == 1
        assert await store.jobs.delete(job.id, 1) and await store.jobs.matches(job.id, 1) == {}
        assert await store.jobs.delete_resume(1)


async def test_the_postgresql_schema_has_every_sqlite_table_and_column(tmp_path: Path, postgres_cluster) -> None:
    """A new SQLite migration needs its twin in bot/store/migrations_pg: same tables, same
    columns (the repositories are shared), integers 64-bit, REAL as double precision. On a
    database of its own: the shared test database may hold other tests' scratch tables."""
    postgres_url = postgres_cluster.create_database("schema_parity")
    sqlite_columns: dict[str, dict[str, str]] = {}
    async with Store(tmp_path / "db.sqlite3") as store:
        for (table,) in await store.db.fetch_all(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
            sqlite_columns[table] = {r[1]: str(r[2]).upper() for r in await store.db.fetch_all(
                f'PRAGMA table_info("{table}")')}
    async with Store(postgres_url) as store:
        rows = await store.db.fetch_all(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'")
    pg_columns: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        pg_columns.setdefault(table, {})[column] = data_type
    assert set(pg_columns) == set(sqlite_columns)
    expected = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision"}
    for table, columns in sqlite_columns.items():
        assert set(pg_columns[table]) == set(columns), table
        for column, kind in columns.items():
            assert pg_columns[table][column] == expected[kind], (table, column)
