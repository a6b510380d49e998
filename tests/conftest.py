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
