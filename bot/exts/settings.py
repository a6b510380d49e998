"""`/settings ...`: per-server and per-user preferences."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.exts._common import reply


class Settings(commands.Cog):
    settings = app_commands.Group(name="settings", description="Your preferences and server settings")
    server = app_commands.Group(name="server", description="Server settings (Manage Server only)",
                                parent=settings, guild_only=True,
                                default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    @server.command(name="interview_channel",
                    description="Where interview threads are opened (leave empty to reset)")
    @app_commands.describe(channel="A text channel; empty means the channel /interview start is used in")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def interview_channel(self, interaction: discord.Interaction,
                                channel: discord.TextChannel | None = None) -> None:
        assert interaction.guild_id is not None
        await self.bot.store.guilds.set_interview_channel(
            interaction.guild_id, channel.id if channel else None, self.bot.clock.now())
        if channel is None:
            await reply(interaction, "Interview threads will open in the channel where "
                                     "`/interview start` is used.")
        else:
            await reply(interaction, f"Interview threads will open in {channel.mention}. Make sure "
                                     "I can create private threads there.")


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(Settings(bot))
