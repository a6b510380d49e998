"""Questions to ask the interviewer: the file format, choosing by category and stage, pages."""

from __future__ import annotations

import pytest

from bot.core.prep_content import EMBED_DESCRIPTION_LIMIT, PrepContentError
from bot.core.questions_to_ask import (
    MIN_QUESTIONS,
    QUESTION_CATEGORIES,
    check_questions,
    find_category,
    match_categories,
    parse_questions,
    question_pages,
    select_questions,
)
from bot.core.stages import MOCK_STAGES
from core._prep_sources import PROMPTS, shipped_sources


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


def test_categories_for_autocomplete_match_labels_and_ids() -> None:
    assert match_categories("gro") == [("growth", "Growth and success")]
    assert match_categories("next_") == [("next_steps", "Next steps")]
    assert [key for key, _ in match_categories("  ")] == list(QUESTION_CATEGORIES)
    assert match_categories("salary") == []


def test_the_questions_check_wants_enough_questions_for_every_category_and_stage() -> None:
    assert check_questions(shipped_sources()) == []
    assert check_questions({}) == ["prep/questions.txt: missing"]
    problems = check_questions({"prep/questions.txt": "question: only\ncategory: role\n"
                                                      "stages: final\nask: Q?\nwhy: W.\n"})
    assert problems[0] == "prep/questions.txt: 1 questions; at least 30 needed"
    assert "prep/questions.txt: no role question for the second_round stage" in problems
    assert "prep/questions.txt: no role question for the final stage" not in problems
    broken = check_questions({"prep/questions.txt": "question: a\n"})
    assert broken == ["prep/questions.txt:1: question block is missing category, stages, ask, why"]
