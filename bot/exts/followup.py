"""`/followup ...`: log a real interview and get DM nudges around it; the nudge buttons; the
"practice again" nudge after a mock interview; and the dispatcher's lifecycle."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.core import followups as fu
from bot.core.models import FollowUpPlan, InterviewSession, Nudge
from bot.core.stages import STAGE_LABELS, next_stage, script_for_stage, stage_label
from bot.core.text import clean_user_text, discord_timestamp, escape_discord
from bot.core.timeparse import EXAMPLES, TimeParseError, parse_when, resolve_zone
from bot.errors import UserFacingError, reply_with_error
from bot.exts._common import COLOUR, NO_MENTIONS, reply
from bot.exts._notices import deliver_pending_notice
from bot.exts._nudges import NudgeButton, next_round_view, nudge_view
from bot.exts._time import user_zone
from bot.exts.interview import start_mock_interview, start_practice
from bot.planner import AddResult, PlanError

log = logging.getLogger(__name__)

STAGE_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in STAGE_LABELS.items()]


def when_line(when: datetime) -> str:
    return f"{discord_timestamp(when, 'F')} ({discord_timestamp(when, 'R')})"


def plan_title(plan: FollowUpPlan) -> str:
    d = plan.details
    if plan.kind == "practice":
        return f"Practice again: {d.get('script_title') or d.get('script_id') or 'mock interview'}"
    stage = stage_label(d.get("stage"), missing="Interview")
    role = f" ({d['role']})" if d.get("role") else ""
    return f"{stage} at {d.get('company') or '?'}{role}"


class FollowUpCog(commands.Cog, name="FollowUp"):
    followup = app_commands.Group(name="followup",
                                  description="Reminders around your real interviews")

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self.planner = bot.followups.planner

    async def cog_load(self) -> None:
        # The persistent controls come and go with the feature (a reload registers them once).
        self.bot.add_dynamic_items(NudgeButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(NudgeButton)

    # ------------------------------------------------------------------ helpers

    async def _zone(self, interaction: discord.Interaction) -> ZoneInfo | None:
        return await user_zone(interaction)

    def _parse(self, text: str, zone: ZoneInfo) -> datetime:
        try:
            return parse_when(text, zone, self.bot.clock.now()).when
        except TimeParseError as error:
            raise UserFacingError(f"{error} Nothing was scheduled.") from error

    async def _plan_id(self, interaction: discord.Interaction, value: str) -> int:
        try:
            return int(value.strip().lstrip("#"))
        except ValueError:
            raise UserFacingError("Pick a plan from the list as you type (`/followup list` shows "
                                  "your plans).") from None

    def _planned_lines(self, nudges: list[Nudge]) -> list[str]:
        return [f"• {when_line(n.due_at)}: {fu.KIND_LABELS.get(n.kind, n.kind)}"
                for n in sorted(nudges, key=lambda n: n.due_at) if n.status == "pending"]

    # ------------------------------------------------------------------ /followup add

    @followup.command(name="add", description="Log a real interview and get reminders around it")
    @app_commands.describe(
        company="The company you're interviewing with",
        role="The role you applied for",
        when='When it starts, in your time zone: "Dec 3 2pm", "tomorrow 10:30", "next Tuesday 2pm"',
        interviewer="Who you're meeting (optional)",
        stage="Which round (default: second round)",
        length="How long it is planned to last, in minutes (default 60)")
    @app_commands.choices(stage=STAGE_CHOICES)
    async def add(self, interaction: discord.Interaction,
                  company: app_commands.Range[str, 1, 100], role: app_commands.Range[str, 1, 100],
                  when: app_commands.Range[str, 1, 100],
                  interviewer: app_commands.Range[str, 0, 100] | None = None,
                  stage: app_commands.Choice[str] | None = None,
                  length: app_commands.Range[int, 10, 480] = 60) -> None:
        company_text = clean_user_text(company).strip()
        role_text = clean_user_text(role).strip()
        if not company_text:
            raise UserFacingError("Give the company's name. Nothing was scheduled.")
        zone = await self._zone(interaction)
        if zone is None:
            return
        interview_at = self._parse(when, zone)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.planner.add_interview(
            user_id=interaction.user.id, candidate=interaction.user.display_name,
            company=company_text, role=role_text, interview_at=interview_at, zone=zone,
            length_minutes=length, stage=stage.value if stage else "second_round",
            interviewer=clean_user_text(interviewer or "").strip(),
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id if interaction.guild_id else None)
        await interaction.followup.send(embed=self._added_embed(result), ephemeral=True,
                                        allowed_mentions=NO_MENTIONS)
        await deliver_pending_notice(interaction)

    def _added_embed(self, result: AddResult) -> discord.Embed:
        plan = result.plan
        interview_at = fu.parse_time(plan.details["interview_at"])
        title = escape_discord(plan_title(plan))
        lines = []
        if not result.created:
            lines.append("You already logged this interview, so nothing new was scheduled.")
        with_whom = plan.details.get("interviewer")
        lines.append(f"**{title}**: {when_line(interview_at)}"
                     + (f", with {escape_discord(with_whom)}" if with_whom else "") + ".")
        planned = self._planned_lines(result.nudges)
        if planned:
            lines += ["", "I'll DM you:", *planned]
        for kind, why in result.skipped:
            lines.append(f"No {fu.KIND_LABELS[kind].split(' (')[0].lower()}: {why}.")
        if result.nudges_off:
            lines += ["", "Your nudges are **off**, so I won't DM you. Turn them on with "
                          "`/settings nudges on`."]
        else:
            lines += ["", "Each reminder has buttons: Done, Snooze and Stop this plan. Make sure "
                          "I can DM you (server menu → Privacy Settings → Direct Messages)."]
        embed = discord.Embed(title="Interview logged" if result.created else "Already logged",
                              description="\n".join(lines), colour=COLOUR)
        embed.set_footer(text=f"Plan #{plan.id} · /followup list · /followup reschedule · "
                              "/followup cancel")
        return embed

    # ------------------------------------------------------------------ /followup list

    @followup.command(name="list", description="Your upcoming follow-up reminders")
    async def list_(self, interaction: discord.Interaction) -> None:
        nudges = await self.bot.store.nudges.upcoming_for_user(interaction.user.id, limit=26)
        if not nudges:
            await reply(interaction, "Nothing is scheduled. Log a real interview with "
                                     "`/followup add` and I'll remind you around it.")
            await deliver_pending_notice(interaction)
            return
        plans: dict[int, FollowUpPlan] = {}
        for nudge in nudges:
            if nudge.plan_id is not None and nudge.plan_id not in plans:
                plan = await self.bot.store.nudges.plan(nudge.plan_id, interaction.user.id)
                if plan is not None:
                    plans[plan.id] = plan
        lines = []
        for nudge in nudges[:25]:
            plan = plans.get(nudge.plan_id or -1)
            where = f" · {escape_discord(plan_title(plan))} (plan #{plan.id})" if plan else ""
            lines.append(f"• {when_line(nudge.due_at)}: {fu.KIND_LABELS.get(nudge.kind, nudge.kind)}"
                         f"{where}")
        if len(nudges) > 25:
            lines.append("…and more after these.")
        user = await self.bot.store.users.get(interaction.user.id)
        if user is not None and user.nudges_enabled is False:
            lines += ["", "Your nudges are **off**: none of these will be sent until you turn "
                          "them on with `/settings nudges on`."]
        embed = discord.Embed(title="Your upcoming reminders", description="\n".join(lines),
                              colour=COLOUR)
        await reply(interaction, embed=embed)
        await deliver_pending_notice(interaction)

    # ------------------------------------------------------------------ /followup cancel

    @followup.command(name="cancel", description="Stop every reminder of one plan")
    @app_commands.describe(plan="The plan (start typing the company)")
    async def cancel(self, interaction: discord.Interaction, plan: str) -> None:
        plan_id = await self._plan_id(interaction, plan)
        try:
            found, cancelled = await self.planner.cancel(interaction.user.id, plan_id)
        except PlanError as error:
            raise UserFacingError(str(error)) from error
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
        plan_id = await self._plan_id(interaction, plan)
        zone = await self._zone(interaction)
        if zone is None:
            return
        new_time = self._parse(when, zone)
        try:
            moved, nudges = await self.planner.reschedule(interaction.user.id, plan_id, new_time,
                                                          zone)
        except PlanError as error:
            raise UserFacingError(str(error)) from error
        lines = [f"Moved **{escape_discord(plan_title(moved))}** to {when_line(new_time)}."]
        planned = self._planned_lines(nudges)
        if planned:
            lines += ["", "Reminders now:", *planned]
        await reply(interaction, "\n".join(lines))
        await deliver_pending_notice(interaction)

    @cancel.autocomplete("plan")
    @reschedule.autocomplete("plan")
    async def plan_autocomplete(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
        user = await self.bot.store.users.get(interaction.user.id)
        zone = ZoneInfo("UTC")
        if user is not None and user.time_zone:
            try:
                zone = resolve_zone(user.time_zone)[0]
            except TimeParseError:
                pass
        text = current.strip().lower()
        choices = []
        for plan, next_due in await self.bot.store.nudges.plans_with_pending(interaction.user.id):
            at = plan.details.get("interview_at")
            when = fu.parse_time(at) if at else next_due
            name = f"{plan_title(plan)}, {when.astimezone(zone):%a %d %b %H:%M} (#{plan.id})"
            if text and text not in name.lower():
                continue
            choices.append(app_commands.Choice(name=name[:100], value=str(plan.id)))
        return choices[:25]

    # ------------------------------------------------------------------ buttons

    async def handle_button(self, interaction: discord.Interaction, action: str, nudge_id: int,
                            arg: str) -> None:
        try:
            if action == "done":
                await self._done(interaction, nudge_id)
            elif action == "snz":
                await self._snooze(interaction, nudge_id, arg)
            elif action == "stop":
                await self._stop(interaction, nudge_id)
            elif action == "out":
                await self._outcome(interaction, nudge_id, arg)
            elif action == "prac":
                await self._practice(interaction, nudge_id, arg)
            elif action == "next":
                await self._next_round(interaction, nudge_id, arg)
        except PlanError as error:
            raise UserFacingError(str(error)) from error

    async def _current_view(self, nudge: Nudge) -> discord.ui.View | None:
        nudge = await self.bot.store.nudges.get(nudge.id) or nudge
        delivery = await self.bot.store.nudges.delivery(nudge.id)
        plan = (await self.bot.store.nudges.plan(nudge.plan_id, nudge.user_id)
                if nudge.plan_id else None)
        return nudge_view(nudge, done=bool(delivery and delivery.done_at),
                          outcome=plan.details.get("outcome", "") if plan else "",
                          plan_status=plan.status if plan else "active")

    async def _edit(self, interaction: discord.Interaction, status: str,
                    view: discord.ui.View | None) -> None:
        await interaction.response.edit_message(content=status, view=view,
                                                allowed_mentions=NO_MENTIONS)

    async def _done(self, interaction: discord.Interaction, nudge_id: int) -> None:
        nudge = await self.planner.done(interaction.user.id, nudge_id)
        now = self.bot.clock.now()
        await self._edit(interaction, f"✅ Marked done {discord_timestamp(now, 'R')}. Nice work.",
                         await self._current_view(nudge))

    async def _snooze(self, interaction: discord.Interaction, nudge_id: int, option: str) -> None:
        if option not in fu.SNOOZE_OPTIONS:
            raise UserFacingError("Unknown snooze option.")
        zone = await self._zone(interaction)
        if zone is None:
            return
        decision = await self.planner.snooze(interaction.user.id, nudge_id, option, zone)
        if decision.until is None:
            await reply(interaction, decision.refusal)
            return
        await self._edit(interaction, f"⏰ Snoozed until {when_line(decision.until)}. I'll send it "
                                      "again then.", None)

    async def _stop(self, interaction: discord.Interaction, nudge_id: int) -> None:
        plan, cancelled = await self.planner.stop(interaction.user.id, nudge_id)
        if plan is None:
            await self._edit(interaction, "🛑 Stopped.", None)
            return
        await self._edit(interaction, f"🛑 Plan stopped: no more reminders for "
                                      f"{escape_discord(plan_title(plan))} "
                                      f"({cancelled} cancelled).", None)

    async def _outcome(self, interaction: discord.Interaction, nudge_id: int,
                       outcome: str) -> None:
        result = await self.planner.record_outcome(interaction.user.id, nudge_id, outcome)
        nudge = await self.planner.nudge(interaction.user.id, nudge_id)
        await self._edit(interaction, f"Recorded: **{fu.OUTCOMES[outcome]}**.",
                         await self._current_view(nudge))
        company = result.plan.details.get("company", "")
        role = result.plan.details.get("role", "")
        if outcome == "next_round":
            text = self.bot.library.render("nudges/outcome_next_round.md.j2", company=company,
                                           role=role)
            text += ("\n\nBelow: log the next interview now (or later with `/followup add`), "
                     "and start a practice interview for that stage.")
            embed = discord.Embed(description=text[:4096], colour=COLOUR)
            await interaction.followup.send(embed=embed, view=next_round_view(nudge_id),
                                            allowed_mentions=NO_MENTIONS)
            return
        if outcome == "no_news":
            check_ins = [n for n in result.waiting if n.kind == fu.CHECK_IN]
            text = ("Waiting is the hardest part. " + (
                f"I'll check in with you {when_line(check_ins[0].due_at)} if you still haven't "
                "heard." if check_ins else "Keep other applications moving meanwhile."))
        elif outcome == "offer":
            text = ("🎉 Congratulations! Ask for the offer in writing, take a day to read it, and "
                    "negotiate calmly if it's below what you researched. "
                    "No check-in reminder needed now.")
        else:
            text = ("Sorry, that's disappointing. It's worth asking politely for feedback, and "
                    "noting what you'd do differently in your journal. No check-in reminder "
                    "needed now.")
        await interaction.followup.send(text, allowed_mentions=NO_MENTIONS)

    async def _next_round(self, interaction: discord.Interaction, nudge_id: int,
                          what: str) -> None:
        nudge = await self.planner.nudge(interaction.user.id, nudge_id)
        plan = await self.planner.plan(interaction.user.id, nudge.plan_id or 0)
        stage = next_stage(plan.details.get("stage") or "second_round")
        company, role = plan.details.get("company", ""), plan.details.get("role", "")
        if what == "log":
            await interaction.response.send_modal(
                NextInterviewModal(self, plan_id=plan.id, company=company, role=role, stage=stage))
            return
        script_id = script_for_stage(stage)
        await self._start_mock(interaction, script_id=script_id, role=role, company=company)

    async def _start_mock(self, interaction: discord.Interaction, *, script_id: str, role: str,
                          company: str) -> None:
        await start_mock_interview(interaction, script_id=script_id, role=role, company=company)

    async def _practice(self, interaction: discord.Interaction, nudge_id: int, index: str) -> None:
        nudge = await self.planner.nudge(interaction.user.id, nudge_id)
        questions = nudge.payload.get("questions") or []
        position = int(index) if index.isdigit() else 0
        question = questions[position] if position < len(questions) else {}
        session_id = nudge.payload.get("session_id")
        if session_id is not None and question.get("id"):
            await start_practice(interaction, session_id=int(session_id), question_id=str(question["id"]))
            return
        await reply(interaction, "Run `/interview start` and choose the "
                                 f"**{nudge.payload.get('script_id') or 'same'}** script again to "
                                 "practise.")

    # ------------------------------------------------------------------ practice again

    @commands.Cog.listener()
    async def on_interview_finished(self, session: InterviewSession,
                                    report: dict[str, Any]) -> None:
        """After a mock interview: a "practice again" nudge for the two weakest questions.
        A practice run of single questions does not plan another one."""
        if session.context.get("only_questions"):
            return
        try:
            await self._plan_practice(session, report)
        except Exception:
            log.exception("Could not plan 'practice again' for session %s", session.id)

    async def _plan_practice(self, session: InterviewSession, report: dict[str, Any]) -> None:
        improvements = {i.get("question_id"): i for i in report.get("improvements") or []}
        weakest = list(report.get("weakest_questions") or [])[:2]
        asked: dict[str, tuple[int, str]] = {}
        if any(qid not in improvements for qid in weakest):
            questions_only = [a for a in await self.bot.store.sessions.answers(session.id)
                              if a.probe_index == 0]
            asked = {a.question_id: (n, a.question_text) for n, a in enumerate(questions_only, start=1)}
        questions = []
        for qid in weakest:
            found = improvements.get(qid) or {}
            number, prompt = asked.get(qid, (None, ""))
            questions.append({"id": qid, "number": found.get("question_number") or number,
                              "text": found.get("question") or prompt,
                              "label": found.get("label") or "your weakest score"})
        try:
            title = self.bot.library.script(session.script_id).title
        except KeyError:
            title = session.script_id
        await self.planner.schedule_practice(
            user_id=session.user_id, session_id=session.id, script_id=session.script_id,
            script_title=title, questions=questions,
            finished_at=session.finished_at or self.bot.clock.now(), guild_id=session.guild_id,
            channel_id=session.channel_id if session.guild_id else None)


class NextInterviewModal(discord.ui.Modal, title="Log your next interview"):
    def __init__(self, cog: FollowUpCog, *, plan_id: int, company: str, role: str,
                 stage: str) -> None:
        super().__init__(timeout=900)
        self.cog, self.plan_id = cog, plan_id
        self.company_name, self.role_name = company, role
        self.when = discord.ui.TextInput(label="When (your time zone)", max_length=100,
                                         custom_id="next:when",
                                         placeholder=f"e.g. {EXAMPLES[1]} or {EXAMPLES[3]}"[:100])
        self.stage = discord.ui.TextInput(label="Stage", default=stage, max_length=20,
                                          custom_id="next:stage",
                                          placeholder="second_round or final")
        self.interviewer = discord.ui.TextInput(label="Interviewer (optional)", required=False,
                                                max_length=100, custom_id="next:interviewer")
        for item in (self.when, self.stage, self.interviewer):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        cog = self.cog
        zone = await cog._zone(interaction)
        if zone is None:
            return
        stage = self.stage.value.strip().lower().replace(" ", "_") or "final"
        if stage not in STAGE_LABELS:
            stage = "final"
        result = await cog.planner.add_interview(
            user_id=interaction.user.id, candidate=interaction.user.display_name,
            company=self.company_name, role=self.role_name,
            interview_at=cog._parse(self.when.value, zone), zone=zone, stage=stage,
            interviewer=clean_user_text(self.interviewer.value).strip(),
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id if interaction.guild_id else None)
        await reply(interaction, embed=cog._added_embed(result))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await reply_with_error(interaction, error, where="next interview modal")


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(FollowUpCog(bot))
