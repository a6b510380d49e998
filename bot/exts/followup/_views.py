"""The nudge DMs' persistent buttons and what each one does, the next-interview form, and the
small pieces of presentation the commands share.

Every button's custom_id carries the nudge id, so the buttons keep working after a restart and
the crash rule can recognise a delivered DM. The handlers are module-level functions over
`bot.followups`; they look up no cog."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.core import followups
from bot.core.followups import NudgeControl, plan_title
from bot.core.models import Nudge
from bot.core.stages import FINAL, STAGE_LABELS
from bot.core.text import clean_user_text, discord_timestamp, escape_discord
from bot.core.timeparse import EXAMPLES, TimeParseError, parse_when
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, NO_MENTIONS, bot_of, reply
from bot.exts._time import user_zone
from bot.exts._ui import give_back_form, guarded, page_buttons, send_form, text_input
from bot.services.followups import AddResult, PlanError

LIST_PAGES = "followup"  # the shared pager's name for /followup list

# The action codes in a nudge button's custom_id, `nudge:<code>:<nudge id>[:<argument>]`, and
# the action each one stands for. DMs already sent carry these codes, so they are a wire format:
# never rename or reuse one (a new action gets a new code). Only this table knows them; the rest
# of the code uses the action names of `bot.core.followups`.
ACTION_CODES: dict[str, str] = {
    "done": followups.DONE,
    "snz": followups.SNOOZE,
    "stop": followups.STOP,
    "out": followups.OUTCOME,
    "prac": followups.PRACTISE,
    "next": followups.NEXT_INTERVIEW,
}
CODE_OF: dict[str, str] = {action: code for code, action in ACTION_CODES.items()}
NUDGE_ID = re.compile(r"^nudge:[a-z]+:(?P<id>[0-9]{1,19})(?::|$)")  # any nudge button's nudge id

SNOOZE_LABELS = {"1h": "Snooze 1 hour", "tomorrow": "Tomorrow 9:00", "3d": "In 3 days"}
OUTCOME_STYLES = {"next_round": discord.ButtonStyle.primary, "offer": discord.ButtonStyle.success,
                  "rejected": discord.ButtonStyle.secondary,
                  followups.NO_NEWS: discord.ButtonStyle.secondary}


class NudgeButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                  template=r"nudge:(?P<code>[a-z]+):(?P<id>[0-9]{1,19})(?::(?P<arg>[a-z0-9_]+))?"):
    """One persistent button on a nudge DM (see ACTION_CODES for its custom_id)."""

    def __init__(self, action: str, nudge_id: int, arg: str = "", *, label: str | None = None
                 ) -> None:
        style, default_label, emoji = _look(action, arg)
        custom_id = f"nudge:{CODE_OF[action]}:{nudge_id}" + (f":{arg}" if arg else "")
        super().__init__(discord.ui.Button(label=(label or default_label)[:80], style=style,
                                           emoji=emoji, custom_id=custom_id))
        self.action, self.nudge_id, self.arg = action, nudge_id, arg

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> NudgeButton:
        action = ACTION_CODES.get(match["code"])
        if action is None:
            raise ValueError(f"unknown nudge action code {match['code']!r}")
        return cls(action, int(match["id"]), match["arg"] or "")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        owner = await bot_of(interaction).followups.nudge_owner(self.nudge_id)
        if owner is None:
            await reply(interaction, "This reminder no longer exists (its data may have been "
                                     "deleted). `/followup list` shows what is still planned.")
            return False
        if owner != interaction.user.id:
            await reply(interaction, "This reminder is someone else's. Log your own interview "
                                     "with `/followup add`.")
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        handler = BUTTON_HANDLERS[self.action]

        async def run() -> None:
            with plan_errors():
                await handler(interaction, self.nudge_id, self.arg)

        await guarded(interaction, f"nudge button {self.action}", run)


def _look(action: str, arg: str) -> tuple[discord.ButtonStyle, str, str | None]:
    """A button's style, usual label and emoji."""
    if action == followups.DONE:
        return discord.ButtonStyle.success, "Done", "✅"
    if action == followups.SNOOZE:
        return discord.ButtonStyle.secondary, SNOOZE_LABELS.get(arg, "Snooze"), "⏰"
    if action == followups.STOP:
        return discord.ButtonStyle.danger, "Stop this plan", None
    if action == followups.OUTCOME:
        return (OUTCOME_STYLES.get(arg, discord.ButtonStyle.secondary),
                followups.OUTCOMES.get(arg, arg), None)
    if action == followups.PRACTISE:
        return discord.ButtonStyle.primary, "Practise now", "🔁"
    if action == followups.NEXT_INTERVIEW:
        if arg == followups.LOG_NEXT:
            return discord.ButtonStyle.primary, "Log the next interview", "🗓️"
        return discord.ButtonStyle.secondary, "Practise for it", "🎤"
    return discord.ButtonStyle.secondary, action, None


def nudge_view(nudge_id: int, controls: tuple[NudgeControl, ...]) -> discord.ui.View | None:
    """The buttons `controls` describe, on a persistent view (None when there are none)."""
    if not controls:
        return None
    view = discord.ui.View(timeout=None)
    for control in controls:
        button = NudgeButton(control.action, nudge_id, control.arg, label=control.label or None)
        if control.second_row:
            button.item.row = 1
        view.add_item(button)
    return view


# --------------------------------------------------------------------------- shared presentation

@contextmanager
def plan_errors() -> Iterator[None]:
    """The service's refusals, shown to the user as they are."""
    try:
        yield
    except PlanError as error:
        raise UserFacingError(str(error)) from error


def when_line(when: datetime) -> str:
    return f"{discord_timestamp(when, 'F')} ({discord_timestamp(when, 'R')})"


def planned_lines(nudges: list[Nudge]) -> list[str]:
    return [f"• {when_line(n.due_at)}: {followups.KIND_LABELS.get(n.kind, n.kind)}"
            for n in sorted(nudges, key=lambda n: n.due_at) if n.status == "pending"]


def read_when(interaction: discord.Interaction, text: str, zone: ZoneInfo) -> datetime:
    """A time the user typed, in their zone; a clear refusal when it cannot be read."""
    try:
        return parse_when(text, zone, bot_of(interaction).clock.now()).when
    except TimeParseError as error:
        raise UserFacingError(f"{error} Nothing was scheduled.") from error


def added_embed(result: AddResult) -> discord.Embed:
    """The reply to a logged interview: when it is and which reminders it gets."""
    plan = result.plan
    interview_at = followups.parse_time(plan.details["interview_at"])
    title = escape_discord(plan_title(plan))
    lines = []
    if not result.created:
        lines.append("You already logged this interview, so nothing new was scheduled.")
    with_whom = plan.details.get("interviewer")
    lines.append(f"**{title}**: {when_line(interview_at)}"
                 + (f", with {escape_discord(with_whom)}" if with_whom else "") + ".")
    planned = planned_lines(result.nudges)
    if planned:
        lines += ["", "I'll DM you:", *planned]
    for kind, why in result.skipped:
        lines.append(f"No {followups.KIND_LABELS[kind].split(' (')[0].lower()}: {why}.")
    if result.nudges_off:
        lines += ["", "Your nudges are **off**, so I won't DM you. Turn them on with "
                      "`/settings nudges state:on`."]
    else:
        lines += ["", "Each reminder has buttons: Done, Snooze and Stop this plan. Make sure "
                      "I can DM you (server menu → Privacy Settings → Direct Messages)."]
    embed = discord.Embed(title="Interview logged" if result.created else "Already logged",
                          description="\n".join(lines), colour=COLOUR)
    embed.set_footer(text=f"Plan #{plan.id} · /followup list · /followup reschedule · "
                          "/followup cancel")
    return embed


async def list_page(interaction: discord.Interaction, owner_id: int, page: int,
                    arg: str = "") -> tuple[discord.Embed, discord.ui.View | None]:
    """Page `page` of the owner's waiting reminders (`/followup list`, and every click of its
    pager). A page holds `followups.LIST_PAGE` lines of at most `REMINDER_LINE_LIMIT`
    characters, so it fits an embed whatever names the user typed."""
    upcoming = await bot_of(interaction).followups.upcoming(owner_id, page)
    if not upcoming.reminders:
        return discord.Embed(title="Your upcoming reminders", colour=COLOUR, description=(
            "Nothing is scheduled. Log a real interview with `/followup add` and I'll remind "
            "you around it.")), None
    lines = [followups.reminder_line(nudge.kind, nudge.due_at, plan)
             for nudge, plan in upcoming.reminders]
    if upcoming.nudges_off:
        lines += ["", "Your nudges are **off**: none of these will be sent until you turn "
                      "them on with `/settings nudges state:on`."]
    embed = discord.Embed(title="Your upcoming reminders", description="\n".join(lines),
                          colour=COLOUR)
    noun = "reminder" if upcoming.total == 1 else "reminders"
    embed.set_footer(text=f"Page {upcoming.page + 1} of {upcoming.pages} · {upcoming.total} "
                          f"{noun} waiting · /followup cancel or reschedule a plan by its number")
    buttons = page_buttons(LIST_PAGES, owner_id, upcoming.page, upcoming.pages)
    if not buttons:
        return embed, None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(button)
    return embed, view


# --------------------------------------------------------------------------- what the buttons do

async def _edit(interaction: discord.Interaction, status: str,
                view: discord.ui.View | None) -> None:
    await interaction.response.edit_message(content=status, view=view,
                                            allowed_mentions=NO_MENTIONS)


async def done(interaction: discord.Interaction, nudge_id: int, _arg: str) -> None:
    marked = await bot_of(interaction).followups.done(interaction.user.id, nudge_id)
    await _edit(interaction, f"✅ Marked done {discord_timestamp(marked.at, 'R')}. Nice work.",
                nudge_view(nudge_id, marked.controls))


async def snooze(interaction: discord.Interaction, nudge_id: int, option: str) -> None:
    zone = await user_zone(interaction)
    if zone is None:
        return
    decision = await bot_of(interaction).followups.snooze(interaction.user.id, nudge_id, option,
                                                          zone)
    if decision.until is None:
        await reply(interaction, decision.refusal)
        return
    await _edit(interaction, f"⏰ Snoozed until {when_line(decision.until)}. I'll send it again "
                             "then.", None)


async def stop(interaction: discord.Interaction, nudge_id: int, _arg: str) -> None:
    plan, cancelled = await bot_of(interaction).followups.stop_plan(interaction.user.id,
                                                                    nudge_id)
    if plan is None:
        await _edit(interaction, "🛑 Stopped.", None)
        return
    await _edit(interaction, f"🛑 Plan stopped: no more reminders for "
                             f"{escape_discord(plan_title(plan))} ({cancelled} cancelled).", None)


async def record_outcome(interaction: discord.Interaction, nudge_id: int, outcome: str) -> None:
    result = await bot_of(interaction).followups.record_outcome(interaction.user.id, nudge_id,
                                                                outcome)
    await _edit(interaction, f"Recorded: **{followups.OUTCOMES[outcome]}**.",
                nudge_view(nudge_id, result.controls))
    if result.next_round_text:
        text = (result.next_round_text + "\n\nBelow: log the next interview now (or later with "
                "`/followup add`), and start a practice interview for that stage.")
        embed = discord.Embed(description=text[:4096], colour=COLOUR)
        await interaction.followup.send(
            embed=embed, view=nudge_view(nudge_id, followups.NEXT_INTERVIEW_CONTROLS),
            allowed_mentions=NO_MENTIONS)
        return
    if outcome == followups.NO_NEWS:
        check_ins = [n for n in result.waiting if n.kind == followups.CHECK_IN]
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


async def next_interview(interaction: discord.Interaction, nudge_id: int, what: str) -> None:
    upcoming = await bot_of(interaction).followups.next_interview(interaction.user.id, nudge_id)
    if what == followups.LOG_NEXT:
        await send_form(interaction, NextInterviewModal(owner_id=interaction.user.id, nudge_id=nudge_id,
                                                        stage=upcoming.stage))
        return
    await _start_mock_interview(interaction, script_id=upcoming.script_id, role=upcoming.role,
                                company=upcoming.company)


async def practise(interaction: discord.Interaction, nudge_id: int, index: str) -> None:
    target = await bot_of(interaction).followups.practice_target(interaction.user.id, nudge_id,
                                                                 index)
    if target.session_id is None or not target.question_id:
        await reply(interaction, "Run `/interview start` and choose the "
                                 f"**{target.script_id or 'same'}** script again to practise.")
        return
    await _start_practice(interaction, session_id=target.session_id,
                          question_id=target.question_id)


# The interview feature's entry points are imported when a button needs them: bot/bot.py
# imports this package (for the courier) while it is itself being imported, and the interview
# extension imports bot/bot.py.

async def _start_mock_interview(interaction: discord.Interaction, **options: Any) -> None:
    from bot.exts.interview import start_mock_interview

    await start_mock_interview(interaction, **options)


async def _start_practice(interaction: discord.Interaction, *, session_id: int,
                          question_id: str) -> None:
    from bot.exts.interview import start_practice

    await start_practice(interaction, session_id=session_id, question_id=question_id)


ButtonHandler = Callable[[discord.Interaction, int, str], Awaitable[None]]
BUTTON_HANDLERS: dict[str, ButtonHandler] = {
    followups.DONE: done,
    followups.SNOOZE: snooze,
    followups.STOP: stop,
    followups.OUTCOME: record_outcome,
    followups.PRACTISE: practise,
    followups.NEXT_INTERVIEW: next_interview,
}


# --------------------------------------------------------------------------- the form

NEXT_INTERVIEW_FORM = r"next:(?P<owner>\d{1,20}):(?P<nudge>\d{1,18})"


class NextInterviewModal(discord.ui.Modal):
    """Log the next round. Answered by its custom id (`NEXT_INTERVIEW_FORM`: owner and the nudge
    it came from, which names the plan), so a form left open across a restart still lands."""

    def __init__(self, *, owner_id: int, nudge_id: int, stage: str) -> None:
        super().__init__(title="Log your next interview", custom_id=f"next:{owner_id}:{nudge_id}",
                         timeout=None)
        self.add_item(text_input("next:when", "When (your time zone)", max_length=100, required=True,
                                 placeholder=f"e.g. {EXAMPLES[1]} or {EXAMPLES[3]}"))
        self.add_item(text_input("next:stage", "Stage", max_length=20, default=stage, required=True,
                                 placeholder="second_round or final"))
        self.add_item(text_input("next:interviewer", "Interviewer (optional)", max_length=100))


async def next_interview_submitted(interaction: discord.Interaction, match: re.Match[str],
                                   values: dict[str, str]) -> None:
    if int(match["owner"]) != interaction.user.id:
        raise UserFacingError("This form is someone else's.")
    zone = await user_zone(interaction)
    if zone is None:
        await give_back_form(interaction, values)  # asked for the zone: keep what they typed
        return
    service = bot_of(interaction).followups
    upcoming = await service.next_interview(interaction.user.id, int(match["nudge"]))
    stage = values.get("next:stage", "").strip().lower().replace(" ", "_") or FINAL
    if stage not in STAGE_LABELS:
        stage = FINAL
    result = await service.add_interview(
        user_id=interaction.user.id, candidate=interaction.user.display_name,
        company=upcoming.company, role=upcoming.role,
        interview_at=read_when(interaction, values.get("next:when", ""), zone), zone=zone, stage=stage,
        interviewer=clean_user_text(values.get("next:interviewer", "")).strip(),
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id if interaction.guild_id else None,
        job_id=upcoming.plan.details.get("job_id"))  # the next round of the same job
    await reply(interaction, embed=added_embed(result))
