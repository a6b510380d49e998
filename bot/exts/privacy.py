"""`/privacy export` and `/privacy delete`: a user's data, theirs to take or remove."""

from __future__ import annotations

import asyncio
import io
import json
import re
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.exts._common import bot_of, reply
from bot.exts._ui import OwnerOnly, guarded

# What each table the privacy commands cover is called in the delete summary: (one, many).
# tests/exts/test_privacy_labels.py checks every table exported and deleted has one.
TABLE_LABELS: dict[str, tuple[str, str]] = {
    "users": ("settings record", "settings records"),
    "interview_sessions": ("interview", "interviews"),
    "answers": ("question asked", "questions asked"),
    "answer_parts": ("answer message", "answer messages"),
    "spoken_parts": ("voice answer's delivery metrics", "voice answers' delivery metrics"),
    "interview_followons": ("report delivery", "report deliveries"),
    "journal_entries": ("journal entry", "journal entries"),
    "journal_drafts": ("journal draft", "journal drafts"),
    "followup_plans": ("follow-up plan", "follow-up plans"),
    "nudges": ("reminder", "reminders"),
    "checklist_items": ("checklist tick", "checklist ticks"),
    "checklists": ("checklist", "checklists"),
    "star_stories": ("STAR story", "STAR stories"),
    "interview_scores": ("interview score", "interview scores"),
    "question_attempts": ("scored answer", "scored answers"),
    "question_bests": ("best answer kept", "best answers kept"),
    "picked_questions": ("picked question to ask", "picked questions to ask"),
    "job_descriptions": ("job description", "job descriptions"),
    "job_story_matches": ("requirement match", "requirement matches"),
    "resumes": ("résumé", "résumés"),
    "mock_interviews": ("mock interview with a member", "mock interviews with members"),
    "mock_scores": ("mock interview score", "mock interview scores"),
    "mock_notes": ("mock interview note", "mock interview notes"),
    "server_scripts": ("server script", "server scripts"),
}


def table_label(table: str, count: int) -> str:
    """'3 interviews', '1 journal entry': never a raw table name."""
    one, many = TABLE_LABELS.get(table) or (table.replace("_", " "),) * 2
    return f"{count} {one if count == 1 else many}"


class PrivacyCog(commands.Cog, name="Privacy"):
    privacy = app_commands.Group(name="privacy", description="See or delete everything the bot stores about you")

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DeleteChoice)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DeleteChoice)

    @privacy.command(name="export", description="Everything stored about you, as a JSON file")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        payload = await self.bot.user_settings.export(interaction.user.id)
        data = payload["data"]
        blob = await asyncio.to_thread(  # a long history is a lot of JSON: off the event loop
            lambda: json.dumps(payload, indent=2, ensure_ascii=False, default=str).encode("utf-8"))
        rows = sum(len(v) for v in data.values())
        await reply(interaction, f"Here is everything I store about you ({rows} records). Voice answers are kept "
                                 "as their transcripts and delivery metrics only: the audio is never stored.",
                    file=discord.File(io.BytesIO(blob), filename=f"interview-coach-{interaction.user.id}.json"))

    @privacy.command(name="delete", description="Delete everything stored about you (asks to confirm)")
    async def delete(self, interaction: discord.Interaction) -> None:
        await reply(interaction, "This deletes **all** your interviews, answers, journal entries, stories, "
                                 "job descriptions, your résumé, checklists, reminders and settings. "
                                 "It cannot be undone. Are you sure?",
                    view=confirm_view(interaction.user.id, int((self.bot.clock.now() + CONFIRM_FOR).timestamp())))


CONFIRM_FOR = timedelta(minutes=10)


class DeleteChoice(OwnerOnly, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                   template=r"privacy:(?P<action>delete|keep):(?P<owner>\d{1,20}):(?P<until>\d{1,12})"):
    """"Delete everything" or "Cancel". Persistent, so it answers after a restart too; the
    confirmation is good for ten minutes, and an older one says so instead of deleting."""

    not_yours = "This button is not for you."

    def __init__(self, action: str, owner_id: int, until: int) -> None:
        label, style = (("Delete everything", discord.ButtonStyle.danger) if action == "delete"
                        else ("Cancel", discord.ButtonStyle.secondary))
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=f"privacy:{action}:{owner_id}:{until}"))
        self.action, self.owner_id, self.until = action, owner_id, until

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> DeleteChoice:
        return cls(match["action"], int(match["owner"]), int(match["until"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, f"privacy {self.action}", lambda: self._choose(interaction))

    async def _choose(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if self.action == "keep":
            text = "Cancelled; nothing was deleted."
        elif bot.clock.now().timestamp() > self.until:
            text = ("This confirmation has expired, so nothing was deleted. Run `/privacy delete` "
                    "again if you still want to.")
        else:
            removed = await bot.user_settings.delete_everything(self.owner_id)
            if removed:
                summary = ", ".join(table_label(t, n) for t, n in removed.items())
                text = f"Done. I deleted {summary}. Nothing about you is stored now."
            else:
                text = "There was nothing stored about you."
        await interaction.response.edit_message(content=text, view=None)


def confirm_view(owner_id: int, until: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteChoice("delete", owner_id, until))
    view.add_item(DeleteChoice("keep", owner_id, until))
    return view


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(PrivacyCog(bot))
