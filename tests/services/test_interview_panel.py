"""The interview service with a panel and with a case exercise's preparation time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from bot.core.panel import parse_panel
from bot.library import TemplateLibrary
from bot.services.interviews import InterviewService
from bot.store import Store

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ALICE, BOB = 1001, 2002
PANEL = parse_panel(["Dana Lee, Head of Data; Ravi Patel, Engineering Manager",
                     "Mo Okafor, People Partner", "Jo Kim, Chief Wizard"])
STRONG = "At my last job I rebuilt the weekly report in SQL; as a result it ran in ten minutes."


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary(PROMPTS, for_discord=False).load()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
async def store(tmp_path: Path):
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


def service_on(store: Store, library: TemplateLibrary, clock: ManualClock) -> InterviewService:
    return InterviewService(store, library, clock)


async def begin(service: InterviewService, user: int, script: str, channel: int, **context) -> int:
    step = await service.start(user_id=user, script_id=script, channel_id=channel,
                               context={"candidate": "Sam", "role": "Data Analyst", "company": "Acme", **context})
    return step.session.id


async def test_a_panel_adds_no_statement_to_a_typed_part(store, library, clock) -> None:
    service = service_on(store, library, clock)
    sid = await begin(service, ALICE, "final", 5555, interviewers=PANEL)
    for n in range(6):
        clock.advance(5)
        async with store.db.counting() as count:
            result = await service.answer_in_channel(5555, ALICE, STRONG, source_id=str(n))
        assert result is not None and result.question.asker is not None
        assert (count.statements, count.reads, count.commits) == (2, 0, 1)
        await service.finish_answer(sid)


async def test_who_asks_is_the_same_after_a_restart(tmp_path, store, library, clock) -> None:
    service = service_on(store, library, clock)
    sid = await begin(service, ALICE, "second_round", 5555, interviewers=PANEL)
    seen = []
    for _ in range(6):
        _, asked = await service.current(sid)
        seen.append((asked.question_id, asked.asker, asked.handover))
        await service.skip(sid)
    async with Store(tmp_path / "db.sqlite3") as again:  # a fresh process reads it back
        fresh = service_on(again, library, clock)
        _, interview = await fresh.load(sid)
        replayed = [(interview.plan[i].id, interview.asker_of(i), interview.handover_before(i)) for i in range(6)]
    assert replayed == seen
    assert len({a["name"] for _, a, _ in seen if a}) >= 2


CHANNELS = {ALICE: 5555, BOB: 6666}


async def _to_brief(service: InterviewService, sid: int, user: int) -> datetime:
    await service.answer_in_channel(CHANNELS[user], user, "Fine, thanks.", source_id=f"welcome{sid}")
    step = await service.finish_answer(sid)
    assert step.question is not None and step.question.ready_by is not None
    return step.question.ready_by


async def test_preparation_deadlines_come_from_what_is_stored(tmp_path, store, library, clock) -> None:
    service = service_on(store, library, clock)
    first = await begin(service, ALICE, "case_presentation", 5555, preparation_minutes=5)
    assert await service.next_preparation_deadline() is None  # still at the welcome
    clock.advance(60)
    due_first = await _to_brief(service, first, ALICE)
    assert due_first == T0 + timedelta(minutes=6)
    second = await begin(service, BOB, "case_presentation", 6666, preparation_minutes=2)
    clock.advance(60)
    due_second = await _to_brief(service, second, BOB)
    assert await service.next_preparation_deadline() == due_second == T0 + timedelta(minutes=4)

    # A restart: a new service on the same file finds both deadlines, with no timer of its own.
    async with Store(tmp_path / "db.sqlite3") as again:
        fresh = service_on(again, library, clock)
        assert sorted(d for _, d in await fresh.preparation_deadlines()) == [due_second, due_first]
        assert await fresh.end_due_preparations() == []  # nothing is due yet
        clock.set(due_second)
        [step] = await fresh.end_due_preparations()
        assert step.session.id == second and step.question is not None
        assert step.question.question_id == "case_present"
        assert await fresh.next_preparation_deadline() == due_first
        clock.set(due_first + timedelta(seconds=1))
        assert [s.session.id for s in await fresh.end_due_preparations()] == [first]
        assert await fresh.next_preparation_deadline() is None
        assert await fresh.end_due_preparations() == []  # once only


async def test_a_candidate_who_is_ready_or_paused_is_left_alone(store, library, clock) -> None:
    service = service_on(store, library, clock)
    ready = await begin(service, ALICE, "case_presentation", 5555, preparation_minutes=1)
    paused = await begin(service, BOB, "case_presentation", 6666, preparation_minutes=1)
    await _to_brief(service, ready, ALICE)
    await _to_brief(service, paused, BOB)
    await service.finish_answer(ready)  # ready early, no notes
    await service.pause(paused, user_id=BOB)
    clock.advance(600)
    assert await service.end_due_preparations() == []
    _, asked = await service.current(ready)
    assert asked.question_id == "case_present"


SERVER_CASE = """\
script: club_case
title: Club case
stage: second_round
minutes: 20
description: A brief, time to prepare, then the presentation.

question: welcome
category: opening
length: 5-80
ask:
    Hello {{ candidate }}. Ready?
guidance:
    Composed.

question: brief
category: case_presentation
prepare: yes
length: 5-300
ask:
    Here is your brief: churn at {{ company }} rose; say where to focus.
guidance:
    A clear recommendation.

question: present
category: case_challenge
length: 20-300
ask:
    Talk us through your recommendation.
guidance:
    Structured.
"""


async def test_a_server_scripts_brief_gets_the_preparation_timer(tmp_path, store, clock) -> None:
    """A server's own script with `prepare: yes` is watched like ours: the deadline is found,
    and once the clock passes it the brief is closed and the presentation asked for."""
    from dataclasses import replace

    from bot.script_sandbox import parse_server_script

    library = TemplateLibrary(PROMPTS, for_discord=False).load()
    key = "g77:club_case:1"
    library.server_scripts[key] = replace(parse_server_script(SERVER_CASE, "club_case.j2",
                                                              lenient=True), id=key)
    service = service_on(store, library, clock)
    sid = await begin(service, ALICE, key, 5555, preparation_minutes=5)
    clock.advance(60)
    due = await _to_brief(service, sid, ALICE)
    assert due == T0 + timedelta(minutes=6)
    assert await service.next_preparation_deadline() == due
    clock.set(due - timedelta(seconds=1))
    assert await service.end_due_preparations() == []
    clock.set(due)
    [step] = await service.end_due_preparations()
    assert step.session.id == sid and step.question is not None
    assert step.question.question_id == "present"
    assert await service.next_preparation_deadline() is None
