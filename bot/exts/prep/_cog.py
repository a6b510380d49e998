"""`/prep ...`: tips, personal checklists, questions to ask, and the STAR story bank."""

from __future__ import annotations

from datetime import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.core.prep import (
    FIELD_LIMITS,
    QUESTION_CATEGORIES,
    checklist_key,
    clean_single_line,
    match_topics,
)
from bot.core.stages import MOCK_STAGES
from bot.core.stories import MAX_STORIES
from bot.core.text import shorten
from bot.core.timeparse import parse_when
from bot.errors import UserFacingError
from bot.exts._time import user_zone
from bot.exts._ui import as_user_error
from bot.exts.prep._checklist import checklist_message
from bot.exts.prep._content import PrepContent
from bot.exts.prep._questions import questions_message, resolve_category
from bot.exts.prep._stories import StoryModal, list_message
from bot.exts.prep._tips import index_message, resolve_topic, tip_message, valid_stage

STAGE_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in MOCK_STAGES.items()]
# An interview typed without a time ("Dec 3") is read as 9:00 that day.
DEFAULT_INTERVIEW_TIME = time(9, 0)


class Prep(commands.GroupCog, group_name="prep",
           group_description="Prepare for a second-round or final interview"):
    def __init__(self, bot: InterviewCoach, *, dynamic_items: tuple[type[Any], ...] = ()) -> None:
        self.bot = bot
        self.content = PrepContent.load(bot.library.prompts_dir)
        self.dynamic_items = dynamic_items

    async def cog_load(self) -> None:
        # The persistent controls come and go with the feature (a reload registers them once).
        self.bot.add_dynamic_items(*self.dynamic_items)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*self.dynamic_items)

    # --- tips -------------------------------------------------------------------------------

    @app_commands.command(name="tips", description="Step-by-step tips for second-round and "
                                                   "final interviews")
    @app_commands.describe(topic="Start typing to find a topic; leave empty to browse them all",
                           stage="Tailor the tips to this stage",
                           share="Post the tips in this channel for others to read "
                                 "(default: only you see them)")
    @app_commands.choices(stage=STAGE_CHOICES)
    async def tips(self, interaction: discord.Interaction, topic: str | None = None,
                   stage: str | None = None, share: bool = False) -> None:
        stage_ = valid_stage(stage)
        if topic is None or not topic.strip():
            embed, view = index_message(self.content, interaction.user.id, stage_)
        else:
            chosen = resolve_topic(self.content, topic)
            embed, view = tip_message(self.bot, interaction.user.id, chosen, stage_, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=not share)

    @tips.autocomplete("topic")
    async def _topic_choices(self, interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        stage = getattr(interaction.namespace, "stage", None)
        return [app_commands.Choice(name=shorten(t.title, 100), value=t.id)
                for t in match_topics(self.content.topics.values(), current, stage=stage)]

    # --- checklist --------------------------------------------------------------------------

    @app_commands.command(name="checklist", description="Your checklist for a real interview, "
                                                        "with your journal notes; tick as you go")
    @app_commands.describe(stage="Which round it is", company="The company you're meeting",
                           role="The job title (optional)",
                           when='When it is, in your time zone: "Dec 3 2pm", "next Tuesday 10:00"')
    @app_commands.choices(stage=STAGE_CHOICES)
    async def checklist(self, interaction: discord.Interaction, stage: str, company: str,
                        role: str | None = None, when: str | None = None) -> None:
        if stage not in MOCK_STAGES:
            raise UserFacingError(f"Choose the stage from the list: {', '.join(MOCK_STAGES.values())}.")
        with as_user_error():
            company_ = clean_single_line(company, "company", limit=FIELD_LIMITS["company"],
                                         required=True)
            role_ = (None if role is None else
                     clean_single_line(role, "role", limit=FIELD_LIMITS["role"]))
        now = self.bot.clock.now()
        interview_at = None
        if when is not None and when.strip():
            zone = await user_zone(interaction)
            if zone is None:
                return  # asked for the time zone; nothing saved
            with as_user_error():
                interview_at = parse_when(when, zone, now,
                                          default_time=DEFAULT_INTERVIEW_TIME).when
        user_id = interaction.user.id
        await self.bot.store.users.ensure(user_id, now)
        record = await self.bot.store.checklists.save(
            user_id, checklist_key(stage, company_), stage=stage, company=company_, role=role_,
            interview_at=interview_at, now=now)
        embeds, view = await checklist_message(self.bot, record)
        await interaction.response.send_message(embeds=embeds, view=view, ephemeral=True)

    @checklist.autocomplete("company")
    async def _company_choices(self, interaction: discord.Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
        entries = await self.bot.store.journal.for_user(interaction.user.id)
        typed = current.strip().lower()
        companies: dict[str, str] = {}
        for entry in entries:
            if typed in entry.company.lower():
                companies.setdefault(entry.company.lower(), entry.company)
        return [app_commands.Choice(name=shorten(c, 100), value=c[:100])
                for c in list(companies.values())[:25]]

    # --- questions --------------------------------------------------------------------------

    @app_commands.command(name="questions", description="Good questions to ask your "
                                                        "interviewers, and why they work")
    @app_commands.describe(category="The role, the team, culture, growth, next steps "
                                    "(default: all)",
                           stage="Tailor the questions to this stage")
    @app_commands.choices(stage=STAGE_CHOICES)
    async def questions(self, interaction: discord.Interaction, category: str | None = None,
                        stage: str | None = None) -> None:
        embed, view = questions_message(self.content, interaction.user.id,
                                        resolve_category(category), valid_stage(stage), 0)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @questions.autocomplete("category")
    async def _category_choices(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [app_commands.Choice(name=label, value=key)
                for key, label in QUESTION_CATEGORIES.items()
                if typed in label.lower() or typed in key]

    # --- STAR stories -----------------------------------------------------------------------

    @app_commands.command(name="star", description="Write a STAR story (situation, task, "
                                                   "action, result) for your story bank")
    async def star(self, interaction: discord.Interaction) -> None:
        if await self.bot.store.stories.count(interaction.user.id) >= MAX_STORIES:
            raise UserFacingError(f"Your story bank is full ({MAX_STORIES} stories). Delete one "
                                  "in `/prep stories` first.")
        await interaction.response.send_modal(StoryModal())

    @app_commands.command(name="stories", description="Your STAR story bank: read, edit or "
                                                      "delete your stories")
    async def stories(self, interaction: discord.Interaction) -> None:
        stories = await self.bot.store.stories.for_user(interaction.user.id)
        embed, view = list_message(interaction.user.id, stories)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
