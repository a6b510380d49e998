"""Measure the analyzer on labelled pairs of answers, beside the 'longer answer wins' baseline.

A pair is two answers to the same question, one labelled strong and one weak, with the
dimension an interviewer would name as the difference. The analyzer is right on a pair when
the strong answer's `overall` is higher; right on the pair's dimension when the strong answer
scores higher on that dimension. The baseline picks whichever answer has more words. A tie
counts as wrong for both, so neither can win by abstaining.

Pure: the caller loads the pairs (see `bench/feedback_calibration.py` and
`tests/fixtures/feedback_calibration.json`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.feedback import analyze_answer
from bot.core.signals import WORD, fold


@dataclass(frozen=True, slots=True)
class PairResult:
    id: str
    category: str
    dimension: str
    split: str
    strong_overall: float
    weak_overall: float
    strong_dimension: float
    weak_dimension: float
    strong_words: int
    weak_words: int

    @property
    def overall_right(self) -> bool:
        return self.strong_overall > self.weak_overall

    @property
    def dimension_right(self) -> bool:
        return self.strong_dimension > self.weak_dimension

    @property
    def longer_right(self) -> bool:
        return self.strong_words > self.weak_words


@dataclass(frozen=True, slots=True)
class Row:
    """Accuracy over a group of pairs."""

    name: str
    pairs: int
    analyzer: float  # overall score ranks strong above weak
    dimension: float | None  # the named dimension ranks strong above weak (dimension rows only)
    baseline: float  # the longer answer is the strong one


@dataclass(slots=True)
class Calibration:
    results: list[PairResult] = field(default_factory=list)

    def _row(self, name: str, group: Sequence[PairResult], *, with_dimension: bool) -> Row:
        n = len(group)
        return Row(name, n, sum(r.overall_right for r in group) / n,
                   sum(r.dimension_right for r in group) / n if with_dimension else None,
                   sum(r.longer_right for r in group) / n)

    def overall(self) -> Row:
        return self._row("all pairs", self.results, with_dimension=True)

    def by(self, key: str) -> list[Row]:
        groups: dict[str, list[PairResult]] = {}
        for r in self.results:
            groups.setdefault(getattr(r, key), []).append(r)
        return [self._row(name, group, with_dimension=key == "dimension")
                for name, group in sorted(groups.items())]

    def misses(self) -> list[PairResult]:
        return [r for r in self.results if not r.overall_right]


def words(text: str) -> int:
    return len(WORD.findall(fold(text)))


def evaluate(pairs: Iterable[Mapping[str, Any]], *, split: str | None = None) -> Calibration:
    """Score every pair (optionally only one split: 'dev' or 'holdout')."""
    out = Calibration()
    for p in pairs:
        if split and p.get("split") != split:
            continue
        common = {"question": p["question"], "company": p.get("company", ""), "values": p.get("values", ()),
                  "category": p.get("category"), "role": p.get("role", "")}
        strong = analyze_answer(p["strong"], **common)
        weak = analyze_answer(p["weak"], **common)
        dim = p["dimension"]
        out.results.append(PairResult(
            p["id"], p["category"], dim, p.get("split", ""), strong.overall, weak.overall,
            strong.scores[dim], weak.scores[dim], words(p["strong"]), words(p["weak"])))
    return out


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def markdown_table(calibration: Calibration) -> str:
    """The accuracy table: overall, per category and per dimension, beside the baseline."""
    lines = ["| group | pairs | analyzer (overall) | analyzer (named dimension) | longer answer wins |",
             "|---|---:|---:|---:|---:|"]
    top = calibration.overall()
    lines.append(f"| **all pairs** | {top.pairs} | **{_pct(top.analyzer)}** | {_pct(top.dimension)} | "
                 f"{_pct(top.baseline)} |")
    for row in calibration.by("category"):
        lines.append(f"| category: {row.name} | {row.pairs} | {_pct(row.analyzer)} | | {_pct(row.baseline)} |")
    for row in calibration.by("dimension"):
        lines.append(f"| dimension: {row.name} | {row.pairs} | {_pct(row.analyzer)} | {_pct(row.dimension)} | "
                     f"{_pct(row.baseline)} |")
    return "\n".join(lines)
