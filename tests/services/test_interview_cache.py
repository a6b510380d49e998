"""The interview hot path: open sessions held in memory by the service (write-through, version
checked). Correctness, not timing: a part is durable before it is acknowledged; the held state
is never served stale (another path, a restart, an error mid-write, a second process on the
same database); a typed part costs the same few statements whatever the interview's length;
reports from stored analyses equal reports from analysing again."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import create_bot
from bot.core.clock import ManualClock
from bot.core.interview import Interview, InterviewError, report_context
from bot.core.text import clean_user_text
from bot.library import TemplateLibrary
from bot.services.interviews import InterviewService, SessionNotFound, StaleQuestion, _part_text
from bot.store import Store

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ALICE, BOB = 1001, 2002
CHANNEL = 5555
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
async def store(tmp_path: Path):
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


@pytest.fixture
def service(store: Store, library: TemplateLibrary, clock: ManualClock) -> InterviewService:
    return InterviewService(store, library, clock)


@pytest.fixture
async def other_process(tmp_path: Path, library: TemplateLibrary, clock: ManualClock):
    """A second service with its own connection to the same database file: another process."""
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield InterviewService(opened, library, clock)


async def begin(service: InterviewService, user: int = ALICE, channel: int = CHANNEL) -> int:
    step = await service.start(user_id=user, script_id="second_round", context=CONTEXT, channel_id=channel)
    return step.session.id


def stored_parts(path: Path, session_id: int) -> list[str]:
    """What another reader of the database file sees, committed."""
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute(
            "SELECT p.text FROM answer_parts p JOIN answers a ON a.id = p.answer_id"
            " WHERE a.session_id = ? ORDER BY p.id", (session_id,))]
    finally:
        conn.close()


def shape(interview: Interview) -> tuple:
    """Everything a rebuilt interview must agree on with the one held in memory."""
    return (interview.status, interview.question_index, interview.probe_index,
            [(t.question_id, t.probe_index, t.question_text, t.asked_at, list(t.parts), t.finished_at, t.skipped)
             for t in interview.turns])


async def assert_held_matches_the_database(service: InterviewService, session_id: int,
                                           library: TemplateLibrary, store: Store) -> None:
    _, held = await service.load(session_id)
    fresh = InterviewService(store, library, service.clock)
    _, rebuilt = await fresh.load(session_id)
    assert shape(held) == shape(rebuilt)


# --- durable before the acknowledgement ---------------------------------------------------------

async def test_a_part_is_committed_when_record_part_returns(service, store, tmp_path) -> None:
    sid = await begin(service)
    for n in range(3):
        await service.answer_in_channel(CHANNEL, ALICE, f"Part {n}.", source_id=str(n))
        assert stored_parts(tmp_path / "db.sqlite3", sid)[-1] == f"Part {n}."  # seen by another reader


async def test_parts_arriving_together_share_commits_and_none_returns_before_its_commit(
        service, store, tmp_path) -> None:
    users = list(range(1, 21))
    sessions = {u: await begin(service, u, 9000 + u) for u in users}
    path = tmp_path / "db.sqlite3"

    async def answer(user: int) -> bool:
        result = await service.answer_in_channel(9000 + user, user, f"Answer of {user}.", source_id=f"m{user}")
        assert result is not None and result.stored
        return f"Answer of {user}." in stored_parts(path, sessions[user])  # committed already

    async with store.db.counting() as count:
        seen = await asyncio.gather(*(answer(u) for u in users))
    assert all(seen)
    assert count.commits < len(users)  # group commit: the parts shared transactions
    assert count.reads == 0  # nothing read back: the sessions are held


async def test_a_part_is_found_after_a_restart_right_after_its_tick(simcord_env, settings) -> None:
    """On Discord: when the ✅ lands, the part is already in the database file, and a restart at
    that moment keeps it (the held copy is gone, the database has it)."""
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("interview-practice")
    sam = guild.add_member(simcord_env.create_user("sam"))
    await sam.slash(channel, "interview start", script="second_round", role="Data Analyst", company="Acme")
    thread = channel.threads[-1]
    await sam.send(thread, "Warm-up part.")
    backend = simcord_env.backend
    real = backend.set_reaction
    at_tick: list[list[str]] = []

    def spy(channel_id, message_id, emoji, user_id, reacted):
        conn = sqlite3.connect(settings.database_path)
        try:
            at_tick.append([r[0] for r in conn.execute("SELECT text FROM answer_parts ORDER BY id")])
        finally:
            conn.close()
        real(channel_id, message_id, emoji, user_id, reacted)

    backend.set_reaction = spy
    await sam.send(thread, "The part that must survive.")
    backend.set_reaction = real
    assert at_tick == [["Warm-up part.", "The part that must survive."]]
    assert any(r.emoji == "✅" for r in thread.history()[-1].reactions)

    await simcord_env.restart_bot(create_bot(settings))
    await sam.send(thread, "After the restart.")
    session = (await simcord_env.bot.store.sessions.for_user(sam.id))[0]
    [first, *_] = await simcord_env.bot.store.sessions.answers(session.id)
    assert [p.text for p in first.parts] == ["Warm-up part.", "The part that must survive.", "After the restart."]


# --- statements per part ------------------------------------------------------------------------

async def test_a_typed_part_is_one_statement_and_one_commit_whatever_the_length(service, store, clock) -> None:
    sid = await begin(service)
    costs = []
    for question in range(8):
        for n in range(3):
            clock.advance(5)
            async with store.db.counting() as count:
                result = await service.answer_in_channel(CHANNEL, ALICE, STRONG, source_id=f"{question}.{n}")
            assert result is not None and result.stored
            costs.append((count.statements, count.reads, count.commits))
        await service.finish_answer(sid)
    # The session stamped (version checked) and the part inserted; nothing read; one commit.
    assert set(costs) == {(2, 0, 1)}
    async with store.db.counting() as count:
        await service.record_part(sid, "Through the other entry point.", source="test")
    assert (count.statements, count.reads, count.commits) == (2, 0, 1)


async def test_on_discord_a_typed_part_reads_nothing(simcord_env) -> None:
    """The listener's whole path: the channel's interview is found in memory, not in SQL."""
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("interview-practice")
    sam = guild.add_member(simcord_env.create_user("sam"))
    await sam.slash(channel, "interview start", script="second_round", role="Data Analyst", company="Acme")
    thread = channel.threads[-1]
    db = simcord_env.bot.store.db
    for n in range(3):
        async with db.counting() as count:
            await sam.send(thread, f"Part {n} of my answer.")
        assert (count.statements, count.reads, count.commits) == (2, 0, 1)


# --- never stale -------------------------------------------------------------------------------

async def test_transitions_and_answers_from_different_paths_agree(service, store, library, clock) -> None:
    sid = await begin(service)
    await service.answer_in_channel(CHANNEL, ALICE, "Typed in the thread.", source_id="1")
    await service.record_part(sid, "Typed in a form.", source="modal", source_id="modal:1")
    step = await service.finish_answer(sid, expected="1.0")
    key = step.question.key
    await service.pause(sid)
    result = await service.answer_in_channel(CHANNEL, ALICE, "A typed answer resumes it.", source_id="2")
    assert result is not None and result.question.key == key
    _, asked = await service.current(sid, expected=key)
    assert asked.key == key
    await service.skip(sid, expected=key)
    await assert_held_matches_the_database(service, sid, library, store)


async def test_a_restart_reads_the_session_again(tmp_path, library, clock) -> None:
    path = tmp_path / "db.sqlite3"
    async with Store(path) as store:
        service = InterviewService(store, library, clock)
        sid = await begin(service)
        await service.answer_in_channel(CHANNEL, ALICE, "Before the restart.", source_id="1")
    async with Store(path) as store:
        service = InterviewService(store, library, clock)
        assert service.held == 0
        result = await service.answer_in_channel(CHANNEL, ALICE, "After it.", source_id="2")
        assert result is not None and result.session.id == sid
        assert result.turn.parts == ["Before the restart.", "After it."]
        assert service.held == 1


async def test_a_failed_part_write_leaves_nothing_behind(service, store, library, monkeypatch) -> None:
    sid = await begin(service)
    await service.answer_in_channel(CHANNEL, ALICE, "Kept.", source_id="1")

    async def broken(statements):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store.db, "grouped", broken)
    with pytest.raises(sqlite3.OperationalError):
        await service.answer_in_channel(CHANNEL, ALICE, "Lost with the write.", source_id="2")
    monkeypatch.undo()
    _, interview = await service.load(sid)
    assert interview.current_turn().parts == ["Kept."]  # the held copy did not keep the failed part
    await service.answer_in_channel(CHANNEL, ALICE, "Next.", source_id="3")
    assert [p.text for p in (await store.sessions.answers(sid))[0].parts] == ["Kept.", "Next."]
    await assert_held_matches_the_database(service, sid, library, store)


async def test_a_failed_transition_leaves_the_question_open(service, store, library, monkeypatch) -> None:
    sid = await begin(service)
    await service.record_part(sid, STRONG, source="test")

    async def broken(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store.sessions, "commit_transition", broken)
    with pytest.raises(sqlite3.OperationalError):
        await service.finish_answer(sid, expected="1.0")
    monkeypatch.undo()
    _, asked = await service.current(sid)
    assert asked.key == "1.0"
    _, interview = await service.load(sid)
    assert interview.current_turn().finished_at is None  # the held copy was let go, not half-moved
    step = await service.finish_answer(sid, expected="1.0")
    assert step.question.key != "1.0"
    await assert_held_matches_the_database(service, sid, library, store)


async def test_another_process_writing_behind_our_back_is_noticed(service, other_process, store, library,
                                                                  clock) -> None:
    sid = await begin(service)
    await service.answer_in_channel(CHANNEL, ALICE, "First answer.", source_id="1")
    assert service.held == 1
    # The other process answers and moves on; this one still holds question 1.
    await other_process.record_part(sid, "More, from elsewhere.", source="test")
    moved = await other_process.finish_answer(sid, expected="1.0")
    after = moved.question.key
    # A part typed here lands on the question the database is at, after the other's part.
    result = await service.answer_in_channel(CHANNEL, ALICE, "Typed here after that.", source_id="2")
    assert result is not None and result.question.key == after
    answers = await store.sessions.answers(sid)
    assert [p.text for p in answers[0].parts] == ["First answer.", "More, from elsewhere."]
    assert answers[0].finished  # the other's transition was not overwritten
    assert [p.text for p in answers[-1].parts] == ["Typed here after that."]
    # A button for the old question is refused; the current one is read through.
    with pytest.raises(StaleQuestion):
        await service.finish_answer(sid, expected="1.0")
    await other_process.pause(sid)
    _, paused = await service.load(sid)
    assert paused.status == "paused"  # a read compares the version first
    await other_process.resume(sid)
    await service.pause(sid)  # written over the version the other left
    assert (await store.sessions.get(sid)).status == "paused"
    await assert_held_matches_the_database(service, sid, library, store)


async def test_an_interview_ended_elsewhere_stops_taking_answers_here(service, other_process, store) -> None:
    sid = await begin(service)
    await service.answer_in_channel(CHANNEL, ALICE, "An answer.", source_id="1")
    await other_process.end(sid)
    # As for any finished interview: the message is not an answer, nothing is stored.
    assert await service.answer_in_channel(CHANNEL, ALICE, "Too late.", source_id="2") is None
    assert service.held == 0
    # A new interview started elsewhere in the same DM channel is found there.
    new_sid = await begin(other_process)
    result = await service.answer_in_channel(CHANNEL, ALICE, "The new one.", source_id="3")
    assert result is not None and result.session.id == new_sid
    assert [p.text for p in (await store.sessions.answers(new_sid))[0].parts] == ["The new one."]


async def test_an_interview_deleted_elsewhere_is_not_served_from_memory(service, store) -> None:
    sid = await begin(service)
    await service.answer_in_channel(CHANNEL, ALICE, "An answer.", source_id="1")
    await store.delete_user(ALICE)  # /privacy delete, say in another process
    assert await service.answer_in_channel(CHANNEL, ALICE, "After the delete.", source_id="2") is None
    with pytest.raises(SessionNotFound):
        await service.record_part(sid, "Nor here.", source="test")


async def test_someone_elses_message_is_not_an_answer(service, store) -> None:
    sid = await begin(service)
    assert await service.answer_in_channel(CHANNEL, BOB, "Not the candidate.", source_id="1") is None
    assert await service.answer_in_channel(404, ALICE, "No interview here.", source_id="2") is None
    assert all(not a.parts for a in await store.sessions.answers(sid))


async def test_a_refusal_on_a_copy_behind_the_database_is_checked_first(service, other_process) -> None:
    """The held copy says paused; another process resumed it: the part is taken, not refused."""
    sid = await begin(service)
    await service.pause(sid)
    await other_process.resume(sid)
    result = await service.record_part(sid, "Taken.", source="test")
    assert result.stored
    await service.pause(sid)
    with pytest.raises(InterviewError, match="paused"):  # and a true refusal still refuses
        await service.record_part(sid, "Refused.", source="test")


async def test_held_sessions_are_bounded_and_a_dropped_one_is_read_again(store, library, clock) -> None:
    service = InterviewService(store, library, clock, held_sessions=2)
    sessions = {u: await begin(service, u, 7000 + u) for u in (1, 2, 3)}
    assert service.held == 2  # the least recently used was let go
    for user in (1, 2, 3):
        result = await service.answer_in_channel(7000 + user, user, f"Answer {user}.", source_id=str(user))
        assert result is not None and result.session.id == sessions[user]
    assert service.held == 2
    for user, sid in sessions.items():
        assert [p.text for p in (await store.sessions.answers(sid))[0].parts] == [f"Answer {user}."]


async def test_a_whole_interview_held_equals_it_rebuilt(service, store, library, clock) -> None:
    sid = await begin(service)
    step = None
    count = 0
    while step is None or not step.finished:
        clock.advance(20)
        await service.answer_in_channel(CHANNEL, ALICE, STRONG if count % 2 else "I guess it went fine.",
                                        source_id=str(count))
        if count % 3 == 2:
            await service.answer_in_channel(CHANNEL, ALICE, "And one more thing.", source_id=f"{count}b")
        step = await service.finish_answer(sid)
        count += 1
        if not step.finished:
            await assert_held_matches_the_database(service, sid, library, store)
    assert service.held == 0  # a finished interview is not held
    stored = await store.sessions.get(sid)
    assert stored.report == step.transition.report


# --- work done once ------------------------------------------------------------------------------

async def test_the_report_from_stored_analyses_equals_analysing_again(service, store, library, clock) -> None:
    sid = await begin(service)
    step = None
    count = 0
    while step is None or not step.finished:
        clock.advance(30)
        if count % 4 == 3:
            step = await service.skip(sid)
        else:
            await service.record_part(sid, f"{STRONG} Answer number {count}.", source="test")
            step = await service.finish_answer(sid)
        count += 1
    state = await store.sessions.load_state(sid)
    assert state is not None and state.readings  # analyses were stored with the answers
    fresh = InterviewService(store, library, clock)
    session, from_stored = await fresh.load(sid)
    again = Interview.rebuild(library.script(session.script_id), state.session, state.answers)  # no readings
    assert report_context(from_stored, when=session.finished_at) == report_context(again, when=session.finished_at)
    assert session.report == again.report()


async def test_a_reading_stored_by_another_version_is_made_again(service, store, library, clock) -> None:
    sid = await begin(service)
    await service.record_part(sid, STRONG, source="test")
    await service.finish_answer(sid)
    await store.db.write("UPDATE answers SET reading_json = '{\"digest\": \"x\", \"signals\": {\"old\": 1}}',"
                         " analysis_json = '{\"words\": 1}' WHERE session_id = ?", (sid,))
    fresh = InterviewService(store, library, clock)
    await fresh.record_part(sid, "Next answer.", source="test")
    step = await fresh.end(sid)
    state = await store.sessions.load_state(sid)
    again = Interview.rebuild(library.script(state.session.script_id), state.session, state.answers)
    assert step.transition.report == again.report()


async def test_a_done_analyses_only_the_answer_just_finished(service, clock, monkeypatch) -> None:
    import bot.core.interview as module

    real = module.analyze_answer
    calls: list[str] = []

    def counting(text, **kwargs):
        calls.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(module, "analyze_answer", counting)
    sid = await begin(service)
    for n in range(8):
        await service.record_part(sid, f"{STRONG} Answer {n}.", source="test")
        calls.clear()
        await service.finish_answer(sid)
        # One analysis: of this question's answer (with its probes' answers, if any) as it now is.
        assert len(calls) == 1 and calls[0].endswith(f"{STRONG} Answer {n}.")


# --- lists ---------------------------------------------------------------------------------------

async def test_report_choices_list_the_latest_interviews_matching_what_was_typed(service, clock) -> None:
    for _ in range(30):
        sid = await begin(service)
        await service.end(sid)
        clock.advance(60)
    choices = await service.session_choices(ALICE)
    assert len(choices) == 25
    assert [int(v) for _, v in choices] == sorted((int(v) for _, v in choices), reverse=True)
    label, value = choices[0]
    assert label.startswith(f"#{value} · Second-round interview · Acme · 2026-03-02 · finished")
    oldest = await service.session_choices(ALICE, "#1 ·")
    assert [v for _, v in oldest] == ["1"]  # found beyond the first page
    assert await service.session_choices(ALICE, "no such thing") == []
    assert await service.session_choices(BOB) == []


async def test_report_choices_are_matched_in_sql_exactly_as_their_labels_read(service, clock) -> None:
    """The label is matched in SQL, not in Python: every piece of every label (title, practice,
    company, date, status, id), in any ASCII case, finds exactly the interviews whose label
    contains it, as a plain substring test of the shown labels would."""
    made = [("second_round", "Acme"), ("final", "Globex Corp"), ("final_leadership", "initech"),
            ("behavioural_deep_dive", "Acme")]
    for script_id, company in made:
        step = await service.start(user_id=ALICE, script_id=script_id, channel_id=CHANNEL,
                                   context={**CONTEXT, "company": company})
        await service.end(step.session.id)
        clock.advance(86_400)
    first_question = service.library.script("final").questions[0].id
    step = await service.start(user_id=ALICE, script_id="final", channel_id=CHANNEL,
                               context={**CONTEXT, "only_questions": [first_question]})
    await service.end(step.session.id)
    clock.advance(86_400)
    await service.start(user_id=ALICE, script_id="second_round", channel_id=CHANNEL, context=CONTEXT)  # left open
    everything = await service.session_choices(ALICE)
    labels = [label for label, _ in everything]
    assert len(labels) == len(made) + 2 and labels[1].startswith("#5 · Practice: ")
    assert labels[0].endswith(" · in progress")  # the status in words, matched in SQL as shown
    probes = {"acme", "ACME", "Final", "practice", "globex c", "· finished", "2026-03-0", "#2 ·",
              "leadership", "round interview · acme", "in progress", "IN PROG", "active"}
    for label in labels:
        probes.update(label[i:i + 5] for i in range(0, len(label) - 5, 7))
    for typed in sorted(probes):
        found = await service.session_choices(ALICE, typed)
        assert [label for label, _ in found] == [label for label in labels if typed.lower() in label.lower()], typed


async def test_the_report_default_is_the_latest_ended_interview(service) -> None:
    with pytest.raises(SessionNotFound, match="no interviews yet"):
        await service.latest_reported(ALICE)
    first = await begin(service)
    with pytest.raises(SessionNotFound, match="still in progress"):
        await service.latest_reported(ALICE)
    await service.end(first)
    second = await begin(service)
    assert (await service.latest_reported(ALICE)).id == first
    await service.abandon(second)
    assert (await service.latest_reported(ALICE)).id == second


@settings(max_examples=300)
@given(text=st.text(max_size=40), attachments=st.lists(st.sampled_from(["cv.pdf", "notes.txt"]), max_size=2))
def test_a_part_is_cleaned_exactly_as_before(text: str, attachments: list[str]) -> None:
    expected = clean_user_text(text)
    if not expected.strip() and attachments:
        expected = "[attachment: " + ", ".join(attachments) + "]"
    assert _part_text(text, attachments) == expected


async def test_a_status_changed_without_the_version_is_noticed_too(service, store, tmp_path) -> None:
    """A writer outside the service (a tool, a test's raw SQL) that pauses an interview without
    bumping its version: the next part or transition over the held copy is refused by the
    status in the write's WHERE, and the session read again."""
    sid = await begin(service)
    await service.record_part(sid, STRONG, source="test")

    def pause_behind_the_back() -> None:
        conn = sqlite3.connect(tmp_path / "db.sqlite3")
        try:
            with conn:
                conn.execute("UPDATE interview_sessions SET status = 'paused' WHERE id = ?", (sid,))
        finally:
            conn.close()

    pause_behind_the_back()
    with pytest.raises(InterviewError, match="paused"):
        await service.record_part(sid, "Not into a paused interview.", source="test")
    await service.resume(sid)
    pause_behind_the_back()
    with pytest.raises(InterviewError, match="paused"):
        await service.finish_answer(sid, expected="1.0")
    assert (await store.sessions.get(sid)).status == "paused"  # not overwritten
    assert [p.text for p in (await store.sessions.answers(sid))[0].parts] == [STRONG]
