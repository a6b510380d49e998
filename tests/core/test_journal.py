"""The journal's rules: cleaning typed fields, dates in the user's zone, finding an entry from
what someone typed, and how an entry is shown."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.fields import FieldError
from bot.core.journal import (
    check_entry_fits,
    clean_entry_fields,
    companies_matching,
    entry_choice_label,
    format_entry,
    list_line,
    match_entries,
    parse_entry_id,
    read_journal_date,
    text_fields,
)
from bot.core.models import JournalEntry

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def test_an_entry_too_long_to_show_once_escaped_is_refused() -> None:
    with pytest.raises(FieldError, match="too long to show"):
        check_entry_fits({"notes": "*" * 1500, "feedback": "_" * 1500})
    check_entry_fits({"notes": "a" * 1500, "feedback": "b" * 1500})


def test_entry_fields_are_cleaned_by_their_own_rules() -> None:
    when = datetime(2026, 11, 20, 14, tzinfo=LONDON)
    cleaned = clean_entry_fields({"company": "  Acme \n Corp ", "role": None, "stage": "final",
                                  "notes": "line one  \n line two ", "interview_at": when})
    assert cleaned == {"company": "Acme Corp", "stage": "final", "notes": "line one\n line two",
                       "interview_at": datetime(2026, 11, 20, 14, tzinfo=UTC)}
    assert clean_entry_fields({"outcome": None}) == {}
    with pytest.raises(FieldError, match="The company cannot be empty"):
        clean_entry_fields({"company": "  "})
    with pytest.raises(FieldError, match="The interviewers is 301 characters"):
        clean_entry_fields({"interviewers": "x" * 301})
    with pytest.raises(FieldError, match="Choose the stage from the list: Screening call"):
        clean_entry_fields({"stage": "fourth_round"})
    with pytest.raises(ValueError, match="unknown journal field"):
        clean_entry_fields({"salary": "lots"})
    with pytest.raises(ValueError, match="timezone-aware"):
        clean_entry_fields({"interview_at": datetime(2026, 11, 20, 14)})  # noqa: DTZ001



def test_journal_dates_read_in_the_users_zone_past_or_future() -> None:
    assert read_journal_date("2026-11-20 14:00", LONDON, NOW) == datetime(2026, 11, 20, 14, tzinfo=UTC)
    # A date without a year that already passed this year is last one, not next year's.
    assert read_journal_date("Nov 20 2pm", LONDON, NOW) == datetime(2026, 11, 20, 14, tzinfo=UTC)
    # An upcoming interview stays in the future; a date alone is kept as midday.
    assert read_journal_date("Dec 3", LONDON, NOW) == datetime(2026, 12, 3, 12, tzinfo=UTC)
    assert read_journal_date("2027-11-20 09:00", LONDON, NOW).year == 2027
    from bot.core.timeparse import TimeParseError
    with pytest.raises(TimeParseError, match="could not read"):
        read_journal_date("the other day", LONDON, NOW)


def _entry(entry_id: int, company: str, when: datetime | None, **extra: str) -> JournalEntry:
    fields = {"role": "", "stage": "", "interviewers": "", "notes": "", "feedback": "",
              "outcome": "", **extra}
    return JournalEntry(id=entry_id, user_id=1, company=company, interview_at=when,
                        created_at=NOW, updated_at=NOW, **fields)


def test_entries_match_by_company_date_or_id() -> None:
    entries = [_entry(1, "Acme", datetime(2026, 11, 20, 14, tzinfo=UTC), stage="second_round"),
               _entry(2, "Globex", datetime(2026, 12, 3, 9, tzinfo=UTC), role="Analyst"),
               _entry(3, "Acme Labs", None)]
    assert [e.id for e in match_entries(entries, "acme", LONDON)] == [1, 3]
    assert [e.id for e in match_entries(entries, "2026-12", LONDON)] == [2]
    assert [e.id for e in match_entries(entries, "dec 3", LONDON)] == [2]
    assert [e.id for e in match_entries(entries, "acme second", LONDON)] == [1]
    assert [e.id for e in match_entries(entries, "#3", LONDON)] == [3]
    assert len(match_entries(entries, "", LONDON)) == 3
    assert entry_choice_label(entries[0], LONDON) == "#1 Acme · Second round · 20 Nov 2026"
    assert len(entry_choice_label(_entry(4, "A" * 150, None), None)) <= 100
    assert parse_entry_id("12") == 12 and parse_entry_id(" #7 ") == 7
    assert parse_entry_id("acme") is None


def test_entry_text_escapes_what_the_user_typed() -> None:
    entry = _entry(1, "Acme", datetime(2026, 11, 20, 14, tzinfo=UTC), notes="@everyone *wow*",
                   interviewers="Dana_Lee")
    text = format_entry(entry)
    assert "@everyone" not in text and "\\*wow\\*" in text and "Dana\\_Lee" in text
    assert "<t:1795183200:F>" in text


def test_companies_for_autocomplete_once_each_as_first_spelled() -> None:
    entries = [_entry(1, "ACME", None), _entry(2, "Acme", None), _entry(3, "Globex", None),
               _entry(4, "Acme Labs", None)]
    assert companies_matching(entries, " acme ") == ["ACME", "Acme Labs"]
    assert companies_matching(entries, "") == ["ACME", "Globex", "Acme Labs"]
    assert companies_matching(entries, "", limit=1) == ["ACME"]


def test_a_list_line_escapes_and_shortens_and_has_a_compact_form() -> None:
    entry = _entry(7, "*Acme*", datetime(2026, 11, 20, 14, tzinfo=UTC), stage="final",
                   role="Analyst", outcome="offer")
    line, compact = list_line(entry)
    assert line == "**#7** \\*Acme\\* · Final round · Analyst · <t:1795183200:D> · *offer*"
    assert compact == "**#7** \\*Acme\\*"
    assert len(list_line(_entry(8, "A" * 100, None))[1]) < 45


def test_the_text_fields_are_the_ones_that_must_fit_together() -> None:
    entry = _entry(1, "Acme", None, stage="final", notes="n", feedback="f")
    assert text_fields(entry) == {"company": "Acme", "role": "", "interviewers": "",
                                  "outcome": "", "notes": "n", "feedback": "f"}

