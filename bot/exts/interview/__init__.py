"""Mock interviews on Discord: `/interview ...`, the answer listener, the question buttons.

`_commands` holds the slash commands, `_start` the entry points other features may call
(`start_mock_interview`, `start_practice`), `_places` the threads and DMs an interview runs in and
what is posted there, `_controls` what the buttons and the answer form do, `_idle` the idle timer,
`_history` the paged history."""

from __future__ import annotations

import discord

from bot.bot import InterviewCoach
from bot.exts._common import bot_of
from bot.exts.interview._commands import InterviewCog
from bot.exts.interview._places import InterviewPlaces
from bot.exts.interview._start import start_mock_interview, start_practice

__all__ = ["send_interview_report", "setup", "start_mock_interview", "start_practice"]


async def send_interview_report(interaction: discord.Interaction, session_id: int) -> None:
    """Show the user one of their finished interviews' report and transcript, privately (a
    mentor or peer mock interview's "Report" button); it then counts as delivered."""
    bot = bot_of(interaction)
    session, _, report = await bot.interviews.report_of(session_id, user_id=interaction.user.id)
    await InterviewPlaces(bot).send_report(interaction, None, session=session, report=report)


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(InterviewCog(bot))
