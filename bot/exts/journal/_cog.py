"""`/journal ...`: the user's record of real interviews (company, role, stage, date,
interviewers, notes, feedback, outcome). Checklists and follow-up nudges read from it.

Everything is private: replies are ephemeral, and `bot.journal` only ever reads or changes the
entries of the user who asked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.core.journal import EntryNotChosen, clean_entry_fields, entry_choice_label
from bot.core.models import JournalEntry
from bot.core.stages import STAGE_LABELS
from bot.core.text import shorten
from bot.errors import UserFacingError
from bot.exts._common import NO_MENTIONS
from bot.exts._time import user_zone
from bot.exts._ui import (
    as_user_error,
    register_form,
    register_pages,
    register_record_kind,
    send_form,
    unregister_form,
    unregister_pages,
    unregister_record_kind,
)
from bot.exts.journal._views import (
    EDIT_FORM,
    ENTRY_CARD,
    GONE,
    NOT_YOURS,
    NOTES_FORM,
    PAGES,
    EditModal,
    EntryPickSelect,
    NotesModal,
    edit_submitted,
    entry_card,
    entry_embed,
    list_page,
    notes_submitted,
)

STAGE_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in STAGE_LABELS.items()]


def _not_chosen(error: EntryNotChosen) -> UserFacingError:
    text = shorten(error.typed, 40)
    if error.matches > 1:
        return UserFacingError(f"{error.matches} of your entries match {text!r}; pick one from "
                               "the list as you type.")
    # The same message whether the entry does not exist or is someone else's: ids reveal nothing.
    return UserFacingError(f"I can't find {text!r} among your journal entries. Start typing the "
                           "company or date and pick one from the list, or see `/journal list`.")


_ENTRY = "Start typing the company or the date, then pick the entry"
_DATE = 'When it was (or will be), in your time zone: "2026-11-20 14:00", "yesterday 10am"'
_DESCRIBE = {
    "company": "The company", "role": "The job title", "stage": "Which round it was",
    "date": _DATE, "interviewers": "Who you met, with their titles: \"Dana Lee (Head of Data)\"",
    "outcome": "What happened: waiting, next round, offer, rejected...",
}


class Journal(commands.GroupCog, group_name="journal",
              group_description="Your record of real interviews: notes, feedback, outcomes"):
    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        # The persistent controls come and go with the feature (a reload registers them once).
        self.bot.add_dynamic_items(EntryPickSelect)
        register_pages(PAGES, list_page, not_yours=NOT_YOURS)
        register_record_kind(self.bot, ENTRY_CARD)
        register_form("journal notes", NOTES_FORM, notes_submitted)
        register_form("journal edit", EDIT_FORM, edit_submitted)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(EntryPickSelect)
        unregister_pages(PAGES)
        unregister_record_kind(self.bot, ENTRY_CARD)
        unregister_form("journal notes")
        unregister_form("journal edit")

    async def _short_fields(self, interaction: discord.Interaction, *, date: str | None,
                            **given: str | None) -> dict[str, Any] | None:
        """The short fields given as options, checked (a bad one is refused before anything
        else), with the date read in the user's zone; None when the user was just asked for
        their zone (nothing is saved)."""
        with as_user_error():
            fields: dict[str, Any] = clean_entry_fields(given)
        proceed, when = await self._date(interaction, date)
        if not proceed:
            return None
        if when is not None:
            fields["interview_at"] = when
        return fields

    async def _date(self, interaction: discord.Interaction,
                    text: str | None) -> tuple[bool, datetime | None]:
        """(go on?, the UTC time or None when no date was given). Stops when the user has no
        time zone yet: they were just asked for one, and nothing is saved."""
        if text is None or not text.strip():
            return True, None
        zone = await user_zone(interaction)
        if zone is None:
            return False, None
        with as_user_error():
            return True, self.bot.journal.read_entry_date(text, zone)

    async def _entry(self, interaction: discord.Interaction, text: str) -> JournalEntry:
        user_id = interaction.user.id
        try:
            return await self.bot.journal.find_entry_for_choice(
                user_id, text, await self.bot.user_settings.zone(user_id))
        except EntryNotChosen as error:
            raise _not_chosen(error) from None

    async def _entry_choices(self, interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        user_id = interaction.user.id  # only ever the user's own entries
        zone = await self.bot.user_settings.zone(user_id)
        return [app_commands.Choice(name=entry_choice_label(e, zone), value=str(e.id))
                for e in await self.bot.journal.entry_choices(user_id, current, zone)]

    @app_commands.command(name="add", description="Log a real interview: who, when, notes, "
                                                  "feedback, outcome")
    @app_commands.describe(**_DESCRIBE)
    @app_commands.choices(stage=STAGE_CHOICES)
    async def add(self, interaction: discord.Interaction, company: str, role: str | None = None,
                  stage: str | None = None, date: str | None = None,
                  interviewers: str | None = None, outcome: str | None = None) -> None:
        # The short fields are checked before the form opens, so a bad one costs no typing.
        fields = await self._short_fields(interaction, company=company, role=role, stage=stage,
                                          date=date, interviewers=interviewers, outcome=outcome)
        if fields is None:
            return
        with as_user_error():
            draft_id = await self.bot.journal.hold_entry_draft(interaction.user.id, fields)
        await send_form(interaction, NotesModal(interaction.user.id, draft_id, fields["company"]))

    @app_commands.command(name="list", description="Your journal of real interviews, most "
                                                   "recent first")
    async def list_(self, interaction: discord.Interaction) -> None:
        embed, view = await list_page(interaction, interaction.user.id, 0)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="show", description="Read one journal entry")
    @app_commands.describe(entry=_ENTRY)
    async def show(self, interaction: discord.Interaction, entry: str) -> None:
        found = await self._entry(interaction, entry)
        await interaction.response.send_message(embed=entry_embed(found),
                                                view=entry_card(interaction.user.id, found.id),
                                                ephemeral=True)

    @app_commands.command(name="edit", description="Change a journal entry (no options: edit "
                                                    "its notes and feedback in a form)")
    @app_commands.describe(entry=_ENTRY, **_DESCRIBE)
    @app_commands.choices(stage=STAGE_CHOICES)
    async def edit(self, interaction: discord.Interaction, entry: str, company: str | None = None,
                   role: str | None = None, stage: str | None = None, date: str | None = None,
                   interviewers: str | None = None, outcome: str | None = None) -> None:
        found = await self._entry(interaction, entry)
        changes = await self._short_fields(interaction, company=company, role=role, stage=stage,
                                           date=date, interviewers=interviewers, outcome=outcome)
        if changes is None:
            return
        if not changes:
            await send_form(interaction, EditModal(found, interaction.user.id))
            return
        user_id = interaction.user.id
        with as_user_error():
            updated = await self.bot.journal.update_entry(user_id, found.id, changes)
        if updated is None:
            raise UserFacingError(GONE)
        await interaction.response.send_message(
            "Entry updated.", embed=entry_embed(updated), view=entry_card(user_id, updated.id),
            ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="delete", description="Delete a journal entry (asks first)")
    @app_commands.describe(entry=_ENTRY)
    async def delete(self, interaction: discord.Interaction, entry: str) -> None:
        found = await self._entry(interaction, entry)
        await interaction.response.send_message(
            ENTRY_CARD.confirm_delete(found), embed=entry_embed(found),
            view=entry_card(interaction.user.id, found.id, confirm=True), ephemeral=True)

    show.autocomplete("entry")(_entry_choices)
    edit.autocomplete("entry")(_entry_choices)
    delete.autocomplete("entry")(_entry_choices)
