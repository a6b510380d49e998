"""The voice service without Discord, with a fake engine: one worker thread, the engine made
once, a bounded queue, the transcript and its metrics committed together, the report's delivery
section, the server switch and the privacy export. Real SQLite, the shipped scripts."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _voice_fake import FakeEngine, voice_bytes

from bot.core.clock import ManualClock
from bot.library import TemplateLibrary
from bot.services.interviews import InterviewService
from bot.services.users import UserSettingsService
from bot.services.voice import VoiceBusy, VoiceService, VoiceUnavailable
from bot.store import Store
from bot.voice import AudioError

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SAM, OLIVE = 1001, 2002
THREAD = 555
CONTEXT = {"candidate": "Sam", "role": "Data Analyst", "company": "Acme"}
SPOKEN = ("[start=0.8] At my last company our monthly reporting took three days. I was responsible for "
          "fixing it, so um I rebuilt the pipeline [pause=2.4] in SQL and automated the checks. As a result "
          "it now takes four hours and errors fell forty percent within two months.")


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary(PROMPTS, for_discord=False).load()


@pytest.fixture
async def parts(tmp_path: Path, library: TemplateLibrary):
    clock = ManualClock(T0)
    async with Store(tmp_path / "db.sqlite3") as store:
        interviews = InterviewService(store, library, clock)
        engine = FakeEngine()
        voice = VoiceService(store, clock, interviews, make_transcriber=lambda: engine)
        yield store, interviews, voice, engine, clock
        voice.stop()


async def started(interviews: InterviewService, user: int = SAM, channel: int = THREAD) -> int:
    step = await interviews.start(user_id=user, script_id="second_round", context=CONTEXT, channel_id=channel)
    return step.session.id


async def test_a_voice_message_is_stored_with_its_metrics_before_it_returns(parts) -> None:
    store, interviews, voice, engine, _ = parts
    sid = await started(interviews)
    spoken = await voice.answer_in_channel(THREAD, SAM, voice_bytes(SPOKEN), source_id="m1")
    assert spoken is not None and spoken.part.stored
    answers = await store.sessions.answers(sid)
    part = answers[0].parts[0]
    assert part.source == "voice" and part.source_id == "m1"
    assert part.text.startswith("At my last company") and "[pause" not in part.text
    rows = await store.sessions.spoken_parts(sid)
    assert len(rows) == 1 and rows[0].part_id == part.id and rows[0].engine == "fake"
    assert rows[0].duration == pytest.approx(spoken.transcription.duration)
    metrics = rows[0].metrics
    assert metrics["long_pauses"] == 1 and metrics["pauses"][0]["before"] == "i rebuilt the pipeline"
    assert metrics["fillers"] == {"um": 1}
    assert metrics["target_seconds"] is not None  # against the question's suggested length
    assert engine.threads == ["voice-transcriber_0"]


async def test_a_redelivered_voice_message_is_stored_once(parts) -> None:
    store, interviews, voice, _, _ = parts
    sid = await started(interviews)
    first = await voice.answer_in_channel(THREAD, SAM, voice_bytes(SPOKEN), source_id="m1")
    again = await voice.answer_in_channel(THREAD, SAM, voice_bytes(SPOKEN), source_id="m1")
    assert first is not None and again is not None and first.part.stored and not again.part.stored
    assert len((await store.sessions.answers(sid))[0].parts) == 1
    assert len(await store.sessions.spoken_parts(sid)) == 1


async def test_someone_elses_voice_message_is_not_an_answer(parts) -> None:
    store, interviews, voice, _, _ = parts
    sid = await started(interviews)
    assert not await voice.answers_here(THREAD, OLIVE)
    assert await voice.answers_here(THREAD, SAM)
    assert await voice.answer_in_channel(THREAD, OLIVE, voice_bytes(SPOKEN), source_id="m9") is None
    assert (await store.sessions.answers(sid))[0].parts == []


async def test_a_long_transcript_is_split_into_parts_with_one_metrics_row(parts) -> None:
    store, interviews, voice, _, _ = parts
    sid = await started(interviews)
    long_text = " ".join([SPOKEN.replace("[start=0.8] ", "").replace("[pause=2.4] ", "")] * 20)  # ~5,000 chars
    spoken = await voice.answer_in_channel(THREAD, SAM, voice_bytes(long_text), source_id="m2")
    assert spoken is not None
    stored = (await store.sessions.answers(sid))[0].parts
    assert len(stored) == 2 and all(len(p.text) <= 4000 for p in stored)
    assert [p.source_id for p in stored] == ["m2", "m2#2"]
    assert " ".join(p.text for p in stored).split() == long_text.split()
    assert len(await store.sessions.spoken_parts(sid)) == 1


async def test_unusable_audio_stores_nothing(parts) -> None:
    store, interviews, voice, _, _ = parts
    sid = await started(interviews)
    with pytest.raises(AudioError):
        await voice.answer_in_channel(THREAD, SAM, voice_bytes("[unreadable]"), source_id="m3")
    assert (await store.sessions.answers(sid))[0].parts == []
    assert await store.sessions.spoken_parts(sid) == []


async def test_the_engine_is_made_once_and_runs_in_one_worker_thread(tmp_path: Path, library) -> None:
    made: list[FakeEngine] = []

    def make() -> FakeEngine:
        made.append(FakeEngine())
        return made[-1]

    async with Store(tmp_path / "db.sqlite3") as store:
        clock = ManualClock(T0)
        voice = VoiceService(store, clock, InterviewService(store, library, clock), make_transcriber=make)
        try:
            await asyncio.gather(*(voice.transcribe(voice_bytes(f"take {n} of it")) for n in range(4)))
            await voice.transcribe(voice_bytes("one more"))
        finally:
            voice.stop()
    assert len(made) == 1
    assert set(made[0].threads) == {"voice-transcriber_0"}
    assert threading.current_thread().name not in made[0].threads


async def test_a_full_queue_refuses_at_once_and_stores_nothing(tmp_path: Path, library) -> None:
    gate = threading.Event()
    engine = FakeEngine(gate)
    async with Store(tmp_path / "db.sqlite3") as store:
        clock = ManualClock(T0)
        interviews = InterviewService(store, library, clock)
        voice = VoiceService(store, clock, interviews, make_transcriber=lambda: engine, queue_limit=2)
        try:
            sid = await started(interviews)
            other = await started(interviews, OLIVE, 777)
            first = asyncio.create_task(voice.answer_in_channel(THREAD, SAM, voice_bytes(SPOKEN), source_id="a"))
            second = asyncio.create_task(voice.answer_in_channel(777, OLIVE, voice_bytes(SPOKEN), source_id="b"))
            await asyncio.to_thread(engine.started.acquire)  # the first is being transcribed
            assert voice.waiting == 2  # both were queued before the loop let the thread report
            with pytest.raises(VoiceBusy, match="too many voice answers"):
                await voice.answer_in_channel(THREAD, SAM, voice_bytes("a third"), source_id="c")
            assert (await store.sessions.answers(sid))[0].parts == []
            gate.set()
            await asyncio.gather(first, second)
            assert voice.waiting == 0
            assert [p.source_id for p in (await store.sessions.answers(sid))[0].parts] == ["a"]
            assert [p.source_id for p in (await store.sessions.answers(other))[0].parts] == ["b"]
        finally:
            gate.set()
            voice.stop()


async def test_the_report_has_a_delivery_section_for_spoken_answers_only(parts) -> None:
    store, interviews, voice, _, clock = parts
    sid = await started(interviews)
    step = None
    for number in range(1, 100):
        clock.advance(60)
        if number == 2:  # one spoken answer, the rest typed
            await voice.answer_in_channel(THREAD, SAM, voice_bytes(SPOKEN), source_id="v2")
        else:
            await interviews.record_part(sid, "I rebuilt the reporting pipeline in SQL; it takes four hours now.",
                                         source="test")
        step = await interviews.finish_answer(sid, user_id=SAM)
        if step.finished:
            break
    assert step is not None and step.finished
    delivery = step.transition.report["delivery"]
    assert delivery["spoken"] == 1
    row = delivery["answers"][0]
    assert row["question_number"] == 2 and row["long_pauses"] == 1 and row["filler_count"] == 1
    assert row["notes"]
    stored = await store.sessions.get(sid)
    assert stored.report["delivery"] == delivery  # stored with the report
    # typed answers are analysed as before; the spoken one by its transcript
    assert stored.report["answered"] >= 2


async def test_an_interview_without_voice_has_no_delivery_section(parts) -> None:
    _, interviews, _, _, _ = parts
    sid = await started(interviews)
    await interviews.record_part(sid, "A typed answer about the pipeline.", source="test")
    step = await interviews.end(sid, user_id=SAM)
    assert "delivery" not in step.transition.report


async def test_the_terminal_path_records_a_recording_as_a_part(parts) -> None:
    store, interviews, voice, _, _ = parts
    sid = await started(interviews)
    spoken = await voice.answer(sid, voice_bytes(SPOKEN), source="terminal-voice")
    assert spoken.delivery.words > 30
    part = (await store.sessions.answers(sid))[0].parts[0]
    assert part.source == "terminal-voice" and part.source_id is None


async def test_without_the_extra_or_switched_off(parts) -> None:
    _, _, voice, _, _ = parts
    await voice.check_allowed(None)
    await voice.check_allowed(42)
    await voice.set_enabled(42, False)
    with pytest.raises(VoiceUnavailable, match="turned off on this server"):
        await voice.check_allowed(42)
    await voice.check_allowed(None)  # DMs are not a server's to switch off
    await voice.set_enabled(42, True)
    await voice.check_allowed(42)
    voice.use(None)
    assert not voice.available
    with pytest.raises(VoiceUnavailable, match="not enabled on this bot"):
        await voice.check_allowed(None)
    with pytest.raises(VoiceUnavailable):
        await voice.transcribe(voice_bytes("hello"))


async def test_the_privacy_export_says_audio_is_not_kept_and_has_the_metrics(parts) -> None:
    store, interviews, voice, _, clock = parts
    await started(interviews)
    await voice.answer_in_channel(THREAD, SAM, voice_bytes(SPOKEN), source_id="m1")
    export = await UserSettingsService(store, clock).export(SAM)
    assert "never stored" in export["audio"]
    spoken = export["data"]["spoken_parts"]
    assert len(spoken) == 1 and json.loads(spoken[0]["metrics_json"])["words"] > 30
    assert export["data"]["answer_parts"][0]["source"] == "voice"
    assert (await store.delete_user(SAM))["spoken_parts"] == 1
    assert (await UserSettingsService(store, clock).export(SAM))["data"]["spoken_parts"] == []


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no thread priorities on this platform")
async def test_the_worker_thread_runs_at_a_lower_priority_than_the_event_loop(parts) -> None:
    _, _, voice, engine, _ = parts
    seen: list[int] = []
    real = engine.transcribe

    def transcribe(audio: bytes):
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return real(audio)

    engine.transcribe = transcribe
    await voice.transcribe(voice_bytes("hello there"))
    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen == [min(19, here + 10)]
