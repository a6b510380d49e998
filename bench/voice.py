"""Benchmark: spoken answers on the real engines (needs the `voice` extra).

    python bench/voice.py [--minutes 3] [--voices 5] [--voice-minutes 1] [--candidates 20]

Prints each figure beside its baseline and the ratio:

* transcription time per audio minute, for one voice message of `--minutes` (OGG/Opus at 48 kHz,
  as Discord sends them, made from the human recordings moonshine-voice ships): the whole
  pipeline (decode, resample, transcribe, align), with its stages; the baseline is real time;
* memory (peak RSS): the bot's services with no model loaded (the baseline), after the models
  load, after that message;
* typed answers while `--voices` voice messages are queued: `--candidates` candidates typing
  parts through the interview service, the real store, each part timed to its commit, with an
  event-loop lag probe (a task that sleeps 10 ms and records how late it wakes); the baseline is
  the same typed load with no voice message queued, in the same run.

Not part of the test suite; figures vary with the machine and its load, ratios less so.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.clock import SystemClock  # noqa: E402
from bot.library import TemplateLibrary  # noqa: E402
from bot.services.interviews import InterviewService  # noqa: E402
from bot.services.voice import VoiceService  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.voice import extra_installed  # noqa: E402

CONTEXT = {"candidate": "Sam", "role": "Data Analyst", "company": "Acme"}
TYPED = "At my last company I rebuilt the reporting pipeline in SQL; it takes four hours now."


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def recording(minutes: float) -> bytes:
    """`minutes` of human speech as a Discord-like voice message (OGG/Opus, 48 kHz, mono)."""
    import numpy as np
    import soundfile
    import soxr
    from moonshine_voice import get_assets_path

    pieces = []
    for name in ("two_cities.wav", "endgame_nagg_nell.wav", "beckett.wav"):
        samples, rate = soundfile.read(get_assets_path() / name, dtype="float32", always_2d=True)
        pieces.append(soxr.resample(samples.mean(axis=1), rate, 48_000).astype("float32"))
    speech = np.concatenate(pieces)
    wanted = int(minutes * 60 * 48_000)
    audio = np.tile(speech, wanted // len(speech) + 1)[:wanted]
    buffer = io.BytesIO()
    soundfile.write(buffer, audio, 48_000, format="OGG", subtype="OPUS")
    return buffer.getvalue()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def row(label: str, figure: str, baseline: str = "", ratio: str = "") -> None:
    print(f"| {label} | {figure} | {baseline} | {ratio} |")


def stages(audio: bytes) -> dict[str, float]:
    """The pipeline's stages, timed one by one (the engines loaded)."""
    from bot.voice.engines import OfflineTranscriber, decode

    engines = OfflineTranscriber()
    engines.load()
    out: dict[str, float] = {}
    start = time.perf_counter()
    samples, _ = decode(audio)
    out["decode + resample"] = time.perf_counter() - start
    start = time.perf_counter()
    lines = engines._recognise(samples)
    out["transcribe (moonshine)"] = time.perf_counter() - start
    start = time.perf_counter()
    engines.align(samples, lines)
    out["align (pocketsphinx)"] = time.perf_counter() - start
    return out


@dataclass
class Load:
    commits: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)


async def lag_probe(lags: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before = loop.time()
        await asyncio.sleep(0.01)
        lags.append(loop.time() - before - 0.01)


async def typed_load(interviews: InterviewService, channels: list[int], until: asyncio.Event,
                     seconds: float) -> Load:
    """Candidates typing a part every 0.2 s each (and Done after every 30th) until
    `until` is set or `seconds` have passed."""
    load = Load()
    stop = asyncio.Event()
    probe = asyncio.create_task(lag_probe(load.lags, stop))
    deadline = time.perf_counter() + seconds

    async def candidate(channel: int) -> None:
        n = 0
        while not until.is_set() and time.perf_counter() < deadline:
            n += 1
            start = time.perf_counter()
            result = await interviews.answer_in_channel(channel, channel, TYPED,
                                                        source_id=f"{channel}-{time.time_ns()}")
            load.commits.append(time.perf_counter() - start)
            if result is not None and n % 30 == channel % 30:  # Done every 30 parts, not all at once
                await interviews.finish_answer(result.session.id)
            await asyncio.sleep(0.2)

    await asyncio.gather(*(candidate(c) for c in channels))
    stop.set()
    await probe
    return load


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="length of the single voice message")
    parser.add_argument("--voices", type=int, default=5, help="voice messages queued during the typed load")
    parser.add_argument("--voice-minutes", type=float, default=1.0, help="length of each queued voice message")
    parser.add_argument("--candidates", type=int, default=20, help="candidates typing during the load")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the typed load with nothing queued")
    options = parser.parse_args()
    if not extra_installed():
        sys.exit("bench/voice.py needs the voice extra: pip install -e '.[voice]'")

    with tempfile.TemporaryDirectory() as folder:
        store = await Store(Path(folder) / "bench.sqlite3").open()
        library = TemplateLibrary(ROOT / "prompts", for_discord=False).load()
        clock = SystemClock()
        interviews = InterviewService(store, library, clock)
        voice = VoiceService(store, clock, interviews)
        long_audio = recording(options.minutes)
        queued_audio = recording(options.voice_minutes)
        rss_before = rss_mb()

        print(f"## Spoken answers ({options.minutes:g}-minute voice message; "
              f"{options.voices} x {options.voice_minutes:g} min queued)\n")
        print("| figure | value | baseline | ratio |\n|---|---|---|---|")
        start = time.perf_counter()
        await asyncio.get_running_loop().run_in_executor(None, voice_loader(voice))
        load_seconds = time.perf_counter() - start
        rss_models = rss_mb()
        start = time.perf_counter()
        heard = await voice.transcribe(long_audio)
        whole = time.perf_counter() - start
        rss_after = rss_mb()
        per_minute = whole / (heard.duration / 60)
        row("models loaded once", f"{load_seconds:.2f} s")
        row(f"transcription of {heard.duration / 60:.1f} min (whole pipeline)", f"{whole:.1f} s",
            f"real time {heard.duration:.0f} s", f"{whole / heard.duration:.3f}x")
        row("transcription time per audio minute", f"{per_minute:.1f} s", "60 s", f"{per_minute / 60:.3f}x")
        queued_minutes = options.voice_minutes
        for stage, seconds in stages(queued_audio).items():
            row(f"  {stage}, per audio minute ({queued_minutes:g}-min message)",
                f"{seconds / queued_minutes:.2f} s", "60 s", f"{seconds / (queued_minutes * 60):.4f}x")
        row("words heard / aligned", f"{len(heard.text.split())} / {len(heard.words)}")
        row("peak memory (RSS) after the models load", f"{rss_models:.0f} MB", f"no models {rss_before:.0f} MB",
            f"+{rss_models - rss_before:.0f} MB")
        row(f"peak memory after the {options.minutes:g}-minute message", f"{rss_after:.0f} MB",
            f"no models {rss_before:.0f} MB", f"+{rss_after - rss_before:.0f} MB")

        channels = []
        for n in range(options.candidates):
            channel = 10_000 + n
            await interviews.start(user_id=channel, script_id="second_round", context=CONTEXT, channel_id=channel)
            channels.append(channel)
        voice_channels = []
        for n in range(options.voices):
            channel = 20_000 + n
            await interviews.start(user_id=channel, script_id="second_round", context=CONTEXT, channel_id=channel)
            voice_channels.append(channel)
        never = asyncio.Event()
        baseline = await typed_load(interviews, channels, never, options.seconds)
        voices = [asyncio.create_task(voice.answer_in_channel(c, c, queued_audio, source_id=f"v{c}"))
                  for c in voice_channels]
        all_done = asyncio.Event()
        waiter = asyncio.gather(*voices)
        waiter.add_done_callback(lambda _: all_done.set())
        start = time.perf_counter()
        loaded = await typed_load(interviews, channels, all_done, 3600)
        await waiter
        voices_done = time.perf_counter() - start
        queued_seconds = options.voices * options.voice_minutes * 60
        for label, attr, scale in (("typed part to commit, p99", "commits", 1000),
                                   ("typed part to commit, median", "commits", 1000),
                                   ("event-loop lag, p99 (10 ms probe)", "lags", 1000),
                                   ("event-loop lag, max", "lags", 1000)):
            q = 0.5 if "median" in label else 0.99
            with_voice = getattr(loaded, attr)
            without = getattr(baseline, attr)
            figure = max(with_voice) if "max" in label else pct(with_voice, q)
            base = max(without) if "max" in label else pct(without, q)
            row(f"{label}, {options.voices} voice messages queued", f"{figure * scale:.1f} ms",
                f"none queued {base * scale:.1f} ms", f"{figure / base:.2f}x" if base else "")
        row("typed parts stored a second", f"{len(loaded.commits) / voices_done:.0f}/s over {voices_done:.0f} s",
            f"none queued {len(baseline.commits) / options.seconds:.0f}/s over {options.seconds:.0f} s",
            f"{(len(loaded.commits) / voices_done) / (len(baseline.commits) / options.seconds):.2f}x")
        row(f"{options.voices} voice messages ({options.voice_minutes:g} min each) transcribed and stored",
            f"{voices_done:.1f} s after they were queued", f"real time {queued_seconds:.0f} s",
            f"{voices_done / queued_seconds:.3f}x")
        voice.stop()
        await store.close()
    print(f"\nThe {options.minutes:g}-minute voice message: {len(long_audio) / 1024:.0f} KB of OGG/Opus. "
          f"Lag probe samples: {len(baseline.lags)} without, {len(loaded.lags)} with voice messages queued.")


def voice_loader(voice: VoiceService):
    """Load the models in a thread, as the service's worker does on first use (timed apart)."""
    def load() -> None:
        voice.warm_up()
        voice._worker.submit(lambda: None).result()  # type: ignore[union-attr]
    return load


if __name__ == "__main__":
    asyncio.run(main())
