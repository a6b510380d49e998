"""The journal service against a real SQLite file: entries, stories and checklists, each only
ever the user's own, with typed values cleaned before anything is saved."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import ManualClock
from bot.core.fields import FieldError
from bot.core.journal import EntryNotChosen
from bot.core.stories import MAX_STORIES, StoryBankFull
from bot.core.timeparse import TimeParseError
from bot.library import TemplateLibrary
from bot.services.journal import JournalService
from bot.store import Store

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
ALICE, BOB = 1, 2
STORY = {"title_and_skills": "Settled the roadmap dispute | conflict resolution, negotiation",
         "situation": "Design and engineering disagreed.", "task": "Get one plan agreed.",
         "action": "I met each lead and proposed a phased plan.",
         "result": "Both teams signed off in four days."}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


@pytest.fixture
def journal(store: Store, clock: ManualClock) -> JournalService:
    return JournalService(store, TemplateLibrary(PROMPTS), clock)


# --- entries ------------------------------------------------------------------------------------

async def test_an_entry_is_cleaned_and_saved_for_a_new_user(journal: JournalService,
                                                            store: Store) -> None:
    entry = await journal.add_entry(ALICE, {"company": "  Acme \n Corp ", "role": None,
                                            "stage": "final", "notes": "Asked about SQL  \n",
                                            "interview_at": datetime(2026, 11, 20, 14, tzinfo=LONDON)})
    assert (entry.user_id, entry.company, entry.role, entry.stage, entry.notes) == (
        ALICE, "Acme Corp", "", "final", "Asked about SQL")
    assert entry.interview_at == datetime(2026, 11, 20, 14, tzinfo=UTC)
    assert entry.created_at == NOW
    assert await store.users.get(ALICE) is not None
    assert await journal.entry(ALICE, entry.id) == entry
    assert await journal.entry(BOB, entry.id) is None


@pytest.mark.parametrize(("fields", "message"), [
    ({"company": "   "}, "The company cannot be empty"),
    ({"role": "Analyst"}, "The company cannot be empty"),
    ({"company": "Acme", "stage": "sixth_round"}, "Choose the stage from the list"),
    ({"company": "Acme", "outcome": "x" * 101}, "The outcome is 101 characters"),
    ({"company": "Acme", "notes": "*" * 1500, "feedback": "_" * 1500}, "too long to show"),
])
async def test_an_entry_that_cannot_be_used_is_refused_and_nothing_saved(
        journal: JournalService, store: Store, fields: dict, message: str) -> None:
    with pytest.raises(FieldError, match=message):
        await journal.add_entry(ALICE, fields)
    assert await store.journal.for_user(ALICE) == []


async def test_an_update_changes_only_the_given_fields_of_the_users_own_entry(
        journal: JournalService, clock: ManualClock) -> None:
    entry = await journal.add_entry(ALICE, {"company": "Acme", "notes": "Old"})
    clock.advance(hours=1)
    updated = await journal.update_entry(ALICE, entry.id, {"outcome": " next  round ",
                                                           "role": None})
    assert updated is not None
    assert (updated.outcome, updated.notes, updated.role) == ("next round", "Old", "")
    assert updated.updated_at == NOW + timedelta(hours=1)
    assert await journal.update_entry(BOB, entry.id, {"outcome": "rejected"}) is None
    assert await journal.update_entry(ALICE, 9999, {"outcome": "rejected"}) is None
    assert (await journal.entry(ALICE, entry.id)).outcome == "next round"


async def test_an_update_is_checked_with_the_fields_it_keeps(journal: JournalService) -> None:
    entry = await journal.add_entry(ALICE, {"company": "Acme", "notes": "*" * 1500})
    with pytest.raises(FieldError, match="too long to show"):
        await journal.update_entry(ALICE, entry.id, {"feedback": "_" * 1500})
    with pytest.raises(FieldError, match="The company cannot be empty"):
        await journal.update_entry(ALICE, entry.id, {"company": " "})
    assert await journal.entry(ALICE, entry.id) == entry


async def test_a_deleted_entry_is_handed_back_once(journal: JournalService) -> None:
    entry = await journal.add_entry(ALICE, {"company": "Acme"})
    assert await journal.delete_entry(BOB, entry.id) is None
    assert await journal.delete_entry(ALICE, entry.id) == entry
    assert await journal.delete_entry(ALICE, entry.id) is None


async def test_the_journal_is_paged_most_recent_first(journal: JournalService) -> None:
    for n in range(7):
        await journal.add_entry(ALICE, {"company": f"Company {n}",
                                        "interview_at": NOW - timedelta(days=n)})
    await journal.add_entry(BOB, {"company": "Bob's"})
    first = await journal.entries_page(ALICE, 0, 3)
    assert (first.page, first.pages, first.total) == (0, 3, 7)
    assert [e.company for e in first.entries] == ["Company 0", "Company 1", "Company 2"]
    last = await journal.entries_page(ALICE, 99, 3)  # past the end: the last page
    assert last.page == 2 and [e.company for e in last.entries] == ["Company 6"]
    assert (await journal.entries_page(ALICE, -1, 3)).page == 0
    empty = await journal.entries_page(3, 0, 3)
    assert (empty.entries, empty.page, empty.pages, empty.total) == ([], 0, 1, 0)


async def test_an_entry_is_found_by_its_id_or_by_words_that_match_only_it(
        journal: JournalService) -> None:
    acme = await journal.add_entry(ALICE, {"company": "Acme", "stage": "final",
                                           "interview_at": datetime(2026, 12, 3, 10, tzinfo=UTC)})
    labs = await journal.add_entry(ALICE, {"company": "Acme Labs"})
    bobs = await journal.add_entry(BOB, {"company": "Globex"})
    assert await journal.find_entry_for_choice(ALICE, str(acme.id), LONDON) == acme
    assert await journal.find_entry_for_choice(ALICE, f" #{labs.id} ", None) == labs
    assert await journal.find_entry_for_choice(ALICE, "dec 3", LONDON) == acme
    assert await journal.find_entry_for_choice(ALICE, "labs", None) == labs
    with pytest.raises(EntryNotChosen) as several:
        await journal.find_entry_for_choice(ALICE, "acme", None)
    assert (several.value.typed, several.value.matches) == ("acme", 2)
    for typed in (str(bobs.id), "globex", "9999"):  # someone else's, or nobody's: the same
        with pytest.raises(EntryNotChosen) as none:
            await journal.find_entry_for_choice(ALICE, typed, None)
        assert none.value.matches == 0
    assert [e.id for e in await journal.entry_choices(ALICE, "", None)] == [acme.id, labs.id]
    assert await journal.entry_choices(BOB, "acme", None) == []


async def test_companies_come_from_the_users_own_journal(journal: JournalService) -> None:
    for company in ("Acme", "ACME", "Globex"):
        await journal.add_entry(ALICE, {"company": company})
    await journal.add_entry(BOB, {"company": "Acme Rockets"})
    # Once each however it is cased, spelled as in the most recent entry.
    assert await journal.companies(ALICE, "acm") == ["ACME"]
    assert await journal.companies(ALICE, "") == ["Globex", "ACME"]
    assert await journal.companies(BOB, "acme") == ["Acme Rockets"]


async def test_typed_dates_are_read_on_the_services_clock(journal: JournalService,
                                                          clock: ManualClock) -> None:
    assert journal.read_entry_date("Nov 20 10am", LONDON) == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert journal.read_interview_time("Dec 3", LONDON) == datetime(2026, 12, 3, 9, tzinfo=UTC)
    clock.set(datetime(2026, 12, 4, tzinfo=UTC))
    with pytest.raises(TimeParseError):
        journal.read_interview_time("2026-12-03 09:00", LONDON)


# --- stories ------------------------------------------------------------------------------------

async def test_a_story_is_cleaned_saved_changed_and_deleted_by_its_owner_only(
        journal: JournalService, store: Store) -> None:
    story = await journal.add_story(ALICE, **STORY)
    assert (story.title, story.skills) == ("Settled the roadmap dispute",
                                           "conflict resolution, negotiation")
    assert await store.users.get(ALICE) is not None
    assert await journal.stories(ALICE) == [story] and await journal.stories(BOB) == []
    assert await journal.story(BOB, story.id) is None

    changed = {**STORY, "title_and_skills": "Settled the roadmap dispute | negotiation"}
    assert await journal.update_story(BOB, story.id, **changed) is None
    updated = await journal.update_story(ALICE, story.id, **changed)
    assert updated is not None and updated.skills == "negotiation"
    with pytest.raises(FieldError, match="The result cannot be empty"):
        await journal.update_story(ALICE, story.id, **{**STORY, "result": "  "})
    assert await journal.story(ALICE, story.id) == updated

    assert await journal.delete_story(BOB, story.id) is None
    assert await journal.delete_story(ALICE, story.id) == updated
    assert await journal.delete_story(ALICE, story.id) is None


async def test_a_full_story_bank_takes_no_more(journal: JournalService) -> None:
    for n in range(MAX_STORIES):
        await journal.add_story(ALICE, **{**STORY, "title_and_skills": f"Story {n}"})
    assert await journal.story_bank_full(ALICE) and not await journal.story_bank_full(BOB)
    with pytest.raises(StoryBankFull):
        await journal.add_story(ALICE, **STORY)
    with pytest.raises(FieldError, match="The title cannot be empty"):  # the form is read first
        await journal.add_story(ALICE, **{**STORY, "title_and_skills": " | skills"})
    assert len(await journal.stories(ALICE)) == MAX_STORIES


async def test_a_report_gets_the_users_story_that_fits_its_weak_answer(
        journal: JournalService) -> None:
    report = {"improvements": [{"dimension": "structure", "question_number": 3,
                                "question": "Tell me about a disagreement with a colleague."}]}
    assert await journal.suggest_story(ALICE, report) is None
    await journal.add_story(ALICE, **{**STORY, "title_and_skills": "Cut onboarding | automation"})
    await journal.add_story(ALICE, **STORY)
    assert await journal.suggest_story(ALICE, report) == {
        "title": "Settled the roadmap dispute", "skills": "conflict resolution, negotiation",
        "question_number": 3}
    assert await journal.suggest_story(BOB, report) is None


# --- checklists ---------------------------------------------------------------------------------

async def test_a_checklist_is_made_once_per_stage_and_company_and_keeps_its_ticks(
        journal: JournalService) -> None:
    when = datetime(2026, 12, 3, 14, tzinfo=UTC)
    first = await journal.open_checklist(ALICE, "final", " Acme ", "Analyst", when)
    assert (first.record.company, first.record.role, first.record.interview_at) == (
        "Acme", "Analyst", when)
    assert first.ticked == 0 and first.total == len(first.checklist.items) >= 10
    assert first.notes_shown == first.notes_total == 0 and not first.checklist.extra
    ticked = await journal.tick(ALICE, first.record.id, ["review_all_rounds", "not_an_item"])
    assert ticked is not None and ticked.done == {"review_all_rounds"} and ticked.ticked == 1
    assert "✅" in ticked.body

    again = await journal.open_checklist(ALICE, "final", "ACME", None, None)
    assert again.record.id == first.record.id
    assert (again.record.role, again.record.interview_at) == ("Analyst", when)  # kept
    assert again.done == {"review_all_rounds"}
    assert await journal.ticked_items(ALICE, "final", "  acme") == {"review_all_rounds"}
    assert (await journal.tick(ALICE, first.record.id, [])).done == frozenset()


async def test_someone_elses_checklist_is_not_found(journal: JournalService) -> None:
    mine = await journal.open_checklist(ALICE, "final", "Acme")
    assert await journal.checklist(BOB, mine.record.id) is None
    assert await journal.tick(BOB, mine.record.id, ["review_all_rounds"]) is None
    assert (await journal.checklist(ALICE, mine.record.id)).done == frozenset()
    theirs = await journal.open_checklist(BOB, "final", "Acme")
    assert theirs.record.id != mine.record.id


async def test_a_checklist_shows_the_journal_notes_for_its_company_that_fit(
        journal: JournalService) -> None:
    await journal.add_entry(ALICE, {"company": "Acme", "notes": "Asked about stakeholder maps"})
    await journal.add_entry(ALICE, {"company": "Globex", "notes": "Not this company"})
    shown = await journal.open_checklist(ALICE, "second_round", "acme")
    assert "Asked about stakeholder maps" in shown.checklist.extra
    assert "Not this company" not in shown.checklist.extra
    assert (shown.notes_shown, shown.notes_total) == (1, 1)
    for n in range(3):  # markdown doubles once escaped: three of these cannot all fit
        await journal.add_entry(ALICE, {"company": "Acme", "interviewers": "(_)" * 100,
                                        "notes": f"{n} " + "*a " * 200, "feedback": "_b " * 200})
    crowded = await journal.open_checklist(ALICE, "final", "Acme")
    assert crowded.notes_total == 4 and 1 <= crowded.notes_shown < 3
    assert len(crowded.body) + len(crowded.checklist.extra) <= 5600


@pytest.mark.parametrize(("stage", "company", "role", "message"), [
    ("screening", "Acme", None, "Choose the stage from the list"),
    ("final", "  ", None, "The company cannot be empty"),
    ("final", "Acme", "R" * 150, "The role is 150 characters"),
])
async def test_a_checklist_that_cannot_be_made_saves_nothing(
        journal: JournalService, store: Store, stage: str, company: str, role: str | None,
        message: str) -> None:
    with pytest.raises(FieldError, match=message):
        await journal.open_checklist(ALICE, stage, company, role)
    assert await store.db.fetch_all("SELECT * FROM checklists") == []
