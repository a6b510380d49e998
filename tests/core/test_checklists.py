"""Personal checklists: what a rendered template splits into, which interview a checklist is
for, and the check that every stage's checklist fits one message in the worst case."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.checklists import (
    ChecklistSubject,
    check_checklists,
    checklist_key,
    clean_checklist_subject,
    journal_notes,
    parse_checklist,
    read_interview_time,
)
from bot.core.fields import FieldError
from bot.core.models import JournalEntry
from bot.core.prep_content import PrepContentError
from bot.core.timeparse import TimeParseError
from bot.library import TemplateLibrary
from core._prep_sources import PROMPTS, render_with, shipped_sources

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary(PROMPTS)


def test_checklist_template_parses_into_items_and_journal_notes(library) -> None:
    notes = [{"stage": "second_round", "date": NOW, "interviewers": "Dana Lee",
              "notes": "Asked about stakeholders", "feedback": "More numbers"}]
    rendered = library.render("checklists/final.md.j2", company="Acme", role="", when=None,
                              notes=notes)
    checklist = parse_checklist(rendered)
    assert checklist.intro.startswith("Your final round with Acme")
    assert len(checklist.items) >= 10
    assert checklist.items[0].id == "review_all_rounds"
    assert "Asked about stakeholders" in checklist.extra and "Dana Lee" in checklist.extra
    body = checklist.body({"review_all_rounds"})
    assert body.count("✅") == 1 and body.count("⬜") == len(checklist.items) - 1
    assert checklist.progress({"review_all_rounds", "not_an_item"}) == (1, len(checklist.items))


def test_checklist_problems() -> None:
    with pytest.raises(PrepContentError, match="no items"):
        parse_checklist("Just an intro\n- not an item")
    with pytest.raises(PrepContentError, match="'a' is used twice"):
        parse_checklist("- [a] one\n- [a] two")


def test_checklist_key_ignores_case_and_spacing() -> None:
    assert checklist_key("final", "  Acme   Corp ") == checklist_key("final", "acme corp")
    assert checklist_key("final", "Acme") == "final:acme"
    assert checklist_key("final", "Acme") != checklist_key("second_round", "Acme")


def test_a_checklist_subject_is_a_mock_stage_and_a_cleaned_company_and_role() -> None:
    subject = clean_checklist_subject("final", "  Acme \n Corp ", None)
    assert subject == ChecklistSubject("final", "Acme Corp", None)
    assert subject.key == "final:acme corp"
    assert clean_checklist_subject("second_round", "Acme", "  Data  Analyst ").role == "Data Analyst"
    with pytest.raises(FieldError, match="Choose the stage from the list: Second round, Final round"):
        clean_checklist_subject("screening", "Acme", None)
    with pytest.raises(FieldError, match="The company cannot be empty"):
        clean_checklist_subject("final", "   ", None)
    with pytest.raises(FieldError, match="The role is 150 characters"):
        clean_checklist_subject("final", "Acme", "R" * 150)


def test_the_interview_time_is_in_the_future_in_the_users_zone_and_9am_by_default() -> None:
    assert read_interview_time("2026-12-03 14:00", LONDON, NOW) == datetime(2026, 12, 3, 14, tzinfo=UTC)
    assert read_interview_time("2026-07-03", LONDON, NOW.replace(month=6)) == datetime(
        2026, 7, 3, 8, tzinfo=UTC)  # 9:00 in London's summer time
    with pytest.raises(TimeParseError, match="is in the past"):
        read_interview_time("2020-01-01 10:00", LONDON, NOW)


def test_journal_notes_are_the_most_recent_entries_as_the_template_reads_them() -> None:
    entries = [JournalEntry(id=n, user_id=1, company="Acme", role="", stage="second_round",
                            interview_at=NOW, interviewers=f"person {n}", notes=f"notes {n}",
                            feedback="", outcome="", created_at=NOW, updated_at=NOW)
               for n in range(5)]
    notes = journal_notes(entries)
    assert [n["interviewers"] for n in notes] == ["person 0", "person 1", "person 2"]
    assert notes[0] == {"stage": "second_round", "date": NOW, "interviewers": "person 0",
                        "notes": "notes 0", "feedback": ""}


def test_the_checklists_check_passes_the_shipped_ones_and_names_what_is_missing(library) -> None:
    sources = {n: t for n, t in shipped_sources().items() if n.startswith("checklists/")}
    assert check_checklists(sources, render_with(library)) == []
    del sources["checklists/final.md.j2"]
    assert check_checklists(sources, render_with(library)) == [
        "checklists/final.md.j2: missing (every stage needs a checklist)"]
    too_long = "- [a] " + "x" * 5000
    problems = check_checklists({"checklists/second_round.md.j2": "", "checklists/final.md.j2": ""},
                                lambda name, ctx: too_long)
    # Once for each context the check renders (a short company, the longest, and with a note).
    assert len(problems) == 6 and all("can exceed one message's embeds" in p for p in problems)
    assert {p.split(":")[0] for p in problems} == {"checklists/second_round.md.j2",
                                                  "checklists/final.md.j2"}
