"""Interview Coach: a Discord bot for second-round and final job interviews."""

from __future__ import annotations

from bot.bot import InterviewCoach, create_bot
from bot.settings import Settings, SettingsError

__all__ = ["InterviewCoach", "Settings", "SettingsError", "create_bot"]
