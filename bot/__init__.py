"""Interview Coach: a Discord bot for second-round and final job interviews.

The package imports nothing on its own, so `import bot.core.feedback` (the pure domain) does not
load discord, aiosqlite or Jinja. `from bot import create_bot` still works: the names below are
imported the first time they are asked for."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.bot import InterviewCoach, create_bot
    from bot.settings import Settings, SettingsError

__all__ = ["InterviewCoach", "Settings", "SettingsError", "create_bot"]
_WHERE = {"InterviewCoach": "bot.bot", "create_bot": "bot.bot",
          "Settings": "bot.settings", "SettingsError": "bot.settings"}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
