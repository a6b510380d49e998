"""The preparation time of a case exercise, and the brief in the state machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.interview import Interview, InterviewError, transcript_entries
from bot.core.preparation import DEFAULT_MINUTES, MAX_MINUTES, PreparationError, check_minutes, ready_by, time_left

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "minutes"), [(None, DEFAULT_MINUTES), ("", DEFAULT_MINUTES), (5, 5), ("15", 15),
                                                 (" 20 min", 20), ("25 minutes", 25), (1, 1), (12.0, 12)])
def test_a_sensible_preparation_time_is_taken(typed, minutes):
    assert check_minutes(typed) == minutes


@pytest.mark.parametrize("typed", [0, -5, 26, 31, 600, "soon", "2.5", 2.5, True, "ten"])
def test_an_absurd_preparation_time_is_refused_kindly(typed):
    with pytest.raises(PreparationError, match="minutes"):
        check_minutes(typed)


def test_the_limit_can_be_lower_than_the_maximum():
    assert check_minutes(None, limit=5) == 5
    with pytest.raises(PreparationError, match="1 to 20"):
        check_minutes(25, limit=20)


@given(st.one_of(st.integers(), st.text(max_size=12), st.floats(allow_nan=True), st.none()))
def test_any_preparation_time_is_taken_in_range_or_refused(typed):
    try:
        minutes = check_minutes(typed)
    except PreparationError as error:
        assert "minutes" in str(error)
        return
    assert 1 <= minutes <= MAX_MINUTES


def test_the_deadline_and_what_is_left():
    deadline = ready_by(NOW, 10)
    assert deadline == NOW + timedelta(minutes=10)
    assert time_left(NOW, deadline) == "10 minutes left"
    assert time_left(deadline - timedelta(seconds=40), deadline) == "40 seconds left"
    assert time_left(deadline, deadline) == "time is up"
    with pytest.raises(ValueError):
        ready_by(datetime(2026, 12, 1, 10, 0), 5)  # noqa: DTZ001 (naive on purpose: refused)


def _case(library, minutes=7, **context):
    ctx = {"candidate": "Sam", "role": "Data Analyst", "company": "Acme", "preparation_minutes": minutes, **context}
    return Interview(library.script("case_presentation"), ctx)


def _to_brief(interview):
    interview.start(NOW)
    interview.add_part("Fine, thanks, looking forward to it.", NOW)
    return interview.finish_answer(NOW + timedelta(minutes=1)).question


def test_the_brief_starts_the_preparation_time_the_candidate_chose(shipped_library):
    interview = _case(shipped_library)
    brief = _to_brief(interview)
    assert brief is not None and brief.question_id == "case_brief"
    assert brief.preparation_minutes == 7 and brief.ready_by == NOW + timedelta(minutes=8)
    assert "7 minutes to prepare" in brief.text and "churn" in brief.text  # the data family's brief
    assert interview.preparation_deadline() == NOW + timedelta(minutes=8)


def test_time_running_out_moves_on_to_the_presentation(shipped_library):
    interview = _case(shipped_library)
    _to_brief(interview)
    with pytest.raises(InterviewError, match="not run out"):
        interview.end_preparation(NOW + timedelta(minutes=7, seconds=59))
    interview.add_part("notes: churn in first 90 days; price change", NOW + timedelta(minutes=3))
    step = interview.end_preparation(NOW + timedelta(minutes=8))
    assert step.question is not None and step.question.question_id == "case_present"
    assert interview.preparation_deadline() is None
    with pytest.raises(InterviewError, match="no preparation"):
        interview.end_preparation(NOW + timedelta(minutes=9))
    # The notes are kept in the transcript but not judged.
    [brief] = [e for e in transcript_entries(interview) if e["question_id"] == "case_brief"]
    assert brief["prepares"] and "price change" in brief["answer"] and brief["score"] is None
    assert all(s.question_id != "case_brief" for s in interview.scored_answers())


def test_ready_early_with_no_notes(shipped_library):
    interview = _case(shipped_library)
    _to_brief(interview)
    step = interview.finish_answer(NOW + timedelta(minutes=2))
    assert step.question is not None and step.question.question_id == "case_present"


def test_a_paused_candidate_is_not_moved_on(shipped_library):
    interview = _case(shipped_library)
    _to_brief(interview)
    interview.pause()
    with pytest.raises(InterviewError):
        interview.end_preparation(NOW + timedelta(hours=1))


def test_the_presentation_is_judged_on_its_structure(shipped_library):
    interview = _case(shipped_library, interviewers=[{"name": "Dana Lee", "title": "Head of Data"},
                                                     {"name": "Ravi Patel", "title": "Staff Engineer"}])
    _to_brief(interview)
    interview.finish_answer(NOW + timedelta(minutes=2))
    interview.add_part("Well, there is a lot in the brief and many things matter here.", NOW)
    probe = interview.finish_answer(NOW + timedelta(minutes=5)).question
    assert probe is not None and probe.is_probe and "one sentence" in probe.text
    interview.add_part("I recommend we focus on onboarding first.", NOW)
    interview.finish_answer(NOW + timedelta(minutes=6))
    asked = interview.current_question()
    while asked.question_id == "case_present":
        interview.skip(NOW + timedelta(minutes=7))
        asked = interview.current_question()
    # The challenge comes from the leader, quoting the presentation.
    assert asked.question_id == "case_assumption" and asked.asker["name"] == "Dana Lee"
    assert "push back" in asked.text
    nxt = interview.skip(NOW + timedelta(minutes=8)).question
    assert nxt is not None and nxt.asker["name"] == "Ravi Patel" and nxt.handover


def test_the_brief_draws_on_the_job_description_when_one_is_given(shipped_library):
    from bot.core.scripts import sample_job

    job = sample_job()
    with_job = _to_brief(_case(shipped_library, job=job))
    without = _to_brief(_case(shipped_library))
    assert with_job is not None and without is not None
    assert job["responsibilities"][0] in with_job.text
    assert job["responsibilities"][0] not in without.text and "what this role" not in without.text


@pytest.mark.parametrize("typed", ["¹", "²0", "٣", "①"])
def test_a_preparation_time_in_other_digit_characters_is_refused_kindly(typed):
    # str.isdigit() accepts superscripts and other scripts' digits, which int() may not read.
    with pytest.raises(PreparationError, match="minutes"):
        check_minutes(typed)
