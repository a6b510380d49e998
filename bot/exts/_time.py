"""The user's time zone for time-dependent commands: read it, or ask for it once."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.exts._common import bot_of, reply
from bot.exts._ui import OwnerOnly, guarded

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
                             "Nothing was saved yet.", view=zone_picker(interaction.user.id))
    return None


class ZonePicker(OwnerOnly, discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                 template=r"zone:pick:(?P<owner>\d{1,20})"):
    """The likely zones in one menu. Persistent: it still works after a restart or an hour."""

    not_yours = "This menu is for someone else."

    def __init__(self, owner_id: int) -> None:
        super().__init__(discord.ui.Select(
            placeholder="Your time zone", custom_id=f"zone:pick:{owner_id}",
            options=[discord.SelectOption(label=zone, value=zone) for zone in LIKELY_ZONES]))
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ZonePicker:
        return cls(int(match["owner"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "time zone menu", lambda: self._chosen(interaction))

    async def _chosen(self, interaction: discord.Interaction) -> None:
        change = await bot_of(interaction).user_settings.set_zone(interaction.user.id, self.item.values[0])
        await interaction.response.edit_message(
            content=f"Saved: **{change.zone.key}** (it is {change.local_now:%H:%M} there now). "
                    "Run your command again.", view=None)


def zone_picker(owner_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ZonePicker(owner_id))
    return view
