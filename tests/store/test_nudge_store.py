"""The nudge queue's store methods (migration 0003 columns, re-planning, notices), on a real
SQLite file with the real migrations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import NewNudge, Store

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def nudge(kind: str, hours: float, key: str) -> NewNudge:
    return NewNudge(kind, NOW + timedelta(hours=hours), key, {"k": kind})


async def make_plan(store: Store, key: str = "p1", user_id: int = 1) -> int:
    await store.users.ensure(user_id, NOW)
    plan, _ = await store.nudges.create_plan(
        user_id=user_id, kind="interview", dedupe_key=key, now=NOW, guild_id=5, channel_id=6,
        nudges=[nudge("day_before", 1, f"{key}:a"), nudge("thank_you", 2, f"{key}:b"),
                nudge("check_in", 3, f"{key}:c")])
    return plan.id


async def test_delivery_columns_done_and_snooze(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        plan_id = await make_plan(store)
        first = (await store.nudges.for_plan(plan_id))[0]
        assert await store.nudges.claim(first.id, NOW)
        await store.nudges.mark_sent(first.id, NOW, via="dm", channel_id=9, message_id=10, late=True)
        delivery = await store.nudges.delivery(first.id)
        assert delivery is not None
        assert (delivery.delivered_via, delivery.channel_id, delivery.message_id, delivery.late,
                delivery.done_at) == ("dm", 9, 10, True, None)
        assert not await store.nudges.mark_done(first.id, 2, NOW)  # someone else's
        assert await store.nudges.mark_done(first.id, 1, NOW)
        assert (await store.nudges.delivery(first.id)).done_at == NOW  # type: ignore[union-attr]
        # Snoozing a delivered nudge makes it wait again (and not done any more).
        later = NOW + timedelta(days=1)
        assert await store.nudges.snooze(first.id, 1, later, NOW)
        again = await store.nudges.get(first.id)
        assert again is not None and (again.status, again.due_at) == ("pending", later)
        assert (await store.nudges.delivery(first.id)).done_at is None  # type: ignore[union-attr]


async def test_retry_failure_and_cancel(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        plan_id = await make_plan(store)
        a, b, c = await store.nudges.for_plan(plan_id)
        await store.nudges.claim(a.id, NOW)
        await store.nudges.retry_later(a.id, NOW + timedelta(seconds=30), NOW, error="500")
        got = await store.nudges.get(a.id)
        assert got is not None and (got.status, got.attempts, got.last_error) == ("pending", 1, "500")
        await store.nudges.claim(b.id, NOW)
        await store.nudges.mark_undelivered(b.id, NOW, error="DMs closed", via="notice")
        assert (await store.nudges.get(b.id)).status == "failed"  # type: ignore[union-attr]
        assert (await store.nudges.delivery(b.id)).delivered_via == "notice"  # type: ignore[union-attr]
        assert await store.nudges.cancel_plan(plan_id, 2, NOW) == 0  # not theirs
        assert await store.nudges.cancel_plan(plan_id, 1, NOW) == 2
        statuses = {n.id: n.status for n in await store.nudges.for_plan(plan_id)}
        assert statuses == {a.id: "cancelled", b.id: "failed", c.id: "cancelled"}
        assert (await store.nudges.plan(plan_id, 1)).status == "cancelled"  # type: ignore[union-attr]
        assert await store.nudges.next_due_at() is None


async def test_replace_plan_nudges_moves_waiting_ones_and_never_repeats_sent_ones(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        plan_id = await make_plan(store)
        a, _b, _c = await store.nudges.for_plan(plan_id)
        await store.nudges.claim(a.id, NOW)
        await store.nudges.mark_sent(a.id, NOW, via="dm", channel_id=1, message_id=2)
        # Same keys (a zone change): waiting ones move, the sent one stays sent.
        waiting = await store.nudges.replace_plan_nudges(
            plan_id, 1, [nudge("day_before", 5, "p1:a"), nudge("thank_you", 6, "p1:b"),
                         nudge("check_in", 7, "p1:c")], NOW)
        assert waiting == 2
        rows = {n.dedupe_key: n for n in await store.nudges.for_plan(plan_id)}
        assert rows["p1:a"].status == "sent" and rows["p1:a"].due_at == NOW + timedelta(hours=1)
        assert rows["p1:b"].due_at == NOW + timedelta(hours=6)
        # New keys (the interview moved): old waiting ones cancelled, new ones added.
        waiting = await store.nudges.replace_plan_nudges(
            plan_id, 1, [nudge("day_before", 24, "p1:a2"), nudge("thank_you", 26, "p1:b2")], NOW,
            details={"interview_at": "moved"})
        assert waiting == 2
        rows = {n.dedupe_key: n.status for n in await store.nudges.for_plan(plan_id)}
        assert rows == {"p1:a": "sent", "p1:b": "cancelled", "p1:c": "cancelled",
                        "p1:a2": "pending", "p1:b2": "pending"}
        assert (await store.nudges.plan(plan_id, 1)).details == {"interview_at": "moved"}  # type: ignore[union-attr]
        # Retried with the same new keys: nothing changes.
        assert await store.nudges.replace_plan_nudges(
            plan_id, 1, [nudge("day_before", 24, "p1:a2"), nudge("thank_you", 26, "p1:b2")],
            NOW) == 2


async def test_plans_with_pending_and_finishing(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        first = await make_plan(store, "p1")
        second = await make_plan(store, "p2")
        await store.nudges.cancel_plan_nudges(second, NOW)
        listed = await store.nudges.plans_with_pending(1)
        assert [(p.id, due) for p, due in listed] == [(first, NOW + timedelta(hours=1))]
        assert await store.nudges.finish_plan_if_idle(second)
        assert not await store.nudges.finish_plan_if_idle(first)
        assert await store.nudges.has_interview_plan(1)
        assert not await store.nudges.has_interview_plan(2)
        assert len(await store.nudges.upcoming_for_user(1)) == 3


async def test_pending_notice_lines_accumulate_and_stay_short(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        await store.nudges.append_pending_notice(99, "nobody")  # no user row: nothing happens
        await store.users.ensure(1, NOW)
        await store.nudges.append_pending_notice(1, "first")
        await store.nudges.append_pending_notice(1, "second")
        assert await store.users.take_pending_notice(1) == "first\nsecond"
        assert await store.users.take_pending_notice(1) is None
        for i in range(100):
            await store.nudges.append_pending_notice(1, f"line {i:03d} " + "x" * 40, limit=500)
        notice = await store.users.take_pending_notice(1)
        assert notice is not None and len(notice) <= 500 and notice.endswith("line 099 " + "x" * 40)


async def test_deleting_a_user_removes_their_plans_and_nudges(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        await make_plan(store, "p1", user_id=1)
        await make_plan(store, "p2", user_id=2)
        await store.delete_user(1)
        assert await store.nudges.pending_for_user(1) == []
        assert len(await store.nudges.pending_for_user(2)) == 3
        assert await store.nudges.count_pending() == 3


async def test_every_way_of_adding_a_nudge_respects_its_dedupe_key(database_target: Path | str) -> None:
    async with Store(database_target) as store:
        await store.users.ensure(1, NOW)
        assert await store.nudges.add(user_id=1, plan_id=None, nudge=nudge("check_in", 1, "k:x"),
                                      now=NOW)
        assert not await store.nudges.add(user_id=1, plan_id=None,
                                          nudge=nudge("check_in", 9, "k:x"), now=NOW)
        # A plan whose nudge key is taken keeps the existing nudge as it was.
        plan, created = await store.nudges.create_plan(
            user_id=1, kind="interview", dedupe_key="k", now=NOW,
            nudges=[nudge("check_in", 5, "k:x"), nudge("thank_you", 2, "k:y")])
        assert created
        assert [n.dedupe_key for n in await store.nudges.for_plan(plan.id)] == ["k:y"]
        [lone] = [n for n in await store.nudges.pending_for_user(1) if n.dedupe_key == "k:x"]
        assert (lone.plan_id, lone.due_at) == (None, NOW + timedelta(hours=1))
        # Re-planning moves only the plan's own waiting nudges, never another plan's.
        assert await store.nudges.replace_plan_nudges(
            plan.id, 1, [nudge("thank_you", 3, "k:y"), nudge("check_in", 7, "k:x")], NOW) == 1
        rows = {n.dedupe_key: n for n in await store.nudges.pending_for_user(1)}
        assert rows["k:y"].due_at == NOW + timedelta(hours=3)
        assert (rows["k:x"].plan_id, rows["k:x"].due_at) == (None, NOW + timedelta(hours=1))


async def test_migration_9_starts_users_with_the_dm_channel_their_last_nudge_went_to(
        tmp_path: Path) -> None:
    import shutil

    from bot.store.database import MIGRATIONS_DIR

    before = tmp_path / "before"
    before.mkdir()
    for migration in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if int(migration.name[:4]) < 9:
            shutil.copy(migration, before / migration.name)
    path = tmp_path / "db.sqlite3"
    async with Store(path, migrations_dir=before) as store:
        plan_id = await make_plan(store)
        await store.users.ensure(2, NOW)
        first, second, third = await store.nudges.for_plan(plan_id)
        for nudge, channel, minutes in ((first, 70, 1), (second, 71, 2)):
            assert await store.nudges.claim(nudge.id, NOW)
            await store.nudges.mark_sent(nudge.id, NOW + timedelta(minutes=minutes), via="dm",
                                         channel_id=channel, message_id=1)
        assert await store.nudges.claim(third.id, NOW)
        await store.nudges.mark_sent(third.id, NOW + timedelta(minutes=3), via="channel",
                                     channel_id=99, message_id=2)  # a fallback ping: not a DM
    async with Store(path) as store:
        assert await store.users.dm_channel(1) == 71  # the latest DM
        assert await store.users.dm_channel(2) is None  # never DMed
        delivery = await store.nudges.delivery(first.id)
        assert delivery is not None and delivery.fallback_at is None
