from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.progress import InterviewScore, QuestionBest
from bot.core.weekly import next_due, nudge_key, summary_line, weekly_summary

NY = ZoneInfo("America/New_York")
LABELS = {"structure": "Structure", "specificity": "Specifics", "alignment": "Company fit"}
SUNDAY = datetime(2026, 12, 6, 23, tzinfo=UTC)  # 18:00 in New York


def test_due_on_sunday_at_18_local_strictly_after() -> None:
    assert next_due(datetime(2026, 12, 2, 9, tzinfo=UTC), NY) == SUNDAY
    assert next_due(SUNDAY, NY) == SUNDAY + timedelta(days=7)
    assert next_due(SUNDAY - timedelta(minutes=1), NY) == SUNDAY
    assert next_due(datetime(2026, 12, 6, 17, tzinfo=UTC), None) == datetime(2026, 12, 6, 18, tzinfo=UTC)


def test_dst_does_not_move_it_off_18_local() -> None:
    # New York leaves daylight saving time on 2026-11-01.
    due = next_due(datetime(2026, 10, 20, tzinfo=UTC), NY)  # Sunday 25 Oct, EDT
    after = next_due(due, NY)
    assert due.astimezone(NY).hour == 18 == after.astimezone(NY).hour
    assert after - due == timedelta(days=7, hours=1)


def test_naive_times_are_refused_and_keys_differ_by_generation() -> None:
    with pytest.raises(ValueError):
        next_due(datetime(2026, 12, 2), NY)  # noqa: DTZ001
    assert nudge_key(1, 1, SUNDAY) != nudge_key(1, 2, SUNDAY) == nudge_key(1, 2, SUNDAY)


def interview(days_before_end: float, overall: float, **dims: float) -> InterviewScore:
    return InterviewScore(int(days_before_end * 10), "final", "Final interview",
                          SUNDAY - timedelta(days=days_before_end), overall, dims)


def test_a_week_with_practice_counts_it_says_what_improved_and_the_weakest_area() -> None:
    earlier = [interview(10, 0.4, structure=0.3, specificity=0.6, alignment=0.5),
               interview(9, 0.4, structure=0.35, specificity=0.6, alignment=0.5)]
    week = [interview(3, 0.6, structure=0.7, specificity=0.5, alignment=0.52),
            interview(1, 0.7, structure=0.8, specificity=0.5, alignment=0.5)]
    pick = QuestionBest("final", "why_us", "Why us?", 3, 0.5, 3, 0.5, 2, True)
    s = weekly_summary(week_end=SUNDAY, interviews=earlier + week, practice_runs=1, bests=[pick], labels=LABELS)
    assert (s.interviews, s.practice_runs, s.practised, s.scripts) == (2, 1, 3, ("Final interview",))
    assert round(s.average, 2) == 0.65
    assert [(m.key, m.points) for m in s.improved] == [("structure", 43)]
    assert [(m.key, m.points) for m in s.slipped] == [("specificity", -10)]
    assert s.weakest[0] == "specificity" and s.suggestion is pick
    assert "3 practice sessions" in summary_line(s)


def test_a_quiet_week_names_the_weakest_area_of_the_latest_interviews() -> None:
    old = [interview(20, 0.5, structure=0.6, alignment=0.2)]
    s = weekly_summary(week_end=SUNDAY, interviews=old, practice_runs=0, bests=[], labels=LABELS)
    assert s.quiet and s.improved == () and s.weakest[0] == "alignment" and s.suggestion is None
    assert "no practice this week" in summary_line(s)
    nothing = weekly_summary(week_end=SUNDAY, interviews=[], practice_runs=0, bests=[], labels=LABELS)
    assert nothing.weakest is None and nothing.average is None
