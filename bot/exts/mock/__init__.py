"""Mentor and peer mock interviews: `/mock request`, `/mock pair`, the private thread, the
interviewer's panel. `_cog` holds the commands, `_views` the persistent controls and forms,
`_flows` what they do; the rules and the state are `bot.mocks` (`bot/services/mocks.py`,
`bot/core/mocks.py`)."""

from __future__ import annotations

from bot.bot import InterviewCoach
from bot.exts.mock._cog import MockCog

__all__ = ["setup"]


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(MockCog(bot))
