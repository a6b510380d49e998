from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from pgcluster import INSTALL_HINT, Cluster, find_binaries

from bot import Settings, create_bot

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = ROOT / "prompts"
BACKENDS = ("sqlite", "postgresql")
REQUIRE_POSTGRES = "COACH_REQUIRE_POSTGRES"  # set by .ci/run: there a PostgreSQL skip is a failure

# No time limit per Hypothesis example: on a loaded 2-core machine any example can stall past the
# default 200 ms, which says nothing about the code. .ci/run sets CI, so there Hypothesis's own
# "ci" profile applies instead (no time limit either, and the same examples on every run).
hypothesis_settings.register_profile("coach", deadline=None)
if not os.environ.get("CI"):
    hypothesis_settings.load_profile("coach")


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL cluster for the whole run (see pgcluster.py)."""
    binaries = find_binaries()
    if binaries is None:
        if os.environ.get(REQUIRE_POSTGRES):
            pytest.fail(f"{INSTALL_HINT} ({REQUIRE_POSTGRES} is set: the PostgreSQL tests must run here)")
        pytest.skip(INSTALL_HINT)
    cluster = Cluster(binaries).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster) -> str:
    """The database the store and integration tests share, emptied before each test."""
    return postgres_cluster.create_database("coach_tests")


async def empty_postgres(url: str) -> None:
    """Every row gone, identities restarted, the schema kept (far faster than a new database)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        tables = [r[0] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename <> 'schema_migrations'")]
        if tables:
            await conn.execute(f"TRUNCATE {', '.join(chr(34) + t + chr(34) for t in tables)}"
                               " RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
async def database_target(backend: str, tmp_path: Path, request) -> Path | str:
    """Where the test's store lives: an SQLite file in tmp_path, or the shared PostgreSQL test
    database, emptied (a test parametrised by `backend` runs once on each)."""
    if backend == "sqlite":
        return tmp_path / "db.sqlite3"
    url = request.getfixturevalue("postgres_url")
    await empty_postgres(url)
    return url


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings isolated from the developer's environment and .env file."""
    return Settings(database_path=tmp_path / "bot.sqlite3", prompts_dir=PROMPTS,
                    env_file=None, environ={})


@pytest.fixture
def simcord_bot(settings: Settings):
    return create_bot(settings)


def _expected(error: BaseException) -> bool:
    from discord import app_commands

    from bot.errors import EXPECTED

    original = getattr(error, "original", None) or error
    return isinstance(original, EXPECTED) or isinstance(error, app_commands.CheckFailure)


@pytest.fixture
def opened_stores(monkeypatch):
    """Every Store opened during a test, so teardown can close them: simcord never calls
    bot.close() (not at the end, not on restart_bot), where a real process would exit."""
    from bot.store import Store

    opened: list[Store] = []
    original = Store.open

    async def tracking_open(self):
        opened.append(self)
        return await original(self)

    monkeypatch.setattr(Store, "open", tracking_open)
    return opened


@pytest.fixture
async def simcord_env(opened_stores, simcord_env):
    """simcord's environment, where errors the bot deliberately turned into a friendly message
    for the user (UserFacingError, InterviewError, failed checks) do not fail the test. Any
    unexpected error still does."""
    # Real seconds simcord waits for the bot to settle; its 5 s default is tight on a loaded
    # 2-core CI machine, where a long simulated stretch (days of nudges) can take longer.
    simcord_env.settle_timeout = 30.0
    yield simcord_env
    followups = getattr(getattr(simcord_env, "bot", None), "followups", None)
    if followups is not None:  # as bot.close() would: the dispatcher stops before its store
        await followups.stop()
    for store in opened_stores:
        await store.close()
    pending = simcord_env.errors_since(simcord_env._errors_acknowledged)
    if pending and all(_expected(e) for e in pending):
        _ = simcord_env.errors  # reading acknowledges them
