"""`check-prompts` over all the prep content at once."""

from __future__ import annotations

import pytest

from bot.core.prep_check import check_prep_content
from bot.library import TemplateLibrary
from core._prep_sources import PROMPTS, render_with, shipped_sources


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary(PROMPTS)


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
