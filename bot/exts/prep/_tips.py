"""`/prep tips`: topic pages on the shared pager, an "All topics" button, and an index of
topics as a select menu.

Every control carries owner and stage (the pages also the topic) in its custom_id, so paging
is stateless and keeps working after a restart; only the person who opened the tips can page
them (even when shared)."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.stages import ANY_STAGE, MOCK_STAGES
from bot.core.text import shorten
from bot.core.tips import TipTopic
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, bot_of
from bot.exts._ui import OwnerOnly, guarded, page_buttons
from bot.services.prep import PrepLibrary

TIP_PAGES = "tips"  # the shared pager's name for a topic's pages
STAGE_PATTERN = "|".join((*MOCK_STAGES, ANY_STAGE))
NOT_YOUR_TIPS = ("These tips were opened by someone else, so only they can turn the pages. "
                 "Run `/prep tips` to browse your own copy.")


def stage_name(stage: str) -> str:
    return MOCK_STAGES.get(stage, "Any stage")


def valid_stage(stage: str | None) -> str:
    return stage if stage in MOCK_STAGES else ANY_STAGE


def tip_message(prep: PrepLibrary, owner_id: int, topic: TipTopic, stage: str,
                page: int) -> tuple[discord.Embed, discord.ui.View]:
    pages = prep.tip_pages(topic, stage)
    page = max(0, min(page, len(pages) - 1))
    embed = discord.Embed(title=topic.title, description=pages[page], colour=COLOUR)
    embed.set_footer(text=f"Page {page + 1} of {len(pages)} · {stage_name(stage)} · /prep tips")
    view = discord.ui.View(timeout=None)
    for button in page_buttons(TIP_PAGES, owner_id, page, len(pages), f"{stage}.{topic.id}"):
        view.add_item(button)
    view.add_item(TopicsButton(owner_id, stage))
    return embed, view


async def tip_page(interaction: discord.Interaction, owner_id: int, page: int,
                   arg: str) -> tuple[discord.Embed, discord.ui.View]:
    """Page `page` of the topic in `arg` ("<stage>.<topic id>"), for the shared pager."""
    stage, _, topic_id = arg.partition(".")
    prep = bot_of(interaction).prep
    topic = prep.topics.get(topic_id)
    if topic is None:
        raise UserFacingError("That topic is no longer available. Run `/prep tips` to see "
                              "the current ones.")
    return tip_message(prep, owner_id, topic, valid_stage(stage), page)


def index_message(prep: PrepLibrary, owner_id: int,
                  stage: str) -> tuple[discord.Embed, discord.ui.View]:
    topics = prep.topics_for(stage)
    lines = [f"**{t.title}**\n{t.summary}" for t in topics]
    embed = discord.Embed(title=f"Prep tips · {stage_name(stage)}", colour=COLOUR,
                          description="Pick a topic below.\n\n" + "\n\n".join(lines))
    embed.set_footer(text=f"{len(topics)} topics · or run /prep tips with a topic")
    view = discord.ui.View(timeout=None)
    view.add_item(TipIndexSelect(owner_id, stage, topics))
    return embed, view


def resolve_topic(prep: PrepLibrary, text: str) -> TipTopic:
    topic = prep.topic(text)
    if topic is None:
        raise UserFacingError(
            f"I have no tips on {shorten(text, 60)!r}. Pick a topic from the suggestions as you "
            f"type, or run `/prep tips` without a topic to browse all {len(prep.topics)}.")
    return topic


class TopicsButton(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                   template=rf"prep:topics:(?P<owner>\d+):(?P<stage>{STAGE_PATTERN})"):
    """"All topics" under a topic's pages: back to the index for the same stage."""

    not_yours = NOT_YOUR_TIPS

    def __init__(self, owner_id: int, stage: str) -> None:
        super().__init__(discord.ui.Button(
            label="All topics", emoji="📚", style=discord.ButtonStyle.secondary,
            custom_id=f"prep:topics:{owner_id}:{stage}"))
        self.owner_id, self.stage = owner_id, stage

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> TopicsButton:
        return cls(int(match["owner"]), match["stage"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "tips index button", lambda: self._index(interaction))

    async def _index(self, interaction: discord.Interaction) -> None:
        embed, view = index_message(bot_of(interaction).prep, self.owner_id, self.stage)
        await interaction.response.edit_message(embed=embed, view=view)


class TipIndexSelect(OwnerOnly, discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                     template=rf"prep:tipidx:(?P<owner>\d+):(?P<stage>{STAGE_PATTERN})"):
    not_yours = NOT_YOUR_TIPS

    def __init__(self, owner_id: int, stage: str, topics: list[TipTopic] | None = None) -> None:
        options = [discord.SelectOption(label=shorten(t.title, 100), value=t.id,
                                        description=shorten(t.summary, 100))
                   for t in (topics or [])[:25]]
        super().__init__(discord.ui.Select(
            placeholder="Choose a topic", options=options,
            custom_id=f"prep:tipidx:{owner_id}:{stage}"))
        self.owner_id, self.stage = owner_id, stage

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> TipIndexSelect:
        return cls(int(match["owner"]), match["stage"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "tips index", lambda: self._choose(interaction))

    async def _choose(self, interaction: discord.Interaction) -> None:
        prep = bot_of(interaction).prep
        topic = resolve_topic(prep, self.item.values[0])
        embed, view = tip_message(prep, self.owner_id, topic, self.stage, 0)
        await interaction.response.edit_message(embed=embed, view=view)
