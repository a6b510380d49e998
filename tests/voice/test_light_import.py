"""The base install stays light: importing the bot (and its voice service and adapter) loads
none of the speech packages; they load only when a recording is first transcribed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("numpy", "soundfile", "soxr", "moonshine_voice", "pocketsphinx")
ROOT = Path(__file__).resolve().parents[2]


def loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return [m for m in result.stdout.strip().split(",") if m]


def test_importing_the_bot_loads_no_speech_packages() -> None:
    assert loaded_after("import bot.bot, bot.console, bot.services.voice, bot.voice, bot.exts.interview\n"
                        "from bot import create_bot, Settings\n"
                        "create_bot(Settings(env_file=None, environ={}))") == []


def test_the_check_sees_a_heavy_import() -> None:
    assert loaded_after("sys.modules['numpy'] = sys") == ["numpy"]  # works with or without the extra
