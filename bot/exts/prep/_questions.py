"""`/prep questions`: questions to ask the interviewer, with why each is a good one, in pages
on the shared pager, with a menu to pick the ones you will ask (`/prep progress` counts them).
The menu carries the category, stage and page in its custom_id, so it works after a restart."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.questions_to_ask import QUESTION_CATEGORIES, AskQuestion, find_category, question_page_groups
from bot.core.text import shorten
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, bot_of
from bot.exts._ui import OwnerOnly, guarded, page_buttons
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


def _page(prep: PrepLibrary, category: str, stage: str,
          page: int) -> tuple[int, int, str, list[tuple[int, AskQuestion]], int]:
    """(page shown, pages, its text, its questions, how many questions in all)."""
    chosen = prep.questions_for(None if category == ALL else category, stage)
    if not chosen:
        raise UserFacingError("I have no questions for that category and stage yet.")
    pages = question_page_groups(chosen)
    page = max(0, min(page, len(pages) - 1))
    text, shown = pages[page]
    return page, len(pages), text, shown, len(chosen)


def questions_message(prep: PrepLibrary, owner_id: int, category: str, stage: str, page: int,
                      picked: set[str] | frozenset[str] = frozenset()
                      ) -> tuple[discord.Embed, discord.ui.View | None]:
    page, pages, text, shown, total = _page(prep, category, stage, page)
    heading = "All categories" if category == ALL else QUESTION_CATEGORIES[category]
    embed = discord.Embed(title=f"Questions to ask · {heading} · {stage_name(stage)}",
                          description=text, colour=COLOUR)
    count = f" · {len(picked)} picked" if picked else ""
    embed.set_footer(text=f"Page {page + 1} of {pages} · {total} questions{count} · "
                          "pick three or four that you genuinely want answered")
    view = discord.ui.View(timeout=None)
    view.add_item(QuestionPickSelect(owner_id, f"{category}.{stage}", page, shown, picked))
    for button in page_buttons(QUESTION_PAGES, owner_id, page, pages, f"{category}.{stage}", row=1):
        view.add_item(button)
    return embed, view


async def questions_page(interaction: discord.Interaction, owner_id: int, page: int,
                         arg: str) -> tuple[discord.Embed, discord.ui.View | None]:
    """Page `page` for the category and stage in `arg` ("<category>.<stage>"), for the
    shared pager."""
    category, stage = _parse_arg(arg)
    bot = bot_of(interaction)
    return questions_message(bot.prep, owner_id, category, stage, page,
                             await bot.progress.picked_questions(owner_id))


def _parse_arg(arg: str) -> tuple[str, str]:
    category, _, stage = arg.partition(".")
    return (category if category in QUESTION_CATEGORIES else ALL), valid_stage(stage)


class QuestionPickSelect(OwnerOnly, discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                         template=r"prep:qp:(?P<owner>\d{1,20}):(?P<arg>[a-z_]{1,30}\.[a-z_]{1,20}):(?P<page>\d{1,4})"):
    """Pick the questions of this page you will ask (untick to drop one)."""

    not_yours = "These questions are someone else's list. Run `/prep questions` for your own."

    def __init__(self, owner_id: int, arg: str, page: int,
                 shown: list[tuple[int, AskQuestion]] | None = None,
                 picked: set[str] | frozenset[str] = frozenset()) -> None:
        options = [discord.SelectOption(label=shorten(f"{n}. {q.ask}", 100), value=q.id, default=q.id in picked)
                   for n, q in shown or []]
        super().__init__(discord.ui.Select(
            placeholder="Pick the ones you'll ask (/prep progress counts them)",
            options=options or [discord.SelectOption(label="-", value="-")],
            min_values=0, max_values=max(len(options), 1), custom_id=f"prep:qp:{owner_id}:{arg}:{page}", row=0))
        self.owner_id, self.arg, self.page = owner_id, arg, page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> QuestionPickSelect:
        return cls(int(match["owner"]), match["arg"], int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "questions menu", lambda: self._pick(interaction))

    async def _pick(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        category, stage = _parse_arg(self.arg)
        page, _, _, shown, _ = _page(bot.prep, category, stage, self.page)
        picked = await bot.progress.pick_questions(interaction.user.id, [q.id for _, q in shown],
                                                   self.item.values)
        embed, view = questions_message(bot.prep, self.owner_id, category, stage, page, picked)
        await interaction.response.edit_message(embed=embed, view=view)
