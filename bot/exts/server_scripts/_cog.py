"""The `/scripts` commands: upload, list, show, disable and delete a server's own scripts."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.stages import MOCK_STAGES
from bot.core.text import escape_discord, shorten
from bot.errors import UserFacingError
from bot.exts._common import reply
from bot.services.server_scripts import ScriptRefused

if TYPE_CHECKING:
    from bot.bot import InterviewCoach

PROBLEMS_SHOWN = 15


def refusal(error: ScriptRefused) -> UserFacingError:
    """A refusal with its file-and-line problems, escaped (they quote the upload)."""
    lines = [str(error)]
    if error.problems:
        lines.append("```\n" + "\n".join(p.replace("```", "'''") for p in error.problems)[:1700]
                     + "\n```")
    return UserFacingError("\n".join(lines))


class ServerScriptsCog(commands.Cog, name="ServerScripts"):
    scripts = app_commands.Group(name="scripts", description="This server's own interview scripts "
                                                              "(Manage Server)",
                                 guild_only=True,
                                 default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self.service = bot.server_scripts

    @scripts.command(name="guide", description="How to write a script, with an example file to copy")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def guide(self, interaction: discord.Interaction) -> None:
        guide = self.service.guide()
        embed = discord.Embed(title="Writing this server's own scripts",
                              description=shorten(guide.text, 4000), colour=discord.Colour.blurple())
        embed.set_footer(text=f"Attached: {guide.filename}, an example that passes the check. Change its ids, "
                              "texts and questions, then upload it with /scripts add.")
        await reply(interaction, embed=embed,
                    file=discord.File(io.BytesIO(guide.example.encode("utf-8")), filename=guide.filename))

    @scripts.command(name="add", description="Upload a script file (our script format); a new "
                                             "version if its id exists")
    @app_commands.describe(file="The script, a .j2 or .txt file (/scripts guide has an example)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            uploaded = await self.service.upload(interaction.guild_id, interaction.user.id,
                                                 file.filename, file.size, file.read)
        except ScriptRefused as error:
            raise refusal(error) from None
        stored = uploaded.stored
        what = (f"Version {stored.version} of **{escape_discord(stored.title)}** replaces version "
                f"{uploaded.replaced}; interviews already running on it keep their version."
                if uploaded.replaced else f"Added **{escape_discord(stored.title)}**.")
        await reply(interaction, f"{what}\n`{stored.script_id}` · "
                                 f"{MOCK_STAGES.get(stored.stage, stored.stage)} · {stored.questions} "
                                 f"questions · ~{stored.minutes} min. Members find it in `/interview "
                                 f"start` and `/mock`, marked as this server's.")

    @scripts.command(name="list", description="This server's scripts and their versions")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def list_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        listing = await self.service.listing(interaction.guild_id)
        if not listing:
            await reply(interaction, "This server has no scripts of its own yet. `/scripts guide` shows how "
                                     "to write one, with an example to copy; upload it with `/scripts add`.")
            return
        lines = [f"• `{s.script_id}` · **{escape_discord(s.title)}** · v{s.version} · "
                 f"{s.questions} questions · {s.status}"
                 f" · uploaded {discord.utils.format_dt(s.uploaded_at, 'R')}" for s in listing]
        embed = discord.Embed(title="This server's scripts", description="\n".join(lines)[:4000])
        await reply(interaction, embed=embed)

    @scripts.command(name="show", description="One script's details and its file")
    @app_commands.describe(script="The script (start typing its title or id)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def show(self, interaction: discord.Interaction, script: str) -> None:
        assert interaction.guild_id is not None
        try:
            stored = await self.service.latest(interaction.guild_id, script)
        except ScriptRefused as error:
            raise refusal(error) from None
        text = (f"**{escape_discord(stored.title)}** · `{stored.script_id}` v{stored.version} · "
                f"{stored.status}\n{MOCK_STAGES.get(stored.stage, stored.stage)} · "
                f"{stored.questions} questions · ~{stored.minutes} min · uploaded by <@{stored.uploaded_by}> "
                f"{discord.utils.format_dt(stored.uploaded_at, 'R')}")
        await reply(interaction, text, file=discord.File(io.BytesIO(stored.source.encode("utf-8")),
                                                         filename=stored.filename))

    @scripts.command(name="disable", description="Stop offering a script (running interviews go on)")
    @app_commands.describe(script="The script (start typing its title or id)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def disable(self, interaction: discord.Interaction, script: str) -> None:
        assert interaction.guild_id is not None
        try:
            stored = await self.service.disable(interaction.guild_id, script)
        except ScriptRefused as error:
            raise refusal(error) from None
        await reply(interaction, f"**{escape_discord(stored.title)}** is no longer offered. "
                                 "Interviews already running on it go on; upload it again to offer "
                                 "it again.")

    @scripts.command(name="delete", description="Delete a script (past interviews keep their copy)")
    @app_commands.describe(script="The script (start typing its title or id)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def delete(self, interaction: discord.Interaction, script: str) -> None:
        assert interaction.guild_id is not None
        try:
            stored = await self.service.delete(interaction.guild_id, script)
        except ScriptRefused as error:
            raise refusal(error) from None
        await reply(interaction, f"Deleted **{escape_discord(stored.title)}**. It is no longer offered; "
                                 "interviews that used it keep the version they ran on, so their "
                                 "reports still work.")

    @show.autocomplete("script")
    @disable.autocomplete("script")
    @delete.autocomplete("script")
    async def script_autocomplete(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        text = current.lower()
        return [app_commands.Choice(name=f"{s.title} ({s.script_id}, v{s.version}, {s.status})"[:100],
                                    value=s.script_id)
                for s in await self.service.listing(interaction.guild_id)
                if text in s.script_id or text in s.title.lower()][:25]
