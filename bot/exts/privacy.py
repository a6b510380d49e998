"""`/privacy export` and `/privacy delete`: a user's data, theirs to take or remove."""

from __future__ import annotations

import io
import json

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.exts._common import reply

TABLE_LABELS = {
    "users": "your settings", "interview_sessions": "interviews", "answers": "questions asked",
    "answer_parts": "answer messages", "journal_entries": "journal entries",
    "followup_plans": "follow-up plans", "nudges": "reminders", "checklist_items": "checklist ticks",
    "checklists": "checklists", "interview_followons": "report deliveries",
    "star_stories": "STAR stories",
}


class PrivacyCog(commands.Cog, name="Privacy"):
    privacy = app_commands.Group(name="privacy", description="See or delete everything the bot stores about you")

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    @privacy.command(name="export", description="Everything stored about you, as a JSON file")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        payload = await self.bot.user_settings.export(interaction.user.id)
        data = payload["data"]
        blob = json.dumps(payload, indent=2, ensure_ascii=False, default=str).encode("utf-8")
        rows = sum(len(v) for v in data.values())
        await reply(interaction, f"Here is everything I store about you ({rows} records).",
                    file=discord.File(io.BytesIO(blob), filename=f"interview-coach-{interaction.user.id}.json"))

    @privacy.command(name="delete", description="Delete everything stored about you (asks to confirm)")
    async def delete(self, interaction: discord.Interaction) -> None:
        await reply(interaction, "This deletes **all** your interviews, answers, journal entries, stories, "
                                 "checklists, reminders and settings. It cannot be undone. Are you sure?",
                    view=ConfirmDelete(self.bot, interaction.user.id))


class ConfirmDelete(discord.ui.View):
    def __init__(self, bot: InterviewCoach, user_id: int) -> None:
        super().__init__(timeout=120)
        self.bot, self.user_id = bot, user_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await reply(interaction, "This button is not for you.")
            return False
        return True

    @discord.ui.button(label="Delete everything", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmDelete]) -> None:
        removed = await self.bot.user_settings.delete_everything(self.user_id)
        if removed:
            summary = ", ".join(f"{n} {TABLE_LABELS.get(t, t)}" for t, n in removed.items())
            text = f"Done. I deleted {summary}. Nothing about you is stored now."
        else:
            text = "There was nothing stored about you."
        await interaction.response.edit_message(content=text, view=None)
        self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmDelete]) -> None:
        await interaction.response.edit_message(content="Cancelled; nothing was deleted.", view=None)
        self.stop()


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(PrivacyCog(bot))
