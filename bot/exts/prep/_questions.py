"""`/prep questions`: questions to ask the interviewer, with why each is a good one, in pages."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.prep import QUESTION_CATEGORIES, find_category, question_pages, select_questions
from bot.core.text import shorten
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, bot_of
from bot.exts._ui import OwnerOnly, guarded
from bot.exts.prep._content import PrepContent, prep_content
from bot.exts.prep._tips import STAGE_PATTERN, stage_name

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


def questions_message(content: PrepContent, owner_id: int, category: str, stage: str,
                      page: int) -> tuple[discord.Embed, discord.ui.View | None]:
    chosen = select_questions(content.questions, category=None if category == ALL else category,
                              stage=stage)
    if not chosen:
        raise UserFacingError("I have no questions for that category and stage yet.")
    pages = question_pages(chosen)
    page = max(0, min(page, len(pages) - 1))
    heading = "All categories" if category == ALL else QUESTION_CATEGORIES[category]
    embed = discord.Embed(title=f"Questions to ask · {heading} · {stage_name(stage)}",
                          description=pages[page], colour=COLOUR)
    embed.set_footer(text=f"Page {page + 1} of {len(pages)} · {len(chosen)} questions · "
                          "pick three or four that you genuinely want answered")
    if len(pages) == 1:
        return embed, None
    view = discord.ui.View(timeout=None)
    for action in ("prev", "next"):
        button = QuestionPageButton(owner_id, category, stage, page, action)
        button.item.disabled = (action == "prev" and page == 0) or (
            action == "next" and page >= len(pages) - 1)
        view.add_item(button)
    return embed, view


class QuestionPageButton(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                         template=r"prep:q:(?P<owner>\d+):(?P<category>[a-z_]{1,20}):"
                                  rf"(?P<stage>{STAGE_PATTERN}):(?P<page>\d+):(?P<action>prev|next)"):
    def __init__(self, owner_id: int, category: str, stage: str, page: int, action: str) -> None:
        super().__init__(discord.ui.Button(
            label="Previous" if action == "prev" else "Next",
            emoji="◀️" if action == "prev" else "▶️", style=discord.ButtonStyle.secondary,
            custom_id=f"prep:q:{owner_id}:{category}:{stage}:{page}:{action}"))
        self.owner_id, self.category, self.stage = owner_id, category, stage
        self.page, self.action = page, action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> QuestionPageButton:
        return cls(int(match["owner"]), match["category"], match["stage"], int(match["page"]),
                   match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "questions page", lambda: self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction) -> None:
        category = self.category if self.category == ALL or self.category in QUESTION_CATEGORIES else ALL
        page = self.page + (1 if self.action == "next" else -1)
        embed, view = questions_message(prep_content(bot_of(interaction)), self.owner_id, category,
                                        self.stage, page)
        await interaction.response.edit_message(embed=embed, view=view)
