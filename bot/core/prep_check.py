"""The `check-prompts` check of all the prep content at once: tips, checklists and the
questions to ask. Pure: sources and a render function come in."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.checklists import check_checklists
from bot.core.prep_content import RenderFn
from bot.core.questions_to_ask import check_questions
from bot.core.tips import check_tips


def check_prep_content(sources: Mapping[str, str], render: RenderFn) -> list[str]:
    """Validate the prep content for `check-prompts`: tips headers and pages, the required
    topics, checklists (items, sizes in the worst case), and questions.txt.

    `sources` maps names relative to prompts/ ("tips/x.md.j2", "checklists/final.md.j2",
    "prep/questions.txt") to their text; `render(name, context)` renders a template."""
    return [*check_tips(sources, render), *check_checklists(sources, render),
            *check_questions(sources)]
