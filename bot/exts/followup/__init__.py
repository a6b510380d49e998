"""`/followup ...`: log a real interview and get DM nudges around it. The feature's Discord side:
`_cog` (the slash commands), `_views` (the nudge buttons and the next-interview form) and
`_courier` (how the dispatcher's nudges reach Discord); its rules and data are in
`bot.followups` (`bot/services/followups.py`, `bot/core/followups.py`, `prompts/nudges/`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.followup._cog import FollowUpCog

if TYPE_CHECKING:
    from bot.bot import InterviewCoach


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(FollowUpCog(bot))
