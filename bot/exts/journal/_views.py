"""What `/journal` shows: an entry's card, the paged list with its menu, and the two forms.

Everything reaches the user's own entries through `bot.journal` with the clicker's id, and
every persistent control carries its owner's id, so nobody sees or changes someone else's."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.core.fields import fit_lines
from bot.core.journal import FIELD_LIMITS, entry_choice_label, entry_heading, format_entry, list_line
from bot.core.models import JournalEntry
from bot.core.text import escape_discord, shorten
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, NO_MENTIONS, bot_of
from bot.exts._ui import (
    CardReply,
    OwnerOnly,
    RecordKind,
    as_user_error,
    guarded,
    page_buttons,
    record_card,
    send_form,
    text_input,
)

PAGES = "journal"  # the shared pager's name for the journal list
PAGE_SIZE = 15
NOT_YOURS = "That journal entry belongs to someone else, so I left it as it was."
GONE = "That journal entry is no longer in your journal."


def entry_embed(entry: JournalEntry) -> discord.Embed:
    embed = discord.Embed(title=shorten(escape_discord(entry_heading(entry.company, entry.stage)), 256),
                          description=format_entry(entry), colour=COLOUR)
    embed.set_footer(text=f"Journal entry #{entry.id} · /journal list")
    return embed


class EntryCard(RecordKind):
    """Journal entries on the shared record card."""

    name = "journal"
    not_yours = NOT_YOURS
    gone = GONE
    list_label = "All entries"

    async def load(self, interaction: discord.Interaction, record_id: int) -> JournalEntry | None:
        return await bot_of(interaction).journal.entry(interaction.user.id, record_id)

    def draw(self, record: JournalEntry) -> discord.Embed:
        return entry_embed(record)

    def confirm_delete(self, record: JournalEntry) -> str:
        return "Delete this entry from your journal? This cannot be undone."

    async def edit(self, interaction: discord.Interaction, record: JournalEntry) -> None:
        await send_form(interaction, EditModal(record, interaction.user.id))

    async def delete(self, interaction: discord.Interaction, record: JournalEntry) -> CardReply | None:
        deleted = await bot_of(interaction).journal.delete_entry(interaction.user.id, record.id)
        if deleted is None:
            return None
        return CardReply(f"Deleted journal entry #{deleted.id} "
                         f"({escape_discord(entry_heading(deleted.company, deleted.stage))}).",
                         None, None)

    async def listing(self, interaction: discord.Interaction) -> CardReply:
        return CardReply(None, *await list_page(interaction, interaction.user.id, 0))


ENTRY_CARD = EntryCard()


def entry_card(owner_id: int, entry_id: int, *, confirm: bool = False) -> discord.ui.View:
    return record_card(ENTRY_CARD, owner_id, entry_id, confirm=confirm)


# --- the list -----------------------------------------------------------------------------------

async def list_page(interaction: discord.Interaction, owner_id: int, page: int,
                    arg: str = "") -> tuple[discord.Embed, discord.ui.View | None]:
    """Page `page` of the owner's journal (the shared pager draws every page with this)."""
    bot = bot_of(interaction)
    shown = await bot.journal.entries_page(owner_id, page, PAGE_SIZE)
    embed = discord.Embed(title=f"Your interview journal ({shown.total})", colour=COLOUR)
    if not shown.entries:
        embed.description = ("Nothing here yet. Log a real interview with `/journal add`: "
                             "company, role, date, who you met, notes and feedback.")
        return embed, None
    lines, compact = zip(*(list_line(entry) for entry in shown.entries), strict=True)
    embed.description = (fit_lines(lines, compact)
                         + "\n\nChoose an entry below to read, edit or delete it.")
    embed.set_footer(text=f"Page {shown.page + 1} of {shown.pages} · most recent first")
    view = discord.ui.View(timeout=None)
    view.add_item(EntryPickSelect(owner_id, shown.page, shown.entries,
                                  await bot.user_settings.zone(owner_id)))
    for button in page_buttons(PAGES, owner_id, shown.page, shown.pages):
        view.add_item(button)
    return embed, view


class EntryPickSelect(OwnerOnly, discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                      template=r"journal:pick:(?P<owner>\d+):(?P<page>\d+)"):
    not_yours = NOT_YOURS

    def __init__(self, owner_id: int, page: int, entries: list[JournalEntry] | None = None,
                 zone: ZoneInfo | None = None) -> None:
        options = [discord.SelectOption(label=entry_choice_label(e, zone), value=str(e.id))
                   for e in (entries or [])[:25]]
        super().__init__(discord.ui.Select(placeholder="Read, edit or delete an entry",
                                           options=options,
                                           custom_id=f"journal:pick:{owner_id}:{page}"))
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> EntryPickSelect:
        return cls(int(match["owner"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "journal menu", lambda: self._pick(interaction))

    async def _pick(self, interaction: discord.Interaction) -> None:
        entry = await bot_of(interaction).journal.entry(interaction.user.id, int(self.item.values[0]))
        if entry is None:
            raise UserFacingError(GONE)
        await interaction.response.edit_message(content=None, embed=entry_embed(entry),
                                                view=entry_card(self.owner_id, entry.id))


# --- the forms ----------------------------------------------------------------------------------

NOTES_FORM = r"journal:add:(?P<owner>\d{1,20}):(?P<draft>\d{1,18})"
EDIT_FORM = r"journal:edit:(?P<owner>\d{1,20}):(?P<entry>\d{1,18})"
FORM_EXPIRED = ("This form was open too long and its details (company, date...) are gone, so "
                "nothing was saved. Run `/journal add` again; your text is below.")


class NotesModal(discord.ui.Modal):
    """`/journal add`: the long fields, after the short ones came as command options (kept as a
    draft meanwhile). Answered by its custom id (`NOTES_FORM`), so it lands after a restart."""

    def __init__(self, owner_id: int, draft_id: int, company: str) -> None:
        super().__init__(title=shorten(f"Journal: {company}", 45),
                         custom_id=f"journal:add:{owner_id}:{draft_id}", timeout=None)
        self.add_item(text_input("notes", "Notes: what they asked, what you said",
                                 max_length=FIELD_LIMITS["notes"], paragraph=True,
                                 placeholder="Optional. Questions asked, who you met, what to "
                                             "follow up on"))
        self.add_item(text_input("feedback", "Feedback you received",
                                 max_length=FIELD_LIMITS["feedback"], paragraph=True,
                                 placeholder="Optional. What the recruiter or interviewer said"))


async def notes_submitted(interaction: discord.Interaction, match: re.Match[str],
                          values: dict[str, str]) -> None:
    user_id = _owner(interaction, match)
    with as_user_error():
        entry = await bot_of(interaction).journal.add_entry_from_draft(
            user_id, int(match["draft"]), notes=values.get("notes", ""), feedback=values.get("feedback", ""))
    if entry is None:
        raise UserFacingError(FORM_EXPIRED)
    await interaction.response.send_message(
        "Saved to your journal.", embed=entry_embed(entry), view=entry_card(user_id, entry.id),
        ephemeral=True, allowed_mentions=NO_MENTIONS)


EDITED_FIELDS = ("role", "interviewers", "outcome", "notes", "feedback")


class EditModal(discord.ui.Modal):
    """Edit an entry's free-text fields; company, stage and date change with `/journal edit`.
    Answered by its custom id (`EDIT_FORM`), so it lands after a restart."""

    def __init__(self, entry: JournalEntry, owner_id: int) -> None:
        super().__init__(title=shorten(f"Edit: {entry.company}", 45),
                         custom_id=f"journal:edit:{owner_id}:{entry.id}", timeout=None)
        for item in (
            text_input("role", "Role", max_length=FIELD_LIMITS["role"], default=entry.role),
            text_input("interviewers", "Interviewers (names and titles)",
                       max_length=FIELD_LIMITS["interviewers"], default=entry.interviewers),
            text_input("outcome", "Outcome (e.g. waiting, next round, offer)",
                       max_length=FIELD_LIMITS["outcome"], default=entry.outcome),
            text_input("notes", "Notes", max_length=FIELD_LIMITS["notes"], paragraph=True,
                       default=entry.notes),
            text_input("feedback", "Feedback you received", max_length=FIELD_LIMITS["feedback"],
                       paragraph=True, default=entry.feedback),
        ):
            self.add_item(item)


async def edit_submitted(interaction: discord.Interaction, match: re.Match[str],
                         values: dict[str, str]) -> None:
    user_id = _owner(interaction, match)
    with as_user_error():
        updated = await bot_of(interaction).journal.update_entry(
            user_id, int(match["entry"]), {key: values.get(key, "") for key in EDITED_FIELDS})
    if updated is None:
        raise UserFacingError(GONE)
    if interaction.message is not None:  # opened from the entry's Edit button
        await interaction.response.edit_message(
            content="Entry updated.", embed=entry_embed(updated),
            view=entry_card(user_id, updated.id), allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(
            "Entry updated.", embed=entry_embed(updated), view=entry_card(user_id, updated.id),
            ephemeral=True, allowed_mentions=NO_MENTIONS)


def _owner(interaction: discord.Interaction, match: re.Match[str]) -> int:
    if int(match["owner"]) != interaction.user.id:
        raise UserFacingError(NOT_YOURS)
    return interaction.user.id
