"""`/prep checklist`: a personal checklist for a real interview, ticked with a select menu.

The menu's custom_id carries the owner and the checklist's id, and what the checklist was built
from (stage, company, role, time) is stored, so ticking re-renders it after a restart too."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.checklists import Checklist
from bot.core.stages import stage_label
from bot.core.text import ZWSP, shorten
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, bot_of
from bot.exts._ui import OwnerOnly, guarded
from bot.services.journal import ChecklistProgress

_ESCAPED = re.compile(r"\\([\\*_~`|\[\]()>#-])")
GONE = "This checklist no longer exists. Run `/prep checklist` to make a new one."


def plain(text: str) -> str:
    """Rendered markdown as plain text for a select option (which shows no markdown)."""
    return _ESCAPED.sub(r"\1", text).replace(ZWSP, "").replace("**", "")


def checklist_message(shown: ChecklistProgress) -> tuple[list[discord.Embed], discord.ui.View]:
    record = shown.record
    embed = discord.Embed(title=f"{stage_label(record.stage)} checklist",
                          description=shown.body, colour=COLOUR)
    footer = f"{shown.ticked} of {shown.total} done"
    if shown.ticked == shown.total:
        footer += " · all done: good luck!"
    embed.set_footer(text=footer + " · tick items in the menu below")
    embeds = [embed]
    if shown.checklist.extra:
        notes = discord.Embed(description=shown.checklist.extra, colour=COLOUR)
        if shown.notes_total > shown.notes_shown:
            notes.set_footer(text=f"Your {shown.notes_shown} most recent of {shown.notes_total} "
                                  "journal entries for this company; see /journal list for the rest")
        else:
            notes.set_footer(text="From your journal: /journal list")
        embeds.append(notes)
    view = discord.ui.View(timeout=None)
    view.add_item(ChecklistSelect(record.user_id, record.id, shown.checklist, shown.done))
    return embeds, view


class ChecklistSelect(OwnerOnly, discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                      template=r"prep:cl:(?P<owner>\d+):(?P<checklist>\d+)"):
    not_yours = ("This checklist belongs to someone else, so I left it as it was. Run "
                 "`/prep checklist` to make your own.")

    def __init__(self, owner_id: int, checklist_id: int, checklist: Checklist | None = None,
                 done: frozenset[str] | set[str] | None = None) -> None:
        items = checklist.items if checklist else ()
        options = [discord.SelectOption(label=shorten(plain(item.text), 100), value=item.id,
                                        default=item.id in (done or set()))
                   for item in items]
        super().__init__(discord.ui.Select(
            placeholder="Tick what you've done (untick to undo)", options=options,
            min_values=0, max_values=max(len(options), 1),
            custom_id=f"prep:cl:{owner_id}:{checklist_id}"))
        self.owner_id, self.checklist_id = owner_id, checklist_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ChecklistSelect:
        return cls(int(match["owner"]), int(match["checklist"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "checklist menu", lambda: self._tick(interaction))

    async def _tick(self, interaction: discord.Interaction) -> None:
        shown = await bot_of(interaction).journal.tick(interaction.user.id, self.checklist_id,
                                                       self.item.values)
        if shown is None:
            raise UserFacingError(GONE)
        embeds, view = checklist_message(shown)
        await interaction.response.edit_message(embeds=embeds, view=view)
