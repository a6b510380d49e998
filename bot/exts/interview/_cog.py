"""The `/interview` commands and the adapter between Discord and the interview service."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.core.feedback import DIMENSIONS
from bot.core.interview import AskedQuestion, InterviewError, parse_interviewer, report_context
from bot.core.models import InterviewSession
from bot.core.text import discord_timestamp, escape_discord, shorten
from bot.errors import UserFacingError
from bot.exts._common import NO_MENTIONS, embeds_for, place_name, reply
from bot.exts.interview._views import AnswerModal, InterviewButton, buttons, question_view
from bot.services.interviews import ActiveInterviewExists, StaleQuestion, Step

log = logging.getLogger(__name__)
MAX_FIELD = 100
HISTORY_PAGE = 5
SPARK = "▁▂▃▄▅▆▇█"
IDLE_RECHECK = timedelta(hours=6)


def _check_text(name: str, value: str | None, *, required: bool = True, limit: int = MAX_FIELD) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise UserFacingError(f"Please give a {name}.")
    if len(text) > limit:
        raise UserFacingError(f"The {name} is {len(text)} characters; keep it under {limit}.")
    return text


class InterviewCog(commands.Cog, name="Interview"):
    group = app_commands.Group(name="interview", description="Mock second-round and final interviews")

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self.service = bot.interviews
        self._idle_task: asyncio.Task[None]

    async def cog_load(self) -> None:
        # The persistent controls come and go with the feature (a reload registers them once).
        self.bot.add_dynamic_items(InterviewButton)
        self._idle_task = asyncio.create_task(self._idle_loop(), name="interview-idle-sweep")

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(InterviewButton)
        self._idle_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._idle_task

    # --- commands ------------------------------------------------------------------------

    @group.command(name="start", description="Start a mock interview in a private thread or your DMs")
    @app_commands.describe(
        script="Which interview (start typing to see them)",
        role='The role, e.g. "Data Analyst"',
        company="The company",
        interviewer='Optional: "Name, Title" of who will interview you',
        where="A private thread here (default in a server) or your DMs",
    )
    @app_commands.choices(where=[app_commands.Choice(name="Private thread", value="thread"),
                                 app_commands.Choice(name="Direct messages", value="dm")])
    async def start(self, interaction: discord.Interaction, script: str, role: str, company: str,
                    interviewer: str | None = None, where: str | None = None) -> None:
        await self.start_interview(interaction, script_id=script, role=role, company=company,
                                   interviewer=interviewer, where=where)

    @start.autocomplete("script")
    async def script_autocomplete(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        text = current.lower()
        scripts = sorted(self.bot.library.scripts.values(), key=lambda s: (s.stage, s.id))
        return [app_commands.Choice(name=shorten(f"{s.title} ({s.stage_label}, ~{s.minutes} min)", 100),
                                    value=s.id)
                for s in scripts if text in s.id or text in s.title.lower()][:25]

    @group.command(name="resume", description="Continue your interview where you left it")
    async def resume(self, interaction: discord.Interaction) -> None:
        session = await self.service.open_session(interaction.user.id)
        if session is None:
            raise UserFacingError("You have no interview in progress. Start one with `/interview start`.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = await self._resume_in_place(interaction, session)
        if channel is not None:
            await reply(interaction, f"Picking up where you left off in {place_name(channel)}.")

    @group.command(name="end", description="End your interview now, with a report on what you answered")
    async def end(self, interaction: discord.Interaction) -> None:
        session = await self.service.open_session(interaction.user.id)
        if session is None:
            raise UserFacingError("You have no interview in progress.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        step = await self.service.end(session.id, user_id=interaction.user.id)
        channel = await self._channel(step.session)
        await self._clear_buttons(channel, session.question_message_id)
        if channel is not None and channel.id != interaction.channel_id:
            await self._send_report(channel, step)
            await reply(interaction, f"Ended. Your report is in {place_name(channel)}.")
        else:
            await self._send_report(interaction, step)

    @group.command(name="history", description="Your past mock interviews and how your scores are moving")
    async def history(self, interaction: discord.Interaction) -> None:
        sessions = await self.bot.store.sessions.for_user(interaction.user.id, limit=200)
        if not sessions:
            raise UserFacingError("No interviews yet. Start one with `/interview start`.")
        view = HistoryView(self, interaction.user.id, sessions)
        await reply(interaction, embed=view.page_embed(), view=view)

    @group.command(name="report", description="Show the report and transcript of one of your interviews")
    @app_commands.describe(session="Which interview (default: your latest)")
    async def report(self, interaction: discord.Interaction, session: str | None = None) -> None:
        target = await self._own_session(interaction.user.id, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        _, interview = await self.service.load(target.id, user_id=interaction.user.id)
        step_report = target.report or interview.report()
        await self._send_report(interaction, None, session=target, report=step_report)

    @report.autocomplete("session")
    async def session_autocomplete(self, interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        sessions = await self.bot.store.sessions.for_user(interaction.user.id, limit=100)
        choices = []
        for s in sessions:
            title = self._title(s)
            label = shorten(f"#{s.id} · {title} · {s.context.get('company', '')} · "
                            f"{s.created_at:%Y-%m-%d} · {s.status}", 100)
            if current.lower() in label.lower():
                choices.append(app_commands.Choice(name=label, value=str(s.id)))
        return choices[:25]

    @group.command(name="practice", description="Retake one question (by default one of your weakest)")
    @app_commands.describe(question="Which question (default: a weak one from your last interview)")
    async def practice(self, interaction: discord.Interaction, question: str | None = None) -> None:
        if question:
            session_part, _, question_id = question.partition(":")
            if not session_part.isdigit() or not question_id:
                raise UserFacingError("Pick a question from the list.")
            source = await self._own_session(interaction.user.id, session_part)
        else:
            finished = [s for s in await self.bot.store.sessions.for_user(interaction.user.id)
                        if s.report and s.report.get("weakest_questions")]
            if not finished:
                raise UserFacingError("Finish a mock interview first; then I can pick your "
                                      "weakest answer to practise.")
            source = finished[0]
            question_id = source.report["weakest_questions"][0]  # type: ignore[index]
        await self.start_practice(interaction, session_id=source.id, question_id=question_id)

    @practice.autocomplete("question")
    async def practice_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[str]]:
        choices: list[app_commands.Choice[str]] = []
        seen: set[str] = set()
        for s in await self.bot.store.sessions.for_user(interaction.user.id, limit=20):
            for answer in await self.bot.store.sessions.answers(s.id):
                if answer.probe_index or f"{s.script_id}:{answer.question_id}" in seen:
                    continue
                seen.add(f"{s.script_id}:{answer.question_id}")
                label = shorten(f"{answer.question_text}", 100)
                if current.lower() in label.lower():
                    choices.append(app_commands.Choice(name=label, value=f"{s.id}:{answer.question_id}"))
                if len(choices) >= 25:
                    return choices
        return choices

    # --- entry points other features use -------------------------------------------------

    async def start_interview(self, interaction: discord.Interaction, *, script_id: str, role: str,
                              company: str, interviewer: str | None = None, where: str | None = None,
                              only_questions: list[str] | None = None,
                              values: list[str] | None = None) -> None:
        role = _check_text("role", role)
        company = _check_text("company", company)
        interviewer = _check_text("interviewer", interviewer, required=False)
        if script_id not in self.bot.library.scripts:
            known = ", ".join(sorted(self.bot.library.scripts))
            raise UserFacingError(f"There is no script called {script_id!r}. Pick one from the list ({known}).")
        existing = await self.service.open_session(interaction.user.id)
        if existing is not None:
            await reply(interaction, f"You already have an interview in progress ({self._title(existing)}, "
                                     f"{existing.context.get('company', '')}). Resume it or end it first.",
                        view=buttons(existing.id, "resume", "endnow"))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        context: dict[str, Any] = {
            "candidate": interaction.user.display_name, "role": role, "company": company,
            "interviewers": [parse_interviewer(interviewer)] if interviewer else [],
            "values": values or [], "only_questions": only_questions or [],
        }
        try:
            step = await self.service.start(user_id=interaction.user.id, script_id=script_id,
                                            context=context, guild_id=interaction.guild_id)
        except ActiveInterviewExists as exc:  # a retried command racing the first one
            await reply(interaction, "You already have an interview in progress.",
                        view=buttons(exc.session.id, "resume", "endnow"))
            return
        self._wake_idle_loop()  # the idle timer may need to wake sooner for this interview
        place = "dm" if interaction.guild is None or where == "dm" else "thread"
        channel = await self._open_place(interaction, step.session, place)
        if channel is None:
            return
        await self._post_intro(channel, step)
        await reply(interaction, f"Your interview is ready in {place_name(channel)}. Good luck!")

    async def start_practice(self, interaction: discord.Interaction, *, session_id: int,
                             question_id: str) -> None:
        source = await self.bot.store.sessions.get(session_id)
        if source is None or source.user_id != interaction.user.id:
            raise UserFacingError("I could not find that interview.")
        script = self.bot.library.script(source.script_id)
        if not any(q.id == question_id for q in script.questions):
            raise UserFacingError("That question is no longer in the script.")
        ctx = source.context
        interviewer = ctx.get("interviewers") or []
        await self.start_interview(
            interaction, script_id=source.script_id, role=ctx.get("role", ""),
            company=ctx.get("company", ""),
            interviewer=(f"{interviewer[0]['name']}, {interviewer[0].get('title', '')}".strip(", ")
                         if interviewer else None),
            where="dm" if source.guild_id is None else None, only_questions=[question_id],
            values=ctx.get("values") or [])

    # --- buttons and forms ----------------------------------------------------------------

    async def handle_control(self, interaction: discord.Interaction, action: str, session_id: int,
                             key: str) -> None:
        uid = interaction.user.id
        if action == "form":
            _, asked = await self.service.current(session_id, user_id=uid)
            if asked.key != key:
                raise StaleQuestion("That button belongs to a question you have already moved past.")
            title = f"Follow-up to question {asked.number}" if asked.is_probe else f"Question {asked.number}"
            await interaction.response.send_modal(AnswerModal(self, session_id, key, title))
            return
        if action in {"done", "skip"}:
            step = await (self.service.finish_answer(session_id, expected=key, user_id=uid) if action == "done"
                          else self.service.skip(session_id, expected=key, user_id=uid))
            await interaction.response.edit_message(view=None)
            await self._after_step(interaction.channel, step)
            return
        if action == "repeat":
            session, asked = await self.service.current(session_id, user_id=uid)
            if asked.key != key:
                raise StaleQuestion("That button belongs to a question you have already moved past.")
            await interaction.response.edit_message(view=None)
            await self._post_question(interaction.channel, session, asked)
            return
        if action == "pause":
            session = await self.service.pause(session_id, user_id=uid)
            await interaction.response.edit_message(view=buttons(session.id, "resume"))
            await self._send(interaction.channel, "⏸️ Paused and saved. Press **Resume** or run "
                                                  "`/interview resume` whenever you are ready.")
            return
        if action == "resume":
            session = await self.bot.store.sessions.get(session_id)
            assert session is not None
            if not session.is_open:
                raise UserFacingError("That interview has already ended.")
            await interaction.response.defer(ephemeral=True, thinking=True)
            channel = await self._resume_in_place(interaction, session)
            if channel is not None:
                await reply(interaction, f"Continuing in {place_name(channel)}.")
            return
        if action in {"end", "endnow"}:
            await interaction.response.defer(ephemeral=action == "endnow", thinking=action == "endnow")
            before = await self.bot.store.sessions.get(session_id)
            step = await self.service.end(session_id, user_id=uid)
            channel = await self._channel(step.session)
            await self._clear_buttons(channel, before.question_message_id if before else None)
            await self._send_report(channel or interaction, step)
            if action == "endnow" and channel is not None:
                await reply(interaction, f"Ended. Your report is in {place_name(channel)}.")
            return
        if action in {"dm", "thread"}:
            session = await self.bot.store.sessions.get(session_id)
            assert session is not None
            if not session.is_open:
                raise UserFacingError("That interview has already ended.")
            await interaction.response.defer(ephemeral=True, thinking=True)
            channel = await self._open_place(interaction, session, action)
            if channel is not None:
                _, interview = await self.service.load(session.id)
                step = Step(session, interview, _initial(interview))
                await self._post_intro(channel, step)
                await reply(interaction, f"Your interview is ready in {place_name(channel)}.")
            return
        raise UserFacingError("Unknown control.")

    async def submit_form(self, interaction: discord.Interaction, session_id: int, key: str, text: str) -> None:
        uid = interaction.user.id
        session, asked = await self.service.current(session_id, user_id=uid)
        if asked.key != key:
            raise StaleQuestion("That form belongs to a question you have already moved past.")
        await self.service.record_part(session_id, text, source="modal", source_id=f"modal:{interaction.id}",
                                       user_id=uid)
        step = await self.service.finish_answer(session_id, expected=key, user_id=uid)
        echo = discord.Embed(description=escape_discord(text)[:4096], colour=discord.Colour.light_grey())
        echo.set_author(name=f"{interaction.user.display_name} answered (form)")
        await interaction.response.send_message(embed=echo, allowed_mentions=NO_MENTIONS)
        await self._clear_buttons(interaction.channel, session.question_message_id)
        await self._after_step(interaction.channel, step)

    # --- typed answers --------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not isinstance(message.channel, (discord.Thread, discord.DMChannel)):
            return
        session = await self.bot.store.sessions.by_channel(message.channel.id)
        if session is None or session.user_id != message.author.id:
            return  # only the candidate's own messages are answers
        attachments = [a.filename for a in message.attachments]
        if not message.content.strip() and not attachments:
            return
        try:
            if session.status == "paused":
                await self.service.resume(session.id, user_id=message.author.id)
            await self.service.record_part(session.id, message.content, source="message",
                                           source_id=str(message.id), attachments=attachments,
                                           user_id=message.author.id)
        except InterviewError as exc:
            await self._send(message.channel, f"{message.author.mention} {exc}",
                             mentions=discord.AllowedMentions(users=[message.author]))
            return
        # Acknowledged only now, after the part is committed.
        try:
            await message.add_reaction("✅")
        except discord.HTTPException:
            log.info("Could not react to answer message %s", message.id)

    # --- idle interviews --------------------------------------------------------------------

    async def _idle_loop(self) -> None:
        """Pause quiet interviews and abandon forgotten ones. Sleeps until the next one is due
        (woken early when an interview starts), with a periodic re-check as a safety net."""
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            try:
                await self._sweep_idle()
                pause_after, abandon_after = self._idle_limits()
                due = await self.service.next_idle_deadline(pause_after=pause_after, abandon_after=abandon_after)
            except Exception:
                log.exception("Idle sweep failed")
                due = None
            delay = IDLE_RECHECK.total_seconds() if due is None else (due - self.bot.clock.now()).total_seconds()
            await asyncio.sleep(min(max(delay, 1.0), IDLE_RECHECK.total_seconds()))

    def _wake_idle_loop(self) -> None:
        """Restart the idle timer so it re-reads the next deadline (after a new interview)."""
        if self._idle_task.done() or not self.bot.is_ready():
            return
        self._idle_task.cancel()
        self._idle_task = asyncio.create_task(self._idle_loop(), name="interview-idle-sweep")

    def _idle_limits(self) -> tuple[timedelta, timedelta]:
        settings = self.bot.settings
        return timedelta(minutes=settings.idle_pause_minutes), timedelta(days=settings.abandon_after_days)

    async def _sweep_idle(self) -> None:
        pause_after, abandon_after = self._idle_limits()
        paused, _abandoned = await self.service.sweep_idle(pause_after=pause_after, abandon_after=abandon_after)
        minutes = self.bot.settings.idle_pause_minutes
        for session in paused:
            channel = await self._channel(session)
            if channel is not None:
                await self._send(channel, f"⏸️ This interview was paused after {minutes} quiet minutes. Your "
                                          "answers are saved; type your answer or press **Resume** to go on.",
                                 view=buttons(session.id, "resume"))

    # --- helpers --------------------------------------------------------------------------

    def _title(self, session: InterviewSession) -> str:
        script = self.bot.library.scripts.get(session.script_id)
        title = script.title if script else session.script_id
        return f"Practice: {title}" if session.context.get("only_questions") else title

    async def _own_session(self, user_id: int, value: str | None) -> InterviewSession:
        if value is None:
            sessions = await self.bot.store.sessions.for_user(user_id, limit=1)
            if not sessions:
                raise UserFacingError("You have no interviews yet.")
            return sessions[0]
        if not value.strip().lstrip("#").isdigit():
            raise UserFacingError("Pick an interview from the list.")
        session = await self.bot.store.sessions.get(int(value.strip().lstrip("#")))
        if session is None or session.user_id != user_id:
            raise UserFacingError("I could not find that interview among yours.")
        return session

    async def _channel(self, session: InterviewSession) -> discord.abc.Messageable | None:
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

    async def _open_place(self, interaction: discord.Interaction, session: InterviewSession,
                          place: str) -> discord.abc.Messageable | None:
        """Open the thread or DM for a session, or explain what stopped it and offer the other."""
        user = interaction.user
        if place == "dm":
            try:
                channel = await user.create_dm()
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
                raise UserFacingError("I can't open a thread from here; run `/interview start` in a server channel.")
            me = guild.me
            perms = parent.permissions_for(me)
            missing = [name for name, ok in (("Create Private Threads", perms.create_private_threads),
                                             ("Send Messages in Threads", perms.send_messages_in_threads),
                                             ("View Channel", perms.view_channel)) if not ok]
            if not missing:
                try:
                    name = shorten(f"{user.display_name} · {self._title(session)}", 100)
                    channel = await parent.create_thread(name=name, type=discord.ChannelType.private_thread,
                                                         invitable=False, auto_archive_duration=1440)
                    await channel.add_user(user)
                except discord.Forbidden:
                    missing = ["Create Private Threads"]
            if missing:
                await reply(interaction, f"I can't open a private thread in {parent.mention}: I need the "
                                         f"**{', '.join(missing)}** permission there. Ask a server admin, or run "
                                         "the interview in your DMs instead.", view=buttons(session.id, "dm"))
                return None
        await self.service.attach(session.id, channel_id=channel.id, message_id=None)
        session.channel_id = channel.id
        return channel

    async def _thread_parent(self, interaction: discord.Interaction,
                             guild: discord.Guild | None) -> discord.TextChannel | None:
        if guild is None:
            return None
        configured = await self.bot.store.guilds.interview_channel(guild.id)
        channel = guild.get_channel(configured) if configured else None
        if channel is None:
            channel = interaction.channel if interaction.guild else None
        if isinstance(channel, discord.Thread):
            channel = channel.parent
        return channel if isinstance(channel, discord.TextChannel) else None

    async def _resume_in_place(self, interaction: discord.Interaction,
                               session: InterviewSession) -> discord.abc.Messageable | None:
        if session.status == "paused":
            session, asked = await self.service.resume(session.id, user_id=interaction.user.id)
        else:
            session, asked = await self.service.current(session.id, user_id=interaction.user.id)
        channel = await self._channel(session)
        if channel is None:  # the thread or DM is gone: open a new one
            place = "thread" if session.guild_id and interaction.guild else "dm"
            channel = await self._open_place(interaction, session, place)
            if channel is None:
                return None
        else:
            await self._clear_buttons(channel, session.question_message_id)
        await self._post_question(channel, session, asked)
        return channel

    async def _post_intro(self, channel: discord.abc.Messageable, step: Step) -> None:
        interview = step.interview
        script = interview.script
        text = self.bot.library.render(
            "messages/interview_intro.md.j2", candidate=interview.context["candidate"],
            role=interview.context["role"], company=interview.context["company"],
            script={"title": script.title, "description": script.description, "minutes": script.minutes,
                    "stage_label": script.stage_label},
            total=len(interview.plan), practice=interview.is_practice)
        for embeds in embeds_for(text, title=f"{script.title} · {script.stage_label}"):
            await channel.send(embeds=embeds, allowed_mentions=NO_MENTIONS)
        await self._post_question(channel, step.session, interview.current_question())

    async def _post_question(self, channel: discord.abc.Messageable | None, session: InterviewSession,
                           asked: AskedQuestion) -> None:
        if channel is None:
            raise UserFacingError("Your answer is saved, but I can't reach the interview's channel. "
                                  "Run `/interview resume` to continue.")
        if asked.is_probe:
            title = f"Follow-up · question {asked.number} of {asked.total}"
        else:
            title = f"Question {asked.number} of {asked.total} · {asked.category_label}"
        embed = discord.Embed(title=title[:256], description=asked.text[:4096], colour=discord.Colour.blurple())
        embed.add_field(name="Suggested length", value=asked.length_hint[:1024])
        embed.set_footer(text="Type your answer here (several messages are fine), then press Done.")
        try:
            message = await channel.send(embed=embed, view=question_view(session.id, asked),
                                         allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("Could not post question for session %s: %s", session.id, exc)
            raise UserFacingError("Your answer is saved, but Discord would not show the next question just "
                                  "now. Press Repeat or run `/interview resume` in a moment.") from exc
        await self.service.attach(session.id, message_id=message.id)

    async def _after_step(self, channel: discord.abc.Messageable | None, step: Step) -> None:
        if step.finished:
            await self._send_report(channel, step)
        elif step.question is not None:
            await self._post_question(channel, step.session, step.question)

    async def _clear_buttons(self, channel: discord.abc.Messageable | None, message_id: int | None) -> None:
        if channel is None or message_id is None:
            return
        try:
            await channel.get_partial_message(message_id).edit(view=None)  # type: ignore[union-attr]
        except (discord.HTTPException, AttributeError):
            pass  # deleted or not ours to edit: the stale buttons are refused anyway

    async def _send(self, channel: discord.abc.Messageable | None, content: str, *,
                    mentions: discord.AllowedMentions = NO_MENTIONS, **kwargs: Any) -> None:
        if channel is None:
            return
        try:
            await channel.send(content, allowed_mentions=mentions, **kwargs)
        except discord.HTTPException as exc:
            log.warning("Could not send to channel: %s", exc)

    async def _send_report(self, target: discord.abc.Messageable | discord.Interaction | None,
                           step: Step | None, *, session: InterviewSession | None = None,
                           report: dict[str, Any] | None = None) -> None:
        if step is not None:
            session, interview, report = step.session, step.interview, step.transition.report
        else:
            assert session is not None
            _, interview = await self.service.load(session.id)
        assert session is not None and report is not None
        report = dict(report)
        suggestion = await self._story_suggestion(session.user_id, report)
        if suggestion:
            report["suggested_story"] = suggestion
        ctx = report_context(interview, report=report, when=session.finished_at)
        text = self.bot.library.render("reports/report.md.j2", **ctx)
        transcript = self.bot.library.render("reports/transcript.md.j2", **ctx)
        file = discord.File(io.BytesIO(transcript.encode("utf-8")), filename=f"interview-{session.id}-transcript.md")
        pages = embeds_for(text, title=f"Feedback report · {interview.script.title}")
        for index, embeds in enumerate(pages):
            last = index == len(pages) - 1
            kwargs: dict[str, Any] = {"embeds": embeds, "allowed_mentions": NO_MENTIONS}
            if last:
                kwargs["file"] = file
            if isinstance(target, discord.Interaction):
                await target.followup.send(ephemeral=True, **kwargs)
            elif target is not None:
                await target.send(**kwargs)
        if step is not None and step.finished:
            self.bot.dispatch("interview_finished", session, report)

    async def _story_suggestion(self, user_id: int, report: dict[str, Any]) -> dict[str, Any] | None:
        try:
            from bot.core.stories import suggest_story
        except ImportError:  # the story bank is an optional feature module
            return None
        stories = await self.bot.store.stories.for_user(user_id)
        return suggest_story(stories, report) if stories else None


def _initial(interview: Any) -> Any:
    from bot.core.interview import Transition

    return Transition(None, interview.current_question(), interview.status)


class HistoryView(discord.ui.View):
    def __init__(self, cog: InterviewCog, user_id: int, sessions: list[InterviewSession]) -> None:
        super().__init__(timeout=600)
        self.cog, self.user_id, self.sessions, self.page = cog, user_id, sessions, 0
        self.pages = max(1, (len(sessions) + HISTORY_PAGE - 1) // HISTORY_PAGE)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    def page_embed(self) -> discord.Embed:
        chunk = self.sessions[self.page * HISTORY_PAGE:(self.page + 1) * HISTORY_PAGE]
        lines = []
        for s in chunk:
            overall = (s.report or {}).get("overall")
            score = f"**{round(overall * 100)}/100**" if overall is not None else s.status
            lines.append(f"`#{s.id}` {discord_timestamp(s.created_at, 'D')} · {escape_discord(self.cog._title(s))} · "
                         f"{escape_discord(s.context.get('company', ''))} · {score}")
        embed = discord.Embed(title="Your mock interviews", description="\n".join(lines)[:4096],
                              colour=discord.Colour.blurple())
        trend = self._trend()
        if trend:
            embed.add_field(name="Trend (oldest → newest)", value=trend[:1024], inline=False)
        embed.set_footer(text=f"Page {self.page + 1} of {self.pages} · {len(self.sessions)} interviews · "
                              "/interview report shows any of them again")
        return embed

    def _trend(self) -> str:
        finished = [s for s in reversed(self.sessions) if s.report][-10:]
        if len(finished) < 2:
            return "Finish two interviews to see your trend." if finished else ""
        rows = []
        for key, label in DIMENSIONS.items():
            values = [d["score"] for s in finished for d in s.report["dimensions"]  # type: ignore[index]
                      if d["key"] == key and d["score"] is not None]
            if len(values) < 2:
                continue
            spark = "".join(SPARK[min(7, int(v * 8))] for v in values)
            delta = round((values[-1] - values[0]) * 100)
            rows.append(f"{label}: `{spark}` {'+' if delta >= 0 else ''}{delta}")
        return "\n".join(rows)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.user_id

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[HistoryView]) -> None:
        self.page = max(0, self.page - 1)
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.page_embed(), view=self)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[HistoryView]) -> None:
        self.page = min(self.pages - 1, self.page + 1)
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.page_embed(), view=self)
