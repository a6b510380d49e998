"""Mock interviews on Discord: `/interview ...`, the answer listener, the question buttons.

`_commands` holds the slash commands, `_start` the entry points other features may call
(`start_mock_interview`, `start_practice`), `_places` the threads and DMs an interview runs in and
what is posted there, `_controls` what the buttons and the answer form do, `_idle` the idle timer,
`_history` the paged history."""

from __future__ import annotations

from bot.bot import InterviewCoach
from bot.exts.interview._commands import InterviewCog
from bot.exts.interview._start import start_mock_interview, start_practice

__all__ = ["setup", "start_mock_interview", "start_practice"]


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(InterviewCog(bot))
