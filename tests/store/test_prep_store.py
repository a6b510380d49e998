"""The journal store's checklist and story additions, against a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.checklists import checklist_key
from bot.store import Store

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
WHEN = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


async def test_a_checklist_is_saved_once_per_user_stage_and_company(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        for user in (1, 2):
            await store.users.ensure(user, NOW)
        key = checklist_key("final", "Acme")
        first = await store.checklists.save(1, key, stage="final", company="Acme",
                                            role="Analyst", interview_at=WHEN, now=NOW)
        # Run again without role or time: both are kept; the company's spelling is updated.
        again = await store.checklists.save(1, key, stage="final", company="ACME", role=None,
                                            interview_at=None, now=NOW + timedelta(hours=1))
        assert again.id == first.id
        assert (again.company, again.role, again.interview_at) == ("ACME", "Analyst", WHEN)
        cleared = await store.checklists.save(1, key, stage="final", company="Acme", role="",
                                              interview_at=None, now=NOW)
        assert cleared.role == "" and cleared.interview_at == WHEN
        assert await store.checklists.get(first.id, 1) == cleared
        assert await store.checklists.get(first.id, 2) is None  # someone else's: not found
        theirs = await store.checklists.save(2, key, stage="final", company="Acme", role=None,
                                             interview_at=None, now=NOW)
        assert theirs.id != first.id


async def test_ticked_items_are_set_exactly_and_survive_reopening(database_target: Path | str) -> None:
    path = database_target
    async with Store(path) as store:
        await store.users.ensure(1, NOW)
        await store.checklists.set_done_items(1, "final:acme", {"a", "b"}, ["a", "b", "c"], NOW)
        await store.checklists.set_done_items(1, "final:acme", {"b", "c"}, ["a", "b", "c"], NOW)
    async with Store(path) as store:
        assert await store.checklists.done_items(1, "final:acme") == {"b", "c"}
        assert await store.checklists.done_items(1, "second_round:acme") == set()
        assert await store.checklists.done_items(2, "final:acme") == set()


async def test_stories_are_counted_per_user(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        await store.users.ensure(1, NOW)
        assert await store.stories.count(1) == 0
        await store.stories.add(1, now=NOW, title="One", situation="s")
        await store.stories.add(1, now=NOW, title="Two")
        assert await store.stories.count(1) == 2 and await store.stories.count(2) == 0


async def test_journal_pages_are_the_users_own_most_recent_first(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        for user in (1, 2):
            await store.users.ensure(user, NOW)
        for n in range(5):
            await store.journal.add(1, now=NOW, company=f"Company {n}",
                                    interview_at=NOW - timedelta(days=n))
        await store.journal.add(2, now=NOW, company="Someone else's")
        assert await store.journal.count(1) == 5 and await store.journal.count(3) == 0
        first = await store.journal.page(1, offset=0, limit=2)
        last = await store.journal.page(1, offset=4, limit=2)
        assert [e.company for e in first] == ["Company 0", "Company 1"]
        assert [e.company for e in last] == ["Company 4"]
        assert await store.journal.page(1, offset=5, limit=2) == []
        everything = await store.journal.page(1, offset=0, limit=10)
        assert everything == await store.journal.for_user(1)
