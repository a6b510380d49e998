"""Follow-up plans as the user sees them: log an interview and plan its nudges, move it, stop
it, snooze or finish a nudge, record how it went, and plan "practice again" after a mock
interview. The rules are in `bot.core.followups`; this module applies them to the store and
wakes the dispatcher when a nudge may now be the next one due. No Discord here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import followups as fu
from bot.core.clock import Clock
from bot.core.models import FollowUpPlan, Nudge
from bot.store import NewNudge, Store

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


class FollowUpPlanner:
    def __init__(self, store: Store, clock: Clock,
                 wake: Callable[[datetime | None], None] | None = None) -> None:
        self.store = store
        self.clock = clock
        self._wake = wake or (lambda _when: None)

    def wake(self, due: Sequence[datetime]) -> None:
        if due:
            self._wake(min(due))

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
                            stage: str = "second_round", interviewer: str = "",
                            guild_id: int | None = None, channel_id: int | None = None,
                            ) -> AddResult:
        now = self.clock.now()
        user = await self.store.users.ensure(user_id, now)
        key = fu.interview_plan_key(user_id, company, role, interview_at)
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
        self.wake([x.due_at for x in nudges if x.status == "pending"])
        return AddResult(plan, created, nudges, plan_nudges.skipped,
                         nudges_off=user.nudges_enabled is False)

    def _interview_nudges(self, key: str, details: dict[str, Any], zone: ZoneInfo,
                          now: datetime) -> fu.InterviewPlan:
        payload = {k: details[k] for k in ("company", "role", "interviewer", "candidate")}
        return fu.plan_interview(
            interview_at=fu.parse_time(details["interview_at"]), zone=zone, now=now,
            plan_key=key, length=timedelta(minutes=int(details.get("length_minutes") or 60)),
            stage=details.get("stage") or "second_round", payload=payload)

    @staticmethod
    def _new(planned: fu.PlannedNudge, entry_id: int | None) -> NewNudge:
        payload = dict(planned.payload, journal_entry_id=entry_id)
        return NewNudge(planned.kind, planned.due_at, planned.dedupe_key, payload)

    async def plan(self, user_id: int, plan_id: int) -> FollowUpPlan:
        plan = await self.store.nudges.plan(plan_id, user_id)
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
        self.wake([n.due_at for n in waiting if n.status == "pending"])
        return plan, waiting

    async def replan_zone(self, user_id: int, zone: ZoneInfo) -> int:
        """After a time zone change: local-time nudges of active interview plans move to the
        new zone's wall clock. Returns how many plans were planned again."""
        count = 0
        for plan, _next in await self.store.nudges.plans_with_pending(user_id):
            if plan.kind != "interview" or not plan.details.get("interview_at"):
                continue
            interview_at = fu.parse_time(plan.details["interview_at"])
            if interview_at <= self.clock.now():
                continue
            await self.reschedule(user_id, plan.id, interview_at, zone)
            count += 1
        return count

    async def cancel(self, user_id: int, plan_id: int) -> tuple[FollowUpPlan, int]:
        plan = await self.plan(user_id, plan_id)
        cancelled = await self.store.nudges.cancel_plan(plan.id, user_id, self.clock.now())
        return plan, cancelled

    # ------------------------------------------------------------------ nudge buttons

    async def nudge(self, user_id: int, nudge_id: int) -> Nudge:
        nudge = await self.store.nudges.get(nudge_id)
        if nudge is None or nudge.user_id != user_id:
            raise PlanError("This reminder no longer exists (your data may have been deleted).")
        return nudge

    async def done(self, user_id: int, nudge_id: int) -> Nudge:
        nudge = await self.nudge(user_id, nudge_id)
        await self.store.nudges.mark_done(nudge.id, user_id, self.clock.now())
        return nudge

    async def snooze(self, user_id: int, nudge_id: int, option: str,
                     zone: ZoneInfo) -> fu.SnoozeDecision:
        nudge = await self.nudge(user_id, nudge_id)
        if nudge.status not in ("sent", "pending"):
            raise PlanError("This reminder can't be snoozed any more (its plan was stopped).")
        if nudge.plan_id is not None:
            plan = await self.store.nudges.plan(nudge.plan_id, user_id)
            if plan is not None and plan.status == "cancelled":
                raise PlanError("This plan was stopped, so there is nothing to snooze.")
        now = self.clock.now()
        decision = fu.snooze(option, kind=nudge.kind, due_at=nudge.due_at, payload=nudge.payload,
                             now=now, zone=zone)
        if decision.until is None:
            return decision
        await self.store.nudges.snooze(nudge.id, user_id, decision.until, now)
        self.wake([decision.until])
        return decision

    async def stop(self, user_id: int, nudge_id: int) -> tuple[FollowUpPlan | None, int]:
        nudge = await self.nudge(user_id, nudge_id)
        if nudge.plan_id is None:
            return None, 0
        return await self.cancel(user_id, nudge.plan_id)

    async def record_outcome(self, user_id: int, nudge_id: int, outcome: str) -> OutcomeResult:
        """Record how the interview went (in the journal entry and the plan) and cancel what no
        longer applies: any answer but "no news yet" means no "still waiting?" check-in."""
        if outcome not in fu.OUTCOMES:
            raise PlanError("Unknown outcome.")
        nudge = await self.nudge(user_id, nudge_id)
        if nudge.plan_id is None:
            raise PlanError("This reminder has no plan to record an outcome for.")
        plan = await self.plan(user_id, nudge.plan_id)
        now = self.clock.now()
        details = dict(plan.details, outcome=outcome)
        await self.store.nudges.update_plan_details(plan.id, user_id, details)
        if outcome != "no_news" and plan.journal_entry_id is not None:
            await self.store.journal.update(plan.journal_entry_id, user_id, now=now,
                                            outcome=fu.OUTCOMES[outcome].lower())
        kinds = fu.CANCELLED_BY_OUTCOME[outcome]
        cancelled = await self.store.nudges.cancel_plan_nudges(plan.id, now, kinds) if kinds else 0
        if outcome != "no_news":
            await self.store.nudges.finish_plan_if_idle(plan.id)
        plan = await self.plan(user_id, plan.id)
        waiting = [n for n in await self.store.nudges.for_plan(plan.id) if n.status == "pending"]
        return OutcomeResult(plan, outcome, cancelled, waiting)

    # ------------------------------------------------------------------ practice again

    async def schedule_practice(self, *, user_id: int, session_id: int, script_id: str,
                                script_title: str, questions: list[dict[str, Any]],
                                finished_at: datetime, guild_id: int | None,
                                channel_id: int | None) -> Nudge | None:
        """A "practice again" nudge three days after a mock interview (10:00 local when the
        zone is known). Only for users who get nudges; once per session (dedupe key)."""
        if not await self.nudges_allowed(user_id):
            return None
        user = await self.store.users.get(user_id)
        zone = ZoneInfo(user.time_zone) if user and user.time_zone else None
        now = self.clock.now()
        due = max(fu.practice_due(finished_at, zone), now + fu.SOON)
        key = f"practice:{user_id}:{session_id}"
        payload = {"session_id": session_id, "script_id": script_id, "script_title": script_title,
                   "questions": questions}
        plan, _created = await self.store.nudges.create_plan(
            user_id=user_id, kind="practice", dedupe_key=key, now=now,
            nudges=[NewNudge(fu.PRACTICE_AGAIN, due, f"{key}:{fu.PRACTICE_AGAIN}", payload)],
            guild_id=guild_id, channel_id=channel_id,
            details={"session_id": session_id, "script_id": script_id,
                     "script_title": script_title})
        nudges = await self.store.nudges.for_plan(plan.id)
        self.wake([n.due_at for n in nudges if n.status == "pending"])
        return nudges[0] if nudges else None
