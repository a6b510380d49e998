"""`/followup add|list|cancel|reschedule`, and "practice again" after a mock interview. Every
rule and every read or write goes through `bot.followups`; this module parses what the user
typed and draws the replies."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.followups import parse_plan_id, plan_title
from bot.core.stages import DEFAULT_STAGE, STAGE_LABELS
from bot.core.text import clean_user_text, escape_discord
from bot.errors import UserFacingError
from bot.exts._common import NO_MENTIONS, reply
from bot.exts._notices import deliver_pending_notice
from bot.exts._time import user_zone
from bot.exts._ui import as_user_error, register_form, register_pages, unregister_form, unregister_pages
from bot.exts.followup._views import (
    LIST_PAGES,
    NEXT_INTERVIEW_FORM,
    NudgeButton,
    added_embed,
    list_page,
    next_interview_submitted,
    plan_errors,
    planned_lines,
    read_when,
    when_line,
)

if TYPE_CHECKING:
    from bot.bot import InterviewCoach

log = logging.getLogger(__name__)

STAGE_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in STAGE_LABELS.items()]
UTC = ZoneInfo("UTC")  # plan times in the autocomplete, for a user with no zone yet
CHOICES_LIMIT = 25  # Discord's, for an autocomplete


def plan_id_of(value: str) -> int:
    """The plan an autocomplete choice (or what was typed instead: "#3") names."""
    with as_user_error():
        return parse_plan_id(value)


class FollowUpCog(commands.Cog, name="FollowUp"):
    followup = app_commands.Group(name="followup",
                                  description="Reminders around your real interviews")

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self.service = bot.followups

    async def cog_load(self) -> None:
        # The persistent controls come and go with the feature (a reload registers them once).
        self.bot.add_dynamic_items(NudgeButton)
        register_pages(LIST_PAGES, list_page)
        register_form("next interview", NEXT_INTERVIEW_FORM, next_interview_submitted)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(NudgeButton)
        unregister_pages(LIST_PAGES)
        unregister_form("next interview")

    # ------------------------------------------------------------------ /followup add

    @followup.command(name="add", description="Log a real interview and get reminders around it")
    @app_commands.describe(
        company="The company you're interviewing with",
        role="The role you applied for",
        when='When it starts, in your time zone: "Dec 3 2pm", "tomorrow 10:30", "next Tuesday 2pm"',
        interviewer="Who you're meeting (optional)",
        stage="Which round (default: second round)",
        length="How long it is planned to last, in minutes (default 60)",
        job="Optional: its job description (`/prep job add`), for your requirement map the day before")
    @app_commands.choices(stage=STAGE_CHOICES)
    async def add(self, interaction: discord.Interaction,
                  company: app_commands.Range[str, 1, 100], role: app_commands.Range[str, 1, 100],
                  when: app_commands.Range[str, 1, 100],
                  interviewer: app_commands.Range[str, 0, 100] | None = None,
                  stage: app_commands.Choice[str] | None = None,
                  length: app_commands.Range[int, 10, 480] = 60, job: str | None = None) -> None:
        company_text = clean_user_text(company).strip()
        role_text = clean_user_text(role).strip()
        if not company_text:
            raise UserFacingError("Give the company's name. Nothing was scheduled.")
        job_id = None
        if job is not None and job.strip():
            with as_user_error():  # only the user's own job descriptions can be named
                job_id = (await self.bot.jobs.job(interaction.user.id, job)).record.id
        zone = await user_zone(interaction)
        if zone is None:
            return
        interview_at = read_when(interaction, when, zone)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.add_interview(
            user_id=interaction.user.id, candidate=interaction.user.display_name,
            company=company_text, role=role_text, interview_at=interview_at, zone=zone,
            length_minutes=length, stage=stage.value if stage else DEFAULT_STAGE,
            interviewer=clean_user_text(interviewer or "").strip(),
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id if interaction.guild_id else None, job_id=job_id)
        await interaction.followup.send(embed=added_embed(result), ephemeral=True,
                                        allowed_mentions=NO_MENTIONS)
        await deliver_pending_notice(interaction)

    # ------------------------------------------------------------------ /followup list

    @followup.command(name="list", description="Your upcoming follow-up reminders")
    async def list_(self, interaction: discord.Interaction) -> None:
        embed, view = await list_page(interaction, interaction.user.id, 0)
        if view is None:
            await reply(interaction, embed=embed)
        else:
            await reply(interaction, embed=embed, view=view)
        await deliver_pending_notice(interaction)

    # ------------------------------------------------------------------ /followup cancel

    @followup.command(name="cancel", description="Stop every reminder of one plan")
    @app_commands.describe(plan="The plan (start typing the company)")
    async def cancel(self, interaction: discord.Interaction, plan: str) -> None:
        with plan_errors():
            found, cancelled = await self.service.cancel(interaction.user.id, plan_id_of(plan))
        await reply(interaction, f"Stopped **{escape_discord(plan_title(found))}**: "
                                 f"{cancelled} reminder{'s' if cancelled != 1 else ''} cancelled. "
                                 "Your journal entry stays.")
        await deliver_pending_notice(interaction)

    # ------------------------------------------------------------------ /followup reschedule

    @followup.command(name="reschedule", description="Move a plan: the interview's new time")
    @app_commands.describe(plan="The plan (start typing the company)",
                           when='The new time, in your time zone: "Dec 3 2pm", "tomorrow 10:30"')
    async def reschedule(self, interaction: discord.Interaction, plan: str,
                         when: app_commands.Range[str, 1, 100]) -> None:
        plan_id = plan_id_of(plan)
        zone = await user_zone(interaction)
        if zone is None:
            return
        new_time = read_when(interaction, when, zone)
        with plan_errors():
            moved, nudges = await self.service.reschedule(interaction.user.id, plan_id, new_time,
                                                          zone)
        lines = [f"Moved **{escape_discord(plan_title(moved))}** to {when_line(new_time)}."]
        planned = planned_lines(nudges)
        if planned:
            lines += ["", "Reminders now:", *planned]
        await reply(interaction, "\n".join(lines))
        await deliver_pending_notice(interaction)

    @add.autocomplete("job")
    async def job_autocomplete(self, interaction: discord.Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=label, value=value)
                for label, value in await self.bot.jobs.job_choices(interaction.user.id, current)]

    @cancel.autocomplete("plan")
    @reschedule.autocomplete("plan")
    async def plan_autocomplete(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
        zone = await self.bot.user_settings.zone(interaction.user.id) or UTC
        choices = await self.service.plan_choices(interaction.user.id, zone, current)
        return [app_commands.Choice(name=c.name, value=str(c.plan_id))
                for c in choices[:CHOICES_LIMIT]]
