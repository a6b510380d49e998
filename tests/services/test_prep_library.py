"""The read-only prep content the bot loads once: topics in order, their pages, questions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.prep_content import PrepContentError
from bot.core.tips import REQUIRED_TOPICS
from bot.library import TemplateLibrary
from bot.services.prep import PrepLibrary

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


@pytest.fixture(scope="module")
def prep() -> PrepLibrary:
    return PrepLibrary(TemplateLibrary(PROMPTS)).load()


def test_the_shipped_topics_load_in_the_candidates_order(prep: PrepLibrary) -> None:
    assert list(prep.topics) == list(REQUIRED_TOPICS)
    assert prep.topic("star_method") is prep.topics["star_method"]
    assert prep.topic("  Answering with the STAR method ") is prep.topics["star_method"]
    assert prep.topic("basket weaving") is None
    assert "final_round" not in [t.id for t in prep.topics_for("second_round")]
    assert len(prep.topics_for("any")) == len(REQUIRED_TOPICS)
    assert [t.id for t in prep.topic_choices("salary", None)] == ["salary_negotiation"]


def test_a_topic_renders_as_pages_for_a_stage(prep: PrepLibrary) -> None:
    pages = prep.tip_pages(prep.topics["star_method"], "final")
    assert len(pages) == 3 and "Sharper STAR" in pages[1]
    assert all("=== page ===" not in page and "{{" not in page for page in pages)


def test_questions_are_chosen_by_category_and_stage(prep: PrepLibrary) -> None:
    assert len(prep.questions) >= 30
    team = prep.questions_for("team", "final")
    assert team and all(q.category == "team" and "final" in q.stages for q in team)
    assert len(prep.questions_for(None)) == len(prep.questions)


def test_broken_content_is_refused_with_every_problem(tmp_path: Path) -> None:
    shutil.copytree(PROMPTS / "tips", tmp_path / "tips")
    (tmp_path / "tips" / "broken.md.j2").write_text("no header", "utf-8")
    with pytest.raises(PrepContentError) as refused:
        PrepLibrary(TemplateLibrary(tmp_path)).load()
    assert refused.value.problems == [
        "tips/broken.md.j2:1: a tips template must start with a {#- title: ... summary: ... "
        "stages: ... -#} comment",
        "prep/questions.txt: missing"]
