from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.progress import Attempt
from bot.store import Store

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path):
    s = await Store(tmp_path / "db.sqlite3").open()
    await s.users.ensure(7, NOW)
    yield s
    await s.close()


async def session(store: Store, *, report: dict | None = None, practice: bool = False, days: int = 0) -> int:
    created = await store.sessions.create(user_id=7, script_id="final", script_version="1",
                                          context={"only_questions": ["why_us"]} if practice else {},
                                          now=NOW + timedelta(days=days))
    created.status, created.report = "finished", report or {"overall": 0.5}
    created.finished_at = NOW + timedelta(days=days)
    await store.sessions.save_state(created, NOW + timedelta(days=days))
    return created.id


def attempt(session_id: int, score: float, *, practice: bool = False, question: str = "why_us") -> Attempt:
    return Attempt(session_id, "final", question, "Why us?", score, {"structure": score}, (), NOW, practice)


async def test_attempts_are_stored_once_and_fold_into_the_best(store: Store) -> None:
    first, second, third = await session(store), await session(store, practice=True), await session(store)
    assert await store.progress.record_attempts(7, [attempt(first, 0.4)], NOW) == 1
    assert await store.progress.record_attempts(7, [attempt(first, 0.4)], NOW) == 0  # the hook again
    await store.progress.record_attempts(7, [attempt(second, 0.8, practice=True)], NOW)
    await store.progress.record_attempts(7, [attempt(third, 0.6)], NOW)
    best = await store.progress.best(7, "final", "why_us")
    assert (best.best_session_id, best.best_score) == (second, 0.8)
    assert (best.latest_session_id, best.latest_score) == (third, 0.6)
    assert best.attempts == 3 and best.practised
    before = await store.progress.previous_attempt(7, "final", "why_us", third)
    assert before.session_id == second and before.practice and before.scores == {"structure": 0.8}
    assert await store.progress.previous_attempt(7, "final", "why_us", first) is None


async def test_weakest_and_still_weak_after_practice(store: Store) -> None:
    a, b = await session(store), await session(store, practice=True)
    await store.progress.record_attempts(7, [attempt(a, 0.3, question="q1"), attempt(a, 0.5, question="q2"),
                                             attempt(a, 0.9, question="q3")], NOW)
    await store.progress.record_attempts(7, [attempt(b, 0.6, practice=True, question="q2")], NOW)
    assert [q.question_id for q in await store.progress.weakest(7, limit=5, below=0.7)] == ["q1", "q2"]
    assert [q.question_id for q in await store.progress.weakest(7, limit=5, practised_only=True, below=0.7)] == ["q2"]


async def test_scores_read_only_the_latest_and_count_by_kind_and_time(store: Store) -> None:
    from bot.core.progress import InterviewScore

    ids = []
    for i in range(5):
        sid = await session(store, days=i)
        ids.append(sid)
        point = InterviewScore(sid, "final", "Final", NOW + timedelta(days=i), 0.1 * i, {"structure": 0.5})
        await store.progress.record_finished(7, point, i == 4, [], NOW)
        await store.progress.record_finished(7, point, i == 4, [], NOW)  # again: nothing changes
    rows = await store.progress.scores(7, limit=3)
    assert [r.session_id for r in rows] == ids[3::-1][:3] and rows[0].dimensions == {"structure": 0.5}
    assert [r.session_id for r in await store.progress.scores(7, limit=3, practice=True)] == [ids[4]]
    assert await store.progress.count_scores(7) == 4
    assert await store.progress.count_scores(7, since=NOW + timedelta(days=1), until=NOW + timedelta(days=3)) == 2
    later = await store.progress.reported_after(ids[2], limit=10)
    assert [r.session_id for r in later] == ids[3:] and later[0].user_id == 7


async def test_export_and_delete_include_the_progress_rows(store: Store) -> None:
    s = await session(store)
    await store.progress.record_attempts(7, [attempt(s, 0.5)], NOW)
    exported = await store.export_user(7)
    assert len(exported["question_attempts"]) == 1 and len(exported["question_bests"]) == 1
    counts = await store.delete_user(7)
    assert counts["question_attempts"] == 1 and await store.progress.best(7, "final", "why_us") is None


async def test_picked_questions_change_only_for_those_shown(store: Store) -> None:
    await store.progress.set_picked(7, ["a", "b", "c"], ["a", "b"], NOW)
    await store.progress.set_picked(7, ["d", "e"], ["e"], NOW)
    assert await store.progress.picked_questions(7) == {"a", "b", "e"}
    await store.progress.set_picked(7, ["a", "b", "c"], ["c"], NOW)
    await store.progress.set_picked(7, ["a", "b", "c"], ["c"], NOW)  # again: the same
    assert await store.progress.picked_questions(7) == {"c", "e"}
    assert len((await store.export_user(7))["picked_questions"]) == 2
