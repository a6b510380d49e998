"""The domain core must be importable without Discord or a database driver; the modules that do
not render scripts must not even need Jinja."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import bot.core

SHELL = ("discord", "aiosqlite", "asyncpg", "dotenv")
RENDERS_SCRIPTS = {"bot.core.scripts", "bot.core.interview",  # compile Jinja, do no I/O
                   "bot.core.server_scripts"}  # renders a server script to check it


def core_modules() -> list[str]:
    return sorted(f"bot.core.{m.name}" for m in pkgutil.iter_modules(bot.core.__path__))


def loaded_after_import(module: str, watched: tuple[str, ...]) -> list[str]:
    code = f"import sys; import {module}; print(','.join(m for m in {watched!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in result.stdout.strip().split(",") if m]


def test_there_are_core_modules_to_check() -> None:
    assert {"bot.core.feedback", "bot.core.timeparse", "bot.core.interview"} <= set(core_modules())


@pytest.mark.parametrize("module", core_modules())
def test_a_core_module_loads_no_discord_and_no_database(module: str) -> None:
    watched = SHELL if module in RENDERS_SCRIPTS else (*SHELL, "jinja2")
    assert loaded_after_import(module, watched) == []


def test_the_check_itself_sees_a_heavy_import() -> None:
    assert loaded_after_import("bot.bot", SHELL)[:1] == ["discord"]
