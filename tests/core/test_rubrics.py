"""Every question category has a complete rubric, and the rubrics say what the analyzer does."""

from __future__ import annotations

import pytest

from bot.core.rubrics import DIMENSION_KEYS, RUBRICS, rubric_for
from bot.core.scripts import CATEGORIES

SHAPES = {"star", "intro", "reflection", "point", "weakness", "forward", "idea", "range", "timeline",
          "questions", "opening", "closing", "case", "challenge", "strategy"}


def test_one_rubric_per_script_category_with_the_same_label():
    assert set(RUBRICS) == set(CATEGORIES)
    for category, rubric in RUBRICS.items():
        assert rubric.category == category
        assert rubric.label == CATEGORIES[category]


@pytest.mark.parametrize("category", sorted(RUBRICS))
def test_a_rubric_is_complete(category):
    rubric = RUBRICS[category]
    assert rubric.shape in SHAPES
    assert set(rubric.weights) == set(DIMENSION_KEYS)
    assert abs(sum(rubric.weights.values()) - 1.0) < 1e-3
    assert all(w >= 0 for w in rubric.weights.values())
    assert len(rubric.strong) >= 3 and len(rubric.sinks) >= 2
    assert rubric.rewrite.strip().endswith(".")
    low, high = rubric.length
    assert 0 < low < high <= 300
    assert rubric.summary().count(" and ") >= 1
    if rubric.shape != "star":
        assert rubric.parts or rubric.shape == "questions"


def test_star_is_asked_only_of_stories():
    assert {c for c, r in RUBRICS.items() if r.asks_for_star} == {"behavioural", "qualifications"}


def test_short_answers_are_fine_where_the_question_is_practical():
    assert RUBRICS["salary_benefits"].length[0] <= 15
    assert RUBRICS["offers_timeline"].length[0] <= 15
    assert RUBRICS["behavioural"].length[0] >= 80


def test_tone_counts_most_where_bitterness_sinks_an_answer():
    weight = {c: r.weights["composure"] for c, r in RUBRICS.items()}
    assert weight["leaving_job"] == max(weight.values())


def test_unknown_categories_fall_back_to_fit():
    assert rubric_for("nonsense").category == "role_fit"
    assert rubric_for(None).category == "role_fit"


@pytest.mark.parametrize("category", sorted(RUBRICS))
def test_what_a_strong_answer_contains_reads_as_a_sentence(category):
    # The report says "A strong answer to this kind of question <summary>.": each point starts
    # with what the answer does ('gives', 'says', 'ends with'), never with a bare noun.
    rubric = RUBRICS[category]
    for point in rubric.strong:
        verb = point.split()[0]
        assert verb.endswith("s") and verb not in {"its", "this", "thanks."}, (category, point)
    assert not rubric.summary().startswith(("one ", "a ", "an ", "the "))


@pytest.mark.parametrize("category", sorted(RUBRICS))
def test_every_part_of_the_shape_is_described_in_words(category):
    from bot.core.feedback import analyze_answer

    a = analyze_answer("Thanks for having me. I rebuilt the pipeline last year and errors fell by 40%, "
                       "so I would start there.", question="", category=category)
    assert set(a.shape) <= set(RUBRICS[category].parts), (category, set(a.shape) - set(RUBRICS[category].parts))
