"""Panels: interviewer kinds, who asks what, hand-overs, per-interviewer report facts."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.interview import Interview, transcript_entries
from bot.core.panel import (
    DEFAULT_KIND,
    HIRING_MANAGER,
    MAX_PANEL,
    PEER,
    PEOPLE_PARTNER,
    SENIOR_LEADER,
    TECHNICAL_LEAD,
    Interviewer,
    PanelError,
    assign_askers,
    handover_line,
    interviewer_kind,
    panel_facts,
    parse_interviewer,
    parse_panel,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("title", "kind"), [
    ("Hiring Manager", HIRING_MANAGER),
    ("Engineering Manager", HIRING_MANAGER),
    ("Head of Data", SENIOR_LEADER),
    ("VP Product", SENIOR_LEADER),
    ("Chief Operating Officer", SENIOR_LEADER),
    ("Co-founder", SENIOR_LEADER),
    ("People Partner", PEOPLE_PARTNER),
    ("Head of People", PEOPLE_PARTNER),
    ("HR Business Partner", PEOPLE_PARTNER),
    ("Senior Recruiter", PEOPLE_PARTNER),
    ("Staff Engineer", TECHNICAL_LEAD),
    ("Tech Lead", TECHNICAL_LEAD),
    ("Principal Data Scientist", TECHNICAL_LEAD),
    ("Software Engineer", PEER),
    ("Account Executive", PEER),
    ("Data Analyst", PEER),
    ("Chief Wizard", SENIOR_LEADER),
    ("Wizard", DEFAULT_KIND),
    ("", DEFAULT_KIND),
])
def test_the_kind_of_interviewer_comes_from_the_title(title, kind):
    assert interviewer_kind(title) == kind


def test_a_typed_interviewer_is_name_and_title_with_a_kind():
    assert parse_interviewer("  Dana   Lee ,  Head of  Data ") == {
        "name": "Dana Lee", "title": "Head of Data", "kind": SENIOR_LEADER}
    assert parse_interviewer("Ravi") == {"name": "Ravi", "title": "", "kind": DEFAULT_KIND}
    # Only the first comma separates: a title may hold commas of its own.
    assert parse_interviewer("Mo, Director, EMEA")["title"] == "Director, EMEA"


@pytest.mark.parametrize("typed", ["", "   ", ", Head of Data", " ,"])
def test_an_interviewer_needs_a_name(typed):
    with pytest.raises(PanelError, match="needs a name"):
        parse_interviewer(typed)


def test_absurdly_long_names_and_titles_are_refused():
    with pytest.raises(PanelError, match="name"):
        parse_interviewer("x" * 61)
    with pytest.raises(PanelError, match="title"):
        parse_interviewer("Dana, " + "y" * 81)


def test_a_panel_has_at_most_four_and_entries_may_hold_several():
    panel = parse_panel(["Dana Lee, Head of Data; Ravi Patel, Engineering Manager", "", "Mo, People Partner"])
    assert [p["name"] for p in panel] == ["Dana Lee", "Ravi Patel", "Mo"]
    with pytest.raises(PanelError, match="5 interviewers"):
        parse_panel([f"Person {n}, Engineer" for n in range(5)])
    with pytest.raises(PanelError, match="at most 4"):
        parse_panel(["A; B; C", "D; E"])


_name = st.text(st.characters(blacklist_characters=",;", blacklist_categories=("Cs",)), min_size=0, max_size=70)
_title = st.text(st.characters(blacklist_characters=";", blacklist_categories=("Cs",)), min_size=0, max_size=90)


@given(_name, _title)
def test_parsing_an_interviewer_either_refuses_or_gives_tidy_text(name, title):
    typed = f"{name},{title}"
    try:
        parsed = parse_interviewer(typed)
    except PanelError as error:
        assert str(error)  # a message for the candidate
        return
    assert parsed["name"] and parsed["name"] == " ".join(parsed["name"].split())
    assert "," not in parsed["name"] and len(parsed["name"]) <= 60 and len(parsed["title"]) <= 80
    assert parsed["kind"] == interviewer_kind(parsed["title"])
    assert not any(ord(c) < 32 for c in parsed["name"] + parsed["title"])


@given(st.lists(st.text(max_size=40), max_size=8))
def test_parsing_a_panel_never_gives_more_than_four_or_an_empty_name(entries):
    try:
        panel = parse_panel(entries)
    except PanelError:
        return
    assert len(panel) <= MAX_PANEL
    assert all(p["name"].strip() for p in panel)


def _people(*titles: str) -> list[Interviewer]:
    names = ["Ann Ames", "Bo Berg", "Cy Chan", "Di Diaz"]
    return [Interviewer(names[n], title, interviewer_kind(title)) for n, title in enumerate(titles)]


PLAN = [("opening", ""), ("about_yourself", ""), ("qualifications", ""), ("behavioural", ""),
        ("culture_values", ""), ("salary_benefits", ""), ("ideas", ""), ("motivation", ""),
        ("candidate_questions", ""), ("closing", "")]


def test_no_panel_means_nobody_is_named():
    assert assign_askers(PLAN, []) == [None] * len(PLAN)


def test_one_interviewer_asks_everything():
    assert assign_askers(PLAN, _people("Head of Data")) == [0] * len(PLAN)


@pytest.mark.parametrize("titles", [
    ("Engineering Manager", "People Partner"),
    ("Engineering Manager", "Staff Engineer", "VP Engineering"),
    ("Hiring Manager", "Software Engineer", "People Partner", "Director"),
    ("Chief Wizard", "Wizard", "Sorcerer", "Druid"),  # titles the bot cannot place
    ("Engineering Manager", "Engineering Manager"),  # the same title twice
])
def test_everyone_on_a_panel_speaks_and_the_lead_chairs(titles):
    panel = _people(*titles)
    askers = assign_askers(PLAN, panel)
    assert set(askers) == set(range(len(panel)))
    assert askers[0] == askers[-1] == askers[-2] == 0  # welcome, their questions, goodbye
    assert assign_askers(PLAN, panel) == askers  # the same every time (a resumed session too)


def test_questions_go_to_the_kind_of_interviewer_who_would_ask_them():
    panel = _people("Hiring Manager", "People Partner", "Staff Engineer", "VP Product")
    askers = dict(zip([c for c, _ in PLAN], assign_askers(PLAN, panel), strict=True))
    assert askers["salary_benefits"] == 1 and askers["culture_values"] == 1
    assert askers["qualifications"] == 2
    assert askers["ideas"] == 3 and askers["motivation"] == 3
    assert askers["behavioural"] == 0


def test_a_scripts_asked_by_wins_over_the_category():
    panel = _people("Hiring Manager", "Software Engineer")
    assert assign_askers([("opening", ""), ("salary_benefits", "peer"), ("closing", "")], panel) == [0, 1, 0]


def test_two_people_of_one_kind_take_turns():
    panel = _people("Engineering Manager", "Engineering Manager")
    plan = [("opening", "")] + [("behavioural", "")] * 4 + [("closing", "")]
    assert assign_askers(plan, panel) == [0, 0, 1, 0, 1, 0]


def test_too_few_questions_for_everyone_is_not_an_error():
    panel = _people("A", "B", "C", "D")
    assert assign_askers([("opening", ""), ("closing", "")], panel) == [0, 0]


def test_hand_over_lines_name_both_and_introduce_a_new_voice():
    dana, ravi = _people("Head of Data", "Engineering Manager")
    first = handover_line(dana, ravi, 2, first_time=True)
    assert first == "Bo Berg, Engineering Manager, joins the conversation."
    later = {handover_line(dana, ravi, n, first_time=False) for n in range(4)}
    assert len(later) == 4 and all("Bo" in line and "Ann" in line for line in later)
    assert handover_line(dana, dana, 3, first_time=False) == ""
    assert handover_line(None, dana, 1, first_time=True) == ""


def _answer(number, category, score, text="", key_point=""):
    return {"number": number, "question_id": f"q{number}", "category": category, "category_label": category,
            "score": score, "skipped": False, "text": text, "key_point": key_point}


def test_panel_facts_say_what_each_interviewer_heard():
    panel = [Interviewer("Dana Lee", "Head of Data", SENIOR_LEADER),
             Interviewer("Ravi Patel", "Engineering Manager", HIRING_MANAGER),
             Interviewer("Mo Okafor", "People Partner", PEOPLE_PARTNER)]
    answers = [_answer(1, "opening", 0.9), _answer(2, "ideas", 0.8, key_point="I'd test a cheaper plan"),
               _answer(3, "motivation", 0.3), _answer(4, "behavioural", 0.6),
               _answer(5, "candidate_questions", 0.7,
                       "Ravi, how will you measure success in the first six months? What is the strategy for "
                       "next year?"),
               _answer(6, "closing", 0.7, "Thank you Dana and Ravi, I'd love to join.")]
    facts = panel_facts(panel, answers, [1, 0, 0, 1, 1, 1])
    dana, ravi, mo = facts
    assert dana["asked"] == 2 and dana["best"]["number"] == 2 and dana["weakest"]["number"] == 3
    assert dana["best"]["quote"] == "I'd test a cheaper plan"
    assert dana["thanked"] and dana["question_for_them"].startswith("What is the strategy")
    assert ravi["thanked"] and ravi["question_for_them"].startswith("Ravi, how will you")
    # The opening is not rated; on a tie the earlier answer is the best.
    assert ravi["best"]["number"] == 5 and ravi["weakest"]["number"] == 4
    assert mo["asked"] == 0 and mo["best"] is None and not mo["thanked"] and not mo["question_for_them"]


def test_panel_facts_with_no_panel_are_empty():
    assert panel_facts([], [_answer(1, "opening", 0.5)], [None]) == []


# --- the panel in an interview ---------------------------------------------------------------

def _interview(library, script="second_round", panel=(), **context):
    ctx = {"candidate": "Sam", "role": "Data Analyst", "company": "Acme",
           "interviewers": [parse_interviewer(p) for p in panel], **context}
    return Interview(library.script(script), ctx)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_every_interviewer_of_a_panel_asks_in_a_real_script(shipped_library, size):
    titles = ["Dana Lee, Head of Data", "Ravi Patel, Engineering Manager", "Mo Okafor, People Partner",
              "Jo Kim, Chief Wizard"][:size]
    interview = _interview(shipped_library, panel=titles)
    assert {a for a in interview.askers} == set(range(size))
    asked = interview.start(NOW).question
    assert asked is not None and asked.asker == interview.panel[0].to_dict() and asked.handover == ""
    assert asked.asker_label == titles[0].replace(", ", " (") + ")"


def test_each_question_says_who_asks_it_and_hands_over(shipped_library):
    interview = _interview(shipped_library, panel=["Dana Lee, Head of Data", "Ravi Patel, Engineering Manager"])
    interview.start(NOW)
    seen = []
    when = NOW
    while interview.is_open:
        asked = interview.current_question()
        seen.append(asked)
        interview.add_part("At my last company I led the rollout; as a result churn fell 12% in a quarter.", when)
        when += timedelta(minutes=2)
        interview.finish_answer(when)
    assert {a.asker["name"] for a in seen} == {"Dana Lee", "Ravi Patel"}
    changes = [a for prev, a in itertools.pairwise(seen)
               if not a.is_probe and a.asker != prev.asker]
    assert changes and all(a.handover for a in changes)
    assert all(not a.handover for a in seen if a.is_probe)
    entries = transcript_entries(interview)
    assert {e["asker"]["name"] for e in entries} == {"Dana Lee", "Ravi Patel"}
    report = interview.report()
    assert [p["name"] for p in report["panel"]] == ["Dana Lee", "Ravi Patel"]
    assert all(p["asked"] >= 1 for p in report["panel"])


def test_no_panel_no_names_and_no_panel_section(shipped_library):
    interview = _interview(shipped_library)
    asked = interview.start(NOW).question
    assert asked is not None and asked.asker is None and asked.asker_label == "" and asked.handover == ""
    assert "panel" not in interview.report()


def test_panel_facts_credit_the_question_to_who_asked_for_it_and_once():
    # The tester's final: Dana chairs and asks "your questions for us"; Mia has no title, so
    # nothing is known of what she cares about; the one question asked counts for one person.
    panel = [Interviewer("Dana Lee", "Head of Product", SENIOR_LEADER),
             Interviewer("Raj Patel", "Engineering Lead", HIRING_MANAGER),
             Interviewer("Mia Chen", "", DEFAULT_KIND)]
    question = "What would my first 90 days look like and how is success measured?"
    answers = [_answer(1, "behavioural", 0.8), _answer(2, "qualifications", 0.7),
               _answer(3, "candidate_questions", 0.6, question), _answer(4, "closing", 0.7, "Thanks.")]
    dana, raj, mia = panel_facts(panel, answers, [2, 1, 0, 0])
    assert dana["question_for_them"] == question
    assert raj["question_for_them"] == "" and mia["question_for_them"] == ""


def test_panel_facts_spread_several_questions_over_the_panel():
    panel = [Interviewer("Dana Lee", "Head of Product", SENIOR_LEADER),
             Interviewer("Raj Patel", "Engineering Lead", HIRING_MANAGER),
             Interviewer("Mia Chen", "", DEFAULT_KIND)]
    text = ("How is success measured in the first year? What does a normal week look like? "
            "Mia, what do you enjoy most here?")
    facts = panel_facts(panel, [_answer(1, "candidate_questions", 0.6, text)], [0])
    dana, raj, mia = (f["question_for_them"] for f in facts)
    # Dana asked for them, Raj's role cares about success, Mia was named: one each, none twice.
    assert mia == "Mia, what do you enjoy most here?"
    assert {dana, raj} == {"How is success measured in the first year?", "What does a normal week look like?"}
    assert raj == "How is success measured in the first year?"
