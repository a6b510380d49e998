"""The nudge dispatcher's rules with a fake courier (and a fake composer in place of the
follow-up service), a real SQLite store and a manual clock: claim, lateness, fallbacks, retries
with backoff, containment of failures, pacing, and the crash rule. (The sleeping loop itself runs
on simcord's virtual time in tests/integration/test_followup.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import ManualClock
from bot.core.followups import NudgeMessage, Skip
from bot.core.models import Nudge
from bot.services._dispatcher import DeliveryRefused, DeliveryRetry, NudgeDispatcher, Sent
from bot.store import NewNudge, Store

START = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
INTERVIEW = START + timedelta(days=1)
PAYLOAD = {"interview_at": INTERVIEW.isoformat(),
           "interview_end": (INTERVIEW + timedelta(hours=1)).isoformat()}


class FakeCourier:
    """Discord's side, and the service's composing (`compose` is handed to the dispatcher)."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str | None]] = []
        self.fallbacks: list[tuple[int, str]] = []
        self.dm_errors: dict[int, list[Exception]] = {}
        self.compose_errors: dict[int, Exception] = {}
        self.skips: dict[int, Skip] = {}
        self.fallback_result: Sent | None = Sent("channel", 50, 51)
        self.delivered: dict[int, Sent] = {}
        self.find_error: Exception | None = None

    async def compose(self, nudge: Nudge, late: str | None) -> NudgeMessage | Skip:
        if nudge.id in self.compose_errors:
            raise self.compose_errors[nudge.id]
        if nudge.id in self.skips:
            return self.skips[nudge.id]
        return NudgeMessage(f"reminder {nudge.id}", f"summary {nudge.id}", late=late)

    async def send_dm(self, nudge: Nudge, message: NudgeMessage) -> Sent:
        errors = self.dm_errors.get(nudge.id)
        if errors:
            raise errors.pop(0)
        self.sent.append((nudge.id, message.late))
        self.delivered[nudge.id] = Sent("dm", 10, 1000 + nudge.id)
        return self.delivered[nudge.id]

    async def fall_back(self, nudge: Nudge, message: NudgeMessage, reason: str) -> Sent | None:
        self.fallbacks.append((nudge.id, reason))
        return self.fallback_result

    async def find_sent(self, nudge: Nudge) -> Sent | None:
        if self.find_error is not None:
            raise self.find_error
        return self.delivered.get(nudge.id)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        await opened.users.ensure(1, START)
        yield opened


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def courier() -> FakeCourier:
    return FakeCourier()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def dispatcher(store: Store, clock: ManualClock, courier: FakeCourier,
               sleeps: list[float]) -> NudgeDispatcher:
    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    return NudgeDispatcher(store, clock, courier, compose=courier.compose, sleep=fake_sleep)


async def add(store: Store, kind: str, due: datetime, key: str,
              payload: dict[str, Any] | None = None) -> Nudge:
    await store.nudges.add(user_id=1, plan_id=None, nudge=NewNudge(kind, due, key,
                                                                     payload or PAYLOAD), now=START)
    found = [n for n in await store.nudges.pending_for_user(1) if n.dedupe_key == key]
    return found[0]


async def status(store: Store, nudge: Nudge) -> tuple[str, str | None]:
    row = await store.nudges.get(nudge.id)
    assert row is not None
    return row.status, row.last_error


async def test_on_time_nudge_is_claimed_sent_and_marked(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    assert await dispatcher.run_due() is False
    assert courier.sent == [(nudge.id, None)]
    row = await store.nudges.get(nudge.id)
    assert row is not None and (row.status, row.attempts, row.sent_at) == ("sent", 1, START)
    delivery = await store.nudges.delivery(nudge.id)
    assert delivery is not None and (delivery.delivered_via, delivery.message_id, delivery.late) == (
        "dm", 1000 + nudge.id, False)
    await dispatcher.run_due()
    assert len(courier.sent) == 1  # never twice


async def test_not_yet_due_nudges_wait(store, clock, courier, dispatcher) -> None:
    await add(store, "thank_you", START + timedelta(minutes=1), "a")
    await dispatcher.run_due()
    assert courier.sent == []


async def test_late_but_useful_gets_the_late_line(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "day_before", START - timedelta(hours=3), "a")
    await dispatcher.run_due()
    [(sent_id, late)] = courier.sent
    assert sent_id == nudge.id and late is not None and "late" in late
    assert (await store.nudges.delivery(nudge.id)).late  # type: ignore[union-attr]


async def test_past_its_use_is_dropped_with_the_reason(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "day_before", START - timedelta(days=2), "a")
    clock.set(INTERVIEW + timedelta(minutes=5))  # the interview has started
    await dispatcher.run_due()
    assert courier.sent == []
    state, reason = await status(store, nudge)
    assert state == "dropped" and reason is not None and "interview had already started" in reason


async def test_a_skip_from_composing_is_recorded(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "check_in", START, "a")
    courier.skips[nudge.id] = Skip("an outcome was recorded", "cancelled")
    await dispatcher.run_due()
    assert await status(store, nudge) == ("cancelled", "an outcome was recorded")


async def test_dms_closed_falls_back_once_and_is_final(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRefused("403/50007")]
    await dispatcher.run_due()
    assert courier.fallbacks == [(nudge.id, "403/50007")]
    state, note = await status(store, nudge)
    assert state == "sent" and note is not None and "DMs closed (403/50007)" in note
    delivery = await store.nudges.delivery(nudge.id)
    assert delivery is not None and (delivery.delivered_via, delivery.channel_id) == ("channel", 50)
    clock.advance(3600)
    await dispatcher.run_due()
    assert len(courier.fallbacks) == 1 and courier.sent == []


async def test_dms_closed_without_a_channel_leaves_a_notice(store, clock, courier,
                                                            dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRefused("403/50007")]
    courier.fallback_result = Sent("notice")
    await dispatcher.run_due()
    state, error = await status(store, nudge)
    assert state == "failed" and error is not None and "next command" in error
    assert (await store.nudges.delivery(nudge.id)).delivered_via == "notice"  # type: ignore[union-attr]


async def test_server_errors_are_retried_with_backoff_then_sent(store, clock, courier,
                                                                dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRetry("500: boom"), DeliveryRetry("502: boom")]
    await dispatcher.run_due()
    row = await store.nudges.get(nudge.id)
    assert row is not None and row.status == "pending"
    assert row.due_at == clock.now() - timedelta(seconds=dispatcher.send_interval) + timedelta(
        seconds=30)
    assert row.last_error == "attempt 1: 500: boom"
    clock.set(row.due_at)
    await dispatcher.run_due()
    row = await store.nudges.get(nudge.id)
    assert row is not None and row.due_at - clock.now() > timedelta(seconds=59)  # 60 s next
    clock.set(row.due_at)
    await dispatcher.run_due()
    assert courier.sent == [(nudge.id, None)]
    row = await store.nudges.get(nudge.id)
    assert row is not None and (row.status, row.attempts) == ("sent", 3)


async def test_rate_limit_waits_at_least_retry_after(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRetry("429", retry_after=120)]
    await dispatcher.run_due()
    row = await store.nudges.get(nudge.id)
    assert row is not None and row.due_at >= START + timedelta(seconds=120)


async def test_retries_give_up_after_the_limit(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "check_in", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRetry(f"503 #{i}") for i in range(10)]
    for _ in range(dispatcher.max_attempts):
        row = await store.nudges.get(nudge.id)
        assert row is not None
        clock.set(max(clock.now(), row.due_at))
        await dispatcher.run_due()
    state, error = await status(store, nudge)
    assert state == "failed" and error == f"gave up after {dispatcher.max_attempts} attempts: 503 #3"
    assert courier.sent == []


async def test_one_failing_nudge_never_stops_the_others(store, clock, courier, dispatcher) -> None:
    first = await add(store, "thank_you", START - timedelta(seconds=2), "a")
    broken = await add(store, "thank_you", START - timedelta(seconds=1), "b")
    last = await add(store, "thank_you", START, "c")
    courier.compose_errors[broken.id] = RuntimeError("template exploded")
    await dispatcher.run_due()
    assert [i for i, _ in courier.sent] == [first.id, last.id]
    state, error = await status(store, broken)
    assert state == "failed" and error is not None and "template exploded" in error


async def test_a_nudge_taken_by_someone_else_is_not_sent(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    [due] = await store.nudges.due(START)
    assert await store.nudges.claim(nudge.id, START)  # another process got it first
    assert await dispatcher.dispatch(due) is False
    assert courier.sent == []


async def test_sends_are_paced(store, clock, courier, dispatcher, sleeps) -> None:
    for i in range(5):
        await add(store, "thank_you", START, f"k{i}")
    dropped = await add(store, "check_in", START - timedelta(days=10), "old")
    await dispatcher.run_due()
    assert len(courier.sent) == 5
    assert sleeps == [dispatcher.send_interval] * 5  # none for the dropped one
    assert dispatcher.send_interval <= 0.2  # at most 5 a second: a tenth of Discord's limit
    assert (await status(store, dropped))[0] == "dropped"


async def test_a_full_batch_asks_for_another_pass(store, clock, courier, dispatcher) -> None:
    dispatcher.batch = 3
    for i in range(4):
        await add(store, "thank_you", START, f"k{i}")
    assert await dispatcher.run_due() is True
    assert await dispatcher.run_due() is False
    assert len(courier.sent) == 4


# --------------------------------------------------------------------------- the crash rule

async def stuck(store: Store, key: str, due: datetime = START) -> Nudge:
    nudge = await add(store, "thank_you", due, key)
    assert await store.nudges.claim(nudge.id, due)  # the process died after this
    return nudge


async def test_crash_rule_delivered_before_the_crash_is_marked_sent(store, clock, courier,
                                                                    dispatcher) -> None:
    nudge = await stuck(store, "a")
    courier.delivered[nudge.id] = Sent("dm", 10, 777)
    assert await dispatcher.recover_interrupted() == [(nudge.id, "sent")]
    state, note = await status(store, nudge)
    assert state == "sent" and note is not None and "not resent" in note
    await dispatcher.run_due()
    assert courier.sent == []


async def test_crash_rule_never_delivered_is_sent_once(store, clock, courier, dispatcher) -> None:
    nudge = await stuck(store, "a")
    assert await dispatcher.recover_interrupted() == [(nudge.id, "pending")]
    await dispatcher.run_due()
    await dispatcher.run_due()
    assert courier.sent == [(nudge.id, None)]
    row = await store.nudges.get(nudge.id)
    assert row is not None and (row.status, row.attempts) == ("sent", 2)


async def test_crash_rule_unverifiable_is_failed_not_resent(store, clock, courier,
                                                            dispatcher) -> None:
    nudge = await stuck(store, "a")
    courier.find_error = RuntimeError("Discord unreachable")
    assert await dispatcher.recover_interrupted() == [(nudge.id, "failed")]
    state, error = await status(store, nudge)
    assert state == "failed" and error is not None and "could not be verified" in error
    await dispatcher.run_due()
    assert courier.sent == []


# --------------------------------------------------------------------------- the sleeping loop

async def test_waiting_checks_the_clock_every_few_minutes(store, clock, courier) -> None:
    """A host that was suspended makes a sleep last far longer than asked. The dispatcher never
    sleeps more than `recheck_seconds` at a time, so such a nudge is late by one sleep at most,
    not by the whole hour it was waiting for."""
    naps: list[float] = []

    async def suspended_sleep(seconds: float) -> None:
        naps.append(seconds)
        clock.advance(seconds * 20)  # each sleep "takes" twenty times as long

    dispatcher = NudgeDispatcher(store, clock, courier, compose=courier.compose,
                                 sleep=suspended_sleep)
    dispatcher.next_due = START + timedelta(hours=1)
    await dispatcher._wait_for_work()
    assert naps == [dispatcher.recheck_seconds] == [300]
    assert clock.now() - dispatcher.next_due == timedelta(seconds=300 * 20 - 3600)


async def test_wake_cuts_the_sleep_short_and_stop_still_stops(store, clock, courier) -> None:
    dispatcher = NudgeDispatcher(store, clock, courier, compose=courier.compose,
                                 recheck_seconds=3600)
    dispatcher.next_due = START + timedelta(days=1)

    async def napper() -> int:
        await dispatcher._nap(3600)
        task = asyncio.current_task()
        assert task is not None
        return task.cancelling()

    task = dispatcher._task = asyncio.ensure_future(napper())
    await asyncio.sleep(0)  # now sleeping
    dispatcher.wake(START + timedelta(days=2))  # later than what it waits for: ignored
    assert not dispatcher._changed.is_set() and not task.done()
    dispatcher.wake(START + timedelta(minutes=1))
    assert await asyncio.wait_for(task, 5) == 0  # returned early, no cancellation left over

    dispatcher._changed.clear()
    task = dispatcher._task = asyncio.ensure_future(napper())
    await asyncio.sleep(0)
    await asyncio.wait_for(dispatcher.stop(), 5)
    assert task.cancelled()  # a stop is never mistaken for a wake
