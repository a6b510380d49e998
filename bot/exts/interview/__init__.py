"""Mock interviews on Discord: `/interview ...`, the answer listener and the question buttons."""

from __future__ import annotations

from bot.bot import InterviewCoach
from bot.exts.interview._cog import InterviewCog
from bot.exts.interview._views import InterviewButton


async def setup(bot: InterviewCoach) -> None:
    bot.persistent_items.append(InterviewButton)
    await bot.add_cog(InterviewCog(bot))
