"""`/journal ...`: the user's record of real interviews."""

from __future__ import annotations

from bot.bot import InterviewCoach
from bot.exts.journal._cog import Journal


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(Journal(bot))
