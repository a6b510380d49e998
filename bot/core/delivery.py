"""How a spoken answer was said: pace, long pauses, fillers, speaking time against the question's
suggested length, and a shaky start. Pure: the speech engines (bot.voice) turn audio into a
`Transcription` (the words heard, with their times); everything here is worked out from that.

Also the small rules around voice answers that are not about audio: the limits a voice message
must meet, the words the aligner can be given, and the terminal's `/voice PATH` line."""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.signals import fillers as count_fillers

PACE_BAND = (120, 160)  # words a minute a listener follows comfortably in an interview
LONG_PAUSE = 1.5  # seconds of silence between words that a listener notices
SHAKY_START = 3.0  # seconds of silence before the first word
SPOKEN_WORDS_PER_MINUTE = 140  # turns a question's suggested length in words into seconds
MAX_VOICE_SECONDS = 300
MAX_VOICE_BYTES = 10 * 1024 * 1024  # an Opus voice message of 5 minutes is about 1-2 MB
AUDIO_SUFFIXES = (".ogg", ".oga", ".opus", ".wav", ".flac", ".mp3")


@dataclass(frozen=True, slots=True)
class TimedWord:
    """One word heard, with when it starts and ends (seconds from the start of the audio)."""

    word: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Transcription:
    """What the speech engines made of one recording. `words` are aligned to the audio (they may
    be missing when alignment failed: then `segments`, the recogniser's own stretches of speech
    as (start, end, text), stand in for them)."""

    text: str
    duration: float  # seconds of audio
    words: tuple[TimedWord, ...] = ()
    segments: tuple[tuple[float, float, str], ...] = ()
    engine: str = ""


@dataclass(frozen=True, slots=True)
class Pause:
    at: float  # seconds into the recording where the silence starts
    seconds: float
    before: str  # the words just before it, to quote the moment
    after: str

    def to_dict(self) -> dict[str, Any]:
        return {"at": round(self.at, 2), "seconds": round(self.seconds, 2), "before": self.before,
                "after": self.after}


@dataclass(frozen=True, slots=True)
class Delivery:
    """The delivery metrics of one spoken answer (or of all the spoken parts of one question)."""

    duration: float  # seconds of audio
    speaking_seconds: float  # from the first word to the last
    words: int
    wpm: float
    pace: str  # "slow", "steady", "fast", or "unmeasured" (too few words to tell)
    pauses: tuple[Pause, ...]  # the long ones, in order
    fillers: Mapping[str, int]
    fillers_per_minute: float
    first_word_at: float | None
    shaky_start: bool
    target_seconds: tuple[int, int] | None  # the question's suggested length, spoken
    length: str  # "short", "within", "long", or "" without a target
    recordings: int = 1
    moments: tuple[str, ...] = field(default=())  # fillers quoted in context

    def to_dict(self) -> dict[str, Any]:
        return {
            "duration": round(self.duration, 2), "speaking_seconds": round(self.speaking_seconds, 2),
            "words": self.words, "wpm": round(self.wpm, 1), "pace": self.pace,
            "pauses": [p.to_dict() for p in self.pauses], "long_pauses": len(self.pauses),
            "fillers": dict(self.fillers), "filler_count": sum(self.fillers.values()),
            "fillers_per_minute": round(self.fillers_per_minute, 1),
            "first_word_at": None if self.first_word_at is None else round(self.first_word_at, 2),
            "shaky_start": self.shaky_start,
            "target_seconds": list(self.target_seconds) if self.target_seconds else None,
            "length": self.length, "recordings": self.recordings, "moments": list(self.moments),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Delivery:
        target = data.get("target_seconds")
        return cls(
            duration=float(data["duration"]), speaking_seconds=float(data["speaking_seconds"]),
            words=int(data["words"]), wpm=float(data["wpm"]), pace=str(data["pace"]),
            pauses=tuple(Pause(float(p["at"]), float(p["seconds"]), str(p["before"]), str(p["after"]))
                         for p in data.get("pauses", [])),
            fillers={str(k): int(v) for k, v in dict(data.get("fillers", {})).items()},
            fillers_per_minute=float(data["fillers_per_minute"]),
            first_word_at=None if data.get("first_word_at") is None else float(data["first_word_at"]),
            shaky_start=bool(data.get("shaky_start")),
            target_seconds=(int(target[0]), int(target[1])) if target else None,
            length=str(data.get("length", "")), recordings=int(data.get("recordings", 1)),
            moments=tuple(str(m) for m in data.get("moments", [])))


_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
MIN_WORDS_FOR_PACE = 8  # fewer words than this and a pace figure means little


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def target_seconds(length: tuple[int, int] | None) -> tuple[int, int] | None:
    """A suggested length in words, as seconds spoken at an interview pace."""
    if not length or length[1] <= 0:
        return None
    low, high = length
    return (round(low * 60 / SPOKEN_WORDS_PER_MINUTE), round(high * 60 / SPOKEN_WORDS_PER_MINUTE))


def _pace(wpm: float, words: int) -> str:
    if words < MIN_WORDS_FOR_PACE or wpm <= 0:
        return "unmeasured"
    if wpm < PACE_BAND[0]:
        return "slow"
    if wpm > PACE_BAND[1]:
        return "fast"
    return "steady"


def _length(seconds: float, target: tuple[int, int] | None) -> str:
    if target is None:
        return ""
    if seconds < target[0]:
        return "short"
    if seconds > target[1]:
        return "long"
    return "within"


def _quote(words: Sequence[str], *, last: bool) -> str:
    chosen = words[-4:] if last else words[:4]
    return " ".join(chosen)


def _speech_spans(t: Transcription) -> list[tuple[float, float, str]]:
    """Stretches of speech in order: each aligned word, or each segment when none aligned."""
    if t.words:
        return [(w.start, w.end, w.word) for w in t.words]
    return [s for s in t.segments if s[1] > s[0]]


def _filler_moments(text: str, limit: int = 3) -> list[str]:
    """Fillers quoted with the words around them ("... and um we rebuilt ...")."""
    moments = []
    for match in re.finditer(r"(?<![\w'])(?:um+|uh+|erm|er)(?![\w'])", text, re.IGNORECASE):
        before = words_of(text[:match.start()])[-3:]
        after = words_of(text[match.end():])[:3]
        moments.append(" ".join([*before, match.group(0), *after]))
        if len(moments) >= limit:
            break
    return moments


def measure_delivery(t: Transcription, *, length: tuple[int, int] | None = None) -> Delivery:
    """The delivery metrics of one recording; `length` is the question's suggested length in
    words (`QuestionSpec.length`)."""
    words = words_of(t.text)
    spans = _speech_spans(t)
    if spans:
        first, last = spans[0][0], max(s[1] for s in spans)
        speaking = max(0.0, last - first)
    else:
        first, speaking = None, 0.0
    if speaking <= 0 and words:
        speaking = t.duration
    minutes = speaking / 60
    wpm = len(words) / minutes if minutes > 0 else 0.0
    pauses = []
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        gap = start - end
        if gap >= LONG_PAUSE:
            before = [s[2] for s in spans if s[1] <= end][-4:]
            after = [s[2] for s in spans if s[0] >= start][:4]
            pauses.append(Pause(end, gap, _quote(words_of(" ".join(before)), last=True),
                                _quote(words_of(" ".join(after)), last=False)))
    filler_counts = count_fillers(t.text)
    filler_total = sum(filler_counts.values())
    target = target_seconds(length)
    return Delivery(
        duration=t.duration, speaking_seconds=speaking, words=len(words), wpm=wpm,
        pace=_pace(wpm, len(words)), pauses=tuple(pauses), fillers=filler_counts,
        fillers_per_minute=filler_total / minutes if minutes > 0 else 0.0,
        first_word_at=first, shaky_start=first is not None and first >= SHAKY_START,
        target_seconds=target, length=_length(speaking, target),
        moments=tuple(_filler_moments(t.text)))


def combine(parts: Sequence[Delivery]) -> Delivery:
    """The delivery of one question answered in several recordings (its answer and probes)."""
    if not parts:
        raise ValueError("nothing to combine")
    if len(parts) == 1:
        return parts[0]
    speaking = sum(p.speaking_seconds for p in parts)
    words = sum(p.words for p in parts)
    minutes = speaking / 60
    wpm = words / minutes if minutes > 0 else 0.0
    fillers: dict[str, int] = {}
    for p in parts:
        for word, n in p.fillers.items():
            fillers[word] = fillers.get(word, 0) + n
    target = parts[0].target_seconds
    return Delivery(
        duration=sum(p.duration for p in parts), speaking_seconds=speaking, words=words, wpm=wpm,
        pace=_pace(wpm, words), pauses=tuple(x for p in parts for x in p.pauses), fillers=fillers,
        fillers_per_minute=sum(fillers.values()) / minutes if minutes > 0 else 0.0,
        first_word_at=parts[0].first_word_at, shaky_start=parts[0].shaky_start,
        target_seconds=target, length=_length(speaking, target),
        recordings=sum(p.recordings for p in parts),
        moments=tuple(m for p in parts for m in p.moments)[:3])


def clock_text(seconds: float) -> str:
    """0:07, 1:42: a moment in a recording, or a length of speech."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def delivery_notes(d: Delivery, *, with_length: bool = True) -> list[str]:
    """What to work on (or keep) in how an answer was said, one line each, most useful first.
    Without `with_length` (one recording of an answer that may go on), no note on its length."""
    notes = []
    if d.pace == "fast":
        notes.append(f"Fast: {d.wpm:.0f} words a minute (aim for {PACE_BAND[0]}-{PACE_BAND[1]}). Slow down "
                     "at the numbers and the result, so they land.")
    elif d.pace == "slow":
        notes.append(f"Slow: {d.wpm:.0f} words a minute (aim for {PACE_BAND[0]}-{PACE_BAND[1]}). Know your "
                     "next point before you start the sentence.")
    elif d.pace == "steady":
        notes.append(f"Steady pace: {d.wpm:.0f} words a minute.")
    if d.pauses:
        worst = max(d.pauses, key=lambda p: p.seconds)
        where = f' after "{worst.before}"' if worst.before else ""
        notes.append(f"{len(d.pauses)} long pause{'s' if len(d.pauses) != 1 else ''} (1.5 s or more); the longest, "
                     f"{worst.seconds:.1f} s at {clock_text(worst.at)}{where}.")
    filler_total = sum(d.fillers.values())
    if filler_total:
        top = ", ".join(f"'{w}' x{n}" for w, n in sorted(d.fillers.items(), key=lambda kv: -kv[1])[:3])
        notes.append(f"{d.fillers_per_minute:.1f} fillers a minute ({top}); a silent breath works better.")
    if d.shaky_start and d.first_word_at is not None:
        notes.append(f"A slow start: {d.first_word_at:.1f} s of silence before your first word. Open with your "
                     "headline sentence.")
    if with_length and d.length and d.target_seconds:
        low, high = d.target_seconds
        spoken = clock_text(d.speaking_seconds)
        band = f"{clock_text(low)}-{clock_text(high)}"
        if d.length == "long":
            notes.append(f"Long: {spoken} spoken against a suggested {band}.")
        elif d.length == "short":
            notes.append(f"Short: {spoken} spoken against a suggested {band}; add the result or an example.")
    return notes


def delivery_report(answers: Sequence[tuple[int, str, str, Delivery]]) -> dict[str, Any]:
    """The report's delivery section from each spoken question's (number, question id, question
    text, delivery), in question order."""
    rows = []
    for number, question_id, question, d in sorted(answers, key=lambda a: a[0]):
        rows.append({"question_number": number, "question_id": question_id, "question": question,
                     **d.to_dict(), "notes": delivery_notes(d)})
    speaking = sum(a[3].speaking_seconds for a in answers)
    words = sum(a[3].words for a in answers)
    fillers = sum(sum(a[3].fillers.values()) for a in answers)
    minutes = speaking / 60
    wpm = words / minutes if minutes > 0 else 0.0
    return {
        "spoken": len(rows), "answers": rows,
        "speaking_seconds": round(speaking, 1), "speaking_time": clock_text(speaking),
        "wpm": round(wpm, 1), "pace": _pace(wpm, words), "band": list(PACE_BAND),
        "long_pauses": sum(len(a[3].pauses) for a in answers),
        "fillers_per_minute": round(fillers / minutes, 1) if minutes > 0 else 0.0,
    }


# --- what the aligner is given -----------------------------------------------------------------

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> list[str]:
    """A whole number spelled out (up to 999,999,999; longer ones digit by digit)."""
    if n < 0:
        raise ValueError("negative")
    if n >= 1_000_000_000:
        return [_ONES[int(d)] for d in str(n)]
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        tens, ones = divmod(n, 10)
        return [_TENS[tens]] + ([_ONES[ones]] if ones else [])
    for size, name in ((1_000_000, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            high, rest = divmod(n, size)
            return [*number_words(high), name, *(number_words(rest) if rest else [])]
    raise AssertionError("unreachable")


_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|\d+")


def alignable_words(text: str, known: Callable[[str], bool]) -> list[str]:
    """The transcript as the aligner's dictionary can take it: lower case, digits spelled out
    ("40" -> "forty"), and any word the dictionary does not know left out."""
    out = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        spelled = number_words(int(token)) if token.isdigit() else [token]
        out.extend(word for word in spelled if known(word))
    return out


_ALTERNATIVE = re.compile(r"\(\d+\)$")


def dictionary_word(aligned: str) -> str:
    """An aligned word without its pronunciation number: "was(2)" -> "was"."""
    return _ALTERNATIVE.sub("", aligned)


# --- limits on a voice message -------------------------------------------------------------------


def voice_message_problem(*, is_voice: bool, duration: float | None, size: int) -> str | None:
    """Why a voice message cannot be taken as an answer, in words for the candidate; None when it
    can. Checked before anything is downloaded or transcribed."""
    if not is_voice:
        return ("That audio file is not a voice message. Record one with the microphone button in "
                "Discord (hold it, speak, let go), or type your answer.")
    if size <= 0:
        return "That voice message is empty. Record it again, or type your answer."
    if duration is not None and duration > MAX_VOICE_SECONDS:
        return (f"That voice message is {clock_text(duration)} long; voice answers can be up to "
                f"{clock_text(MAX_VOICE_SECONDS)}. Split it into shorter messages (each is a part of "
                "the same answer).")
    if size > MAX_VOICE_BYTES:
        return (f"That voice message is {size / 1_048_576:.1f} MB; voice answers can be up to "
                f"{MAX_VOICE_BYTES // 1_048_576} MB. Send a shorter one.")
    return None


# --- the terminal's `/voice PATH` ------------------------------------------------------------------

_VOICE_COMMAND = re.compile(r"\s*/voice(?:\s+(?P<rest>.*?))?\s*", re.IGNORECASE | re.DOTALL)


class VoiceCommandError(ValueError):
    """A `/voice` line that names no file, or names it in a way that cannot be read."""


def read_voice_command(line: str) -> str | None:
    """The path of a `/voice PATH` line (quotes allowed, for paths with spaces); None when the
    line is not a `/voice` command at all. Raises VoiceCommandError for `/voice` with no usable
    path, with a message for the user."""
    match = _VOICE_COMMAND.fullmatch(line)
    if match is None:
        return None
    rest = (match.group("rest") or "").strip()
    if not rest:
        raise VoiceCommandError("Give the audio file after /voice, e.g. /voice answer.ogg")
    if rest[0] in "'\"":
        try:
            parts = shlex.split(rest)
        except ValueError as error:
            raise VoiceCommandError(f"Could not read that path: {error}.") from None
        if len(parts) != 1:
            raise VoiceCommandError("Give one audio file after /voice (quote a path with spaces).")
        rest = parts[0]
    if "\n" in rest or "\x00" in rest or not rest.strip():
        raise VoiceCommandError("Give one audio file after /voice, on the same line.")
    return rest
