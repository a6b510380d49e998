"""The nudge dispatcher's rules with a fake courier (and a fake composer in place of the
follow-up service), a real SQLite store and a manual clock: claim, lateness, fallbacks, retries
with backoff, containment of failures, the REST budget, sends in flight side by side, and the
crash rule. (The sleeping loop itself runs on simcord's virtual time in
tests/integration/test_followup.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.clock import ManualClock
from bot.core.followups import NudgeMessage, Skip
from bot.core.models import Nudge
from bot.services._dispatcher import (
    DISCORD_GLOBAL_LIMIT,
    IN_FLIGHT,
    REST_BURST,
    REST_RATE,
    DeliveryRefused,
    DeliveryRetry,
    NudgeDispatcher,
    RestBudget,
    Sent,
)
from bot.store import NewNudge, Store

START = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
INTERVIEW = START + timedelta(days=1)
PAYLOAD = {"interview_at": INTERVIEW.isoformat(),
           "interview_end": (INTERVIEW + timedelta(hours=1)).isoformat()}


class FakeCourier:
    """Discord's side, and the service's composing (`compose` is handed to the dispatcher). It
    takes a token for every call a real courier would make: opening the DM when its channel
    is not known, then the send; one per history read or ping."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str | None]] = []
        self.pings: list[tuple[int, int]] = []
        self.dm_errors: dict[int, list[Exception]] = {}
        self.compose_errors: dict[int, Exception] = {}
        self.skips: dict[int, Skip] = {}
        self.fallback_channel: int | None = 50
        self.ping_result: Sent | None = Sent("channel", 50, 51)
        self.delivered: dict[int, Sent] = {}
        self.pinged: dict[int, Sent] = {}  # user id -> a ping found in the channel
        self.find_error: Exception | None = None
        self.known_channels: list[int | None] = []  # the DM channel each send was given
        self.hold: dict[int, asyncio.Event] = {}  # user id -> their send waits for this
        self.started: list[int] = []  # nudge ids, as their sends began
        self.changed = asyncio.Event()  # a send began or ended

    async def compose(self, nudge: Nudge, late: str | None) -> NudgeMessage | Skip:
        if nudge.id in self.compose_errors:
            raise self.compose_errors[nudge.id]
        if nudge.id in self.skips:
            return self.skips[nudge.id]
        return NudgeMessage(f"reminder {nudge.id}", f"summary {nudge.id}", late=late,
                            fallback_channel_id=self.fallback_channel)

    async def send_dm(self, nudge: Nudge, message: NudgeMessage, *, dm_channel_id: int | None,
                      budget: RestBudget) -> Sent:
        self.started.append(nudge.id)
        self.changed.set()
        self.known_channels.append(dm_channel_id)
        if dm_channel_id is None:
            await budget.take()  # opening the DM channel
        await budget.take()
        if nudge.user_id in self.hold:
            await self.hold[nudge.user_id].wait()
        errors = self.dm_errors.get(nudge.id)
        if errors:
            raise errors.pop(0)
        self.sent.append((nudge.id, message.late))
        self.changed.set()
        self.delivered[nudge.id] = Sent("dm", 10 + nudge.user_id, 1000 + nudge.id)
        return self.delivered[nudge.id]

    async def ping(self, nudge: Nudge, channel_id: int, *, budget: RestBudget) -> Sent | None:
        await budget.take()
        self.pings.append((nudge.id, channel_id))
        if self.ping_result is not None:
            self.pinged[nudge.user_id] = self.ping_result
        return self.ping_result

    async def find_sent(self, nudge: Nudge, *, dm_channel_id: int | None,
                        budget: RestBudget) -> Sent | None:
        await budget.take()
        if self.find_error is not None:
            raise self.find_error
        return self.delivered.get(nudge.id)

    async def find_ping(self, nudge: Nudge, channel_id: int, since: datetime, *,
                        budget: RestBudget) -> Sent | None:
        await budget.take()
        if self.find_error is not None:
            raise self.find_error
        return self.pinged.get(nudge.user_id)


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
              payload: dict[str, Any] | None = None, user_id: int = 1) -> Nudge:
    await store.users.ensure(user_id, START)
    await store.nudges.add(user_id=user_id, plan_id=None, now=START,
                           nudge=NewNudge(kind, due, key, payload or PAYLOAD))
    found = [n for n in await store.nudges.pending_for_user(user_id) if n.dedupe_key == key]
    return found[0]


async def until(courier: FakeCourier, condition: Any) -> None:
    """Let the other tasks run until `condition()` holds, looking again whenever the courier
    starts or finishes a send (no clock moves; the timeout only stops a broken test)."""
    while not condition():
        courier.changed.clear()
        await asyncio.wait_for(courier.changed.wait(), 10)


async def status(store: Store, nudge: Nudge) -> tuple[str, str | None]:
    row = await store.nudges.get(nudge.id)
    assert row is not None
    return row.status, row.last_error


async def test_on_time_nudge_is_claimed_sent_and_marked(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    assert await dispatcher.run_due() == 1
    assert courier.sent == [(nudge.id, None)]
    row = await store.nudges.get(nudge.id)
    assert row is not None and (row.status, row.attempts, row.sent_at) == ("sent", 1, START)
    delivery = await store.nudges.delivery(nudge.id)
    assert delivery is not None and (delivery.delivered_via, delivery.message_id, delivery.late) == (
        "dm", 1000 + nudge.id, False)
    assert await dispatcher.run_due() == 0
    assert len(courier.sent) == 1  # never twice


async def test_the_users_dm_channel_is_stored_so_later_dms_cost_one_call(
        store, clock, courier, dispatcher) -> None:
    first = await add(store, "thank_you", START, "a")
    assert await store.users.dm_channel(1) is None
    await dispatcher.run_due()
    assert courier.known_channels == [None] and dispatcher.budget.calls == 2  # opened, sent
    assert await store.users.dm_channel(1) == 11  # where the first DM went
    assert (await store.nudges.delivery(first.id)).channel_id == 11  # type: ignore[union-attr]
    await add(store, "check_in", START, "b")
    await dispatcher.run_due()
    assert courier.known_channels == [None, 11] and dispatcher.budget.calls == 3  # sent only


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


async def notice(store: Store, user_id: int = 1) -> str | None:
    user = await store.users.get(user_id)
    assert user is not None
    return user.pending_notice


async def test_dms_closed_falls_back_once_and_is_final(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRefused("403/50007")]
    await dispatcher.run_due()
    assert courier.pings == [(nudge.id, 50)]
    assert await notice(store) == f"summary {nudge.id}"
    state, note = await status(store, nudge)
    assert state == "sent" and note is not None and "DMs closed (403/50007)" in note
    delivery = await store.nudges.delivery(nudge.id)
    assert delivery is not None and (delivery.delivered_via, delivery.channel_id) == ("channel", 50)
    assert delivery.fallback_at == START
    clock.advance(3600)
    await dispatcher.run_due()
    assert len(courier.pings) == 1 and courier.sent == []
    assert await notice(store) == f"summary {nudge.id}"


async def test_dms_closed_without_a_channel_leaves_a_notice(store, clock, courier,
                                                            dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRefused("403/50007")]
    courier.fallback_channel = None
    await dispatcher.run_due()
    state, error = await status(store, nudge)
    assert state == "failed" and error is not None and "next command" in error
    assert (await store.nudges.delivery(nudge.id)).delivered_via == "notice"  # type: ignore[union-attr]
    assert courier.pings == [] and await notice(store) == f"summary {nudge.id}"


async def test_a_failed_ping_still_leaves_the_notice(store, clock, courier, dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRefused("403/50007")]
    courier.ping_result = None
    await dispatcher.run_due()
    state, error = await status(store, nudge)
    assert state == "failed" and error is not None and "ping in the plan's channel failed" in error
    assert (await store.nudges.delivery(nudge.id)).delivered_via == "notice"  # type: ignore[union-attr]
    assert await notice(store) == f"summary {nudge.id}"


async def test_server_errors_are_retried_with_backoff_then_sent(store, clock, courier,
                                                                dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRetry("500: boom"), DeliveryRetry("502: boom")]
    await dispatcher.run_due()
    row = await store.nudges.get(nudge.id)
    assert row is not None and row.status == "pending"
    assert row.due_at == START + timedelta(seconds=30)
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
    assert row is not None and row.due_at == START + timedelta(seconds=120)
    assert dispatcher.budget.reserve(0) == 0  # one channel's limit: the others go on


async def test_a_global_rate_limit_holds_every_call_until_it_has_passed(store, clock, courier,
                                                                        dispatcher) -> None:
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRetry("429", retry_after=5, everyone=True)]
    await dispatcher.run_due()
    assert dispatcher.budget.reserve(1) >= 5


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


async def test_every_rest_call_is_paced_by_the_budget(store, clock, courier, dispatcher,
                                                      sleeps) -> None:
    for user in range(1, 11):  # ten users, DM channels not known yet: two calls each
        await add(store, "thank_you", START, f"k{user}", user_id=user)
    dropped = await add(store, "check_in", START - timedelta(days=10), "old")
    assert await dispatcher.run_due() == 11
    assert len(courier.sent) == 10 and dispatcher.budget.calls == 20  # none for the dropped one
    assert (await status(store, dropped))[0] == "dropped"
    # The first REST_BURST calls go at once, the other 16 wait for their tokens: the (fake)
    # sleeps move the clock on by what those 16 need at REST_RATE, and no more.
    assert len(sleeps) == 20 - REST_BURST
    assert (clock.now() - START).total_seconds() == pytest.approx((20 - REST_BURST) / REST_RATE)
    assert REST_RATE + REST_BURST <= DISCORD_GLOBAL_LIMIT


async def test_a_batch_is_refilled_until_nothing_due_is_left(store, clock, courier,
                                                            dispatcher) -> None:
    dispatcher.batch = 3
    for i in range(4):
        await add(store, "thank_you", START, f"k{i}", user_id=i + 1)
    assert await dispatcher.run_due() == 4
    assert await dispatcher.run_due() == 0
    assert len(courier.sent) == 4


async def test_one_slow_recipient_does_not_hold_the_others(store, clock, courier,
                                                           dispatcher) -> None:
    """discord.py waits out a 429 on one DM channel inside the send (about 20 s over its five
    tries): that send holds one of the places in flight, and everyone else's go on."""
    dispatcher.in_flight = 2
    slow = await add(store, "thank_you", START, "slow", user_id=1)
    others = [await add(store, "thank_you", START + timedelta(seconds=1), f"k{u}", user_id=u)
              for u in range(2, 7)]
    courier.hold[1] = asyncio.Event()
    clock.advance(1)
    run = asyncio.ensure_future(dispatcher.run_due())
    try:
        await until(courier, lambda: len(courier.sent) == len(others))
        assert not run.done()
        assert [i for i, _ in courier.sent] == [n.id for n in others]
        assert (await status(store, slow))[0] == "sending"
    finally:
        courier.hold[1].set()  # on failure too: nothing is left hanging
    assert await asyncio.wait_for(run, 5) == 6
    assert courier.sent[-1][0] == slow.id


async def test_one_users_nudges_go_one_at_a_time_in_order(store, clock, courier,
                                                          dispatcher) -> None:
    mine = [await add(store, "thank_you", START - timedelta(seconds=3 - i), f"m{i}")
            for i in range(3)]
    theirs = await add(store, "thank_you", START, "theirs", user_id=2)
    courier.hold[1] = asyncio.Event()
    run = asyncio.ensure_future(dispatcher.run_due())
    try:
        await until(courier, lambda: bool(courier.sent))
        assert courier.sent == [(theirs.id, None)] and courier.started[0] == mine[0].id
        assert [(await status(store, n))[0] for n in mine] == ["sending", "pending", "pending"]
    finally:
        courier.hold[1].set()
    await asyncio.wait_for(run, 5)
    assert [i for i, _ in courier.sent] == [theirs.id, *(n.id for n in mine)]


async def test_no_more_than_in_flight_at_once_and_stop_leaves_them_to_the_crash_rule(
        store, clock, courier, dispatcher) -> None:
    for user in range(1, IN_FLIGHT + 5):
        await add(store, "thank_you", START, f"k{user}", user_id=user)
        courier.hold[user] = asyncio.Event()
    dispatcher.start()
    try:
        await until(courier, lambda: len(courier.started) == dispatcher.in_flight)
        for _ in range(50):
            await asyncio.sleep(0)
        assert len(courier.started) == dispatcher.in_flight == IN_FLIGHT
    finally:
        await asyncio.wait_for(dispatcher.stop(), 5)
    rows = await store.nudges.stuck_sending()
    assert len(rows) == IN_FLIGHT and courier.sent == []


# --------------------------------------------------------------------------- the REST budget

def test_the_budget_allows_a_burst_then_its_rate() -> None:
    clock = ManualClock(START)
    budget = RestBudget(clock, rate=46, burst=4)
    assert [budget.reserve() for _ in range(4)] == [0, 0, 0, 0]
    assert budget.reserve() == pytest.approx(1 / 46)
    assert budget.reserve(2) == pytest.approx(3 / 46)  # queued behind the one before
    clock.advance(10)  # idle: refilled up to the burst, no more
    assert [budget.reserve() for _ in range(4)] == [0, 0, 0, 0]
    assert budget.reserve() > 0
    assert budget.calls == 12


def test_a_clock_stepping_back_refills_nothing() -> None:
    clock = ManualClock(START)
    budget = RestBudget(clock, rate=10, burst=1)
    assert budget.reserve() == 0
    clock.set(START - timedelta(hours=1))
    assert budget.reserve() == pytest.approx(0.1)


@settings(max_examples=200, deadline=None)
@given(arrivals=st.lists(st.tuples(st.floats(0, 3), st.integers(1, 3)), min_size=1,
                         max_size=120))
def test_the_budget_never_lets_more_than_the_global_limit_through_in_any_second(
        arrivals: list[tuple[float, int]]) -> None:
    """However calls arrive, the moments they are made (arrival plus the wait the budget asks
    for) never put more than REST_BURST + REST_RATE in one second, and no call waits longer
    than the calls before it need."""
    clock = ManualClock(START)
    budget = RestBudget(clock)
    made: list[float] = []
    for offset, calls in sorted(arrivals):
        clock.set(START + timedelta(seconds=offset))
        wait = budget.reserve(calls)
        made.extend([offset + wait] * calls)
    made.sort()
    limit = REST_BURST + REST_RATE
    for i, at in enumerate(made):
        window = [t for t in made[i:] if t < at + 1 - 1e-9]
        assert len(window) <= limit + 1e-9
    first = min(offset for offset, _ in arrivals)
    assert made[-1] <= max(o for o, _ in arrivals) + max(0, (len(made) - REST_BURST)) / REST_RATE
    assert made[0] == first


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


async def test_crash_rule_looks_in_the_dms_where_the_users_channel_is_known(
        store, clock, courier, dispatcher) -> None:
    await store.users.remember_dm_channel(1, 11)
    await stuck(store, "a")
    await dispatcher.recover_interrupted()
    assert dispatcher.budget.calls == 1  # one read of the DM channel's history


# --------------------------------------------------------------------------- ... after a refusal

async def stuck_in_fallback(store: Store, key: str, channel_id: int | None = 50) -> Nudge:
    """A nudge whose DM was refused; the process died once the fallback had begun."""
    nudge = await stuck(store, key)
    assert await store.nudges.begin_fallback(nudge.id, 1, START, notice=f"summary {nudge.id}",
                                             channel_id=channel_id, reason="DMs closed (403)")
    return nudge


async def test_crash_during_the_fallback_before_the_ping_pings_once_keeps_one_notice(
        store, clock, courier, dispatcher) -> None:
    nudge = await stuck_in_fallback(store, "a")
    clock.advance(60)
    assert await dispatcher.recover_interrupted() == [(nudge.id, "sent")]
    assert courier.pings == [(nudge.id, 50)] and courier.sent == []
    assert await notice(store) == f"summary {nudge.id}"
    delivery = await store.nudges.delivery(nudge.id)
    assert delivery is not None and (delivery.delivered_via, delivery.channel_id) == ("channel", 50)
    await dispatcher.run_due()
    assert len(courier.pings) == 1 and courier.sent == []


async def test_crash_after_the_ping_is_found_in_the_channel_and_not_repeated(
        store, clock, courier, dispatcher) -> None:
    nudge = await stuck_in_fallback(store, "a")
    courier.pinged[1] = Sent("channel", 50, 777)
    assert await dispatcher.recover_interrupted() == [(nudge.id, "sent")]
    assert courier.pings == [] and courier.sent == []
    state, note = await status(store, nudge)
    assert state == "sent" and note is not None and "ping was found after restart" in note
    assert (await store.nudges.delivery(nudge.id)).message_id == 777  # type: ignore[union-attr]
    assert await notice(store) == f"summary {nudge.id}"


async def test_crash_during_the_fallback_unverifiable_keeps_the_notice_only(
        store, clock, courier, dispatcher) -> None:
    nudge = await stuck_in_fallback(store, "a")
    courier.find_error = RuntimeError("Discord unreachable")
    assert await dispatcher.recover_interrupted() == [(nudge.id, "failed")]
    state, error = await status(store, nudge)
    assert state == "failed" and error is not None and "could not be verified" in error
    assert courier.pings == [] and await notice(store) == f"summary {nudge.id}"


async def test_crash_during_a_notice_only_fallback_is_not_repeated(store, clock, courier,
                                                                   dispatcher) -> None:
    nudge = await stuck_in_fallback(store, "a", channel_id=None)
    assert await dispatcher.recover_interrupted() == [(nudge.id, "failed")]
    assert (await store.nudges.delivery(nudge.id)).delivered_via == "notice"  # type: ignore[union-attr]
    assert courier.pings == [] and courier.sent == []
    assert await notice(store) == f"summary {nudge.id}"


async def test_the_fallback_is_begun_once_per_nudge(store) -> None:
    nudge = await stuck_in_fallback(store, "a")
    assert not await store.nudges.begin_fallback(nudge.id, 1, START, notice="again",
                                                 channel_id=50, reason="DMs closed")
    assert await notice(store) == f"summary {nudge.id}"


async def test_a_process_stopped_mid_ping_leaves_one_ping_and_one_notice(store, clock,
                                                                          courier) -> None:
    """The whole story: DMs refused, the ping under way when the bot stops, then a new
    dispatcher on the same database."""
    nudge = await add(store, "thank_you", START, "a")
    courier.dm_errors[nudge.id] = [DeliveryRefused("403/50007")] * 2
    entered = asyncio.Event()

    class StoppedMidPing(FakeCourier):
        async def ping(self, nudge: Nudge, channel_id: int, *, budget: RestBudget) -> Sent | None:
            entered.set()
            await asyncio.Event().wait()  # the process dies here
            raise AssertionError("unreachable")

    first = StoppedMidPing()
    first.dm_errors = courier.dm_errors
    dying = NudgeDispatcher(store, clock, first, compose=first.compose)
    dying.start()
    await asyncio.wait_for(entered.wait(), 5)
    await dying.stop()
    assert (await status(store, nudge))[0] == "sending"

    restarted = NudgeDispatcher(store, clock, courier, compose=courier.compose)
    assert await restarted.recover_interrupted() == [(nudge.id, "sent")]
    await restarted.run_due()
    assert courier.pings == [(nudge.id, 50)] and courier.sent == []
    assert await notice(store) == f"summary {nudge.id}"
    assert courier.dm_errors[nudge.id]  # the DM was not tried again


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


class TriggerLeadership:
    """A lead the test can take away, as a dropped lock connection would."""

    def __init__(self) -> None:
        self.callbacks: list[Any] = []
        self.lost = False
        self.tries = 0

    @property
    def held(self) -> bool:
        return not self.lost

    async def try_acquire(self) -> bool:
        self.tries += 1
        return self.tries == 1  # leads once; after losing it, someone else leads

    async def listen(self, channel: str, callback: Any) -> None:
        pass

    def on_lost(self, callback: Any) -> None:
        self.callbacks.append(callback)

    def lose(self) -> None:
        self.lost = True
        for callback in self.callbacks:
            callback()

    async def release(self) -> None:
        pass


async def test_losing_the_lead_cancels_the_sends_under_way_at_once(store, clock, courier, monkeypatch) -> None:
    """Two sends in flight (the limit) and a third due: the loop waits for a send to finish. The
    lead goes: both sends are cancelled then, not when Discord answers, and nothing new starts;
    their rows stay 'sending' for the next leader's crash rule."""
    lead = TriggerLeadership()
    monkeypatch.setattr(store, "leadership", lambda name: lead)
    for user in (1, 2, 3):
        await add(store, "thank_you", START, f"k{user}", user_id=user)
        courier.hold[user] = asyncio.Event()  # never answered in this test

    async def no_sleep(seconds: float) -> None:
        await asyncio.Event().wait()  # the election sleep: another process leads now

    dispatcher = NudgeDispatcher(store, clock, courier, compose=courier.compose, in_flight=2, sleep=no_sleep)
    dispatcher.start()
    try:
        await until(courier, lambda: len(courier.started) == 2)
        sends = list(dispatcher._sending.values())
        assert len(sends) == 2
        lead.lose()
        await asyncio.wait_for(asyncio.gather(*sends, return_exceptions=True), 5)
        assert all(send.cancelled() for send in sends)
        for _ in range(20):
            await asyncio.sleep(0)
        assert len(courier.started) == 2 and courier.sent == [] and not dispatcher.leading
        assert len(await store.nudges.stuck_sending()) == 2
    finally:
        await asyncio.wait_for(dispatcher.stop(), 5)
