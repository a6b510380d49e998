"""Benchmark: the bot beyond one process, on PostgreSQL beside SQLite.

    python bench/scale.py [--candidates 50] [--parts 40] [--nudges 920] [--skip-answers]

Needs the PostgreSQL server binaries (see tests/pgcluster.py); a throwaway cluster is made with
the server's default durability (fsync on, synchronous_commit on) and deleted afterwards.

1. Answers stored per second: `--candidates` interviews at once, each storing `--parts` typed
   answer parts one after another through the store's hot path (`SessionRepository.store_part`:
   the session stamped over the version held, then the part, in one transaction), on an SQLite
   file and on PostgreSQL, same load, same run. SQLite (WAL, synchronous=NORMAL: no fsync per
   commit, one connection, group commit) is the baseline. PostgreSQL commits each part with an
   fsync of its WAL (its own group commit joins the commits that wait together).

2. Nudge dispatch with 1 and with 3 processes: `--nudges` nudges due now, for as many users,
   delivered by real dispatcher processes (tests/scale/dispatcher_child.py: the real election,
   claims, LISTEN/NOTIFY, crash rule) through a recording courier paced by the dispatcher's
   own REST budget (46 calls a second, 4 at once: Discord's 50/s global limit with room to
   spare). The rate must be the same with 3 processes (one leads; the others wait), bounded by
   the budget, and no nudge may be recorded twice.

3. Failover: 3 processes, the leader SIGKILLed while it delivers; the time until another
   process leads (it writes the moment it does) and until its first delivery, against the
   stated bound (one election period, ELECTION_SECONDS = 2 s, once the dead leader's socket is
   closed), and every nudge exactly once.

Not part of the test suite: it prints figures, it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pgcluster import running_cluster  # noqa: E402

from bot.services._dispatcher import ELECTION_SECONDS, REST_BURST, REST_RATE  # noqa: E402
from bot.store import NewNudge, Store  # noqa: E402

CHILD = ROOT / "tests" / "scale" / "dispatcher_child.py"
NOW = datetime.now(UTC)


# --- 1. answers stored per second ----------------------------------------------------------------

async def answers_per_second(target: str | Path, candidates: int, parts: int) -> float:
    async with Store(target) as store:
        held = []
        for user in range(1, candidates + 1):
            await store.users.ensure(user, NOW)
            state = await store.sessions.create_state(
                user_id=user, script_id="final", script_version="v", context={}, now=NOW,
                first_question={"question_id": "q1", "probe_index": 0, "category": "c",
                                "question_text": "Tell me about a time…"})
            held.append((state.session.id, state.answers[0].id))

        async def candidate(session_id: int, answer_id: int) -> None:
            for n in range(parts):  # each part bumps the session's version by one
                await store.sessions.store_part(session_id, version=n, answer_id=answer_id,
                                                text=f"Part {n} of my answer, with a result: 30% faster.",
                                                source="message", source_id=f"{session_id}-{n}", now=NOW)

        started = time.perf_counter()
        await asyncio.gather(*(candidate(s, a) for s, a in held))
        elapsed = time.perf_counter() - started
        stored = await store.db.fetch_value("SELECT COUNT(*) FROM answer_parts")
        assert stored == candidates * parts, stored
    return candidates * parts / elapsed


async def relax(url: str) -> None:
    """Commits that do not wait for their WAL flush: a crash of the server's machine may lose
    the last fraction of a second, as SQLite's synchronous=NORMAL in WAL mode may."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        database = await conn.fetchval("SELECT current_database()")
        await conn.execute(f'ALTER DATABASE "{database}" SET synchronous_commit = off')
    finally:
        await conn.close()


# --- 2 and 3. dispatcher processes ---------------------------------------------------------------

async def make_due(url: str, count: int) -> None:
    async with Store(url) as store:
        for user in range(1, count + 1):
            await store.users.ensure(user, NOW)
            await store.nudges.add(user_id=user, plan_id=None, now=NOW,
                                   nudge=NewNudge("check_in", NOW - timedelta(seconds=1), f"n{user}", {}))


def sent_lines(folder: Path) -> list[int]:
    return [int(x) for p in folder.glob("*.sent") for x in p.read_text().split()]


def spawn(url: str, folder: Path, name: str, *, election: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(CHILD), url, str(folder), name, "--rate", str(REST_RATE),
                             "--send-ms", "20", "--election", str(election)], cwd=ROOT)


def stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def dispatch_rate(cluster, processes: int, nudges: int) -> dict[str, float]:
    url = cluster.create_database(f"bench_dispatch_{processes}")
    asyncio.run(make_due(url, nudges))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        children = [spawn(url, folder, f"p{i}", election=ELECTION_SECONDS) for i in range(processes)]
        try:
            marks: list[tuple[float, int]] = []
            deadline = time.monotonic() + 60 + nudges / REST_RATE * 2
            while time.monotonic() < deadline:
                done = len(sent_lines(folder))
                marks.append((time.monotonic(), done))
                if done >= nudges:
                    break
                time.sleep(0.05)
            sent = sent_lines(folder)
        finally:
            stop(children)
        senders = sum(1 for p in folder.glob("*.sent") if p.read_text().strip())
    started = next(t for t, n in marks if n > 0)
    finished = next(t for t, n in marks if n >= nudges)
    return {"rate": (nudges - 1) / (finished - started), "doubles": sum(n - 1 for n in Counter(sent).values() if n > 1),
            "delivered": len(set(sent)), "senders": senders}


def failover(cluster, nudges: int) -> dict[str, float]:
    url = cluster.create_database("bench_failover")
    asyncio.run(make_due(url, nudges))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        names = ["p0", "p1", "p2"]
        children = [spawn(url, folder, name, election=ELECTION_SECONDS) for name in names]
        try:
            while not list(folder.glob("*.lead")):
                time.sleep(0.02)
            leader = next(folder.glob("*.lead")).stem
            while len(sent_lines(folder)) < nudges // 3:
                time.sleep(0.02)
            victim = children[names.index(leader)]
            victim.send_signal(signal.SIGKILL)
            killed = time.monotonic()  # the .lead files hold CLOCK_MONOTONIC times too
            victim.wait()
            before = len(sent_lines(folder))
            while not [p for p in folder.glob("*.lead") if p.stem != leader]:
                time.sleep(0.01)
            successor = next(p for p in folder.glob("*.lead") if p.stem != leader)
            led_after = float(successor.read_text()) - killed
            while not (folder / f"{successor.stem}.sent").read_text().strip():
                time.sleep(0.01)
            first_send_after = time.monotonic() - killed
            while len(set(sent_lines(folder))) < nudges:
                time.sleep(0.05)
            sent = sent_lines(folder)
        finally:
            stop(children)
    return {"led_after": led_after, "first_send_after": first_send_after, "killed_after": before,
            "doubles": sum(n - 1 for n in Counter(sent).values() if n > 1), "delivered": len(set(sent))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--parts", type=int, default=40)
    parser.add_argument("--nudges", type=int, default=920, help="due nudges per dispatch run (46/s: 20 s)")
    parser.add_argument("--rounds", type=int, default=3, help="answer runs per backend (median shown)")
    parser.add_argument("--skip-answers", action="store_true")
    args = parser.parse_args()
    print(f"SQLite {sqlite3.sqlite_version}; PostgreSQL from tests/pgcluster.py, default durability")
    with running_cluster(durable=True) as cluster:
        if not args.skip_answers:
            sqlite_rates, pg_rates, relaxed_rates = [], [], []
            for n in range(args.rounds):
                with tempfile.TemporaryDirectory() as tmp:
                    sqlite_rates.append(asyncio.run(answers_per_second(
                        Path(tmp) / "bench.sqlite3", args.candidates, args.parts)))
                pg_rates.append(asyncio.run(answers_per_second(
                    cluster.create_database(f"bench_answers_{n}"), args.candidates, args.parts)))
                relaxed = cluster.create_database(f"bench_answers_relaxed_{n}")
                asyncio.run(relax(relaxed))
                relaxed_rates.append(asyncio.run(answers_per_second(relaxed, args.candidates, args.parts)))
            sqlite_rate, pg_rate = statistics.median(sqlite_rates), statistics.median(pg_rates)
            relaxed_rate = statistics.median(relaxed_rates)
            print(f"\n1. Answers stored per second ({args.candidates} candidates at once x {args.parts} "
                  f"typed parts, median of {args.rounds})")
            print(f"   {'SQLite (baseline)':<28} {sqlite_rate:>10,.0f}/s")
            print(f"   {'PostgreSQL':<28} {pg_rate:>10,.0f}/s   ({pg_rate / sqlite_rate:.2f}x)")
            print(f"   {'PostgreSQL, no fsync wait':<28} {relaxed_rate:>10,.0f}/s   ({relaxed_rate / sqlite_rate:.2f}x)"
                  "   (synchronous_commit=off: SQLite's synchronous=NORMAL durability)")

        print(f"\n2. Nudge dispatch, {args.nudges} due at once; REST budget {REST_RATE:.0f}/s, "
              f"{REST_BURST} at once (the bound)")
        for processes in (1, 3):
            result = dispatch_rate(cluster, processes, args.nudges)
            print(f"   {processes} process{'es' if processes > 1 else '':<3} {result['rate']:>8.1f} nudges/s   "
                  f"delivered {result['delivered']:.0f}, doubles {result['doubles']:.0f}, "
                  f"processes that sent: {result['senders']:.0f}")

        result = failover(cluster, args.nudges)
        print(f"\n3. Failover after SIGKILL of the leader (3 processes; stated bound {ELECTION_SECONDS:.0f} s "
              "election period)")
        print(f"   killed after {result['killed_after']:.0f} deliveries; new leader after "
              f"{result['led_after']:.2f} s; its first delivery after {result['first_send_after']:.2f} s")
        print(f"   delivered {result['delivered']:.0f} of {args.nudges}, doubles {result['doubles']:.0f}")


if __name__ == "__main__":
    main()
