"""Where an interview runs (a private thread or the candidate's DMs) and what is posted there:
the introduction, each question with its buttons, the report and transcript."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.core.interview import AskedQuestion, Interview, report_context
from bot.core.models import InterviewSession
from bot.core.text import Safe, discord_timestamp, escape_discord, shorten, unescape_discord
from bot.errors import UserFacingError
from bot.exts._common import NO_MENTIONS, embeds_for, reply
from bot.exts.interview._views import buttons, question_view
from bot.services.interviews import Step

if TYPE_CHECKING:
    from bot.bot import InterviewCoach
    from bot.library import TemplateLibrary

log = logging.getLogger(__name__)
THREAD_PERMISSIONS = (("Create Private Threads", "create_private_threads"),
                      ("Send Messages in Threads", "send_messages_in_threads"),
                      ("View Channel", "view_channel"))


class InterviewPlaces:
    """Discord-side rendering and delivery for interviews; the state lives in `bot.interviews`."""

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self.interviews = bot.interviews

    # --- finding and opening the place ----------------------------------------------------

    async def channel(self, session: InterviewSession) -> discord.abc.Messageable | None:
        """The session's thread or DM, unarchived; None when it is gone or out of reach."""
        if session.channel_id is None:
            return None
        channel = self.bot.get_channel(session.channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(session.channel_id)
            except (discord.NotFound, discord.Forbidden):
                return None
        if isinstance(channel, discord.Thread) and channel.archived:
            try:
                await channel.edit(archived=False)
            except discord.HTTPException:
                return None
        return channel  # type: ignore[return-value]

    async def open(self, interaction: discord.Interaction, session: InterviewSession,
                   place: str) -> discord.abc.Messageable | None:
        """Open the thread or DM for a session, or explain what stopped it and offer the other."""
        user = interaction.user
        if place == "dm":
            try:
                channel: discord.abc.Messageable = await user.create_dm()
                await channel.send(f"👋 Your mock interview will run here, {escape_discord(user.display_name)}.",
                                   allowed_mentions=NO_MENTIONS)
            except discord.Forbidden:
                offer = buttons(session.id, "thread") if session.guild_id else None
                await reply(interaction, "I can't send you direct messages (your DMs are closed for this server, "
                                         "or you share no server with me). Open them in Privacy Settings, "
                                         + ("or use a private thread here instead." if offer else "then try again."),
                            **({"view": offer} if offer else {}))
                return None
        else:
            guild = interaction.guild or (self.bot.get_guild(session.guild_id) if session.guild_id else None)
            parent = await self._thread_parent(interaction, guild)
            if guild is None or parent is None:
                raise UserFacingError("I can't open a thread here that you could see; run `/interview start` in a "
                                      "server channel you can post in, or choose `where: Direct messages`.")
            perms = parent.permissions_for(guild.me)
            missing = [label for label, name in THREAD_PERMISSIONS if not getattr(perms, name)]
            if not missing:
                try:
                    name = shorten(f"{user.display_name} · {self.interviews.title(session)}", 100)
                    thread = await parent.create_thread(name=name, type=discord.ChannelType.private_thread,
                                                        invitable=False, auto_archive_duration=1440)
                    await thread.add_user(user)
                    channel = thread
                except discord.Forbidden:
                    missing = ["Create Private Threads"]
            if missing:
                await reply(interaction, f"I can't open a private thread in {parent.mention}: I need the "
                                         f"**{', '.join(missing)}** permission there. Ask a server admin, or run "
                                         "the interview in your DMs instead.", view=buttons(session.id, "dm"))
                return None
        channel_id = channel.id  # type: ignore[attr-defined]
        await self.interviews.attach(session.id, channel_id=channel_id, message_id=None)
        session.channel_id = channel_id
        return channel

    async def _thread_parent(self, interaction: discord.Interaction,
                             guild: discord.Guild | None) -> discord.TextChannel | None:
        """The server's interview channel when the candidate can see it, else the channel the
        command was used in: a private thread in a channel they cannot open is no use to them."""
        if guild is None:
            return None
        here = interaction.channel if interaction.guild else None
        configured = await self.bot.user_settings.interview_channel(guild.id)
        for channel in (guild.get_channel(configured) if configured else None, here):
            if isinstance(channel, discord.Thread):
                channel = channel.parent
            if isinstance(channel, discord.TextChannel) and _can_see(channel, interaction.user):
                return channel
        return None

    async def resume_in_place(self, interaction: discord.Interaction,
                              session: InterviewSession) -> discord.abc.Messageable | None:
        """Resume a paused session (or re-read the current question) and post it where the
        interview runs, opening a new thread or DM if the old one is gone. A mentor or peer mock
        interview is refused: its interviewer asks the questions in the mock's own thread."""
        mock = await self.bot.mocks.drives(session.id)
        if mock is not None:
            where = f" in <#{mock.thread_id}>" if mock.thread_id else ""
            raise UserFacingError(f"This is a mentor or peer mock interview: your interviewer asks each "
                                  f"question in your shared thread{where}, so answer there. "
                                  "(`/interview end` ends it.)")
        if session.status == "paused":
            session, asked = await self.interviews.resume(session.id, user_id=interaction.user.id)
        else:
            session, asked = await self.interviews.current(session.id, user_id=interaction.user.id)
        channel = await self.channel(session)
        if channel is None:
            place = "thread" if session.guild_id and interaction.guild else "dm"
            channel = await self.open(interaction, session, place)
            if channel is None:
                return None
        else:
            await self.clear_buttons(channel, session.question_message_id)
        await self.post_question(channel, session, asked)
        self.preparing(session, asked)
        return channel

    # --- posting ----------------------------------------------------------------------------

    async def post_intro(self, channel: discord.abc.Messageable, step: Step) -> None:
        interview = step.interview
        script = interview.script
        text = self.bot.library.render(
            "messages/interview_intro.md.j2", candidate=interview.context["candidate"],
            role=interview.context["role"], company=interview.context["company"],
            script={"title": script.title, "description": script.description, "minutes": script.minutes,
                    "stage_label": script.stage_label},
            total=len(interview.plan), practice=interview.is_practice,
            interviewers=interview.context["interviewers"],
            preparation_minutes=interview.context["preparation_minutes"] if any(
                q.prepares for q in interview.plan) else 0,
            job=interview.context.get("job"), resume=interview.context.get("resume"))
        for embeds in embeds_for(text, title=f"{script.title} · {script.stage_label}"):
            await channel.send(embeds=embeds, allowed_mentions=NO_MENTIONS)
        asked = interview.current_question()
        await self.post_question(channel, step.session, asked)
        self.preparing(step.session, asked)

    async def post_question(self, channel: discord.abc.Messageable | None, session: InterviewSession,
                            asked: AskedQuestion) -> None:
        if channel is None:
            raise UserFacingError("Your answer is saved, but I can't reach the interview's channel. "
                                  "Run `/interview resume` to continue.")
        if asked.is_probe:
            title = f"Follow-up · question {asked.number} of {asked.total}"
        else:
            title = f"Question {asked.number} of {asked.total} · {asked.category_label}"
        embed = discord.Embed(title=title[:256], description=question_text(asked)[:4096],
                              colour=discord.Colour.blurple())
        if asked.ready_by is not None:
            until = f"{discord_timestamp(asked.ready_by, 't')} ({discord_timestamp(asked.ready_by, 'R')})"
            embed.add_field(name="Preparation time", value=f"{asked.preparation_minutes} minutes, until {until}")
            embed.set_footer(text="Prepare now; notes typed here are kept, not judged. Press Done when you are "
                                  "ready to present, or wait: the bot asks when the time is up.")
        else:
            embed.add_field(name="Suggested length", value=asked.length_hint[:1024])
            embed.set_footer(text="Type your answer here (several messages are fine), then press Done.")
        try:
            message = await channel.send(embed=embed, view=question_view(session.id, asked),
                                         allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("Could not post question for session %s: %s", session.id, exc)
            raise UserFacingError("Your answer is saved, but Discord would not show the next question just "
                                  "now. Press Repeat or run `/interview resume` in a moment.") from exc
        await self.interviews.attach(session.id, message_id=message.id)

    async def after_step(self, channel: discord.abc.Messageable | None, step: Step) -> None:
        """What follows a Done, Skip or form answer: the next question, or the report."""
        if step.finished:
            await self.send_report(channel, step)
        elif step.question is not None:
            await self.post_question(channel, step.session, step.question)
            self.preparing(step.session, step.question)

    def preparing(self, session: InterviewSession, asked: AskedQuestion) -> None:
        """A case brief was just put to the candidate: the preparation timer may need to wake."""
        if asked.ready_by is not None:
            self.bot.dispatch("interview_preparing", session)

    async def clear_buttons(self, channel: discord.abc.Messageable | None, message_id: int | None) -> None:
        if channel is None or message_id is None:
            return
        try:
            await channel.get_partial_message(message_id).edit(view=None)  # type: ignore[union-attr]
        except (discord.HTTPException, AttributeError):
            pass  # deleted or not ours to edit: the stale buttons are refused anyway

    async def send(self, channel: discord.abc.Messageable | None, content: str, *,
                   mentions: discord.AllowedMentions = NO_MENTIONS, **kwargs: Any) -> None:
        if channel is None:
            return
        try:
            await channel.send(content, allowed_mentions=mentions, **kwargs)
        except discord.HTTPException as exc:
            log.warning("Could not send to channel: %s", exc)

    async def send_report(self, target: discord.abc.Messageable | discord.Interaction | None,
                          step: Step | None, *, session: InterviewSession | None = None,
                          report: dict[str, Any] | None = None) -> None:
        """The feedback report as embeds, with the transcript attached to the last message. Once
        it is sent, the finished interview's report counts as delivered."""
        if step is not None:
            session, interview, report = step.session, step.interview, step.transition.report
        else:
            assert session is not None
            _, interview = await self.interviews.load(session.id)
        assert session is not None and report is not None
        report = dict(report)
        suggestion = await self.bot.journal.suggest_story(session.user_id, report)
        if suggestion:
            report["suggested_story"] = suggestion
        # The report and transcript are rendered in a worker thread, off the event loop: the
        # interview has ended, so nothing changes it meanwhile, and they read stored analyses.
        text, transcript = await asyncio.to_thread(_render_report, self.bot.library, interview, report,
                                                   session.finished_at)
        file = discord.File(io.BytesIO(transcript), filename=f"interview-{session.id}-transcript.md")
        pages = embeds_for(text, title=f"Feedback report · {interview.script.title}")
        for index, embeds in enumerate(pages):
            kwargs: dict[str, Any] = {"embeds": embeds, "allowed_mentions": NO_MENTIONS}
            if index == len(pages) - 1:
                kwargs["file"] = file
                if report.get("answers"):
                    kwargs["view"] = buttons(session.id, "notes")
            if isinstance(target, discord.Interaction):
                await target.followup.send(ephemeral=True, **kwargs)
            elif target is not None:
                await target.send(**kwargs)
        if target is not None:
            await self.interviews.report_delivered(session.id)
            try:
                await self._send_before_and_after(target, session, report)
            except discord.HTTPException as exc:  # the report itself is delivered
                log.warning("Could not show the before-and-after of session %s: %s", session.id, exc)

    async def _send_before_and_after(self, target: discord.abc.Messageable | discord.Interaction,
                                     session: InterviewSession, report: dict[str, Any]) -> None:
        """Under a practice run's report: each question beside the attempt before it."""
        comparisons = await self.bot.progress.comparisons(session, report)
        if not comparisons:
            return
        text = self.bot.library.render("reports/practice_compare.md.j2", comparisons=comparisons)
        for embeds in embeds_for(text, title="Before and after"):
            if isinstance(target, discord.Interaction):
                await target.followup.send(ephemeral=True, embeds=embeds, allowed_mentions=NO_MENTIONS)
            else:
                await target.send(embeds=embeds, allowed_mentions=NO_MENTIONS)


def _render_report(library: TemplateLibrary, interview: Interview, report: dict[str, Any],
                   when: datetime | None) -> tuple[str, bytes]:
    """The report's text and the transcript file's bytes, from the interview's stored analyses."""
    ctx = report_context(interview, report=report, when=when)
    # Question texts were made Discord-safe when they were asked: escaped once, already.
    text = library.render("reports/report.md.j2", **_questions(ctx, Safe))
    transcript = library.render_file("reports/transcript.md.j2", **_questions(ctx, unescape_discord))
    return text, transcript.encode("utf-8")


def question_text(asked: AskedQuestion) -> str:
    """A question as posted: who asks it (names are user text: escaped, and sent with no
    mentions), the hand-over line when the conversation passes to them, then the question,
    which the script already made Discord-safe."""
    lines = []
    if asked.handover:
        lines.append(f"*{escape_discord(asked.handover)}*")
    if asked.asker:
        title = asked.asker.get("title") or ""
        who = f"**{escape_discord(asked.asker['name'])}**" + (f" ({escape_discord(title)})" if title else "")
        lines.append(f"{who} asks:")
    return "\n".join([*lines, asked.text]) if lines else asked.text


def _can_see(channel: discord.TextChannel, user: discord.abc.User) -> bool:
    """Whether the candidate could open a private thread of this channel they are added to."""
    if not isinstance(user, discord.Member):
        return True  # no member data (no members intent): Discord will say if they cannot
    perms = channel.permissions_for(user)
    return perms.view_channel and perms.send_messages_in_threads


def answer_notes_text(bot: InterviewCoach, title: str, report: dict[str, Any]) -> str:
    """The notes on each answer of a report, as shown by the report's "Notes on each answer"."""
    return bot.library.render("reports/answer_notes.md.j2", title=title, answers=report.get("answers") or [])


def _questions(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of a report context with every question text (a "question" key) passed through
    `change`; everything else as it is."""
    if isinstance(value, dict):
        return {k: (change(v) if k == "question" and isinstance(v, str) else _questions(v, change))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_questions(v, change) for v in value]
    return value
