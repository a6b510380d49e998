"""Spoken answers on Discord, used the way a candidate would: a voice message in the interview
thread -> ⏳ -> transcript stored -> "what I heard" -> ✅, then the report's delivery section.

The speech engine is the fake of tests/_voice_fake.py (the real engines are tested on real audio
in tests/voice/test_engines.py). simcord has no voice messages: its uploads carry no
`duration_secs` or `waveform`, so `Attachment.is_voice_message()` is False. The `voice_messages`
fixture works around that by adding both, as Discord does, to uploads named
`voice-message.ogg` (the name Discord's clients give them), with the duration the test asks for."""

from __future__ import annotations

import asyncio
import base64
import threading

import discord
import pytest
from _voice_fake import FakeEngine, voice_bytes

VOICE_FILE = "voice-message.ogg"
SPOKEN = ("[start=0.8] At my last company our monthly reporting took three days. I was responsible for fixing "
          "it, so um I rebuilt the pipeline [pause=2.4] in SQL and automated the checks. As a result it now "
          "takes four hours and errors fell forty percent within two months.")


class VoiceMessages:
    """Makes simcord uploads named voice-message.ogg look like Discord voice messages."""

    def __init__(self, env) -> None:
        self.duration = 30.0
        cdn = env.backend.cdn
        original = cdn.store_attachment

        def store_attachment(attachment_id, channel_id, filename, data, description):
            payload = original(attachment_id, channel_id, filename, data, description)
            if filename == VOICE_FILE:
                payload["duration_secs"] = self.duration
                payload["waveform"] = base64.b64encode(bytes(range(0, 256, 4))).decode()
                payload["content_type"] = "audio/ogg"
            return payload

        cdn.store_attachment = store_attachment

    async def send(self, member, channel, text: str, *, duration: float = 30.0) -> discord.Message:
        self.duration = duration
        return await member.send(channel, attachments=[(VOICE_FILE, voice_bytes(text))])


@pytest.fixture
def voice_messages(simcord_env) -> VoiceMessages:
    return VoiceMessages(simcord_env)


@pytest.fixture
def engine(simcord_env) -> FakeEngine:
    fake = FakeEngine()
    simcord_env.bot.voice.use(lambda: fake)
    return fake


async def start(world, member=None, channel=None):
    member, channel = member or world.candidate, channel or world.channel
    await member.slash(channel, "interview start", script="second_round", role="Data Analyst", company="Acme")
    return channel.threads[-1]


def reactions(message) -> set[str]:
    return {str(r.emoji) for r in message.reactions}


def reaction_calls(env, message_id: int) -> list[tuple[str, str]]:
    """(method, emoji) of the bot's reaction calls on one message, in order."""
    out = []
    for request in env.http_requests:
        if f"/messages/{message_id}/reactions/" in request.path:
            emoji = request.path.split("/reactions/")[1].split("/")[0]
            out.append((request.method, emoji))
    return out


async def test_a_voice_answer_end_to_end(world, simcord_env, voice_messages, engine):
    thread = await start(world)
    seen_when_transcribing: dict[str, object] = {}
    store = simcord_env.bot.store
    real_transcribe = engine.transcribe

    def transcribe(audio: bytes):  # in the worker thread: what has happened before transcription
        seen_when_transcribing["requests"] = [(r.method, r.path) for r in simcord_env.http_requests]
        return real_transcribe(audio)

    engine.transcribe = transcribe
    message = await voice_messages.send(world.candidate, thread, SPOKEN, duration=24.0)

    # ⏳ went on before the transcription started, ✅ replaced it once the transcript was stored.
    before = seen_when_transcribing["requests"]
    assert any(method == "PUT" and f"/messages/{message.id}/reactions/%E2%8F%B3" in path for method, path in before)
    assert not any(f"/messages/{message.id}/reactions/%E2%9C%85" in path for _, path in before)
    assert reaction_calls(simcord_env, message.id) == [("PUT", "%E2%8F%B3"), ("DELETE", "%E2%8F%B3"),
                                                       ("PUT", "%E2%9C%85")]
    assert reactions(next(m for m in thread.history() if m.id == message.id)) == {"✅"}

    # Stored as an answer part, with what was measured; the audio is not.
    session = (await store.sessions.for_user(world.candidate.id))[0]
    part = (await store.sessions.answers(session.id))[0].parts[0]
    assert part.source == "voice" and part.source_id == str(message.id)
    assert part.text.startswith("At my last company") and part.attachments == []
    spoken = await store.sessions.spoken_parts(session.id)
    assert len(spoken) == 1 and spoken[0].metrics["long_pauses"] == 1

    # "Here is what I heard", so a misheard word can be seen and corrected by typing.
    heard = thread.history()[-1]
    assert heard.embeds[0].title == "Your voice answer"
    body = heard.embeds[0].description
    assert "**Here is what I heard**" in body and "> At my last company" in body and "type the correction" in body
    assert "long pause" in body

    # A typed correction is another part of the same answer; then the interview goes on to the end.
    await world.candidate.send(thread, "Correction: it was forty percent fewer errors, not four.")
    assert len((await store.sessions.answers(session.id))[0].parts) == 2
    await world.candidate.click(world.current(thread), label="Done")
    await world.answer_all(thread)

    report = "\n".join(e.description for m in world.reports(thread) for e in m.embeds)
    assert "**How you said it** (1 spoken answer" in report
    assert "Question 1:" in report and "1 long pause" in report and 'after "i rebuilt the pipeline"' in report
    transcript = (await world.reports(thread)[-1].attachments[0].read()).decode()
    assert "> Spoken (1 recording" in transcript
    assert "At my last company our monthly reporting" in transcript and "Correction: it was forty" in transcript
    stored = await store.sessions.get(session.id)
    assert stored.report["delivery"]["answers"][0]["question_number"] == 1


async def test_without_the_voice_extra_a_voice_message_gets_one_clear_reply(world, simcord_env, voice_messages):
    simcord_env.bot.voice.use(None)  # as if the extra were not installed
    thread = await start(world)
    before = len(thread.history())
    message = await voice_messages.send(world.candidate, thread, SPOKEN)
    replies = thread.history()[before + 1:]
    assert [m.content for m in replies] == [
        "Voice answers are not enabled on this bot, so I did not record that one. Type your answer instead."]
    assert replies[0].reference is not None and replies[0].reference.message_id == message.id
    session = (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0]
    assert (await simcord_env.bot.store.sessions.answers(session.id))[0].parts == []
    # and typing still works
    await world.candidate.send(thread, "Typed instead.")
    assert (await simcord_env.bot.store.sessions.answers(session.id))[0].parts[0].text == "Typed instead."


async def test_an_admin_can_turn_voice_answers_off_for_a_server(world, simcord_env, voice_messages, engine):
    admin_role = world.guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = world.guild.add_member(simcord_env.create_user("ada"), roles=[admin_role])
    assert not any(c.startswith("server-settings") for c in world.candidate.available_commands(world.channel))
    done = await admin.slash(world.channel, "server-settings voice_answers", state="off")
    assert "**off**" in done.response.content
    thread = await start(world)
    await voice_messages.send(world.candidate, thread, SPOKEN)
    assert "turned off on this server" in thread.history()[-1].content
    assert engine.threads == []  # nothing was transcribed
    await admin.slash(world.channel, "server-settings voice_answers", state="on")
    message = await voice_messages.send(world.candidate, thread, SPOKEN)
    assert reaction_calls(simcord_env, message.id)[-1] == ("PUT", "%E2%9C%85")


@pytest.mark.parametrize(("filename", "duration", "text", "expected"), [
    (VOICE_FILE, 301.0, SPOKEN, "voice answers can be up to 5:00"),
    ("answer.mp3", None, SPOKEN, "not a voice message"),
    (VOICE_FILE, 20.0, "[unreadable]", "could not read that audio"),
])
async def test_limits_and_unreadable_audio_are_refused_clearly(world, simcord_env, voice_messages, engine,
                                                               filename, duration, text, expected):
    thread = await start(world)
    if filename == VOICE_FILE:
        message = await voice_messages.send(world.candidate, thread, text, duration=duration)
    else:
        message = await world.candidate.send(thread, attachments=[(filename, voice_bytes(text))])
    reply = thread.history()[-1]
    assert expected in reply.content.lower() or expected in reply.content
    assert reply.reference is not None and reply.reference.message_id == message.id
    session = (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0]
    assert (await simcord_env.bot.store.sessions.answers(session.id))[0].parts == []
    assert ("PUT", "%E2%9C%85") not in reaction_calls(simcord_env, message.id)


async def test_a_voice_message_outside_an_interview_is_left_alone(world, simcord_env, voice_messages, engine):
    await voice_messages.send(world.candidate, world.channel, SPOKEN)
    assert [m.author.id for m in world.channel.history()] == [world.candidate.id]
    assert engine.threads == []


async def test_a_long_transcription_does_not_stall_other_candidates(world, simcord_env, voice_messages, engine):
    """While one candidate's 3-minute voice message is being transcribed (the fake engine holds
    the worker thread until the others are done), five other candidates' typed answers are
    handled and acknowledged. Were the transcription on the event loop, they could not be, and
    the engine would give up waiting. (The lag figures are in bench/voice.py.)"""
    others = [world.guild.add_member(simcord_env.create_user(f"c{n}")) for n in range(5)]
    threads = [await start(world, member) for member in others]
    voice_thread = await start(world)
    loop = asyncio.get_running_loop()
    bot = simcord_env.bot
    handled = threading.Event()
    committed: list[int] = []
    typed: list[int] = []
    answer_in_channel = bot.interviews.answer_in_channel

    async def counting(*args, **kwargs):
        result = await answer_in_channel(*args, **kwargs)
        if result is not None:
            committed.append(result.session.id)
            if len(committed) == len(others):
                handled.set()
        return result

    bot.interviews.answer_in_channel = counting

    def arrive() -> None:  # on the loop: the other candidates' messages arrive now
        for member, thread in zip(others, threads, strict=True):
            typed.append(simcord_env.backend.create_message(thread.id, member.id, "My typed answer, mid-way.").id)

    real_transcribe = engine.transcribe

    def transcribe(audio: bytes):  # in the worker thread, a 3-minute recording
        loop.call_soon_threadsafe(arrive)
        assert handled.wait(timeout=25), "typed answers were not handled while a voice message was transcribed"
        return real_transcribe(audio)

    engine.transcribe = transcribe
    three_minutes = " ".join(["I rebuilt the pipeline and it now takes four hours."] * 45)
    message = await voice_messages.send(world.candidate, voice_thread, three_minutes, duration=180.0)

    assert len(committed) == 5
    assert reaction_calls(simcord_env, message.id)[-1] == ("PUT", "%E2%9C%85")
    for thread, message_id in zip(threads, typed, strict=True):
        assert ("PUT", "%E2%9C%85") in reaction_calls(simcord_env, message_id), thread.name
    store = bot.store
    voice_session = (await store.sessions.for_user(world.candidate.id))[0]
    voice_part = (await store.sessions.answers(voice_session.id))[0].parts[0]
    for member in others:
        session = (await store.sessions.for_user(member.id))[0]
        assert (await store.sessions.answers(session.id))[0].parts[0].id < voice_part.id  # committed first


async def test_privacy_export_says_the_audio_is_not_kept_and_has_the_transcript(world, simcord_env, voice_messages,
                                                                              engine):
    import json

    thread = await start(world)
    await voice_messages.send(world.candidate, thread, SPOKEN)
    export = await world.candidate.slash(world.channel, "privacy export")
    last = (export.followups or [export.response])[-1]
    assert "the audio is never stored" in last.content
    data = json.loads(await last.attachments[0].read())
    assert "never stored" in data["audio"]
    assert [p["source"] for p in data["data"]["answer_parts"]] == ["voice"]
    assert data["data"]["answer_parts"][0]["text"].startswith("At my last company")
    assert json.loads(data["data"]["spoken_parts"][0]["metrics_json"])["long_pauses"] == 1
    ask = await world.candidate.slash(world.channel, "privacy delete")
    await world.candidate.click(ask.response, label="Delete everything")
    assert (await simcord_env.bot.store.export_user(world.candidate.id))["spoken_parts"] == []


async def test_a_full_queue_refuses_once_before_downloading_and_queued_means_queued(world, simcord_env,
                                                                                    voice_messages):
    """Queue of two: A is being transcribed (the fake engine holds it), B arrives and is told it is
    queued with 1 ahead, then is transcribed; C finds the queue full and gets one reply, a
    refusal, with no "queued" notice before it, and its audio is never downloaded."""
    bot = simcord_env.bot
    fake = FakeEngine()
    bot.voice.use(lambda: fake)
    bot.voice.queue_limit = 2
    loop = asyncio.get_running_loop()
    thread = await start(world)
    cdn = simcord_env.backend.cdn
    downloaded: list[str] = []
    real_get = cdn.get

    def get(url: str):
        downloaded.append(url)
        return real_get(url)

    cdn.get = get
    cog = bot.get_cog("Interview")
    said: dict[int, list[str]] = {}
    queued_b, refused_c = threading.Event(), threading.Event()
    real_say = cog.voice_answers._say
    ids: dict[str, int] = {}
    urls: dict[str, str] = {}

    async def say(message, text: str) -> None:
        said.setdefault(message.id, []).append(text)
        await real_say(message, text)
        if message.id == ids.get("B") and "queued" in text:
            queued_b.set()
        if message.id == ids.get("C") and "did not take" in text:
            refused_c.set()

    cog.voice_answers._say = say

    def arrive(name: str, text: str) -> None:  # on the loop, as the gateway would deliver it
        voice_messages.duration = 20.0
        payloads = simcord_env.backend.store_attachments(thread.id, [(VOICE_FILE, voice_bytes(text))])
        urls[name] = payloads[0]["url"]
        ids[name] = simcord_env.backend.create_message(thread.id, world.candidate.id, "", attachments=payloads).id

    real_transcribe = fake.transcribe

    def transcribe(audio: bytes):  # in the worker thread
        if b"first" in audio:  # while A is being transcribed: B is queued, then C arrives
            loop.call_soon_threadsafe(arrive, "B", "The second answer.")
            assert queued_b.wait(timeout=25), "B was not told it is queued"
            loop.call_soon_threadsafe(arrive, "C", "The third answer.")
            assert refused_c.wait(timeout=25), "C was not refused while A was being transcribed"
        return real_transcribe(audio)

    fake.transcribe = transcribe
    a = await voice_messages.send(world.candidate, thread, "The first answer.", duration=20.0)

    assert said.get(a.id) is None  # nothing ahead of A: no notice
    assert said[ids["B"]] == ["Busy: your answer is queued (1 ahead of it). I'll post what I heard as soon as it "
                              "is transcribed."]
    assert len(said[ids["C"]]) == 1 and "did not take that one" in said[ids["C"]][0]
    assert "Nothing was recorded" in said[ids["C"]][0] and "queued" not in said[ids["C"]][0]
    assert urls["C"] not in downloaded and urls["B"] in downloaded and len(downloaded) == 2  # and A's
    assert reaction_calls(simcord_env, ids["C"]) == []  # no ⏳ for a refused one
    assert reaction_calls(simcord_env, ids["B"])[-1] == ("PUT", "%E2%9C%85")
    session = (await bot.store.sessions.for_user(world.candidate.id))[0]
    texts = [p.text for p in (await bot.store.sessions.answers(session.id))[0].parts]
    assert texts == ["The first answer.", "The second answer."]
    assert bot.voice.waiting == 0
