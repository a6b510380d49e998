"""Things the bot could not DM a user, told at their next command.

When a nudge cannot be DMed (DMs closed), a one-line summary is kept in `users.pending_notice`.
Any command can hand it over by calling, after it has responded:

    from bot.exts._notices import deliver_pending_notice
    await deliver_pending_notice(interaction)

It sends an ephemeral follow-up (only that user sees it) and clears the notice atomically, so
it is shown once. It never raises: a failure to deliver keeps nothing from the command."""

from __future__ import annotations

import logging

import discord

from bot.exts._common import NO_MENTIONS, bot_of

log = logging.getLogger(__name__)

OPEN_DMS = ("To get reminders with their buttons, let me DM you: in the server menu open "
            "**Privacy Settings** and turn on **Direct Messages**.")


async def deliver_pending_notice(interaction: discord.Interaction) -> bool:
    """Show the user what is waiting for them, once. True when something was shown."""
    try:
        notice = await bot_of(interaction).user_settings.take_pending_notice(interaction.user.id)
    except Exception:
        log.exception("Could not read the pending notice for user %s", interaction.user.id)
        return False
    if not notice:
        return False
    text = f"**I couldn't reach you by DM. Here's what you missed:**\n{notice}\n\n{OPEN_DMS}"
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("Could not show the pending notice; keeping it for next time", exc_info=True)
        await bot_of(interaction).user_settings.keep_pending_notice(interaction.user.id, notice)
        return False
    return True
