"""`/prep tips`: topic pages with Previous / Next, and an index of topics as a select menu.

Pages carry owner, stage, page and topic in their custom_ids, so paging is stateless and keeps
working after a restart; only the person who opened the tips can page them (even when shared)."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.prep import TipTopic, find_topic, split_pages
from bot.core.stages import ANY_STAGE, MOCK_STAGES
from bot.core.text import shorten
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, bot_of
from bot.exts._ui import OwnerOnly, guarded
from bot.exts.prep._content import PrepContent, prep_content

STAGE_PATTERN = "|".join((*MOCK_STAGES, ANY_STAGE))
NOT_YOUR_TIPS = ("These tips were opened by someone else, so only they can turn the pages. "
                 "Run `/prep tips` to browse your own copy.")


def stage_name(stage: str) -> str:
    return MOCK_STAGES.get(stage, "Any stage")


def render_pages(bot: Any, topic: TipTopic, stage: str) -> list[str]:
    # Tips are general advice: no company or role is asked for, so none is filled in.
    return split_pages(bot.library.render(topic.template, stage=stage, company="", role=""))


def tip_message(bot: Any, owner_id: int, topic: TipTopic, stage: str,
                page: int) -> tuple[discord.Embed, discord.ui.View]:
    pages = render_pages(bot, topic, stage)
    page = max(0, min(page, len(pages) - 1))
    embed = discord.Embed(title=topic.title, description=pages[page], colour=COLOUR)
    embed.set_footer(text=f"Page {page + 1} of {len(pages)} · {stage_name(stage)} · /prep tips")
    view = discord.ui.View(timeout=None)
    for action in ("prev", "next", "index"):
        button = TipButton(owner_id, topic.id, stage, page, action)
        if (action == "prev" and page == 0) or (action == "next" and page >= len(pages) - 1):
            button.item.disabled = True
        view.add_item(button)
    return embed, view


def index_message(content: PrepContent, owner_id: int,
                  stage: str) -> tuple[discord.Embed, discord.ui.View]:
    topics = [t for t in content.topics.values() if t.fits(stage)]
    lines = [f"**{t.title}**\n{t.summary}" for t in topics]
    embed = discord.Embed(title=f"Prep tips · {stage_name(stage)}", colour=COLOUR,
                          description="Pick a topic below.\n\n" + "\n\n".join(lines))
    embed.set_footer(text=f"{len(topics)} topics · or run /prep tips with a topic")
    view = discord.ui.View(timeout=None)
    view.add_item(TipIndexSelect(owner_id, stage, topics))
    return embed, view


def resolve_topic(content: PrepContent, text: str) -> TipTopic:
    topic = find_topic(content.topics.values(), text)
    if topic is None:
        raise UserFacingError(
            f"I have no tips on {shorten(text, 60)!r}. Pick a topic from the suggestions as you "
            f"type, or run `/prep tips` without a topic to browse all {len(content.topics)}.")
    return topic


TIP_BUTTONS: dict[str, tuple[str, str]] = {
    "prev": ("Previous", "◀️"), "next": ("Next", "▶️"), "index": ("All topics", "📚"),
}


class TipButton(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                template=rf"prep:tip:(?P<owner>\d+):(?P<stage>{STAGE_PATTERN}):(?P<page>\d+):"
                         r"(?P<action>prev|next|index):(?P<topic>[a-z0-9_]{1,40})"):
    not_yours = NOT_YOUR_TIPS

    def __init__(self, owner_id: int, topic_id: str, stage: str, page: int, action: str) -> None:
        label, emoji = TIP_BUTTONS[action]
        super().__init__(discord.ui.Button(
            label=label, emoji=emoji, style=discord.ButtonStyle.secondary,
            custom_id=f"prep:tip:{owner_id}:{stage}:{page}:{action}:{topic_id}"))
        self.owner_id, self.topic_id, self.stage = owner_id, topic_id, stage
        self.page, self.action = page, action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> TipButton:
        return cls(int(match["owner"]), match["topic"], match["stage"], int(match["page"]),
                   match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, f"tips button {self.action}", lambda: self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        content = prep_content(bot)
        if self.action == "index":
            embed, view = index_message(content, self.owner_id, self.stage)
        else:
            topic = content.topics.get(self.topic_id)
            if topic is None:
                raise UserFacingError("That topic is no longer available. Run `/prep tips` to see "
                                      "the current ones.")
            page = self.page + (1 if self.action == "next" else -1)
            embed, view = tip_message(bot, self.owner_id, topic, self.stage, page)
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
        bot = bot_of(interaction)
        topic = resolve_topic(prep_content(bot), self.item.values[0])
        embed, view = tip_message(bot, self.owner_id, topic, self.stage, 0)
        await interaction.response.edit_message(embed=embed, view=view)


def valid_stage(stage: str | None) -> str:
    return stage if stage in MOCK_STAGES else ANY_STAGE
