"""`/prep questions`: questions to ask the interviewer, with why each is a good one, in pages
on the shared pager."""

from __future__ import annotations

import discord

from bot.core.questions_to_ask import QUESTION_CATEGORIES, find_category, question_pages
from bot.core.text import shorten
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, bot_of
from bot.exts._ui import page_buttons
from bot.exts.prep._tips import stage_name, valid_stage
from bot.services.prep import PrepLibrary

QUESTION_PAGES = "questions"  # the shared pager's name for these pages
ALL = "all"


def resolve_category(text: str | None) -> str:
    if not text:
        return ALL
    category = find_category(text)
    if category is None:
        known = ", ".join(QUESTION_CATEGORIES.values())
        raise UserFacingError(f"I have no question category called {shorten(text, 60)!r}. "
                              f"Choose one of: {known} (or leave it empty for all).")
    return category


def questions_message(prep: PrepLibrary, owner_id: int, category: str, stage: str,
                      page: int) -> tuple[discord.Embed, discord.ui.View | None]:
    chosen = prep.questions_for(None if category == ALL else category, stage)
    if not chosen:
        raise UserFacingError("I have no questions for that category and stage yet.")
    pages = question_pages(chosen)
    page = max(0, min(page, len(pages) - 1))
    heading = "All categories" if category == ALL else QUESTION_CATEGORIES[category]
    embed = discord.Embed(title=f"Questions to ask · {heading} · {stage_name(stage)}",
                          description=pages[page], colour=COLOUR)
    embed.set_footer(text=f"Page {page + 1} of {len(pages)} · {len(chosen)} questions · "
                          "pick three or four that you genuinely want answered")
    buttons = page_buttons(QUESTION_PAGES, owner_id, page, len(pages), f"{category}.{stage}")
    if not buttons:
        return embed, None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(button)
    return embed, view


async def questions_page(interaction: discord.Interaction, owner_id: int, page: int,
                         arg: str) -> tuple[discord.Embed, discord.ui.View | None]:
    """Page `page` for the category and stage in `arg` ("<category>.<stage>"), for the
    shared pager."""
    category, _, stage = arg.partition(".")
    if category not in QUESTION_CATEGORIES:
        category = ALL
    return questions_message(bot_of(interaction).prep, owner_id, category, valid_stage(stage), page)
