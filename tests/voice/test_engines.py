"""The real speech engines on real audio: decoding (OGG/Opus made here with soundfile, WAV,
FLAC), and moonshine-voice + pocketsphinx end to end on a human recording that moonshine-voice
ships. Skipped only when the `voice` extra is not installed (CI installs it)."""

from __future__ import annotations

import io
import itertools

import pytest

from bot.core.delivery import measure_delivery
from bot.voice import AudioError, extra_installed

pytestmark = pytest.mark.skipif(not extra_installed(),
                                reason="the voice extra is not installed: pip install -e '.[voice]'")


@pytest.fixture(scope="module")
def engines():
    from bot.voice.engines import OfflineTranscriber

    transcriber = OfflineTranscriber()
    transcriber.load()
    return transcriber


def recording(name: str):
    import soundfile
    from moonshine_voice import get_assets_path

    samples, rate = soundfile.read(get_assets_path() / name, dtype="float32")
    return samples, rate


def encoded(samples, rate: int, fmt: str = "OGG", subtype: str | None = "OPUS") -> bytes:
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, samples, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def tone(seconds: float, rate: int = 48_000):
    import numpy as np

    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype("float32")


@pytest.mark.parametrize(("fmt", "subtype", "rate"), [("OGG", "OPUS", 48_000), ("OGG", "VORBIS", 44_100),
                                                      ("WAV", "PCM_16", 22_050), ("FLAC", None, 16_000),
                                                      ("MP3", "MPEG_LAYER_III", 44_100)])
def test_decoding_resamples_to_16_khz_mono(fmt: str, subtype: str | None, rate: int) -> None:
    import numpy as np

    from bot.voice.engines import SAMPLE_RATE, decode

    stereo = np.stack([tone(2.0, rate), tone(2.0, rate)], axis=1)
    samples, duration = decode(encoded(stereo, rate, fmt, subtype))
    assert samples.ndim == 1 and samples.dtype == np.float32
    assert duration == pytest.approx(2.0, abs=0.05)
    assert len(samples) == pytest.approx(2.0 * SAMPLE_RATE, rel=0.03)
    spectrum = np.abs(np.fft.rfft(samples))
    peak = float(np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)[int(np.argmax(spectrum))])
    assert peak == pytest.approx(220, abs=3)  # the tone survived decoding and resampling
    assert 0.1 < float(np.sqrt(np.mean(samples ** 2))) < 0.4


@pytest.mark.parametrize("audio", [b"", b"OggS not really an ogg file", b"\x00" * 4096])
def test_unreadable_audio_is_refused_clearly(audio: bytes) -> None:
    from bot.voice.engines import decode

    with pytest.raises(AudioError):
        decode(audio)


def test_a_recording_over_the_limit_is_refused_before_decoding() -> None:
    from bot.voice.engines import decode

    with pytest.raises(AudioError, match="0:03 long"):
        decode(encoded(tone(3.0), 48_000), max_seconds=2)


def test_silence_is_refused(engines) -> None:
    import numpy as np

    with pytest.raises(AudioError, match="could not hear"):
        engines.transcribe(encoded(np.zeros(48_000, dtype="float32"), 48_000))


def test_real_speech_end_to_end(engines) -> None:
    """A Discord-like voice message (OGG/Opus, 48 kHz) of a human reading A Tale of Two Cities."""
    samples, rate = recording("two_cities.wav")
    heard = engines.transcribe(encoded(samples, 48_000 if rate == 48_000 else rate))
    text = heard.text.lower()
    for word in ("best", "times", "worst", "wisdom", "foolishness", "belief", "season", "light", "darkness",
                 "hope", "despair"):
        assert word in text, word
    assert heard.duration == pytest.approx(len(samples) / rate, abs=0.1)
    assert len(heard.words) > 80  # aligned word by word
    starts = [w.start for w in heard.words]
    assert starts == sorted(starts) and heard.words[-1].end <= heard.duration + 0.1
    assert heard.words[0].word == "it" and heard.words[0].start == pytest.approx(1.1, abs=0.3)
    d = measure_delivery(heard, length=(60, 120))
    assert 120 <= d.wpm <= 230  # a brisk, clear reading
    assert d.first_word_at is not None and not d.shaky_start


def test_a_long_pause_is_found_where_it_was(engines) -> None:
    """Beckett's "Ever tried. Ever failed. No matter. Try again..." with 2.5 s of silence inserted
    after "No matter": the aligner's word times put the long pause there."""
    import numpy as np

    samples, rate = recording("beckett.wav")
    cut = int(4.4 * rate)  # between "matter" (ends about 4.1 s) and "try" (starts about 4.8 s)
    padded = np.concatenate([samples[:cut], np.zeros(int(2.5 * rate), dtype="float32"), samples[cut:]])
    heard = engines.transcribe(encoded(padded, 48_000 if rate == 48_000 else 16_000))
    assert "matter" in heard.text.lower() and "again" in heard.text.lower()
    d = measure_delivery(heard)
    longest = max(d.pauses, key=lambda p: p.seconds)
    assert longest.seconds >= 2.5
    assert longest.before.endswith("matter") and longest.after.startswith("try")
    assert longest.at == pytest.approx(4.1, abs=0.3)


def test_words_that_cannot_be_aligned_give_no_times(engines) -> None:
    """Far more words than the audio could hold: the aligner finds no path, and the metrics fall
    back to the recogniser's segments instead of failing the answer."""
    from bot.voice.engines import decode

    samples, _ = decode(encoded(tone(1.0), 48_000))
    assert engines._align(samples, "the quick brown fox jumps over the lazy dog " * 20) == ()


def test_a_segment_that_cannot_be_aligned_gets_its_words_spread_over_it(engines) -> None:
    from bot.voice.engines import decode

    samples, _ = decode(encoded(tone(2.0), 48_000))
    words = engines.align(samples, [(0.5, 1.5, "the quick brown fox " * 10)])
    assert len(words) == 40 and words[0].start == 0.5 and words[-1].end == pytest.approx(1.5)
    assert all(a.end <= b.start + 1e-9 for a, b in itertools.pairwise(words))


def test_the_aligner_gets_one_segment_at_a_time_in_short_chunks(engines) -> None:
    """pocketsphinx holds the GIL for the whole of a call, and its final backtrace grows with the
    audio: one call over a 3-minute message would stall the event loop for seconds. So each of
    moonshine's segments is aligned on its own stretch of audio, fed 250 ms at a time (the lag
    itself is measured in bench/voice.py)."""
    from bot.voice.engines import ALIGN_CHUNK_BYTES, SAMPLE_RATE, SEGMENT_PADDING

    samples, rate = recording("beckett.wav")
    real = engines._aligner
    utterances: list[list[tuple[int, bool]]] = []

    class Recording:
        def __getattr__(self, name):
            return getattr(real, name)

        def start_utt(self):
            utterances.append([])
            return real.start_utt()

        def process_raw(self, data, full_utt=False):
            utterances[-1].append((len(data), full_utt))
            return real.process_raw(data, full_utt=full_utt)

    engines._aligner = Recording()
    try:
        heard = engines.transcribe(encoded(samples, 48_000 if rate == 48_000 else 16_000))
    finally:
        engines._aligner = real
    assert ALIGN_CHUNK_BYTES == SAMPLE_RATE // 4 * 2
    assert len(heard.segments) >= 4 and len(utterances) == len(heard.segments)
    for (start, end, _), calls in zip(heard.segments, utterances, strict=True):
        assert all(size <= ALIGN_CHUNK_BYTES and not full for size, full in calls)
        assert sum(size for size, _ in calls) <= (end - start + 2 * SEGMENT_PADDING) * SAMPLE_RATE * 2 + 2
    assert len(heard.words) >= 10
    starts = [w.start for w in heard.words]
    assert starts == sorted(starts)
