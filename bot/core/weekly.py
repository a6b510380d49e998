"""The weekly summary DM: when it falls due, and what it says (interviews practised that week,
what improved, the weakest area, one question to practise). Pure: the interviews, the
questions' best attempts, the user's zone and `now` are passed in.

It goes out on Sundays at 18:00 local (the user's zone, or UTC), computed on the local
calendar so a daylight-saving change does not shift it. Each summary is a nudge of the
follow-up dispatcher (same claim, crash rule and lateness rules); the next one is planned when
one is composed, keyed by its date, so planning it twice makes one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.progress import CHANGE_POINTS, InterviewScore, QuestionBest, practice_pick
from bot.core.timeparse import local_time_on

WEEKLY_SUMMARY = "weekly_summary"
WEEKDAY = 6  # Sunday (Monday is 0)
AT = time(18, 0)
WEEK = timedelta(days=7)
LATE_AFTER = timedelta(days=1)  # a summary a day late is still sent (with the late line)...
USEFUL_FOR = timedelta(days=6)  # ...and dropped once the next one is nearly due
PLAN_KIND = "weekly"


def plan_key(user_id: int) -> str:
    return f"weekly:{user_id}"


def next_due(after: datetime, zone: ZoneInfo | None) -> datetime:
    """The first Sunday 18:00 local strictly after `after` (aware)."""
    if after.tzinfo is None:
        raise ValueError("naive datetime: attach a time zone")
    zone = zone or ZoneInfo("UTC")
    local = after.astimezone(zone)
    day = local.date() + timedelta(days=(WEEKDAY - local.weekday()) % 7)
    due = local_time_on(day, AT, zone)
    if due <= after:
        due = local_time_on(day + WEEK, AT, zone)
    return due.astimezone(UTC)


def nudge_key(user_id: int, generation: int, due: datetime) -> str:
    """One summary per user per due time; `generation` counts the opt-ins, so opting out and in
    again in the same week plans a fresh one instead of finding the cancelled one."""
    return f"weekly:{user_id}:g{generation}:{due.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


@dataclass(frozen=True, slots=True)
class Movement:
    key: str
    label: str
    before: float
    after: float

    @property
    def points(self) -> int:
        return round((self.after - self.before) * 100)


@dataclass(frozen=True, slots=True)
class WeeklySummary:
    week_start: datetime
    week_end: datetime
    interviews: int  # full mock interviews finished that week
    practice_runs: int  # single-question practice runs finished that week
    scripts: tuple[str, ...]  # the titles of that week's interviews, most frequent first
    average: float | None  # that week's average overall, 0..1
    improved: tuple[Movement, ...]  # dimensions up at least CHANGE_POINTS on the weeks before
    slipped: tuple[Movement, ...]
    weakest: tuple[str, str, float] | None  # (key, label, score) of the weakest area
    suggestion: QuestionBest | None  # one question to practise

    @property
    def practised(self) -> int:
        return self.interviews + self.practice_runs

    @property
    def quiet(self) -> bool:
        return self.practised == 0


def _average(interviews: Sequence[InterviewScore], key: str) -> float | None:
    values = [i.dimensions[key] for i in interviews if key in i.dimensions]
    return sum(values) / len(values) if values else None


def weekly_summary(*, week_end: datetime, interviews: Sequence[InterviewScore], practice_runs: int,
                   bests: Sequence[QuestionBest], labels: Mapping[str, str]) -> WeeklySummary:
    """The summary of the week ending at `week_end`. `interviews` are the user's latest full
    interviews (any order); those finished in the week are compared with the ones before it
    (dimension averages). The weakest area is that week's lowest dimension, or, in a quiet week,
    the lowest over the latest five interviews."""
    start = week_end - WEEK
    ordered = sorted(interviews, key=lambda i: i.finished_at)
    this_week = [i for i in ordered if start <= i.finished_at < week_end]
    before = [i for i in ordered if i.finished_at < start][-10:]
    improved, slipped = [], []
    if this_week and before:
        for key, label in labels.items():
            now_avg, then_avg = _average(this_week, key), _average(before, key)
            if now_avg is None or then_avg is None:
                continue
            move = Movement(key, label, then_avg, now_avg)
            if move.points >= CHANGE_POINTS:
                improved.append(move)
            elif move.points <= -CHANGE_POINTS:
                slipped.append(move)
    basis = this_week or [i for i in ordered if i.finished_at < week_end][-5:]
    weakest = None
    for key, label in labels.items():
        avg = _average(basis, key)
        if avg is not None and (weakest is None or avg < weakest[2]):
            weakest = (key, label, avg)
    titles: dict[str, int] = {}
    for i in this_week:
        titles[i.title] = titles.get(i.title, 0) + 1
    return WeeklySummary(
        week_start=start, week_end=week_end, interviews=len(this_week), practice_runs=practice_runs,
        scripts=tuple(sorted(titles, key=lambda t: (-titles[t], t))),
        average=sum(i.overall for i in this_week) / len(this_week) if this_week else None,
        improved=tuple(sorted(improved, key=lambda m: -m.points)),
        slipped=tuple(sorted(slipped, key=lambda m: m.points)),
        weakest=weakest, suggestion=practice_pick(bests))


def summary_line(summary: WeeklySummary) -> str:
    """One line kept for a user whose DMs are closed (shown at their next command)."""
    if summary.quiet:
        return "📈 Your weekly summary: no practice this week. One question is waiting for you: `/interview practice`."
    noun = "session" if summary.practised == 1 else "sessions"
    return f"📈 Your weekly summary: {summary.practised} practice {noun} this week. See `/interview history`."
