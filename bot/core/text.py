"""Pure text helpers shared by templates and adapters: Discord-safe escaping, timestamps, splitting."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

ZWSP = "\u200b"
_MARKDOWN = re.compile(r"([\\*_~`|\[\]()])")
_LINE_START = re.compile(r"(?m)^(\s*)([>#]|-(?=\s)|\d+\.(?=\s))")
_MENTION = re.compile(r"@")
_ANGLE_MENTION = re.compile(r"<(?=[@#:/a]|t:)")
_LINK = re.compile(r"(https?)://", re.IGNORECASE)


class Safe(str):
    """Text that is already safe for Discord (made by our own filters); not escaped again."""

    __slots__ = ()


def neutralise_mentions(text: str) -> str:
    """Break every kind of mention (@everyone, @here, <@id>, <@&id>, <#id>) without hiding it."""
    text = _ANGLE_MENTION.sub("<" + ZWSP, text)
    return _MENTION.sub("@" + ZWSP, text)


def escape_discord(value: object) -> str:
    """Escape user text for Discord markdown and mentions, so it shows exactly as typed."""
    if isinstance(value, Safe):
        return value
    text = str(value)
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return Safe(neutralise_mentions(text))


_ESCAPED = re.compile(r"\\([\\*_~`|\[\]()>#\-0-9])")
_BROKEN_MENTION = re.compile("([@<])" + ZWSP)


def unescape_discord(text: str) -> str:
    """Undo `escape_discord`: the text as typed, for places that are not Discord markdown (a
    transcript file, a terminal)."""
    return _BROKEN_MENTION.sub(r"\1", _ESCAPED.sub(r"\1", text))


def discord_timestamp(when: datetime, style: str = "F") -> Safe:
    """`<t:UNIX:STYLE>`: every reader's client shows it in their own time zone."""
    if when.tzinfo is None:
        raise ValueError("discord_timestamp needs a timezone-aware datetime")
    if style not in {"t", "T", "d", "D", "f", "F", "R"}:
        raise ValueError(f"unknown Discord timestamp style {style!r}")
    return Safe(f"<t:{int(when.timestamp())}:{style}>")


def clean_user_text(text: str) -> str:
    """Normalise what a user typed without changing its meaning: NFC, no NULs, no stray
    control characters (newlines and tabs are kept)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(
        ch for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cs"}
    )


def shorten(text: str, limit: int, marker: str = "…") -> str:
    """Cut at a word boundary to at most `limit` characters, with a visible marker."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(limit - len(marker), 0)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + marker


def split_text(text: str, limit: int) -> list[str]:
    """Split long text into chunks of at most `limit` characters, preferring paragraph, then
    line, then word boundaries. Nothing is dropped."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    rest = text.strip("\n")
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), -1)
        if cut < limit // 3:
            cut = window.rfind("\n")
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut < limit // 3:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest:
        chunks.append(rest)
    return chunks


_SENTENCE_CASE_WORD = re.compile(r"[A-Z][a-z]+(?:[-'’][a-z]+)*")


def _lowered(item: str) -> str:
    """'Customer Obsession' -> 'customer obsession': capitalised words are lowered, while
    acronyms and words cased on purpose ('AI', 'DevOps', 'iOS') are kept."""
    return " ".join(w.lower() if _SENTENCE_CASE_WORD.fullmatch(w) else w for w in item.split(" "))


def natural_join(items: Iterable[object], word: str = "and", *, lower: bool = False) -> str:
    """A list as English: 'ownership', 'ownership and curiosity', 'ownership, curiosity and
    care'. `lower` lowers capitalised words, for values read mid-sentence."""
    parts = [str(i).strip() for i in items if str(i).strip()]
    if lower:
        parts = [_lowered(p) for p in parts]
    if len(parts) <= 2:
        return f" {word} ".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def spoken_time(seconds: float | None) -> str:
    """How long something takes to say, in one style everywhere: 'under a second',
    'about 40 s', 'about 3 min' (from 90 seconds on)."""
    value = max(0.0, float(seconds or 0))
    if value < 1:
        return "under a second"
    if value < 90:
        return f"about {int(value + 0.5)} s"
    return f"about {int(value / 60 + 0.5)} min"


def spoken_range(low: float, high: float) -> str:
    """A range of speaking times in the same style: 'about 13-39 s', 'about 51 s to 2 min',
    'about 2-4 min'."""
    first, last = spoken_time(low), spoken_time(high)
    if first == last:
        return first
    a, _, unit_a = first.removeprefix("about ").partition(" ")
    b, _, unit_b = last.removeprefix("about ").partition(" ")
    if first.startswith("about") and unit_a == unit_b:
        return f"about {a}-{b} {unit_a}"
    return f"{first} to {last.removeprefix('about ')}"
