"""Which nudges a logged interview (or a finished mock interview) gets, when they fall due,
how late each one may still be sent, and where a snooze moves it. Pure: times, the user's zone
and `now` are passed in; nothing here touches Discord, the database or the system clock.

Local-time nudges ("18:00 the day before") are computed on the local calendar and converted
to UTC at the end, so a daylight saving change between planning and delivery never shifts
them: the instant stored is the one the wall clock will show at 18:00 on that day.

Lateness rules (the dispatcher applies them when a nudge is sent after its due time, e.g.
after downtime). A nudge sent within `ON_TIME_GRACE` (15 minutes) of its due time is on time.
Later than that, it goes out with a short "this is late" line while it is still useful, and is
dropped (the reason recorded on the row) once it is past its use:

| kind | useful until | why |
|---|---|---|
| day_before | the interview starts | a prep checklist after the interview is noise |
| thank_you | 24 hours after the interview ends | a thank-you note should go out within a day |
| check_in | 7 days after it fell due | a check-in a week late is still a fair nudge, later it is stale |
| practice_again | 4 days after it fell due | the feedback is still fresh for a few days |
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.timeparse import local_time_on

DAY_BEFORE = "day_before"
THANK_YOU = "thank_you"
CHECK_IN = "check_in"
PRACTICE_AGAIN = "practice_again"
KINDS = (DAY_BEFORE, THANK_YOU, CHECK_IN, PRACTICE_AGAIN)
KIND_LABELS = {
    DAY_BEFORE: "Prep checklist (the day before)",
    THANK_YOU: "Thank-you note reminder, and how did it go?",
    CHECK_IN: "Polite check-in if there's no news",
    PRACTICE_AGAIN: "Practise your weakest answers again",
}
# Kinds that carry the "how did it go?" outcome buttons.
ASKS_OUTCOME = frozenset({THANK_YOU, CHECK_IN})

DAY_BEFORE_AT = time(18, 0)
SKIP_DAY_BEFORE_WITHIN = timedelta(hours=1)   # interview this close: no prep nudge at all
SOON = timedelta(minutes=2)                   # "soon" when 18:00 the day before has passed
THANK_YOU_AFTER = timedelta(hours=2)          # after the interview ends
THANK_YOU_WINDOW = timedelta(hours=24)        # the note should go out within a day
CHECK_IN_AFTER_DAYS = 7
PRACTICE_AFTER_DAYS = 3
PRACTICE_AT = time(10, 0)
QUIET_FROM, QUIET_UNTIL = time(22, 0), time(8, 0)  # follow-ups landing at night wait until 8:00
ON_TIME_GRACE = timedelta(minutes=15)
DEFAULT_LENGTH = timedelta(minutes=60)

USEFUL_AFTER_DUE = {CHECK_IN: timedelta(days=7), PRACTICE_AGAIN: timedelta(days=4)}
FALLBACK_USEFUL = timedelta(days=1)


OUTCOMES = {"next_round": "Next round", "offer": "Offer", "rejected": "Rejected",
            "no_news": "No news yet"}
# What an outcome makes pointless: they heard back, so no "still waiting?" check-in.
CANCELLED_BY_OUTCOME = {"next_round": (CHECK_IN,), "offer": (CHECK_IN,), "rejected": (CHECK_IN,),
                        "no_news": ()}

SNOOZE_OPTIONS = {"1h": "1 hour", "tomorrow": "Tomorrow 9:00", "3d": "3 days"}
SNOOZE_MORNING = time(9, 0)


@dataclass(frozen=True, slots=True)
class PlannedNudge:
    kind: str
    due_at: datetime  # aware, UTC
    dedupe_key: str
    payload: dict[str, Any] = field(default_factory=dict)
    soon: bool = False  # moved to "soon" because its usual time had passed


@dataclass(frozen=True, slots=True)
class InterviewPlan:
    nudges: tuple[PlannedNudge, ...]
    skipped: tuple[tuple[str, str], ...]  # (kind, why) for nudges this plan does not get
    interview_at: datetime
    interview_end: datetime


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with a due nudge now: send it on time, send it with a late line, or drop it."""

    action: str  # "send" | "late" | "drop"
    reason: str = ""

    @property
    def sends(self) -> bool:
        return self.action in {"send", "late"}


# --------------------------------------------------------------------------- planning

def interview_plan_key(user_id: int, company: str, role: str, interview_at: datetime) -> str:
    """The same interview logged twice (a retried command) gets the same key."""
    norm = "|".join((" ".join(company.lower().split()), " ".join(role.lower().split()),
                     _stamp(interview_at)))
    return f"interview:{user_id}:{hashlib.sha1(norm.encode()).hexdigest()[:16]}"


def nudge_key(plan_key: str, kind: str, interview_at: datetime) -> str:
    """Keyed on the interview time too: moving the interview plans fresh nudges, while planning
    the same interview again (a retry, a zone change) finds the nudges it already has."""
    return f"{plan_key}:{kind}:{_stamp(interview_at)}"


def plan_interview(*, interview_at: datetime, zone: ZoneInfo, now: datetime, plan_key: str,
                   length: timedelta = DEFAULT_LENGTH, stage: str = "second_round",
                   payload: Mapping[str, Any] | None = None) -> InterviewPlan:
    """The nudges for a real interview at `interview_at` (aware) for a user in `zone`."""
    _aware(interview_at, now)
    interview_at = interview_at.astimezone(UTC)
    end = interview_at + length
    base = dict(payload or {}, stage=stage, interview_at=interview_at.isoformat(),
                interview_end=end.isoformat())
    nudges: list[PlannedNudge] = []
    skipped: list[tuple[str, str]] = []

    local_day = interview_at.astimezone(zone).date()
    day_before = local_time_on(local_day - timedelta(days=1), DAY_BEFORE_AT, zone)
    if interview_at - now < SKIP_DAY_BEFORE_WITHIN:
        skipped.append((DAY_BEFORE, "the interview is less than an hour away"))
    elif day_before <= now + SOON:
        nudges.append(PlannedNudge(DAY_BEFORE, now + SOON, nudge_key(plan_key, DAY_BEFORE,
                                   interview_at), dict(base), soon=True))
    else:
        nudges.append(PlannedNudge(DAY_BEFORE, day_before, nudge_key(plan_key, DAY_BEFORE,
                                   interview_at), dict(base)))

    # Quiet hours end at 08:00, so a night-time thank-you still lands well inside the 24 hours.
    thank_you = out_of_quiet_hours(end + THANK_YOU_AFTER, zone)
    thank_you_deadline = end + THANK_YOU_WINDOW
    soon = thank_you < now + SOON
    nudges.append(PlannedNudge(THANK_YOU, max(thank_you, now + SOON),
                               nudge_key(plan_key, THANK_YOU, interview_at),
                               dict(base, deadline=thank_you_deadline.isoformat()), soon=soon))

    local = interview_at.astimezone(zone)
    check_in = out_of_quiet_hours(
        local_time_on(local.date() + timedelta(days=CHECK_IN_AFTER_DAYS), local.time(), zone), zone)
    nudges.append(PlannedNudge(CHECK_IN, max(check_in, now + SOON),
                               nudge_key(plan_key, CHECK_IN, interview_at), dict(base),
                               soon=check_in < now + SOON))
    return InterviewPlan(tuple(nudges), tuple(skipped), interview_at, end)


def practice_due(finished_at: datetime, zone: ZoneInfo | None) -> datetime:
    """A "practice again" nudge: three days after a mock interview, at 10:00 local when the
    user's zone is known (otherwise exactly three days later)."""
    _aware(finished_at)
    if zone is None:
        return finished_at.astimezone(UTC) + timedelta(days=PRACTICE_AFTER_DAYS)
    day = finished_at.astimezone(zone).date() + timedelta(days=PRACTICE_AFTER_DAYS)
    return local_time_on(day, PRACTICE_AT, zone)


def out_of_quiet_hours(when: datetime, zone: ZoneInfo) -> datetime:
    """Move a follow-up that would land between 22:00 and 08:00 local to 08:00 local."""
    local = when.astimezone(zone)
    if local.time() >= QUIET_FROM:
        return local_time_on(local.date() + timedelta(days=1), QUIET_UNTIL, zone)
    if local.time() < QUIET_UNTIL:
        return local_time_on(local.date(), QUIET_UNTIL, zone)
    return when.astimezone(UTC)


# --------------------------------------------------------------------------- lateness

def expires_at(kind: str, due_at: datetime, payload: Mapping[str, Any]) -> datetime:
    """The last moment a nudge is still worth sending (see the table in the module docstring)."""
    if kind == DAY_BEFORE and payload.get("interview_at"):
        return parse_time(payload["interview_at"])
    if kind == THANK_YOU and payload.get("interview_end"):
        return parse_time(payload["interview_end"]) + THANK_YOU_WINDOW
    return due_at + USEFUL_AFTER_DUE.get(kind, FALLBACK_USEFUL)


def assess(kind: str, due_at: datetime, payload: Mapping[str, Any], now: datetime) -> Verdict:
    """Send on time, send with a late line, or drop (with the reason to record)."""
    _aware(due_at, now)
    expiry = expires_at(kind, due_at, payload)
    if now >= expiry:
        return Verdict("drop", _drop_reason(kind, due_at, expiry, now))
    if now - due_at > ON_TIME_GRACE:
        return Verdict("late", f"{_minutes(now - due_at)} late")
    return Verdict("send")


def _drop_reason(kind: str, due_at: datetime, expiry: datetime, now: datetime) -> str:
    why = {
        DAY_BEFORE: "the interview had already started",
        THANK_YOU: "more than 24 hours after the interview, a thank-you note is no longer timely",
    }.get(kind, "past its use")
    return (f"past its use: {why} (due {_stamp(due_at)}, useful until {_stamp(expiry)}, "
            f"checked {_stamp(now)})")


def late_line(due_at: datetime, now: datetime) -> str:
    """The short apology put above a nudge that is sent late."""
    return (f"*Sorry, this reminder is late: it was due <t:{int(due_at.timestamp())}:R> "
            f"and I was offline. It is still worth doing.*")


# --------------------------------------------------------------------------- snooze

@dataclass(frozen=True, slots=True)
class SnoozeDecision:
    until: datetime | None
    refusal: str = ""  # why this snooze is not offered, for the user


def snooze(option: str, *, kind: str, due_at: datetime, payload: Mapping[str, Any],
           now: datetime, zone: ZoneInfo) -> SnoozeDecision:
    """Where a snooze moves a delivered nudge: 1 hour, tomorrow 9:00 local, or 3 days (same
    local time, DST-safe). Refused when that would be after the nudge is useful."""
    _aware(due_at, now)
    local = now.astimezone(zone)
    if option == "1h":
        until = now + timedelta(hours=1)
    elif option == "tomorrow":
        until = local_time_on(local.date() + timedelta(days=1), SNOOZE_MORNING, zone)
    elif option == "3d":
        until = local_time_on(local.date() + timedelta(days=3), local.time().replace(microsecond=0),
                              zone)
    else:
        raise ValueError(f"unknown snooze option {option!r}")
    # Kinds whose use is tied to the interview keep their absolute limit; the others stay
    # useful relative to their (new) due time.
    if kind in (DAY_BEFORE, THANK_YOU):
        limit = expires_at(kind, due_at, payload)
        if until >= limit:
            return SnoozeDecision(None, f"That would be too late: this reminder is only useful "
                                        f"until <t:{int(limit.timestamp())}:F>.")
    return SnoozeDecision(until)


# --------------------------------------------------------------------------- helpers

def parse_time(value: str | datetime) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise ValueError("naive datetime in a nudge payload")
    return when.astimezone(UTC)


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"


def _aware(*times: datetime) -> None:
    for when in times:
        if when.tzinfo is None:
            raise ValueError("naive datetime: attach a time zone")
