"""The terminal rehearsal's `/voice PATH`: a recording answers through the same pipeline as a
Discord voice message. The real engines run on a recording moonshine-voice ships (skipped only
without the `voice` extra); without the extra, the line gets one clear note and saves nothing."""

from __future__ import annotations

import argparse
import io
import sqlite3
from pathlib import Path

import pytest

import bot.services.voice
from bot.console import EXIT_SAVED, AnswerInput, Record, Refuse, Speak, read_line_kind, rehearse
from bot.voice import extra_installed

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


def args() -> argparse.Namespace:
    return argparse.Namespace(script="final", name="Sam", role="Data Analyst", company="Acme",
                              interviewer=[], values="", notes="", db=None, transcript=None,
                              resume=False, restart=False, list=False)


def test_a_voice_line_is_a_recording_to_answer_with() -> None:
    assert read_line_kind("/voice take one.ogg").kind == "voice"
    assert read_line_kind("/voice take one.ogg").text == "take one.ogg"
    assert read_line_kind("/voice").kind == "refused"
    answer = AnswerInput(piped=True)
    assert answer.feed("Some typed words first.", waiting=True) == []
    assert answer.feed("/voice a.wav", waiting=True) == [Record("Some typed words first."), Speak("a.wav")]
    refused = answer.feed("/voice", waiting=True)
    assert len(refused) == 1 and isinstance(refused[0], Refuse) and "Nothing was saved" in refused[0].message


def parts(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT source, text FROM answer_parts ORDER BY id").fetchall()


async def test_without_the_extra_the_line_is_refused_clearly(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(bot.services.voice, "extra_installed", lambda: False)
    recording = tmp_path / "answer.ogg"
    recording.write_bytes(b"not used")
    out = io.StringIO()
    status = await rehearse(args(), database_path=tmp_path / "r.db", prompts_dir=PROMPTS,
                            stdin=io.StringIO(f"/voice {recording}\n/pause\n"), stdout=out)
    assert status == EXIT_SAVED
    assert "Voice answers need the voice extra" in out.getvalue()
    assert parts(tmp_path / "r.db") == []


async def test_a_missing_file_is_named_and_nothing_saved(tmp_path: Path) -> None:
    out = io.StringIO()
    await rehearse(args(), database_path=tmp_path / "r.db", prompts_dir=PROMPTS,
                   stdin=io.StringIO(f"/voice {tmp_path / 'nope.ogg'}\n/pause\n"), stdout=out)
    text = out.getvalue()
    assert ("Could not read" in text and "nope.ogg" in text) or "Voice answers need the voice extra" in text
    assert parts(tmp_path / "r.db") == []


@pytest.mark.skipif(not extra_installed(), reason="the voice extra is not installed: pip install -e '.[voice]'")
async def test_a_recording_answers_through_the_real_engines(tmp_path: Path) -> None:
    from moonshine_voice import get_assets_path

    recording = get_assets_path() / "beckett.wav"
    out = io.StringIO()
    stdin = io.StringIO(f'/voice "{recording}"\nAnd I typed this correction.\n\n\n/pause\n')
    status = await rehearse(args(), database_path=tmp_path / "r.db", prompts_dir=PROMPTS, stdin=stdin, stdout=out)
    assert status == EXIT_SAVED, out.getvalue()
    text = out.getvalue()
    assert "Here is what I heard (10 s)" in text and "Ever tried" in text
    stored = parts(tmp_path / "r.db")
    assert stored[0][0] == "terminal-voice" and "try again" in stored[0][1].lower()
    assert stored[1] == ("terminal", "And I typed this correction.")
    with sqlite3.connect(tmp_path / "r.db") as conn:
        (duration,) = conn.execute("SELECT duration_seconds FROM spoken_parts").fetchone()
    assert duration == pytest.approx(10.0, abs=0.1)
