"""Nudge DMs on Discord: composing them from the templates, sending them (the dispatcher's
courier), and their persistent buttons. Every button's custom_id carries the nudge id, so the
buttons keep working after a restart and the crash rule can recognise a delivered DM."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.core import followups as fu
from bot.core import prep
from bot.core.models import FollowUpPlan, JournalEntry, Nudge
from bot.core.stages import stage_label
from bot.core.text import Safe, discord_timestamp, escape_discord
from bot.errors import reply_with_error
from bot.exts._common import COLOUR, bot_of, reply
from bot.scheduler import DeliveryRefused, DeliveryRetry, Sent, Skip

if TYPE_CHECKING:
    from bot.bot import InterviewCoach
    from bot.exts.followup import FollowUpCog

log = logging.getLogger(__name__)

NUDGE_ID = re.compile(r"^nudge:[a-z]+:(?P<id>\d+)(?::|$)")

# action -> (label, style, emoji); "snz", "out", "prac" and "next" take an argument.
SNOOZE_LABELS = {"1h": "Snooze 1 hour", "tomorrow": "Tomorrow 9:00", "3d": "In 3 days"}
OUTCOME_STYLES = {"next_round": discord.ButtonStyle.primary, "offer": discord.ButtonStyle.success,
                  "rejected": discord.ButtonStyle.secondary, "no_news": discord.ButtonStyle.secondary}


class NudgeButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                  template=r"nudge:(?P<action>[a-z]+):(?P<id>\d+)(?::(?P<arg>[a-z0-9_]+))?"):
    """One persistent button on a nudge DM: `nudge:<action>:<nudge id>[:<arg>]`."""

    def __init__(self, action: str, nudge_id: int, arg: str = "", *, label: str | None = None
                 ) -> None:
        style, default_label, emoji = _look(action, arg)
        custom_id = f"nudge:{action}:{nudge_id}" + (f":{arg}" if arg else "")
        super().__init__(discord.ui.Button(label=(label or default_label)[:80], style=style,
                                           emoji=emoji, custom_id=custom_id))
        self.action, self.nudge_id, self.arg = action, nudge_id, arg

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> NudgeButton:
        action = match["action"]
        if action not in {"done", "snz", "stop", "out", "prac", "next"}:
            raise ValueError(f"unknown nudge action {action!r}")
        return cls(action, int(match["id"]), match["arg"] or "")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        nudge = await bot_of(interaction).store.nudges.get(self.nudge_id)
        if nudge is None:
            await reply(interaction, "This reminder no longer exists (its data may have been "
                                     "deleted). `/followup list` shows what is still planned.")
            return False
        if nudge.user_id != interaction.user.id:
            await reply(interaction, "This reminder is someone else's. Log your own interview "
                                     "with `/followup add`.")
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        cog: FollowUpCog | None = bot_of(interaction).get_cog("FollowUp")  # type: ignore[assignment]
        if cog is None:
            await reply(interaction, "Follow-ups are unavailable right now; try again shortly.")
            return
        try:
            await cog.handle_button(interaction, self.action, self.nudge_id, self.arg)
        except Exception as error:  # one place turns it into a message for the user
            await reply_with_error(interaction, error, where=f"nudge button {self.action}")


def _look(action: str, arg: str) -> tuple[discord.ButtonStyle, str, str | None]:
    if action == "done":
        return discord.ButtonStyle.success, "Done", "✅"
    if action == "snz":
        return discord.ButtonStyle.secondary, SNOOZE_LABELS.get(arg, "Snooze"), "⏰"
    if action == "stop":
        return discord.ButtonStyle.danger, "Stop this plan", None
    if action == "out":
        return OUTCOME_STYLES.get(arg, discord.ButtonStyle.secondary), fu.OUTCOMES.get(arg, arg), None
    if action == "prac":
        return discord.ButtonStyle.primary, "Practise now", "🔁"
    if action == "next":
        if arg == "log":
            return discord.ButtonStyle.primary, "Log the next interview", "🗓️"
        return discord.ButtonStyle.secondary, "Practise for it", "🎤"
    return discord.ButtonStyle.secondary, action, None


def nudge_view(nudge: Nudge, *, done: bool = False, outcome: str = "",
               plan_status: str = "active") -> discord.ui.View | None:
    """The buttons a nudge DM shows, given what the user has already done with it."""
    if plan_status == "cancelled":
        return None
    view = discord.ui.View(timeout=None)
    if not done:
        view.add_item(NudgeButton("done", nudge.id))
        for option in fu.SNOOZE_OPTIONS:
            view.add_item(NudgeButton("snz", nudge.id, option))
    if nudge.plan_id is not None:
        view.add_item(NudgeButton("stop", nudge.id))
    if nudge.kind in fu.ASKS_OUTCOME and outcome in ("", "no_news"):  # no news: ask again later
        for key in fu.OUTCOMES:
            button = NudgeButton("out", nudge.id, key)
            button.item.row = 1
            view.add_item(button)
    if nudge.kind == fu.PRACTICE_AGAIN:
        questions = nudge.payload.get("questions") or [{}]
        for index, question in enumerate(questions[:2]):
            number = question.get("number")
            label = f"Practise question {number}" if number else "Practise now"
            button = NudgeButton("prac", nudge.id, str(index), label=label)
            button.item.row = 1
            view.add_item(button)
    return view if view.children else None


def next_round_view(nudge_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NudgeButton("next", nudge_id, "log"))
    view.add_item(NudgeButton("next", nudge_id, "mock"))
    return view


@dataclass(slots=True)
class NudgeMessage:
    content: str | None
    embed: discord.Embed
    view: discord.ui.View | None
    summary: str  # one line, for the user's next command when DMs are closed


class DiscordCourier:
    """Composes nudges from `prompts/nudges/` and delivers them (see bot.scheduler.Courier)."""

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    # ------------------------------------------------------------------ compose

    async def compose(self, nudge: Nudge, late: str | None) -> NudgeMessage | Skip:
        store = self.bot.store
        user = await store.users.get(nudge.user_id)
        if user is None:
            return Skip("the user's data was deleted", "cancelled")
        if user.nudges_enabled is False:
            return Skip("nudges are turned off (/settings nudges off)")
        plan = await store.nudges.plan(nudge.plan_id, nudge.user_id) if nudge.plan_id else None
        if plan is not None and plan.status == "cancelled":
            return Skip("the plan was stopped", "cancelled")
        entry = await self._entry(nudge, plan)
        if nudge.kind == fu.CHECK_IN:
            outcome = (plan.details.get("outcome") if plan else "") or ""
            if outcome and outcome != "no_news":
                return Skip(f"an outcome was recorded ({outcome}), no check-in needed", "cancelled")
            if entry is not None and entry.outcome:
                return Skip(f"an outcome is in the journal ({entry.outcome}), no check-in needed",
                            "cancelled")
        body = await self.render(nudge, plan, entry)
        embed = discord.Embed(description=body[:4096], colour=COLOUR)
        embed.set_footer(text="Interview Coach follow-up · /followup list shows what's planned")
        delivery = await store.nudges.delivery(nudge.id)
        view = nudge_view(nudge, done=bool(delivery and delivery.done_at),
                          outcome=(plan.details.get("outcome", "") if plan else ""))
        return NudgeMessage(late, embed, view, self.summary(nudge))

    async def _entry(self, nudge: Nudge, plan: FollowUpPlan | None) -> JournalEntry | None:
        entry_id = (plan.journal_entry_id if plan else None) or nudge.payload.get("journal_entry_id")
        if not entry_id:
            return None
        return await self.bot.store.journal.get(int(entry_id), nudge.user_id)

    async def render(self, nudge: Nudge, plan: FollowUpPlan | None,
                     entry: JournalEntry | None = None) -> str:
        p = dict(plan.details if plan else {}, **nudge.payload)
        library = self.bot.library
        common = {"company": p.get("company", ""), "role": p.get("role", ""),
                  "interviewer": p.get("interviewer", ""), "candidate": p.get("candidate", "")}
        if nudge.kind == fu.DAY_BEFORE:
            when = fu.parse_time(p["interview_at"])
            stage = p.get("stage") or "second_round"
            return library.render(
                "nudges/day_before.md.j2", **common, stage=stage, when=when,
                items=await self.checklist(nudge.user_id, stage, common["company"],
                                           common["role"], when),
                notes=await self.earlier_rounds(nudge.user_id, common["company"], when, entry))
        if nudge.kind == fu.THANK_YOU:
            deadline = fu.parse_time(p.get("deadline") or p["interview_end"])
            return library.render("nudges/thank_you.md.j2", **common, deadline=deadline)
        if nudge.kind == fu.CHECK_IN:
            return library.render("nudges/check_in.md.j2", **common,
                                  interview_date=fu.parse_time(p["interview_at"]))
        if nudge.kind == fu.PRACTICE_AGAIN:
            questions = [{"number": q.get("number") or "", "text": q.get("text") or "",
                          "label": q.get("label") or ""} for q in p.get("questions") or []]
            return library.render("nudges/practice_again.md.j2",
                                  script_title=p.get("script_title") or "your mock interview",
                                  questions=questions)
        raise ValueError(f"no template for nudge kind {nudge.kind!r}")

    async def checklist(self, user_id: int, stage: str, company: str, role: str,
                        when: datetime) -> list[Safe]:
        """The stage's checklist items (rendered Discord-safe) the user has not ticked yet in
        their personal checklist for this company (`/prep`)."""
        name = f"checklists/{stage}.md.j2"
        if not self.bot.library.renderer.exists(name):
            return []
        rendered = self.bot.library.render(name, company=company, role=role, when=when, notes=[])
        try:
            items = prep.parse_checklist(rendered, name).items
        except prep.PrepContentError:
            log.warning("Checklist %s could not be read for a day-before nudge", name)
            return []
        done = await self.bot.store.checklists.done_items(user_id, prep.checklist_key(stage, company))
        return [Safe(item.text) for item in items if item.id not in done]

    async def earlier_rounds(self, user_id: int, company: str, when: datetime,
                             entry: JournalEntry | None) -> list[dict[str, Any]]:
        if not company:
            return []
        entries = await self.bot.store.journal.for_user(user_id, company=company, limit=20)
        earlier = [e for e in entries if (entry is None or e.id != entry.id)
                   and (e.interview_at or e.created_at) < when]
        earlier.sort(key=lambda e: e.interview_at or e.created_at)  # oldest first: the template shows the last three
        return [{"stage": e.stage, "date": e.interview_at, "interviewers": e.interviewers,
                 "notes": e.notes, "feedback": e.feedback} for e in earlier]

    def summary(self, nudge: Nudge) -> str:
        p = nudge.payload
        company = escape_discord(p.get("company") or "your interview")
        if nudge.kind == fu.DAY_BEFORE:
            when = fu.parse_time(p["interview_at"])
            return (f"📋 Your {stage_label(p.get('stage'), missing='interview').lower()} at {company} is "
                    f"{discord_timestamp(when, 'F')} ({discord_timestamp(when, 'R')}): "
                    "go through your prep checklist tonight.")
        if nudge.kind == fu.THANK_YOU:
            deadline = fu.parse_time(p.get("deadline") or p["interview_end"])
            return (f"✉️ Send your thank-you note for {company} before "
                    f"{discord_timestamp(deadline, 'F')}.")
        if nudge.kind == fu.CHECK_IN:
            return (f"📨 It's been a week since your {company} interview: if there's no news, a "
                    "short, polite check-in is fine.")
        if nudge.kind == fu.PRACTICE_AGAIN:
            title = escape_discord(p.get("script_title") or "your mock interview")
            return f"🔁 Practise again: {title}. Your weakest answers are worth another go."
        return f"A reminder ({nudge.kind})."

    # ------------------------------------------------------------------ deliver

    async def _user(self, user_id: int) -> discord.User:
        user = self.bot.get_user(user_id)
        if user is not None:
            return user
        try:
            return await self.bot.fetch_user(user_id)
        except discord.NotFound as error:
            raise DeliveryRefused(f"unknown user ({error.code})") from error
        except discord.HTTPException as error:
            if _transient(error):
                raise DeliveryRetry(f"{error.status}: {error.text or 'server error'}") from error
            raise

    async def send_dm(self, nudge: Nudge, message: NudgeMessage) -> Sent:
        user = await self._user(nudge.user_id)
        kwargs: dict[str, Any] = {"content": message.content, "embed": message.embed,
                                  "allowed_mentions": discord.AllowedMentions.none()}
        if message.view is not None:
            kwargs["view"] = message.view
        try:
            sent = await user.send(**kwargs)
        except discord.Forbidden as error:  # 50007: DMs closed or no shared server
            raise DeliveryRefused(f"{error.status}/{error.code}") from error
        except discord.NotFound as error:
            raise DeliveryRefused(f"{error.status}/{error.code}") from error
        except discord.HTTPException as error:
            if _transient(error):
                raise DeliveryRetry(f"{error.status}: {error.text or 'server error'}",
                                    retry_after=getattr(error, "retry_after", None)) from error
            raise
        return Sent("dm", sent.channel.id, sent.id)

    async def fall_back(self, nudge: Nudge, message: NudgeMessage, reason: str) -> Sent | None:
        """Once: keep the reminder for the user's next command, and ping them (only them) in the
        server channel where the plan was made. The ping names no company: a job search is
        private, and the details are shown to the user alone, ephemerally."""
        store = self.bot.store
        try:
            await store.nudges.append_pending_notice(nudge.user_id, message.summary)
        except Exception:
            log.exception("Could not keep the notice for nudge %s", nudge.id)
            return None
        plan = await store.nudges.plan(nudge.plan_id, nudge.user_id) if nudge.plan_id else None
        if plan is None or plan.guild_id is None or plan.channel_id is None:
            return Sent("notice")
        try:
            channel = self.bot.get_channel(plan.channel_id) or await self.bot.fetch_channel(
                plan.channel_id)
            assert isinstance(channel, discord.abc.Messageable)
            sent = await channel.send(
                f"<@{nudge.user_id}> I have a follow-up reminder for you, but I can't DM you. Run "
                "any of my commands here (for example `/followup list`) and I'll show it to you "
                "privately.",
                allowed_mentions=discord.AllowedMentions(everyone=False, roles=False,
                                                         users=[discord.Object(nudge.user_id)]))
        except Exception:
            log.warning("Channel fallback for nudge %s failed; the notice stays", nudge.id,
                        exc_info=True)
            return Sent("notice")
        return Sent("channel", sent.channel.id, sent.id)

    async def find_sent(self, nudge: Nudge) -> Sent | None:
        """The DM carrying this nudge's buttons, if it was delivered before a crash."""
        user = await self._user(nudge.user_id)
        channel = user.dm_channel or await user.create_dm()
        me = self.bot.user.id if self.bot.user else None
        async for message in channel.history(limit=50):
            if message.author.id != me:
                continue
            for row in message.components:
                for child in getattr(row, "children", [row]):
                    match = NUDGE_ID.match(getattr(child, "custom_id", None) or "")
                    if match and int(match["id"]) == nudge.id:
                        return Sent("dm", channel.id, message.id)
        return None


def _transient(error: discord.HTTPException) -> bool:
    """5xx and 429 are worth another try; other 4xx are not."""
    return error.status >= 500 or error.status == 429
