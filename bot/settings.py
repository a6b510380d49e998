"""Typed settings read from keyword overrides, the environment and a `.env` file."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROMPTS_DIR = PROJECT_ROOT / "prompts"
DEFAULT_DATABASE_PATH = Path("data") / "interview_coach.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message says which and how to fix it."""


class Secret:
    """A string that never shows itself in logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot needs to start.

    Keyword arguments win over the environment, which wins over `.env`
    (read from the current directory unless `env_file` says otherwise).
    """

    token: Secret = field(default_factory=lambda: Secret(""))
    database_path: Path = DEFAULT_DATABASE_PATH
    dev_guild_id: int | None = None
    prompts_dir: Path = DEFAULT_PROMPTS_DIR
    log_level: str = "INFO"
    idle_pause_minutes: int = 30
    abandon_after_days: int = 7
    message_content: bool = True
    database_url: Secret = field(default_factory=lambda: Secret(""))  # postgresql://...: wins over the path
    shard_count: int | None = None  # run an AutoShardedBot over SHARD_IDS of SHARD_COUNT shards
    shard_ids: tuple[int, ...] | None = None

    def __init__(
        self,
        *,
        token: str | Secret | None = None,
        database_path: str | os.PathLike[str] | None = None,
        dev_guild_id: int | str | None = None,
        prompts_dir: str | os.PathLike[str] | None = None,
        log_level: str | None = None,
        idle_pause_minutes: int | str | None = None,
        abandon_after_days: int | str | None = None,
        message_content: bool | str | None = None,
        database_url: str | Secret | None = None,
        shard_count: int | str | None = None,
        shard_ids: str | Sequence[int] | None = None,
        env_file: str | os.PathLike[str] | None = ".env",
        environ: dict[str, str] | None = None,
    ) -> None:
        source: dict[str, Any] = {}
        if env_file is not None and Path(env_file).is_file():
            source.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        source.update(os.environ if environ is None else environ)

        def pick(value: Any, name: str) -> Any:
            if value is not None:
                return value
            raw = source.get(name, "")
            return raw.strip() if isinstance(raw, str) and raw.strip() else None

        raw_token = pick(token, "DISCORD_TOKEN")
        set_ = object.__setattr__
        set_(self, "token", raw_token if isinstance(raw_token, Secret) else Secret(raw_token or ""))
        set_(self, "database_path", Path(pick(database_path, "DATABASE_PATH") or DEFAULT_DATABASE_PATH))
        set_(self, "prompts_dir", Path(pick(prompts_dir, "PROMPTS_DIR") or DEFAULT_PROMPTS_DIR))
        set_(self, "dev_guild_id", _parse_guild_id(pick(dev_guild_id, "DEV_GUILD_ID")))
        level = str(pick(log_level, "LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}.")
        set_(self, "log_level", level)
        set_(self, "idle_pause_minutes", _positive_int(
            pick(idle_pause_minutes, "IDLE_PAUSE_MINUTES"), "IDLE_PAUSE_MINUTES", 30))
        set_(self, "abandon_after_days", _positive_int(
            pick(abandon_after_days, "ABANDON_AFTER_DAYS"), "ABANDON_AFTER_DAYS", 7))
        set_(self, "message_content", _boolean(
            pick(message_content, "MESSAGE_CONTENT_INTENT"), "MESSAGE_CONTENT_INTENT", True))
        raw_url = pick(database_url, "DATABASE_URL")
        url = raw_url.get() if isinstance(raw_url, Secret) else str(raw_url or "")
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise SettingsError("DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host/database); "
                                "leave it unset to use the SQLite file at DATABASE_PATH.")
        set_(self, "database_url", Secret(url))
        count = pick(shard_count, "SHARD_COUNT")
        set_(self, "shard_count", None if count is None else _positive_int(count, "SHARD_COUNT", 1))
        set_(self, "shard_ids", _shard_ids(pick(shard_ids, "SHARD_IDS"), self.shard_count))
        if not self.prompts_dir.is_dir():
            raise SettingsError(f"PROMPTS_DIR {str(self.prompts_dir)!r} is not a folder.")

    @property
    def database_target(self) -> str | Path:
        """Where the store lives: the PostgreSQL URL when set, else the SQLite file."""
        return self.database_url.get() or self.database_path

    @property
    def log_level_number(self) -> int:
        return logging.getLevelName(self.log_level)


def _boolean(value: bool | str | None, name: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}.")


def _positive_int(value: int | str | None, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise SettingsError(f"{name} must be a whole number above 0, not {text!r}.")
    return int(text)


def _shard_ids(value: str | Sequence[int] | None, count: int | None) -> tuple[int, ...] | None:
    """SHARD_IDS: the shards this process runs, "0,1" or "0-3"; all of SHARD_COUNT when unset."""
    if value is None or value == "":
        return None
    if count is None:
        raise SettingsError("SHARD_IDS needs SHARD_COUNT (the total number of shards of the bot).")
    ids: list[int] = []
    if isinstance(value, str):
        for piece in (p.strip() for p in value.split(",") if p.strip()):
            low, _, high = piece.partition("-")
            if not (low.isdigit() and (not high or high.isdigit())):
                raise SettingsError(f"SHARD_IDS must be shard numbers like 0,1 or 0-3, not {value!r}.")
            ids.extend(range(int(low), int(high or low) + 1))
    else:
        ids = [int(i) for i in value]
    bad = [i for i in ids if not 0 <= i < count]
    if bad or not ids:
        raise SettingsError(f"SHARD_IDS must be between 0 and SHARD_COUNT - 1 ({count - 1}), not {bad or value!r}.")
    return tuple(sorted(set(ids)))


def _parse_guild_id(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        guild_id = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise SettingsError(
                f"DEV_GUILD_ID must be a numeric server id (right-click the server with "
                f"Developer Mode on -> Copy Server ID), not {text!r}."
            )
        guild_id = int(text)
    if guild_id <= 0:
        raise SettingsError("DEV_GUILD_ID must be a positive server id.")
    return guild_id
