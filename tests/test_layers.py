"""The layer rules, checked on the source: adapters call services (no store, no cog lookups),
the core reaches nothing outside itself, and SQL lives only in the store."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "bot"
SQL = re.compile(r"^\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX))\b", re.I)


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py")) if folder else sorted(ROOT.rglob("*.py"))


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"), str(path))


@pytest.mark.parametrize("path", sources("exts"), ids=lambda p: str(p.relative_to(ROOT)))
def test_adapters_use_no_store_and_look_up_no_cogs(path: Path) -> None:
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Attribute):
            assert node.attr not in {"store", "get_cog"}, f"{path.name}:{node.lineno} uses .{node.attr}"


@pytest.mark.parametrize("path", sources("core"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_only_the_core(path: Path) -> None:
    for node in ast.walk(tree(path)):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        for name in names:
            assert not name.startswith("bot.") or name.startswith("bot.core"), f"{path.name} imports {name}"
            assert name.split(".")[0] not in {"discord", "aiosqlite", "asyncpg"}, f"{path.name} imports {name}"


def test_sql_lives_only_in_the_store() -> None:
    offenders = []
    for path in sources(""):
        if "store" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_check_sees_a_store_call(tmp_path: Path) -> None:
    sample = ast.parse("async def f(bot):\n    await bot.store.sessions.get(1)\n")
    assert any(isinstance(n, ast.Attribute) and n.attr == "store" for n in ast.walk(sample))
    assert SQL.search("SELECT * FROM users")


def test_every_extension_loads_its_commands() -> None:
    from bot.bot import discover_extensions

    assert discover_extensions() == ["bot.exts.followup", "bot.exts.help", "bot.exts.interview",
                                     "bot.exts.journal", "bot.exts.mock", "bot.exts.prep", "bot.exts.privacy",
                                     "bot.exts.server_scripts", "bot.exts.settings"]
