"""`/prep star` and `/prep stories`: the STAR story bank.

A story has six parts (title, skills, situation, task, action, result) but a Discord modal
holds at most five text inputs. The title and its skills share the first input, written
"title | skills": one modal means a story is saved whole or not at all, nothing half-written
waits between two forms (or is lost by a restart between them), and Edit is the same single
form, filled in. The placeholder shows the format and skills are optional."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.fields import fit_lines
from bot.core.models import StarStory
from bot.core.stories import (
    MAX_STORIES,
    STORY_LIMITS,
    TITLE_AND_SKILLS_LIMIT,
    StoryBankFull,
    format_story_text,
    join_title_and_skills,
    story_fields,
    story_list_line,
)
from bot.core.text import escape_discord, shorten
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, NO_MENTIONS, bot_of
from bot.exts._ui import (
    CardReply,
    OwnerOnly,
    RecordKind,
    as_user_error,
    guarded,
    record_card,
    send_form,
    text_input,
)

NOT_YOUR_STORY = "That story bank belongs to someone else, so I left it as it was."
GONE = "That story is no longer in your bank."
BANK_FULL = (f"Your story bank is full ({MAX_STORIES} stories). Delete one in `/prep stories` "
             "first.")


def story_embed(story: StarStory) -> discord.Embed:
    embed = discord.Embed(title=shorten(escape_discord(story.title), 256),
                          description=format_story_text(story_fields(story)), colour=COLOUR)
    embed.set_footer(text="STAR story · /prep stories")
    return embed


class StoryCard(RecordKind):
    """STAR stories on the shared record card."""

    name = "story"
    not_yours = NOT_YOUR_STORY
    gone = GONE
    list_label = "All stories"

    async def load(self, interaction: discord.Interaction, record_id: int) -> StarStory | None:
        return await bot_of(interaction).journal.story(interaction.user.id, record_id)

    def draw(self, record: StarStory) -> discord.Embed:
        return story_embed(record)

    def confirm_delete(self, record: StarStory) -> str:
        return (f"Delete **{escape_discord(record.title)}** from your story bank? This cannot "
                "be undone.")

    async def edit(self, interaction: discord.Interaction, record: StarStory) -> None:
        await send_form(interaction, StoryModal(interaction.user.id, record))

    async def delete(self, interaction: discord.Interaction, record: StarStory) -> CardReply | None:
        journal = bot_of(interaction).journal
        deleted = await journal.delete_story(interaction.user.id, record.id)
        if deleted is None:
            return None
        embed, view = list_message(interaction.user.id, await journal.stories(interaction.user.id))
        return CardReply(f"Deleted **{escape_discord(deleted.title)}**.", embed, view)

    async def listing(self, interaction: discord.Interaction) -> CardReply:
        stories = await bot_of(interaction).journal.stories(interaction.user.id)
        return CardReply(None, *list_message(interaction.user.id, stories))


STORY_CARD = StoryCard()


def story_card(owner_id: int, story_id: int, *, confirm: bool = False) -> discord.ui.View:
    return record_card(STORY_CARD, owner_id, story_id, confirm=confirm)


def list_message(owner_id: int, stories: list[StarStory]
                 ) -> tuple[discord.Embed, discord.ui.View | None]:
    embed = discord.Embed(title=f"Your STAR stories ({len(stories)} of {MAX_STORIES})",
                          colour=COLOUR)
    if not stories:
        embed.description = ("Your story bank is empty. Add a story with `/prep star`: a "
                             "situation, your task, what you did and the result.")
        return embed, None
    lines, compact = zip(*(story_list_line(number, story)
                           for number, story in enumerate(stories, start=1)), strict=True)
    embed.description = (fit_lines(lines, compact)
                         + "\n\nChoose a story below to read, edit or delete it.")
    view = discord.ui.View(timeout=None)
    view.add_item(StoryPickSelect(owner_id, stories))
    return embed, view


STORY_FORM = r"story:(?P<owner>\d{1,20}):(?P<story>\d{1,18})"  # story 0: a new one


class StoryModal(discord.ui.Modal):
    """Write or edit a STAR story. Answered by its custom id (`STORY_FORM`: owner and story), so
    a form left open across a restart still lands."""

    def __init__(self, owner_id: int, story: StarStory | None = None) -> None:
        super().__init__(title="Edit STAR story" if story else "New STAR story",
                         custom_id=f"story:{owner_id}:{story.id if story else 0}", timeout=None)
        fields = story_fields(story) if story else {}
        for item in (
            text_input("title_skills", "Title | skills (comma-separated)", max_length=TITLE_AND_SKILLS_LIMIT,
                       required=True, default=join_title_and_skills(fields.get("title", ""),
                                                                    fields.get("skills", "")),
                       placeholder="Cut onboarding to 2 days | process improvement, automation"),
            text_input("situation", "Situation: where, when, what was at stake",
                       max_length=STORY_LIMITS["situation"], required=True, paragraph=True,
                       default=fields.get("situation", "")),
            text_input("task", "Task: what you had to do", max_length=STORY_LIMITS["task"],
                       required=True, paragraph=True, default=fields.get("task", "")),
            text_input("action", "Action: what you did, step by step", max_length=STORY_LIMITS["action"],
                       required=True, paragraph=True, default=fields.get("action", "")),
            text_input("result", "Result: what changed, with a number", max_length=STORY_LIMITS["result"],
                       required=True, paragraph=True, default=fields.get("result", "")),
        ):
            self.add_item(item)


async def story_submitted(interaction: discord.Interaction, match: re.Match[str],
                          values: dict[str, str]) -> None:
    if int(match["owner"]) != interaction.user.id:
        raise UserFacingError(NOT_YOUR_STORY)
    journal = bot_of(interaction).journal
    user_id, story_id = interaction.user.id, int(match["story"])
    typed = {"title_and_skills": values.get("title_skills", ""), "situation": values.get("situation", ""),
             "task": values.get("task", ""), "action": values.get("action", ""),
             "result": values.get("result", "")}
    if story_id == 0:
        try:
            with as_user_error():
                story = await journal.add_story(user_id, **typed)
        except StoryBankFull:
            raise UserFacingError(BANK_FULL) from None
        note = f"Saved to your story bank: **{escape_discord(story.title)}**."
        if not story.skills:
            note += (" Tip: add skills after a `|` in the title (Edit) so mock interview "
                     "reports can suggest this story.")
        await interaction.response.send_message(
            note, embed=story_embed(story), view=story_card(user_id, story.id),
            ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    with as_user_error():
        updated = await journal.update_story(user_id, story_id, **typed)
    if updated is None:
        raise UserFacingError(GONE)
    if interaction.message is not None:
        await interaction.response.edit_message(
            content="Story updated.", embed=story_embed(updated), view=story_card(user_id, updated.id),
            allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(
            "Story updated.", embed=story_embed(updated), view=story_card(user_id, updated.id),
            ephemeral=True, allowed_mentions=NO_MENTIONS)


class StoryPickSelect(OwnerOnly, discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                      template=r"prep:stories:(?P<owner>\d+)"):
    not_yours = NOT_YOUR_STORY

    def __init__(self, owner_id: int, stories: list[StarStory] | None = None) -> None:
        options = [discord.SelectOption(label=shorten(s.title, 100), value=str(s.id),
                                        description=shorten(s.skills, 100) if s.skills else None)
                   for s in (stories or [])[:25]]
        super().__init__(discord.ui.Select(placeholder="Read, edit or delete a story",
                                           options=options, custom_id=f"prep:stories:{owner_id}"))
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> StoryPickSelect:
        return cls(int(match["owner"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "story menu", lambda: self._pick(interaction))

    async def _pick(self, interaction: discord.Interaction) -> None:
        story = await bot_of(interaction).journal.story(interaction.user.id, int(self.item.values[0]))
        if story is None:
            raise UserFacingError(GONE)
        await interaction.response.edit_message(content=None, embed=story_embed(story),
                                                view=story_card(self.owner_id, story.id))
