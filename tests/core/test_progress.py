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
