"""The rules of mentor and peer mock interviews: who may do what, when a time counts as agreed,
the reminders, and the scores."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import mocks
from bot.core.mocks import MockError, MockInterview

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SAM, OLIVE, EVE = 1, 2, 3


def request(**changes) -> MockInterview:
    base = MockInterview(
        id=7, guild_id=9, kind="request", status=mocks.OPEN, candidate_id=SAM, interviewer_id=None,
        created_by=SAM, script_key="final", stage="final", role="", company="", starts_at=None,
        proposed_by=None, candidate_ok=False, interviewer_ok=False, request_channel_id=None,
        request_message_id=None, thread_id=None, voice_channel_id=None, session_id=None, asked_key=None, ended_by=None,
        no_show_id=None, swapped_from=None, version=0, created_at=NOW, updated_at=NOW)
    return replace(base, **changes)


def agreed(at: datetime = NOW + timedelta(days=2)) -> MockInterview:
    return mocks.claim(request(starts_at=at, candidate_ok=True, proposed_by=SAM), OLIVE, NOW)


def test_claiming_a_timed_request_agrees_its_time():
    mock = agreed()
    assert mock.status == mocks.CONFIRMED and mock.agreed and mock.interviewer_id == OLIVE


def test_claiming_an_untimed_request_waits_for_a_time():
    mock = mocks.claim(request(), OLIVE, NOW)
    assert mock.status == mocks.PROPOSED and not mock.agreed


@pytest.mark.parametrize(("who", "message"), [(SAM, "your own request")])
def test_who_may_not_claim(who, message):
    with pytest.raises(MockError, match=message):
        mocks.claim(request(), who, NOW)


def test_a_claimed_request_cannot_be_claimed_again():
    with pytest.raises(MockError, match="already claimed"):
        mocks.claim(agreed(), EVE, NOW)


def test_a_new_time_needs_the_other_to_confirm():
    mock = mocks.propose(agreed(), OLIVE, NOW + timedelta(days=3), NOW)
    assert mock.status == mocks.PROPOSED and mock.interviewer_ok and not mock.candidate_ok
    with pytest.raises(MockError, match="already"):
        mocks.confirm(mock, OLIVE, NOW)
    assert mocks.confirm(mock, SAM, NOW).status == mocks.CONFIRMED


def test_times_in_the_past_or_too_far_are_refused():
    with pytest.raises(MockError, match="passed"):
        mocks.propose(agreed(), SAM, NOW - timedelta(minutes=1), NOW)
    with pytest.raises(MockError, match="90 days"):
        mocks.propose(agreed(), SAM, NOW + timedelta(days=91), NOW)


def test_a_third_member_may_do_nothing():
    mock = agreed()
    for attempt in (lambda: mocks.propose(mock, EVE, NOW + timedelta(days=1), NOW),
                    lambda: mocks.confirm(mock, EVE, NOW), lambda: mocks.cancel(mock, EVE, NOW),
                    lambda: mocks.record_no_show(mock, EVE, NOW + timedelta(days=3)),
                    lambda: mocks.start(mock, EVE, NOW, session_id=1),
                    lambda: mocks.require_interviewer(mock, EVE)):
        with pytest.raises(MockError, match="not yours"):
            attempt()
    assert not mocks.may_see(mock, EVE) and mocks.may_see(mock, EVE, moderator=True)


def test_only_the_interviewer_starts_and_drives_it():
    mock = agreed()
    with pytest.raises(MockError, match="Only the interviewer"):
        mocks.start(mock, SAM, NOW, session_id=1)
    running = mocks.start(mock, OLIVE, NOW, session_id=5)
    assert running.status == mocks.RUNNING and running.session_id == 5
    mocks.require_interviewer(running, OLIVE)
    with pytest.raises(MockError, match="interviewer only"):
        mocks.require_interviewer(running, SAM)
    with pytest.raises(MockError, match="end it instead"):
        mocks.cancel(running, SAM, NOW)
    assert mocks.end(running, SAM, NOW).status == mocks.FINISHED


def test_a_no_show_only_after_the_time_and_names_the_other():
    mock = agreed()
    with pytest.raises(MockError, match="little time"):
        mocks.record_no_show(mock, SAM, mock.starts_at + timedelta(minutes=5))
    late = mocks.record_no_show(mock, SAM, mock.starts_at + timedelta(minutes=11))
    assert late.status == mocks.NO_SHOW and late.no_show_id == OLIVE


def test_reminders_a_day_and_a_quarter_before_for_both_keyed_by_time():
    mock = agreed()
    planned = mocks.reminders(mock, NOW)
    assert sorted((p.user_id, mock.starts_at - p.due_at) for p in planned) == [
        (SAM, timedelta(minutes=15)), (SAM, timedelta(hours=24)),
        (OLIVE, timedelta(minutes=15)), (OLIVE, timedelta(hours=24))]
    moved = mocks.confirm(mocks.propose(mock, SAM, mock.starts_at + timedelta(hours=1), NOW), OLIVE, NOW)
    assert not {p.dedupe_key for p in planned} & {p.dedupe_key for p in mocks.reminders(moved, NOW)}
    # An old reminder is not wanted once the time moved, or the mock interview was cancelled.
    assert mocks.reminder_still_wanted(moved, planned[0].payload) is not None
    assert mocks.reminder_still_wanted(mock, planned[0].payload) is None
    assert "cancelled" in mocks.reminder_still_wanted(mocks.cancel(mock, SAM, NOW), planned[0].payload)
    # Only those still ahead.
    soon = agreed(NOW + timedelta(hours=2))
    assert {soon.starts_at - p.due_at for p in mocks.reminders(soon, NOW)} == {timedelta(minutes=15)}


def test_swap_needs_a_finished_session():
    running = mocks.start(agreed(), OLIVE, NOW, session_id=5)
    with pytest.raises(MockError, match="finished"):
        mocks.swapped(running)
    assert mocks.swapped(mocks.end(running, OLIVE, NOW)) == (OLIVE, SAM)


def test_swap_books_one_return_match_only():
    from dataclasses import replace

    finished = mocks.end(mocks.start(agreed(), OLIVE, NOW, session_id=5), OLIVE, NOW)
    booked = replace(finished, id=finished.id + 1, swapped_from=finished.id, status=mocks.PROPOSED)
    with pytest.raises(MockError, match="return match is booked already"):
        mocks.swapped(finished, booked)


def test_scores_aggregate_in_script_order():
    marks = [("b", 0, 4), ("a", 1, 2), ("a", 0, 3)]
    result, overall = mocks.aggregate(marks, {"c": "nice"}, ["a", "b", "c", "d"])
    assert [(q.question_id, q.scores, q.note) for q in result] == [
        ("a", {0: 3, 1: 2}, ""), ("b", {0: 4}, ""), ("c", {}, "nice")]
    assert result[0].average == 2.5 and overall == 3.0


@given(st.integers(min_value=-5, max_value=10), st.integers(min_value=-2, max_value=8))
def test_only_scores_1_to_4_on_real_points(score, point):
    try:
        mocks.check_score(point, score, 3)
    except MockError:
        assert score not in (1, 2, 3, 4) or not 0 <= point < 3
    else:
        assert score in (1, 2, 3, 4) and 0 <= point < 3


@given(st.text(max_size=700))
def test_notes_are_bounded_and_tidy(text):
    try:
        note = mocks.clean_note(text)
    except MockError:
        assert len(text.strip()) > mocks.MAX_NOTE or len(" ".join(text.split())) > mocks.MAX_NOTE
    else:
        assert len(note) <= mocks.MAX_NOTE and note == note.strip()
