"""The real speech engines. Imported only when the `voice` extra is installed and a recording is
first transcribed; the models load once, on first use, in the worker thread that uses them."""

from __future__ import annotations

import ctypes
import io
import threading
from typing import Any

import numpy as np
import soundfile
import soxr

from bot.core.delivery import (
    MAX_VOICE_SECONDS,
    TimedWord,
    Transcription,
    alignable_words,
    clock_text,
    dictionary_word,
)
from bot.voice import AudioError

SAMPLE_RATE = 16_000
ENGINE = "moonshine-voice 0.1.0 tiny-en + pocketsphinx 5.1.1"
_SILENT = 1e-4  # peak amplitude under which a recording holds no speech


def decode(audio: bytes, *, max_seconds: float = MAX_VOICE_SECONDS) -> tuple[np.ndarray, float]:
    """Audio file bytes (OGG/Opus, WAV, FLAC, MP3) -> mono float32 samples at 16 kHz, and the
    recording's length in seconds. Raises AudioError for anything that is not readable audio, or
    longer than `max_seconds` (checked before it is decoded)."""
    if not audio:
        raise AudioError("That recording is empty.")
    try:
        info = soundfile.info(io.BytesIO(audio))
        if info.duration > max_seconds:
            raise AudioError(f"That recording is {clock_text(info.duration)} long; voice answers can be up to "
                             f"{clock_text(max_seconds)}. Split it into shorter ones.")
        samples, rate = soundfile.read(io.BytesIO(audio), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError, ValueError) as error:
        raise AudioError("I could not read that audio (it may be damaged, or in a format I do not "
                         "know). Record it again, or type your answer.") from error
    if samples.size == 0 or rate <= 0:
        raise AudioError("That recording has no sound in it.")
    mono = samples.mean(axis=1, dtype=np.float32)
    duration = len(mono) / rate
    if rate != SAMPLE_RATE:
        mono = soxr.resample(mono, rate, SAMPLE_RATE).astype(np.float32, copy=False)
    return np.ascontiguousarray(mono), duration


class OfflineTranscriber:
    """moonshine-voice transcribes, pocketsphinx aligns the transcript to the audio for word
    times. Not thread-safe: the voice service calls it from its one worker thread."""

    def __init__(self) -> None:
        self._moonshine: Any = None
        self._aligner: Any = None
        self._load_lock = threading.Lock()

    def load(self) -> None:
        """Load both models (once; well under a second each)."""
        with self._load_lock:
            if self._moonshine is not None:
                return
            import pocketsphinx
            from moonshine_voice import ModelArch, get_model_path
            from moonshine_voice.transcriber import Transcriber as Moonshine

            self._moonshine = Moonshine(str(get_model_path("tiny-en")), ModelArch.TINY)
            config = pocketsphinx.Config()
            config["loglevel"] = "FATAL"
            self._aligner = pocketsphinx.Decoder(config)

    def transcribe(self, audio: bytes) -> Transcription:
        samples, duration = decode(audio)
        if float(np.max(np.abs(samples))) < _SILENT:
            raise AudioError("I could not hear anything in that recording. Check your microphone, "
                             "or type your answer.")
        self.load()
        lines = self._recognise(samples)
        text = " ".join(line.text.strip() for line in lines if line.text.strip())
        if not text:
            raise AudioError("I could not make out any words in that recording. Try again closer to "
                             "the microphone, or type your answer.")
        segments = tuple((float(line.start_time), float(line.start_time + line.duration), line.text.strip())
                         for line in lines if line.text.strip())
        return Transcription(text=text, duration=duration, words=self._align(samples, text),
                             segments=segments, engine=ENGINE)

    def _recognise(self, samples: np.ndarray) -> list[Any]:
        """moonshine's lines. Its wrapper copies the samples into a ctypes array one Python float
        at a time (seconds, holding the GIL, for minutes of audio); the pinned 0.1.0's C call is
        given the numpy buffer directly instead, and the wrapper reads the result."""
        moonshine = self._moonshine
        out = ctypes.POINTER(moonshine_transcript_type())()
        pointer = samples.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        error = moonshine._lib.moonshine_transcribe_without_streaming(
            moonshine._handle, pointer, len(samples), SAMPLE_RATE, 0, ctypes.byref(out))
        from moonshine_voice.errors import check_error

        check_error(error)
        return list(moonshine._parse_transcript(out).lines)

    def _align(self, samples: np.ndarray, text: str) -> tuple[TimedWord, ...]:
        """Word times from forced alignment; empty when the transcript cannot be aligned (the
        metrics then fall back to moonshine's segments)."""
        decoder = self._aligner
        words = alignable_words(text, lambda w: decoder.lookup_word(w) is not None)
        if not words:
            return ()
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        try:
            decoder.set_align_text(" ".join(words))
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
        except RuntimeError:
            return ()
        frame_rate = float(decoder.config["frate"])
        timed = []
        for segment in decoder.seg() or ():  # None when the words could not be aligned
            word = dictionary_word(segment.word)
            if word.startswith(("<", "[")) or word in {"<sil>", "<s>", "</s>"}:
                continue
            timed.append(TimedWord(word, segment.start_frame / frame_rate,
                                   (segment.end_frame + 1) / frame_rate))
        return tuple(timed)


def moonshine_transcript_type() -> Any:
    from moonshine_voice.moonshine_api import TranscriptC

    return TranscriptC
