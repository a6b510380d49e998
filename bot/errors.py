"""One place that turns exceptions into what the user sees, for commands, views and modals."""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot.core.interview import InterviewError
from bot.templating import TemplateError

log = logging.getLogger("bot.errors")


class UserFacingError(Exception):
    """An expected problem with what the user asked for; the message is shown to them as is."""


EXPECTED = (UserFacingError, InterviewError)
# Permission names as Discord's client shows them.
_PERMISSION_NAMES = {"manage_guild": "Manage Server", "view_channel": "View Channels",
                     "create_private_threads": "Create Private Threads",
                     "send_messages_in_threads": "Send Messages in Threads"}


def _permission_list(names: list[str]) -> str:
    return ", ".join(_PERMISSION_NAMES.get(p, p.replace("_", " ").title()) for p in names)


def describe(error: BaseException) -> tuple[str, str | None]:
    """The message for the user, and an error id when the error was unexpected (and logged)."""
    original = getattr(error, "original", None) or error
    if isinstance(original, EXPECTED):
        return str(original), None
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f}s.", None
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the {_permission_list(error.missing_permissions)} permission to do that.", None
    if isinstance(error, app_commands.BotMissingPermissions):
        return f"I need the {_permission_list(error.missing_permissions)} permission here to do that.", None
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command only works in a server.", None
    if isinstance(error, app_commands.TransformerError):
        return f"I could not understand {error.value!r} for that option.", None
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use that command here.", None
    error_id = secrets.token_hex(4)
    if isinstance(original, TemplateError):
        log.error("Template error [%s]: %s", error_id, original)
    return (f"Sorry, something went wrong on my side. Nothing you did caused it, and it has "
            f"been logged (error id `{error_id}`). Please try again in a moment."), error_id


async def reply_with_error(interaction: discord.Interaction, error: BaseException,
                           *, where: str) -> None:
    message, error_id = describe(error)
    if error_id is not None:
        command = interaction.command.qualified_name if interaction.command else None
        log.error(
            "Unexpected error [%s] in %s (command=%s user=%s guild=%s channel=%s)",
            error_id, where, command, interaction.user.id if interaction.user else None,
            interaction.guild_id, interaction.channel_id,
            exc_info=getattr(error, "original", None) or error,
        )
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True,
                                            allowed_mentions=discord.AllowedMentions.none())
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException:
        log.warning("Could not tell the user about an error (%s)", where, exc_info=True)


RESTARTING = "I'm restarting right now, so I didn't start that. Try again in a minute; nothing was lost."


class CoachTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if getattr(interaction.client, "closing", False):
            await reply_with_error(interaction, UserFacingError(RESTARTING), where="closing")
            return False
        return True

    async def on_error(self, interaction: discord.Interaction,
                       error: app_commands.AppCommandError) -> None:
        await reply_with_error(interaction, error, where="command")
