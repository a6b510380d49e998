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

What a due nudge says is decided here too: whether it still goes out at all (`reason_to_skip`),
which template and context it is written from (`nudge_template`), the one-line summary kept for
a user whose DMs are closed (`nudge_summary`), and which buttons it carries (`nudge_controls`).
"Practice again" picks the weakest questions of a finished mock interview
(`practice_questions`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.fields import FieldError
from bot.core.inputs import parse_record_id
from bot.core.models import Answer, FollowUpPlan, JournalEntry
from bot.core.panel import DEFAULT_KIND, MAX_PANEL, interviewer_kind
from bot.core.stages import DEFAULT_STAGE, stage_label
from bot.core.text import Safe, discord_timestamp, escape_discord, shorten
from bot.core.timeparse import local_time_on
from bot.core.weekly import USEFUL_FOR as WEEKLY_USEFUL_FOR
from bot.core.weekly import WEEKLY_SUMMARY

DAY_BEFORE = "day_before"
THANK_YOU = "thank_you"
CHECK_IN = "check_in"
PRACTICE_AGAIN = "practice_again"
KINDS = (DAY_BEFORE, THANK_YOU, CHECK_IN, PRACTICE_AGAIN, WEEKLY_SUMMARY)
KIND_LABELS = {
    DAY_BEFORE: "Prep checklist (the day before)",
    THANK_YOU: "Thank-you note reminder, and how did it go?",
    CHECK_IN: "Polite check-in if there's no news",
    PRACTICE_AGAIN: "Practise your weakest answers again",
    WEEKLY_SUMMARY: "Your weekly progress summary",
}
# Reminders other features plan outside any follow-up plan, delivered by the same dispatcher
# (their feature composes them: `FollowUpService.register_kind`).
OTHER_KIND_LABELS = {"mock_reminder": "Mock interview with another member"}
KIND_LABELS.update(OTHER_KIND_LABELS)
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

USEFUL_AFTER_DUE = {CHECK_IN: timedelta(days=7), PRACTICE_AGAIN: timedelta(days=4),
                    WEEKLY_SUMMARY: WEEKLY_USEFUL_FOR}
FALLBACK_USEFUL = timedelta(days=1)


NO_NEWS = "no_news"
OUTCOMES = {"next_round": "Next round", "offer": "Offer", "rejected": "Rejected",
            NO_NEWS: "No news yet"}
# What an outcome makes pointless: they heard back, so no "still waiting?" check-in.
CANCELLED_BY_OUTCOME = {"next_round": (CHECK_IN,), "offer": (CHECK_IN,), "rejected": (CHECK_IN,),
                        NO_NEWS: ()}

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
                   length: timedelta = DEFAULT_LENGTH, stage: str = DEFAULT_STAGE,
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
    if kind in OTHER_KIND_LABELS and payload.get("useful_until"):
        return parse_time(payload["useful_until"])
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


# --------------------------------------------------------------------------- whether it goes out

@dataclass(frozen=True, slots=True)
class Skip:
    """A due nudge that will not go out, and why (the reason is recorded on its row)."""

    reason: str
    status: str = "dropped"  # "cancelled" when it can never be wanted again


def reason_to_skip(kind: str, *, user_deleted: bool, nudges_off: bool, plan_status: str | None,
                   plan_outcome: str = "", journal_outcome: str = "") -> Skip | None:
    """Why a due nudge should not be sent after all, or None when it goes out. Checked just
    before sending, because the user may have changed things since it was planned:

    - they deleted their data: cancelled;
    - they turned nudges off: dropped (turning them on again gets them the later ones);
    - they stopped its plan: cancelled;
    - a check-in once they know how it went (recorded with the buttons, or in the journal):
      cancelled, since "still waiting to hear?" would be noise.
    """
    if user_deleted:
        return Skip("the user's data was deleted", "cancelled")
    if nudges_off:
        return Skip("nudges are turned off (/settings nudges off)")
    if plan_status == "cancelled":
        return Skip("the plan was stopped", "cancelled")
    if kind == CHECK_IN:
        if plan_outcome and plan_outcome != NO_NEWS:
            return Skip(f"an outcome was recorded ({plan_outcome}), no check-in needed", "cancelled")
        if journal_outcome:
            return Skip(f"an outcome is in the journal ({journal_outcome}), no check-in needed",
                        "cancelled")
    return None


# --------------------------------------------------------------------------- what it says

def stage_of(details: Mapping[str, Any]) -> str:
    return details.get("stage") or DEFAULT_STAGE


def nudge_template(kind: str, details: Mapping[str, Any], *, items: Sequence[str] = (),
                   notes: Sequence[Mapping[str, Any]] = (),
                   job_map: Sequence[Mapping[str, Any]] = ()) -> tuple[str, dict[str, Any]]:
    """The template under `prompts/` a nudge is written from, and its context. `details` is the
    plan's details overlaid with the nudge's own payload; `items` (checklist items not ticked
    yet), `notes` (earlier rounds, oldest first) and `job_map` (the must-haves of the plan's job
    description with their stories, bot.core.job_fit.map_lines) are for the day-before nudge."""
    common = {key: details.get(key, "") for key in ("company", "role", "interviewer", "candidate")}
    if kind == DAY_BEFORE:
        return "nudges/day_before.md.j2", dict(
            common, stage=stage_of(details), when=parse_time(details["interview_at"]),
            items=list(items), notes=list(notes), job_map=list(job_map))
    if kind == THANK_YOU:
        deadline = parse_time(details.get("deadline") or details["interview_end"])
        return "nudges/thank_you.md.j2", dict(common, deadline=deadline,
                                              greeting=greeting_name(common["interviewer"]),
                                              drafts=thank_you_drafts(common["interviewer"]))
    if kind == CHECK_IN:
        return "nudges/check_in.md.j2", dict(common,
                                             interview_date=parse_time(details["interview_at"]),
                                             greeting=greeting_name(common["interviewer"]))
    if kind == PRACTICE_AGAIN:
        # A question's text was rendered Discord-safe by the interview script when it was
        # asked (the company in it escaped there): shown as it is, not escaped again.
        questions = [{"number": q.get("number") or "",
                      "text": Safe(shorten(q.get("text") or "", PRACTICE_TEXT_LIMIT)),
                      "label": q.get("label") or ""} for q in details.get("questions") or []]
        return "nudges/practice_again.md.j2", {
            "script_title": details.get("script_title") or "your mock interview",
            "questions": questions}
    raise ValueError(f"no template for nudge kind {kind!r}")


def earlier_rounds(entries: Iterable[JournalEntry], *, before: datetime,
                   this_entry_id: int | None) -> list[dict[str, Any]]:
    """Journal entries of earlier rounds (before `before`, not this interview's own entry),
    oldest first, as the day-before template shows them."""
    earlier = [e for e in entries if e.id != this_entry_id
               and (e.interview_at or e.created_at) < before]
    earlier.sort(key=lambda e: e.interview_at or e.created_at)
    return [{"stage": e.stage, "date": e.interview_at, "interviewers": e.interviewers,
             "notes": e.notes, "feedback": e.feedback} for e in earlier]


def nudge_summary(kind: str, payload: Mapping[str, Any]) -> str:
    """One line for a user whose DMs are closed, shown at their next command (and pinged about
    in a server channel, so the company is the only detail in it)."""
    company = escape_discord(payload.get("company") or "your interview")
    if kind == DAY_BEFORE:
        when = parse_time(payload["interview_at"])
        stage = stage_label(payload.get("stage"), missing="interview").lower()
        return (f"📋 Your {stage} at {company} is {discord_timestamp(when, 'F')} "
                f"({discord_timestamp(when, 'R')}): go through your prep checklist tonight.")
    if kind == THANK_YOU:
        deadline = parse_time(payload.get("deadline") or payload["interview_end"])
        return (f"✉️ Send your thank-you note for {company} before "
                f"{discord_timestamp(deadline, 'F')}.")
    if kind == CHECK_IN:
        return (f"📨 It's been a week since your {company} interview: if there's no news, a "
                "short, polite check-in is fine.")
    if kind == PRACTICE_AGAIN:
        title = escape_discord(payload.get("script_title") or "your mock interview")
        return f"🔁 Practise again: {title}. Your weakest answers are worth another go."
    if kind == WEEKLY_SUMMARY:
        return str(payload.get("summary_line") or "📈 Your weekly summary is ready: see `/interview history`.")
    return f"A reminder ({kind})."


def plan_title(plan: FollowUpPlan) -> str:
    """How a plan is named in lists and replies: "Final round at Acme (Data Analyst)"."""
    details = plan.details
    if plan.kind == "practice":
        script = details.get("script_title") or details.get("script_id") or "mock interview"
        return f"Practice again: {script}"
    if plan.kind == "weekly":
        return "Weekly progress summary"
    stage = stage_label(details.get("stage"), missing="Interview")
    role = f" ({details['role']})" if details.get("role") else ""
    return f"{stage} at {details.get('company') or '?'}{role}"


# --------------------------------------------------------------------------- letters

HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir",
                        "dame", "rev", "revd", "dean"})
# A part of what was typed that names a role or a group, not a person ("Dana Lee, Head of
# Data", "the panel"): not greeted.
NOT_A_NAME = frozenset({"the", "a", "an", "head", "manager", "director", "lead", "recruiter",
                        "engineer", "hiring", "senior", "vp", "chief", "team", "panel", "hr",
                        "ceo", "cto", "cfo", "coo", "founder", "partner", "someone", "unknown"})
_PEOPLE = re.compile(r"\s*(?:,|;|/|&|\+|\band\b)\s*", re.IGNORECASE)
_ASIDE = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def greeting_name(interviewer: str) -> str:
    """How a letter greets the interviewer(s) someone typed: by first name, as people write to
    an interviewer they have just met ("Dana Lee" -> "Dana"); with a title, title and last
    name ("Dr. Dana Lee" -> "Dr. Lee"); several people each so ("Dana Lee and Sam Boss" ->
    "Dana and Sam"). Roles and asides are left out ("Dana Lee (Head of Data)" -> "Dana").
    Empty when no name can be read: the letter then greets the team."""
    names: list[str] = []
    for part in _PEOPLE.split(_ASIDE.sub(" ", interviewer)):
        words = part.split()
        if not words:
            continue
        first = words[0].rstrip(".").lower()
        if first in HONORIFICS:
            if len(words) > 1 and words[-1].lower() not in NOT_A_NAME:
                names.append(f"{words[0]} {words[-1]}")
            continue
        if first in NOT_A_NAME or any(w.lower() in ("of", "at", "for") for w in words):
            continue
        names.append(words[0])
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_SEVERAL = re.compile(r"\s*(?:;|/|&|\+|\band\b)\s*", re.IGNORECASE)


def interviewer_people(interviewer: str) -> list[dict[str, str]]:
    """The people in what someone typed as "interviewer" for a real interview, each with the
    title given after their name: "Dana Lee, Head of Data; Ravi Patel, Engineering Manager" ->
    two people; "Dana Lee and Ravi Patel" -> two, with no titles; "the panel" -> none. After a
    comma, two or more capitalised words with no job-title word are another person ("Dana Lee,
    Ravi Patel"), anything else the title of the person before. At most `MAX_PANEL`."""
    people: list[dict[str, str]] = []
    for chunk in _SEVERAL.split(_ASIDE.sub(" ", interviewer)):
        parts = [" ".join(p.split()) for p in chunk.split(",")]
        for index, part in enumerate(parts):
            if not part:
                continue
            words = part.split()
            looks_like_person = (
                len(words) >= 2 and all(w[:1].isupper() for w in words)
                and interviewer_kind(part) == DEFAULT_KIND and not any(w.lower() in NOT_A_NAME for w in words))
            if people and index > 0 and not looks_like_person:
                if not people[-1]["title"]:
                    people[-1]["title"] = part
                continue
            if greeting_name(part):
                people.append({"name": part, "title": ""})
    return people[:MAX_PANEL]


def thank_you_drafts(interviewer: str) -> list[dict[str, str]]:
    """One thank-you draft's details per person met (greeting, name, title and their kind of
    role, which the letter's middle line is written for); empty when no person can be read."""
    return [{"name": p["name"], "title": p["title"], "greeting": greeting_name(p["name"]),
             "kind": interviewer_kind(p["title"])} for p in interviewer_people(interviewer)]


# --------------------------------------------------------------------------- what people type

MAX_ID = 2**63 - 1  # the largest id the database can hold (SQLite INTEGER)
_CHOICE_ID = re.compile(r"\((#[0-9]+)\)\s*$", re.ASCII)


class PlanIdError(FieldError):
    """What was typed for a plan names none."""


def parse_plan_id(typed: str) -> int:
    """The plan `/followup cancel|reschedule` is asked about: the value of an autocomplete
    choice ("3"), what people type ("#3", "plan 3"), or a choice's name typed out in full
    ("... (#3)"), each read by the one reader of typed ids (`bot.core.inputs`). Anything else,
    or an id no plan can have (0, signs, digits other than 0-9, absurd lengths), is refused
    with PlanIdError; nothing else is raised."""
    text = typed.strip()
    if text[:4].lower() == "plan":
        text = text[4:]
    plan_id = parse_record_id(text)
    if plan_id is None and (choice := _CHOICE_ID.search(typed)):
        plan_id = parse_record_id(choice.group(1))
    if plan_id is None or not valid_id(plan_id):
        raise PlanIdError("That doesn't name one of your plans. Pick a plan from the list as "
                          "you type (`/followup list` shows them with their numbers).")
    return plan_id


def valid_id(value: int) -> bool:
    """An id a row can have (ids from custom_ids and typed text are checked before a query)."""
    return 0 < value <= MAX_ID


# --------------------------------------------------------------------------- lists

LIST_PAGE = 8        # reminders on a page of /followup list
LIST_NAME_LIMIT = 60  # a company, role or script title in a list line, before escaping
CHOICE_NAME_LIMIT = 100  # Discord's, for an autocomplete choice


def short_plan_title(plan: FollowUpPlan, limit: int = LIST_NAME_LIMIT) -> str:
    """`plan_title` with each name the user typed shortened to `limit` characters (visibly)."""
    details = dict(plan.details)
    for key in ("company", "role", "script_title", "script_id"):
        if details.get(key):
            details[key] = shorten(str(details[key]), limit)
    return plan_title(FollowUpPlan(plan.id, plan.user_id, plan.journal_entry_id, plan.kind,
                                   plan.guild_id, plan.channel_id, plan.status, details,
                                   plan.dedupe_key, plan.created_at))


def reminder_line(kind: str, due_at: datetime, plan: FollowUpPlan | None) -> str:
    """One line of /followup list, Discord-safe: at most `REMINDER_LINE_LIMIT` characters
    whatever the user typed."""
    where = f" · {escape_discord(short_plan_title(plan))} (plan #{plan.id})" if plan else ""
    return (f"• {discord_timestamp(due_at, 'F')} ({discord_timestamp(due_at, 'R')}): "
            f"{KIND_LABELS.get(kind, kind)}{where}")


# Every character of a name may double when escaped; the rest of a line is ours.
REMINDER_LINE_LIMIT = 2 * (2 * LIST_NAME_LIMIT + 20) + 140


def choice_name(title: str, when: str, plan_id: int) -> str:
    """An autocomplete choice for a plan: plain text (Discord shows choice names as they are,
    so nothing is escaped), at most 100 characters, always ending with the plan's number."""
    tail = f", {when} (#{plan_id})"
    return shorten(title, max(CHOICE_NAME_LIMIT - len(tail), 10)) + tail


# --------------------------------------------------------------------------- its buttons

# What a nudge's buttons do. (The Discord adapter writes each as a short code in the button's
# custom_id; that table lives with the buttons.)
DONE = "done"
SNOOZE = "snooze"                  # argument: a SNOOZE_OPTIONS key
STOP = "stop"                      # stops the whole plan
OUTCOME = "outcome"                # argument: an OUTCOMES key
PRACTISE = "practise"              # argument: the question's index in the payload
NEXT_INTERVIEW = "next_interview"  # argument: LOG_NEXT or PRACTISE_NEXT
ACTIONS = (DONE, SNOOZE, STOP, OUTCOME, PRACTISE, NEXT_INTERVIEW)
LOG_NEXT, PRACTISE_NEXT = "log", "mock"


@dataclass(frozen=True, slots=True)
class NudgeControl:
    """One button of a nudge message, as data; the adapter draws it."""

    action: str
    arg: str = ""
    label: str = ""  # empty: the action's usual label
    second_row: bool = False


def nudge_controls(kind: str, payload: Mapping[str, Any], *, in_plan: bool, done: bool = False,
                   outcome: str = "", plan_status: str = "active") -> tuple[NudgeControl, ...]:
    """The buttons a nudge message shows, given what the user has already done with it: none
    once its plan is stopped; Done and the snoozes until it is done; "how did it go?" until
    there is news; a practice button for each question a "practice again" nudge offers."""
    if plan_status == "cancelled":
        return ()
    if kind == WEEKLY_SUMMARY:
        # A summary to read: one question to start, and the way to stop them (its plan).
        weekly = [NudgeControl(PRACTISE, "0", "Practise this question")] if payload.get("questions") else []
        if in_plan:
            weekly.append(NudgeControl(STOP, label="Stop weekly summaries"))
        return tuple(weekly)
    controls: list[NudgeControl] = []
    if not done:
        controls.append(NudgeControl(DONE))
        controls.extend(NudgeControl(SNOOZE, option) for option in SNOOZE_OPTIONS)
    if in_plan:
        controls.append(NudgeControl(STOP))
    if kind in ASKS_OUTCOME and outcome in ("", NO_NEWS):  # no news yet: ask again later
        controls.extend(NudgeControl(OUTCOME, key, second_row=True) for key in OUTCOMES)
    if kind == PRACTICE_AGAIN:
        questions = payload.get("questions") or [{}]
        for index, question in enumerate(questions[:PRACTICE_QUESTIONS]):
            number = question.get("number")
            label = f"Practise question {number}" if number else "Practise now"
            controls.append(NudgeControl(PRACTISE, str(index), label, second_row=True))
    return tuple(controls)


@dataclass(frozen=True, slots=True)
class NudgeMessage:
    """A nudge as it will be sent, before any Discord object exists; the adapter draws it."""

    text: str  # the body, rendered from its template
    summary: str  # one line, kept for the user's next command when their DMs are closed
    controls: tuple[NudgeControl, ...] = ()
    late: str | None = None  # the "sorry, this is late" line shown above it
    fallback_channel_id: int | None = None  # the server channel its plan was made in


# After "next round": log the next interview, or practise for its stage.
NEXT_INTERVIEW_CONTROLS = (NudgeControl(NEXT_INTERVIEW, LOG_NEXT),
                           NudgeControl(NEXT_INTERVIEW, PRACTISE_NEXT))


# --------------------------------------------------------------------------- practice again

PRACTICE_QUESTIONS = 2  # how many of the weakest questions a "practice again" nudge offers
PRACTICE_TEXT_LIMIT = 220  # each question's text in the nudge
WEAKEST_LABEL = "your weakest score"


def practice_follows(context: Mapping[str, Any]) -> bool:
    """A finished mock interview plans "practice again"; a practice run of single questions
    (its context lists `only_questions`) does not plan yet another one."""
    return not context.get("only_questions")


def _weakest(report: Mapping[str, Any]) -> list[str]:
    return list(report.get("weakest_questions") or [])[:PRACTICE_QUESTIONS]


def _improvements(report: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {i.get("question_id"): i for i in report.get("improvements") or []}


def practice_needs_answers(report: Mapping[str, Any]) -> bool:
    """True when the report says nothing more about a question to practise than its id, so its
    number and text must come from the questions as they were asked."""
    improvements = _improvements(report)
    return any(question_id not in improvements for question_id in _weakest(report))


def practice_questions(report: Mapping[str, Any],
                       answers: Sequence[Answer] = ()) -> list[dict[str, Any]]:
    """The questions a "practice again" nudge offers: the report's weakest (at most
    `PRACTICE_QUESTIONS`), each with its number, text and what to work on. The report's own
    details come first; `answers` (the session's, in the order asked; probes are not numbered)
    fill in what it lacks."""
    improvements = _improvements(report)
    main_questions = [a for a in answers if a.probe_index == 0]
    asked = {a.question_id: (number, a.question_text)
             for number, a in enumerate(main_questions, start=1)}
    questions = []
    for question_id in _weakest(report):
        found = improvements.get(question_id) or {}
        number, text = asked.get(question_id, (None, ""))
        questions.append({"id": question_id, "number": found.get("question_number") or number,
                          "text": found.get("question") or text,
                          "label": found.get("label") or WEAKEST_LABEL})
    return questions


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
