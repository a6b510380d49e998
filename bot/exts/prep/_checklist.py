"""`/prep checklist`: a personal checklist for a real interview, ticked with a select menu.

The menu's custom_id carries the owner and the checklist's id, and what the checklist was built
from (stage, company, role, time) is stored, so ticking re-renders it after a restart too."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.prep import (
    MAX_JOURNAL_NOTES_IN_CHECKLIST,
    Checklist,
    PersonalChecklist,
    fits_in_one_message,
    journal_notes,
    parse_checklist,
)
from bot.core.stages import stage_label
from bot.core.text import ZWSP, shorten
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, bot_of
from bot.exts._ui import OwnerOnly, guarded

_ESCAPED = re.compile(r"\\([\\*_~`|\[\]()>#-])")


def plain(text: str) -> str:
    """Rendered markdown as plain text for a select option (which shows no markdown)."""
    return _ESCAPED.sub(r"\1", text).replace(ZWSP, "").replace("**", "")


def render_checklist(bot: Any, record: PersonalChecklist, entries: list[Any]) -> Checklist:
    """The stage's template with these journal entries as its notes."""
    name = f"checklists/{record.stage}.md.j2"
    rendered = bot.library.render(name, company=record.company, role=record.role,
                                  when=record.interview_at, notes=journal_notes(entries))
    return parse_checklist(rendered, name)


async def checklist_message(bot: Any, record: PersonalChecklist
                            ) -> tuple[list[discord.Embed], discord.ui.View]:
    entries = await bot.store.journal.for_user(record.user_id, company=record.company)
    done = await bot.store.checklists.done_items(record.user_id, record.key)
    # The most recent journal notes that fit beside the items (long notes mean fewer);
    # check-prompts makes sure one note always fits.
    shown = min(len(entries), MAX_JOURNAL_NOTES_IN_CHECKLIST)
    checklist = render_checklist(bot, record, entries[:shown])
    while shown and not fits_in_one_message(checklist.body(done), checklist.extra):
        shown -= 1
        checklist = render_checklist(bot, record, entries[:shown])
    ticked, total = checklist.progress(done)
    embed = discord.Embed(title=f"{stage_label(record.stage)} checklist",
                          description=checklist.body(done), colour=COLOUR)
    footer = f"{ticked} of {total} done"
    if ticked == total:
        footer += " · all done: good luck!"
    embed.set_footer(text=footer + " · tick items in the menu below")
    embeds = [embed]
    if checklist.extra:
        notes = discord.Embed(description=checklist.extra, colour=COLOUR)
        if len(entries) > shown:
            notes.set_footer(text=f"Your {shown} most recent of {len(entries)} journal entries "
                                  "for this company; see /journal list for the rest")
        else:
            notes.set_footer(text="From your journal: /journal list")
        embeds.append(notes)
    view = discord.ui.View(timeout=None)
    view.add_item(ChecklistSelect(record.user_id, record.id, checklist, done))
    return embeds, view


class ChecklistSelect(OwnerOnly, discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                      template=r"prep:cl:(?P<owner>\d+):(?P<checklist>\d+)"):
    not_yours = ("This checklist belongs to someone else, so I left it as it was. Run "
                 "`/prep checklist` to make your own.")

    def __init__(self, owner_id: int, checklist_id: int, checklist: Checklist | None = None,
                 done: set[str] | None = None) -> None:
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
        bot = bot_of(interaction)
        record = await bot.store.checklists.get(self.checklist_id, interaction.user.id)
        if record is None:
            raise UserFacingError("This checklist no longer exists. Run `/prep checklist` to "
                                  "make a new one.")
        checklist = render_checklist(bot, record, [])  # the items do not depend on the notes
        item_ids = [item.id for item in checklist.items]
        chosen = set(self.item.values) & set(item_ids)
        await bot.store.checklists.set_done_items(record.user_id, record.key, chosen, item_ids,
                                                  bot.clock.now())
        embeds, view = await checklist_message(bot, record)
        await interaction.response.edit_message(embeds=embeds, view=view)
