"""Mock interviews on Discord: `/interview ...`, the answer listener and the question buttons."""

from __future__ import annotations

from bot.bot import InterviewCoach
from bot.exts.interview._cog import InterviewCog


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(InterviewCog(bot))
