"""The thank-you nudge's drafts: one per interviewer met."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.followups import THANK_YOU, interviewer_people, nudge_template, thank_you_drafts
from bot.core.panel import MAX_PANEL

END = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "people"), [
    ("Dana Lee, Head of Data; Ravi Patel, Engineering Manager",
     [("Dana Lee", "Head of Data"), ("Ravi Patel", "Engineering Manager")]),
    ("Dana Lee and Ravi Patel", [("Dana Lee", ""), ("Ravi Patel", "")]),
    ("Dana Lee, Ravi Patel & Mo Okafor", [("Dana Lee", ""), ("Ravi Patel", ""), ("Mo Okafor", "")]),
    ("Dana Lee, Head of Data", [("Dana Lee", "Head of Data")]),
    ("Dr. Dana Lee (CTO)", [("Dr. Dana Lee", "")]),
    ("the panel", []),
    ("", []),
])
def test_the_people_met_are_read_with_their_titles(typed, people):
    assert [(p["name"], p["title"]) for p in interviewer_people(typed)] == people


@given(st.text(max_size=120))
def test_reading_people_never_gives_an_empty_name_or_more_than_a_panel(typed):
    people = interviewer_people(typed)
    assert len(people) <= MAX_PANEL
    assert all(p["name"].strip() for p in people)


def _render(library, interviewer):
    name, context = nudge_template(THANK_YOU, {"company": "Acme", "role": "Data Analyst",
                                               "interviewer": interviewer, "candidate": "Sam",
                                               "deadline": END.isoformat()})
    return library.render(name, **context)


def test_a_panel_gets_a_draft_per_interviewer_written_for_their_role(shipped_library):
    panel = "Dana Lee, Head of Data; Mo Okafor, People Partner; Ravi Patel, Engineering Manager"
    drafts = thank_you_drafts(panel)
    assert [(d["greeting"], d["kind"]) for d in drafts] == [
        ("Dana", "senior_leader"), ("Mo", "people_partner"), ("Ravi", "hiring_manager")]
    text = _render(shipped_library, panel)
    assert "You met 3 people" in text
    assert text.count("> Subject: Thank you for today") == 3
    for greeting in ("Dear Dana,", "Dear Mo,", "Dear Ravi,"):
        assert greeting in text
    assert "where Acme is heading" in text and "the next steps in the process" in text


def test_one_interviewer_keeps_the_single_draft(shipped_library):
    text = _render(shipped_library, "Dana Lee, Head of Data")
    assert "You met" not in text and text.count("Subject:") == 1 and "Dear Dana," in text
    assert "Dear Acme team," in _render(shipped_library, "")


def test_names_in_the_drafts_cannot_ping():
    from bot.library import TemplateLibrary
    from tests.core.conftest import PROMPTS_DIR

    text = _render(TemplateLibrary(PROMPTS_DIR).load(), "@everyone Lee, Director; <@123> Patel, Engineer")
    assert "You met 2 people" in text
    assert "@everyone" not in text and "<@123>" not in text
