"""The interview service without Discord: reading a user's interviews, practice choices, the
stale-question check and the idle sweep, on a real SQLite file and the shipped scripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from bot.core.inputs import parse_record_id
from bot.library import TemplateLibrary
from bot.services.interviews import (
    InterviewService,
    SessionNotFound,
    StaleQuestion,
)
from bot.store import Store

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ALICE, BOB = 1001, 2002
CONTEXT = {"candidate": "Sam", "role": "Data Analyst", "company": "Acme"}
STRONG = ("At my last job our weekly report took two days; I rebuilt it in SQL and as a result it "
          "ran in ten minutes, saving 30 hours a month.")


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary(PROMPTS, for_discord=False).load()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
async def service(tmp_path: Path, library: TemplateLibrary, clock: ManualClock):
    async with Store(tmp_path / "db.sqlite3") as store:
        yield InterviewService(store, library, clock)


async def finish(service: InterviewService, clock: ManualClock, user: int, *, answers: int | None = None,
                 only: list[str] | None = None) -> int:
    """Run an interview to the end (or `answers` Done clicks, then End); its session id."""
    step = await service.start(user_id=user, script_id="second_round",
                               context={**CONTEXT, "only_questions": only or []})
    sid = step.session.id
    count = 0
    while not step.finished:
        if answers is not None and count >= answers:
            step = await service.end(sid, user_id=user)
            break
        clock.advance(30)
        await service.record_part(sid, STRONG if count % 2 else "Um, I guess it went fine.", source="test")
        step = await service.finish_answer(sid, user_id=user)
        count += 1
    return sid


@pytest.mark.parametrize(("typed", "expected"), [("12", 12), ("#12", 12), (" # 7 ", 7), ("0", 0),
                                                 ("", None), ("twelve", None), ("²", None), ("-3", None),
                                                 ("9" * 19, None), ("12.5", None), ("٣", None),
                                                 ("9999999999999999999999999", None)])
def test_parse_record_id(typed: str, expected: int | None) -> None:
    assert parse_record_id(typed) == expected


async def test_own_session_is_the_latest_or_the_one_picked_and_never_someone_elses(service, clock) -> None:
    with pytest.raises(SessionNotFound, match="no interviews yet"):
        await service.own_session(ALICE)
    first = await finish(service, clock, ALICE, answers=1)
    second = await finish(service, clock, ALICE, answers=1)
    bobs = await finish(service, clock, BOB, answers=1)
    assert (await service.own_session(ALICE)).id == second
    assert (await service.own_session(ALICE, f"#{first}")).id == first
    for typed in (str(bobs), "999999", "nonsense"):
        with pytest.raises(SessionNotFound):
            await service.own_session(ALICE, typed)


async def test_history_pages_come_from_the_database_newest_first(service, clock) -> None:
    ids = [await finish(service, clock, ALICE, answers=0) for _ in range(7)]
    page, total = await service.history_page(ALICE, 0, 5)
    assert total == 7 and [s.id for s in page] == ids[::-1][:5]
    page, _ = await service.history_page(ALICE, 1, 5)
    assert [s.id for s in page] == ids[::-1][5:]
    assert (await service.history_page(BOB, 0, 5)) == ([], 0)


async def test_score_trends_need_two_finished_interviews(service, clock) -> None:
    await finish(service, clock, ALICE, answers=2)
    trends, finished = await service.score_trends(ALICE)
    assert trends == [] and finished == 1
    await finish(service, clock, ALICE, answers=3)
    trends, finished = await service.score_trends(ALICE)
    assert finished == 2 and trends and all(len(t.scores) == 2 for t in trends)


async def test_practice_choices_list_each_question_once_and_filter_by_what_was_typed(service, clock) -> None:
    sid = await finish(service, clock, ALICE, answers=3)
    await finish(service, clock, ALICE, answers=3)  # the same questions again: listed once
    choices = await service.practice_choices(ALICE)
    # The opening greeting is not offered; each question is named by its category first.
    assert len(choices) == 2 and len({value.split(":")[1] for _, value in choices}) == 2
    assert not any(value.endswith(":opening") for _, value in choices)
    assert [label.split(" · ")[0] for label, _ in choices] == ["Tell me about yourself", "Since the last round"]
    assert all(len(label) <= 100 for label, _ in choices)
    label, value = choices[0]
    assert value.startswith(f"{sid + 1}:")  # newest interview first
    narrowed = await service.practice_choices(ALICE, label[5:20].upper())
    assert (label, value) in narrowed
    assert await service.practice_choices(BOB) == []


async def test_practice_target_defaults_to_the_weakest_question_of_the_latest_report(service, clock) -> None:
    with pytest.raises(SessionNotFound, match="Finish a mock interview first"):
        await service.practice_target(ALICE, None)
    sid = await finish(service, clock, ALICE)
    session, question_id = await service.practice_target(ALICE, None)
    assert session.id == sid and question_id == session.report["weakest_questions"][0]
    picked, qid = await service.practice_target(ALICE, f"{sid}:why_company")
    assert (picked.id, qid) == (sid, "why_company")
    with pytest.raises(SessionNotFound):
        await service.practice_target(BOB, f"{sid}:why_company")
    setup = await service.practice_setup(ALICE, sid, question_id)
    assert (setup.script_id, setup.company, setup.question_id, setup.in_dms) == (
        "second_round", "Acme", question_id, True)
    with pytest.raises(SessionNotFound, match="no longer in the script"):
        await service.practice_setup(ALICE, sid, "not_a_question")


async def test_a_button_for_a_question_moved_past_is_refused(service, clock) -> None:
    step = await service.start(user_id=ALICE, script_id="second_round", context=CONTEXT)
    key = step.question.key
    await service.record_part(step.session.id, STRONG, source="test")
    await service.finish_answer(step.session.id, expected=key)
    with pytest.raises(StaleQuestion):
        await service.current(step.session.id, user_id=ALICE, expected=key)
    _, asked = await service.current(step.session.id, user_id=ALICE)
    assert asked.key != key


async def test_idle_sweep_pauses_then_abandons_through_the_state_machine(service, clock) -> None:
    step = await service.start(user_id=ALICE, script_id="second_round", context=CONTEXT)
    limits = {"pause_after": timedelta(minutes=30), "abandon_after": timedelta(days=7)}
    clock.advance(29 * 60)
    assert await service.sweep_idle(**limits) == ([], [])
    clock.advance(2 * 60)
    paused, abandoned = await service.sweep_idle(**limits)
    assert [s.id for s in paused] == [step.session.id] and abandoned == []
    session, interview = await service.load(step.session.id)
    assert session.status == interview.status == "paused"
    clock.advance(7 * 86400 + 60)  # a week after the pause, which counted as a touch
    paused, abandoned = await service.sweep_idle(**limits)
    assert paused == [] and [s.id for s in abandoned] == [step.session.id]
    assert await service.open_session(ALICE) is None


async def test_an_answer_stored_after_the_session_was_found_idle_keeps_it_active(service, clock) -> None:
    """The race the lock prevents: the sweep found the session idle, then an answer landed."""
    step = await service.start(user_id=ALICE, script_id="second_round", context=CONTEXT)
    sid = step.session.id
    clock.advance(31 * 60)
    stale = await service.store.sessions.stale_open(clock.now() - timedelta(minutes=30), "active")
    assert [s.id for s in stale] == [sid]
    await service.record_part(sid, "Here is my answer.", source="test")  # lands before the sweep acts
    assert await service._idle_transition(sid, clock.now() - timedelta(minutes=30), "pause") is None
    assert (await service.get(sid)).status == "active"


async def test_two_starts_in_the_same_instant_make_one_interview(service) -> None:
    import asyncio

    from bot.services.interviews import ActiveInterviewExists

    results = await asyncio.gather(
        *(service.start(user_id=ALICE, script_id="second_round", context=CONTEXT) for _ in range(3)),
        return_exceptions=True)
    started = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, ActiveInterviewExists)]
    assert len(started) == 1 and len(refused) == 2
    assert all(r.session.id == started[0].session.id for r in refused)
    assert (await service.history_page(ALICE, 0, 10))[1] == 1


async def test_the_database_itself_refuses_a_second_open_interview(service, clock) -> None:
    from bot.store import Conflict

    await service.start(user_id=ALICE, script_id="second_round", context=CONTEXT)
    with pytest.raises(Conflict):
        await service.store.sessions.create(user_id=ALICE, script_id="final", script_version="v",
                                            context={}, now=clock.now())


async def test_a_crash_while_starting_leaves_nothing_half_made(service, monkeypatch) -> None:
    """The session and its first question are one transaction: stopped between the two, neither
    is kept, and the candidate can simply start again."""
    import bot.store.sessions as sessions_module

    real = sessions_module._ASK
    monkeypatch.setattr(sessions_module, "_ASK", "INSERT INTO no_such_table VALUES (?, ?, ?, ?, ?, ?)")
    with pytest.raises(Exception, match="no_such_table"):
        await service.start(user_id=ALICE, script_id="second_round", context=CONTEXT)
    monkeypatch.setattr(sessions_module, "_ASK", real)
    assert await service.open_session(ALICE) is None
    step = await service.start(user_id=ALICE, script_id="second_round", context=CONTEXT)
    await service.record_part(step.session.id, "I can answer now.", source="test")


async def test_start_up_repair_gives_a_half_made_session_its_first_question(service, clock) -> None:
    """A database from an older version, where a crash left a session with no question."""
    await service.store.users.ensure(ALICE, clock.now())
    session = await service.store.sessions.create(
        user_id=ALICE, script_id="second_round", script_version="old",
        context={**CONTEXT, "only_questions": []}, now=clock.now())
    with pytest.raises(Exception, match="no open question"):
        await service.record_part(session.id, "Hello?", source="test")
    assert await service.repair_half_started() == [session.id]
    assert await service.repair_half_started() == []  # once
    result = await service.record_part(session.id, "Hello?", source="test")
    assert result.stored and result.question.number == 1


async def test_follow_on_work_runs_once_and_a_failed_hook_runs_again_at_start_up(service, clock) -> None:
    calls: list[int] = []
    failing = {"on": True}

    async def plan_practice(session, report) -> None:
        if failing["on"]:
            raise RuntimeError("Discord is down")
        calls.append(session.id)

    service.when_finished(plan_practice)
    sid = await finish(service, clock, ALICE)
    assert calls == [] and [s.id for s in await service.unsent_reports(ALICE)] == [sid]
    failing["on"] = False
    assert await service.complete_followons() == 1
    assert await service.complete_followons() == 0
    assert calls == [sid]
    await service.report_delivered(sid)
    assert await service.unsent_reports(ALICE) == []
    other = await finish(service, clock, BOB)
    assert calls == [sid, other]  # a healthy hook runs at once
    assert await service.complete_followons() == 0
