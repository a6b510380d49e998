"""What an answer says, found by rule and always with the words that triggered it.

Each detector here is a pure function over the answer's text (and, where it needs them, the
question and the company): it returns `Hit`s that carry the quote a report can show, so
every score built on them can be explained. Patterns are compiled once at import; nothing
here reads files, calls a network or loads a model.

Typed text is folded first (curly quotes to straight ones, dashes to '-') so "don’t" and
"don't" are the same word; the fold keeps every character in place, so positions found in the
folded text quote the original.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# --- text basics ---------------------------------------------------------------------------

_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"',
                       "–": "-", "—": "-", "\u00a0": " ", "…": "."})
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+|;\s")


def fold(text: str) -> str:
    """Curly apostrophes and quotes become straight ones, dashes become '-'; same length."""
    return text.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence (or clause) of the answer, by position."""

    start: int
    end: int


def sentences(text: str) -> list[Span]:
    """Sentence spans of (folded) text; a new line or a semicolon also ends one."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if WORD.search(text, start, match.end()):
            spans.append(Span(start, match.end()))
        start = match.end()
    if WORD.search(text, start):
        spans.append(Span(start, len(text)))
    return spans


def sentence_at(spans: Sequence[Span], position: int) -> Span:
    for span in spans:
        if span.start <= position < span.end:
            return span
    return spans[-1] if spans else Span(0, 0)


def _inside_word(text: str, at: int) -> bool:
    """Whether a cut at `at` would split a word (letters or digits on both sides)."""
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()


def quote(text: str, start: int, end: int, *, limit: int = 110) -> str:
    """The words around text[start:end], trimmed at word boundaries to about `limit`
    characters, with '…' where something was left out at the end. A quote never ends inside
    a word: a cut that would split one drops that word instead."""
    start, end = max(0, start), min(len(text), end)
    stop = min(end, start + limit)
    trimmed = stop < end or _inside_word(text, stop)
    if _inside_word(text, stop):
        space = max(text.rfind(" ", start, stop), text.rfind("\n", start, stop))
        if space > start:
            stop = space
        else:  # one word longer than the limit: keep it whole rather than cut it
            while stop < len(text) and (text[stop].isalnum() or text[stop] in "'-"):
                stop += 1
    piece = text[start:stop]
    if trimmed:
        piece = piece.rstrip(" ,;:-\n") + "…"
    return " ".join(piece.split()).strip(" ,;:-")


def sentence_quote(text: str, spans: Sequence[Span], position: int, end: int | None = None,
                   *, limit: int = 110) -> str:
    """Quote the sentence holding `position`; when it is long, a window around the match,
    with '…' on each side where the sentence goes on."""
    span = sentence_at(spans, position)
    end = span.end if end is None else end
    if span.end - span.start <= limit:
        return quote(text, span.start, span.end, limit=limit)
    left = max(span.start, position - limit // 3)
    if left > span.start:
        space = text.rfind(" ", span.start, left)
        left = space + 1 if space > span.start else left
    right = min(span.end, max(end, left + limit))
    tail = 0
    if right < span.end and not WORD.search(text, right, span.end):
        tail, right = span.end - right, span.end  # only the closing stop is left: keep it
    piece = quote(text, left, right, limit=limit + tail)
    if right < span.end and WORD.search(text, right, span.end) and not piece.endswith("…"):
        piece += "…"
    return ("…" if left > span.start else "") + piece


@dataclass(frozen=True, slots=True)
class Hit:
    """One thing a detector found: what it is, the matched words and a quote to show."""

    kind: str
    words: str
    quote: str
    start: int


def _hits(kind: str, pattern: re.Pattern[str], text: str, spans: Sequence[Span]) -> list[Hit]:
    return [Hit(kind, m.group(0), sentence_quote(text, spans, m.start(), m.end()), m.start())
            for m in pattern.finditer(text)]


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of plain phrases, longest first so the longest phrase wins."""
    escaped = sorted((re.escape(p).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True)
    return "(?:" + "|".join(escaped) + ")"


def _words(text: str) -> list[str]:
    """A word list written as plain text, one or more per line."""
    return text.split()


STOPWORDS = frozenset(_words("""
a an the and or but if then so of to in on at by for with from into onto about as than that
this these those there here it its it's is are was were be been being am do does did done
have has had having i me my mine myself we us our ours you your yours he him his she her they
them their what which who whom whose when where why how all any both each few more most other
some such no nor not only own same too very can could will would shall should may might must
just also really quite rather well yes yeah ok okay oh um uh like get got go going went make
made one two lot lots bit thing things way ways i'm i've i'd i'll we're we've you're don't
didn't doesn't isn't wasn't can't won't it'd that's there's what's let let's up out over
you've you'd you'll they're they've we'll he's she's
"""))


def content_words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text) if w.lower() not in STOPWORDS]


_SUFFIXES = (("ations", "at"), ("ation", "at"), ("ments", ""), ("ment", ""), ("ities", ""), ("ity", ""),
             ("ings", ""), ("ing", ""), ("ies", "y"), ("ied", "y"), ("ness", ""), ("ers", ""), ("er", ""),
             ("ed", ""), ("es", ""), ("ly", ""), ("s", ""))


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude, predictable stemmer: enough to match 'products' with 'product',
    'customers' with 'customer' and 'managing' with 'managed'."""
    w = word.lower().removesuffix("'s")
    for suffix, replacement in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= (2 if replacement == "y" else 4):
            w = w[: -len(suffix)] + replacement
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


# --- hedges, typed shorthand and fillers -------------------------------------------------

HEDGES = ("i guess", "i suppose", "i'm not sure", "im not sure", "i am not sure", "not sure",
          "not totally sure", "probably", "maybe", "perhaps", "possibly",
          "kinda", "sorta", "i think maybe", "i feel like", "hopefully", "i hope", "i might",
          "more or less", "i tried to", "i don't know", "i dont know", "i do not know",
          "i'm no expert", "not really", "a little bit", "somewhat", "or something",
          "or whatever", "-ish", "i'd hope", "i would hope")
SHORTHAND = ("idk", "tbh", "dunno", "i dunno", "imo", "ngl", "prob", "lol", "meh", "whatevs")
_HEDGE_RE = re.compile(r"(?<![\w'])" + _alternation(HEDGES) + r"(?![\w'])", re.IGNORECASE)
_SHORTHAND_RE = re.compile(r"(?<![\w'])" + _alternation(SHORTHAND) + r"(?![\w'])",
                           re.IGNORECASE)
_SOON_ISH = re.compile(r"\b\w+-ish\b", re.IGNORECASE)
# 'kind of' hedges ("it kind of worked") but not as a noun phrase ("the kind of work I want").
_KIND_OF = re.compile(r"(?<!\bthe )(?<!\ba )(?<!\bthis )(?<!\bthat )(?<!\bwhat )(?<!\bany )(?<!\bsome )"
                      r"(?<!\bwhich )(?<!\bsame )(?<!\bthese )(?<!\bthose )(?<!\bone )(?<!\bevery )"
                      r"\b(?:kind|sort) of\b", re.IGNORECASE)

FILLERS = ("um", "umm", "uh", "uhh", "er", "erm", "like", "you know", "basically", "actually",
           "literally", "i mean", "so yeah", "anyway", "right?", "honestly")
_LIKE = re.compile(r"(?<!\bi'd )(?<!\bwould )(?<!\blooks )(?<!\bfeel )(?<!\bfelt )(?<!\bfeels )"
                   r"(?<!\bseems )(?<!\bsounds )(?<!\blook )(?<!\bwe'd )(?<!\bthey'd )"
                   r"(?<!\bsomething )(?<!\bjust )(?<!\bthings )(?<!\bpeople )(?<!\bi )"
                   r"(?<!\bwe )(?<!\bthey )(?<!\byou )(?<!\bdon't )(?<!\bdidn't )"
                   r"\blike\b(?!\s+(?:to|it|that|this|the|a|an|them|him|her|working|how)\b)",
                   re.IGNORECASE)
_FILLER_RES = {f: _LIKE if f == "like" else re.compile(
    r"(?<![\w'])" + re.escape(f).replace(r"\ ", r"\s+") + (r"(?![\w'])" if f[-1].isalnum() else ""),
    re.IGNORECASE) for f in FILLERS}


def hedges(text: str, spans: Sequence[Span]) -> list[Hit]:
    """Hedges that weaken a claim ('I guess', 'probably', 'not sure'), typed shorthand included."""
    found = _hits("hedge", _HEDGE_RE, text, spans)
    found += _hits("hedge", _SOON_ISH, text, spans) + _hits("hedge", _KIND_OF, text, spans)
    found += _hits("shorthand", _SHORTHAND_RE, text, spans)
    return sorted(found, key=lambda h: h.start)


def fillers(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for filler, pattern in _FILLER_RES.items():
        n = len(pattern.findall(text))
        if n:
            counts[filler] = n
    return counts


# --- apologies and talking yourself down ---------------------------------------------------

_SELF_DOUBT = re.compile(
    r"\b(?:sorry|i apologi[sz]e|i'm not (?:very |that |really )?good at|i wasn't (?:the )?best|"
    r"i (?:probably )?(?:rambled|waffled)|not sure (?:i|if i) (?:explained|answered|did)|"
    r"i'm (?:a bit |really |quite |so )?nervous|i don't want to overpromise|"
    r"not (?:sure )?(?:if |whether )?i'd be good enough|probably not great)\b", re.IGNORECASE)


def self_doubt(text: str, spans: Sequence[Span]) -> list[Hit]:
    """Apologies and self-undermining remarks: they tell the interviewer to doubt you."""
    return _hits("self_doubt", _SELF_DOUBT, text, spans)


# --- I against we, and what the candidate did -----------------------------------------------

_I = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b", re.IGNORECASE)
_WE = re.compile(r"\b(?:we|we're|we've|we'd|we'll|us|our|ours|ourselves)\b", re.IGNORECASE)
ACTION_VERBS = (
    "decided", "built", "led", "organised", "organized", "set up", "created", "proposed", "wrote",
    "designed", "ran", "started", "introduced", "negotiated", "analysed", "analyzed", "rebuilt",
    "rewrote", "called", "met", "interviewed", "mapped", "tested", "prototyped", "automated",
    "drafted", "pitched", "scheduled", "coached", "trained", "retrained", "split", "prioritised",
    "prioritized", "reached out", "spoke", "talked", "asked", "gathered", "pulled", "shipped",
    "launched", "migrated", "presented", "escalated", "documented", "reviewed", "refactored",
    "investigated", "identified", "measured", "changed", "moved", "added", "removed", "replaced",
    "paired", "facilitated", "sat down", "chose", "picked", "benchmarked", "logged", "sorted",
    "sent", "visited", "listened", "agreed", "cut", "recalibrated", "booked", "read", "kept",
    "took", "told", "brought", "suggested", "planned", "hired", "fixed", "found", "raised",
    "worked out", "redid", "redesigned", "blocked", "joined", "gave", "made", "got", "delivered",
    "managed", "owned", "handled", "won", "closed", "reshaped", "turned", "persuaded", "convinced",
    "wrote up", "cleared", "reduced", "increased", "grew", "saved", "hard-coded", "flagged",
    "showed", "explained", "recruited", "mentored", "coordinated", "rolled back", "rotated",
    "decide", "build", "lead", "run", "own", "manage", "design", "test", "plan", "write", "set",
    "written", "grown", "taught", "chosen", "driven", "spoken", "shown", "present",
)
_OWN_ACTION = re.compile(
    r"\bi(?:'ve| have| had)?\s+(?:(?:then|first|also|quickly|personally|immediately|finally|"
    r"eventually|next|later|just|really|actually|\w+ly)\s+){0,2}" + _alternation(ACTION_VERBS)
    + r"\b", re.IGNORECASE)
_VAGUE_PARTICIPATION = re.compile(r"\bi\s+(?:just\s+)?(?:helped|assisted|supported|was involved|"
                                  r"participated|contributed|was part of)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Ownership:
    i_count: int
    we_count: int
    actions: list[Hit]  # "I rebuilt the pipeline": the candidate's own actions
    participation: list[Hit]  # "I helped", "I was involved": presence without an action
    we_quote: str

    @property
    def we_only(self) -> bool:
        """A story told only in 'we': the team acted, the candidate never says what they did."""
        return self.we_count >= 2 and not self.actions


def ownership(text: str, spans: Sequence[Span]) -> Ownership:
    we = list(_WE.finditer(text))
    first_we = sentence_quote(text, spans, we[0].start(), we[0].end()) if we else ""
    return Ownership(len(_I.findall(text)), len(we), _hits("action", _OWN_ACTION, text, spans),
                     _hits("participation", _VAGUE_PARTICIPATION, text, spans), first_we)


# --- STAR ---------------------------------------------------------------------------------

_LABEL = re.compile(r"(?im)(?:^|(?<=[.!?;]\s))\s*(situation|task|actions?|results?|outcome)\s*[:\-]")
_STAR_CUES: dict[str, tuple[str, ...]] = {
    "situation": (
        r"\bwhen i was\b", r"\bat my (?:previous|last|current|old|first)\b",
        r"\bin my (?:last|previous|current|first) (?:role|job|team|company|position)\b",
        r"\blast (?:year|quarter|spring|summer|autumn|fall|winter|month|week)\b",
        r"\bin (?:january|february|march|april|may|june|july|august|september|october|november|december)\b",
        r"\bduring (?:the|a|an|my|our)\b", r"\bwe had\b", r"\bthere was\b", r"\bthe situation\b",
        r"\bwhile (?:i was )?working\b", r"\bat the time\b", r"\bbefore i joined\b",
        r"\bour (?:\w+ )?(?:team|depot|site|store|client|customer|launch)\b", r"\bi was (?:the|a|an|working)\b",
        r"\bplanned to\b", r"\b(?:was|were) (?:double-counting|wrong|down|offline)\b",
        r"\bi joined\b", r"\bone (?:time|example)\b", r"\bfor example\b", r"\bfor instance\b",
        r"\bproblem was\b", r"\b(?:was|were) (?:failing|struggling|losing|behind|late|broken|stuck|missing|entering)\b",
        r"\b(?:weeks?|months?|days?) into\b", r"\bthreatened to\b", r"\bat (?:a|an) (?:busy|small|large|big)\b",
        r"\b(?:missed|lost|stalled|kept faulting|complained|asked for)\b",
    ),
    "task": (
        r"\bmy (?:task|job|goal|role|responsibility|brief|mandate|mistake)\b",
        r"\bi was (?:responsible|asked|tasked|in charge|given|sent|the \w+ (?:manager|lead|engineer))\b",
        r"\bi needed to\b", r"\bi had to\b", r"\b(?:the|our) (?:goal|aim|objective|target|challenge) was\b",
        r"\basked me to\b", r"\bresponsible for\b", r"\bi owned\b", r"\bwe needed to\b",
        r"\bso that (?:we|i) could\b", r"\bin order to\b", r"\bthe deadline\b", r"\bi couldn't\b",
        r"\bi ran\b", r"\bso i owned\b", r"\bi wanted to\b",
    ),
    "result": (
        r"\bas a result\b", r"\bthe result\b", r"\bresult(?:ed|s)?\b", r"\boutcome\b", r"\bwhich meant\b",
        r"\bled to\b",
        r"\b(?:reduced|increased|improved|saved|grew|cut|raised|lowered|doubled|tripled|halved|boosted|dropped|"
        r"fell|rose|stopped)\b",
        r"\bin the end\b", r"\bended up\b", r"\bby the end\b", r"\bafterwards\b", r"\bsince then\b",
        r"\bi learned\b", r"\blesson\b", r"\btaught me\b",
        r"\b(?:we|they|she|he|it|i) (?:hit|met|beat|exceeded|delivered|shipped|launched|won|closed|signed|kept|"
        r"renewed|finished|cleared|moved the|agreed|approved)\b",
        r"\b(?:hit|met|beat|exceeded) (?:the|our) (?:target|goal|deadline)\b", r"\bon time\b", r"\bwent from\b",
        r"\bwithin (?:a|an|\d+|one|two|three|four|five|six) (?:hours?|days?|weeks?|months?)\b",
        r"\bnow (?:uses?|runs?|takes?|part of)\b", r"\bis now\b", r"\bit's now\b", r"\bwe now\b",
        r"\bwas approved\b", r"\bfirst time\b", r"\bhaven't had\b", r"\bno (?:formal )?complaints\b",
        r"\bwere back\b", r"\bwent out\b", r"\bbecame\b",
        r"\bafter (?:a |an |\w+ )?(?:days?|weeks?|months?|quarter|year)\b", r"\bfrom the next\b", r"\binstead\b",
        r"\bhanded (?:it )?over\b", r"\b(?:a|one|two|three|\d+) (?:days?|weeks?|months?) (?:early|ahead)\b",
        r"\bwith no (?:\w+ )?(?:incidents|complaints|defects|findings|errors)\b",
    ),
}
# One alternation per part: a single search per part instead of one per cue.
STAR_RES = {part: re.compile("|".join(f"(?:{c})" for c in cues), re.IGNORECASE) for part, cues in _STAR_CUES.items()}
_ACTION_CUES = re.compile(r"\bso i\b|\bfirst,? i\b|\bthen i\b|\bnext,? i\b|\bmy approach\b|"
                          r"\bi took\b|\bi made\b|\bi got\b", re.IGNORECASE)


def star(text: str, own: Ownership) -> dict[str, bool]:
    """Which parts of situation, task, action, result the answer has. An explicit label
    ('Situation:', 'Result -') counts as that part."""
    labelled = {m.group(1).lower().rstrip("s") for m in _LABEL.finditer(text)}
    labelled = {"result" if part == "outcome" else part for part in labelled}
    return {
        "situation": "situation" in labelled or bool(STAR_RES["situation"].search(text)),
        "task": "task" in labelled or bool(STAR_RES["task"].search(text)),
        "action": "action" in labelled or bool(own.actions) or bool(_ACTION_CUES.search(text)),
        "result": "result" in labelled or bool(STAR_RES["result"].search(text)),
    }


# --- evidence: figures that are results, not labels ---------------------------------------

_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                 "thirty|forty|fifty|sixty|hundred|a hundred|a thousand|dozen|a dozen|a few|several")
_NUM = r"(?:\d[\d,]*(?:\.\d+)?|" + _NUMBER_WORDS + r")"
_LABEL_NUMBERS = re.compile(
    r"\b(?:fortune|inc\.?|ftse|s&p|russell|nasdaq|top|global|forbes)\s*\d+\b|\b\d+\s*/\s*7\b|"
    r"\b9\s*(?:to|-)\s*5\b|\bweb\s*\d(?:\.\d)?\b|\bcovid-?19\b|\bwindows\s*\d+\b|\bv\d+(?:\.\d+)*\b|"
    r"\b(?:python|java|ios|android|html|css|es|php|office|excel)\s*\d+(?:\.\d+)?\b|"
    r"\b\d+(?:st|nd|rd|th)\b|\b\d\s*:\s*\d\b|\bpsm\s*[iv]+\b|\b\d+d\b",
    re.IGNORECASE)
_AGE = re.compile(
    r"\b(?:i was|when i was|at|aged?|age of)\s+\d{1,2}\b(?!\s*(?:%|percent|people|hours|days|"
    r"weeks|months|years|customers|staff|users|engineers|sites|stores|vans|teams|minutes))|"
    r"\b\d{1,2}\s*(?:years?|yrs?)\s*old\b|\bin my (?:teens|twenties|thirties|forties|\d0s)\b|"
    r"\bborn in\s+(?:19|20)\d\d\b|\b(?:19|20)\d\d\s+(?:graduate|grad)\b",
    re.IGNORECASE)
_CALENDAR_YEAR = re.compile(r"(?<![\d£$€.,])(?:19|20)\d\d(?![\d%])(?!\s*(?:people|users|customers|"
                            r"staff|units|orders|rows|requests|jobs|tickets|members))")
_MONEY = re.compile(r"[$€£¥₹]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?\b|"
                    r"\b\d[\d,.]*\s?(?:k|m|bn)?\s?(?:dollars|euros|pounds|usd|eur|gbp)\b|"
                    r"\b\d+(?:\.\d+)?\s?k\b", re.IGNORECASE)
_PERCENT = re.compile(r"(?<![0-9.,])\d+(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b|pp\b|"
                      r"percentage points\b)|\b(?:a|one|two) (?:third|quarter|fifth|half)\b|"
                      r"\bhalf\b|\b(?:doubled|tripled|halved|quadrupled)\b|\b\d+x\b|"
                      r"\b(?:ten|two|three|five) times\b", re.IGNORECASE)
_COUNT = re.compile(r"(?<![\w.,])" + _NUM + r"\s+(?:[\w-]+\s+){0,2}?(?:people|staff|aircraft|"
                    r"[a-z]{2,}s)\b", re.IGNORECASE)
_DURATION = re.compile(r"(?<![\w.,])" + _NUM + r"\s+(?:minutes?|hours?|days?|weeks?|months?|"
                       r"quarters?|years?|sprints?|shifts?)\b|\b(?:q[1-4]|h[12])\b", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"(?<![\w.,£$€])\d[\d,]*(?:\.\d+)?(?![\w%])")
_OUTCOME = re.compile(
    r"\b(?:reduc\w*|increas\w*|improv\w*|sav\w*|grew|grow\w*|cut|rais\w*|lower\w*|doubl\w*|tripl\w*|"
    r"halv\w*|boost\w*|drop\w*|fell|fall\w*|rose|ris\w*|lift\w*|shortened|won|win\w*|clos\w*|hit|"
    r"exceed\w*|beat|from\s+\S+\s+to|down to|up to|under|over|within|record|lowest|highest|"
    r"renew\w*|complet\w*|clear\w*|deliver\w*|early|late|target|worth|revenue|profit|margin|"
    r"churn|conversion|errors?|waste|complaints?|faults?|on time|per (?:hour|day|week|month)|"
    r"a (?:day|week|month|minute)|peak|median|average|no findings|no critical|as a result|now takes?|"
    r"takes? \S+ \S+ now|instead of|compared with|than before)\b", re.IGNORECASE)
_NAMED = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}[a-z]*s?|"
                    r"[A-Z][a-z]+(?:\.(?:js|fyi|io|ai))|[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})*)\b")
_NOT_NAMES = frozenset(_words("""I I'm I'd I've I'll Monday Tuesday Wednesday Thursday Friday Saturday Sunday
January February March April May June July August September October November December The This
That And But So Yes No Also Then When While After Before Because Since Our My We It Its There
Honestly Sure Well Okay Oh Um Just English Situation Task Action Result Actions Results Outcome
First Second Next Finally Hi Hello Thanks Thank Sorry Anyway Really Actually Basically"""))


@dataclass(frozen=True, slots=True)
class Evidence:
    results: list[Hit]  # figures tied to an outcome, money, percentages
    facts: list[Hit]  # counts and durations that describe scale but not a result
    names: list[str]  # named tools, products, places: checkable detail
    ignored: list[Hit]  # numbers that look like evidence but are not (ages, years, labels)

    @property
    def strength(self) -> float:
        return len(self.results) + 0.5 * len(self.facts) + 0.3 * min(len(self.names), 4)

    @property
    def has_figures(self) -> bool:
        return bool(self.results or self.facts)


def evidence(text: str, spans: Sequence[Span], *, company: str = "") -> Evidence:
    """Figures that are evidence. A figure tied to an outcome (a change, money, a percentage)
    is a result; a count or duration is a fact; an age, a calendar year or a label such as
    'Fortune 500' is not evidence at all."""
    taken = bytearray(len(text))
    ignored: list[Hit] = []

    def claim(m: re.Match[str]) -> bool:
        if any(taken[m.start():m.end()]):
            return False
        taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        return True

    for pattern, kind in ((_LABEL_NUMBERS, "label"), (_AGE, "age"), (_CALENDAR_YEAR, "year")):
        for m in pattern.finditer(text):
            if claim(m):
                ignored.append(Hit(kind, m.group(0), sentence_quote(text, spans, m.start(), m.end()),
                                   m.start()))
    results: list[Hit] = []
    facts: list[Hit] = []
    for pattern, always_result in ((_MONEY, True), (_PERCENT, True), (_DURATION, False),
                                   (_COUNT, False), (_BARE_NUMBER, False)):
        for m in pattern.finditer(text):
            if not claim(m):
                continue
            span = sentence_at(spans, m.start())
            sentence = text[span.start:span.end]
            hit = Hit("figure", m.group(0).strip(" .,"), sentence_quote(text, spans, m.start(), m.end()), m.start())
            if always_result or _OUTCOME.search(sentence):
                results.append(hit)
            else:
                facts.append(hit)
    names = []
    skip = {w.lower() for w in company.split()} if company else set()
    for m in _NAMED.finditer(text):
        name = m.group(0)
        if any(taken[m.start():m.end()]) or any(h.start <= m.start() < h.start + len(h.words) for h in ignored):
            continue
        if name in _NOT_NAMES or name.split()[0] in _NOT_NAMES or name.lower() in skip:
            continue
        if name not in names:
            names.append(name)
    return Evidence(sorted(results, key=lambda h: h.start), sorted(facts, key=lambda h: h.start),
                    names[:8], ignored)


# --- vague words, clichés and claims without evidence -------------------------------------

_VAGUE = re.compile(r"\b(?:a lot of (?:things|stuff|different things)|lots of (?:things|stuff)|"
                    r"things|stuff|various|a bunch|etc|many things|everything|somehow|pretty good|"
                    r"really well|quite a bit|and so on|here and there|some issues|went well|"
                    r"it was fine|all of that|and all that|in general|generally|overall)\b",
                    re.IGNORECASE)


def vague(text: str, spans: Sequence[Span]) -> list[Hit]:
    return _hits("vague", _VAGUE, text, spans)


CLICHES = {
    "hard worker": r"hard[\s-]?work(?:er|ing)|work(?:ing)? (?:very |really )?hard|strong work ethic|work ethic",
    "perfectionist": r"perfectionist",
    "team player": r"team player",
    "passionate": r"(?:i'm|i am|i'm very|i'm really|really|very) passionate|passionate about",
    "fast learner": r"(?:fast|quick) learner|pick things up (?:really |very )?(?:fast|quickly)",
    "people person": r"people person",
    "outside the box": r"think(?:ing)? outside the box",
    "self-starter": r"self[\s-]starter|go[\s-]getter",
    "detail-oriented": r"detail[\s-]oriented|attention to detail",
    "results-driven": r"results[\s-](?:driven|oriented)",
    "under pressure": r"work(?:s)? well under pressure|thrive under pressure",
    "110%": r"(?:give|giving) (?:it )?110\s?%|above and beyond",
    "great communicator": r"(?:great|excellent|good|strong) communication skills|great communicator",
    "creative": r"i'm (?:very |really )?creative",
    "great fit": r"(?:a |the )?(?:great|perfect|good|right) fit",
}
_CLICHE_RES = {name: re.compile(r"\b(?:" + pattern + r")\b", re.IGNORECASE)
               for name, pattern in CLICHES.items()}
_BACKING = re.compile(r"\bfor (?:example|instance)\b|\bwhen i\b|\blast (?:year|month|quarter)\b|"
                      r"\bat my (?:last|previous|current)\b|\bonce\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Claim:
    """A cliché or self-description; `backed` when the same or next sentence proves it."""

    name: str
    hit: Hit
    backed: bool


def cliches(text: str, spans: Sequence[Span], own: Ownership, found: Evidence) -> list[Claim]:
    proof_at = [h.start for h in found.results] + [h.start for h in own.actions] + [
        m.start() for m in _BACKING.finditer(text)]
    claims: list[Claim] = []
    for name, pattern in _CLICHE_RES.items():
        for m in pattern.finditer(text):
            here = sentence_at(spans, m.start())
            index = spans.index(here) if here in spans else 0
            window_end = spans[index + 1].end if index + 1 < len(spans) else here.end
            backed = any(here.start <= p < window_end for p in proof_at)
            claims.append(Claim(name, Hit("cliche", m.group(0),
                                          sentence_quote(text, spans, m.start(), m.end()), m.start()),
                                backed))
    return sorted(claims, key=lambda c: c.hit.start)


_HUMBLEBRAG = re.compile(
    r"\b(?:perfectionist|i care too much|care too much|i work too hard|work too hard|workaholic|"
    r"too (?:detail[\s-]oriented|honest|dedicated|committed|passionate|hard[\s-]working)|"
    r"want(?:s)? everything to be (?:perfect|exactly right)|i'm such a team player|"
    r"some people (?:would|might) (?:say|see) (?:that's|that as|it as) a strength|"
    r"(?:that's|it's) (?:really )?a strength)\b", re.IGNORECASE)
_NO_WEAKNESS = re.compile(r"\b(?:don't|do not) (?:really )?have (?:any|many) (?:real )?weakness(?:es)?|"
                          r"\bno (?:real )?weakness(?:es)?\b|\bcan't think of (?:a|any) weakness",
                          re.IGNORECASE)


def humblebrags(text: str, spans: Sequence[Span]) -> list[Hit]:
    """A strength dressed as a weakness ('I'm a perfectionist'), or a denial of any weakness."""
    return _hits("humblebrag", _HUMBLEBRAG, text, spans) + _hits("no_weakness", _NO_WEAKNESS, text, spans)


# --- negativity about employers, colleagues, customers ------------------------------------

_PEOPLE = (r"\b(?:my|our|the|that|his|her|their)\s+(?:old\s+|former\s+|previous\s+|last\s+|current\s+|"
           r"ex-?\s*|new\s+)?(?:boss|manager|managers|company|employer|team|colleagues?|co-?workers?|"
           r"management|leadership|director|ceo|organi[sz]ation|job|workplace|department|clients?|"
           r"customers?|peers?|interviewer|recruiter|place|people|staff|designer|developers?|"
           r"engineers?|candidates?)\b|\b(?:they|she|he|management|leadership|everyone|nobody|"
           r"people there|the others|other candidates)\b")
_PEOPLE_RE = re.compile(_PEOPLE, re.IGNORECASE)
_HARSH = re.compile(
    r"\b(?:toxic|incompetent|idiots?|idiotic|clueless|useless|lazy|control freak|micromanag\w*|"
    r"impossible to work with|backstab\w*|threw me under the bus|thrown under the bus|"
    r"took credit for|takes credit for|lowball\w*|hopeless|pathetic|a joke|"
    r"no idea what (?:she|he|they) (?:was|were) doing|had no idea what|can't actually do|"
    r"can't stand|couldn't stand|hate (?:my|the|it|them|him|her)|hated (?:my|the|it|them|him|her))\b",
    re.IGNORECASE)
_NEGATIVE = re.compile(
    r"\b(?:terrible|awful|horrible|dreadful|the worst|a mess|a nightmare|nightmare|sucked|sucks|"
    r"dumb|stupid|rude|unprofessional|dishonest|liars?|lied|political|disorgani[sz]ed|chaotic|"
    r"dysfunctional|fed up|sick of|tired of|never listened|didn't listen|don't listen|never let me|"
    r"(?:didn't|don't|doesn't|never) cares?|(?:didn't|don't|doesn't) back(?:ed)? me|"
    r"never appreciated|undervalued|unfair|blamed|blame us|their fault|his fault|her fault|"
    r"boring|handled (?:really )?badly|falling apart|bad management|poorly run|"
    r"impossible|wouldn't have it|excessive|nobody paid me|didn't get it|never liked me)\b",
    re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:without|not|never|no|nobody's)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def negativity(text: str, spans: Sequence[Span]) -> list[Hit]:
    """Sentences that run down a past employer, colleagues, customers or other candidates.
    Harsh words count on their own; milder ones ('terrible', 'a mess') only when the sentence
    is about people or an employer. 'Without blaming anyone' is not negativity."""
    found: list[Hit] = []
    seen: set[int] = set()
    for pattern, needs_target in ((_HARSH, False), (_NEGATIVE, True)):
        for m in pattern.finditer(text):
            span = sentence_at(spans, m.start())
            if span.start in seen:
                continue
            before = text[max(span.start, m.start() - 30):m.start()]
            if _NEGATED.search(before) and m.group(0).lower().startswith(("blame", "care")):
                continue
            if needs_target and not _PEOPLE_RE.search(text, span.start, span.end):
                continue
            seen.add(span.start)
            found.append(Hit("negativity", m.group(0), sentence_quote(text, spans, m.start(), m.end()),
                             m.start()))
    return sorted(found, key=lambda h: h.start)


# --- non-answers and deflection -----------------------------------------------------------

_DEFLECT = re.compile(
    r"\b(?:i (?:really )?don't know|i do not know|idk|dunno|no idea|no clue|not sure|"
    r"whatever(?:'s| is)? (?:works|normal|fine|you (?:think|want|offer)|is fair)|whatever\b|"
    r"anything(?:'s| is)? fine|i'd accept anything|i'll take (?:anything|whatever)|accept anything|"
    r"(?:haven't|have not|didn't) (?:really )?(?:looked|checked|thought about it|had (?:the )?time|"
    r"look into it|looked into it)|didn't have time|no comment|next question|can we (?:skip|move on)|"
    r"rather not (?:say|answer)|nothing (?:really|comes to mind)|can't think of (?:anything|one|an example)|"
    r"not applicable|n/a|nope|nah|no,? (?:that's it|i think you've covered everything|nothing)|"
    r"just felt like it|we'll see|it depends|i'd have to check|not really|it's a job|don't mind)\b",
    re.IGNORECASE)
_DOUBT_ONLY = frozenset({"i don't know", "i do not know", "i really don't know", "not sure", "no idea", "no clue",
                         "not really", "it depends", "dunno", "idk"})
_REDIRECT = re.compile(r"\b(?:could|can|would) you (?:share|tell me|say)\b|\bwhat (?:range|band|budget)\b|"
                       r"\b(?:before|first) i (?:settle|commit|give|name)\b|"
                       r"\b(?:understand|learn|hear|know) (?:more )?(?:about )?the\b.*\bbefore\b",
                       re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Deflection:
    hits: list[Hit]
    substance: int  # content words outside the deflecting phrases
    graceful: bool  # defers with a reason and a question back ("could you share the band?")

    @property
    def is_non_answer(self) -> bool:
        """No attempt at an answer: a refusal with little else, or doubt with nothing in it.
        'Probably managing PMs, I guess' is a (hedged) answer; 'idk, whatever' is not."""
        if not self.hits or self.graceful:
            return False
        refusal = any(h.words.lower() not in _DOUBT_ONLY for h in self.hits)
        return self.substance < 2 or (refusal and self.substance < 9)


def deflection(text: str, spans: Sequence[Span]) -> Deflection:
    """Non-answers: 'I don't know', 'idk, whatever works', 'I haven't looked'. An answer that
    defers politely with a reason and a question back is not one."""
    hits = _hits("deflection", _DEFLECT, text, spans)
    stripped = _DEFLECT.sub(" ", _HEDGE_RE.sub(" ", _SHORTHAND_RE.sub(" ", text)))
    substance = len([w for w in content_words(stripped) if len(w) > 2])
    graceful = bool(_REDIRECT.search(text)) and substance >= 6
    return Deflection(hits, substance, graceful)


# --- relevance: does the answer address the question? -------------------------------------

_QUESTION_NOISE = frozenset(stem(w) for w in _words("""
tell describe walk give example time think would like could share talk explain about please
something anything someone everyone way ways kind sort really exactly particular particularly
most least much many often recently today now ever still already little bit couple briefly
what's how's piece name pick choose say said mean know want wanted feel find found let
everything far heard part parts from so-far come came before after finish finished again back
coming start started through ago moment free feel yet else along during rest ask asked take
taking short version hello welcome gets says sets away straight suppose besides other another
long longer closest close properly deep deeper earlier early later hear hearing thanks thank
since wrap based seen across
"""))

# Work words nearly every answer shares with nearly every question: one or two of them in common
# ('team', 'week') do not show the answer is about what was asked.
WEAK_TERMS = frozenset(stem(w) for w in _words("""
team teams work working week weeks people person project projects role job company business
day days month months year years time new first last next good best place thing data
"""))


_NAME_IN_QUESTION = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+")
# A passage the question quotes back ('You said: "I rebuilt the pipeline…"') is the candidate's
# own words, not what the question is about.
_QUOTED = re.compile(r'"[^"\n]{12,}?(?:"|$)')


def question_words(question: str, *, company: str = "") -> dict[str, str]:
    """The words that say what a question is about, each stem with the word as the question
    writes it: its content words without the ones every question uses ('tell', 'describe'),
    the company's name, the names of people or a passage it quotes back."""
    folded = _QUOTED.sub(" ", fold(question))
    skip = {stem(w) for w in WORD.findall(company)} if company else set()
    skip |= {stem(m.group(0)) for m in _NAME_IN_QUESTION.finditer(folded)}
    found: dict[str, str] = {}
    for word in content_words(folded):
        s = stem(word)
        if s not in _QUESTION_NOISE and s not in skip and len(s) > 2:
            found.setdefault(s, word)
    return found


def question_terms(question: str, *, company: str = "") -> set[str]:
    """The stems of `question_words`."""
    return set(question_words(question, company=company))


# Words an answer may use for a question's term: 'customers' may be answered with 'firms'.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "custom": ("client", "firm", "user", "buyer", "member", "patient", "business", "shopper", "reader",
               "subscriber", "account"),
    "week": ("day", "monday", "morning", "daily", "stand-up", "sprint"),
    "salary": ("pay", "base", "range", "package", "compensat", "£", "$", "€"),
    "weak": ("struggl", "improv", "used to", "work on", "hard for me", "not naturally"),
    "leav": ("move", "left", "next", "contract", "pull", "push"),
    "decision": ("decid", "choose", "chose", "call"),
    "evidenc": ("data", "number", "figure", "metric", "test"),
    "company": ("you", "your", "here"),
    "join": ("you", "your", "here"),
    "offer": ("yes", "accept"),
    "hesitat": ("worry", "concern", "unsure", "only over"),
    "forward": ("enjoy", "look forward", "excit", "most interest"),
    "hardest": ("hard", "difficult", "challeng", "tough"),
    "remember": ("that i", "proof", "result"),
    "hire": ("bring", "i can", "i'd", "offer"),
    "finalist": ("other", "candidat"),
    "yourself": ("i'm", "i've", "myself", "my "),
    "excit": ("interest", "enjoy", "appeal", "draw", "love", "keen"),
    "confident": ("result", "proof", "evidence", "track record", "%"),
    "try": ("i would", "i'd", "focus on", "start with", "test"),
    "improv": ("automat", "better", "faster", "reduc", "fix", "quick win", "simplif"),
    "team": ("colleague", "people", "group", "five of us", "critique"),
    "manag": ("boss", "lead", "director"),
    "fail": ("miss", "mistake", "went wrong", "late", "lost", "wrong"),
    "feedback": ("told me", "said", "comment", "recruiter", "notes"),
    "disagre": ("argu", "thought", "conflict", "clash"),
    "problem": ("issue", "fault", "broke", "fix", "missed"),
    "priorit": ("first", "sorted", "order", "urgent"),
    "idea": ("test", "suggest", "try", "propos"),
    "research": ("read", "saw", "report", "review"),
}


# The same, by the stem of each word ('remember' is looked up as 'rememb').
_SYNONYMS_BY_STEM = {stem(word): alternatives for word, alternatives in SYNONYMS.items()}


def _synonyms(term: str) -> tuple[str, ...]:
    return SYNONYMS.get(term) or _SYNONYMS_BY_STEM.get(term, ())


def _stem_matches(o: str, answer_stems: set[str], *, shorter: bool = True) -> bool:
    """A stem matches the same answer stem, a longer one that starts with it ('negotiat' and
    'negotiation') and, with `shorter`, a slightly shorter one it starts with ('recommendat' and
    'recommend')."""
    if o in answer_stems:
        return True
    return any((len(o) >= 4 and a.startswith(o))
               or (shorter and len(a) >= 5 and len(o) - len(a) <= 3 and o.startswith(a)) for a in answer_stems)


def matches(answer_stems: set[str], wanted: Iterable[str], text: str = "", *,
            shorter: bool = True) -> dict[str, bool]:
    """Which wanted stems the answer uses, each with whether it used the word itself (True)
    or only a synonym (False). A synonym of several words ('told me') is looked for in `text`.
    `shorter`: see `_stem_matches`."""
    lowered = text.lower()
    hits: dict[str, bool] = {}
    for w in wanted:
        for index, o in enumerate((w, *(stem(o) if o.isalpha() else o for o in _synonyms(w)))):
            if (" " in o or not o.isalpha()) and lowered:
                found = o in lowered
            else:
                found = _stem_matches(o, answer_stems, shorter=shorter)
            if found:
                hits[w] = index == 0
                break
    return hits


def overlap(answer_stems: set[str], wanted: Iterable[str], text: str = "") -> set[str]:
    """Which wanted stems the answer uses, directly or through a synonym (see `matches`)."""
    return set(matches(answer_stems, wanted, text))


@dataclass(frozen=True, slots=True)
class Addressed:
    """How much of a question's wording an answer takes up. `strong` are the question's specific
    terms it uses, and its work words said in other words ('stand-up' for 'week'); `weak` are work
    words it merely shares ('team', 'week'), which on their own do not show it is on the question."""

    strong: set[str]
    weak: set[str]
    specific_terms: int  # how many of the question's terms are specific ones

    @property
    def matched(self) -> set[str]:
        return self.strong | self.weak

    @property
    def on_question(self) -> bool:
        return bool(self.strong) or (not self.specific_terms and bool(self.weak))

    def coverage(self, terms: int) -> float:
        """0..1: how far the answer takes up the question (two terms used are enough)."""
        if not terms:
            return 0.5
        wanted = min(self.specific_terms, 2) if self.specific_terms else min(terms, 2)
        weak_weight = 0.25 if self.specific_terms else 0.75
        return min(1.0, (len(self.strong) + weak_weight * len(self.weak)) / wanted)


def addressed(answer_stems: set[str], terms: Iterable[str], text: str = "", *,
              shorter: bool = True) -> Addressed:
    """Which of a question's `terms` the answer takes up, and how (see `Addressed`)."""
    terms = set(terms)
    found = matches(answer_stems, terms, text, shorter=shorter)
    weak = {t for t, itself in found.items() if t in WEAK_TERMS and itself}
    return Addressed(set(found) - weak, weak, len(terms - WEAK_TERMS))


# Abstract words that fill an answer without saying anything checkable.
GENERIC = frozenset(stem(w) for w in _words("""
important importance balance right situation depend depends depending matter matters need needs
things thing stuff good great nice amazing really very lot lots everything something anything
company companies business role job work working team people person opportunity opportunities
experience skills skill growth culture values value passion passionate quality speed technology
innovation innovative potential market general generally overall definitely always never sure
different various many much more most best better big bigger new world everyone everybody
make made get got keep kept want wanted like love think know feel believe hope try tried
happy proud exciting excited interesting interested fine okay strong hard fast quick learn
learned learning honestly basically actually process part level kind sort way ways type time
times point reason reasons data change changes future next keep help helped helps fit
communication communicate organised organized calm focused pressure attitude positive
"""))


def concreteness(text: str) -> float:
    """The share of an answer's longer content words that are not abstract filler: a rough
    measure of how much it says that could be checked."""
    words = [w for w in content_words(text) if len(w) > 3]
    if not words:
        return 0.0
    return sum(1 for w in words if stem(w) not in GENERIC) / len(words)


_CREDENTIAL = re.compile(
    r"\bi(?:'ve| have)? been an? [\w ]{2,30}? for\b|\bi have (?:a|an|my) (?:master'?s|degree|phd|mba|[\w ]{2,20}"
    r"certification)\b|\bi'?m (?:also )?(?:an? )?(?:trained|certified|qualified)\b|\bi studied\b|"
    r"\bi'?m an? [\w ]{2,30}? with [\w ]{2,12} years\b|\byears of experience\b|\bi'?ve worked with\b|"
    r"\bi'?m (?:really )?(?:strong|comfortable|good) (?:at|with)\b|\bi use [\w ]+ every day\b|"
    r"\bi did a course\b|\bi'?ve (?:also )?done some\b|\bi'?ve managed [\w ]{2,30}? (?:for|teams|crews)\b|"
    r"\bi started at\b|\bbefore that i was\b", re.IGNORECASE)


def credential_share(text: str, spans: Sequence[Span]) -> float:
    """The share of sentences that recite the CV ('I've been a X for four years', 'I studied
    economics'): a sign the answer answers 'tell me about yourself' whatever was asked."""
    if not spans:
        return 0.0
    return sum(1 for s in spans if _CREDENTIAL.search(text, s.start, s.end)) / len(spans)
