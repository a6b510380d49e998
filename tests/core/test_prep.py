"""Prep content as data: tips, questions to ask, checklists, journal fields, and story matching."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.feedback import ScoredAnswer, analyze_answer, build_report
from bot.core.models import JournalEntry, StarStory
from bot.core.prep import (
    EMBED_DESCRIPTION_LIMIT,
    MIN_QUESTIONS,
    QUESTION_CATEGORIES,
    REQUIRED_TOPICS,
    FieldError,
    PrepContentError,
    check_entry_fits,
    check_prep_content,
    checklist_key,
    clean_field,
    clean_single_line,
    entry_choice_label,
    find_category,
    find_topic,
    format_entry,
    match_entries,
    match_topics,
    order_topics,
    parse_checklist,
    parse_entry_id,
    parse_questions,
    parse_tip_header,
    question_pages,
    read_journal_date,
    select_questions,
    split_pages,
)
from bot.core.stages import MOCK_STAGES
from bot.core.stories import (
    clean_story,
    format_story_text,
    normalise_skills,
    split_title_and_skills,
    suggest_story,
)
from bot.library import TemplateLibrary

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary(PROMPTS)


def shipped_sources() -> dict[str, str]:
    paths = [*PROMPTS.glob("tips/*.j2"), *PROMPTS.glob("checklists/*.j2"),
             PROMPTS / "prep" / "questions.txt"]
    return {p.relative_to(PROMPTS).as_posix(): p.read_text("utf-8") for p in paths}


def render_with(library: TemplateLibrary):
    return lambda name, ctx: library.render(name, **ctx)


# --- tips -------------------------------------------------------------------------------------

def test_every_seed_topic_has_a_tips_template_with_a_valid_header() -> None:
    assert len(REQUIRED_TOPICS) == 15
    for topic_id in REQUIRED_TOPICS:
        path = PROMPTS / "tips" / f"{topic_id}.md.j2"
        assert path.is_file(), f"no tips template for {topic_id}"
        topic = parse_tip_header(path.read_text("utf-8"), f"tips/{topic_id}.md.j2")
        assert topic.id == topic_id and topic.title and topic.summary
        assert set(topic.stages) <= set(MOCK_STAGES) and topic.stages


@pytest.mark.parametrize("topic_id", list(REQUIRED_TOPICS))
@pytest.mark.parametrize("stage", [*MOCK_STAGES, "any"])
def test_every_tips_template_renders_pages_within_discord_limits(library, topic_id, stage) -> None:
    for company, role in (("", ""), ("Acme", "Data Analyst")):
        pages = split_pages(library.render(f"tips/{topic_id}.md.j2", stage=stage,
                                           company=company, role=role))
        assert pages, topic_id
        for page in pages:
            assert 0 < len(page) <= EMBED_DESCRIPTION_LIMIT
            assert "=== page ===" not in page and "{{" not in page and "{%" not in page


def test_the_final_round_topic_is_for_final_rounds_only() -> None:
    topic = parse_tip_header((PROMPTS / "tips" / "final_round.md.j2").read_text("utf-8"),
                             "tips/final_round.md.j2")
    assert topic.stages == ("final",)
    assert topic.fits("final") and topic.fits("any") and not topic.fits("second_round")


def test_tip_header_problems_name_the_file() -> None:
    with pytest.raises(PrepContentError, match=r"tips/x\.md\.j2:1: a tips template must start"):
        parse_tip_header("no header here", "tips/x.md.j2")
    with pytest.raises(PrepContentError) as exc:
        parse_tip_header("{#- title: T\nstages: second_round, third -#}\nbody", "tips/x.md.j2")
    text = str(exc.value)
    assert "no summary" in text and "unknown stage(s) third" in text
    with pytest.raises(PrepContentError, match="file name must be a topic id"):
        parse_tip_header("{#- title: T\nsummary: S\nstages: final -#}", "tips/Bad-Name.md.j2")


def test_split_pages_drops_the_separator_and_empty_pages() -> None:
    assert split_pages("one\n=== page ===\ntwo\n  === page ===  \n\n") == ["one", "two"]
    assert split_pages("just one") == ["just one"]


def test_topics_are_found_by_id_or_title_and_matched_for_autocomplete() -> None:
    topics = [parse_tip_header(src, name) for name, src in shipped_sources().items()
              if name.startswith("tips/")]
    ordered = order_topics(topics)
    assert [t.id for t in ordered] == list(REQUIRED_TOPICS)
    assert find_topic(topics, "star_method").id == "star_method"
    assert find_topic(topics, "  answering with the STAR method ").id == "star_method"
    assert find_topic(topics, "nonsense") is None
    assert [t.id for t in match_topics(topics, "salary")] == ["salary_negotiation"]
    assert "follow_up" in [t.id for t in match_topics(topics, "thank")]
    assert len(match_topics(topics, "")) == 15
    # Topics that fit the stage come first.
    assert match_topics(topics, "", stage="second_round")[-1].id == "final_round"


# --- questions ------------------------------------------------------------------------------

def test_shipped_questions_cover_every_category_and_stage() -> None:
    questions = parse_questions((PROMPTS / "prep" / "questions.txt").read_text("utf-8"))
    assert len(questions) >= MIN_QUESTIONS
    for stage in MOCK_STAGES:
        for category in QUESTION_CATEGORIES:
            assert select_questions(questions, category=category, stage=stage), (category, stage)
    assert all(q.why and q.ask.endswith("?") for q in questions)


def test_question_file_problems_are_reported_with_lines() -> None:
    text = ("question: a\ncategory: role\nstages: final\nask: Why?\nwhy: Because.\n\n"
            "# a comment\n"
            "question: a\ncategory: pay\nstages: final, third\nask: How?\nwhy: So.\n\n"
            "question: b\ncategory: team\nask: Who?\n")
    with pytest.raises(PrepContentError) as exc:
        parse_questions(text, "prep/questions.txt")
    problems = exc.value.problems
    assert any(p.startswith("prep/questions.txt:8:") and "also used on line 1" in p for p in problems)
    assert any("unknown category 'pay'" in p for p in problems)
    assert any("stages must be" in p for p in problems)
    assert any(p.startswith("prep/questions.txt:14:") and "missing stages, why" in p for p in problems)


def test_questions_are_filtered_and_paged_within_limits() -> None:
    questions = parse_questions((PROMPTS / "prep" / "questions.txt").read_text("utf-8"))
    final_team = select_questions(questions, category="team", stage="final")
    assert final_team and all(q.category == "team" and "final" in q.stages for q in final_team)
    everything = select_questions(questions)
    pages = question_pages(everything)
    assert len(pages) > 1
    assert all(len(p) <= EMBED_DESCRIPTION_LIMIT for p in pages)
    joined = "\n".join(pages)
    assert all(q.ask in joined and q.why in joined for q in everything)
    assert "__The role__" in pages[0] and "**1. " in pages[0]
    assert find_category("growth") == "growth" and find_category("The team and how it works") == "team"
    assert find_category("salary") is None


# --- checklists -------------------------------------------------------------------------------

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


def test_shipped_prep_content_passes_the_checker(library) -> None:
    assert check_prep_content(shipped_sources(), render_with(library)) == []


def test_the_checker_finds_broken_content(library) -> None:
    sources = shipped_sources()
    del sources["tips/rapport.md.j2"]
    sources["tips/extra.md.j2"] = "{#- title: Extra\nsummary: S\nstages: final -#}\n" + "x" * 5000
    for n in range(11):
        sources[f"tips/more_{n}.md.j2"] = "{#- title: More\nsummary: S\nstages: final -#}\nbody"
    sources["prep/questions.txt"] = "question: only\ncategory: role\nstages: final\nask: Q?\nwhy: W.\n"
    problems = check_prep_content(sources, lambda name, ctx: (
        sources[name] if name.startswith(("tips/extra", "tips/more")) else library.render(name, **ctx)))
    text = "\n".join(problems)
    assert "required topic(s) rapport" in text
    assert "tips/extra.md.j2: page 1 is" in text
    assert "26 topics; the index menu holds 25" in text
    assert "1 questions; at least 30 needed" in text
    assert "no team question for the second_round stage" in text


# --- journal fields ---------------------------------------------------------------------------

def test_fields_are_trimmed_and_refused_when_empty_or_too_long() -> None:
    assert clean_single_line("  Acme \n Corp ", "company", limit=100, required=True) == "Acme Corp"
    assert clean_field("line one  \n line two", "notes", limit=100) == "line one\n line two"
    with pytest.raises(FieldError, match="The company cannot be empty"):
        clean_single_line("   ", "company", limit=100, required=True)
    with pytest.raises(FieldError, match="101 characters long; the most I can keep is 100"):
        clean_field("x" * 101, "role", limit=100)
    assert clean_field(None, "role", limit=10) == ""
    with pytest.raises(FieldError, match="too long to show"):
        check_entry_fits({"notes": "*" * 1500, "feedback": "_" * 1500})


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


# --- stories ----------------------------------------------------------------------------------

def test_title_and_skills_share_one_field() -> None:
    assert split_title_and_skills("Fixed onboarding | automation, process") == (
        "Fixed onboarding ", " automation, process")
    assert split_title_and_skills("Just a title") == ("Just a title", "")
    assert normalise_skills(" Leadership ,conflict;leadership,, ") == "Leadership, conflict"
    story = clean_story(title_and_skills="  Cut onboarding | automation , process ",
                        situation="S", task="T", action="A", result="R")
    assert story["title"] == "Cut onboarding" and story["skills"] == "automation, process"
    with pytest.raises(FieldError, match="title cannot be empty"):
        clean_story(title_and_skills=" | skills", situation="S", task="T", action="A", result="R")
    with pytest.raises(FieldError, match="result cannot be empty"):
        clean_story(title_and_skills="T", situation="S", task="T", action="A", result="  ")
    with pytest.raises(FieldError, match="1001 characters"):
        clean_story(title_and_skills="T", situation="S" * 1001, task="T", action="A", result="R")
    assert "none yet" in format_story_text({**story, "skills": ""})


def _story(story_id: int, title: str, skills: str) -> StarStory:
    return StarStory(id=story_id, user_id=1, title=title, skills=skills, situation="s", task="t",
                     action="a", result="r", created_at=NOW, updated_at=NOW)


def _report() -> dict:
    weak = "Um, I think we kind of sorted it out eventually."
    strong = ("At my last company onboarding took 3 weeks. I was asked to fix it. I mapped every "
              "step, automated the account set-up and as a result it takes 2 days now.")
    scored = [
        ScoredAnswer("walkthrough", 1, "qualifications", "Walk me through your background.",
                     strong, False, 90, (60, 200), analyze_answer(strong, length=(60, 200))),
        ScoredAnswer("conflict_colleague", 2, "behavioural",
                     "Tell me about a real disagreement with a colleague. How did you handle it?",
                     weak, False, 20, (120, 300), analyze_answer(weak, length=(120, 300))),
    ]
    return build_report(scored, company="Acme")


def test_suggest_story_picks_the_story_whose_skills_fit_the_weak_question() -> None:
    report = _report()
    weak = [i for i in report["improvements"] if i["question_number"] == 2]
    assert weak, report["improvements"]
    stories = [_story(1, "Cut onboarding to two days", "automation, process improvement"),
               _story(2, "Settling the roadmap argument with design", "conflict resolution, negotiation"),
               _story(3, "Mentoring a new analyst", "coaching")]
    assert suggest_story(stories, report) == {
        "title": "Settling the roadmap argument with design",
        "skills": "conflict resolution, negotiation", "question_number": 2}


def test_suggest_story_uses_title_words_and_returns_none_when_nothing_fits() -> None:
    report = {"improvements": [
        {"dimension": "structure", "question_number": 4, "question_id": "failure_owned",
         "question": "Tell me about a time you failed at something that mattered."},
        {"dimension": "questions", "question_number": 9, "question_id": "my_questions",
         "question": "What would you like to ask us about conflict?"},
    ]}
    assert suggest_story([_story(1, "Team offsite planning", "events")], report) is None
    assert suggest_story([], report) is None
    assert suggest_story([_story(1, "The launch that failed", "")], report) == {
        "title": "The launch that failed", "skills": "", "question_number": 4}
    assert suggest_story([_story(1, "x", "conflict")], {"improvements": []}) is None
