"""A fake speech engine for tests (not a test module): the "audio" is the words to be heard,
as UTF-8 bytes, and each word is heard 0.4 s after the one before. `[pause=2.5]` in the text
adds that much silence; `[start=4]` delays the first word; `[unreadable]` is audio that cannot be
decoded. The real engines are tested on real audio in tests/voice/test_engines.py."""

from __future__ import annotations

import re
import threading

from bot.core.delivery import TimedWord, Transcription
from bot.voice import AudioError

STEP = 0.4


def voice_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def hear(text: str) -> Transcription:
    at, words, spoken = 0.5, [], []
    for token in text.split():
        if (start := re.fullmatch(r"\[start=([\d.]+)\]", token)) is not None:
            at = float(start.group(1))
        elif (pause := re.fullmatch(r"\[pause=([\d.]+)\]", token)) is not None:
            at += float(pause.group(1))
        else:
            words.append(TimedWord(re.sub(r"[^\w']", "", token.lower()), at, at + STEP * 0.8))
            spoken.append(token)
            at += STEP
    return Transcription(" ".join(spoken), at + 0.5, tuple(words), engine="fake")


class FakeEngine:
    """Counts its calls and the threads they run in; `gate`, when set, holds every
    transcription until it is opened (to keep a recording "being transcribed")."""

    made = 0

    def __init__(self, gate: threading.Event | None = None) -> None:
        FakeEngine.made += 1
        self.gate = gate
        self.threads: list[str] = []
        self.started = threading.Semaphore(0)

    def transcribe(self, audio: bytes) -> Transcription:
        self.threads.append(threading.current_thread().name)
        self.started.release()
        if self.gate is not None:
            assert self.gate.wait(timeout=60), "the test never released the fake engine"
        text = audio.decode("utf-8", errors="replace")
        if "[unreadable]" in text:
            raise AudioError("I could not read that audio.")
        return hear(text)
