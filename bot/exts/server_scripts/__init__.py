"""`/scripts ...`: a server's own interview scripts (Manage Server). The commands are in `_cog`;
checking and storing are `bot.server_scripts` (`bot/services/server_scripts.py`)."""

from __future__ import annotations

from bot.bot import InterviewCoach
from bot.exts.server_scripts._cog import ServerScriptsCog

__all__ = ["setup"]


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(ServerScriptsCog(bot))
