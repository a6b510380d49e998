"""`/help`: what the bot does and its commands."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach


class Help(commands.Cog):
    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot does and how to use it")
    async def help(self, interaction: discord.Interaction) -> None:
        commands_ = sorted(
            (c.qualified_name, c.description) for c in self.bot.tree.walk_commands()
            if isinstance(c, app_commands.Command)
        )
        text = self.bot.library.render("messages/help.md.j2", commands=commands_,
                                       scripts=sorted(self.bot.library.scripts.values(),
                                                      key=lambda s: (s.stage, s.id)))
        embed = discord.Embed(title="Interview Coach", description=text[:4096],
                              colour=discord.Colour.blurple())
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(Help(bot))
