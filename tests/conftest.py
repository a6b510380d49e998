from __future__ import annotations

from pathlib import Path

import pytest

from bot import Settings, create_bot

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = ROOT / "prompts"


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
    for store in opened_stores:
        await store.close()
    pending = simcord_env.errors_since(simcord_env._errors_acknowledged)
    if pending and all(_expected(e) for e in pending):
        _ = simcord_env.errors  # reading acknowledges them
