"""Several real OS processes on one PostgreSQL: the nudge dispatcher's failover (three
processes, 5,000 due nudges, the leader SIGKILLed midway), two processes migrating one empty
database at the same moment. Waiting on a child process is a bounded poll of what it wrote;
nothing here sleeps to assert a timing."""

from __future__ import annotations

import ast
import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import NewNudge, Store
from bot.store.database import load_migrations
from bot.store.postgres import PG_MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("dispatcher_child.py")
ELECTION_SECONDS = 0.5
# The stated takeover time: a follower tries every ELECTION_SECONDS, and the server frees the
# lock the moment the dead leader's socket closes. The bound below leaves room for a loaded
# 2-core CI machine (the child has to recover what the dead one left 'sending' first, too).
TAKEOVER_BOUND = ELECTION_SECONDS + 10.0


def wait_for(what: str, check: Callable[[], object], timeout: float, poll: float = 0.05) -> object:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(poll)


def sent_ids(folder: Path) -> dict[str, list[int]]:
    return {p.stem: [int(x) for x in p.read_text().split()] for p in folder.glob("*.sent")}


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for child in started:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in started:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


async def make_due_nudges(url: str, users: int, per_user: int) -> list[int]:
    now = datetime.now(UTC)
    async with Store(url) as store:
        for user in range(1, users + 1):
            await store.users.ensure(user, now)
            await store.nudges.create_plan(
                user_id=user, kind="practice", dedupe_key=f"plan-{user}", now=now,
                nudges=[NewNudge("check_in", now - timedelta(seconds=1) + timedelta(milliseconds=n),
                                 f"plan-{user}:{n}", {}) for n in range(per_user)])
        return [int(r[0]) for r in await store.db.fetch_all("SELECT id FROM nudges ORDER BY id")]


async def statuses(url: str) -> Counter[str]:
    async with Store(url) as store:
        return Counter({str(r[0]): int(r[1]) for r in await store.db.fetch_all(
            "SELECT status, COUNT(*) FROM nudges GROUP BY status")})


def test_three_dispatchers_one_killed_midway_deliver_every_nudge_exactly_once(
        postgres_cluster, tmp_path: Path, children) -> None:
    url = postgres_cluster.create_database("coach_failover")
    ids = asyncio.run(make_due_nudges(url, users=500, per_user=10))
    assert len(ids) == 5000
    for name in ("a", "b", "c"):
        children.append(subprocess.Popen(
            [sys.executable, str(CHILD), url, str(tmp_path), name, "--rate", "100000",
             "--send-ms", "4", "--election", str(ELECTION_SECONDS),
             "--stall-after", "1500"], cwd=ROOT))
    leaders = wait_for("a leader", lambda: sorted(tmp_path.glob("*.lead")), timeout=60)
    assert len(leaders) == 1  # type: ignore[arg-type]
    leader = leaders[0].stem  # type: ignore[index]
    wait_for("the first 1,500 deliveries",
             lambda: sum(map(len, sent_ids(tmp_path).values())) >= 1500, timeout=120)
    # After 1,500 deliveries the first leader's sends hang (some delivered, some not): killed once
    # it holds hung sends of both kinds, it surely leaves rows 'sending' of both for the crash rule.
    wait_for("the leader's sends to hang", lambda: (tmp_path / f"{leader}.stalled").exists(), timeout=60)
    assert asyncio.run(statuses(url))["sending"] > 0
    victim = children["abc".index(leader)]
    victim.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()  # CLOCK_MONOTONIC: the children's .lead times use the same clock
    victim.wait(timeout=10)
    delivered_by_victim = len(sent_ids(tmp_path).get(leader, []))
    assert delivered_by_victim < 5000  # killed midway

    successors = wait_for("a new leader", lambda: [p for p in tmp_path.glob("*.lead") if p.stem != leader],
                          timeout=60)
    assert len(successors) == 1  # type: ignore[arg-type]
    successor = successors[0]  # type: ignore[index]
    takeover = float(successor.read_text()) - killed_at
    assert takeover < TAKEOVER_BOUND, f"took {takeover:.1f}s to take over"

    wait_for("all 5,000 sent", lambda: asyncio.run(statuses(url))["sent"] == 5000, timeout=180, poll=0.2)
    recorded = sent_ids(tmp_path)
    everything = [i for sent in recorded.values() for i in sent]
    doubles = [i for i, n in Counter(everything).items() if n > 1]
    assert doubles == [] and sorted(everything) == ids  # every nudge exactly once
    assert {name for name, sent in recorded.items() if sent} <= {leader, successor.stem}  # never the third
    assert asyncio.run(statuses(url)) == Counter({"sent": 5000})
    # The crash rule ran on what the dead leader left 'sending': the ones it had delivered were
    # found in the DMs (not sent again), the others sent once by the successor.
    decided = ast.literal_eval((tmp_path / f"{successor.stem}.recovered").read_text())
    victim_sent = set(recorded[leader])
    assert decided and {verdict for _, verdict in decided} == {"sent", "pending"}, decided
    for nudge_id, verdict in decided:  # delivered before the kill: found, not resent
        assert verdict == ("sent" if nudge_id in victim_sent else "pending"), (nudge_id, verdict)
    print(f"\nkilled {leader} after {delivered_by_victim} deliveries; {successor.stem} took over in "
          f"{takeover:.2f}s; crash rule: {decided}")


MIGRATE_ONE = """
import asyncio, sys
sys.path.insert(0, sys.argv[2])
from bot.store import Store
async def main():
    async with Store(sys.argv[1]) as store:
        print(len(store.db.applied), await store.db.schema_version())
asyncio.run(main())
"""


def test_two_processes_starting_at_once_migrate_once(postgres_cluster) -> None:
    url = postgres_cluster.create_database("coach_migrate_race")
    both = [subprocess.Popen([sys.executable, "-c", MIGRATE_ONE, url, str(ROOT)], stdout=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0].split() for p in both]
    assert all(p.returncode == 0 for p in both)
    latest = len(load_migrations(PG_MIGRATIONS_DIR))
    applied = sorted(int(out[0]) for out in outputs)
    assert applied == [0, latest]  # one applied them all; the other waited and found it done
    assert all(int(out[1]) == latest for out in outputs)


async def test_a_migration_that_fails_leaves_the_schema_as_it_was(postgres_cluster, tmp_path: Path) -> None:
    import shutil

    from bot.store import StoreError

    url = postgres_cluster.create_database("coach_broken_migration")
    migrations = tmp_path / "migrations_pg"
    shutil.copytree(PG_MIGRATIONS_DIR, migrations)
    current = len(load_migrations(PG_MIGRATIONS_DIR))
    (migrations / f"{current + 1:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (id BIGINT);\nINSERT INTO no_such_table VALUES (1);\n")
    with pytest.raises(StoreError, match=rf"broken\S* failed.*stays at schema {current}"):
        await Store(url, migrations_dir=migrations).open()
    async with Store(url) as store:
        assert await store.db.schema_version() == current
        assert await store.db.fetch_value("SELECT to_regclass('half_done')") is None
        await store.db.write("INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')")
    with pytest.raises(StoreError, match="newer version of the bot"):
        await Store(url).open()


