"""Where CI says a heavy part must be there (`.ci/run` sets these), its tests may not skip."""

from __future__ import annotations

import os

import pytest

from bot.voice import extra_installed

REQUIRE_VOICE = "COACH_REQUIRE_VOICE"


def test_the_voice_extra_is_installed_where_ci_requires_it() -> None:
    if not os.environ.get(REQUIRE_VOICE):
        pytest.skip(f"{REQUIRE_VOICE} is not set (only CI requires the voice extra)")
    assert extra_installed(), ("the voice extra is missing, so the real speech engines' tests would "
                               "skip: pip install -e '.[voice]'")
