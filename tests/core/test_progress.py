from __future__ import annotations

from bot.core.progress import TREND_WINDOW, dimension_trends, sparkline

LABELS = {"structure": "Structure", "specificity": "Specifics"}


def report(**scores: float | None) -> dict:
    return {"dimensions": [{"key": k, "score": v} for k, v in scores.items()]}


def test_sparkline_spans_low_to_high_and_clamps() -> None:
    assert sparkline([0.0, 0.5, 0.99, 1.0, 1.7, -0.2]) == "▁▅███▁"


def test_trend_per_dimension_in_label_order_with_change_in_points() -> None:
    trends = dimension_trends([report(structure=0.2, specificity=0.5), report(structure=0.65)], LABELS)
    assert [(t.key, t.scores, t.change) for t in trends] == [("structure", (0.2, 0.65), 45)]
    assert trends[0].sparkline == "▂▆"


def test_a_dimension_never_scored_twice_has_no_trend_and_none_scores_are_skipped() -> None:
    trends = dimension_trends([report(structure=None, specificity=0.9), report(specificity=0.4)], LABELS)
    assert [(t.key, t.change) for t in trends] == [("specificity", -50)]


def test_only_the_latest_window_counts() -> None:
    reports = [report(structure=0.0)] * 5 + [report(structure=1.0)] * TREND_WINDOW
    (trend,) = dimension_trends(reports, LABELS)
    assert trend.scores == (1.0,) * TREND_WINDOW and trend.change == 0


# --------------------------------------------------------------------------- the chart's data

from datetime import UTC, datetime, timedelta  # noqa: E402

from bot.core.progress import (  # noqa: E402
    CHART_WINDOW,
    Attempt,
    InterviewScore,
    QuestionBest,
    attempts_from_report,
    chart_message,
    compare_attempts,
    interview_score,
    practice_pick,
    progress_chart,
)

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def scored(i: int, overall: float, script: str = "final", **dims: float) -> InterviewScore:
    return InterviewScore(i, script, script.title(), T0 + timedelta(days=i), overall, dims)


def test_a_chart_needs_two_interviews_and_says_why_otherwise() -> None:
    assert progress_chart([], LABELS) is None
    assert progress_chart([scored(1, 0.5)], LABELS) is None
    assert "two mock interviews" in chart_message(0) and "second finished" in chart_message(1)
    chart = progress_chart([scored(1, 0.4, structure=0.3), scored(2, 0.7, structure=0.6)], LABELS)
    assert chart is not None
    assert chart.overall.points == ((0, 0.4), (1, 0.7)) and chart.overall.change == 30
    assert [(d.key, d.change) for d in chart.dimensions] == [("structure", 30)]


def test_a_dimension_measured_once_gets_no_line_but_keeps_its_interviews_place() -> None:
    chart = progress_chart([scored(1, 0.4, specificity=0.2), scored(2, 0.5), scored(3, 0.6, specificity=0.8)],
                           LABELS)
    assert chart is not None
    (spec,) = chart.dimensions
    assert spec.points == ((0, 0.2), (2, 0.8))


def test_the_chart_shows_the_latest_window_and_names_the_scripts_most_used_first() -> None:
    interviews = [scored(i, 0.5, "second_round" if i % 3 else "final") for i in range(CHART_WINDOW + 10)]
    chart = progress_chart(interviews, LABELS, total=200)
    assert chart is not None and len(chart.interviews) == CHART_WINDOW
    assert chart.interviews[0].session_id == 10 and chart.total == 200
    assert [s[0] for s in chart.scripts] == ["second_round", "final"]
    assert sum(s[2] for s in chart.scripts) == CHART_WINDOW


def test_a_stored_report_is_read_for_the_chart_and_an_empty_one_is_left_out() -> None:
    report = {"overall": 0.62, "answered": 3,
              "dimensions": [{"key": "structure", "score": 0.5}, {"key": "questions", "score": None}]}
    point = interview_score(4, "final", "Final", T0, report)
    assert point is not None and point.overall == 0.62 and point.dimensions == {"structure": 0.5}
    assert interview_score(5, "final", "Final", T0, {"overall": 0.0, "answered": 0}) is None


# --------------------------------------------------------------------------- attempts

NOTE = {"kind": "fix", "dimension": "specificity", "label": "Specific evidence", "signal": "",
        "text": "Add a number.", "quote": ""}


def attempt(session: int, score: float, **scores: float) -> Attempt:
    return Attempt(session, "final", "why_us", "Why us?", score, scores, (NOTE,), T0 + timedelta(days=session))


def test_attempts_come_from_the_answered_questions_of_a_report() -> None:
    report = {"answers": [
        {"question_id": "a", "question": "A?", "score": 0.6, "scores": {"structure": 0.5}, "notes": [NOTE]},
        {"question_id": "b", "question": "B?", "score": None, "skipped": True},
        {"question_id": "c", "question": "C?", "score": 0.3},  # a report from before per-answer scores
    ]}
    found = attempts_from_report(report, session_id=9, script_id="final", finished_at=T0, practice=True)
    assert [(a.question_id, a.score, a.scores, a.practice) for a in found] == [
        ("a", 0.6, {"structure": 0.5}, True), ("c", 0.3, {}, True)]
    assert found[0].notes == (NOTE,)


def test_a_comparison_says_what_improved_what_did_not_and_the_best() -> None:
    labels = {"structure": "Structure", "specificity": "Specifics", "relevance": "Relevance"}
    before = attempt(1, 0.45, structure=0.4, specificity=0.3, relevance=0.7)
    after = attempt(2, 0.66, structure=0.7, specificity=0.32, relevance=0.6)
    c = compare_attempts(before, after, None, labels)
    assert c.points == 21 and c.verdict == "better" and c.new_best and c.still_weak
    assert [d.key for d in c.improved] == ["structure"]
    assert [d.key for d in c.worse] == ["relevance"] and [d.key for d in c.unchanged] == ["specificity"]


def test_a_worse_attempt_keeps_the_earlier_best() -> None:
    best = attempt(1, 0.8, structure=0.8)
    c = compare_attempts(attempt(2, 0.6, structure=0.6), attempt(3, 0.58, structure=0.7), best,
                         {"structure": "Structure"})
    assert c.verdict == "about the same" and not c.new_best and c.best is best and not c.still_weak


def best(question: str, score: float, attempts: int = 1, practised: bool = False) -> QuestionBest:
    return QuestionBest("final", question, f"{question}?", 1, score, 1, score, attempts, practised)


def test_the_question_to_practise_is_the_weakest_best_and_none_when_all_are_strong() -> None:
    assert practice_pick([best("a", 0.9)]) is None
    assert practice_pick([best("a", 0.6), best("b", 0.4, 3), best("c", 0.4, 1)]).question_id == "c"
    assert best("a", 0.6, practised=True).still_weak_after_practice
    assert not best("a", 0.6).still_weak_after_practice and not best("a", 0.75, practised=True).weak
