"""The progress chart: how long it takes to draw, what reading its data costs with 10 and with
1,000 past interviews, and what the plotting library costs the bot's start-up (time and memory)
when it is imported at start-up beside when it is not (the bot imports it lazily, on the first
chart).

    .venv/bin/python bench/charts.py            # the table
    .venv/bin/python bench/charts.py --runs 30  # more runs per figure

Each figure is the median of its runs (start-up: separate processes)."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import charts  # noqa: E402
from bot.core.feedback import DIMENSIONS  # noqa: E402
from bot.core.progress import InterviewScore, progress_chart  # noqa: E402
from bot.sample_contexts import sample_report  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=UTC)
STARTUP = """
import re, sys, time
t = time.perf_counter()
{extra}
from bot import Settings, create_bot
bot = create_bot(Settings(database_path={db!r}, env_file=None, environ={{}}))
bot.library.load()
elapsed = time.perf_counter() - t
rss = re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)
print(elapsed, rss, 'PIL' in sys.modules)
"""
EAGER = "import PIL.Image, PIL.ImageDraw, PIL.ImageFont, PIL.PngImagePlugin"


def interviews(n: int) -> list[InterviewScore]:
    return [InterviewScore(i, "final" if i % 3 else "second_round", "Final interview" if i % 3 else "Second round",
                           T0 + timedelta(days=i), 0.3 + 0.6 * i / max(1, n - 1),
                           {k: 0.2 + 0.7 * ((i * 7 + j) % 10) / 10 for j, k in enumerate(DIMENSIONS)})
            for i in range(n)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def render_times(runs: int) -> dict[int, float]:
    out = {}
    charts.render(progress_chart(interviews(2), DIMENSIONS))  # fonts loaded once, as in the bot
    for n in (2, 10, 50):
        chart = progress_chart(interviews(n), DIMENSIONS)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            charts.render(chart)
            times.append(time.perf_counter() - t)
        out[n] = statistics.median(times)
    return out


async def data_times(runs: int, folder: Path) -> dict[int, tuple[float, float]]:
    """(chart data read, whole chart drawn) with `n` past finished interviews, recorded as the
    finish hook records them."""
    from bot.core.clock import ManualClock
    from bot.library import TemplateLibrary
    from bot.services.progress import ProgressService
    from bot.store import Store

    report = sample_report()
    out = {}
    for n in (10, 100, 1000):
        store = await Store(folder / f"bench-{n}.sqlite3").open()
        await store.users.ensure(1, T0)
        rows = [(1, "final", "1", json.dumps({"company": "Acme"}), "finished",
                 json.dumps(dict(report, overall=0.3 + 0.6 * i / n)),
                 (T0 + timedelta(hours=i)).isoformat(timespec="microseconds"),
                 (T0 + timedelta(hours=i)).isoformat(timespec="microseconds"),
                 (T0 + timedelta(hours=i)).isoformat(timespec="microseconds")) for i in range(n)]
        async with store.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO interview_sessions (user_id, script_id, script_version, context_json, status,"
                " report_json, created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        library = TemplateLibrary(ROOT / "prompts").load()
        service = ProgressService(store, library, ManualClock(T0))
        await service.catch_up(limit=n)  # what the finish hook records, for each of them
        png, chart = await service.chart_png(1)  # warm
        assert png is not None and chart.finished == min(n, 50), chart
        reads, draws = [], []
        for _ in range(runs):
            t = time.perf_counter()
            await service.chart(1)
            reads.append(time.perf_counter() - t)
            t = time.perf_counter()
            await service.chart_png(1)
            draws.append(time.perf_counter() - t)
        out[n] = (statistics.median(reads), statistics.median(draws))
        await store.close()
    return out


def startup(runs: int, folder: Path) -> dict[str, tuple[float, float, bool]]:
    out = {}
    for name, extra in (("without", ""), ("with", EAGER)):
        times, rss, loaded = [], [], False
        for i in range(runs):
            code = STARTUP.format(extra=extra, db=str(folder / f"startup-{name}-{i}.sqlite3"))
            result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    cwd=ROOT, check=True)
            seconds, kib, pil = result.stdout.split()
            times.append(float(seconds))
            rss.append(int(kib) / 1024)
            loaded = pil == "True"
        out[name] = (statistics.median(times), statistics.median(rss), loaded)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    renders = render_times(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        reads = asyncio.run(data_times(args.runs, Path(tmp)))
        boot = startup(max(5, args.runs // 3), Path(tmp))
    size = len(charts.render(progress_chart(interviews(50), DIMENSIONS)))
    print("| chart | figure | baseline | ratio |")
    print("|---|---|---|---|")
    for n in (10, 50):
        print(f"| render, {n} interviews (PNG, worker thread) | {ms(renders[n])} | 2 interviews: {ms(renders[2])} "
              f"| {renders[n] / renders[2]:.2f}× |")
    print(f"| PNG size, 50 interviews | {size / 1024:.0f} KiB | Discord's limit 10,240 KiB | "
          f"{size / charts.MAX_BYTES:.3f}× |")
    for base in (10, 100):
        print(f"| chart data read, 1,000 past interviews | {ms(reads[1000][0])} | {base} past: "
              f"{ms(reads[base][0])} | {reads[1000][0] / reads[base][0]:.2f}× |")
    print(f"| whole chart (read + draw), 1,000 past | {ms(reads[1000][1])} | 100 past: {ms(reads[100][1])} "
          f"| {reads[1000][1] / reads[100][1]:.2f}× |")
    (t0, m0, p0), (t1, m1, p1) = boot["without"], boot["with"]
    print(f"| bot start-up (import, build, load templates) | {ms(t0)} (Pillow loaded: {p0}) "
          f"| Pillow imported at start-up: {ms(t1)} | {t1 / t0:.2f}× |")
    print(f"| bot start-up, resident memory | {m0:.1f} MiB | Pillow imported at start-up: {m1:.1f} MiB "
          f"| +{m1 - m0:.1f} MiB |")
    del p1


if __name__ == "__main__":
    main()
