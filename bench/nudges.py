"""Benchmark: the nudge dispatcher with a large queue, and a burst of due nudges against
Discord's REST ceiling, side by side with the old fixed pacing.

    python bench/nudges.py [--pending 100000] [--burst 1000] [--latency 0.1] [--known 0.5]

1. Start-up to ready, and the process's memory, with 0 and with `--pending` nudges waiting in
   the database. Each case runs in a fresh process: the real bot (every extension) starts on
   simcord with that database, and "ready" is the moment the dispatcher has resolved the
   crash rule and read its next due time. It should not depend on the queue's size: start-up
   never loads the queue.

2. A burst of `--burst` nudges for as many users, falling due in one minute, on top of the big
   queue: all at the same instant (everyone's day-before nudge at 18:00 sharp: the backlog
   that shows the REST ceiling), spread evenly over the minute, and at one instant with one
   recipient whose DM channel is rate limited (discord.py waits out five 429s, about 20 s,
   then gives up). Each runs twice in the same process:

   - now: the dispatcher as shipped: sends in flight side by side (16), every REST call paced
     by one token bucket (46/s, 4 at once), the user's stored DM channel used (`--known` of
     the users have one: one call; the others two: the channel is opened, then stored);
   - baseline: the old way: one send at a time, a fixed 0.2 s after each, and the courier
     fetching the user every time and opening the DM channel (three calls per first DM).

   The real dispatcher, store (SQLite file), lateness and skip rules, the follow-up service's
   composition (templates, checklist, earlier rounds), the courier and discord.py's building of
   each message (embed, persistent buttons) run. Only the HTTP transport is a fake: every REST
   call is recorded and answered after `--latency` seconds (a Discord round trip). Time is
   virtual where the code sleeps (latency, pacing, backoff) and real where it works: an event
   loop whose clock jumps to its next timer whenever nothing is ready and no database call is
   under way, so a minute of dispatching takes seconds, and the real cost of each send counts.

   Reported per run: REST calls and calls per DM, the rate they were made at while a backlog
   was waiting (calls from the first to the last) against Discord's 50/s, the most calls in
   any one second, the lag from due time to the DM's REST call (p50/p99/max, for the slow
   recipient's fellows too), how many went out before they were due (must be 0), and the real
   time spent. Each figure is printed beside the baseline's with the ratio.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402

from bot import Settings, create_bot  # noqa: E402
from bot.core.followups import NudgeMessage  # noqa: E402
from bot.core.models import Nudge  # noqa: E402
from bot.exts.followup._courier import DiscordCourier, draw  # noqa: E402
from bot.services._dispatcher import (  # noqa: E402
    DISCORD_GLOBAL_LIMIT,
    IN_FLIGHT,
    REST_BURST,
    REST_RATE,
    NudgeDispatcher,
    RestBudget,
    Sent,
)
from bot.store import NewNudge, Store  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=UTC)  # simcord's epoch
PER_PLAN = 100
BURST_USER = 5_000_000  # burst users' ids start here (the big queue's are 10,000 and up)
OLD_SEND_INTERVAL = 0.2  # the old fixed pacing: at most 5 sends a second
RATE_LIMIT_TRIES = 5     # discord.py's tries before it gives up on a 429
RATE_LIMIT_WAIT = 4.0    # each 429's retry-after, as the slow recipient gets them


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process, in MB (Linux /proc)."""
    values = {"VmRSS:": 0.0, "VmHWM:": 0.0}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key = line.split(maxsplit=1)[0] if line.strip() else ""
            if key in values:
                values[key] = int(line.split()[1]) / 1024
    return values["VmRSS:"], values["VmHWM:"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def payload(company: str, interview_at: datetime) -> dict[str, Any]:
    end = interview_at + timedelta(hours=1)
    return {"company": company, "role": "Data Analyst", "interviewer": "Dana Lee",
            "candidate": "Sam", "stage": "second_round", "interview_at": interview_at.isoformat(),
            "interview_end": end.isoformat(), "deadline": (end + timedelta(hours=24)).isoformat()}


async def fill(path: Path, pending: int) -> None:
    """`pending` thank-you nudges spread over the next 60 days, in plans of PER_PLAN."""
    async with Store(path) as store:
        for plan_no in range(0, pending, PER_PLAN):
            user_id = 10_000 + plan_no // PER_PLAN
            await store.users.ensure(user_id, START)
            count = min(PER_PLAN, pending - plan_no)
            nudges = []
            for i in range(count):
                due = START + timedelta(days=1, seconds=(plan_no + i) * 60 * 86400 // max(pending, 1))
                nudges.append(NewNudge("thank_you", due, f"bench:{plan_no}:{i}",
                                       payload(f"Company {plan_no + i}", due - timedelta(hours=3))))
            await store.nudges.create_plan(user_id=user_id, kind="interview", dedupe_key=f"bench:{plan_no}",
                                           now=START, nudges=nudges)
        assert await store.nudges.count_pending() == pending


# --------------------------------------------------------------------------- start-up (child)

async def startup(path: Path) -> dict[str, float]:
    import simcord

    settings = Settings(database_path=path, env_file=None, environ={})
    started = time.perf_counter()
    bot = create_bot(settings)
    async with simcord.run(bot) as env:
        dispatcher: NudgeDispatcher = bot.followups.dispatcher
        await env.settle()
        assert dispatcher.ready.is_set(), "dispatcher not ready after start-up settled"
        ready = time.perf_counter() - started
        current, peak = rss_mb()
        pending = await bot.store.nudges.count_pending()
        next_due = dispatcher.next_due
    await bot.store.close()
    return {"ready_s": ready, "rss_mb": current, "peak_mb": peak, "pending": pending,
            "next_due": next_due.isoformat() if next_due else ""}


# --------------------------------------------------------------------------- virtual time

class SkippingSelector:
    """The event loop's selector, except that a wait for the next timer is skipped (the loop's
    clock jumps by it) when nothing is ready and no database call or executor job is under way:
    sleeps cost no wall time, work costs what it costs."""

    def __init__(self) -> None:
        import selectors

        self.real = selectors.DefaultSelector()
        self.skipped = 0.0
        self.busy = 0  # database calls and executor jobs under way

    def select(self, timeout: float | None = None) -> Any:
        if timeout is None or timeout <= 0 or self.busy:
            return self.real.select(timeout)
        ready = self.real.select(0)
        if not ready:
            self.skipped += timeout
        return ready

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self.skipping = SkippingSelector()
        super().__init__(selector=self.skipping)  # type: ignore[arg-type]

    def time(self) -> float:
        return super().time() + self.skipping.skipped

    def run_in_executor(self, executor: Any, func: Callable[..., Any], *args: Any) -> Any:
        self.skipping.busy += 1
        future = super().run_in_executor(executor, func, *args)
        future.add_done_callback(lambda _: setattr(self.skipping, "busy", self.skipping.busy - 1))
        return future


def count_database_calls(loop: VirtualTimeLoop) -> Callable[[], None]:
    """While aiosqlite's thread works, the loop must really wait for it: count its calls."""
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        loop.skipping.busy += 1
        try:
            return await original(self, fn, *args, **kwargs)
        finally:
            loop.skipping.busy -= 1

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]

    def restore() -> None:
        aiosqlite.Connection._execute = original  # type: ignore[method-assign]

    return restore


class LoopClock:
    """The bot's clock on the virtual loop."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.origin = asyncio.get_running_loop().time()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=asyncio.get_running_loop().time() - self.origin)

    def at(self, loop_time: float) -> datetime:
        return self.start + timedelta(seconds=loop_time - self.origin)


# --------------------------------------------------------------------------- Discord's REST, faked

class RateLimitedResponse:
    status = 429
    reason = "Too Many Requests"

    def __init__(self) -> None:
        self.headers = {"Retry-After": str(int(RATE_LIMIT_WAIT)),
                        "X-RateLimit-Reset-After": f"{RATE_LIMIT_WAIT:.3f}",
                        "X-RateLimit-Scope": "user", "Via": "1.1 google"}


@dataclass
class FakeRest:
    """Stands in for `bot.http.request`: records every call (loop time, method, route) and
    answers after `latency` seconds. A DM channel listed in `limited` answers 429 to the first
    delivery attempt: the five tries discord.py makes, each a call, each followed by its
    retry-after, then the HTTPException it raises."""

    latency: float
    bot_user: dict[str, Any]
    limited: set[int] = field(default_factory=set)
    calls: list[tuple[float, str, str]] = field(default_factory=list)
    dms: list[tuple[float, int]] = field(default_factory=list)  # (loop time, nudge id)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(10**17))

    @staticmethod
    def channel_of(user_id: int) -> int:
        return user_id + 9 * 10**16

    @staticmethod
    def user(user_id: int) -> dict[str, Any]:
        return {"id": str(user_id), "username": f"user{user_id}", "discriminator": "0",
                "global_name": None, "avatar": None}

    async def request(self, route: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        body = kwargs.get("json") or {}
        channel_id = getattr(route, "channel_id", None)
        if route.method == "POST" and channel_id in self.limited:
            self.limited.discard(channel_id)
            for _ in range(RATE_LIMIT_TRIES):
                self.calls.append((loop.time(), route.method, route.path))
                await asyncio.sleep(self.latency + RATE_LIMIT_WAIT)
            raise discord.HTTPException(RateLimitedResponse(),  # type: ignore[arg-type]
                                        {"message": "You are being rate limited.", "code": 0,
                                         "retry_after": RATE_LIMIT_WAIT, "global": False})
        self.calls.append((loop.time(), route.method, route.path))
        sent_at = loop.time()
        await asyncio.sleep(self.latency)
        if route.path == "/users/@me/channels":
            user_id = int(body["recipient_id"])
            return {"id": str(self.channel_of(user_id)), "type": 1,
                    "recipients": [self.user(user_id)], "last_message_id": None}
        if route.path == "/users/{user_id}":
            return self.user(int(route.url.rsplit("/", 1)[-1]))
        if route.path == "/channels/{channel_id}/messages" and route.method == "POST":
            for row in body.get("components") or []:
                custom_id = (row.get("components") or [{}])[0].get("custom_id", "")
                if custom_id.startswith("nudge:"):
                    self.dms.append((sent_at, int(custom_id.split(":")[2])))
                    break
            return {"id": str(next(self._ids)), "channel_id": str(channel_id), "type": 0,
                    "content": body.get("content") or "", "author": self.bot_user,
                    "timestamp": START.isoformat(), "edited_timestamp": None, "tts": False,
                    "mention_everyone": False, "mentions": [], "mention_roles": [],
                    "attachments": [], "embeds": body.get("embeds") or [], "pinned": False,
                    "components": body.get("components") or []}
        raise AssertionError(f"unexpected REST call {route.method} {route.path}")


class FixedPacingCourier(DiscordCourier):
    """The courier and pacing as they were: the user fetched for every DM (GET /users/{id};
    without the members intent the bot has no user in its cache), the DM channel opened when
    discord.py no longer has it cached (it keeps 128, and a restart forgets them), then the
    send; and a fixed 0.2 s after each send."""

    async def send_dm(self, nudge: Nudge, message: NudgeMessage, *, dm_channel_id: int | None,
                      budget: RestBudget) -> Sent:
        user = await self.bot.fetch_user(nudge.user_id)
        dm = draw(nudge, message)
        kwargs: dict[str, Any] = {"content": dm.content, "embeds": dm.embeds,
                                  "allowed_mentions": discord.AllowedMentions.none()}
        if dm.view is not None:
            kwargs["view"] = dm.view
        try:
            sent = await user.send(**kwargs)
        except discord.HTTPException as error:
            from bot.exts.followup._courier import _retry

            raise _retry(error) from error
        finally:
            await asyncio.sleep(OLD_SEND_INTERVAL)
        return Sent("dm", sent.channel.id, sent.id)


# --------------------------------------------------------------------------- one burst

@dataclass(frozen=True)
class Scenario:
    name: str
    spread: float  # seconds the due times are spread over
    slow: int = 0  # recipients whose DM channel is rate limited


async def prepare_burst(path: Path, count: int, due_at: datetime, spread: float,
                        known: float) -> dict[int, datetime]:
    """`count` users with one nudge each due within the minute; `known` of them have their DM
    channel stored already. Returns nudge id -> due time."""
    async with Store(path) as store:
        await store.db.write("DELETE FROM users WHERE user_id >= ?", (BURST_USER,))
        for i in range(count):
            user_id = BURST_USER + i
            await store.users.ensure(user_id, START)
            if i < round(count * known):
                await store.users.remember_dm_channel(user_id, FakeRest.channel_of(user_id))
            due = due_at + timedelta(seconds=spread * i / count)
            await store.nudges.create_plan(
                user_id=user_id, kind="interview", dedupe_key=f"burst:{i}", now=START,
                nudges=[NewNudge("thank_you", due, f"burst:{i}",
                                 payload(f"Burst {i}", due - timedelta(hours=3)))])
        rows = await store.db.fetch_all(
            "SELECT id, due_at FROM nudges WHERE user_id >= ?", (BURST_USER,))
    return {row["id"]: datetime.fromisoformat(row["due_at"]) for row in rows}


async def run_burst(path: Path, scenario: Scenario, due: dict[int, datetime], *, count: int,
                    latency: float, baseline: bool) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualTimeLoop)
    due_at = START + timedelta(hours=6)
    clock = LoopClock(due_at - timedelta(seconds=1))
    settings = Settings(database_path=path, env_file=None, environ={})
    bot = create_bot(settings, clock=clock)
    await bot.store.open()
    bot.library.load()
    rest = FakeRest(latency, FakeRest.user(1))
    bot.http.request = rest.request  # type: ignore[method-assign]
    slow_users = {BURST_USER + count // 2 + i for i in range(scenario.slow)}
    rest.limited = {FakeRest.channel_of(user) for user in slow_users}
    if baseline:
        dispatcher = NudgeDispatcher(
            bot.store, clock, FixedPacingCourier(bot), compose=bot.followups.compose,
            in_flight=1, budget=RestBudget(clock, rate=1e9, burst=10**9))
    else:
        dispatcher = NudgeDispatcher(bot.store, clock, DiscordCourier(bot),
                                     compose=bot.followups.compose)
    started = time.perf_counter()
    dispatcher.start()
    while await bot.store.db.fetch_value(  # noqa: ASYNC110 - a look each virtual second
            "SELECT COUNT(*) FROM nudges WHERE user_id >= ? AND status IN ('pending', 'sending')",
            (BURST_USER,)):
        await asyncio.sleep(1)
    await dispatcher.stop()
    real = time.perf_counter() - started
    slow_nudges = {nudge.id for user in slow_users
                   for nudge in await bot.store.nudges.for_plan(
                       (await bot.store.nudges.plans_for_user(user, active_only=False))[0].id)}
    statuses = {row["status"]: row["n"] for row in await bot.store.db.fetch_all(
        "SELECT status, COUNT(*) AS n FROM nudges WHERE user_id >= ? GROUP BY status",
        (BURST_USER,))}
    late_lines = await bot.store.db.fetch_value(
        "SELECT COUNT(*) FROM nudges WHERE user_id >= ? AND late = 1", (BURST_USER,))
    await bot.store.close()
    first_dm: dict[int, float] = {}
    for at, nudge_id in rest.dms:
        first_dm.setdefault(nudge_id, at)
    # Lag from the time each nudge was first due (a retried one's row is due later now).
    lags = {nid: (clock.at(at) - due[nid]).total_seconds() for nid, at in first_dm.items()}
    others = [lag for nid, lag in lags.items() if nid not in slow_nudges]
    times = sorted(at for at, _, _ in rest.calls)
    return {
        "sent": statuses.get("sent", 0), "statuses": statuses,
        "calls": len(rest.calls), "calls_per_dm": len(rest.calls) / max(1, len(first_dm)),
        "rate": backlog_rate(times, [at for nid, at in first_dm.items() if nid not in slow_nudges])
        if not scenario.spread else None,
        "peak_1s": peak_per_second(times),
        "done_s": (clock.at(max(first_dm.values())) - due_at).total_seconds() if first_dm else 0,
        "p50": percentile(others, 50), "p99": percentile(others, 99), "max": max(others),
        "slow_lag": max((lags[n] for n in slow_nudges if n in lags), default=None),
        "early": sum(1 for lag in lags.values() if lag < 0), "late_lines": late_lines,
        "real_s": real, "work_ms": real / max(1, len(first_dm)) * 1000,
    }


def backlog_rate(calls: list[float], dms: list[float]) -> float:
    """REST calls a second from the first call to the last first-time DM, while the burst was
    all due at once (a backlog the whole time); the rate-limited recipient's retry, due later,
    is left out."""
    if len(dms) < 2:
        return 0.0
    start, end = calls[0], max(dms)
    made = sum(1 for at in calls if at <= end)
    return (made - 1) / (end - start) if end > start else 0.0


def peak_per_second(times: list[float]) -> int:
    """The most calls made within any one second."""
    peak, window = 0, []  # a min-heap of the last second's call times
    for at in times:
        heapq.heappush(window, at)
        while window and window[0] <= at - 1.0:
            heapq.heappop(window)
        peak = max(peak, len(window))
    return peak


def burst(path: Path, scenario: Scenario, *, count: int, latency: float, known: float,
          baseline: bool) -> dict[str, Any]:
    due = asyncio.run(prepare_burst(path, count, START + timedelta(hours=6), scenario.spread,
                                    known))
    loop = VirtualTimeLoop()
    restore = count_database_calls(loop)
    try:
        return loop.run_until_complete(run_burst(path, scenario, due, count=count,
                                                 latency=latency, baseline=baseline))
    finally:
        restore()
        loop.close()


# --------------------------------------------------------------------------- main

def child(args: argparse.Namespace) -> None:
    print(json.dumps(asyncio.run(startup(Path(args.startup)))))


def ratio(now: float | None, then: float | None) -> str:
    if now is None or then is None or then == 0:
        return ""
    return f"{now / then:.2f}x"


def show(scenario: Scenario, now: dict[str, Any], then: dict[str, Any]) -> None:
    ceiling = DISCORD_GLOBAL_LIMIT
    print(f"\n{scenario.name}")
    print(f"  {'':<44} {'now':>12} {'baseline':>12} {'ratio':>8}")

    def row(label: str, key: str, fmt: str = "{:.2f}") -> None:
        a, b = now[key], then[key]

        def cell(value: float | None) -> str:
            return "-" if value is None else fmt.format(value)

        print(f"  {label:<44} {cell(a):>12} {cell(b):>12} {ratio(a, b):>8}")

    row("nudges sent", "sent", "{:,}")
    row("sent before they were due", "early", "{:,}")
    row("REST calls", "calls", "{:,}")
    row("REST calls per DM", "calls_per_dm")
    if now["rate"] is not None:
        row("REST calls/s while the burst waited", "rate", "{:.1f}")
        for result in (now, then):
            result["ceiling_pct"] = 100 * result["rate"] / ceiling
        row(f"  ... as % of Discord's {ceiling}/s ceiling", "ceiling_pct", "{:.1f}%")
    row("most REST calls in any one second", "peak_1s", "{:,}")
    row("last DM, seconds after the first due time", "done_s", "{:.1f}")
    row("lag p50, s", "p50")
    row("lag p99, s", "p99")
    row("lag max, s", "max")
    if scenario.slow:
        row("  the rate-limited recipient's lag, s", "slow_lag", "{:.1f}")
    row("late lines", "late_lines", "{:,}")
    row("real time, s", "real_s")
    row("real work per nudge, ms", "work_ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=1_000)
    parser.add_argument("--latency", type=float, default=0.1,
                        help="seconds each fake REST call takes to answer")
    parser.add_argument("--known", type=float, default=0.5,
                        help="share of the burst's users whose DM channel is stored already")
    parser.add_argument("--skip-startup", action="store_true", help="only the bursts")
    parser.add_argument("--startup", help=argparse.SUPPRESS)  # child process: measure one start-up
    args = parser.parse_args()
    if args.startup:
        child(args)
        return
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for pending in (0, args.pending):
            path = Path(folder) / f"pending-{pending}.sqlite3"
            filled = time.perf_counter()
            asyncio.run(fill(path, pending))
            filled = time.perf_counter() - filled
            if args.skip_startup:
                continue
            runs = []
            for _ in range(3):
                out = subprocess.run([sys.executable, __file__, "--startup", str(path)], check=True,
                                     capture_output=True, text=True, env=dict(os.environ, LOG_LEVEL="WARNING"))
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            best = min(runs, key=lambda r: r["ready_s"])
            rows.append((pending, best, statistics.median(r["ready_s"] for r in runs), filled,
                         path.stat().st_size / 1e6))
        if rows:
            print("Start-up to ready: the real bot (all extensions) on simcord, a fresh process "
                  "per run, 3 runs each")
            print(f"{'pending nudges':>15} {'ready (best)':>13} {'ready (median)':>15} {'RSS':>9}"
                  f" {'peak RSS':>9} {'db size':>9}")
            for pending, best, median, _filled, size in rows:
                print(f"{pending:>15,} {best['ready_s'] * 1000:>10.0f} ms {median * 1000:>12.0f} ms"
                      f" {best['rss_mb']:>6.1f} MB {best['peak_mb']:>6.1f} MB {size:>6.1f} MB")
        path = Path(folder) / f"pending-{args.pending}.sqlite3"
        print(f"\nBursts: {args.burst:,} nudges for {args.burst:,} users on top of "
              f"{args.pending:,} pending; REST answers in {args.latency * 1000:.0f} ms; "
              f"{args.known:.0%} of the users' DM channels stored.")
        print(f"now = {IN_FLIGHT} in flight, every REST call through the token bucket "
              f"({REST_RATE:g}/s, {REST_BURST} at once); baseline = one at a time, "
              f"{OLD_SEND_INTERVAL:g} s after each, the user fetched every time.")
        scenarios = [
            Scenario(f"{args.burst:,} due at the same instant (18:00 sharp)", 0),
            Scenario(f"{args.burst:,} due evenly over one minute", 60),
            Scenario(f"{args.burst:,} due at the same instant, one recipient rate limited "
                     f"({RATE_LIMIT_TRIES} x 429, {RATE_LIMIT_TRIES * RATE_LIMIT_WAIT:.0f} s in "
                     "discord.py)", 0, slow=1),
        ]
        for scenario in scenarios:
            results = {baseline: burst(path, scenario, count=args.burst, latency=args.latency,
                                       known=args.known, baseline=baseline)
                       for baseline in (False, True)}
            show(scenario, results[False], results[True])


if __name__ == "__main__":
    main()
