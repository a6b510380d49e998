"""The progress service without Discord: the weekly summary DM stays within Discord's limits
with the longest question texts, a practice run's comparison is made from its report when the
finish hook has not run yet, and the chart reads a bounded number of interviews."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import ManualClock
from bot.core.followups import NudgeMessage
from bot.core.progress import CHART_WINDOW, Attempt
from bot.library import TemplateLibrary
from bot.services.followups import FollowUpService
from bot.services.journal import JournalService
from bot.services.progress import ProgressService
from bot.store import Store
from services.test_followup_limits import UnusedCourier, check_fits

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)  # a Thursday
USER = 7


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[tuple[ProgressService, FollowUpService]]:
    async with Store(tmp_path / "db.sqlite3") as store:
        library, clock = TemplateLibrary(PROMPTS).load(), ManualClock(NOW)
        progress = ProgressService(store, library, clock)
        followups = FollowUpService(store, library, clock, UnusedCourier(),
                                    journal=JournalService(store, library, clock), progress=progress)
        await store.users.ensure(USER, NOW)
        yield progress, followups


async def finished(store: Store, report: dict[str, Any], *, days: float = 0, practice: bool = False) -> Any:
    when = NOW + timedelta(days=days)
    session = await store.sessions.create(user_id=USER, script_id="final", script_version="1",
                                          context={"only_questions": ["q"]} if practice else {}, now=when)
    session.status, session.report, session.finished_at = "finished", report, when
    await store.sessions.save_state(session, when)
    return session


def report_of(score: float, question: str = "q", text: str = "Why us?") -> dict[str, Any]:
    return {"overall": score, "answered": 1,
            "dimensions": [{"key": "structure", "label": "Structure", "score": score}],
            "answers": [{"question_id": question, "question": text, "score": score,
                         "scores": {"structure": score, "specificity": score / 2}, "notes": []}]}


async def test_the_weekly_summary_fits_discord_with_the_longest_question(services) -> None:
    progress, followups = services
    long_question = "Why " + "\\_" * 900 + "?"  # a script's question with a long escaped name
    for day in range(-6, 0):
        session = await finished(progress.store, report_of(0.2 + day / 100, text=long_question), days=day)
        await progress.record_finished(session, session.report)
    retake = await finished(progress.store, report_of(0.3, text=long_question), days=-0.5, practice=True)
    await progress.record_finished(retake, retake.report)
    nudge, _ = await followups.weekly_on(USER)
    assert nudge.due_at == datetime(2026, 12, 6, 18, tzinfo=UTC)  # Sunday, 18:00 UTC (no zone)
    progress.clock.set(nudge.due_at)  # type: ignore[attr-defined]
    assert await progress.store.nudges.claim(nudge.id, nudge.due_at)
    message = await followups.compose(nudge, None)
    assert isinstance(message, NudgeMessage)
    check_fits(message, nudge)
    assert "4** times: 3 mock interviews" in message.text  # the other three are older
    assert "and 1 practice run." in message.text
    assert "**One question to practise:**" in message.text
    stored = await progress.store.nudges.get(nudge.id)
    assert stored.payload["questions"][0]["id"] == "q"
    # Composing it planned the next one, a week later; composing again plans no other.
    await followups.compose(nudge, None)
    waiting = [n for n in await progress.store.nudges.pending_for_user(USER) if n.kind == "weekly_summary"]
    assert [n.due_at for n in waiting] == [nudge.due_at + timedelta(days=7)]


async def test_a_practice_comparison_is_made_from_its_report_before_the_hook_runs(services) -> None:
    progress, _ = services
    first = await finished(progress.store, report_of(0.4))
    await progress.record_finished(first, first.report)
    retake = await finished(progress.store, report_of(0.7), days=1, practice=True)
    [c] = await progress.comparisons(retake, retake.report)  # not recorded yet
    assert (c.before.session_id, c.after.session_id, c.points, c.new_best) == (first.id, retake.id, 30, True)
    await progress.record_finished(retake, retake.report)
    [again] = await progress.comparisons(retake, retake.report)
    assert again.best.session_id == retake.id and again.points == 30
    assert await progress.comparisons(first, first.report) == []  # not a practice run


async def test_the_chart_reads_at_most_its_window(services) -> None:
    progress, _ = services
    for i in range(CHART_WINDOW + 15):
        session = await finished(progress.store, report_of(0.3 + i / 200), days=i / 24)
        await progress.record_finished(session, session.report)
    practice = await finished(progress.store, report_of(0.9), days=5, practice=True)
    await progress.record_finished(practice, practice.report)  # left out of the chart
    chart = await progress.chart(USER)
    assert chart.chart is not None and len(chart.chart.interviews) == CHART_WINDOW
    assert chart.chart.total == CHART_WINDOW + 15  # it says how many there are in all
    assert chart.chart.interviews[-1].overall == pytest.approx(0.3 + (CHART_WINDOW + 14) / 200)
    png, _ = await progress.chart_png(USER)
    assert png is not None and png.startswith(b"\x89PNG")


async def test_attempts_recorded_twice_count_once(services) -> None:
    progress, _ = services
    session = await finished(progress.store, report_of(0.5))
    assert await progress.record_finished(session, session.report) == 1
    assert await progress.record_finished(session, session.report) == 0
    best = await progress.store.progress.best(USER, "final", "q")
    assert best.attempts == 1 and isinstance(await progress.store.progress.attempt(session.id, "q"), Attempt)


async def test_interviews_finished_before_progress_was_recorded_are_read_in_once(services) -> None:
    progress, _ = services
    for i in range(5):
        await finished(progress.store, report_of(0.3 + i / 10), days=i)  # no hook ran for these
    await finished(progress.store, {"overall": 0.0, "answered": 0}, days=6)  # nothing answered
    assert (await progress.chart(USER)).finished == 0
    assert await progress.catch_up(limit=3) == 3  # a start-up reads a bounded number...
    assert await progress.catch_up() == 3  # ...and the next one the rest
    assert await progress.catch_up() == 0  # then one query finds nothing to do
    chart = await progress.chart(USER)
    assert chart.finished == 5 and chart.chart is not None
    assert [round(p.overall, 2) for p in chart.chart.interviews] == [0.3, 0.4, 0.5, 0.6, 0.7]
    best = await progress.store.progress.best(USER, "final", "q")
    assert best.attempts == 5 and best.best_score == pytest.approx(0.7)
