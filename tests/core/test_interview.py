"""The interview state machine, and the service that persists it and rebuilds it from the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import ManualClock
from bot.core.interview import (
    MAX_ANSWER_CHARS,
    MAX_PART_CHARS,
    Interview,
    InterviewError,
    transcript_entries,
)
from bot.library import TemplateLibrary
from bot.services.interviews import ActiveInterviewExists, InterviewService, SessionNotFound, StaleQuestion
from bot.store import Store

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

STORY_NO_RESULT = ("At my previous company the release was failing. "
                   "I decided to rebuild the pipeline with the team.")
STORY_RESULT = "In the end deploys took 10 minutes instead of 2 hours."


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def interview(mini_script, context) -> Interview:
    return Interview(mini_script, context)


def started(interview: Interview) -> Interview:
    interview.start(T0)
    return interview


# --- the happy path -------------------------------------------------------------------------

def test_start_asks_the_first_question(interview):
    transition = interview.start(T0)
    prompt = transition.question
    assert transition.finished_turn is None
    assert transition.status == "active"
    assert prompt is not None
    assert (prompt.question_id, prompt.number, prompt.total, prompt.key) == ("hello", 1, 4, "1.0")
    assert prompt.text == "Hello Sam, welcome to Acme."
    assert prompt.guidance == "Brief and friendly."
    assert prompt.category_label == "Opening"
    assert not prompt.is_probe
    assert interview.context["role_family"] == "software"
    assert [t.question_id for t in interview.turns] == ["hello"]
    assert interview.turns[0].asked_at == T0


def test_data_role_gets_the_extra_question(mini_script):
    interview = Interview(mini_script, {"candidate": "Sam", "role": "Senior Data Analyst",
                                        "company": "Acme"})
    assert [q.id for q in interview.plan] == ["hello", "story", "data_only", "why_us", "wrap"]
    assert interview.start(T0).question.total == 5


def test_full_run_with_multipart_answer_probe_skip_and_report(interview):
    interview.start(T0)
    interview.add_part("Hi, thanks for having me.", at(5))
    turn = interview.add_part("  Glad to be here.  ", at(10))
    assert turn.parts == ["Hi, thanks for having me.", "Glad to be here."]
    assert turn.text == "Hi, thanks for having me.\nGlad to be here."

    t = interview.finish_answer(at(20))
    assert t.finished_turn is turn and turn.finished_at == at(20) and turn.seconds == 20
    assert (t.question.question_id, t.question.key, t.question.is_probe) == ("story", "2.0", False)

    interview.add_part(STORY_NO_RESULT, at(60))
    t = interview.finish_answer(at(90))
    assert t.question.is_probe
    assert (t.question.question_id, t.question.probe_index, t.question.key) == ("story", 1, "2.1")
    assert t.question.text == "How did it turn out?"
    assert t.question.number == 2  # a probe does not count as a new question

    interview.add_part(STORY_RESULT, at(100))
    t = interview.finish_answer(at(110))
    # The combined answer now has figures, so the second probe does not fire.
    assert (t.question.question_id, t.question.key) == ("why_us", "3.0")
    # An earlier answer is quoted back by the script: its most telling sentence, the one with a figure.
    assert t.question.text == 'Why Acme? You said "In the end deploys took 10 minutes instead of 2 hours".'

    t = interview.skip(at(120))
    assert t.finished_turn.question_id == "why_us" and t.finished_turn.skipped
    assert (t.question.question_id, t.question.key) == ("wrap", "4.0")
    assert t.question.text == "Anything else, Sam?"

    interview.add_part("No, thank you, I have enjoyed this.", at(130))
    t = interview.finish_answer(at(140))
    assert t.status == "finished" and interview.status == "finished"
    assert t.question is None
    report = t.report
    assert report is not None and report["complete"] is True
    assert report["total"] == 4 and report["answered"] == 3 and report["skipped"] == [3]

    entries = transcript_entries(interview)
    assert [e["question_id"] for e in entries] == ["hello", "story", "why_us", "wrap"]
    story = entries[1]
    assert story["answer"] == STORY_NO_RESULT
    assert story["probes"] == [{"question": "How did it turn out?", "answer": STORY_RESULT,
                                "skipped": False}]
    assert story["seconds"] == 70 + 20  # main answer asked at 20, done at 90; probe 90 -> 110
    assert entries[2]["skipped"] is True


def test_second_probe_fires_when_still_no_figures(interview):
    started(interview)
    interview.add_part("Hello.", at(1))
    interview.finish_answer(at(2))
    interview.add_part(STORY_NO_RESULT, at(3))
    assert interview.finish_answer(at(4)).question.key == "2.1"
    interview.add_part("In the end it worked and everyone was happy.", at(5))
    t = interview.finish_answer(at(6))
    assert (t.question.key, t.question.text) == ("2.2", "Can you put a number on it?")
    interview.add_part("Not really, sorry.", at(7))
    # At most two probes per question, and the script has no more: move on.
    assert interview.finish_answer(at(8)).question.key == "3.0"


def test_skip_with_parts_keeps_the_answer(interview):
    started(interview)
    interview.add_part("Half an answer", at(1))
    t = interview.skip(at(2))
    assert t.finished_turn.skipped is False
    assert t.finished_turn.parts == ["Half an answer"]
    assert t.question.key == "2.0"


def test_skipping_a_probe_moves_to_the_next_question(interview):
    started(interview)
    interview.add_part("Hello.", at(1))
    interview.finish_answer(at(2))
    interview.add_part(STORY_NO_RESULT, at(3))
    assert interview.finish_answer(at(4)).question.key == "2.1"
    t = interview.skip(at(5))
    assert t.finished_turn.probe_index == 1 and t.finished_turn.skipped
    assert t.question.key == "3.0"


# --- pause, resume, finish early, abandon ---------------------------------------------------

def test_pause_and_resume(interview):
    started(interview)
    interview.add_part("Part one", at(1))
    interview.pause()
    assert interview.status == "paused" and interview.is_open
    with pytest.raises(InterviewError, match="paused"):
        interview.add_part("Part two", at(2))
    with pytest.raises(InterviewError, match="paused"):
        interview.finish_answer(at(2))
    with pytest.raises(InterviewError, match="paused"):
        interview.skip(at(2))
    with pytest.raises(InterviewError):
        interview.pause()
    prompt = interview.resume()
    assert interview.status == "active"
    assert prompt.key == "1.0" and prompt.text == "Hello Sam, welcome to Acme."
    with pytest.raises(InterviewError, match="already running"):
        interview.resume()
    interview.add_part("Part two", at(3))
    assert interview.current_turn().parts == ["Part one", "Part two"]


def test_finish_early_gives_a_partial_report(interview):
    started(interview)
    interview.add_part("Hello, I am glad to be here today.", at(1))
    interview.finish_answer(at(2))
    t = interview.finish(at(30))
    assert t.status == "finished" and t.question is None
    # The open question was closed with no answer in the store...
    assert t.finished_turn.question_id == "story" and t.finished_turn.skipped
    assert t.finished_turn.finished_at == at(30)
    assert t.report["complete"] is False
    assert t.report["answered"] == 1
    # ...but the report does not call it skipped: it was on screen when the candidate ended.
    assert t.report["total"] == 1 and t.report["skipped"] == []


def test_a_question_skipped_before_ending_still_counts_as_skipped(interview):
    started(interview)
    interview.skip(at(1))
    t = interview.finish(at(2))
    assert t.report["skipped"] == [1] and t.report["answered"] == 0


def test_finish_while_paused_is_allowed(interview):
    started(interview)
    interview.pause()
    t = interview.finish(at(5))
    assert t.status == "finished" and t.report["complete"] is False


def test_abandon(interview):
    started(interview)
    interview.abandon()
    assert interview.status == "abandoned" and not interview.is_open
    with pytest.raises(InterviewError, match="abandoned"):
        interview.add_part("hello", at(1))
    with pytest.raises(InterviewError):
        interview.abandon()
    with pytest.raises(InterviewError):
        interview.resume()
    with pytest.raises(InterviewError):
        interview.finish(at(1))


@pytest.mark.parametrize("action", ["add_part", "finish_answer", "skip", "pause", "resume",
                                    "finish", "abandon", "start", "current_question"])
def test_nothing_is_allowed_after_finishing(interview, action):
    started(interview)
    interview.finish(at(1))
    calls = {
        "add_part": lambda: interview.add_part("late", at(2)),
        "finish_answer": lambda: interview.finish_answer(at(2)),
        "skip": lambda: interview.skip(at(2)),
        "pause": interview.pause,
        "resume": interview.resume,
        "finish": lambda: interview.finish(at(2)),
        "abandon": interview.abandon,
        "start": lambda: interview.start(at(2)),
        "current_question": interview.current_question,
    }
    turns_before = [(t.question_id, list(t.parts), t.finished_at) for t in interview.turns]
    with pytest.raises(InterviewError):
        calls[action]()
    assert interview.status == "finished"
    assert [(t.question_id, list(t.parts), t.finished_at) for t in interview.turns] == turns_before


def test_nothing_is_allowed_after_completing(interview):
    started(interview)
    for n in range(4):
        interview.skip(at(n))
    assert interview.status == "finished"
    with pytest.raises(InterviewError, match="already finished"):
        interview.add_part("late", at(9))
    with pytest.raises(InterviewError):
        interview.skip(at(9))


def test_start_twice_is_refused(interview):
    started(interview)
    with pytest.raises(InterviewError):
        interview.start(at(1))
    assert len(interview.turns) == 1


def test_finish_answer_with_no_parts(interview):
    started(interview)
    with pytest.raises(InterviewError, match="no answer to finish"):
        interview.finish_answer(at(1))
    assert interview.current_turn().finished_at is None
    assert interview.question_index == 0


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty_part_refused(interview, text):
    started(interview)
    with pytest.raises(InterviewError, match="empty"):
        interview.add_part(text, at(1))
    assert interview.current_turn().parts == []


def test_oversized_part_refused(interview):
    started(interview)
    with pytest.raises(InterviewError, match="4,000"):
        interview.add_part("x" * (MAX_PART_CHARS + 1), at(1))
    assert interview.current_turn().parts == []
    interview.add_part("x" * MAX_PART_CHARS, at(1))  # exactly the limit is fine
    assert len(interview.current_turn().parts) == 1


def test_answer_total_is_capped(interview):
    started(interview)
    accepted = 0
    with pytest.raises(InterviewError, match="already over"):
        for _ in range(MAX_ANSWER_CHARS // MAX_PART_CHARS + 2):
            interview.add_part("y" * MAX_PART_CHARS, at(1))
            accepted += 1
    turn = interview.current_turn()
    assert len(turn.parts) == accepted >= 1
    assert len(turn.text) <= MAX_ANSWER_CHARS


def test_script_with_no_questions_for_role(env):
    from bot.core.scripts import parse_script

    source = """\
script: only_data
title: Only data
stage: final
minutes: 5
description: Data people only.

question: q
category: opening
length: 10-20
when: role_family == "data"
ask: Hi
guidance: Fine
"""
    script = parse_script(source, "interviews/only_data.j2", env)
    with pytest.raises(InterviewError):
        Interview(script, {"candidate": "Sam", "role": "Designer", "company": "Acme"})
    # The script's stage wins over whatever the caller passed.
    interview = Interview(script, {"role": "Data Analyst", "stage": "second_round"})
    assert interview.context["stage"] == "final"
    assert interview.context["candidate"] == "there"


# --- the service: persisted transitions, rebuilt from the store -----------------------------

USER = 4242


@pytest.fixture
def library(mini_prompts_dir) -> TemplateLibrary:
    return TemplateLibrary(mini_prompts_dir, for_discord=False).load()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


async def test_rebuild_from_a_new_store_continues_where_it_left_off(tmp_path, library, clock, context):
    db_path = tmp_path / "db.sqlite3"
    store = await Store(db_path).open()
    try:
        service = InterviewService(store, library, clock)
        step = await service.start(user_id=USER, script_id="mini", context=context)
        session_id = step.session.id
        assert step.question.key == "1.0"

        clock.advance(30)
        await service.record_part(session_id, "Hello, glad to be here.", source="test", source_id="m1")
        clock.advance(15)
        step = await service.finish_answer(session_id, expected="1.0")
        assert step.transition.finished_turn.seconds == 45
        assert step.question.key == "2.0"

        clock.advance(20)
        await service.record_part(session_id, "At my previous company the release was failing.",
                                  source="test", source_id="m2")
        clock.advance(40)
        await service.record_part(session_id, "I decided to rebuild the pipeline with the team.",
                                  source="test", source_id="m3")
    finally:
        await store.close()

    store2 = await Store(db_path).open()
    try:
        service2 = InterviewService(store2, library, clock)
        open_session = await service2.open_session(USER)
        assert open_session is not None and open_session.id == session_id
        session, interview = await service2.load(session_id)
        assert session.script_id == "mini"
        assert session.context["role_family"] == "software"
        prompt = interview.current_question()
        assert (prompt.question_id, prompt.key, prompt.number, prompt.total) == ("story", "2.0", 2, 4)
        turn = interview.current_turn()
        assert turn.parts == ["At my previous company the release was failing.",
                              "I decided to rebuild the pipeline with the team."]
        assert turn.asked_at == T0 + timedelta(seconds=45)
        assert turn.finished_at is None
        hello = interview.turns[0]
        assert hello.parts == ["Hello, glad to be here."]
        assert (hello.asked_at, hello.finished_at, hello.seconds) == (
            T0, T0 + timedelta(seconds=45), 45)

        clock.advance(5)
        step = await service2.finish_answer(session_id, expected="2.0")
        assert step.transition.finished_turn.seconds == 65
        assert step.question.key == "2.1" and step.question.text == "How did it turn out?"

        # Rebuilt once more, the probe is current and the timing is kept.
        _, again = await service2.load(session_id)
        assert again.current_question().key == "2.1"
        story = next(t for t in again.turns if t.question_id == "story" and t.probe_index == 0)
        assert story.seconds == 65
        assert [(t.question_id, t.probe_index) for t in again.turns] == [
            ("hello", 0), ("story", 0), ("story", 1)]
    finally:
        await store2.close()


async def test_pause_persists_and_resume_in_a_new_service(tmp_path, library, clock, context):
    db_path = tmp_path / "db.sqlite3"
    async with Store(db_path) as store:
        service = InterviewService(store, library, clock)
        step = await service.start(user_id=USER, script_id="mini", context=context)
        session_id = step.session.id
        await service.record_part(session_id, "Hi!", source="test")
        await service.pause(session_id)
        with pytest.raises(InterviewError, match="paused"):
            await service.record_part(session_id, "more", source="test")
    async with Store(db_path) as store:
        service = InterviewService(store, library, clock)
        session, prompt = await service.resume(session_id)
        assert session.status == "active"
        assert prompt.key == "1.0"
        await service.record_part(session_id, "Back again.", source="test")
        step = await service.finish_answer(session_id)
        assert step.question.key == "2.0"
        answers = await store.sessions.answers(session_id)
        assert [p.text for p in answers[0].parts] == ["Hi!", "Back again."]


async def test_stale_expected_key_is_refused(tmp_path, library, clock, context):
    async with Store(tmp_path / "db.sqlite3") as store:
        service = InterviewService(store, library, clock)
        step = await service.start(user_id=USER, script_id="mini", context=context)
        sid = step.session.id
        await service.record_part(sid, "Hello there.", source="test")
        first = await service.finish_answer(sid, expected="1.0")
        assert first.question.key == "2.0"
        with pytest.raises(StaleQuestion):
            await service.finish_answer(sid, expected="1.0")  # a double click on the old button
        with pytest.raises(StaleQuestion):
            await service.skip(sid, expected="1.0")
        _, interview = await service.load(sid)
        assert interview.current_question().key == "2.0"
        assert interview.current_turn().finished_at is None
        assert len(interview.turns) == 2


async def test_redelivered_message_is_stored_once(tmp_path, library, clock, context):
    async with Store(tmp_path / "db.sqlite3") as store:
        service = InterviewService(store, library, clock)
        step = await service.start(user_id=USER, script_id="mini", context=context)
        sid = step.session.id
        first = await service.record_part(sid, "Only once, please.", source="message", source_id="111")
        again = await service.record_part(sid, "Only once, please.", source="message", source_id="111")
        other = await service.record_part(sid, "A second part.", source="message", source_id="112")
        assert (first.stored, again.stored, other.stored) == (True, False, True)
        answers = await store.sessions.answers(sid)
        assert [p.text for p in answers[0].parts] == ["Only once, please.", "A second part."]
        assert [p.source_id for p in answers[0].parts] == ["111", "112"]
        _, interview = await service.load(sid)
        assert interview.current_turn().parts == ["Only once, please.", "A second part."]


async def test_one_open_interview_per_user(tmp_path, library, clock, context):
    async with Store(tmp_path / "db.sqlite3") as store:
        service = InterviewService(store, library, clock)
        step = await service.start(user_id=USER, script_id="mini", context=context)
        with pytest.raises(ActiveInterviewExists) as info:
            await service.start(user_id=USER, script_id="mini", context=context)
        assert info.value.session.id == step.session.id
        with pytest.raises(SessionNotFound):
            await service.load(step.session.id, user_id=USER + 1)


async def test_service_runs_to_a_stored_report(tmp_path, library, clock, context):
    async with Store(tmp_path / "db.sqlite3") as store:
        service = InterviewService(store, library, clock)
        step = await service.start(user_id=USER, script_id="mini", context=context)
        sid = step.session.id
        while not step.finished:
            clock.advance(10)
            await service.record_part(sid, "At my last job I led a project; as a result costs fell 20%.",
                                      source="test")
            clock.advance(10)
            step = await service.finish_answer(sid)
        session = await store.sessions.get(sid)
        assert session.status == "finished"
        assert session.report is not None and session.report["complete"] is True
        assert session.report["answered"] == 4
        assert session.finished_at == clock.now()
        assert await service.open_session(USER) is None
        answers = await store.sessions.answers(sid)
        assert all(a.finished_at is not None for a in answers)
        assert [a.finished_at - a.asked_at for a in answers] == [timedelta(seconds=20)] * len(answers)


# --- the report, the transcript and what probes see --------------------------------------------

ANSWERS = {
    "hello": "Hello, thanks for having me back today.",
    "story": "We had a problem and we fixed it together, and our manager was happy with us.",
    "why_us": "Probably the people, I guess. I'm not sure, maybe the office too.",
    "wrap": "No, thank you, I have enjoyed this.",
}


def _finished(interview: Interview) -> Interview:
    """Answer every main question from ANSWERS and skip every probe."""
    started(interview)
    while interview.status != "finished":
        asked = interview.current_question()
        if asked.is_probe:
            interview.skip(at(3))
            continue
        interview.add_part(ANSWERS[asked.question_id], at(1))
        interview.finish_answer(at(2))
    return interview


def test_report_context_analyses_each_answer_once(interview, monkeypatch):
    """Each answer is analysed once, when it is finished, and never again: not for the next
    question, not for the report and transcript."""
    import bot.core.feedback
    import bot.core.interview as module

    calls: list[str] = []
    real = bot.core.feedback.analyze_answer

    def counting(text, **kwargs):
        calls.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(module, "analyze_answer", counting)
    _finished(interview)
    answered_texts = [t for t in calls if t]
    assert sorted(answered_texts) == sorted(set(answered_texts)) and len(answered_texts) == 4
    before = len(calls)
    ctx = module.report_context(interview)
    answered = [e for e in ctx["entries"] if not e["skipped"]]
    assert len(calls) == before and len(answered) == 4  # the report read the stored analyses
    assert ctx["report"]["answered"] == 4


def test_transcript_entries_carry_the_notes_that_matter(interview):
    entries = transcript_entries(_finished(interview))
    story, why_us = entries[1], entries[2]
    assert story["category_label"] == "Challenges you have overcome"
    assert any(n["signal"] == "we_only" for n in story["notes"])
    assert why_us["notes"][0]["signal"] == "hedges" and why_us["notes"][0]["quote"]
    assert 0.0 <= why_us["score"] <= 1.0
    assert all(len(e["notes"]) <= 3 for e in entries)


def test_the_report_names_the_weakest_answers(interview):
    report = _finished(interview).report()
    numbers = [i["question_number"] for i in report["improvements"]]
    assert 3 in numbers and 2 in numbers  # the hedged 'why us' and the story told only in 'we'
    assert all(i["quote"] or i["issue"] for i in report["improvements"])
    assert report["answers"][2]["notes"][0]["signal"] == "hedges"


def test_probes_see_the_answer_against_its_own_question(interview):
    started(interview)
    interview.add_part("Hello.", at(1))
    interview.finish_answer(at(2))
    interview.add_part(STORY_NO_RESULT, at(3))
    spec = interview.current_spec
    seen = interview.render_context(current=spec)["answer"]
    assert seen["category"] == "behavioural" and "result" in seen["missing"]
    assert seen["key_point"] == "At my previous company the release was failing"


def test_an_unchanged_answer_is_not_analysed_again_for_the_next_question(interview, monkeypatch):
    import bot.core.interview as module

    calls: list[str] = []
    real = module.answer_signals

    def counting(text, **kwargs):
        calls.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(module, "answer_signals", counting)
    _finished(interview)
    assert calls.count(ANSWERS["hello"]) == 1
