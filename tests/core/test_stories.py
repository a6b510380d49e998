"""The STAR story bank: a story's fields, how it is listed, and which story fits a weak answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.feedback import ScoredAnswer, analyze_answer, build_report
from bot.core.fields import FieldError
from bot.core.models import StarStory
from bot.core.stories import (
    clean_story,
    format_story_text,
    normalise_skills,
    split_title_and_skills,
    story_list_line,
    suggest_story,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


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


def test_a_story_list_line_escapes_and_has_a_compact_form() -> None:
    line, compact = story_list_line(3, _story(1, "*Big* win", "lead_ership"))
    assert line == "**3.** \\*Big\\* win · *lead\\_ership*"
    assert compact == "**3.** \\*Big\\* win"
    assert story_list_line(1, _story(1, "No skills", ""))[0] == "**1.** No skills"
    assert len(story_list_line(1, _story(1, "T" * 100, ""))[1]) < 50

