"""The user's own prep records: their journal of real interviews, their STAR story bank, and
their personal checklists with what they ticked. Every method takes the user's id and reads or
changes only that user's rows, so an id typed or crafted by someone else finds nothing.

Plain Python over the store, the core rules, the template library and the clock: the Discord
adapters call it, and so can anything else (a test, a terminal front end)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.checklists import (
    MAX_JOURNAL_NOTES_IN_CHECKLIST,
    Checklist,
    PersonalChecklist,
    checklist_key,
    checklist_template,
    clean_checklist_subject,
    fits_in_one_message,
    journal_notes,
    parse_checklist,
    read_interview_time,
)
from bot.core.clock import Clock
from bot.core.fields import FieldError
from bot.core.journal import (
    TEXT_FIELDS,
    EntryNotChosen,
    check_entry_fits,
    clean_entry_fields,
    companies_matching,
    match_entries,
    parse_entry_id,
    read_journal_date,
    text_fields,
)
from bot.core.models import JournalEntry, StarStory
from bot.core.stories import MAX_STORIES, StoryBankFull, clean_story, suggest_story
from bot.library import TemplateLibrary
from bot.store import Store

# How many entries autocomplete and typed lookups search (the most recent ones).
SEARCHED_ENTRIES = 100


@dataclass(frozen=True, slots=True)
class EntriesPage:
    """One page of the user's journal, most recent first."""

    entries: list[JournalEntry]
    page: int  # from 0, within range
    pages: int  # at least 1
    total: int


@dataclass(frozen=True, slots=True)
class ChecklistProgress:
    """A personal checklist as it is shown now: rendered with as many of the user's journal
    notes for the company as fit beside the items, and what they ticked."""

    record: PersonalChecklist
    checklist: Checklist
    done: frozenset[str]
    notes_shown: int
    notes_total: int  # the user's journal entries for this company

    @property
    def ticked(self) -> int:
        return self.checklist.progress(self.done)[0]

    @property
    def total(self) -> int:
        return len(self.checklist.items)

    @property
    def body(self) -> str:
        return self.checklist.body(self.done)


DRAFTS_KEPT = timedelta(days=2)  # a notes form left open longer than this was abandoned


class JournalService:
    def __init__(self, store: Store, library: TemplateLibrary, clock: Clock) -> None:
        self.store = store
        self.library = library
        self.clock = clock

    # --- dates typed by the user ------------------------------------------------------------

    def read_entry_date(self, text: str, zone: ZoneInfo) -> datetime:
        """When a logged interview was (or will be); past or future. Raises TimeParseError."""
        return read_journal_date(text, zone, self.clock.now())

    def read_interview_time(self, text: str, zone: ZoneInfo) -> datetime:
        """When a coming interview is; must be in the future. Raises TimeParseError."""
        return read_interview_time(text, zone, self.clock.now())

    # --- journal entries --------------------------------------------------------------------

    async def entry(self, user_id: int, entry_id: int) -> JournalEntry | None:
        return await self.store.journal.get(entry_id, user_id)

    async def add_entry(self, user_id: int, fields: Mapping[str, Any]) -> JournalEntry:
        """Log a real interview. Typed values are cleaned here; raises FieldError (and saves
        nothing) when one cannot be used or the entry could not be shown in Discord."""
        cleaned = clean_entry_fields(fields)
        if not cleaned.get("company"):
            raise FieldError("The company cannot be empty.")
        check_entry_fits({key: cleaned[key] for key in TEXT_FIELDS if key in cleaned})
        now = self.clock.now()
        await self.store.users.ensure(user_id, now)
        return await self.store.journal.add(user_id, now=now, **cleaned)

    async def hold_entry_draft(self, user_id: int, fields: Mapping[str, Any]) -> int:
        """Check and keep the short fields of `/journal add` while its notes form is open (so the
        form still lands after a restart). Raises FieldError, keeping nothing, when one is bad."""
        cleaned = clean_entry_fields(fields)
        if not cleaned.get("company"):
            raise FieldError("The company cannot be empty.")
        now = self.clock.now()
        await self.store.users.ensure(user_id, now)
        return await self.store.journal.hold_draft(user_id, cleaned, now, keep_for=DRAFTS_KEPT)

    async def add_entry_from_draft(self, user_id: int, draft_id: int, *, notes: str,
                                   feedback: str) -> JournalEntry | None:
        """The entry a notes form completes; None when its draft is gone (too old, or already
        used). The draft is dropped only once the entry is saved."""
        fields = await self.store.journal.draft(user_id, draft_id)
        if fields is None:
            return None
        entry = await self.add_entry(user_id, {**fields, "notes": notes, "feedback": feedback})
        await self.store.journal.drop_draft(user_id, draft_id)
        return entry

    async def update_entry(self, user_id: int, entry_id: int,
                           changes: Mapping[str, Any]) -> JournalEntry | None:
        """Change the given fields (None means "leave it"); None when the entry is not the
        user's (or is gone). Raises FieldError and changes nothing when a value cannot be
        used or the changed entry could not be shown in Discord."""
        entry = await self.store.journal.get(entry_id, user_id)
        if entry is None:
            return None
        cleaned = clean_entry_fields(changes)
        check_entry_fits({**text_fields(entry),
                          **{key: cleaned[key] for key in TEXT_FIELDS if key in cleaned}})
        return await self.store.journal.update(entry_id, user_id, now=self.clock.now(), **cleaned)

    async def delete_entry(self, user_id: int, entry_id: int) -> JournalEntry | None:
        """The deleted entry, or None when it was not the user's (or already gone)."""
        entry = await self.store.journal.get(entry_id, user_id)
        if entry is None or not await self.store.journal.delete(entry_id, user_id):
            return None
        return entry

    async def entries_page(self, user_id: int, page: int, per_page: int) -> EntriesPage:
        """Page `page` (from 0; clamped into range) of the user's journal and the total."""
        total = await self.store.journal.count(user_id)
        pages = max(1, -(-total // per_page))
        page = max(0, min(page, pages - 1))
        entries = await self.store.journal.page(user_id, offset=page * per_page, limit=per_page)
        return EntriesPage(entries, page, pages, total)

    async def entry_choices(self, user_id: int, typed: str, zone: ZoneInfo | None
                            ) -> list[JournalEntry]:
        """The user's entries matching what they typed so far (for autocomplete); dates are
        read in `zone`."""
        entries = await self.store.journal.for_user(user_id, limit=SEARCHED_ENTRIES)
        return match_entries(entries, typed, zone)

    async def find_entry_for_choice(self, user_id: int, typed: str,
                                    zone: ZoneInfo | None) -> JournalEntry:
        """The one entry of the user's that `typed` names: the id autocomplete sent ("12",
        "#12") or words that match exactly one entry. Raises EntryNotChosen otherwise; an id
        that is someone else's is treated as unknown, so ids reveal nothing."""
        entry_id = parse_entry_id(typed)
        if entry_id is not None:
            entry = await self.store.journal.get(entry_id, user_id)
            if entry is None:
                raise EntryNotChosen(typed, 0)
            return entry
        matches = await self.entry_choices(user_id, typed, zone)
        if len(matches) != 1:
            raise EntryNotChosen(typed, len(matches))
        return matches[0]

    async def companies(self, user_id: int, typed: str) -> list[str]:
        """Companies from the user's journal containing what they typed (for autocomplete)."""
        entries = await self.store.journal.for_user(user_id, limit=SEARCHED_ENTRIES)
        return companies_matching(entries, typed)

    # --- STAR stories -----------------------------------------------------------------------

    async def stories(self, user_id: int) -> list[StarStory]:
        return await self.store.stories.for_user(user_id)

    async def story(self, user_id: int, story_id: int) -> StarStory | None:
        return await self.store.stories.get(story_id, user_id)

    async def story_bank_full(self, user_id: int) -> bool:
        return await self.store.stories.count(user_id) >= MAX_STORIES

    async def add_story(self, user_id: int, *, title_and_skills: str, situation: str, task: str,
                        action: str, result: str) -> StarStory:
        """Save a story written in the form. Raises FieldError for a value that cannot be
        used, StoryBankFull when the bank has no room; either way nothing is saved."""
        fields = clean_story(title_and_skills=title_and_skills, situation=situation, task=task,
                             action=action, result=result)
        if await self.story_bank_full(user_id):
            raise StoryBankFull()
        now = self.clock.now()
        await self.store.users.ensure(user_id, now)
        return await self.store.stories.add(user_id, now=now, **fields)

    async def update_story(self, user_id: int, story_id: int, *, title_and_skills: str,
                           situation: str, task: str, action: str,
                           result: str) -> StarStory | None:
        """Replace a story's parts; None when it is not the user's (or is gone)."""
        fields = clean_story(title_and_skills=title_and_skills, situation=situation, task=task,
                             action=action, result=result)
        return await self.store.stories.update(story_id, user_id, now=self.clock.now(), **fields)

    async def delete_story(self, user_id: int, story_id: int) -> StarStory | None:
        """The deleted story, or None when it was not the user's (or already gone)."""
        story = await self.store.stories.get(story_id, user_id)
        if story is None or not await self.store.stories.delete(story_id, user_id):
            return None
        return story

    async def suggest_story(self, user_id: int, report: Mapping[str, Any]) -> dict[str, Any] | None:
        """A saved story that fits a question the user answered weakly in a mock interview's
        report ({"title", "skills", "question_number"}), or None."""
        stories = await self.store.stories.for_user(user_id)
        return suggest_story(stories, report) if stories else None

    # --- personal checklists ------------------------------------------------------------------

    async def open_checklist(self, user_id: int, stage: str, company: str, role: str | None = None,
                             interview_at: datetime | None = None) -> ChecklistProgress:
        """The user's checklist for a real interview at `company` in `stage`, made the first
        time and kept after: the ticks stay, and a role or time not given again is kept from
        before. Raises FieldError for a stage, company or role that cannot be used."""
        subject = clean_checklist_subject(stage, company, role)
        now = self.clock.now()
        await self.store.users.ensure(user_id, now)
        record = await self.store.checklists.save(
            user_id, subject.key, stage=subject.stage, company=subject.company, role=subject.role,
            interview_at=interview_at, now=now)
        return await self._progress(record)

    async def checklist(self, user_id: int, checklist_id: int) -> ChecklistProgress | None:
        """The user's checklist as it is now; None when it is not theirs (or is gone)."""
        record = await self.store.checklists.get(checklist_id, user_id)
        return None if record is None else await self._progress(record)

    async def tick(self, user_id: int, checklist_id: int,
                   chosen: Iterable[str]) -> ChecklistProgress | None:
        """Make exactly `chosen` the ticked items (ids that are not items are ignored); None
        when the checklist is not the user's (or is gone)."""
        record = await self.store.checklists.get(checklist_id, user_id)
        if record is None:
            return None
        item_ids = self._render(record, []).item_ids  # the items do not depend on the notes
        await self.store.checklists.set_done_items(record.user_id, record.key,
                                                  set(chosen) & set(item_ids), item_ids,
                                                  self.clock.now())
        return await self._progress(record)

    async def ticked_items(self, user_id: int, stage: str, company: str) -> set[str]:
        """What the user ticked on their checklist for (stage, company), made or not."""
        return await self.store.checklists.done_items(user_id, checklist_key(stage, company))

    def _render(self, record: PersonalChecklist, entries: list[JournalEntry]) -> Checklist:
        name = checklist_template(record.stage)
        rendered = self.library.render(name, company=record.company, role=record.role,
                                       when=record.interview_at, notes=journal_notes(entries))
        return parse_checklist(rendered, name)

    async def _progress(self, record: PersonalChecklist) -> ChecklistProgress:
        entries = await self.store.journal.for_user(record.user_id, company=record.company)
        done = frozenset(await self.store.checklists.done_items(record.user_id, record.key))
        # The most recent journal notes that fit beside the items (long notes mean fewer);
        # check-prompts makes sure one note always fits.
        shown = min(len(entries), MAX_JOURNAL_NOTES_IN_CHECKLIST)
        checklist = self._render(record, entries[:shown])
        while shown and not fits_in_one_message(checklist.body(done), checklist.extra):
            shown -= 1
            checklist = self._render(record, entries[:shown])
        return ChecklistProgress(record, checklist, done, shown, len(entries))
