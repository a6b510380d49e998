"""Benchmark: the nudge dispatcher with a large queue, and the lag of a burst of due nudges.

    python bench/nudges.py [--pending 100000] [--burst 1000]

1. Start-up to ready, and the process's memory, with 0 and with `--pending` nudges waiting in
   the database. Each case runs in a fresh process: the real bot (every extension) starts on
   simcord with that database, and "ready" is the moment the dispatcher has resolved the
   crash rule and read its next due time. It should not depend on the queue's size: start-up
   never loads the queue.
2. Dispatch lag (send time minus due time, p50/p99/max) for `--burst` nudges falling due in
   the same minute, on top of the big queue. The real dispatcher, store (SQLite file), lateness
   and skip rules, the follow-up service's composition (templates, checklist, earlier rounds)
   and the courier's drawing of it (embed, buttons) run; only the Discord call is a fake that
   records the send. Sleeps (the 0.2 s pacing between sends, the wait until the next
   due time) are skipped on a virtual clock that also adds the real time spent working, so the
   lag includes both the pacing the rate limit imposes and the real cost of each send.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import Settings, create_bot  # noqa: E402
from bot.core.followups import NudgeMessage  # noqa: E402
from bot.core.models import Nudge  # noqa: E402
from bot.services._dispatcher import SEND_INTERVAL, NudgeDispatcher, Sent  # noqa: E402
from bot.store import NewNudge, Store  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=UTC)  # simcord's epoch
PER_PLAN = 100


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


# --------------------------------------------------------------------------- burst lag

class SkippingClock:
    """Real time elapsed plus every sleep skipped so far."""

    def __init__(self, start: datetime) -> None:
        self.base = start
        self.origin = time.perf_counter()
        self.skipped = 0.0

    def now(self) -> datetime:
        return self.base + timedelta(seconds=time.perf_counter() - self.origin + self.skipped)

    async def sleep(self, seconds: float) -> None:
        self.skipped += max(0.0, seconds)
        await asyncio.sleep(0)


class RecordingCourier:
    """The real courier's drawing of a composed nudge, with the Discord call replaced by a
    record."""

    def __init__(self, clock: SkippingClock) -> None:
        self.clock = clock
        self.sent: dict[int, datetime] = {}
        self.expected = 0
        self.all_sent = asyncio.Event()

    async def send_dm(self, nudge: Nudge, message: NudgeMessage) -> Sent:
        from bot.exts.followup._courier import draw

        dm = draw(nudge, message)
        assert dm.embed.description and dm.view is not None
        self.sent[nudge.id] = self.clock.now()
        if len(self.sent) >= self.expected:
            self.all_sent.set()
        return Sent("dm", 1, nudge.id)

    async def fall_back(self, nudge: Nudge, message: NudgeMessage, reason: str) -> Sent | None:
        return None

    async def find_sent(self, nudge: Nudge) -> Sent | None:
        return None


async def burst(path: Path, count: int, pacing: float) -> dict[str, Any]:
    due_at = START + timedelta(hours=6)
    async with Store(path) as store:
        await store.users.ensure(1, START)
        nudges = [NewNudge("thank_you", due_at + timedelta(seconds=i * 60 / count), f"burst:{i}",
                           payload(f"Burst {i}", due_at - timedelta(hours=3))) for i in range(count)]
        for first in range(0, count, PER_PLAN):
            await store.nudges.create_plan(user_id=1, kind="interview", dedupe_key=f"burst:{first}",
                                           now=START, nudges=nudges[first:first + PER_PLAN])
    clock = SkippingClock(due_at - timedelta(seconds=1))
    settings = Settings(database_path=path, env_file=None, environ={})
    bot = create_bot(settings, clock=clock)
    await bot.store.open()
    bot.library.load()
    courier = RecordingCourier(clock)
    courier.expected = count
    dispatcher = NudgeDispatcher(bot.store, clock, courier, compose=bot.followups.compose,
                                 sleep=clock.sleep, send_interval=pacing)
    real = time.perf_counter()
    dispatcher.start()
    await courier.all_sent.wait()
    real = time.perf_counter() - real
    while await bot.store.db.fetch_value(  # noqa: ASYNC110 - the last one is being marked
            "SELECT COUNT(*) FROM nudges WHERE dedupe_key LIKE 'burst:%' AND status = 'sent'") < count:
        await asyncio.sleep(0.01)
    await dispatcher.stop()
    rows = await bot.store.db.fetch_all(
        "SELECT due_at, sent_at, late FROM nudges WHERE dedupe_key LIKE 'burst:%'")
    await bot.store.close()
    lags = [(datetime.fromisoformat(r["sent_at"]) - datetime.fromisoformat(r["due_at"])).total_seconds()
            for r in rows]
    return {"sent": len(lags), "p50": percentile(lags, 50), "p99": percentile(lags, 99), "max": max(lags),
            "late_lines": sum(r["late"] for r in rows), "real_s": real, "work_ms": real / count * 1000}


# --------------------------------------------------------------------------- main

def child(args: argparse.Namespace) -> None:
    print(json.dumps(asyncio.run(startup(Path(args.startup)))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=1_000)
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
            runs = []
            for _ in range(3):
                out = subprocess.run([sys.executable, __file__, "--startup", str(path)], check=True,
                                     capture_output=True, text=True, env=dict(os.environ, LOG_LEVEL="WARNING"))
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            best = min(runs, key=lambda r: r["ready_s"])
            rows.append((pending, best, statistics.median(r["ready_s"] for r in runs), filled,
                         path.stat().st_size / 1e6))
        print("Start-up to ready: the real bot (all extensions) on simcord, a fresh process per run, "
              "3 runs each")
        print(f"{'pending nudges':>15} {'ready (best)':>13} {'ready (median)':>15} {'RSS':>9} {'peak RSS':>9}"
              f" {'db size':>9}")
        for pending, best, median, _filled, size in rows:
            print(f"{pending:>15,} {best['ready_s'] * 1000:>10.0f} ms {median * 1000:>12.0f} ms"
                  f" {best['rss_mb']:>6.1f} MB {best['peak_mb']:>6.1f} MB {size:>6.1f} MB")
        path = Path(folder) / f"pending-{args.pending}.sqlite3"
        for pacing in (SEND_INTERVAL, 0.0):
            result = asyncio.run(burst(path, args.burst, pacing))
            label = (f"paced at {pacing:g} s per send ({1 / pacing:g}/s)" if pacing
                     else "unpaced (what the pacing costs)")
            print(f"\nDispatch lag: {result['sent']:,} nudges due within one minute, "
                  f"{args.pending:,} others pending; {label}")
            print(f"  p50 {result['p50']:7.2f} s   p99 {result['p99']:7.2f} s   max {result['max']:7.2f} s"
                  f"   late lines {result['late_lines']}   real time {result['real_s']:.2f} s"
                  f" ({result['work_ms']:.2f} ms of work per nudge)")
            # Fresh burst rows for the next run: drop this run's from the file.
            asyncio.run(_forget_burst(path))


async def _forget_burst(path: Path) -> None:
    async with Store(path) as store:
        await store.db.write("DELETE FROM followup_plans WHERE dedupe_key LIKE 'burst:%'")
        await store.db.write("DELETE FROM nudges WHERE dedupe_key LIKE 'burst:%'")


if __name__ == "__main__":
    main()
