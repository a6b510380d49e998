"""How a candidate's scores move across their finished mock interviews, and how one question's
attempts compare. Pure: reports and stored attempts in, trends, chart series and comparisons
out, so the history view, the chart and the practice report only draw them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SPARK = "▁▂▃▄▅▆▇█"
TREND_WINDOW = 10  # the latest finished interviews a trend looks at
CHART_WINDOW = 50  # the latest finished interviews the progress chart reads (one bounded query)
CHART_MINIMUM = 2  # interviews a chart needs; fewer get a message instead
STRONG = 0.7  # an answer at or above this is strong (bot.core.feedback.STRONG_ANSWER)
CHANGE_POINTS = 5  # a dimension that moved at least this many points (0..100) moved


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


# --------------------------------------------------------------------------- the chart's data

@dataclass(frozen=True, slots=True)
class InterviewScore:
    """One finished interview as the chart and the weekly summary see it."""

    session_id: int
    script_id: str
    title: str  # the script's title, as the candidate saw it
    finished_at: datetime
    overall: float  # 0..1
    dimensions: dict[str, float]  # the dimensions it measured, 0..1


@dataclass(frozen=True, slots=True)
class ChartSeries:
    key: str
    label: str
    points: tuple[tuple[int, float], ...]  # (index of the interview, score 0..1), oldest first

    @property
    def latest(self) -> float:
        return self.points[-1][1]

    @property
    def change(self) -> int:
        """Points (0..100) from its first score on the chart to its latest."""
        return round((self.points[-1][1] - self.points[0][1]) * 100)


@dataclass(frozen=True, slots=True)
class ProgressChart:
    """What the progress chart draws: the interviews (oldest first), the overall line, one
    small line per dimension that was measured at least twice, and the scripts named."""

    interviews: tuple[InterviewScore, ...]
    overall: ChartSeries
    dimensions: tuple[ChartSeries, ...]
    scripts: tuple[tuple[str, str, int], ...]  # (script id, title, interviews), most used first
    total: int  # finished interviews the user has in all (the chart shows the latest of them)

    @property
    def first(self) -> datetime:
        return self.interviews[0].finished_at

    @property
    def last(self) -> datetime:
        return self.interviews[-1].finished_at


def interview_score(session_id: int, script_id: str, title: str, finished_at: datetime,
                    report: Mapping[str, Any]) -> InterviewScore | None:
    """A stored report read for the chart; None when it scored nothing (nothing answered)."""
    if not report.get("answered") and report.get("answered") is not None:
        return None
    overall = report.get("overall")
    if overall is None:
        return None
    dims = {d["key"]: float(d["score"]) for d in report.get("dimensions") or []
            if d.get("key") and d.get("score") is not None}
    return InterviewScore(session_id, script_id, title, finished_at, float(overall), dims)


def progress_chart(interviews_oldest_first: Sequence[InterviewScore], labels: Mapping[str, str],
                   *, total: int | None = None) -> ProgressChart | None:
    """The chart of these interviews (the latest `CHART_WINDOW`), or None when there are fewer
    than `CHART_MINIMUM`: one point draws no line, so the caller says why instead."""
    shown = tuple(interviews_oldest_first[-CHART_WINDOW:])
    if len(shown) < CHART_MINIMUM:
        return None
    overall = ChartSeries("overall", "Overall", tuple((i, s.overall) for i, s in enumerate(shown)))
    dimensions = []
    for key, label in labels.items():
        points = tuple((i, s.dimensions[key]) for i, s in enumerate(shown) if key in s.dimensions)
        if len(points) >= 2:
            dimensions.append(ChartSeries(key, label, points))
    counts: dict[str, list[Any]] = {}
    for s in shown:
        entry = counts.setdefault(s.script_id, [s.title, 0])
        entry[1] += 1
    scripts = tuple(sorted(((sid, t, n) for sid, (t, n) in counts.items()), key=lambda x: (-x[2], x[1])))
    return ProgressChart(shown, overall, tuple(dimensions), scripts,
                         max(total or 0, len(shown)))


def chart_message(finished: int) -> str:
    """What is said instead of a chart with too few interviews to draw."""
    if finished <= 0:
        return ("Your progress chart appears once you have finished two mock interviews. "
                "Start one with `/interview start`.")
    return ("Your progress chart appears after your second finished mock interview: one more "
            "and you can see which way your scores are moving.")


# --------------------------------------------------------------------------- one question's attempts

@dataclass(frozen=True, slots=True)
class Attempt:
    """One answered question of a finished interview or practice run, as stored."""

    session_id: int
    script_id: str
    question_id: str
    question_text: str
    score: float  # 0..1
    scores: dict[str, float]  # per dimension, 0..1 (empty for reports from before they were kept)
    notes: tuple[dict[str, str], ...]
    answered_at: datetime
    practice: bool = False


def attempts_from_report(report: Mapping[str, Any], *, session_id: int, script_id: str,
                         finished_at: datetime, practice: bool) -> list[Attempt]:
    """The answered (not skipped) questions of a report, each with its score and notes."""
    attempts = []
    for entry in report.get("answers") or []:
        if entry.get("skipped") or entry.get("score") is None or not entry.get("question_id"):
            continue
        attempts.append(Attempt(
            session_id=session_id, script_id=script_id, question_id=str(entry["question_id"]),
            question_text=str(entry.get("question") or ""), score=float(entry["score"]),
            scores={k: float(v) for k, v in (entry.get("scores") or {}).items()},
            notes=tuple(dict(n) for n in entry.get("notes") or []), answered_at=finished_at,
            practice=practice))
    return attempts


@dataclass(frozen=True, slots=True)
class DimensionChange:
    key: str
    label: str
    before: float
    after: float

    @property
    def points(self) -> int:
        return round((self.after - self.before) * 100)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A new attempt at a question beside the one before it, and the best so far."""

    question_text: str
    before: Attempt
    after: Attempt
    best: Attempt  # the best attempt, this one included
    changes: tuple[DimensionChange, ...]  # every dimension both attempts scored, in label order
    improved: tuple[DimensionChange, ...] = field(default=())
    worse: tuple[DimensionChange, ...] = field(default=())
    unchanged: tuple[DimensionChange, ...] = field(default=())

    @property
    def points(self) -> int:
        """Overall points (0..100) from the earlier attempt to this one."""
        return round((self.after.score - self.before.score) * 100)

    @property
    def new_best(self) -> bool:
        return self.best.session_id == self.after.session_id

    @property
    def still_weak(self) -> bool:
        return self.best.score < STRONG

    @property
    def verdict(self) -> str:
        if self.points >= CHANGE_POINTS:
            return "better"
        if self.points <= -CHANGE_POINTS:
            return "worse"
        return "about the same"


def compare_attempts(before: Attempt, after: Attempt, best: Attempt | None,
                     labels: Mapping[str, str]) -> Comparison:
    """What moved between two attempts at one question: each dimension both scored, sorted
    into improved, worse and unchanged (a move under `CHANGE_POINTS` points is no move)."""
    changes = tuple(DimensionChange(key, label, before.scores[key], after.scores[key])
                    for key, label in labels.items() if key in before.scores and key in after.scores)
    best_now = after if best is None or after.score >= best.score else best
    return Comparison(
        question_text=after.question_text or before.question_text, before=before, after=after,
        best=best_now, changes=changes,
        improved=tuple(sorted((c for c in changes if c.points >= CHANGE_POINTS), key=lambda c: -c.points)),
        worse=tuple(sorted((c for c in changes if c.points <= -CHANGE_POINTS), key=lambda c: c.points)),
        unchanged=tuple(c for c in changes if abs(c.points) < CHANGE_POINTS))


@dataclass(frozen=True, slots=True)
class QuestionBest:
    """A question the user has answered: its best attempt and its latest."""

    script_id: str
    question_id: str
    question_text: str
    best_session_id: int
    best_score: float
    latest_session_id: int
    latest_score: float
    attempts: int
    practised: bool

    @property
    def weak(self) -> bool:
        return self.best_score < STRONG

    @property
    def still_weak_after_practice(self) -> bool:
        return self.practised and self.weak


def practice_pick(bests: Sequence[QuestionBest]) -> QuestionBest | None:
    """The question most worth practising: the weakest best score, fewer attempts first on a
    tie (a question tried less has more to give). None when every question is strong."""
    weak = [b for b in bests if b.weak]
    if not weak:
        return None
    return min(weak, key=lambda b: (b.best_score, b.attempts, b.script_id, b.question_id))
