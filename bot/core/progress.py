"""How a candidate's scores move across their finished mock interviews. Pure: reports in, trends
out, so the history view only draws them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SPARK = "▁▂▃▄▅▆▇█"
TREND_WINDOW = 10  # the latest finished interviews a trend looks at


@dataclass(frozen=True, slots=True)
class DimensionTrend:
    key: str
    label: str
    scores: tuple[float, ...]  # oldest first, each 0..1

    @property
    def change(self) -> int:
        """Points (0..100 scale) from the first score to the last."""
        return round((self.scores[-1] - self.scores[0]) * 100)

    @property
    def sparkline(self) -> str:
        return sparkline(self.scores)


def sparkline(scores: Sequence[float]) -> str:
    """One bar per score, from ▁ (0) to █ (1); out-of-range scores are clamped."""
    return "".join(SPARK[max(0, min(len(SPARK) - 1, int(score * len(SPARK))))] for score in scores)


def dimension_trends(reports_oldest_first: Iterable[Mapping[str, Any]],
                     labels: Mapping[str, str]) -> list[DimensionTrend]:
    """Per dimension (in `labels` order), the scores of the latest `TREND_WINDOW` reports that
    scored it; a dimension needs two scores to have a trend."""
    reports = list(reports_oldest_first)[-TREND_WINDOW:]
    trends = []
    for key, label in labels.items():
        scores = tuple(float(d["score"]) for report in reports for d in report.get("dimensions") or []
                       if d.get("key") == key and d.get("score") is not None)
        if len(scores) >= 2:
            trends.append(DimensionTrend(key, label, scores))
    return trends
