"""The shipped prep content as the checks see it (not a test module)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from bot.library import TemplateLibrary

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def shipped_sources() -> dict[str, str]:
    paths = [*PROMPTS.glob("tips/*.j2"), *PROMPTS.glob("checklists/*.j2"),
             PROMPTS / "prep" / "questions.txt"]
    return {p.relative_to(PROMPTS).as_posix(): p.read_text("utf-8") for p in paths}


def render_with(library: TemplateLibrary) -> Callable[[str, Mapping[str, object]], str]:
    return lambda name, ctx: library.render(name, **ctx)
