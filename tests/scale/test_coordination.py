"""What several processes on one PostgreSQL coordinate with, each store standing for a process:
the lead (an advisory lock on its own connection) held by one at a time and taken over when
its connection dies, `exclusive()` work, and NOTIFY from the nudges table to the leader."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import NewNudge, Store
from bot.store.database import SoloLeadership

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture
async def url(postgres_url: str) -> str:
    from conftest import empty_postgres

    await empty_postgres(postgres_url)
    return postgres_url


async def until(check, rounds: int = 500) -> None:
    """Let the loop run (database round trips) until `check()` holds; fail after `rounds`."""
    for _ in range(rounds):
        if await check():
            return
        await asyncio.sleep(0.01)
    pytest.fail("the condition never held")


async def test_one_process_leads_and_another_takes_over_when_its_connection_dies(url: str) -> None:
    async with Store(url) as one, Store(url) as two:
        first, second = one.leadership("nudge dispatcher"), two.leadership("nudge dispatcher")
        lost: list[str] = []
        try:
            assert await first.try_acquire() and first.held
            first.on_lost(lambda: lost.append("first"))
            assert not await second.try_acquire() and not second.held
            assert await first.try_acquire()  # holding it already
            # The leader's connection dies (its machine is gone, an admin killed it...).
            await one.db.write("SELECT pg_terminate_backend(?)", (first._conn.get_server_pid(),))

            async def noticed() -> bool:
                return first.lost

            await until(noticed)
            assert lost == ["first"] and not first.held
            await until(second.try_acquire)  # at one of its next tries (the server frees the lock as the
            assert second.held  # terminated backend exits)
        finally:
            await first.release()
            await second.release()


async def test_a_released_lead_is_free_at_once(url: str) -> None:
    async with Store(url) as one, Store(url) as two:
        first, second = one.leadership("x"), two.leadership("x")
        assert await first.try_acquire()
        await first.release()
        assert await second.try_acquire()
        await second.release()


async def test_exclusive_work_waits_for_the_other_process(url: str) -> None:
    async with Store(url) as one, Store(url) as two:
        order: list[str] = []
        async with one.exclusive("start-up repairs"):
            order.append("one in")
            task = asyncio.create_task(_exclusive(two, order))

            async def waiting() -> bool:
                return bool(await one.db.fetch_value(
                    "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))

            await until(waiting)
            assert order == ["one in"]
            order.append("one out")
        await task
        assert order == ["one in", "one out", "two in"]


async def _exclusive(store: Store, order: list[str]) -> None:
    async with store.exclusive("start-up repairs"):
        order.append("two in")


async def test_a_nudge_made_waiting_in_one_process_notifies_the_leader(url: str) -> None:
    async with Store(url) as leader_store, Store(url) as other:
        lead = leader_store.leadership("nudge dispatcher")
        heard: list[str] = []
        try:
            assert await lead.try_acquire()
            await lead.listen("nudge_due", heard.append)
            await other.users.ensure(1, NOW)
            await other.nudges.create_plan(user_id=1, kind="interview", dedupe_key="p", now=NOW, nudges=[
                NewNudge("check_in", NOW + timedelta(hours=3), "p:c", {}),
                NewNudge("thank_you", NOW + timedelta(hours=1), "p:t", {})])

            async def notified() -> bool:
                return len(heard) >= 2  # one per INSERT, at the commit

            await until(notified)
            assert sorted(heard) == ["2026-11-21T13:00:00.000000+00:00", "2026-11-21T15:00:00.000000+00:00"]
            made = len(heard)
            [nudge, _] = await other.nudges.for_plan(1)
            assert await other.nudges.snooze(nudge.id, 1, NOW + timedelta(minutes=5), NOW)

            async def snoozed() -> bool:
                return len(heard) == made + 1

            await until(snoozed)
            assert heard[-1] == "2026-11-21T12:05:00.000000+00:00"
            assert await other.nudges.claim(nudge.id, NOW)  # not waiting any more: no NOTIFY
            await other.nudges.mark_sent(nudge.id, NOW, via="dm", channel_id=1, message_id=2)
            # A marker NOTIFY committed after the claim and the mark: notifications arrive in commit
            # order, so once the marker is heard, any NOTIFY the claim or mark had sent is heard too.
            await other.db.write("SELECT pg_notify('nudge_due', 'marker')")

            async def marker() -> bool:
                return "marker" in heard

            await until(marker)
            assert heard[made + 1:] == ["marker"]
        finally:
            await lead.release()


async def test_sqlite_always_leads(tmp_path) -> None:
    async with Store(tmp_path / "db.sqlite3") as store:
        lead = store.leadership("nudge dispatcher")
        assert isinstance(lead, SoloLeadership) and await lead.try_acquire() and lead.held
        async with store.exclusive("x"):
            pass
