"""What people type into the follow-up commands, and the text the follow-up feature builds from
it: the plan id parser returns a plan id or refuses with its friendly error, never anything else
(property-based, with hypothesis); list lines and autocomplete choice names stay within
Discord's limits whatever the names; letters greet interviewers as people write to them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.core import followups
from bot.core.followups import PlanIdError, parse_plan_id
from bot.core.inputs import MAX_ID_DIGITS
from bot.core.models import FollowUpPlan
from bot.core.text import ZWSP

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
ID_WORDS = st.sampled_from(["#", "plan", "(#", ")", "-1", "0", "00", "12", "²", "٣", "１２",
                            "9999999999999999999999999", "9223372036854775807",
                            "9223372036854775808", "1e3", "0x1f", " ", "Acme", "(#4)", "+5"])
ID_LIKE = st.lists(ID_WORDS, min_size=1, max_size=5).map("".join)
ANY_TEXT = st.text(max_size=120)


@settings(max_examples=500)
@given(text=st.one_of(ID_LIKE, ANY_TEXT))
@example("9999999999999999999999999")
@example("²")
@example("-1")
@example("#12")
def test_a_typed_plan_id_is_a_valid_id_or_a_friendly_refusal(text: str) -> None:
    try:
        plan_id = parse_plan_id(text)
    except PlanIdError as error:
        assert "Pick a plan from the list" in str(error)
        return
    assert isinstance(plan_id, int) and followups.valid_id(plan_id)
    assert str(plan_id) in text  # read from the digits typed, never made up


@given(plan_id=st.integers(1, 10**MAX_ID_DIGITS - 1), title=ANY_TEXT)
def test_every_way_a_plan_is_named_reads_back_as_its_id(plan_id: int, title: str) -> None:
    assert parse_plan_id(str(plan_id)) == plan_id
    assert parse_plan_id(f"#{plan_id}") == plan_id
    assert parse_plan_id(f" plan {plan_id} ") == plan_id
    assert parse_plan_id(followups.choice_name(title, "Mon 05 Jan 10:00", plan_id)) == plan_id


@pytest.mark.parametrize("typed", ["9999999999999999999999999", "²", "-1", "#12x", "", "0",
                                   "#", "twelve", "１２", "٣", "12.5", str(followups.MAX_ID + 1)])
def test_odd_plan_ids_are_refused(typed: str) -> None:
    with pytest.raises(PlanIdError):
        parse_plan_id(typed)


def test_plan_ids_as_people_write_them() -> None:
    assert [parse_plan_id(t) for t in ("12", "#12", " # 12 ", "Plan 12", "007",
                                       "Final round at Acme (Analyst), Mon 05 Jan 10:00 (#12)")
            ] == [12, 12, 12, 12, 7, 12]


def plan(company: str, role: str, plan_id: int = 1, kind: str = "interview") -> FollowUpPlan:
    return FollowUpPlan(id=plan_id, user_id=1, journal_entry_id=None, kind=kind, guild_id=None,
                        channel_id=None, status="active",
                        details={"company": company, "role": role, "stage": "second_round",
                                 "script_title": company},
                        dedupe_key="k", created_at=NOW)


NAMES = st.text(min_size=1, max_size=100)  # what /followup add accepts for company and role


@settings(max_examples=300)
@given(company=NAMES, role=NAMES, plan_id=st.integers(1, followups.MAX_ID),
       kind=st.sampled_from([*followups.KIND_LABELS, "something_new"]),
       plan_kind=st.sampled_from(["interview", "practice"]))
def test_a_list_line_stays_within_its_limit_whatever_the_names(company: str, role: str,
                                                               plan_id: int, kind: str,
                                                               plan_kind: str) -> None:
    line = followups.reminder_line(kind, NOW, plan(company, role, plan_id, plan_kind))
    assert len(line) <= followups.REMINDER_LINE_LIMIT
    assert "\n" not in line  # one line, even for names typed with line breaks


def test_a_full_page_of_the_longest_lines_fits_an_embed() -> None:
    worst = "_" * 100  # every character escaped: twice as long
    lines = [followups.reminder_line(followups.THANK_YOU, NOW,
                                     plan(worst, worst, followups.MAX_ID))
             for _ in range(followups.LIST_PAGE)]
    assert max(len(line) for line in lines) <= followups.REMINDER_LINE_LIMIT
    assert followups.LIST_PAGE * (followups.REMINDER_LINE_LIMIT + 1) + 200 <= 4096
    assert "\\_" in lines[0] and "…" in lines[0]  # escaped, and visibly shortened


def test_list_lines_escape_names_once() -> None:
    line = followups.reminder_line(followups.CHECK_IN, NOW, plan("Acme_Corp (UK)", "@everyone"))
    assert "Acme\\_Corp \\(UK\\)" in line and f"@{ZWSP}everyone" in line
    assert "\\\\" not in line


@settings(max_examples=300)
@given(title=ANY_TEXT, plan_id=st.integers(1, followups.MAX_ID))
def test_an_autocomplete_choice_name_is_at_most_100_characters_and_keeps_the_number(
        title: str, plan_id: int) -> None:
    name = followups.choice_name(title, "Mon 05 Jan 10:00", plan_id)
    assert 1 <= len(name) <= 100
    assert name.endswith(f", Mon 05 Jan 10:00 (#{plan_id})")


def test_a_choice_name_is_not_escaped() -> None:
    assert followups.choice_name("Second round at Acme_Corp (UK)", "Mon 05 Jan 10:00", 3) == (
        "Second round at Acme_Corp (UK), Mon 05 Jan 10:00 (#3)")


# --------------------------------------------------------------------------- letters

@pytest.mark.parametrize(("typed", "greeting"), [
    ("Dana Lee", "Dana"),
    ("Dana", "Dana"),
    ("  dana   lee ", "dana"),
    ("Dr. Dana Lee", "Dr. Lee"),
    ("Dr Lee", "Dr Lee"),
    ("Prof. Ada Lovelace", "Prof. Lovelace"),
    ("Ms Smith", "Ms Smith"),
    ("Dana Lee and Sam Boss", "Dana and Sam"),
    ("Dana Lee, Sam Boss & Ravi Patel", "Dana, Sam and Ravi"),
    ("Dana Lee (Head of Data)", "Dana"),
    ("Dana Lee, Head of Data", "Dana"),
    ("Mary-Jane O'Neil", "Mary-Jane"),
    ("Andrea Anderson", "Andrea"),
    ("the panel", ""),
    ("Dr.", ""),
    ("", ""),
])
def test_letters_greet_the_interviewer_as_people_write(typed: str, greeting: str) -> None:
    assert followups.greeting_name(typed) == greeting


@given(typed=st.text(max_size=100))
def test_a_greeting_is_made_of_what_was_typed(typed: str) -> None:
    greeting = followups.greeting_name(typed)
    for word in greeting.replace(",", " ").split():
        assert word == "and" or word in typed


def test_the_thank_you_and_check_in_contexts_carry_the_greeting() -> None:
    details = {"company": "Acme", "role": "Analyst", "interviewer": "Dr. Dana Lee",
               "candidate": "Sam", "interview_at": NOW.isoformat(),
               "interview_end": NOW.isoformat()}
    for kind in (followups.THANK_YOU, followups.CHECK_IN):
        _, context = followups.nudge_template(kind, details)
        assert context["greeting"] == "Dr. Lee" and context["interviewer"] == "Dr. Dana Lee"
