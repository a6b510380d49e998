"""Prep on demand: `/prep tips`, `/prep checklist`, `/prep questions`, `/prep star`, `/prep stories`."""

from __future__ import annotations

from bot.bot import InterviewCoach
from bot.exts.prep._cog import Prep


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(Prep(bot))
