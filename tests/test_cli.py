from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if k not in {"DISCORD_TOKEN", "DATABASE_PATH", "DATABASE_URL", "DEV_GUILD_ID", "PROMPTS_DIR",
                         "SHARD_COUNT", "SHARD_IDS"}}
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True,
                          text=True, env={**base, **(env or {})}, timeout=120, stdin=subprocess.DEVNULL)


def test_run_without_a_token_exits_2_and_explains(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "No Discord token" in result.stderr
    assert "discord.com/developers/applications" in result.stderr
    assert "python -m bot rehearse" in result.stderr


def test_token_is_never_printed(tmp_path: Path) -> None:
    settings = Settings(token="super-secret-token", env_file=None, environ={})
    assert "super-secret-token" not in repr(settings)
    assert settings.token.get() == "super-secret-token"


def test_bad_guild_id_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="DEV_GUILD_ID must be a numeric"):
        Settings(env_file=None, environ={"DEV_GUILD_ID": "my-server"})
    result = run_cli("check-prompts", cwd=tmp_path, env={"DEV_GUILD_ID": "abc"})
    assert result.returncode == 2 and "DEV_GUILD_ID" in result.stderr


def test_settings_read_env_file_and_keywords_win(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_PATH=from_env_file.db\nLOG_LEVEL=debug\nDEV_GUILD_ID=123\n")
    settings = Settings(env_file=env_file, environ={})
    assert settings.database_path == Path("from_env_file.db")
    assert settings.log_level == "DEBUG" and settings.dev_guild_id == 123
    assert Settings(env_file=env_file, environ={}, database_path="x.db").database_path == Path("x.db")


def test_check_prompts_passes_on_the_shipped_prompts(tmp_path: Path) -> None:
    result = run_cli("check-prompts", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "templates" in result.stdout


def test_check_prompts_reports_a_broken_template_with_file_and_line(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    (prompts / "tips").mkdir(parents=True)
    (prompts / "tips" / "broken.md.j2").write_text("fine\nstill fine\n{% for x in %}\n")
    result = run_cli("check-prompts", "--prompts-dir", str(prompts), cwd=tmp_path)
    assert result.returncode == 1
    assert "tips/broken.md.j2:3" in result.stderr


def test_check_prompts_reports_a_broken_script_with_file_and_line(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    (prompts / "interviews").mkdir(parents=True)
    (prompts / "interviews" / "x.j2").write_text(
        "script: x\ntitle: X\nstage: final\nminutes: 10\ndescription: d\n\n"
        "question: q1\ncategory: nonsense\nlength: 10-20\nask: Hi?\nguidance: g\n")
    result = run_cli("check-prompts", "--prompts-dir", str(prompts), cwd=tmp_path)
    assert result.returncode == 1
    assert "interviews/x.j2:8: unknown category 'nonsense'" in result.stderr


@pytest.mark.parametrize("command", ["run", "rehearse", "check-prompts", "sync", "migrate-db"])
def test_every_subcommand_has_help(tmp_path: Path, command: str) -> None:
    result = run_cli(command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "usage:" in result.stdout


def test_options_without_a_command_start_a_rehearsal(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--script", "final", "--name", "Sam", "--role", "Data Analyst",
         "--company", "Acme", "--db", str(tmp_path / "r.db")],
        cwd=tmp_path, capture_output=True, text=True, input="Hello there.\n\n/quit\n", timeout=120,
        env={**{k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 3, result.stderr
    assert "Final interview" in result.stdout and "Paused and saved" in result.stdout


def test_no_command_and_no_token_starts_a_rehearsal(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)  # input is not a terminal, so nothing can be asked
    assert result.returncode == 2, result.stderr
    assert "No DISCORD_TOKEN configured: starting a terminal rehearsal instead." in result.stdout
    assert "--name is required" in result.stdout
    assert "Traceback" not in result.stderr


def _without_asyncpg(monkeypatch) -> None:
    """As if the postgres extra were not installed: importing asyncpg fails."""
    monkeypatch.setitem(sys.modules, "asyncpg", None)
    for name in [n for n in sys.modules if n.startswith("asyncpg.") or n in ("bot.store.postgres",)]:
        monkeypatch.delitem(sys.modules, name)


def test_database_url_without_asyncpg_is_a_clear_store_error(monkeypatch, tmp_path: Path) -> None:
    from bot.store import Store, StoreError

    _without_asyncpg(monkeypatch)
    with pytest.raises(StoreError, match=r"DATABASE_URL needs asyncpg: pip install '\.\[postgres\]'"):
        Store("postgresql://coach@localhost/coach")
    Store(tmp_path / "still.sqlite3")  # SQLite does not need it


def test_store_errors_at_start_up_are_printed_and_exit_2(monkeypatch, tmp_path: Path, capsys) -> None:
    import asyncio
    import sqlite3

    from bot import Settings
    from bot.__main__ import _run_bot
    from bot.bot import InterviewCoach

    _without_asyncpg(monkeypatch)
    settings = Settings(token="x.y.z", database_url="postgresql://coach@localhost/coach", env_file=None, environ={})
    assert asyncio.run(_run_bot(settings, sync_only=False)) == 2
    err = capsys.readouterr().err
    assert "Could not open the database: DATABASE_URL needs asyncpg" in err and "Traceback" not in err

    newer = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()

    async def login(self, token: str) -> None:  # no Discord: what login does after the token check
        await self.setup_hook()

    monkeypatch.setattr(InterviewCoach, "login", login)
    settings = Settings(token="x.y.z", database_path=newer, env_file=None, environ={})
    assert asyncio.run(_run_bot(settings, sync_only=False)) == 2
    err = capsys.readouterr().err
    assert "Could not open the database:" in err and "newer version of the bot" in err


def test_the_rehearsal_says_it_uses_the_sqlite_file_when_database_url_is_set(tmp_path: Path) -> None:
    path = tmp_path / "practice.sqlite3"
    result = run_cli("rehearse", "--list", cwd=tmp_path,
                     env={"DATABASE_URL": "postgresql://coach@localhost/coach", "DATABASE_PATH": str(path)})
    assert result.returncode == 0, result.stderr
    assert f"the terminal rehearsal always uses the SQLite file {path}" in result.stderr
    assert "DATABASE_URL is used by the Discord bot only" in result.stderr
    quiet = run_cli("rehearse", "--list", cwd=tmp_path, env={"DATABASE_PATH": str(path)})
    assert "DATABASE_URL" not in quiet.stderr
