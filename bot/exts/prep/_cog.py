"""`/prep ...`: tips, personal checklists, questions to ask, the STAR story bank, and the
candidate's job descriptions and résumé.

The read-only content comes from `bot.prep`; the user's own checklists and stories from
`bot.journal`; job descriptions, the résumé and the requirement map from `bot.jobs`."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.core.checklists import clean_checklist_subject
from bot.core.questions_to_ask import match_categories
from bot.core.stages import MOCK_STAGES
from bot.core.text import escape_discord, shorten
from bot.errors import UserFacingError
from bot.exts._common import NO_MENTIONS
from bot.exts._time import user_zone
from bot.exts._ui import (
    as_user_error,
    register_form,
    register_pages,
    register_record_kind,
    send_form,
    unregister_form,
    unregister_pages,
    unregister_record_kind,
)
from bot.exts.prep._checklist import ChecklistSelect, checklist_message
from bot.exts.prep._jobs import (
    JOB_FORM,
    RESUME_FORM,
    AcceptMatches,
    PasteModal,
    ResumeButton,
    add_job,
    job_form_submitted,
    list_embed,
    resume_form_submitted,
    save_resume,
    send_job,
    send_resume,
)
from bot.exts.prep._progress import interview_choices, readiness_embed
from bot.exts.prep._questions import (
    QUESTION_PAGES,
    QuestionPickSelect,
    questions_message,
    questions_page,
    resolve_category,
)
from bot.exts.prep._stories import (
    BANK_FULL,
    STORY_CARD,
    STORY_FORM,
    StoryModal,
    StoryPickSelect,
    list_message,
    story_submitted,
)
from bot.exts.prep._tips import (
    NOT_YOUR_TIPS,
    TIP_PAGES,
    TipIndexSelect,
    TopicsButton,
    index_message,
    resolve_topic,
    tip_message,
    tip_page,
    valid_stage,
)

STAGE_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in MOCK_STAGES.items()]
# The persistent controls of /prep (the pages and story cards are the shared ones in _ui).
DYNAMIC_ITEMS = (TopicsButton, TipIndexSelect, ChecklistSelect, StoryPickSelect, AcceptMatches, ResumeButton,
                 QuestionPickSelect)
CHOICES_LIMIT = 25  # Discord's, for an autocomplete


class Prep(commands.GroupCog, group_name="prep",
           group_description="Prepare for a second-round or final interview"):
    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        # The persistent controls come and go with the feature (a reload registers them once).
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        register_pages(TIP_PAGES, tip_page, not_yours=NOT_YOUR_TIPS)
        register_pages(QUESTION_PAGES, questions_page)
        register_record_kind(self.bot, STORY_CARD)
        register_form("star story", STORY_FORM, story_submitted)
        register_form("job description", JOB_FORM, job_form_submitted)
        register_form("resume", RESUME_FORM, resume_form_submitted)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        unregister_pages(TIP_PAGES)
        unregister_pages(QUESTION_PAGES)
        unregister_record_kind(self.bot, STORY_CARD)
        unregister_form("star story")
        unregister_form("job description")
        unregister_form("resume")

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
            embed, view = index_message(self.bot.prep, interaction.user.id, stage_)
        else:
            chosen = resolve_topic(self.bot.prep, topic)
            embed, view = tip_message(self.bot.prep, interaction.user.id, chosen, stage_, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=not share)

    @tips.autocomplete("topic")
    async def _topic_choices(self, interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        stage = getattr(interaction.namespace, "stage", None)
        return [app_commands.Choice(name=shorten(t.title, 100), value=t.id)
                for t in self.bot.prep.topic_choices(current, stage)]

    # --- checklist --------------------------------------------------------------------------

    @app_commands.command(name="checklist", description="Your checklist for a real interview, "
                                                        "with your journal notes; tick as you go")
    @app_commands.describe(stage="Which round it is", company="The company you're meeting",
                           role="The job title (optional)",
                           when='When it is, in your time zone: "Dec 3 2pm", "next Tuesday 10:00"')
    @app_commands.choices(stage=STAGE_CHOICES)
    async def checklist(self, interaction: discord.Interaction, stage: str, company: str,
                        role: str | None = None, when: str | None = None) -> None:
        with as_user_error():  # refused before the time zone is asked for
            subject = clean_checklist_subject(stage, company, role)
        interview_at = None
        if when is not None and when.strip():
            zone = await user_zone(interaction)
            if zone is None:
                return  # asked for the time zone; nothing saved
            with as_user_error():
                interview_at = self.bot.journal.read_interview_time(when, zone)
        shown = await self.bot.journal.open_checklist(interaction.user.id, subject.stage,
                                                      subject.company, subject.role, interview_at)
        embeds, view = checklist_message(shown)
        await interaction.response.send_message(embeds=embeds, view=view, ephemeral=True)

    @checklist.autocomplete("company")
    async def _company_choices(self, interaction: discord.Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=shorten(c, 100), value=c[:100])
                for c in await self.bot.journal.companies(interaction.user.id, current)]

    # --- questions --------------------------------------------------------------------------

    @app_commands.command(name="questions", description="Good questions to ask your "
                                                        "interviewers, and why they work")
    @app_commands.describe(category="The role, the team, culture, growth, next steps "
                                    "(default: all)",
                           stage="Tailor the questions to this stage")
    @app_commands.choices(stage=STAGE_CHOICES)
    async def questions(self, interaction: discord.Interaction, category: str | None = None,
                        stage: str | None = None) -> None:
        embed, view = questions_message(self.bot.prep, interaction.user.id,
                                        resolve_category(category), valid_stage(stage), 0,
                                        await self.bot.progress.picked_questions(interaction.user.id))
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @questions.autocomplete("category")
    async def _category_choices(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=label, value=key) for key, label in match_categories(current)]

    # --- readiness -------------------------------------------------------------------------

    @app_commands.command(name="progress", description="How ready you are for an upcoming real "
                                                       "interview, and your next best step")
    @app_commands.describe(interview="Which upcoming interview (default: the soonest; log one with "
                                     "/followup add)")
    async def progress(self, interaction: discord.Interaction, interview: str | None = None) -> None:
        embed = await readiness_embed(interaction, interview)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @progress.autocomplete("interview")
    async def _interview_choices(self, interaction: discord.Interaction,
                                 current: str) -> list[app_commands.Choice[str]]:
        zone = await self.bot.user_settings.zone(interaction.user.id) or ZoneInfo("UTC")
        plans = await self.bot.progress.upcoming_interviews(interaction.user.id)
        return [app_commands.Choice(name=name, value=value)
                for name, value in interview_choices(plans, zone, current)]

    # --- STAR stories -----------------------------------------------------------------------

    @app_commands.command(name="star", description="Write a STAR story (situation, task, "
                                                   "action, result) for your story bank")
    async def star(self, interaction: discord.Interaction) -> None:
        if await self.bot.journal.story_bank_full(interaction.user.id):
            raise UserFacingError(BANK_FULL)
        await send_form(interaction, StoryModal(interaction.user.id))

    @app_commands.command(name="stories", description="Your STAR story bank: read, edit or "
                                                      "delete your stories")
    async def stories(self, interaction: discord.Interaction) -> None:
        embed, view = list_message(interaction.user.id,
                                   await self.bot.journal.stories(interaction.user.id))
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    # --- job descriptions and the résumé ---------------------------------------------------

    job = app_commands.Group(name="job", description="Job descriptions you practise against")

    @job.command(name="add", description="Keep a job description: paste it, or attach a .txt, .md, "
                                         ".pdf or .docx file")
    @app_commands.describe(file="Optional: the job description as a .txt, .md, .pdf or .docx file "
                                "(leave empty to paste it)")
    async def job_add(self, interaction: discord.Interaction, file: discord.Attachment | None = None) -> None:
        if file is None:
            await send_form(interaction, PasteModal(interaction.user.id, what="job"))
            return
        await add_job(interaction, attachment=file)

    @job.command(name="list", description="The job descriptions you keep")
    async def job_list(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=list_embed(await self.bot.jobs.jobs(interaction.user.id)),
                                                ephemeral=True)

    @job.command(name="show", description="What was read from a job description, and your stories for it")
    @app_commands.describe(job="Which job description (default: your latest)")
    async def job_show(self, interaction: discord.Interaction, job: str | None = None) -> None:
        with as_user_error():
            saved = await self.bot.jobs.job(interaction.user.id, job)
        await send_job(interaction, saved)

    @job.command(name="match", description="Choose the STAR story that proves one requirement")
    @app_commands.describe(job="Which job description", requirement="Which requirement",
                           story='The story that proves it, or "No story fits this yet"')
    async def job_match(self, interaction: discord.Interaction, job: str, requirement: str,
                        story: str | None = None) -> None:
        with as_user_error():
            saved, entry = await self.bot.jobs.match(interaction.user.id, job, requirement, story)
        told = (f'"{escape_discord(entry.story.title)}"' if entry.story else "no story yet")
        await send_job(interaction, saved, note=f"Requirement {entry.index + 1} now shows {told}.")

    @job.command(name="delete", description="Delete one of your job descriptions")
    @app_commands.describe(job="Which job description")
    async def job_delete(self, interaction: discord.Interaction, job: str) -> None:
        with as_user_error():
            deleted = await self.bot.jobs.delete_job(interaction.user.id, job)
        await interaction.response.send_message(
            f"Deleted **{escape_discord(deleted.title or 'the job description')}** "
            f"(#{deleted.id}) and its story matches. Interviews you already practised against it keep "
            "the copy they were practised against (only you can see it), so their reports and "
            "`/interview practice` on them still use it; `/privacy delete` removes those too.",
            ephemeral=True, allowed_mentions=NO_MENTIONS)

    @job_show.autocomplete("job")
    @job_match.autocomplete("job")
    @job_delete.autocomplete("job")
    async def _job_choices(self, interaction: discord.Interaction,
                           current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=label, value=value)
                for label, value in await self.bot.jobs.job_choices(interaction.user.id, current)]

    @job_match.autocomplete("requirement")
    async def _requirement_choices(self, interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        typed_job = getattr(interaction.namespace, "job", None)
        choices = await self.bot.jobs.requirement_choices(interaction.user.id, typed_job, current)
        return [app_commands.Choice(name=label, value=value) for label, value in choices[:CHOICES_LIMIT]]

    @job_match.autocomplete("story")
    async def _story_choices(self, interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        choices = await self.bot.jobs.story_choices(interaction.user.id, current)
        return [app_commands.Choice(name=label, value=value) for label, value in choices[:CHOICES_LIMIT]]

    @app_commands.command(name="resume", description="Your résumé: attach it (.txt, .md, .pdf, .docx) or "
                                                     "paste it; mock interviews probe its bullets")
    @app_commands.describe(file="Optional: your résumé as a file (leave empty to see or paste it)")
    async def resume(self, interaction: discord.Interaction, file: discord.Attachment | None = None) -> None:
        if file is not None:
            await save_resume(interaction, attachment=file)
            return
        kept = await self.bot.jobs.resume(interaction.user.id)
        if kept is None:
            await send_form(interaction, PasteModal(interaction.user.id, what="resume"))
            return
        await send_resume(interaction, kept)
