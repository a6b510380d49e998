"""The follow-up rules, with fixed clocks: when each nudge falls due (in local time, across DST
changes), how late each may still be sent, where a snooze moves it, whether a due nudge still
goes out, what it says and which buttons it carries, and which questions "practice again"
offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core import followups
from bot.core.models import Answer, FollowUpPlan, JournalEntry

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
KEY = "interview:1:abc"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def by_kind(plan: followups.InterviewPlan) -> dict[str, followups.PlannedNudge]:
    return {n.kind: n for n in plan.nudges}


def test_a_plan_has_day_before_thank_you_and_check_in_at_local_times() -> None:
    # Interview Thu 2026-12-03 14:00 New York (EST, UTC-5), planned a month ahead.
    interview = datetime(2026, 12, 3, 14, 0, tzinfo=NY)
    plan = followups.plan_interview(interview_at=interview, zone=NY, now=utc(2026, 11, 1, 12),
                             plan_key=KEY, length=timedelta(minutes=45), stage="final")
    nudges = by_kind(plan)
    assert list(nudges) == [followups.DAY_BEFORE, followups.THANK_YOU, followups.CHECK_IN]
    assert nudges[followups.DAY_BEFORE].due_at == datetime(2026, 12, 2, 18, 0, tzinfo=NY)
    assert nudges[followups.DAY_BEFORE].due_at.tzinfo is UTC
    # Ends 14:45; two hours later.
    assert nudges[followups.THANK_YOU].due_at == datetime(2026, 12, 3, 16, 45, tzinfo=NY)
    assert nudges[followups.THANK_YOU].payload["deadline"] == utc(2026, 12, 4, 19, 45).isoformat()
    assert nudges[followups.CHECK_IN].due_at == datetime(2026, 12, 10, 14, 0, tzinfo=NY)
    assert all(n.payload["stage"] == "final" for n in plan.nudges)
    assert not plan.skipped


def test_day_before_keeps_18_00_local_across_a_dst_change() -> None:
    # Planned in EST (UTC-5) on 2026-02-01; the US switches to EDT (UTC-4) on 2026-03-08.
    interview = datetime(2026, 3, 9, 10, 0, tzinfo=NY)
    plan = by_kind(followups.plan_interview(interview_at=interview, zone=NY, now=utc(2026, 2, 1),
                                     plan_key=KEY))
    day_before = plan[followups.DAY_BEFORE].due_at
    assert day_before == utc(2026, 3, 8, 22, 0)  # 18:00 EDT, not 23:00 UTC (18:00 EST)
    assert day_before.astimezone(NY).hour == 18
    # And in Europe the autumn change (2026-10-25): 18:00 CET the evening of the change.
    plan = by_kind(followups.plan_interview(interview_at=datetime(2026, 10, 26, 9, 30, tzinfo=BERLIN),
                                     zone=BERLIN, now=utc(2026, 10, 1), plan_key=KEY))
    assert plan[followups.DAY_BEFORE].due_at == utc(2026, 10, 25, 17, 0)
    # The check-in a week after a pre-change interview keeps its wall-clock time too.
    plan = by_kind(followups.plan_interview(interview_at=datetime(2026, 10, 22, 11, 0, tzinfo=BERLIN),
                                     zone=BERLIN, now=utc(2026, 10, 1), plan_key=KEY))
    assert plan[followups.CHECK_IN].due_at == datetime(2026, 10, 29, 11, 0, tzinfo=BERLIN)
    assert plan[followups.CHECK_IN].due_at == utc(2026, 10, 29, 10, 0)


def test_interview_tomorrow_morning_gets_its_checklist_soon() -> None:
    now = datetime(2026, 12, 2, 20, 30, tzinfo=NY)  # 18:00 the day before has passed
    plan = followups.plan_interview(interview_at=datetime(2026, 12, 3, 9, 0, tzinfo=NY), zone=NY,
                             now=now, plan_key=KEY)
    day_before = by_kind(plan)[followups.DAY_BEFORE]
    assert day_before.soon and day_before.due_at == now + followups.SOON


def test_interview_within_the_hour_gets_no_checklist() -> None:
    now = utc(2026, 12, 3, 13, 15)
    plan = followups.plan_interview(interview_at=utc(2026, 12, 3, 14, 0), zone=NY, now=now,
                             plan_key=KEY)
    assert followups.DAY_BEFORE not in by_kind(plan)
    assert plan.skipped == ((followups.DAY_BEFORE, "the interview is less than an hour away"),)
    assert followups.THANK_YOU in by_kind(plan)


def test_a_late_evening_interview_gets_its_thank_you_the_next_morning() -> None:
    # Ends 21:00 local; 23:00 is quiet hours, so 08:00 the next day (inside the 24 hours).
    plan = by_kind(followups.plan_interview(interview_at=datetime(2026, 12, 3, 20, 0, tzinfo=NY),
                                     zone=NY, now=utc(2026, 11, 1), plan_key=KEY))
    assert plan[followups.THANK_YOU].due_at == datetime(2026, 12, 4, 8, 0, tzinfo=NY)


def test_a_plan_for_an_interview_that_just_ended_sends_the_thank_you_soon() -> None:
    now = utc(2026, 12, 3, 18, 0)  # ended 15:00, so 17:00 has passed
    plan = followups.plan_interview(interview_at=utc(2026, 12, 3, 14, 0), zone=ZoneInfo("UTC"), now=now,
                             plan_key=KEY)
    nudges = by_kind(plan)
    assert nudges[followups.THANK_YOU].due_at == now + followups.SOON and nudges[followups.THANK_YOU].soon
    assert followups.DAY_BEFORE not in nudges


def test_keys_are_stable_for_the_same_interview_and_differ_when_it_moves() -> None:
    at = utc(2026, 12, 3, 14)
    key = followups.interview_plan_key(7, "  Acme  Corp", "Data Analyst", at)
    assert key == followups.interview_plan_key(7, "acme corp", "data analyst ", at)
    assert key != followups.interview_plan_key(8, "acme corp", "data analyst", at)
    assert key != followups.interview_plan_key(7, "acme corp", "data analyst", at + timedelta(hours=1))
    first = followups.plan_interview(interview_at=at, zone=NY, now=utc(2026, 11, 1), plan_key=key)
    again = followups.plan_interview(interview_at=at, zone=BERLIN, now=utc(2026, 11, 2), plan_key=key)
    moved = followups.plan_interview(interview_at=at + timedelta(days=1), zone=NY, now=utc(2026, 11, 1),
                              plan_key=key)
    assert [n.dedupe_key for n in first.nudges] == [n.dedupe_key for n in again.nudges]
    assert not {n.dedupe_key for n in first.nudges} & {n.dedupe_key for n in moved.nudges}


def test_practice_again_is_three_days_later_at_ten_local() -> None:
    finished = datetime(2026, 3, 6, 21, 30, tzinfo=NY)  # Friday evening, before the DST change
    assert followups.practice_due(finished, NY) == datetime(2026, 3, 9, 10, 0, tzinfo=NY)
    assert followups.practice_due(finished, NY) == utc(2026, 3, 9, 14, 0)
    assert followups.practice_due(utc(2026, 3, 6, 12), None) == utc(2026, 3, 9, 12)


# --------------------------------------------------------------------------- lateness

INTERVIEW = utc(2026, 12, 3, 14)
PAYLOAD = {"interview_at": INTERVIEW.isoformat(),
           "interview_end": (INTERVIEW + timedelta(hours=1)).isoformat()}


@pytest.mark.parametrize(("kind", "due", "now", "action"), [
    # On time, within the grace period, late but useful, past its use.
    (followups.DAY_BEFORE, utc(2026, 12, 2, 23), utc(2026, 12, 2, 23, 10), "send"),
    (followups.DAY_BEFORE, utc(2026, 12, 2, 23), utc(2026, 12, 3, 9), "late"),
    (followups.DAY_BEFORE, utc(2026, 12, 2, 23), utc(2026, 12, 3, 14), "drop"),
    (followups.THANK_YOU, utc(2026, 12, 3, 17), utc(2026, 12, 4, 14, 59), "late"),
    (followups.THANK_YOU, utc(2026, 12, 3, 17), utc(2026, 12, 4, 15), "drop"),
    (followups.CHECK_IN, utc(2026, 12, 10, 14), utc(2026, 12, 16, 14), "late"),
    (followups.CHECK_IN, utc(2026, 12, 10, 14), utc(2026, 12, 17, 14), "drop"),
    (followups.PRACTICE_AGAIN, utc(2026, 12, 10, 14), utc(2026, 12, 13, 14), "late"),
    (followups.PRACTICE_AGAIN, utc(2026, 12, 10, 14), utc(2026, 12, 14, 14), "drop"),
])
def test_lateness_rules(kind: str, due: datetime, now: datetime, action: str) -> None:
    verdict = followups.assess(kind, due, PAYLOAD, now)
    assert verdict.action == action
    if action == "drop":
        assert verdict.reason.startswith("past its use") and not verdict.sends
    else:
        assert verdict.sends


def test_drop_reason_says_why() -> None:
    verdict = followups.assess(followups.THANK_YOU, utc(2026, 12, 3, 17), PAYLOAD, utc(2026, 12, 6))
    assert "24 hours" in verdict.reason and "2026-12-04T15:00Z" in verdict.reason


def test_late_line_is_a_relative_discord_timestamp() -> None:
    line = followups.late_line(utc(2026, 12, 3, 17), utc(2026, 12, 3, 20))
    assert f"<t:{int(utc(2026, 12, 3, 17).timestamp())}:R>" in line and "late" in line


# --------------------------------------------------------------------------- snooze

def test_snooze_options() -> None:
    now = datetime(2026, 12, 5, 15, 20, tzinfo=NY)
    due = now.astimezone(UTC)
    hour = followups.snooze("1h", kind=followups.CHECK_IN, due_at=due, payload={}, now=now, zone=NY)
    assert hour.until == now + timedelta(hours=1)
    tomorrow = followups.snooze("tomorrow", kind=followups.CHECK_IN, due_at=due, payload={}, now=now, zone=NY)
    assert tomorrow.until == datetime(2026, 12, 6, 9, 0, tzinfo=NY)
    three = followups.snooze("3d", kind=followups.CHECK_IN, due_at=due, payload={}, now=now, zone=NY)
    assert three.until == datetime(2026, 12, 8, 15, 20, tzinfo=NY)
    with pytest.raises(ValueError):
        followups.snooze("forever", kind=followups.CHECK_IN, due_at=due, payload={}, now=now, zone=NY)


def test_snooze_three_days_across_dst_keeps_the_wall_clock() -> None:
    now = datetime(2026, 3, 6, 17, 0, tzinfo=NY)
    decision = followups.snooze("3d", kind=followups.CHECK_IN, due_at=now, payload={}, now=now, zone=NY)
    assert decision.until == datetime(2026, 3, 9, 17, 0, tzinfo=NY)
    assert decision.until - now == timedelta(days=3) - timedelta(hours=1)


def test_snooze_past_a_nudges_use_is_refused() -> None:
    now = utc(2026, 12, 3, 17)
    refused = followups.snooze("3d", kind=followups.THANK_YOU, due_at=now, payload=PAYLOAD, now=now, zone=NY)
    assert refused.until is None and "too late" in refused.refusal
    allowed = followups.snooze("1h", kind=followups.THANK_YOU, due_at=now, payload=PAYLOAD, now=now, zone=NY)
    assert allowed.until == now + timedelta(hours=1)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        followups.plan_interview(interview_at=datetime(2026, 12, 3, 14), zone=NY,  # noqa: DTZ001
                          now=utc(2026, 11, 1), plan_key=KEY)


# --------------------------------------------------------------------------- whether it goes out

def skip(kind: str = followups.THANK_YOU, **facts: object) -> followups.Skip | None:
    state: dict[str, object] = {"user_deleted": False, "nudges_off": False,
                                "plan_status": "active"}
    state.update(facts)
    return followups.reason_to_skip(kind, **state)  # type: ignore[arg-type]


def test_a_nudge_goes_out_when_nothing_changed_since_it_was_planned() -> None:
    for kind in followups.KINDS:
        assert skip(kind) is None
    assert skip(followups.PRACTICE_AGAIN, plan_status=None) is None  # a nudge outside any plan
    assert skip(followups.CHECK_IN, plan_outcome=followups.NO_NEWS) is None  # still waiting


def test_deleted_data_and_stopped_plans_cancel_the_nudge() -> None:
    assert skip(user_deleted=True) == followups.Skip("the user's data was deleted", "cancelled")
    assert skip(plan_status="cancelled") == followups.Skip("the plan was stopped", "cancelled")
    # Deleted data wins over everything else.
    assert skip(user_deleted=True, nudges_off=True, plan_status="cancelled").reason == (
        "the user's data was deleted")


def test_nudges_off_drops_the_nudge_but_leaves_the_plan() -> None:
    dropped = skip(nudges_off=True, plan_status="cancelled")
    assert dropped is not None and dropped.status == "dropped" and "turned off" in dropped.reason


def test_a_known_outcome_cancels_only_the_check_in() -> None:
    recorded = skip(followups.CHECK_IN, plan_outcome="offer")
    assert recorded == followups.Skip("an outcome was recorded (offer), no check-in needed",
                                      "cancelled")
    journal = skip(followups.CHECK_IN, journal_outcome="rejected")
    assert journal is not None and journal.status == "cancelled" and "journal (rejected)" in journal.reason
    assert skip(followups.THANK_YOU, plan_outcome="offer", journal_outcome="offer") is None


# --------------------------------------------------------------------------- what it says

DETAILS = {"company": "Acme", "role": "Analyst", "interviewer": "Dana", "candidate": "Sam",
           "stage": "final", "interview_at": INTERVIEW.isoformat(),
           "interview_end": (INTERVIEW + timedelta(hours=1)).isoformat()}


def test_each_kind_has_its_template_and_context() -> None:
    name, context = followups.nudge_template(followups.DAY_BEFORE, DETAILS, items=["Pack"],
                                             notes=[{"stage": "second_round"}])
    assert name == "nudges/day_before.md.j2"
    assert context == {"company": "Acme", "role": "Analyst", "interviewer": "Dana",
                       "candidate": "Sam", "stage": "final", "when": INTERVIEW,
                       "items": ["Pack"], "notes": [{"stage": "second_round"}], "job_map": []}
    name, context = followups.nudge_template(followups.THANK_YOU, DETAILS)
    assert name == "nudges/thank_you.md.j2"
    assert context["deadline"] == INTERVIEW + timedelta(hours=1)  # no deadline: the end
    _, context = followups.nudge_template(followups.THANK_YOU,
                                          dict(DETAILS, deadline=utc(2026, 12, 4, 15).isoformat()))
    assert context["deadline"] == utc(2026, 12, 4, 15)
    name, context = followups.nudge_template(followups.CHECK_IN, DETAILS)
    assert (name, context["interview_date"]) == ("nudges/check_in.md.j2", INTERVIEW)
    name, context = followups.nudge_template(followups.PRACTICE_AGAIN, {"questions": [
        {"id": "why_us", "number": 2, "text": "Why us?", "label": "Company alignment"},
        {"id": "conflict"}]})
    assert name == "nudges/practice_again.md.j2"
    assert context == {"script_title": "your mock interview", "questions": [
        {"number": 2, "text": "Why us?", "label": "Company alignment"},
        {"number": "", "text": "", "label": ""}]}
    with pytest.raises(ValueError):
        followups.nudge_template("birthday", DETAILS)


def test_a_day_before_nudge_without_a_stage_is_for_a_second_round() -> None:
    details = {k: v for k, v in DETAILS.items() if k != "stage"}
    assert followups.nudge_template(followups.DAY_BEFORE, details)[1]["stage"] == "second_round"


def journal_entry(entry_id: int, at: datetime | None, created: datetime, **fields: str) -> JournalEntry:
    values = {"company": "Acme", "role": "", "stage": "", "interviewers": "", "notes": "",
              "feedback": "", "outcome": ""}
    values.update(fields)
    return JournalEntry(id=entry_id, user_id=1, interview_at=at, created_at=created,
                        updated_at=created, **values)


def test_earlier_rounds_are_the_rounds_before_oldest_first_without_this_one() -> None:
    first = journal_entry(1, utc(2026, 11, 10), utc(2026, 11, 1), stage="first_round",
                          notes="Asked about SQL.")
    second = journal_entry(2, None, utc(2026, 11, 20), stage="second_round", feedback="Good.")
    this = journal_entry(3, INTERVIEW, utc(2026, 11, 25), stage="final")
    later = journal_entry(4, utc(2026, 12, 20), utc(2026, 11, 26))
    rounds = followups.earlier_rounds([later, this, second, first], before=INTERVIEW,
                                      this_entry_id=this.id)
    assert [r["stage"] for r in rounds] == ["first_round", "second_round"]
    assert rounds[0] == {"stage": "first_round", "date": utc(2026, 11, 10), "interviewers": "",
                         "notes": "Asked about SQL.", "feedback": ""}
    assert rounds[1]["date"] is None  # logged without a time: ordered by when it was logged


def test_summaries_name_only_the_company_and_escape_it() -> None:
    day_before = followups.nudge_summary(followups.DAY_BEFORE, dict(DETAILS, company="@everyone"))
    assert "final round at @\u200beveryone" in day_before.lower()
    assert f"<t:{int(INTERVIEW.timestamp())}:F>" in day_before
    assert "thank-you note for Acme" in followups.nudge_summary(followups.THANK_YOU, DETAILS)
    assert "since your Acme interview" in followups.nudge_summary(followups.CHECK_IN, DETAILS)
    assert "Practise again: your mock interview" in followups.nudge_summary(
        followups.PRACTICE_AGAIN, {})
    assert followups.nudge_summary("other", {}) == "A reminder (other)."


def plan(kind: str = "interview", **details: object) -> FollowUpPlan:
    return FollowUpPlan(id=3, user_id=1, journal_entry_id=None, kind=kind, guild_id=None,
                        channel_id=None, status="active", details=dict(details),
                        dedupe_key="k", created_at=utc(2026, 11, 1))


def test_plan_titles() -> None:
    assert followups.plan_title(plan(stage="final", company="Acme", role="Analyst")) == (
        "Final round at Acme (Analyst)")
    assert followups.plan_title(plan()) == "Interview at ?"
    assert followups.plan_title(plan("practice", script_title="Final interview")) == (
        "Practice again: Final interview")
    assert followups.plan_title(plan("practice")) == "Practice again: mock interview"


# --------------------------------------------------------------------------- its buttons

def actions(controls: tuple[followups.NudgeControl, ...]) -> list[tuple[str, str]]:
    return [(c.action, c.arg) for c in controls]


def test_a_fresh_thank_you_has_done_snoozes_stop_and_the_outcome_question() -> None:
    controls = followups.nudge_controls(followups.THANK_YOU, {}, in_plan=True)
    assert actions(controls) == [
        ("done", ""), ("snooze", "1h"), ("snooze", "tomorrow"), ("snooze", "3d"), ("stop", ""),
        ("outcome", "next_round"), ("outcome", "offer"), ("outcome", "rejected"),
        ("outcome", "no_news")]
    assert [c.second_row for c in controls] == [False] * 5 + [True] * 4


def test_buttons_follow_what_the_user_did() -> None:
    done = followups.nudge_controls(followups.CHECK_IN, {}, in_plan=True, done=True,
                                    outcome=followups.NO_NEWS)  # no news: asked again
    assert actions(done)[0] == ("stop", "") and ("outcome", "offer") in actions(done)
    heard = followups.nudge_controls(followups.CHECK_IN, {}, in_plan=True, outcome="offer")
    assert not [c for c in heard if c.action == followups.OUTCOME]
    assert followups.nudge_controls(followups.THANK_YOU, {}, in_plan=True,
                                    plan_status="cancelled") == ()
    alone = followups.nudge_controls(followups.DAY_BEFORE, {}, in_plan=False, done=True)
    assert alone == ()


def test_practice_again_offers_its_two_questions() -> None:
    payload = {"questions": [{"id": "a", "number": 2}, {"id": "b", "number": 5}, {"id": "c"}]}
    controls = followups.nudge_controls(followups.PRACTICE_AGAIN, payload, in_plan=True)
    practise = [c for c in controls if c.action == followups.PRACTISE]
    assert [(c.arg, c.label, c.second_row) for c in practise] == [
        ("0", "Practise question 2", True), ("1", "Practise question 5", True)]
    bare = followups.nudge_controls(followups.PRACTICE_AGAIN, {}, in_plan=True)
    assert [(c.arg, c.label) for c in bare if c.action == followups.PRACTISE] == [
        ("0", "Practise now")]


# --------------------------------------------------------------------------- practice again

def answer(question_id: str, number: int, probe: int = 0, text: str = "") -> Answer:
    return Answer(id=number * 10 + probe, session_id=1, question_id=question_id, probe_index=probe,
                  category="behavioural", question_text=text or f"Question {question_id}?",
                  asked_at=utc(2026, 12, 1), finished_at=utc(2026, 12, 1), skipped=False)


def test_practice_takes_the_two_weakest_with_the_reports_details() -> None:
    report = {"weakest_questions": ["why_us", "conflict", "hello"], "improvements": [
        {"label": "Specific evidence", "question_number": 3, "question_id": "conflict",
         "question": "Tell me about a conflict."},
        {"label": "Company alignment", "question_number": 2, "question_id": "why_us",
         "question": "Why us?"}]}
    assert not followups.practice_needs_answers(report)
    assert followups.practice_questions(report) == [
        {"id": "why_us", "number": 2, "text": "Why us?", "label": "Company alignment"},
        {"id": "conflict", "number": 3, "text": "Tell me about a conflict.",
         "label": "Specific evidence"}]


def test_practice_numbers_questions_as_asked_when_the_report_lacks_them() -> None:
    report = {"weakest_questions": ["story", "why_us"], "improvements": [
        {"label": "Structure", "question_id": "why_us"}]}
    assert followups.practice_needs_answers(report)
    asked = [answer("hello", 1), answer("story", 2, text="A hard problem?"),
             answer("story", 2, probe=1, text="How did it end?"), answer("why_us", 3)]
    assert followups.practice_questions(report, asked) == [
        {"id": "story", "number": 2, "text": "A hard problem?", "label": "your weakest score"},
        {"id": "why_us", "number": 3, "text": "Question why_us?", "label": "Structure"}]
    assert followups.practice_questions({}) == []


def test_a_practice_run_plans_no_further_practice() -> None:
    assert followups.practice_follows({"company": "Acme", "only_questions": []})
    assert not followups.practice_follows({"only_questions": ["story"]})
