"""Deterministic, explainable feedback on interview answers.

Every score comes from things we can point at in the answer (a filler word, a missing result,
a number), so the report can always say *why*. No model, no randomness: the same answer gets
the same feedback.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

WORDS_PER_MINUTE = 140
DEFAULT_LENGTH = (90, 320)
DIMENSIONS: dict[str, str] = {
    "structure": "Structure (STAR)",
    "specificity": "Specific evidence",
    "concision": "Concision",
    "confidence": "Confidence and ownership",
    "alignment": "Company alignment",
    "questions": "Your questions for them",
}
ANSWER_DIMENSIONS = ("structure", "specificity", "concision", "confidence", "alignment")

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")

FILLERS = ("um", "umm", "uh", "uhh", "er", "erm", "like", "you know", "basically", "sort of",
           "kind of", "actually", "literally", "i mean", "so yeah", "anyway", "right?", "honestly")
# "like" only counts as filler when it is not a verb or comparison ("I'd like", "looks like").
_FILLER_PATTERNS = {
    "like": re.compile(r"(?<!\bi'd )(?<!\bi’d )(?<!\bwould )(?<!\blooks )(?<!\bfeel )(?<!\bfelt )(?<!\bfeels )"
                       r"(?<!\bseems )(?<!\bsounds )(?<!\blook )(?<!\bwe’d )(?<!\bthey’d )"
                       r"(?<!\bsomething )(?<!\bjust )(?<!\bwe'd )(?<!\bthey'd )\blike\b(?!\s+to\b)",
                       re.IGNORECASE),
}
HEDGES = ("i think maybe", "i guess", "i'm not sure", "im not sure", "i am not sure", "probably",
          "hopefully", "kind of", "sort of", "i might", "maybe", "perhaps", "i suppose",
          "i feel like", "not really", "a little bit", "somewhat", "i'd say", "i would say",
          "more or less", "i tried to", "just helped", "i believe", "i hope", "i don't know",
          "not sure")
_HEDGE_PATTERNS = [re.compile(r"\b" + re.escape(h) + r"\b", re.IGNORECASE) for h in HEDGES]
_FILLER_RES = {f: _FILLER_PATTERNS.get(f) or re.compile(r"\b" + re.escape(f).replace(r"\?", r"\?")
               + (r"\b" if f[-1].isalnum() else ""), re.IGNORECASE) for f in FILLERS}

_STAR_CUES: dict[str, tuple[str, ...]] = {
    "situation": (
        r"\bwhen i was\b", r"\bat my (?:previous|last|current|old|first)\b", r"\bin my (?:last|previous|current|first) (?:role|job|team|company|position)\b",
        r"\blast (?:year|quarter|spring|summer|autumn|fall|winter|month)\b", r"\bin (?:19|20)\d\d\b",
        r"\bwe had\b", r"\bthere was\b", r"\bthe situation\b", r"\bcontext\b", r"\bbackground\b",
        r"\bwhile (?:i was )?working\b", r"\bduring\b", r"\bat the time\b", r"\bbefore i joined\b",
        r"\bwe were\b", r"\bour team was\b", r"\bthe team was\b", r"\bi was working\b", r"\bi joined\b",
        r"\bone (?:time|example)\b", r"\bfor example\b", r"\bfor instance\b", r"\bproblem was\b",
        r"\bwas (?:failing|struggling|losing|behind|late|broken|stuck)\b",
    ),
    "task": (
        r"\bmy (?:task|job|goal|role|responsibility|brief|mandate)\b", r"\bi was (?:responsible|asked|tasked|in charge|given)\b",
        r"\bi needed to\b", r"\bi had to\b", r"\b(?:the|our) (?:goal|aim|objective|target|challenge) was\b",
        r"\basked me to\b", r"\bresponsible for\b", r"\bi owned\b", r"\bwe needed to\b", r"\bhad to (?:get|find|fix|deliver|decide|ship)\b",
        r"\bso that we could\b", r"\bin order to\b", r"\bthe deadline\b",
    ),
    "action": (
        r"\bi (?:decided|built|led|organi[sz]ed|set up|created|proposed|wrote|designed|ran|started|"
        r"introduced|negotiated|analy[sz]ed|rebuilt|rewrote|called|met|interviewed|mapped|tested|"
        r"prototyped|automated|drafted|pitched|scheduled|coached|trained|split|prioriti[sz]ed|"
        r"reached out|went|worked with|spoke|talked|asked|gathered|pulled|shipped|launched|"
        r"migrated|presented|escalated|documented|reviewed|refactored|investigated|"
        r"identified|measured|changed|moved|added|removed|replaced|paired|facilitated|sat down)\b",
        r"\bso i\b", r"\bfirst,? i\b", r"\bthen i\b", r"\bnext,? i\b", r"\bmy approach\b",
        r"\bi took\b", r"\bi made\b", r"\bi got\b",
    ),
    "result": (
        r"\bas a result\b", r"\bthe result\b", r"\bresult(?:ed|s)?\b", r"\boutcome\b", r"\bwhich meant\b",
        r"\bled to\b", r"\b(?:reduced|increased|improved|saved|grew|cut|raised|lowered|doubled|tripled|halved|boosted|dropped|fell|rose)\b",
        r"\bin the end\b", r"\bended up\b", r"\bby the end\b", r"\bafterwards\b", r"\bsince then\b",
        r"\bi learned\b", r"\blesson\b", r"\bwe (?:hit|met|beat|exceeded|delivered|shipped|launched|won|closed|signed|kept)\b",
        r"\b(?:hit|met|beat|exceeded) (?:the|our) (?:target|goal|deadline)\b", r"\bon time\b", r"\bwent from\b",
    ),
}
_STAR_RES = {part: [re.compile(c, re.IGNORECASE) for c in cues] for part, cues in _STAR_CUES.items()}

_SPECIFIC_PATTERNS: dict[str, re.Pattern[str]] = {
    "percentage": re.compile(r"(?<![0-9.,])\d+(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b|pp\b|points\b)",
                             re.IGNORECASE),
    "money": re.compile(r"(?:[$€£¥₹]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?\b|"
                        r"\b\d[\d,.]*\s?(?:k|m|bn)?\s?(?:dollars|euros|pounds|usd|eur|gbp)\b)",
                        re.IGNORECASE),
    "time frame": re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
                             r"a few|several)\s(?:minutes?|hours?|days?|weeks?|months?|quarters?|"
                             r"years?|sprints?)\b|\b(?:q[1-4]|h[12])\b|\b(?:19|20)\d\d\b",
                             re.IGNORECASE),
    "number": re.compile(r"(?<![0-9.,])\d+(?:[.,]\d+)*(?:x|k|m)?(?![0-9])", re.IGNORECASE),
}
_TOOLISH = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}[a-z]*|[A-Z][a-z]+(?:\.js|SQL|DB))\b")
_VAGUE = re.compile(r"\b(?:a lot|lots of|things|stuff|various|some stuff|a bunch|etc|many things|"
                    r"everything|somehow|pretty good|really well|quite a bit|and so on)\b",
                    re.IGNORECASE)
_I = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b", re.IGNORECASE)
_WE = re.compile(r"\b(?:we|we're|we've|we'd|we'll|us|our|ours|ourselves)\b", re.IGNORECASE)
_CONNECT = re.compile(r"\b(?:your (?:team|mission|customers|product|users|values|culture|company|"
                      r"roadmap|strategy)|this role|the role|here at|join(?:ing)? you|your "
                      r"announcement|you recently|you launched|you're building)\b", re.IGNORECASE)
_ENGLISH_HINTS = re.compile(r"\b(?:the|and|to|of|a|in|i|was|it|that|is|for|on|with|we)\b",
                            re.IGNORECASE)


@dataclass(slots=True)
class Finding:
    """One observation behind a score, in words a candidate understands."""

    dimension: str
    kind: str  # "good" or "fix"
    message: str


@dataclass(slots=True)
class AnswerAnalysis:
    words: int
    speaking_seconds: int
    sentences: int
    fillers: dict[str, int]
    filler_per_100: float
    hedges: list[str]
    star: dict[str, bool]
    specifics: list[str]
    vague_phrases: list[str]
    i_count: int
    we_count: int
    mentions_company: bool
    values_mentioned: list[str]
    length_range: tuple[int, int]
    length_verdict: str  # short | ok | long | empty
    mostly_english: bool
    scores: dict[str, float]
    findings: list[Finding] = field(default_factory=list)

    @property
    def has_result(self) -> bool:
        return self.star["result"]

    @property
    def has_numbers(self) -> bool:
        return any(not s.startswith("name:") for s in self.specifics)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(patterns: Iterable[re.Pattern[str]], text: str) -> int:
    return sum(len(p.findall(text)) for p in patterns)


def _clamp(value: float) -> float:
    return round(max(0.0, min(1.0, value)), 3)


def analyze_answer(
    answer: str,
    *,
    question: str = "",
    company: str = "",
    values: Sequence[str] = (),
    length: tuple[int, int] | None = None,
) -> AnswerAnalysis:
    """Analyse one answer. `scores` maps each of structure, specificity, concision, confidence
    and alignment to 0..1 (higher is better); `findings` explains them."""
    text = answer or ""
    lowered = text.lower()
    words = _WORD.findall(text)
    n = len(words)
    low, high = length or DEFAULT_LENGTH
    sentences = len([s for s in _SENTENCE.split(text.strip()) if _WORD.search(s)]) if n else 0
    per100 = 100 / n if n else 0.0

    fillers = Counter()
    for filler, pattern in _FILLER_RES.items():
        hits = len(pattern.findall(text))
        if hits:
            fillers[filler] = hits
    filler_total = sum(fillers.values())
    hedges = [h for h, p in zip(HEDGES, _HEDGE_PATTERNS, strict=True) for _ in p.findall(text)]
    star = {part: any(r.search(text) for r in res) for part, res in _STAR_RES.items()}
    specifics: list[str] = []
    consumed = text
    for label, pattern in _SPECIFIC_PATTERNS.items():
        for match in pattern.finditer(consumed):
            specifics.append(f"{label}: {match.group(0).strip()}")
        consumed = pattern.sub(" ", consumed)
    names = {m.group(0) for m in _TOOLISH.finditer(text)}
    if company:
        names.discard(company)
    specifics.extend(f"name: {name}" for name in sorted(names)[:8])
    vague = [m.group(0).lower() for m in _VAGUE.finditer(text)]
    i_count = len(_I.findall(text))
    we_count = len(_WE.findall(text))
    mentions_company = bool(company) and company.lower() in lowered
    values_mentioned = [v for v in values
                        if v and re.search(r"\b" + re.escape(v.lower()) + r"(?:s|ed|ing)?\b", lowered)]
    letters = sum(ch.isalpha() for ch in text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    other_script = bool(letters) and latin / letters < 0.5  # Japanese, Arabic, Cyrillic...
    english = not other_script and (n < 12 or len(_ENGLISH_HINTS.findall(text)) >= n // 12)

    if n == 0:
        verdict = "empty"
    elif n < low:
        verdict = "short"
    elif n > high:
        verdict = "long"
    else:
        verdict = "ok"

    # --- scores -------------------------------------------------------------------------
    structure = (0.2 * star["situation"] + 0.15 * star["task"] + 0.3 * star["action"]
                 + 0.35 * star["result"])
    if sentences >= 3:
        structure += 0.05
    if n < 25:
        structure = min(structure, 0.3)

    numeric = sum(1 for s in specifics if not s.startswith("name:"))
    named = len(specifics) - numeric
    evidence = numeric + 0.5 * min(named, 4)
    specificity = 1 - math.exp(-evidence / 2.0)
    specificity -= 0.08 * len(vague)
    if n < 15:
        specificity = min(specificity, 0.3)

    if verdict == "empty":
        fit = 0.0
    elif verdict == "short":
        fit = (n / low) ** 1.2
    elif verdict == "long":
        fit = max(0.0, 1 - (n - high) / (high * 1.2))
    else:
        fit = 1.0
    concision = fit - 0.06 * filler_total * per100

    hedge_rate = len(hedges) * per100
    confidence = 1.0 - 0.12 * hedge_rate - 0.04 * filler_total * per100
    if we_count > 2 and we_count > 2 * max(i_count, 1):
        confidence -= 0.2
    if star["action"]:
        confidence += 0.05
    if n == 0:
        confidence = 0.0

    connects = len(_CONNECT.findall(text))
    if values:
        wanted = min(2, len(values))
        alignment = (0.4 * mentions_company + 0.45 * min(1.0, len(values_mentioned) / wanted)
                     + 0.15 * min(1, connects))
        if not company:
            alignment += 0.4 * min(1.0, len(values_mentioned) / wanted)
    else:
        alignment = (0.7 * mentions_company if company else 0.35 * min(2, connects)) \
            + 0.3 * min(1, connects)
    if n == 0:
        alignment = 0.0

    scores = {
        "structure": _clamp(structure),
        "specificity": _clamp(specificity),
        "concision": _clamp(concision),
        "confidence": _clamp(confidence),
        "alignment": _clamp(alignment),
    }
    analysis = AnswerAnalysis(
        words=n, speaking_seconds=round(n / WORDS_PER_MINUTE * 60), sentences=sentences,
        fillers=dict(fillers), filler_per_100=round(filler_total * per100, 1),
        hedges=hedges, star=star, specifics=specifics, vague_phrases=vague,
        i_count=i_count, we_count=we_count, mentions_company=mentions_company,
        values_mentioned=values_mentioned, length_range=(low, high), length_verdict=verdict,
        mostly_english=english, scores=scores,
    )
    analysis.findings = _findings(analysis, company=company, values=values)
    return analysis


def _findings(a: AnswerAnalysis, *, company: str, values: Sequence[str]) -> list[Finding]:
    out: list[Finding] = []
    if a.length_verdict == "empty":
        return [Finding("concision", "fix", "No answer was given.")]
    if not a.mostly_english:
        out.append(Finding("structure", "fix", "This looks like it is not in English; the "
                           "structure and hedging checks only understand English, so treat "
                           "those scores as rough."))
    missing = [p for p, present in a.star.items() if not present]
    if not missing:
        out.append(Finding("structure", "good", "Covers situation, task, action and result."))
    else:
        out.append(Finding("structure", "fix", "Missing from the STAR shape: "
                           + ", ".join(missing) + "."))
    if a.specifics:
        shown = ", ".join(list(dict.fromkeys(s.split(": ", 1)[1] for s in a.specifics))[:4])
        out.append(Finding("specificity", "good", f"Concrete details: {shown}."))
    else:
        out.append(Finding("specificity", "fix", "No figures, time frames or named tools."))
    if a.vague_phrases:
        out.append(Finding("specificity", "fix", "Vague phrases: "
                           + ", ".join(sorted(set(a.vague_phrases))) + "."))
    low, high = a.length_range
    if a.length_verdict == "short":
        out.append(Finding("concision", "fix", f"{a.words} word{'s' if a.words != 1 else ''}; "
                           f"aim for {low}-{high}."))
    elif a.length_verdict == "long":
        out.append(Finding("concision", "fix", f"{a.words} words (about "
                           f"{a.speaking_seconds // 60} min {a.speaking_seconds % 60}s spoken); "
                           f"aim for {low}-{high}."))
    else:
        out.append(Finding("concision", "good", f"{a.words} words, within {low}-{high}."))
    if a.fillers:
        top = ", ".join(f"'{w}' x{c}" for w, c in Counter(a.fillers).most_common(3))
        out.append(Finding("concision", "fix", f"Filler words ({a.filler_per_100} per 100 "
                           f"words): {top}."))
    if a.hedges:
        out.append(Finding("confidence", "fix", "Hedging: " + ", ".join(
            f"'{h}'" for h in dict.fromkeys(a.hedges)) + "."))
    if a.we_count > 2 and a.we_count > 2 * max(a.i_count, 1):
        out.append(Finding("confidence", "fix", f"'we' {a.we_count} times against 'I' "
                           f"{a.i_count}: say what you did yourself."))
    elif a.i_count and not a.hedges:
        out.append(Finding("confidence", "good", "Clear ownership and no hedging."))
    if company and a.mentions_company:
        out.append(Finding("alignment", "good", f"Mentions {company}."))
    if a.values_mentioned:
        out.append(Finding("alignment", "good", "Connects to their values: "
                           + ", ".join(a.values_mentioned) + "."))
    elif values:
        out.append(Finding("alignment", "fix", "Does not connect to their stated values ("
                           + ", ".join(values) + ")."))
    return out


# --- answer signals for scripts -------------------------------------------------------

def answer_signals(text: str, *, company: str = "", values: Sequence[str] = (),
                   length: tuple[int, int] | None = None, skipped: bool = False
                   ) -> dict[str, Any]:
    """What a script may test about an answer (see prompts/interviews/README.md)."""
    a = analyze_answer(text, company=company, values=values, length=length)
    first = _SENTENCE.split(text.strip())[0] if text.strip() else ""
    return {
        "text": text,
        "words": a.words,
        "skipped": skipped,
        "has_example": a.star["situation"] or a.star["action"],
        "has_result": a.star["result"],
        "has_numbers": a.has_numbers,
        "mentions_company": a.mentions_company,
        "mentions_values": bool(a.values_mentioned),
        "says_we_more_than_i": a.we_count > a.i_count,
        "key_point": _short_quote(first),
        "is_short": a.length_verdict in {"short", "empty"},
    }


def _short_quote(sentence: str, limit: int = 100) -> str:
    sentence = " ".join(sentence.split())
    if len(sentence) <= limit:
        return sentence.rstrip(".")
    cut = sentence[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


# --- the interview report --------------------------------------------------------------

_QUESTION_TOPICS = {
    "the team": ("team", "colleague", "manager", "report to", "work with"),
    "success in the role": ("success", "first 90", "first three months", "expect", "measure",
                            "look like", "goals"),
    "culture": ("culture", "values", "environment", "remote", "hybrid", "feedback"),
    "growth": ("growth", "learn", "develop", "career", "progress", "training", "mentor"),
    "next steps": ("next step", "timeline", "hear back", "decision", "process"),
    "the company's direction": ("strategy", "roadmap", "plan", "direction", "challenge",
                                "competitor", "market", "launch"),
}


def analyze_candidate_questions(text: str) -> dict[str, Any]:
    """Score the questions a candidate asked at the end: how many, and how wide."""
    asked = [q.strip() for q in re.findall(r"[^?\n]*\?", text) if _WORD.search(q)]
    lowered = text.lower()
    topics = [t for t, cues in _QUESTION_TOPICS.items() if any(c in lowered for c in cues)]
    score = _clamp(0.6 * min(1.0, len(asked) / 3) + 0.4 * min(1.0, len(topics) / 3))
    return {"count": len(asked), "questions": asked[:10], "topics": topics, "score": score}


@dataclass(slots=True)
class ScoredAnswer:
    """One answered (or skipped) question as the report sees it: the main answer and its
    probes combined."""

    question_id: str
    number: int
    category: str
    question_text: str
    text: str
    skipped: bool
    seconds: int | None
    length: tuple[int, int]
    analysis: AnswerAnalysis | None


_SUGGESTIONS = {
    "structure": "Retell it as situation (one line), task, two or three things you did, then "
                 "the result. Lead with the headline so the listener knows where you are going.",
    "specificity": "Add one number (a percentage, an amount, a time saved) and name the tool, "
                   "customer or deliverable. 'Cut report time from 3 days to 4 hours' beats "
                   "'made reports much faster'.",
    "concision": "Aim for the suggested length: open with your answer in one sentence, give the "
                 "two details that prove it, stop. Pause silently where you would say a filler.",
    "confidence": "Swap hedges for plain statements ('I decided', 'I led') and say which part "
                  "was yours when the work was a team effort.",
    "alignment": "Close the answer by linking it to the company: name one of its values or a "
                 "recent project and say how this experience would carry over.",
}


def build_report(
    scored: Sequence[ScoredAnswer],
    *,
    company: str = "",
    values: Sequence[str] = (),
) -> dict[str, Any]:
    """Aggregate per-answer analyses into an interview report (plain data for templates)."""
    answered = [s for s in scored if not s.skipped and s.analysis and s.analysis.words
                and s.category not in {"candidate_questions"}]
    weightable = [s for s in answered if s.category not in {"opening", "closing"}] or answered
    dims: dict[str, float | None] = {}
    for dim in ANSWER_DIMENSIONS:
        values_ = [s.analysis.scores[dim] for s in weightable if s.analysis]
        if dim == "alignment":
            # Alignment matters most where the question invites it; average the better half.
            values_ = sorted(values_, reverse=True)[: max(1, math.ceil(len(values_) / 2))]
        dims[dim] = round(sum(values_) / len(values_), 2) if values_ else None
    cq = [s for s in scored if s.category == "candidate_questions"]
    questions_info = None
    if cq:
        joined = "\n".join(s.text for s in cq if not s.skipped)
        questions_info = analyze_candidate_questions(joined)
        dims["questions"] = questions_info["score"]
    else:
        dims["questions"] = None
    overall_parts = [v for v in dims.values() if v is not None]
    overall = round(sum(overall_parts) / len(overall_parts), 2) if overall_parts else 0.0

    strengths: list[dict[str, Any]] = []
    for dim, value in sorted(dims.items(), key=lambda kv: -(kv[1] or 0)):
        if value is not None and value >= 0.7:
            best = max(weightable, key=lambda s: s.analysis.scores.get(dim, 0) if s.analysis
                       else 0, default=None) if dim in ANSWER_DIMENSIONS else None
            strengths.append({
                "dimension": dim, "label": DIMENSIONS[dim], "score": value,
                "question_number": best.number if best else None,
                "example": _strength_example(best, dim) if best else
                ("You asked about " + ", ".join(questions_info["topics"]) + "."
                 if questions_info and questions_info["topics"] else ""),
            })
    improvements = _improvements(weightable, questions_info, cq, company=company, values=values)
    skipped = [s.number for s in scored if s.skipped]
    total_words = sum(s.analysis.words for s in scored if s.analysis)
    total_fillers = sum(sum(s.analysis.fillers.values()) for s in scored if s.analysis)
    return {
        "complete": True,
        "overall": overall,
        "dimensions": [{"key": k, "label": DIMENSIONS[k], "score": v} for k, v in dims.items()],
        "strengths": strengths[:3],
        "improvements": improvements,
        "answered": len([s for s in scored if not s.skipped]),
        "skipped": skipped,
        "total": len(scored),
        "total_words": total_words,
        "speaking_minutes": round(total_words / WORDS_PER_MINUTE, 1),
        "filler_per_100": round(total_fillers * 100 / total_words, 1) if total_words else 0.0,
        "candidate_questions": questions_info,
        "weakest_questions": [s.question_id for s in sorted(
            weightable, key=lambda s: sum(s.analysis.scores.values()) if s.analysis else 0)][:2],
    }


def _strength_example(s: ScoredAnswer, dim: str) -> str:
    assert s.analysis is not None
    good = [f.message for f in s.analysis.findings if f.dimension == dim and f.kind == "good"]
    return (good[0] if good else "")


def _improvements(
    answered: Sequence[ScoredAnswer], questions_info: Mapping[str, Any] | None,
    cq: Sequence[ScoredAnswer], *, company: str, values: Sequence[str],
) -> list[dict[str, Any]]:
    """The three most valuable things to work on: the biggest gaps, each tied to a question,
    preferring three different dimensions."""
    candidates: list[tuple[float, str, ScoredAnswer | None, str]] = []
    weights = {"structure": 1.0, "specificity": 1.0, "concision": 0.8, "confidence": 0.8,
               "alignment": 0.7}
    for s in answered:
        if s.analysis is None:
            continue
        for dim, weight in weights.items():
            gap = (1 - s.analysis.scores[dim]) * weight
            if gap >= 0.25:
                candidates.append((gap, dim, s, _specific_suggestion(s, dim, company, values)))
    if questions_info is not None and questions_info["score"] < 0.7:
        gap = 1 - questions_info["score"]
        where = cq[0] if cq else None
        candidates.append((gap, "questions", where,
                           "Bring three questions that show you have thought about the job: how "
                           "success is measured in the first months, how the team works, and "
                           "what happens next in the process."))
    candidates.sort(key=lambda c: -c[0])
    chosen: list[dict[str, Any]] = []
    used_dims: set[str] = set()
    used_questions: set[str] = set()
    for gap, dim, s, suggestion in candidates:
        if dim in used_dims or (s and s.question_id in used_questions):
            continue
        chosen.append({
            "dimension": dim, "label": DIMENSIONS[dim], "gap": round(gap, 2),
            "question_number": s.number if s else None,
            "question_id": s.question_id if s else None,
            "question": s.question_text if s else "",
            "suggestion": suggestion,
        })
        used_dims.add(dim)
        if s:
            used_questions.add(s.question_id)
        if len(chosen) == 3:
            break
    return chosen


def _specific_suggestion(s: ScoredAnswer, dim: str, company: str, values: Sequence[str]) -> str:
    a = s.analysis
    assert a is not None
    if dim == "structure":
        missing = [p for p, ok in a.star.items() if not ok]
        if missing == ["result"] or "result" in missing:
            return ("Finish with the result: what changed because of what you did, and how you "
                    "know. One sentence with a before and after is enough.")
        if missing:
            return f"Add the missing {' and '.join(missing)}. " + _SUGGESTIONS["structure"]
    if dim == "concision":
        low, high = a.length_range
        if a.length_verdict == "long":
            return (f"You used {a.words} words; cut to about {high}. Lead with the headline, keep "
                    "the two strongest details, drop the background the interviewer does not need.")
        if a.length_verdict in {"short", "empty"}:
            return (f"You used {a.words} words; give it at least {low}. Add one concrete example "
                    "of you doing this, with the outcome.")
        if a.fillers:
            word, count = Counter(a.fillers).most_common(1)[0]
            return (f"You said '{word}' {count} times. Practise the answer aloud and replace "
                    "each one with a short pause.")
    if dim == "confidence" and a.hedges:
        hedge = a.hedges[0]
        return (f"Drop '{hedge}' and similar hedges: state what you did and what happened. If "
                "you are unsure of a detail, say what you would check.")
    if dim == "confidence" and a.we_count > a.i_count:
        return ("Say 'I' for the parts that were yours: what did you decide, build or persuade "
                "people to do? Credit the team once, then own your part.")
    if dim == "alignment":
        value = next((v for v in values if v not in a.values_mentioned), None)
        target = f"{company}'s value '{value}'" if company and value else (
            f"what {company} is doing now" if company else "the company's mission")
        return (f"Link the answer to {target}: one sentence on how this experience would help "
                "there.")
    if dim == "specificity" and a.vague_phrases:
        return (f"Replace '{a.vague_phrases[0]}' with the real figure or name. "
                + _SUGGESTIONS["specificity"])
    return _SUGGESTIONS[dim]
