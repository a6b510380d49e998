"""Record ids as users pick or type them: one validated reader for interviews, journal entries,
stories and follow-up plans, so none of them can crash on odd input."""

from __future__ import annotations

import re

MAX_ID_DIGITS = 18  # SQLite integers are 64-bit; anything longer is not one of ours
_ID = re.compile(rf"\s*#?\s*([0-9]{{1,{MAX_ID_DIGITS}}})\s*", re.ASCII)


def parse_record_id(typed: str | None) -> int | None:
    """The id in what autocomplete sent ("12") or what someone typed ("#12"), or None for
    anything else (words, signs, superscripts, other scripts' digits, absurd lengths)."""
    match = _ID.fullmatch(typed or "")
    return int(match.group(1)) if match else None
