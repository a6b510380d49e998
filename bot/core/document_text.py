"""What job descriptions and résumés have in common: text as lines, headings, bullets, sentences
and the words worth matching. Pure: the readers in `job_description` and `resume` build on it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_DOCUMENT_CHARS = 60_000  # a long job description is 10,000; a long résumé 15,000
MIN_DOCUMENT_CHARS = 40  # less than this is not a document worth reading
ITEM_LIMIT = 300  # one requirement, duty or achievement, as kept

_BULLET = re.compile(r"^\s*(?:[-*•·‣◦▪▸►–—✓✔]|\d{1,2}[.)]|[a-z][.)]|o(?=\s))\s+")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_WORD = re.compile(r"[a-z][a-z0-9+#'\-]*[a-z0-9+#]|[a-z]")


class DocumentError(ValueError):
    """A document that cannot be read; the message is written for the user."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a document: its text without any bullet or heading marker."""

    text: str
    bullet: bool
    heading: bool  # marked as a heading by its writer (Markdown `#`, a bold line, a DOCX style)


def normalise_text(text: str) -> str:
    """NFC, no control characters, Windows line ends and non-breaking spaces made plain."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")


def check_document(text: str, what: str) -> str:
    """The document's text, normalised; refused (DocumentError) when empty or too long."""
    cleaned = normalise_text(text).strip()
    if len(cleaned) < MIN_DOCUMENT_CHARS:
        raise DocumentError(f"That {what} has almost no text in it ({len(cleaned)} characters), so "
                            "there is nothing to read. Paste the text, or attach the file it is in.")
    if len(cleaned) > MAX_DOCUMENT_CHARS:
        raise DocumentError(f"That {what} is {len(cleaned):,} characters long; the most I read is "
                            f"{MAX_DOCUMENT_CHARS:,}. Leave out the parts that are not about the job.")
    return cleaned


def split_lines(text: str) -> list[Line]:
    """The document's non-empty lines, with bullets and marked headings recognised."""
    lines: list[Line] = []
    for raw in text.split("\n"):
        if not raw.strip():
            continue
        heading = _MD_HEADING.match(raw) or _BOLD_LINE.match(raw)
        if heading:
            lines.append(Line(tidy(heading.group(1)), False, True))
            continue
        bullet = _BULLET.match(raw)
        body = raw[bullet.end():] if bullet else raw
        body = tidy(body.replace("**", "").replace("__", ""))
        if body:
            lines.append(Line(body, bool(bullet), False))
    return lines


def tidy(text: str) -> str:
    """One line of text with its spaces tidied and no trailing separator."""
    return " ".join(text.split()).strip(" :;,")


def sentences(text: str) -> list[str]:
    """Prose split into sentences (on ., ! or ? followed by a capital or a digit)."""
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def clip(text: str, limit: int = ITEM_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- the words worth matching ----------------------------------------------------------------

# Words every job description or answer uses, which say nothing about what is asked for.
_GENERIC = frozenset(re.findall(r"\S+", """
a about above across after all also an and any are as at be been being both but by can could do
does e.g etc for from get give good great had has have having help how i ie if in into is it
its just like lot make many may me more most much must my need needs new no not of on one or
other our out over own per plus should so some such than that the their them then there these
they this those to too up us use used using very was way we well were what when where which
while who will with within work working would year years you your yourself experience
experienced ability able strong strongly excellent proven demonstrated track record knowledge
understanding skill skills solid deep good familiarity familiar comfortable hands-on role team
teams job company candidate someone person people ideally preferably preferred bonus required
requirement requirements minimum least including include includes related relevant equivalent
similar environment world class fast-paced passion passionate love enjoy thrive day days week
weeks month months time times thing things really want wants looking seeking nice have plus
desirable essential responsible responsibility responsibilities tell told said says went got
did done made lot lots
"""))
_SUFFIXES = ("ational", "ation", "ition", "ments", "ment", "ness", "ities", "ity", "ings", "ing",
             "ies", "ied", "ers", "er", "ed", "es", "ly", "s", "e")


def stem(word: str) -> str:
    """A rough stem, enough to match "pricing" with "price" and "experiments" with
    "experimented"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word.rstrip("e") if len(word) > 4 else word


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def key_terms(text: str) -> frozenset[str]:
    """The stems of the words in `text` that say what it is about."""
    return frozenset(stem(w) for w in words(text) if w not in _GENERIC and len(w) > 1
                     and not w.isdigit())


def overlap(terms: Iterable[str], text_terms: frozenset[str]) -> int:
    return sum(1 for t in terms if t in text_terms)
