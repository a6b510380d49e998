"""The follow-up plan rules, with fixed clocks: when each nudge falls due (in local time, across
DST changes), how late each may still be sent, and where a snooze moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core import followups as fu

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
KEY = "interview:1:abc"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def by_kind(plan: fu.InterviewPlan) -> dict[str, fu.PlannedNudge]:
    return {n.kind: n for n in plan.nudges}


def test_a_plan_has_day_before_thank_you_and_check_in_at_local_times() -> None:
    # Interview Thu 2026-12-03 14:00 New York (EST, UTC-5), planned a month ahead.
    interview = datetime(2026, 12, 3, 14, 0, tzinfo=NY)
    plan = fu.plan_interview(interview_at=interview, zone=NY, now=utc(2026, 11, 1, 12),
                             plan_key=KEY, length=timedelta(minutes=45), stage="final")
    nudges = by_kind(plan)
    assert list(nudges) == [fu.DAY_BEFORE, fu.THANK_YOU, fu.CHECK_IN]
    assert nudges[fu.DAY_BEFORE].due_at == datetime(2026, 12, 2, 18, 0, tzinfo=NY)
    assert nudges[fu.DAY_BEFORE].due_at.tzinfo is UTC
    # Ends 14:45; two hours later.
    assert nudges[fu.THANK_YOU].due_at == datetime(2026, 12, 3, 16, 45, tzinfo=NY)
    assert nudges[fu.THANK_YOU].payload["deadline"] == utc(2026, 12, 4, 19, 45).isoformat()
    assert nudges[fu.CHECK_IN].due_at == datetime(2026, 12, 10, 14, 0, tzinfo=NY)
    assert all(n.payload["stage"] == "final" for n in plan.nudges)
    assert not plan.skipped


def test_day_before_keeps_18_00_local_across_a_dst_change() -> None:
    # Planned in EST (UTC-5) on 2026-02-01; the US switches to EDT (UTC-4) on 2026-03-08.
    interview = datetime(2026, 3, 9, 10, 0, tzinfo=NY)
    plan = by_kind(fu.plan_interview(interview_at=interview, zone=NY, now=utc(2026, 2, 1),
                                     plan_key=KEY))
    day_before = plan[fu.DAY_BEFORE].due_at
    assert day_before == utc(2026, 3, 8, 22, 0)  # 18:00 EDT, not 23:00 UTC (18:00 EST)
    assert day_before.astimezone(NY).hour == 18
    # And in Europe the autumn change (2026-10-25): 18:00 CET the evening of the change.
    plan = by_kind(fu.plan_interview(interview_at=datetime(2026, 10, 26, 9, 30, tzinfo=BERLIN),
                                     zone=BERLIN, now=utc(2026, 10, 1), plan_key=KEY))
    assert plan[fu.DAY_BEFORE].due_at == utc(2026, 10, 25, 17, 0)
    # The check-in a week after a pre-change interview keeps its wall-clock time too.
    plan = by_kind(fu.plan_interview(interview_at=datetime(2026, 10, 22, 11, 0, tzinfo=BERLIN),
                                     zone=BERLIN, now=utc(2026, 10, 1), plan_key=KEY))
    assert plan[fu.CHECK_IN].due_at == datetime(2026, 10, 29, 11, 0, tzinfo=BERLIN)
    assert plan[fu.CHECK_IN].due_at == utc(2026, 10, 29, 10, 0)


def test_interview_tomorrow_morning_gets_its_checklist_soon() -> None:
    now = datetime(2026, 12, 2, 20, 30, tzinfo=NY)  # 18:00 the day before has passed
    plan = fu.plan_interview(interview_at=datetime(2026, 12, 3, 9, 0, tzinfo=NY), zone=NY,
                             now=now, plan_key=KEY)
    day_before = by_kind(plan)[fu.DAY_BEFORE]
    assert day_before.soon and day_before.due_at == now + fu.SOON


def test_interview_within_the_hour_gets_no_checklist() -> None:
    now = utc(2026, 12, 3, 13, 15)
    plan = fu.plan_interview(interview_at=utc(2026, 12, 3, 14, 0), zone=NY, now=now,
                             plan_key=KEY)
    assert fu.DAY_BEFORE not in by_kind(plan)
    assert plan.skipped == ((fu.DAY_BEFORE, "the interview is less than an hour away"),)
    assert fu.THANK_YOU in by_kind(plan)


def test_a_late_evening_interview_gets_its_thank_you_the_next_morning() -> None:
    # Ends 21:00 local; 23:00 is quiet hours, so 08:00 the next day (inside the 24 hours).
    plan = by_kind(fu.plan_interview(interview_at=datetime(2026, 12, 3, 20, 0, tzinfo=NY),
                                     zone=NY, now=utc(2026, 11, 1), plan_key=KEY))
    assert plan[fu.THANK_YOU].due_at == datetime(2026, 12, 4, 8, 0, tzinfo=NY)


def test_a_plan_for_an_interview_that_just_ended_sends_the_thank_you_soon() -> None:
    now = utc(2026, 12, 3, 18, 0)  # ended 15:00, so 17:00 has passed
    plan = fu.plan_interview(interview_at=utc(2026, 12, 3, 14, 0), zone=ZoneInfo("UTC"), now=now,
                             plan_key=KEY)
    nudges = by_kind(plan)
    assert nudges[fu.THANK_YOU].due_at == now + fu.SOON and nudges[fu.THANK_YOU].soon
    assert fu.DAY_BEFORE not in nudges


def test_keys_are_stable_for_the_same_interview_and_differ_when_it_moves() -> None:
    at = utc(2026, 12, 3, 14)
    key = fu.interview_plan_key(7, "  Acme  Corp", "Data Analyst", at)
    assert key == fu.interview_plan_key(7, "acme corp", "data analyst ", at)
    assert key != fu.interview_plan_key(8, "acme corp", "data analyst", at)
    assert key != fu.interview_plan_key(7, "acme corp", "data analyst", at + timedelta(hours=1))
    first = fu.plan_interview(interview_at=at, zone=NY, now=utc(2026, 11, 1), plan_key=key)
    again = fu.plan_interview(interview_at=at, zone=BERLIN, now=utc(2026, 11, 2), plan_key=key)
    moved = fu.plan_interview(interview_at=at + timedelta(days=1), zone=NY, now=utc(2026, 11, 1),
                              plan_key=key)
    assert [n.dedupe_key for n in first.nudges] == [n.dedupe_key for n in again.nudges]
    assert not {n.dedupe_key for n in first.nudges} & {n.dedupe_key for n in moved.nudges}


def test_practice_again_is_three_days_later_at_ten_local() -> None:
    finished = datetime(2026, 3, 6, 21, 30, tzinfo=NY)  # Friday evening, before the DST change
    assert fu.practice_due(finished, NY) == datetime(2026, 3, 9, 10, 0, tzinfo=NY)
    assert fu.practice_due(finished, NY) == utc(2026, 3, 9, 14, 0)
    assert fu.practice_due(utc(2026, 3, 6, 12), None) == utc(2026, 3, 9, 12)


# --------------------------------------------------------------------------- lateness

INTERVIEW = utc(2026, 12, 3, 14)
PAYLOAD = {"interview_at": INTERVIEW.isoformat(),
           "interview_end": (INTERVIEW + timedelta(hours=1)).isoformat()}


@pytest.mark.parametrize(("kind", "due", "now", "action"), [
    # On time, within the grace period, late but useful, past its use.
    (fu.DAY_BEFORE, utc(2026, 12, 2, 23), utc(2026, 12, 2, 23, 10), "send"),
    (fu.DAY_BEFORE, utc(2026, 12, 2, 23), utc(2026, 12, 3, 9), "late"),
    (fu.DAY_BEFORE, utc(2026, 12, 2, 23), utc(2026, 12, 3, 14), "drop"),
    (fu.THANK_YOU, utc(2026, 12, 3, 17), utc(2026, 12, 4, 14, 59), "late"),
    (fu.THANK_YOU, utc(2026, 12, 3, 17), utc(2026, 12, 4, 15), "drop"),
    (fu.CHECK_IN, utc(2026, 12, 10, 14), utc(2026, 12, 16, 14), "late"),
    (fu.CHECK_IN, utc(2026, 12, 10, 14), utc(2026, 12, 17, 14), "drop"),
    (fu.PRACTICE_AGAIN, utc(2026, 12, 10, 14), utc(2026, 12, 13, 14), "late"),
    (fu.PRACTICE_AGAIN, utc(2026, 12, 10, 14), utc(2026, 12, 14, 14), "drop"),
])
def test_lateness_rules(kind: str, due: datetime, now: datetime, action: str) -> None:
    verdict = fu.assess(kind, due, PAYLOAD, now)
    assert verdict.action == action
    if action == "drop":
        assert verdict.reason.startswith("past its use") and not verdict.sends
    else:
        assert verdict.sends


def test_drop_reason_says_why() -> None:
    verdict = fu.assess(fu.THANK_YOU, utc(2026, 12, 3, 17), PAYLOAD, utc(2026, 12, 6))
    assert "24 hours" in verdict.reason and "2026-12-04T15:00Z" in verdict.reason


def test_late_line_is_a_relative_discord_timestamp() -> None:
    line = fu.late_line(utc(2026, 12, 3, 17), utc(2026, 12, 3, 20))
    assert f"<t:{int(utc(2026, 12, 3, 17).timestamp())}:R>" in line and "late" in line


# --------------------------------------------------------------------------- snooze

def test_snooze_options() -> None:
    now = datetime(2026, 12, 5, 15, 20, tzinfo=NY)
    due = now.astimezone(UTC)
    hour = fu.snooze("1h", kind=fu.CHECK_IN, due_at=due, payload={}, now=now, zone=NY)
    assert hour.until == now + timedelta(hours=1)
    tomorrow = fu.snooze("tomorrow", kind=fu.CHECK_IN, due_at=due, payload={}, now=now, zone=NY)
    assert tomorrow.until == datetime(2026, 12, 6, 9, 0, tzinfo=NY)
    three = fu.snooze("3d", kind=fu.CHECK_IN, due_at=due, payload={}, now=now, zone=NY)
    assert three.until == datetime(2026, 12, 8, 15, 20, tzinfo=NY)
    with pytest.raises(ValueError):
        fu.snooze("forever", kind=fu.CHECK_IN, due_at=due, payload={}, now=now, zone=NY)


def test_snooze_three_days_across_dst_keeps_the_wall_clock() -> None:
    now = datetime(2026, 3, 6, 17, 0, tzinfo=NY)
    decision = fu.snooze("3d", kind=fu.CHECK_IN, due_at=now, payload={}, now=now, zone=NY)
    assert decision.until == datetime(2026, 3, 9, 17, 0, tzinfo=NY)
    assert decision.until - now == timedelta(days=3) - timedelta(hours=1)


def test_snooze_past_a_nudges_use_is_refused() -> None:
    now = utc(2026, 12, 3, 17)
    refused = fu.snooze("3d", kind=fu.THANK_YOU, due_at=now, payload=PAYLOAD, now=now, zone=NY)
    assert refused.until is None and "too late" in refused.refusal
    allowed = fu.snooze("1h", kind=fu.THANK_YOU, due_at=now, payload=PAYLOAD, now=now, zone=NY)
    assert allowed.until == now + timedelta(hours=1)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        fu.plan_interview(interview_at=datetime(2026, 12, 3, 14), zone=NY,  # noqa: DTZ001
                          now=utc(2026, 11, 1), plan_key=KEY)
