"""The user's time zone for time-dependent commands: read it, or ask for it once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord

from bot.exts._common import bot_of, reply

LIKELY_ZONES = (
    "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
    "America/Sao_Paulo", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Athens",
    "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
    "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "UTC",
)


async def user_zone(interaction: discord.Interaction) -> ZoneInfo | None:
    """The user's saved zone, or None after asking them to pick one (the command stops there
    and nothing is changed: times are never silently read as UTC)."""
    zone = await bot_of(interaction).user_settings.zone(interaction.user.id)
    if zone is not None:
        return zone
    await reply(interaction, "First, which time zone are you in? Pick one below (or set any "
                             "zone with `/settings timezone`), then run the command again. "
                             "Nothing was saved yet.", view=ZonePicker(interaction.user.id))
    return None


class ZonePicker(discord.ui.View):
    def __init__(self, user_id: int) -> None:
        super().__init__(timeout=600)
        self.user_id = user_id
        select = discord.ui.Select(placeholder="Your time zone", options=[
            discord.SelectOption(label=zone, value=zone) for zone in LIKELY_ZONES])
        select.callback = self._chosen  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await reply(interaction, "This menu is for someone else.")
            return False
        return True

    async def _chosen(self, interaction: discord.Interaction) -> None:
        change = await bot_of(interaction).user_settings.set_zone(interaction.user.id,
                                                                  self.select.values[0])
        await interaction.response.edit_message(
            content=f"Saved: **{change.zone.key}** (it is {change.local_now:%H:%M} there now). "
                    "Run your command again.", view=None)
