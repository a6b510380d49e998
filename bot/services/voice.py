"""Spoken answers: a recording is transcribed on this machine, off the event loop, and stored as a
part of the current answer with its delivery metrics, before the caller acknowledges it. The
audio itself is never stored.

One worker thread does all transcription (the engines are CPU-heavy and not thread-safe), its
models loaded once, on first use. The queue in front of it is bounded: a recording that finds it
full is refused at once with a clear message (`VoiceBusy`), nothing stored, rather than making
everyone wait longer. A caller that has work to do before the transcription (the Discord adapter
downloads the recording) takes its place first with `reserve()`: it is refused then, before
downloading anything, or holds a place that cannot be refused later, and knows how many are
ahead of it. Both the Discord adapter and the terminal rehearsal come through here."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot.core.clock import Clock
from bot.core.delivery import Delivery, Transcription
from bot.core.interview import InterviewError
from bot.services.interviews import InterviewService, PartResult
from bot.store import Store
from bot.voice import AudioError, Transcriber, extra_installed, offline_transcriber

log = logging.getLogger(__name__)
QUEUE_LIMIT = 8  # recordings waiting or being transcribed, at most

NOT_INSTALLED = ("Voice answers are not enabled on this bot, so I did not record that one. Type your "
                 "answer instead.")
TURNED_OFF = ("Voice answers are turned off on this server, so I did not record that one. Type your "
              "answer instead.")


class VoiceUnavailable(InterviewError):
    """Voice answers cannot be taken here (the extra is not installed, or a server turned them off)."""


class VoiceBusy(InterviewError):
    """The transcription queue is full; nothing was stored."""


BUSY = ("I'm transcribing too many voice answers right now, so I did not take that one. Send it again "
        "in a minute, or type your answer.")


class QueuePlace:
    """A place in the transcription queue, held from `VoiceService.reserve()` until the recording
    has been transcribed or the place is released (leaving a `with` block releases it)."""

    def __init__(self, service: VoiceService, ahead: int) -> None:
        self.ahead = ahead  # recordings queued or being transcribed before this one
        self._service: VoiceService | None = service

    @property
    def held(self) -> bool:
        return self._service is not None

    def release(self) -> None:
        if self._service is not None:
            self._service._pending -= 1
            self._service = None

    def __enter__(self) -> QueuePlace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@dataclass(frozen=True, slots=True)
class SpokenAnswer:
    part: PartResult
    transcription: Transcription
    delivery: Delivery


WORKER_NICENESS = 10  # how much lower the transcription thread's CPU priority is than the loop's


def _lower_priority() -> None:
    """In the worker thread, before the engines start their own threads (they inherit it): a
    lower CPU priority, so on a busy machine the event loop's thread is served first. Linux and
    other Unix systems treat threads as tasks here; elsewhere this does nothing."""
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + WORKER_NICENESS))
    except (AttributeError, OSError):  # Windows has no setpriority; a container may refuse it
        log.debug("Could not lower the voice worker's priority")


class VoiceService:
    def __init__(self, store: Store, clock: Clock, interviews: InterviewService, *,
                 make_transcriber: Callable[[], Transcriber] | None = None,
                 queue_limit: int = QUEUE_LIMIT) -> None:
        """`make_transcriber` is called once, in the worker thread, on first use; by default it
        makes the real offline engines when the `voice` extra is installed."""
        self.store = store
        self.clock = clock
        self.interviews = interviews
        self._factory = make_transcriber or (offline_transcriber if extra_installed() else None)
        self._engine: Transcriber | None = None
        self._engine_lock = threading.Lock()
        self._worker: ThreadPoolExecutor | None = None
        self._pending = 0
        self.queue_limit = max(1, queue_limit)

    def use(self, make_transcriber: Callable[[], Transcriber] | None) -> None:
        """Swap the engine (tests use a fake; None: as if the extra were not installed)."""
        with self._engine_lock:
            self._factory, self._engine = make_transcriber, None

    @property
    def available(self) -> bool:
        """Whether this bot can take voice answers at all (the `voice` extra is installed)."""
        return self._factory is not None

    @property
    def waiting(self) -> int:
        """Recordings queued or being transcribed now."""
        return self._pending

    # --- server setting --------------------------------------------------------------------

    async def enabled_in(self, guild_id: int | None) -> bool:
        """Voice answers are on unless a server's admin turned them off (always on in DMs)."""
        if guild_id is None:
            return True
        return await self.store.guilds.voice_answers(guild_id) is not False

    async def set_enabled(self, guild_id: int, enabled: bool) -> None:
        await self.store.guilds.set_voice_answers(guild_id, enabled, self.clock.now())

    async def answers_here(self, channel_id: int, user_id: int) -> bool:
        """Whether a message by this user in this channel would be an answer (their interview is
        open there): checked before anything is downloaded or transcribed."""
        session = await self.interviews.session_in_channel(channel_id)
        return session is not None and session.user_id == user_id

    async def check_allowed(self, guild_id: int | None) -> None:
        """Raises VoiceUnavailable, with the reason for the candidate, when voice answers cannot
        be taken here."""
        if not self.available:
            raise VoiceUnavailable(NOT_INSTALLED)
        if not await self.enabled_in(guild_id):
            raise VoiceUnavailable(TURNED_OFF)

    # --- transcription ---------------------------------------------------------------------

    @property
    def full(self) -> bool:
        """Whether a recording arriving now would be refused (VoiceBusy)."""
        return self._pending >= self.queue_limit

    def reserve(self) -> QueuePlace:
        """A place in the queue for a recording about to be transcribed, taken before it is
        downloaded: raises VoiceBusy at once when the queue is full (VoiceUnavailable without the
        extra); otherwise the place, with how many are ahead of it, is the recording's until
        `transcribe` has run with it or it is released."""
        if not self.available:
            raise VoiceUnavailable(NOT_INSTALLED)
        if self.full:
            raise VoiceBusy(BUSY)
        place = QueuePlace(self, self._pending)
        self._pending += 1
        return place

    def _run(self, audio: bytes) -> Transcription:
        """In the worker thread: the engine is made once, then reused."""
        with self._engine_lock:
            if self._engine is None:
                assert self._factory is not None
                self._engine = self._factory()
            engine = self._engine
        return engine.transcribe(audio)

    async def transcribe(self, audio: bytes, *, place: QueuePlace | None = None) -> Transcription:
        """The recording's transcription, made in the worker thread. Raises VoiceBusy when the
        queue is full (never when given a held `place` from `reserve()`), AudioError when the
        recording is unusable, VoiceUnavailable without the extra. The place is released when
        this returns."""
        if place is None or not place.held:
            place = self.reserve()
        with place:
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-transcriber",
                                                  initializer=_lower_priority)
            return await asyncio.get_running_loop().run_in_executor(self._worker, self._run, audio)

    async def answer_in_channel(self, channel_id: int, user_id: int, audio: bytes, *,
                                source_id: str, place: QueuePlace | None = None) -> SpokenAnswer | None:
        """A voice message in a thread or DM: transcribed (in `place`, when one was reserved),
        then stored (transcript, duration and delivery metrics, committed together) as a part of
        the candidate's current answer. None when it is not an answer there (no interview open,
        someone else's message)."""
        transcription = await self.transcribe(audio, place=place)
        stored = await self.interviews.answer_spoken_in_channel(
            channel_id, user_id, transcription, source_id=source_id)
        if stored is None:
            return None
        part, delivery = stored
        return SpokenAnswer(part, transcription, delivery)

    async def answer(self, session_id: int, audio: bytes, *, source: str, source_id: str | None = None,
                     user_id: int | None = None) -> SpokenAnswer:
        """A recording as a part of the current answer of one session (the terminal rehearsal)."""
        transcription = await self.transcribe(audio)
        part, delivery = await self.interviews.record_spoken_part(
            session_id, transcription, source=source, source_id=source_id, user_id=user_id)
        return SpokenAnswer(part, transcription, delivery)

    def warm_up(self) -> None:
        """Start loading the models in the worker thread (optional; the first recording would)."""
        if self._factory is None:
            return
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-transcriber",
                                              initializer=_lower_priority)

        def load() -> None:
            with self._engine_lock:
                if self._engine is None and self._factory is not None:
                    self._engine = self._factory()
                    loader = getattr(self._engine, "load", None)
                    if callable(loader):
                        loader()

        self._worker.submit(load)

    def stop(self) -> None:
        """Let the worker thread go (what it is transcribing finishes; queued work is dropped:
        nothing of it was stored or acknowledged)."""
        if self._worker is not None:
            self._worker.shutdown(wait=False, cancel_futures=True)
            self._worker = None


__all__ = ["AudioError", "QueuePlace", "SpokenAnswer", "VoiceBusy", "VoiceService", "VoiceUnavailable"]
