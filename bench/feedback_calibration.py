"""Print how well the answer analyzer separates strong from weak answers.

Reads the labelled pairs in tests/fixtures/feedback_calibration.json and prints the accuracy
table (overall, per category, per dimension) beside the "longer answer wins" baseline.

    .venv/bin/python bench/feedback_calibration.py            # every pair
    .venv/bin/python bench/feedback_calibration.py --split holdout
    .venv/bin/python bench/feedback_calibration.py --misses   # list the pairs it gets wrong
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.calibration import evaluate, markdown_table  # noqa: E402

PAIRS = ROOT / "tests" / "fixtures" / "feedback_calibration.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "holdout", "fresh"], help="only one part of the set")
    parser.add_argument("--misses", action="store_true", help="list the pairs ranked the wrong way")
    args = parser.parse_args()
    pairs = json.loads(PAIRS.read_text("utf-8"))["pairs"]
    started = time.perf_counter()
    calibration = evaluate(pairs, split=args.split)
    elapsed = time.perf_counter() - started
    print(markdown_table(calibration))
    if not args.split:
        print("\n| split | pairs | analyzer (overall) | analyzer (named dimension) | longer answer wins |")
        print("|---|---:|---:|---:|---:|")
        for row in calibration.by("split"):
            named = sum(r.dimension_right for r in calibration.results if r.split == row.name) / row.pairs
            print(f"| {row.name} | {row.pairs} | {row.analyzer:.0%} | {named:.0%} | {row.baseline:.0%} |")
    count = len(calibration.results)
    print(f"\n{count} pairs ({args.split or 'all splits'}); {2 * count} answers analysed in "
          f"{elapsed * 1000:.0f} ms ({elapsed * 1000 / max(1, 2 * count):.1f} ms each). Ties count as wrong.")
    if args.misses:
        for r in calibration.results:
            if not (r.overall_right and r.dimension_right):
                print(f"  {r.id:<24} {r.category:<20} overall {r.strong_overall:.2f} vs {r.weak_overall:.2f}; "
                      f"{r.dimension} {r.strong_dimension:.2f} vs {r.weak_dimension:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
