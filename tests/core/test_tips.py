"""Prep tips: topic headers, pages, and finding a topic from what someone typed."""

from __future__ import annotations

import pytest

from bot.core.prep_content import EMBED_DESCRIPTION_LIMIT, PrepContentError
from bot.core.stages import MOCK_STAGES
from bot.core.tips import (
    REQUIRED_TOPICS,
    check_tips,
    find_topic,
    match_topics,
    order_topics,
    parse_tip_header,
    split_pages,
)
from bot.library import TemplateLibrary
from core._prep_sources import PROMPTS, render_with, shipped_sources


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary(PROMPTS)


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


def test_the_tips_check_passes_the_shipped_tips_and_names_what_is_wrong(library) -> None:
    sources = {name: text for name, text in shipped_sources().items() if name.startswith("tips/")}
    assert check_tips(sources, render_with(library)) == []
    del sources["tips/rapport.md.j2"]
    sources["tips/broken.md.j2"] = "no header"
    problems = check_tips(sources, render_with(library))
    assert "tips/broken.md.j2:1: a tips template must start with a" in problems[0]
    assert problems[-1] == "tips/: no template for required topic(s) rapport"
