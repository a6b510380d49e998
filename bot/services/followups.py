"""Follow-ups: the plans a user makes around their real interviews, and the nudges that fall due
from them, as one service the bot builds, starts and stops.

It applies the rules in `bot.core.followups` to the store (log an interview and plan its nudges,
move it, stop it, snooze or finish a nudge, record how it went, plan "practice again" after a
mock interview), composes what each due nudge says from `prompts/nudges/`, and owns the durable
dispatcher (`bot.services._dispatcher`) that delivers them through the courier it is given.
No Discord here: adapters call these methods and draw the plain results."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.core import followups, weekly
from bot.core.checklists import parse_checklist
from bot.core.clock import Clock
from bot.core.followups import NudgeControl, NudgeMessage, Skip
from bot.core.models import FollowUpPlan, InterviewSession, JournalEntry, Nudge
from bot.core.prep_content import PrepContentError
from bot.core.stages import DEFAULT_STAGE, next_stage, script_for_stage
from bot.core.text import Safe
from bot.library import TemplateLibrary
from bot.services._dispatcher import (
    Courier,
    DeliveryRefused,
    DeliveryRetry,
    NudgeDispatcher,
    RestBudget,
    Sent,
)
from bot.services.jobs import JobService
from bot.services.journal import JournalService
from bot.store import NewNudge, Store

if TYPE_CHECKING:
    from bot.services.progress import ProgressService

__all__ = ["AddResult", "Courier", "DeliveryRefused", "DeliveryRetry", "FollowUpService",
           "Marked", "NextInterview", "NudgeDispatcher", "OutcomeResult", "PlanChoice",
           "PlanError", "PracticeTarget", "RestBudget", "Sent", "Upcoming"]

log = logging.getLogger(__name__)


class PlanError(Exception):
    """Something the user asked for cannot be done; the message says why."""


@dataclass(slots=True)
class AddResult:
    plan: FollowUpPlan
    created: bool
    nudges: list[Nudge]
    skipped: tuple[tuple[str, str], ...] = ()
    nudges_off: bool = False


@dataclass(slots=True)
class OutcomeResult:
    plan: FollowUpPlan
    outcome: str
    cancelled: int
    waiting: list[Nudge] = field(default_factory=list)
    controls: tuple[NudgeControl, ...] = ()  # the buttons the nudge message shows now
    next_round_text: str = ""  # "you made it to another round": only for that outcome


@dataclass(frozen=True, slots=True)
class Marked:
    """A nudge the user marked done."""

    nudge: Nudge
    at: datetime
    controls: tuple[NudgeControl, ...]  # the buttons the nudge message shows now


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A page of the user's next reminders, each with its plan (None for a nudge outside any
    plan)."""

    reminders: list[tuple[Nudge, FollowUpPlan | None]]
    page: int  # the page shown (the last one when the list shrank since it was asked for)
    pages: int
    total: int  # reminders waiting, on every page
    nudges_off: bool  # none of them will go out until the user turns nudges on


@dataclass(frozen=True, slots=True)
class PlanChoice:
    name: str  # "Final round at Acme (Analyst), Mon 05 Jan 10:00 (#3)" in the user's zone
    plan_id: int


@dataclass(frozen=True, slots=True)
class NextInterview:
    """After "next round": what to log or practise next."""

    plan: FollowUpPlan
    stage: str  # the stage after the plan's
    company: str
    role: str
    script_id: str  # the mock interview that rehearses that stage


@dataclass(frozen=True, slots=True)
class PracticeTarget:
    """What a "practise question N" button of a "practice again" nudge starts."""

    session_id: int | None  # the finished mock interview
    question_id: str  # empty when the nudge names no question
    script_id: str


KindComposer = Callable[[Nudge, str | None], Awaitable[NudgeMessage | Skip]]


class FollowUpService:
    def __init__(self, store: Store, library: TemplateLibrary, clock: Clock, courier: Courier, *,
                 journal: JournalService, before_start: Callable[[], Awaitable[Any]] | None = None,
                 jobs: JobService | None = None, progress: ProgressService | None = None) -> None:
        self.store = store
        self.library = library
        self.clock = clock
        self.journal = journal  # the day-before nudge lists what is still unticked on /prep checklists
        self.jobs = jobs  # ... and the requirement map of the plan's job description, if it has one
        self.progress = progress  # what the weekly summary says
        self._before_start = before_start
        self.dispatcher = NudgeDispatcher(store, clock, courier, compose=self.compose,
                                          before_start=self._before_dispatching)
        self._composers: dict[str, KindComposer] = {}

    # ------------------------------------------------------------------ other features' reminders

    def register_kind(self, kind: str, compose: KindComposer) -> None:
        """Another feature's reminders (a mock interview's): nudges of `kind` are delivered by
        the same dispatcher, with the same guarantees (claimed once, sent on time or late with a
        line or dropped, across restarts), and `compose` says, just before each is sent, what it
        says or why it no longer goes out."""
        self._composers[kind] = compose

    async def add_nudges(self, user_id: int, nudges: Sequence[NewNudge]) -> int:
        """Nudges outside any plan, each once (its dedupe key); returns how many are new."""
        now = self.clock.now()
        await self.store.users.ensure(user_id, now)
        added = 0
        for nudge in nudges:
            added += await self.store.nudges.add(user_id=user_id, plan_id=None, nudge=nudge, now=now)
        self._wake([n.due_at for n in nudges])
        return added

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self.dispatcher.start()

    async def stop(self) -> None:
        await self.dispatcher.stop()

    async def _before_dispatching(self) -> None:
        if self._before_start is not None:
            await self._before_start()
        try:
            repaired = await self.repair_weekly()
        except Exception:
            log.exception("Could not check the weekly summaries' next dates; trying at the next start")
            return
        if repaired:
            log.warning("Planned the next weekly summary of %d users whose chain had broken", repaired)

    def nudges_turned_on(self) -> None:
        """The user turned nudges back on: their waiting nudges may be the next ones due."""
        self.dispatcher.wake()

    def _wake(self, due: Sequence[datetime]) -> None:
        if due:
            self.dispatcher.wake(min(due))

    # ------------------------------------------------------------------ permissions

    async def nudges_allowed(self, user_id: int) -> bool:
        """Off means no DM nudges at all; the default (never set) is on once the user has made
        an interview plan."""
        user = await self.store.users.get(user_id)
        if user is not None and user.nudges_enabled is not None:
            return user.nudges_enabled
        return await self.store.nudges.has_interview_plan(user_id)

    # ------------------------------------------------------------------ interview plans

    async def add_interview(self, *, user_id: int, candidate: str, company: str, role: str,
                            interview_at: datetime, zone: ZoneInfo, length_minutes: int = 60,
                            stage: str = DEFAULT_STAGE, interviewer: str = "",
                            guild_id: int | None = None, channel_id: int | None = None,
                            job_id: int | None = None) -> AddResult:
        """Log a real interview (a journal entry) and plan its nudges. The same interview logged
        again (a retried command) returns the plan it already has."""
        now = self.clock.now()
        user = await self.store.users.ensure(user_id, now)
        key = followups.interview_plan_key(user_id, company, role, interview_at)
        base_key, n = key, 1
        while (existing := await self.store.nudges.plan_by_key(key)) is not None:
            if existing.status == "active":  # the same interview again: a retried command
                return AddResult(existing, False, await self.store.nudges.for_plan(existing.id),
                                 nudges_off=user.nudges_enabled is False)
            n += 1  # logged before and cancelled: a fresh plan
            key = f"{base_key}:{n}"
        details = {"company": company, "role": role, "stage": stage, "interviewer": interviewer,
                   "candidate": candidate, "interview_at": interview_at.isoformat(),
                   "length_minutes": length_minutes, "zone": zone.key, "outcome": ""}
        if job_id is not None:
            details["job_id"] = job_id
        plan_nudges = self._interview_nudges(key, details, zone, now)
        entry = await self.store.journal.add(
            user_id, now=now, company=company, role=role, stage=stage, interview_at=interview_at,
            interviewers=interviewer)
        plan, created = await self.store.nudges.create_plan(
            user_id=user_id, kind="interview", dedupe_key=key, now=now,
            nudges=[self._new(p, entry.id) for p in plan_nudges.nudges],
            journal_entry_id=entry.id, guild_id=guild_id, channel_id=channel_id, details=details)
        if not created:  # lost a race with the same command retried
            await self.store.journal.delete(entry.id, user_id)
        nudges = await self.store.nudges.for_plan(plan.id)
        self._wake([x.due_at for x in nudges if x.status == "pending"])
        return AddResult(plan, created, nudges, plan_nudges.skipped,
                         nudges_off=user.nudges_enabled is False)

    def _interview_nudges(self, key: str, details: dict[str, Any], zone: ZoneInfo,
                          now: datetime) -> followups.InterviewPlan:
        payload = {k: details[k] for k in ("company", "role", "interviewer", "candidate")}
        return followups.plan_interview(
            interview_at=followups.parse_time(details["interview_at"]), zone=zone, now=now,
            plan_key=key, length=timedelta(minutes=int(details.get("length_minutes") or 60)),
            stage=followups.stage_of(details), payload=payload)

    @staticmethod
    def _new(planned: followups.PlannedNudge, entry_id: int | None) -> NewNudge:
        payload = dict(planned.payload, journal_entry_id=entry_id)
        return NewNudge(planned.kind, planned.due_at, planned.dedupe_key, payload)

    async def plan(self, user_id: int, plan_id: int) -> FollowUpPlan:
        plan = await self.store.nudges.plan(plan_id, user_id) if followups.valid_id(plan_id) else None
        if plan is None:
            raise PlanError("I can't find that plan among yours. Pick one from the list "
                            "(`/followup list` shows them).")
        return plan

    async def reschedule(self, user_id: int, plan_id: int, when: datetime,
                         zone: ZoneInfo) -> tuple[FollowUpPlan, list[Nudge]]:
        """Move the whole plan: an interview plan is planned again around the new interview
        time (nudges already sent are not repeated); a practice plan's nudge moves to `when`."""
        plan = await self.plan(user_id, plan_id)
        if plan.status == "cancelled":
            raise PlanError("That plan was cancelled. Log the interview again with `/followup add`.")
        now = self.clock.now()
        if plan.kind == "interview":
            details = dict(plan.details, interview_at=when.isoformat(), zone=zone.key)
            planned = self._interview_nudges(plan.dedupe_key, details, zone, now)
            await self.store.nudges.replace_plan_nudges(
                plan.id, user_id, [self._new(p, plan.journal_entry_id) for p in planned.nudges],
                now, details=details)
            if plan.journal_entry_id is not None:
                await self.store.journal.update(plan.journal_entry_id, user_id, now=now,
                                                interview_at=when)
        else:
            moved = False
            for nudge in await self.store.nudges.for_plan(plan.id):
                if nudge.status in ("pending", "sent"):
                    moved = await self.store.nudges.snooze(nudge.id, user_id, when, now) or moved
            if not moved:
                raise PlanError("Nothing in that plan is left to move.")
        plan = await self.plan(user_id, plan_id)
        waiting = await self.store.nudges.for_plan(plan.id)
        self._wake([n.due_at for n in waiting if n.status == "pending"])
        return plan, waiting

    async def replan_zone(self, user_id: int, zone: ZoneInfo) -> int:
        """After a time zone change: local-time nudges of active interview plans move to the
        new zone's wall clock. Returns how many plans were planned again."""
        count = 0
        for plan, _next in await self.store.nudges.plans_with_pending(user_id):
            if plan.kind != "interview" or not plan.details.get("interview_at"):
                continue
            interview_at = followups.parse_time(plan.details["interview_at"])
            if interview_at <= self.clock.now():
                continue
            await self.reschedule(user_id, plan.id, interview_at, zone)
            count += 1
        await self._replan_weekly(user_id, zone)
        return count

    async def _replan_weekly(self, user_id: int, zone: ZoneInfo) -> None:
        """The next weekly summary moves to Sunday 18:00 on the new zone's clock."""
        plan = await self.store.nudges.plan_by_key(weekly.plan_key(user_id))
        if plan is None or plan.status != "active":
            return
        now = self.clock.now()
        for waiting in await self.store.nudges.for_plan(plan.id):
            if waiting.status == "pending":
                due = weekly.next_due(now, zone)
                await self.store.nudges.reschedule(waiting.id, due, now)
                self._wake([due])

    async def cancel(self, user_id: int, plan_id: int) -> tuple[FollowUpPlan, int]:
        """Stop a plan; returns it and how many of its reminders were still waiting."""
        plan = await self.plan(user_id, plan_id)
        cancelled = await self.store.nudges.cancel_plan(plan.id, user_id, self.clock.now())
        return plan, cancelled

    # ------------------------------------------------------------------ what the user sees

    async def upcoming(self, user_id: int, page: int = 0,
                       per_page: int = followups.LIST_PAGE) -> Upcoming:
        """Page `page` (from 0) of the user's waiting reminders, soonest first. A page past
        the end (the list shrank since it was shown) is the last one."""
        total = await self.store.nudges.count_upcoming(user_id)
        pages = max(1, -(-total // per_page))
        page = max(0, min(page, pages - 1))
        nudges = await self.store.nudges.upcoming_for_user(user_id, limit=per_page,
                                                            offset=page * per_page)
        plans: dict[int, FollowUpPlan | None] = {}
        for nudge in nudges:
            if nudge.plan_id is not None and nudge.plan_id not in plans:
                plans[nudge.plan_id] = await self.store.nudges.plan(nudge.plan_id, user_id)
        user = await self.store.users.get(user_id)
        return Upcoming([(n, plans.get(n.plan_id) if n.plan_id is not None else None)
                         for n in nudges], page=page, pages=pages, total=total,
                        nudges_off=user is not None and user.nudges_enabled is False)

    async def plan_choices(self, user_id: int, zone: ZoneInfo, typed: str = "") -> list[PlanChoice]:
        """The user's plans with reminders still waiting, soonest first, named (plain text, at
        most 100 characters) with the interview's time in `zone`; only those whose name
        contains what they typed."""
        text = " ".join(typed.lower().split())
        choices = []
        for plan, next_due in await self.store.nudges.plans_with_pending(user_id):
            at = plan.details.get("interview_at")
            when = followups.parse_time(at) if at else next_due
            name = followups.choice_name(" ".join(followups.plan_title(plan).split()),
                                         f"{when.astimezone(zone):%a %d %b %H:%M}", plan.id)
            if text and text not in name.lower():
                continue
            choices.append(PlanChoice(name, plan.id))
        return choices

    # ------------------------------------------------------------------ nudge buttons

    async def nudge_owner(self, nudge_id: int) -> int | None:
        """Whose nudge this is; None when it no longer exists (their data was deleted), or
        never could (an id from a forged custom_id)."""
        nudge = await self.store.nudges.get(nudge_id) if followups.valid_id(nudge_id) else None
        return None if nudge is None else nudge.user_id

    async def nudge(self, user_id: int, nudge_id: int) -> Nudge:
        nudge = await self.store.nudges.get(nudge_id) if followups.valid_id(nudge_id) else None
        if nudge is None or nudge.user_id != user_id:
            raise PlanError("This reminder no longer exists (your data may have been deleted).")
        return nudge

    async def controls_now(self, nudge: Nudge) -> tuple[NudgeControl, ...]:
        """The buttons a delivered nudge shows after what the user has done with it."""
        nudge = await self.store.nudges.get(nudge.id) or nudge
        delivery = await self.store.nudges.delivery(nudge.id)
        plan = (await self.store.nudges.plan(nudge.plan_id, nudge.user_id)
                if nudge.plan_id else None)
        return followups.nudge_controls(
            nudge.kind, nudge.payload, in_plan=nudge.plan_id is not None,
            done=bool(delivery and delivery.done_at),
            outcome=plan.details.get("outcome", "") if plan else "",
            plan_status=plan.status if plan else "active")

    async def done(self, user_id: int, nudge_id: int) -> Marked:
        nudge = await self.nudge(user_id, nudge_id)
        now = self.clock.now()
        await self.store.nudges.mark_done(nudge.id, user_id, now)
        return Marked(nudge, now, await self.controls_now(nudge))

    async def snooze(self, user_id: int, nudge_id: int, option: str,
                     zone: ZoneInfo) -> followups.SnoozeDecision:
        """Deliver the nudge again later (`followups.snooze` says when, or why not)."""
        if option not in followups.SNOOZE_OPTIONS:
            raise PlanError("Unknown snooze option.")
        nudge = await self.nudge(user_id, nudge_id)
        if nudge.status not in ("sent", "pending"):
            raise PlanError("This reminder can't be snoozed any more (its plan was stopped).")
        if nudge.plan_id is not None:
            plan = await self.store.nudges.plan(nudge.plan_id, user_id)
            if plan is not None and plan.status == "cancelled":
                raise PlanError("This plan was stopped, so there is nothing to snooze.")
        now = self.clock.now()
        decision = followups.snooze(option, kind=nudge.kind, due_at=nudge.due_at,
                                    payload=nudge.payload, now=now, zone=zone)
        if decision.until is None:
            return decision
        await self.store.nudges.snooze(nudge.id, user_id, decision.until, now)
        self._wake([decision.until])
        return decision

    async def stop_plan(self, user_id: int, nudge_id: int) -> tuple[FollowUpPlan | None, int]:
        """"Stop this plan" on a nudge: the nudge's whole plan is cancelled."""
        nudge = await self.nudge(user_id, nudge_id)
        if nudge.plan_id is None:
            return None, 0
        return await self.cancel(user_id, nudge.plan_id)

    async def record_outcome(self, user_id: int, nudge_id: int, outcome: str) -> OutcomeResult:
        """Record how the interview went (in the journal entry and the plan) and cancel what no
        longer applies: any answer but "no news yet" means no "still waiting?" check-in."""
        if outcome not in followups.OUTCOMES:
            raise PlanError("Unknown outcome.")
        nudge = await self.nudge(user_id, nudge_id)
        if nudge.plan_id is None:
            raise PlanError("This reminder has no plan to record an outcome for.")
        plan = await self.plan(user_id, nudge.plan_id)
        now = self.clock.now()
        details = dict(plan.details, outcome=outcome)
        await self.store.nudges.update_plan_details(plan.id, user_id, details)
        if outcome != followups.NO_NEWS and plan.journal_entry_id is not None:
            await self.store.journal.update(plan.journal_entry_id, user_id, now=now,
                                            outcome=followups.OUTCOMES[outcome].lower())
        kinds = followups.CANCELLED_BY_OUTCOME[outcome]
        cancelled = await self.store.nudges.cancel_plan_nudges(plan.id, now, kinds) if kinds else 0
        if outcome != followups.NO_NEWS:
            await self.store.nudges.finish_plan_if_idle(plan.id)
        plan = await self.plan(user_id, plan.id)
        waiting = [n for n in await self.store.nudges.for_plan(plan.id) if n.status == "pending"]
        next_round_text = ""
        if outcome == "next_round":
            next_round_text = self.library.render(
                "nudges/outcome_next_round.md.j2", company=plan.details.get("company", ""),
                role=plan.details.get("role", ""))
        return OutcomeResult(plan, outcome, cancelled, waiting, await self.controls_now(nudge),
                             next_round_text)

    async def next_interview(self, user_id: int, nudge_id: int) -> NextInterview:
        """After "next round": the stage that comes next, and the mock interview for it."""
        nudge = await self.nudge(user_id, nudge_id)
        plan = await self.plan(user_id, nudge.plan_id or 0)
        stage = next_stage(followups.stage_of(plan.details))
        return NextInterview(plan, stage, plan.details.get("company", ""),
                             plan.details.get("role", ""), script_for_stage(stage))

    async def practice_target(self, user_id: int, nudge_id: int, index: str) -> PracticeTarget:
        """The question behind the `index`-th practise button of a "practice again" nudge."""
        nudge = await self.nudge(user_id, nudge_id)
        questions = nudge.payload.get("questions") or []
        position = int(index) if index.isascii() and index.isdigit() and len(index) < 4 else 0
        question = questions[position] if position < len(questions) else {}
        return PracticeTarget(nudge.payload.get("session_id"), question.get("id") or "",
                              nudge.payload.get("script_id") or "")

    # ------------------------------------------------------------------ practice again

    async def plan_practice_after(self, session: InterviewSession, report: Mapping[str, Any], *,
                                  zone: ZoneInfo | None) -> Nudge | None:
        """After a finished mock interview: a "practice again" nudge for its weakest questions
        (`followups.practice_questions`). A practice run of single questions plans none."""
        if not followups.practice_follows(session.context):
            return None
        answers = (await self.store.sessions.answers(session.id)
                   if followups.practice_needs_answers(report) else [])
        try:
            title = self.library.script(session.script_id).title
        except KeyError:
            title = session.script_id
        return await self.schedule_practice(
            user_id=session.user_id, session_id=session.id, script_id=session.script_id,
            script_title=title, questions=followups.practice_questions(report, answers),
            finished_at=session.finished_at or self.clock.now(), zone=zone,
            guild_id=session.guild_id,
            channel_id=session.channel_id if session.guild_id else None)

    async def schedule_practice(self, *, user_id: int, session_id: int, script_id: str,
                                script_title: str, questions: list[dict[str, Any]],
                                finished_at: datetime, zone: ZoneInfo | None,
                                guild_id: int | None, channel_id: int | None) -> Nudge | None:
        """A "practice again" nudge three days after a mock interview (10:00 in `zone` when the
        user has one). Only for users who get nudges; once per session (dedupe key)."""
        if not await self.nudges_allowed(user_id):
            return None
        now = self.clock.now()
        due = max(followups.practice_due(finished_at, zone), now + followups.SOON)
        key = f"practice:{user_id}:{session_id}"
        payload = {"session_id": session_id, "script_id": script_id, "script_title": script_title,
                   "questions": questions}
        plan, _created = await self.store.nudges.create_plan(
            user_id=user_id, kind="practice", dedupe_key=key, now=now,
            nudges=[NewNudge(followups.PRACTICE_AGAIN, due, f"{key}:{followups.PRACTICE_AGAIN}",
                             payload)],
            guild_id=guild_id, channel_id=channel_id,
            details={"session_id": session_id, "script_id": script_id,
                     "script_title": script_title})
        nudges = await self.store.nudges.for_plan(plan.id)
        self._wake([n.due_at for n in nudges if n.status == "pending"])
        return nudges[0] if nudges else None

    # ------------------------------------------------------------------ composing a nudge

    async def compose(self, nudge: Nudge, late: str | None) -> NudgeMessage | Skip:
        """What a due nudge says, or why it does not go out after all (the dispatcher asks
        just before sending, so what the user did since it was planned counts)."""
        if nudge.kind == weekly.WEEKLY_SUMMARY:
            return await self._compose_weekly(nudge, late)
        composer = self._composers.get(nudge.kind)
        if composer is not None:
            user = await self.store.users.get(nudge.user_id)
            if user is None:
                return Skip("the user's data was deleted", "cancelled")
            if user.nudges_enabled is False:
                return Skip("nudges are turned off (/settings nudges off)")
            return await composer(nudge, late)
        user = await self.store.users.get(nudge.user_id)
        plan = await self.store.nudges.plan(nudge.plan_id, nudge.user_id) if nudge.plan_id else None
        entry = await self._journal_entry(nudge, plan)
        outcome = (plan.details.get("outcome") if plan else "") or ""
        skip = followups.reason_to_skip(
            nudge.kind, user_deleted=user is None,
            nudges_off=user is not None and user.nudges_enabled is False,
            plan_status=plan.status if plan else None, plan_outcome=outcome,
            journal_outcome=entry.outcome if entry else "")
        if skip is not None:
            return skip
        details = dict(plan.details if plan else {}, **nudge.payload)
        text = await self._render(nudge, details, entry)
        delivery = await self.store.nudges.delivery(nudge.id)
        controls = followups.nudge_controls(nudge.kind, nudge.payload,
                                            in_plan=nudge.plan_id is not None,
                                            done=bool(delivery and delivery.done_at),
                                            outcome=outcome)
        channel_id = plan.channel_id if plan is not None and plan.guild_id is not None else None
        return NudgeMessage(text, followups.nudge_summary(nudge.kind, nudge.payload), controls,
                            late, channel_id)

    async def _journal_entry(self, nudge: Nudge, plan: FollowUpPlan | None) -> JournalEntry | None:
        entry_id = (plan.journal_entry_id if plan else None) or nudge.payload.get("journal_entry_id")
        if not entry_id:
            return None
        return await self.store.journal.get(int(entry_id), nudge.user_id)

    async def _render(self, nudge: Nudge, details: Mapping[str, Any],
                      entry: JournalEntry | None) -> str:
        items: list[Safe] = []
        notes: list[dict[str, Any]] = []
        job_map: list[dict[str, Any]] = []
        if nudge.kind == followups.DAY_BEFORE:
            when = followups.parse_time(details["interview_at"])
            stage, company = followups.stage_of(details), details.get("company", "")
            items = await self._unticked_items(nudge.user_id, stage, company,
                                               details.get("role", ""), when)
            notes = await self._earlier_rounds(nudge.user_id, company, when, entry)
            if self.jobs is not None:
                job_map = await self.jobs.checklist_map(nudge.user_id, details.get("job_id"))
        name, context = followups.nudge_template(nudge.kind, details, items=items, notes=notes,
                                                 job_map=job_map)
        return self.library.render(name, **context)

    async def _unticked_items(self, user_id: int, stage: str, company: str, role: str,
                              when: datetime) -> list[Safe]:
        """The stage's checklist items (rendered Discord-safe) the user has not ticked yet in
        their personal checklist for this company (`/prep`)."""
        name = f"checklists/{stage}.md.j2"
        if not self.library.renderer.exists(name):
            return []
        rendered = self.library.render(name, company=company, role=role, when=when, notes=[])
        try:
            items = parse_checklist(rendered, name).items
        except PrepContentError:
            log.warning("Checklist %s could not be read for a day-before nudge", name)
            return []
        done = await self.journal.ticked_items(user_id, stage, company)
        return [Safe(item.text) for item in items if item.id not in done]

    async def _earlier_rounds(self, user_id: int, company: str, when: datetime,
                              entry: JournalEntry | None) -> list[dict[str, Any]]:
        if not company:
            return []
        entries = await self.store.journal.for_user(user_id, company=company, limit=20)
        return followups.earlier_rounds(entries, before=when,
                                        this_entry_id=entry.id if entry else None)

    # ------------------------------------------------------------------ the weekly summary

    async def weekly_plan(self, user_id: int) -> FollowUpPlan | None:
        return await self.store.nudges.plan_by_key(weekly.plan_key(user_id))

    async def weekly_on(self, user_id: int) -> tuple[Nudge, bool]:
        """Opt in to the weekly summary (Sundays 18:00 in the user's zone): its plan made or made
        active again, and the next summary planned. Returns the next summary and whether the
        user's nudges are off (then it will not go out until they turn them on)."""
        now = self.clock.now()
        user = await self.store.users.ensure(user_id, now)
        key = weekly.plan_key(user_id)
        plan = await self.store.nudges.plan_by_key(key)
        if plan is None:
            plan, _ = await self.store.nudges.create_plan(user_id=user_id, kind=weekly.PLAN_KIND,
                                                          dedupe_key=key, now=now, nudges=[],
                                                          details={"generation": 1})
        elif plan.status != "active":
            generation = int(plan.details.get("generation") or 1) + 1
            await self.store.nudges.update_plan_details(plan.id, user_id, dict(plan.details,
                                                                               generation=generation))
            await self.store.nudges.set_plan_status(plan.id, "active")
            plan = await self.plan(user_id, plan.id)
        nudge = await self._plan_next_weekly(plan, after=now)
        return nudge, user.nudges_enabled is False

    async def weekly_off(self, user_id: int) -> int:
        """Opt out: the plan stopped and the summaries still waiting cancelled (how many)."""
        plan = await self.store.nudges.plan_by_key(weekly.plan_key(user_id))
        if plan is None or plan.status != "active":
            return 0
        return await self.store.nudges.cancel_plan(plan.id, user_id, self.clock.now())

    async def _plan_next_weekly(self, plan: FollowUpPlan, *, after: datetime) -> Nudge:
        """The plan's next summary after `after` (the one already waiting, when there is one;
        planning the same date twice makes one row: its dedupe key)."""
        for waiting in await self.store.nudges.for_plan(plan.id):
            if waiting.status == "pending" and waiting.due_at > after:
                return waiting
        zone = await self._zone(plan.user_id)
        due = weekly.next_due(after, zone)
        base = weekly.nudge_key(plan.user_id, int(plan.details.get("generation") or 1), due)
        for attempt in range(1, 10):
            # The date's key taken by a summary that will not go out (dropped before it was
            # composed, which is how a chain breaks): the mended one gets a key of its own.
            key = base if attempt == 1 else f"{base}:r{attempt}"
            await self.store.nudges.add(user_id=plan.user_id, plan_id=plan.id,
                                        nudge=NewNudge(weekly.WEEKLY_SUMMARY, due, key, {}),
                                        now=self.clock.now())
            found = [n for n in await self.store.nudges.for_plan(plan.id) if n.dedupe_key == key]
            if found and found[0].status in ("pending", "sending"):
                self._wake([due])
                return found[0]
        raise PlanError("Could not plan the next weekly summary.")

    async def _zone(self, user_id: int) -> ZoneInfo | None:
        from bot.core.timeparse import TimeParseError, resolve_zone

        user = await self.store.users.get(user_id)
        if user is None or not user.time_zone:
            return None
        try:
            return resolve_zone(user.time_zone)[0]
        except TimeParseError:
            return None

    async def repair_weekly(self, limit: int = 500) -> int:
        """At start-up: every active weekly plan has its next summary planned (the chain breaks
        only when a summary was dropped, or failed, before it was composed)."""
        repaired = 0
        for plan in await self.store.nudges.plans_without_pending(weekly.PLAN_KIND, limit=limit):
            await self._plan_next_weekly(plan, after=self.clock.now())
            repaired += 1
        return repaired

    async def _compose_weekly(self, nudge: Nudge, late: str | None) -> NudgeMessage | Skip:
        """The weekly summary, composed as it goes out. The next one is planned first, so the
        chain goes on whatever happens to this one; what it suggests is kept on the nudge, so its
        "Practise this question" button still works after a restart."""
        user = await self.store.users.get(nudge.user_id)
        plan = await self.store.nudges.plan(nudge.plan_id, nudge.user_id) if nudge.plan_id else None
        skip = followups.reason_to_skip(
            nudge.kind, user_deleted=user is None,
            nudges_off=user is not None and user.nudges_enabled is False,
            plan_status=plan.status if plan else "cancelled")
        if plan is not None and plan.status == "active" and user is not None:
            await self._plan_next_weekly(plan, after=max(self.clock.now(), nudge.due_at))
        if skip is not None:
            return skip
        if self.progress is None:
            return Skip("no progress service to write the summary")
        summary = await self.progress.weekly(nudge.user_id, nudge.due_at)
        payload: dict[str, Any] = {"summary_line": weekly.summary_line(summary)}
        if summary.suggestion is not None:
            pick = summary.suggestion
            payload.update(session_id=pick.latest_session_id, script_id=pick.script_id,
                           questions=[{"id": pick.question_id, "number": None,
                                       "text": pick.question_text}])
        await self.store.nudges.set_payload(nudge.id, payload)
        text = self.library.render("nudges/weekly_summary.md.j2", summary=summary,
                                   suggestion_text=Safe(summary.suggestion.question_text)
                                   if summary.suggestion else "")
        controls = followups.nudge_controls(nudge.kind, payload, in_plan=True)
        return NudgeMessage(text, followups.nudge_summary(nudge.kind, payload), controls, late, None)
