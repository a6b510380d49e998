"""The real speech engines. Imported only when the `voice` extra is installed and a recording is
first transcribed; the models load once, on first use, in the worker thread that uses them."""

from __future__ import annotations

import ctypes
import io
import threading
from collections.abc import Sequence
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
    words_of,
)
from bot.voice import AudioError

SAMPLE_RATE = 16_000
ENGINE = "moonshine-voice 0.1.0 tiny-en + pocketsphinx 5.1.1"
_SILENT = 1e-4  # peak amplitude under which a recording holds no speech
ALIGN_CHUNK_BYTES = SAMPLE_RATE // 4 * 2  # 250 ms of 16-bit audio per call into the aligner
SEGMENT_PADDING = 0.3  # seconds of audio either side of a segment given to the aligner


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
        segments = tuple(self._recognise(samples))
        text = " ".join(segment[2] for segment in segments)
        if not text:
            raise AudioError("I could not make out any words in that recording. Try again closer to "
                             "the microphone, or type your answer.")
        return Transcription(text=text, duration=duration, words=self.align(samples, segments),
                             segments=segments, engine=ENGINE)

    def _recognise(self, samples: np.ndarray) -> list[tuple[float, float, str]]:
        """moonshine's lines as (start, end, text). Its Python wrapper copies the samples into a
        ctypes array one float at a time and each line's audio back into a list (seconds of work
        holding the GIL for minutes of audio); for the pinned 0.1.0 the C call is given the numpy
        buffer directly and only the text and times are read back."""
        from moonshine_voice.errors import check_error
        from moonshine_voice.moonshine_api import TranscriptC

        moonshine = self._moonshine
        out = ctypes.POINTER(TranscriptC)()
        pointer = samples.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        check_error(moonshine._lib.moonshine_transcribe_without_streaming(
            moonshine._handle, pointer, len(samples), SAMPLE_RATE, 0, ctypes.byref(out)))
        if not out:
            return []
        transcript = out.contents
        lines = []
        for index in range(transcript.line_count):
            line = transcript.lines[index]
            text = ctypes.string_at(line.text).decode("utf-8", errors="ignore").strip() if line.text else ""
            if text:
                lines.append((float(line.start_time), float(line.start_time + line.duration), text))
        return lines

    def align(self, samples: np.ndarray, segments: Sequence[tuple[float, float, str]]) -> tuple[TimedWord, ...]:
        """Word times, each of moonshine's segments aligned against its own stretch of audio:
        pocketsphinx's final backtrace holds the GIL for one call that grows with the audio
        (about 0.15 s a minute, measured), so it is kept to a few seconds at a time. A segment
        that cannot be aligned gets its words spread evenly over its span."""
        timed: list[TimedWord] = []
        for start, end, text in segments:
            low = max(0, int((start - SEGMENT_PADDING) * SAMPLE_RATE))
            high = min(len(samples), int((end + SEGMENT_PADDING) * SAMPLE_RATE))
            offset = low / SAMPLE_RATE
            words = self._align(samples[low:high], text)
            if words:
                timed.extend(TimedWord(w.word, w.start + offset, w.end + offset) for w in words)
                continue
            heard = words_of(text)
            step = (end - start) / len(heard) if heard else 0.0
            timed.extend(TimedWord(w.lower(), start + i * step, start + (i + 1) * step) for i, w in enumerate(heard))
        return tuple(timed)

    def _align(self, samples: np.ndarray, text: str) -> tuple[TimedWord, ...]:
        """Word times from forced alignment of `text` to `samples`; empty when the words cannot be
        aligned."""
        decoder = self._aligner
        words = alignable_words(text, lambda w: decoder.lookup_word(w) is not None)
        if not words:
            return ()
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        try:
            decoder.set_align_text(" ".join(words))
            decoder.start_utt()
            # pocketsphinx holds the GIL for the whole of one call (about 0.9 s for 30 s of audio,
            # measured): fed in short chunks, it lets the event loop's thread run in between.
            for start in range(0, len(pcm), ALIGN_CHUNK_BYTES):
                decoder.process_raw(pcm[start:start + ALIGN_CHUNK_BYTES], full_utt=False)
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

