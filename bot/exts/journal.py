"""`/journal ...`: the user's record of real interviews (company, role, stage, date,
interviewers, notes, feedback, outcome). Checklists and follow-up nudges read from it.

Everything is private: replies are ephemeral, entries are fetched with the user's id, and the
persistent buttons carry their owner's id, so nobody sees or changes someone else's entries."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.core.models import JournalEntry
from bot.core.prep import (
    FIELD_LIMITS,
    check_entry_fits,
    clean_field,
    clean_single_line,
    entry_choice_label,
    entry_heading,
    fit_lines,
    format_entry,
    match_entries,
    parse_entry_id,
    read_journal_date,
)
from bot.core.stages import STAGE_LABELS, stage_label
from bot.core.text import discord_timestamp, escape_discord, shorten
from bot.core.timeparse import TimeParseError, resolve_zone
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, NO_MENTIONS, bot_of
from bot.exts._time import user_zone
from bot.exts._ui import GuardedModal, OwnerOnly, as_user_error, guarded, text_input

STAGE_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in STAGE_LABELS.items()]
PAGE_SIZE = 15
LIST_LIMIT = 1000
NOT_YOURS = "That journal entry belongs to someone else, so I left it as it was."
GONE = "That journal entry is no longer in your journal."
SHORT_FIELDS = ("company", "role", "interviewers", "outcome")


def _not_found(text: str) -> UserFacingError:
    # The same message whether the entry does not exist or is someone else's: ids reveal nothing.
    return UserFacingError(f"I can't find {shorten(text, 40)!r} among your journal entries. "
                           "Start typing the company or date and pick one from the list, or see "
                           "`/journal list`.")


async def saved_zone(bot: Any, user_id: int) -> ZoneInfo | None:
    """The user's zone for showing dates in menus, if they set one (menus show plain dates)."""
    user = await bot.store.users.get(user_id)
    if user is None or not user.time_zone:
        return None
    try:
        return resolve_zone(user.time_zone)[0]
    except TimeParseError:
        return None


def clean_short_fields(**given: str | None) -> dict[str, str]:
    """The short fields that were given, validated (company may not be emptied)."""
    fields: dict[str, str] = {}
    with as_user_error():
        for key, value in given.items():
            if value is None:
                continue
            if key == "stage":
                if value not in STAGE_LABELS:
                    raise UserFacingError("Choose the stage from the list: "
                                          f"{', '.join(STAGE_LABELS.values())}.")
                fields[key] = value
            else:
                fields[key] = clean_single_line(value, key, limit=FIELD_LIMITS[key],
                                                required=key == "company")
    return fields


def entry_embed(entry: JournalEntry) -> discord.Embed:
    embed = discord.Embed(title=shorten(escape_discord(entry_heading(entry.company, entry.stage)), 256),
                          description=format_entry(entry), colour=COLOUR)
    embed.set_footer(text=f"Journal entry #{entry.id} · /journal list")
    return embed


def entry_view(owner_id: int, entry_id: int, *, confirm: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in (("confirm", "show") if confirm else ("edit", "delete", "list")):
        view.add_item(EntryButton(owner_id, entry_id, action))
    return view


def list_message(owner_id: int, entries: list[JournalEntry], page: int, zone: ZoneInfo | None
                 ) -> tuple[discord.Embed, discord.ui.View | None]:
    embed = discord.Embed(title=f"Your interview journal ({len(entries)})", colour=COLOUR)
    if not entries:
        embed.description = ("Nothing here yet. Log a real interview with `/journal add`: "
                             "company, role, date, who you met, notes and feedback.")
        return embed, None
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = max(0, min(page, pages - 1))
    shown = entries[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    lines, compact = [], []
    for entry in shown:
        parts = [f"**#{entry.id}** {escape_discord(shorten(entry.company, 60))}"]
        if entry.stage:
            parts.append(stage_label(entry.stage))
        if entry.role:
            parts.append(escape_discord(shorten(entry.role, 60)))
        if entry.interview_at is not None:
            parts.append(discord_timestamp(entry.interview_at, "D"))
        if entry.outcome:
            parts.append(f"*{escape_discord(shorten(entry.outcome, 40))}*")
        lines.append(" · ".join(parts))
        compact.append(f"**#{entry.id}** {escape_discord(shorten(entry.company, 30))}")
    embed.description = (fit_lines(lines, compact)
                         + "\n\nChoose an entry below to read, edit or delete it.")
    embed.set_footer(text=f"Page {page + 1} of {pages} · most recent first")
    view = discord.ui.View(timeout=None)
    view.add_item(EntryPickSelect(owner_id, page, shown, zone))
    if pages > 1:
        for action in ("prev", "next"):
            button = ListPageButton(owner_id, page, action)
            button.item.disabled = (action == "prev" and page == 0) or (
                action == "next" and page >= pages - 1)
            view.add_item(button)
    return embed, view


async def show_list(interaction: discord.Interaction, page: int, *, edit: bool,
                    content: str | None = None) -> None:
    bot = bot_of(interaction)
    user_id = interaction.user.id
    entries = await bot.store.journal.for_user(user_id, limit=LIST_LIMIT)
    embed, view = list_message(user_id, entries, page, await saved_zone(bot, user_id))
    if edit:
        await interaction.response.edit_message(content=content, embed=embed, view=view,
                                                allowed_mentions=NO_MENTIONS)
    elif view is None:
        await interaction.response.send_message(content, embed=embed, ephemeral=True)
    else:
        await interaction.response.send_message(content, embed=embed, view=view, ephemeral=True)


# --- modals -----------------------------------------------------------------------------------

class NotesModal(GuardedModal):
    """`/journal add`: the long fields, after the short ones came as command options."""

    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__(title=shorten(f"Journal: {fields['company']}", 45))
        self.fields = fields
        self.notes = text_input("notes", "Notes: what they asked, what you said",
                                max_length=FIELD_LIMITS["notes"], paragraph=True,
                                placeholder="Optional. Questions asked, who you met, what to "
                                            "follow up on")
        self.feedback = text_input("feedback", "Feedback you received",
                                   max_length=FIELD_LIMITS["feedback"], paragraph=True,
                                   placeholder="Optional. What the recruiter or interviewer said")
        self.add_item(self.notes)
        self.add_item(self.feedback)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        fields = dict(self.fields)
        with as_user_error():
            fields["notes"] = clean_field(self.notes.value, "notes", limit=FIELD_LIMITS["notes"])
            fields["feedback"] = clean_field(self.feedback.value, "feedback",
                                             limit=FIELD_LIMITS["feedback"])
            check_entry_fits(fields)
        user_id, now = interaction.user.id, bot.clock.now()
        await bot.store.users.ensure(user_id, now)
        entry = await bot.store.journal.add(user_id, now=now, **fields)
        await interaction.response.send_message(
            "Saved to your journal.", embed=entry_embed(entry), view=entry_view(user_id, entry.id),
            ephemeral=True, allowed_mentions=NO_MENTIONS)


class EditModal(GuardedModal):
    """Edit an entry's free-text fields; company, stage and date change with `/journal edit`."""

    def __init__(self, entry: JournalEntry) -> None:
        super().__init__(title=shorten(f"Edit: {entry.company}", 45))
        self.entry_id = entry.id
        self.inputs = {
            "role": text_input("role", "Role", max_length=FIELD_LIMITS["role"], default=entry.role),
            "interviewers": text_input("interviewers", "Interviewers (names and titles)",
                                       max_length=FIELD_LIMITS["interviewers"],
                                       default=entry.interviewers),
            "outcome": text_input("outcome", "Outcome (e.g. waiting, next round, offer)",
                                  max_length=FIELD_LIMITS["outcome"], default=entry.outcome),
            "notes": text_input("notes", "Notes", max_length=FIELD_LIMITS["notes"],
                                paragraph=True, default=entry.notes),
            "feedback": text_input("feedback", "Feedback you received",
                                   max_length=FIELD_LIMITS["feedback"], paragraph=True,
                                   default=entry.feedback),
        }
        for item in self.inputs.values():
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        user_id = interaction.user.id
        entry = await bot.store.journal.get(self.entry_id, user_id)
        if entry is None:
            raise UserFacingError(GONE)
        with as_user_error():
            changes = {key: (clean_field if key in {"notes", "feedback"} else clean_single_line)(
                item.value, key, limit=FIELD_LIMITS[key]) for key, item in self.inputs.items()}
            check_entry_fits({"company": entry.company, **changes})
        updated = await bot.store.journal.update(self.entry_id, user_id, now=bot.clock.now(),
                                                 **changes)
        if updated is None:
            raise UserFacingError(GONE)
        if interaction.message is not None:  # opened from the entry's Edit button
            await interaction.response.edit_message(
                content="Entry updated.", embed=entry_embed(updated),
                view=entry_view(user_id, updated.id), allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                "Entry updated.", embed=entry_embed(updated), view=entry_view(user_id, updated.id),
                ephemeral=True, allowed_mentions=NO_MENTIONS)


# --- persistent controls ------------------------------------------------------------------------

ENTRY_BUTTONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "edit": ("Edit", discord.ButtonStyle.primary),
    "delete": ("Delete", discord.ButtonStyle.danger),
    "list": ("All entries", discord.ButtonStyle.secondary),
    "confirm": ("Yes, delete it", discord.ButtonStyle.danger),
    "show": ("Keep it", discord.ButtonStyle.secondary),
}


class EntryButton(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                  template=r"journal:entry:(?P<owner>\d+):(?P<entry>\d+):"
                           r"(?P<action>edit|delete|confirm|show|list)"):
    not_yours = NOT_YOURS

    def __init__(self, owner_id: int, entry_id: int, action: str) -> None:
        label, style = ENTRY_BUTTONS[action]
        super().__init__(discord.ui.Button(
            label=label, style=style, custom_id=f"journal:entry:{owner_id}:{entry_id}:{action}"))
        self.owner_id, self.entry_id, self.action = owner_id, entry_id, action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> EntryButton:
        return cls(int(match["owner"]), int(match["entry"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, f"journal button {self.action}", lambda: self._act(interaction))

    async def _act(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        user_id = interaction.user.id
        if self.action == "list":
            await show_list(interaction, 0, edit=True)
            return
        entry = await bot.store.journal.get(self.entry_id, user_id)
        if entry is None:
            raise UserFacingError(GONE)
        if self.action == "edit":
            await interaction.response.send_modal(EditModal(entry))
        elif self.action == "delete":
            await interaction.response.edit_message(
                content="Delete this entry from your journal? This cannot be undone.",
                embed=entry_embed(entry), view=entry_view(user_id, entry.id, confirm=True))
        elif self.action == "confirm":
            if not await bot.store.journal.delete(entry.id, user_id):
                raise UserFacingError(GONE)
            await interaction.response.edit_message(
                content=f"Deleted journal entry #{entry.id} "
                        f"({escape_discord(entry_heading(entry.company, entry.stage))}).",
                embed=None, view=None, allowed_mentions=NO_MENTIONS)
        else:  # show
            await interaction.response.edit_message(content=None, embed=entry_embed(entry),
                                                    view=entry_view(user_id, entry.id))


class ListPageButton(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                     template=r"journal:list:(?P<owner>\d+):(?P<page>\d+):(?P<action>prev|next)"):
    not_yours = NOT_YOURS

    def __init__(self, owner_id: int, page: int, action: str) -> None:
        super().__init__(discord.ui.Button(
            label="Previous" if action == "prev" else "Next", style=discord.ButtonStyle.secondary,
            custom_id=f"journal:list:{owner_id}:{page}:{action}"))
        self.owner_id, self.page, self.action = owner_id, page, action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ListPageButton:
        return cls(int(match["owner"]), int(match["page"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        page = self.page + (1 if self.action == "next" else -1)
        await guarded(interaction, "journal page", lambda: show_list(interaction, page, edit=True))


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
        entry = await bot_of(interaction).store.journal.get(int(self.item.values[0]),
                                                           interaction.user.id)
        if entry is None:
            raise UserFacingError(GONE)
        await interaction.response.edit_message(content=None, embed=entry_embed(entry),
                                                view=entry_view(self.owner_id, entry.id))


# --- the commands -------------------------------------------------------------------------------

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
        self.bot.add_dynamic_items(*JOURNAL_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*JOURNAL_ITEMS)

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
            return True, read_journal_date(text, zone, self.bot.clock.now())

    async def _entry(self, interaction: discord.Interaction, text: str) -> JournalEntry:
        user_id = interaction.user.id
        entry_id = parse_entry_id(text)
        if entry_id is not None:
            entry = await self.bot.store.journal.get(entry_id, user_id)
            if entry is None:
                raise _not_found(text)
            return entry
        matches = match_entries(await self.bot.store.journal.for_user(user_id), text,
                                await saved_zone(self.bot, user_id))
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UserFacingError(f"{len(matches)} of your entries match {shorten(text, 40)!r}; "
                                  "pick one from the list as you type.")
        raise _not_found(text)

    async def _entry_choices(self, interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        user_id = interaction.user.id  # only ever the user's own entries
        zone = await saved_zone(self.bot, user_id)
        entries = match_entries(await self.bot.store.journal.for_user(user_id), current, zone)
        return [app_commands.Choice(name=entry_choice_label(e, zone), value=str(e.id))
                for e in entries]

    @app_commands.command(name="add", description="Log a real interview: who, when, notes, "
                                                  "feedback, outcome")
    @app_commands.describe(**_DESCRIBE)
    @app_commands.choices(stage=STAGE_CHOICES)
    async def add(self, interaction: discord.Interaction, company: str, role: str | None = None,
                  stage: str | None = None, date: str | None = None,
                  interviewers: str | None = None, outcome: str | None = None) -> None:
        fields: dict[str, Any] = clean_short_fields(company=company, role=role, stage=stage,
                                                    interviewers=interviewers, outcome=outcome)
        proceed, when = await self._date(interaction, date)
        if not proceed:
            return
        if when is not None:
            fields["interview_at"] = when
        await interaction.response.send_modal(NotesModal(fields))

    @app_commands.command(name="list", description="Your journal of real interviews, most "
                                                   "recent first")
    async def list_(self, interaction: discord.Interaction) -> None:
        await show_list(interaction, 0, edit=False)

    @app_commands.command(name="show", description="Read one journal entry")
    @app_commands.describe(entry=_ENTRY)
    async def show(self, interaction: discord.Interaction, entry: str) -> None:
        found = await self._entry(interaction, entry)
        await interaction.response.send_message(embed=entry_embed(found),
                                                view=entry_view(interaction.user.id, found.id),
                                                ephemeral=True)

    @app_commands.command(name="edit", description="Change a journal entry (no options: edit "
                                                    "its notes and feedback in a form)")
    @app_commands.describe(entry=_ENTRY, **_DESCRIBE)
    @app_commands.choices(stage=STAGE_CHOICES)
    async def edit(self, interaction: discord.Interaction, entry: str, company: str | None = None,
                   role: str | None = None, stage: str | None = None, date: str | None = None,
                   interviewers: str | None = None, outcome: str | None = None) -> None:
        found = await self._entry(interaction, entry)
        changes: dict[str, Any] = clean_short_fields(company=company, role=role, stage=stage,
                                                     interviewers=interviewers, outcome=outcome)
        proceed, when = await self._date(interaction, date)
        if not proceed:
            return
        if when is not None:
            changes["interview_at"] = when
        if not changes:
            await interaction.response.send_modal(EditModal(found))
            return
        with as_user_error():
            check_entry_fits({**{k: getattr(found, k) for k in (*SHORT_FIELDS, "notes", "feedback")},
                              **changes})
        user_id = interaction.user.id
        updated = await self.bot.store.journal.update(found.id, user_id, now=self.bot.clock.now(),
                                                      **changes)
        if updated is None:
            raise UserFacingError(GONE)
        await interaction.response.send_message(
            "Entry updated.", embed=entry_embed(updated), view=entry_view(user_id, updated.id),
            ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="delete", description="Delete a journal entry (asks first)")
    @app_commands.describe(entry=_ENTRY)
    async def delete(self, interaction: discord.Interaction, entry: str) -> None:
        found = await self._entry(interaction, entry)
        await interaction.response.send_message(
            "Delete this entry from your journal? This cannot be undone.",
            embed=entry_embed(found), view=entry_view(interaction.user.id, found.id, confirm=True),
            ephemeral=True)

    show.autocomplete("entry")(_entry_choices)
    edit.autocomplete("entry")(_entry_choices)
    delete.autocomplete("entry")(_entry_choices)


JOURNAL_ITEMS = (EntryButton, ListPageButton, EntryPickSelect)


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(Journal(bot))
