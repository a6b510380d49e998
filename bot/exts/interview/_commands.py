"""The `/interview` commands and the answer listener: thin, everything else is a call to
`bot.interviews` or to the places module."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.core.interview import InterviewError
from bot.core.models import InterviewSession
from bot.core.preparation import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES
from bot.core.progress import chart_message
from bot.core.text import escape_discord, shorten
from bot.errors import UserFacingError
from bot.exts._common import place_name, reply
from bot.exts._ui import register_form, register_pages, unregister_form, unregister_pages
from bot.exts.interview._controls import answer_form_submitted
from bot.exts.interview._history import CHART_FILE, HISTORY_PAGES, history_page
from bot.exts.interview._idle import IdleTimer
from bot.exts.interview._places import InterviewPlaces
from bot.exts.interview._preparation import PreparationTimer
from bot.exts.interview._start import start_mock_interview, start_practice
from bot.exts.interview._views import ANSWER_FORM, InterviewButton
from bot.exts.interview._voice import VoiceAnswers, spoken_attachment

log = logging.getLogger(__name__)


class InterviewCog(commands.Cog, name="Interview"):
    group = app_commands.Group(name="interview", description="Mock second-round and final interviews")

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self.interviews = bot.interviews
        self.places = InterviewPlaces(bot)
        self.idle = IdleTimer(bot)
        self.voice_answers = VoiceAnswers(bot)
        self.preparation = PreparationTimer(bot)

    async def cog_load(self) -> None:
        # The persistent controls come and go with the feature (a reload registers them once).
        self.bot.add_dynamic_items(InterviewButton)
        register_pages(HISTORY_PAGES, history_page)
        register_form("interview answer", ANSWER_FORM, answer_form_submitted)
        self.idle.start()
        self.preparation.start()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(InterviewButton)
        unregister_pages(HISTORY_PAGES)
        unregister_form("interview answer")
        await self.idle.stop()
        await self.preparation.stop()

    @commands.Cog.listener()
    async def on_interview_started(self, session: InterviewSession) -> None:
        self.idle.wake()

    @commands.Cog.listener()
    async def on_interview_preparing(self, session: InterviewSession) -> None:
        self.preparation.wake()

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: discord.Interaction, command: object) -> None:
        """The candidate is back: a report that never reached them (a crash between the finish
        and the post, Discord refusing it) is shown now, privately, once."""
        try:
            await self.deliver_unsent_reports(interaction)
        except Exception:
            log.exception("Could not deliver unsent reports to user %s", interaction.user.id)

    async def deliver_unsent_reports(self, interaction: discord.Interaction) -> int:
        unsent = await self.interviews.unsent_reports(interaction.user.id)
        for session in unsent:
            session, _, report = await self.interviews.report_of(session.id, user_id=interaction.user.id)
            await reply(interaction, f"Your report for **{escape_discord(self.interviews.title(session))}** "
                                     "did not reach you when the interview ended. Here it is:")
            await self.places.send_report(interaction, None, session=session, report=report)
        return len(unsent)

    # --- commands ------------------------------------------------------------------------

    @group.command(name="start", description="Start a mock interview in a private thread or your DMs")
    @app_commands.describe(
        script="Which interview (start typing to see them)",
        role='The role, e.g. "Data Analyst"',
        company="The company",
        interviewer='Optional: "Name, Title" of who will interview you (the panel\'s lead)',
        where="A private thread here (default in a server) or your DMs",
        interviewer2='Optional: a second panel member, "Name, Title"',
        interviewer3='Optional: a third panel member, "Name, Title"',
        interviewer4='Optional: a fourth panel member, "Name, Title"',
        preparation=f"Case exercise: minutes to prepare after the brief ({MIN_MINUTES}-{MAX_MINUTES}, "
                    f"default {DEFAULT_MINUTES})",
        job="Optional: practise against one of your job descriptions (`/prep job add`)",
    )
    @app_commands.choices(where=[app_commands.Choice(name="Private thread", value="thread"),
                                 app_commands.Choice(name="Direct messages", value="dm")])
    async def start(self, interaction: discord.Interaction, script: str, role: str, company: str,
                    interviewer: str | None = None, where: str | None = None, job: str | None = None,
                    interviewer2: str | None = None, interviewer3: str | None = None,
                    interviewer4: str | None = None,
                    preparation: app_commands.Range[int, MIN_MINUTES, MAX_MINUTES] | None = None) -> None:
        await start_mock_interview(interaction, script_id=script, role=role, company=company,
                                   interviewer=interviewer, where=where, job=job,
                                   interviewers=[interviewer2, interviewer3, interviewer4],
                                   preparation=preparation)

    @start.autocomplete("job")
    async def job_autocomplete(self, interaction: discord.Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=label, value=value)
                for label, value in await self.bot.jobs.job_choices(interaction.user.id, current)]

    @start.autocomplete("script")
    async def script_autocomplete(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        # Ours, and this server's own scripts (marked as the server's): bot.server_scripts.
        return [app_commands.Choice(name=shorten(choice.name, 100), value=choice.value)
                for choice in await self.bot.server_scripts.choices(interaction.guild_id, current)]

    @group.command(name="resume", description="Continue your interview where you left it")
    async def resume(self, interaction: discord.Interaction) -> None:
        session = await self.interviews.open_session(interaction.user.id)
        if session is None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            if not await self.deliver_unsent_reports(interaction):
                await reply(interaction, "You have no interview in progress. Start one with `/interview start`.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = await self.places.resume_in_place(interaction, session)
        if channel is not None:
            await reply(interaction, f"Picking up where you left off in {place_name(channel)}.")

    @group.command(name="end", description="End your interview now, with a report on what you answered")
    async def end(self, interaction: discord.Interaction) -> None:
        session = await self.interviews.open_session(interaction.user.id)
        if session is None:
            raise UserFacingError("You have no interview in progress.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        step = await self.interviews.end(session.id, user_id=interaction.user.id)
        channel = await self.places.channel(step.session)
        await self.places.clear_buttons(channel, session.question_message_id)
        if channel is not None and channel.id != interaction.channel_id:  # type: ignore[attr-defined]
            await self.places.send_report(channel, step)
            await reply(interaction, f"Ended. Your report is in {place_name(channel)}.")
        else:
            await self.places.send_report(interaction, step)

    @group.command(name="history", description="Your past mock interviews and how your scores are moving")
    async def history(self, interaction: discord.Interaction) -> None:
        if not await self.interviews.recent(interaction.user.id, limit=1):
            raise UserFacingError("No interviews yet. Start one with `/interview start`.")
        embed, view = await history_page(interaction, interaction.user.id, 0)
        progress = self.bot.progress
        chart = await progress.chart(interaction.user.id)
        if chart.chart is None:
            embed.add_field(name="Progress chart", value=chart_message(chart.finished), inline=False)
        await reply(interaction, embed=embed, view=view)
        if chart.chart is not None:  # drawn after the reply, in a worker thread
            png = await progress.render(chart.chart)
            await reply(interaction, "Your progress over your latest finished mock interviews:",
                        file=discord.File(io.BytesIO(png), filename=CHART_FILE,
                                          description="Your scores over your finished mock interviews"))

    @group.command(name="report", description="Show the report and transcript of one of your interviews")
    @app_commands.describe(session="Which interview (default: your latest)")
    async def report(self, interaction: discord.Interaction, session: str | None = None) -> None:
        target = (await self.interviews.own_session(interaction.user.id, session) if session
                  else await self.interviews.latest_reported(interaction.user.id))
        await interaction.response.defer(ephemeral=True, thinking=True)
        target, _, report = await self.interviews.report_of(target.id, user_id=interaction.user.id)
        await self.places.send_report(interaction, None, session=target, report=report)

    @report.autocomplete("session")
    async def session_autocomplete(self, interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=label, value=value)
                for label, value in await self.interviews.session_choices(interaction.user.id, current)]

    @group.command(name="practice", description="Retake one question (by default one of your weakest)")
    @app_commands.describe(question="Which question (default: a weak one from your last interview)")
    async def practice(self, interaction: discord.Interaction, question: str | None = None) -> None:
        source, question_id = await self.interviews.practice_target(interaction.user.id, question)
        await start_practice(interaction, session_id=source.id, question_id=question_id)

    @practice.autocomplete("question")
    async def practice_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=shorten(label, 100), value=value)
                for label, value in await self.interviews.practice_choices(interaction.user.id, current)]

    # --- typed answers --------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not isinstance(message.channel, (discord.Thread, discord.DMChannel)):
            return
        spoken = spoken_attachment(message) if message.attachments else None
        if spoken is not None and not message.content.strip() and await self.voice_answers.handle(message, spoken):
            return  # a voice answer: transcribed, stored and acknowledged there
        attachments = [a.filename for a in message.attachments]
        if not message.content.strip() and not attachments:
            return
        try:
            # Only the candidate's own messages in their open interview are answers (a paused one
            # resumes); the interview held in memory is used, and the part committed, in one step.
            result = await self.interviews.answer_in_channel(
                message.channel.id, message.author.id, message.content,
                source_id=str(message.id), attachments=attachments)
        except InterviewError as exc:
            await self.places.send(message.channel, f"{message.author.mention} {exc}",
                                   mentions=discord.AllowedMentions(users=[message.author]))
            return
        if result is None:
            return
        # Acknowledged only now, after the part is committed.
        try:
            await message.add_reaction("✅")
        except discord.HTTPException:
            log.info("Could not react to answer message %s", message.id)
