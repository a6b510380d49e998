"""Speech to text on the bot's own machine, for spoken answers (the optional `voice` extra).

`Transcriber` is the small interface the voice service runs in its worker thread: audio bytes in,
a `Transcription` (the words heard, with their times) out. `OfflineTranscriber` is the real one:
decode (soundfile) -> resample to 16 kHz (soxr) -> transcribe (moonshine-voice 0.1.0, whose
English model ships in its wheel) -> align the words to the audio (pocketsphinx 5.1.1). Tests use
a fake. Nothing heavy is imported here: numpy and the engines load only when a recording is
first transcribed, so the bot's base install and import stay light."""

from __future__ import annotations

import importlib.util
from typing import Protocol

from bot.core.delivery import Transcription

EXTRA_MODULES = ("numpy", "soundfile", "soxr", "moonshine_voice", "pocketsphinx")


class AudioError(Exception):
    """A recording that cannot be used (unreadable, silent); the message is for the candidate."""


class Transcriber(Protocol):
    def transcribe(self, audio: bytes) -> Transcription:
        """Blocking: runs in the voice service's worker thread. Raises AudioError."""
        ...


def extra_installed() -> bool:
    """Whether the `voice` extra's packages are importable (checked without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in EXTRA_MODULES)


def offline_transcriber() -> Transcriber:
    """The real engines (imported now, loaded on first use)."""
    from bot.voice.engines import OfflineTranscriber

    return OfflineTranscriber()


__all__ = ["AudioError", "Transcriber", "extra_installed", "offline_transcriber"]
