"""Deterministic, explainable feedback on interview answers, and the interview report.

Every answer is judged by the rubric of its kind of question (`bot.core.rubrics`): a story
needs situation, action and result, a salary answer needs a range and its basis, a weakness
needs a real weakness and what was done about it. The signals behind each score come from
`bot.core.signals` and carry the words that triggered them, so a report can always quote
*why*. No model, no randomness, no network: the same answer gets the same feedback.

Public contract (tools outside the package call it):
`analyze_answer(answer, *, question, company="", values=(), category=None, role="")` returns
an `AnswerAnalysis` with `.scores` (structure, specificity, concision, confidence, alignment,
relevance, composure; each 0..1), `.overall` (0..1, this answer's quality by its rubric) and
`.findings`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from bot.core import signals as sig
from bot.core.classifier import classify_question
from bot.core.rubrics import DIMENSION_KEYS, RUBRICS, Rubric, rubric_for
from bot.core.text import spoken_time

WORDS_PER_MINUTE = 140
DIMENSIONS: dict[str, str] = {
    "structure": "Structure",
    "specificity": "Specific evidence",
    "concision": "Concision",
    "confidence": "Confidence and ownership",
    "alignment": "Company alignment",
    "relevance": "Answering the question",
    "composure": "Professional tone",
    "questions": "Your questions for them",
}
ANSWER_DIMENSIONS = DIMENSION_KEYS
WELL_OVER = 1.5  # an answer this many times the top of its suggested length is always told it is long
STRONG_ANSWER = 0.7  # an answer at or above this needs no "work on" item
_SIGNIFICANT_WEIGHT = 0.05  # a dimension counts in the report where its rubric weighs it at least this

# --- cues for the shapes the rubrics ask for ------------------------------------------------

def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_PRESENT = _re(r"\b(?:i'm|i am) (?:a|an|the|currently|now)\b|\bcurrently\b|\bright now\b|\bat the moment\b|"
               r"\bi (?:work|lead|run|manage|own|handle) (?:as|at|for|the|a|an|our)\b|\bi've been (?:a|an|working)\b|"
               r"\b(?:i'm|i am) (?:working|leading|running)\b")
_PAST = _re(r"\bbefore that\b|\bpreviously\b|\bstarted (?:out|my career)\b|\bi (?:spent|began|moved|started|joined)\b|"
            r"\bover (?:the )?(?:last )?\w+ years\b|\byears ago\b|\bi(?:'ve)? (?:was|were) (?:a|an)\b|\bfor \w+ years\b")
_FUTURE = _re(r"\blooking (?:for|to)\b|\bi want to\b|\bi'd like to\b|\bready (?:for|to)\b|\bnext step\b|"
              r"\b(?:that's|which is) (?:why|what)\b|\bthis (?:role|job|one)\b|\bthe \w+ role\b|\bdrew me\b|"
              r"\bappeals?\b|\bi applied\b|\bnext\b|\bhere\b")
_LIFE_STORY = _re(r"\bi was born\b|\bborn in\b|\bgrew up\b|\bas a (?:kid|child)\b|\bchildhood\b|\bhigh school\b|"
                  r"\bprimary school\b|\bmy parents\b|\bmy (?:older |younger )?(?:brothers?|sisters?)\b|\bmy hobbies\b|"
                  r"\btravell?ed around\b|\bwhen i was young\b|\bwhen i was (?:sixteen|seventeen|\d\d)\b|"
                  r"\bmy first job was\b|\bduring college\b|\bat uni\b")
_REFLECT_POINT = _re(r"\bthe (?:question|answer|example|story) (?:about|on)\b|\b(?:recruiter|interviewer|they|she|he|\w+) "
                     r"(?:told me|said|mentioned|described)\b|\bfeedback (?:was|that)\b|\bi (?:described|gave|said)\b|"
                     r"^\s*yes,? (?:the|thank)\b|\bi hadn't (?:appreciated|realised|realized|known)\b|\bthat the\b|"
                     r"\bi gave a\b")
_REFLECT_CHANGE = _re(r"\bwhat i'd say now\b|\bi'd say\b|\bnow i\b|\binstead\b|\bsince then\b|\bso i\b|"
                      r"\bi've (?:since|prepared|been|done|redone|worked)\b|\ba better (?:example|answer)\b|"
                      r"\bi went back\b|\bmade the role\b|\bmore appealing\b|\bi hadn't (?:appreciated|realised|realized)\b")
_REASON = _re(r"\bbecause\b|\bwhich is why\b|\bthat's why\b|\bthe reason\b|\bwhich means\b|\bthat means\b|"
              r"\bso that\b|\bthis means\b|\bwhich is (?:exactly|what|the)\b|\bthat's (?:exactly|the|what)\b|"
              r"\bin return\b|\bmeans (?:pricing|that|a)\b|\bso (?:i|i'd|i'm|if|this|it's)\b|\bsince\b|\bto avoid\b|"
              r",\s*so\b|\bthis role is\b|\bneeds someone\b|\bwhich would be\b|\bthat's where\b|\bwhich is where\b|"
              r"\bwould be my first\b|\bthe kind of\b|\bthat's how\b")
_EXAMPLE = _re(r"\bfor (?:example|instance)\b|\bwhen i\b|\blast (?:year|spring|summer|autumn|winter|month|quarter|week)\b|"
               r"\bat my (?:last|previous|current|first)\b|\bi (?:read|saw|noticed|heard)\b|\baccording to\b|"
               r"\byour (?:\w+ )?(?:report|reviews?|advert|case studies|site|forum|docs)\b|\bonce\b|\bbefore our\b|"
               r"\bi've (?:run|managed|worked|done|used|grown)\b|\bi (?:stayed|told|kept|brought|started)\b")
_WEAKNESS_NAMED = _re(r"\bweakness is\b|\bi (?:used to|tend to|struggle|struggled|find it hard|can be|rush|rushed|avoid|"
                      r"take on too much|say yes)\b|\bi'm not (?:naturally|great|good|very good)\b|\bhard for me\b|"
                      r"\bwere vague\b|\bi've (?:only|used it once)\b|\bonly (?:supported|done it once)\b|"
                      r"\bi'd say i\b|\bshe'd say i\b|\bhe'd say i\b|\bthey'd say i\b|\binstead of delegating\b")
_WEAKNESS_ACTION = _re(r"\bsince (?:then|january|february|march|april|may|june|july|august|september|october|november|"
                       r"december|last \w+)\b|\bso i\b|\bi (?:now|started|joined|asked|booked|block|blocked|tell|use|took|"
                       r"set|give|gave|practis\w*|practic\w*|signed up|redid|am working)\b|\bi'm working\b|\bi've (?:since|started|"
                       r"joined|been|redone|booked|given|asked)\b|\bto fix (?:that|it)\b|\bworking through\b|\bcourse\b|"
                       r"\bmentor\b|\bclub\b")
_PROGRESS = _re(r"\bsince then\b|\bno longer\b|\bhaven't had\b|\bwent from\b|\bdropped\b|\bfell\b|\bimproved\b|"
                r"\btwice\b|\bwithout missing\b|\bprogress\b|\bnow\b|\bhappy to share\b|\bunder half\b")
_FORWARD = _re(r"\bwant to\b|\bi'd like to\b|\blooking for\b|\blooking to\b|\bnext\b|\bready (?:for|to)\b|\bgrow\b|"
               r"\bchance to\b|\bopportunity to\b|\bpull\b|\bwould give me\b|\bto work on\b|\bmove into\b|\bstep up\b|"
               r"\bbigger\b")
_FAIR = _re(r"\blearned\b|\blearnt\b|\bgrateful\b|\benjoyed\b|\bproud\b|\bgood (?:year|team|experience|company)\b|"
            r"\bi like my\b|\bnothing is pushing\b|\bit was a good\b|\bfinished\b|\bended\b|\bcame to an end\b|"
            r"\bcontract\b|\brun well\b|\bi've built\b")
_LINK = _re(r"\bthis (?:role|job|team)\b|\bthe (?:role|job)\b|\byour\b|\bwhich is what\b|\bthat's (?:the|what|exactly)\b|"
            r"\bhere\b|\bthe job you\b|\bcore of\b")
_IDEA = _re(r"\bi'd (?:test|try|suggest|propose|start|cut|look|change|re-?sequence|introduce|add|move|build|call|respond)\b|"
            r"\bi would (?:test|try|suggest|propose|start|change)\b|\bmy idea\b|\bone idea\b|\bstart with\b|\bthe idea\b|"
            r"\bi'd suggest\b")
_GROUNDING = _re(r"\bbecause\b|\bi noticed\b|\bi saw\b|\bi read\b|\byour (?:\w+ ){0,2}(?:report|reviews?|data|site|advert|"
                 r"sales|pickers|newsletter|forecast)\b|\bsays\b|\bmentions?\b|\bsits\b|\basks for\b|\bswing\b|\bdoesn't\b|"
                 r"\bon the tour\b|\balready have\b|\bit asks\b")
_MEASURE = _re(r"\bmeasur\w*|\bmetric\w*|\btest\w*\b|\bpilot\b|\btrial\b|\bcompare\b|\bjudge\b|\bwin if\b|\bsuccess\b|"
               r"\btrack\b|\bknow (?:it|whether|if)\b|\ba/b\b|\bper (?:thousand|hour|day|week)\b|\bover a month\b|"
               r"\bfor (?:two|three|four|\d+) weeks\b|\bthe share\b")
_MONEYISH = r"(?:[$€£]\s?\d[\d,.]*\s?(?:k|m)?|\b\d[\d,.]*\s?k\b|\b\d{2,3},\d{3}\b)"
_RANGE = _re(_MONEYISH + r"\s*(?:to|-|and|or)\s*" + r"(?:[$€£]?\s?\d[\d,.]*\s?(?:k|m)?)|\bbetween\s+" + _MONEYISH)
_SALARY_FIGURE = _re(_MONEYISH)
_BASIS = _re(r"\bbased on\b|\bresearch\w*\b|\blevels\.fyi\b|\bglassdoor\b|\bpayscale\b|\bpave\b|\bmarket (?:data|rate|rates)\b|"
             r"\bsalary survey\b|\bsurvey\b|\bbenchmark\w*\b|\bcomparable\b|\bsimilar (?:\w+ )?roles\b|"
             r"\bwhat (?:similar|other) \w+(?: roles)? pay\b|\brecruiter's guidance\b|\bmy current (?:package|salary|pay)\b|"
             r"\bi currently (?:earn|make)\b|\bbecause i have\b|\bdata for\b|\bmarket data\b")
_OPEN = _re(r"\bflexible\b|\bopen (?:on|to)\b|\bdepending on\b|\bthe (?:whole|full|total) package\b|\bthe split\b|"
            r"\bthe mix\b|\bnegotiable\b|\bfind something that works\b|\bequity\b|\bpension\b|\bbonus\b|\bbenefits?\b|"
            r"\btraining budget\b|\bfour-day\b|\bflexibility\b|\bhome days\b")
_STATUS = _re(r"\bfinal (?:round|stage)\b|\b(?:one|an|two|three|\d) offers?\b|\boffer\b|\bother process\b|\bprocess\b|"
              r"\binterviewing\b|\bno other\b|\belsewhere\b|\bmy contract\b|\bnotice\b|\bmonths?\b|\bweeks?\b")
_TIMELINE = _re(r"\bby the \d+(?:st|nd|rd|th)?\b|\bthe \d+(?:st|nd|rd|th)\b|\bend of (?:next |the )?(?:week|month)\b|"
                r"\bwithin \w+ (?:days|weeks|months)\b|\b(?:one|two|three|four|six|\d+) (?:weeks?|months?)\b|"
                r"\b(?:early|mid|late) (?:january|february|march|april|may|june|july|august|september|october|"
                r"november|december)\b|\bexpires\b|\bby (?:monday|tuesday|wednesday|thursday|friday)\b|\bnext week\b")
_PREFERENCE = _re(r"\bfirst choice\b|\btop of my list\b|\bat the top\b|\bprefer\b|\bi'd rather\b|\bmy preference\b|"
                  r"\bthe one i'd choose\b|\bkeen\b|\bmost excited\b|\bi'd choose\b|\bi want this\b|\bglad to\b|"
                  r"\bhonest\b")
_BLUFF = _re(r"\b(?:loads|lots|plenty|several|multiple|a few) (?:of )?offers\b|\bboth want me\b|\beveryone wants me\b|"
             r"\bmake it worth my while\b|\bmove fast\b|\btalking to lots of places\b|\bdo you need to know\b")
_WARMTH = _re(r"\bthank\w*\b|\bgood to\b|\bglad\b|\bgreat to\b|\bnice to\b|\bpleasure\b|\bgood, thanks\b")
_PURPOSE = _re(r"\bi'd (?:like|love) (?:us )?to (?:\w+ ){0,3}?(?:understand|learn|know|hear|cover|discuss|talk|see|ask|"
               r"come away|get|explore|find out)\b|\bhoping to\b|\bwant to (?:understand|learn|know|hear)\b|"
               r"\bget out of today\b|\bthe most useful\b|\bhighlight\b|\bclearer picture\b|\bshowed me\b")
_POSITIVE = _re(r"\bgood\b|\bgreat\b|\benjoyed\b|\buseful\b|\bhighlight\b|\bwell\b|\bclearer\b")
_INTEREST = _re(r"\bwant (?:this|the) (?:role|job)\b|\bkeen(?:er)?\b|\bexcited\b|\bi'd love to\b|\bi'd like to\b|"
                r"\binterested\b|\blooking forward\b|\bwant to join\b|\bi want this\b|\bwhat i want to do\b")
_THANKS = _re(r"\bthank\w*\b|\benjoyed\b|\bappreciate\w*\b")
_PROOF = _re(r"\bi've (?:already )?(?:done|delivered|managed|run|turned|built|led|rebuilt|cut|grown|won|saved)\b|"
             r"\bi (?:run|turned|cut|delivered|managed|built|led|rebuilt|grew|won|saved)\b")
_FLATTERY = _re(r"\bamazing\b|\bincredible\b|\bthe best\b|\bone of the best\b|\bwell[\s-]known\b|\bdream (?:job|come true)\b|"
                r"\balways wanted to work\b|\bgreat place to work\b|\bgreat reputation\b|\bindustry leader\b|"
                r"\ba leader in\b|\bexciting and innovative\b|\binnovative\b|\blove (?:what you do|everything)\b|"
                r"\bprestigious\b|\bnice company\b|\bgreat company\b|\bbig name\b")
_CONNECT = _re(r"\byour (?:[\w-]+ ){0,2}(?:products?|customers?|users?|team|mission|values?|culture|roadmap|strategy|platform|"
               r"clients?|services?|brand|launch(?:es)?|announcement|app|sites?|stores?|hotels?|routes?|fleet|imprint|"
               r"reviews?|case studies|report|docs|trials|lab|business|book|brief|region|branch|network|channel|data|advert|"
               r"newsletter|subcontractors|regime|growth value|value|methods|games?|maps|studio|claims|work|tiktok)\b|"
               r"\byou(?:'re| are) (?:moving|launching|the only|building|growing)\b|\byou (?:launched|publish|described|said|"
               r"mentioned|already have|use)\b|\banalysts here\b|\bthis (?:role|team|job)\b|\bthe \w+ (?:role|team) at\b|"
               r"\bthe new [\w-]+\b|\byour new\b|\byour (?:move|plans?|expansion|focus|approach|push|shift|investment|"
               r"acquisition|weekly|monthly|annual|recent|own)\b|\b(?:analysts?|team|people|engineers|designers|the \w+) "
               r"here\b|\bhere at\b")
_FLIPPANT = _re(r"\blol\b|\blmao\b|\bwhatever\b|\bmeh\b|\bit's a job\b|\bso what\b|\bwhy,? do you need to know\b|\bbye\b")
_PRESSURE = _re(r"\bmake it worth my while\b|\bmove fast\b|\bi'm better than them\b|\bwalk away\b|\bnot going to beg\b|"
                r"\bif you lowball\b|\bi'll go\b")
_PROFANITY = _re(r"\b(?:shit\w*|crap|damn|fuck\w*|bloody|bullshit)\b")
_PERKS = _re(r"\bholiday\w*\b|\bvacation\b|\bleave early\b|\bpay rise\b|\bdays off\b|\bdress code\b|\bfree lunch\w*\b|"
             r"\bparking\b|\bhow much (?:do|will) i (?:get|earn)\b")
_STOCK_QUESTION = _re(r"\bwhat(?:'s| is) the (?:company )?culture like\b|\bwhat(?:'s| is) a typical day\b|"
                      r"\bopportunities for growth\b|\bwhat do you like about working here\b|\bwhat are the next steps\b|"
                      r"\banything else i should know\b|\bwhat(?:'s| is) the team like\b|\bwhat(?:'s| is) it like\b")
_BUILDS_ON = _re(r"\byou (?:mentioned|said|described|talked about)\b|\bearlier you\b|\byou've said\b")
_ENGLISH_HINTS = _re(r"\b(?:the|and|to|of|a|in|i|was|it|that|is|for|on|with|we|my|you)\b")

_QUESTION_TOPICS = {
    "the team": ("team", "colleague", "manager", "report to", "work with", "trustees"),
    "success in the role": ("success", "first 90", "first three months", "first six months", "first year",
                            "expect", "measure", "look like", "goals", "judge"),
    "culture": ("culture", "values", "environment", "remote", "hybrid", "feedback"),
    "growth": ("growth", "learn", "develop", "career", "progress", "training", "mentor", "supported"),
    "next steps": ("next step", "timeline", "hear back", "decision", "process"),
    "the company's direction": ("strategy", "roadmap", "plan", "direction", "challenge", "competitor",
                                "market", "launch", "moving into", "worries", "headache", "what's next"),
}


# --- the analysis -----------------------------------------------------------------------------

@dataclass(slots=True)
class Finding:
    """One observation behind a score, in words a candidate understands, with the quote that
    triggered it. `cost` is roughly how many points (of 100) it took off this answer's
    overall score; for a strength it is how much it earned."""

    dimension: str
    kind: str  # "good" or "fix"
    message: str
    quote: str = ""
    signal: str = ""
    cost: float = 0.0


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
    category: str = "role_fit"
    overall: float = 0.0
    shape: dict[str, bool] = field(default_factory=dict)  # the rubric's parts, present or not
    own_actions: list[str] = field(default_factory=list)
    we_only: bool = False
    negativity: list[str] = field(default_factory=list)
    cliches: list[str] = field(default_factory=list)  # claims with nothing behind them
    humblebrags: list[str] = field(default_factory=list)
    non_answer: bool = False
    thin: bool = False  # a word or two, far below the suggested length, that does not yet answer
    deflections: list[str] = field(default_factory=list)
    off_question: bool = False
    question_terms: list[str] = field(default_factory=list)  # stems, for matching
    asked_about: list[str] = field(default_factory=list)  # the question's key words as it writes them
    matched_terms: list[str] = field(default_factory=list)
    ignored_numbers: list[str] = field(default_factory=list)
    key_point: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def has_result(self) -> bool:
        return self.star["result"]

    @property
    def has_numbers(self) -> bool:
        return any(not s.startswith("name:") for s in self.specifics)

    @property
    def rubric(self) -> Rubric:
        return rubric_for(self.category)

    def notes(self, limit: int = 3) -> list[dict[str, str]]:
        """The notes that matter most for this answer: what cost it most first, then what
        earned it most, each with its quote."""
        fixes = sorted((f for f in self.findings if f.kind == "fix"), key=lambda f: -f.cost)
        goods = sorted((f for f in self.findings if f.kind == "good" and f.quote), key=lambda f: -f.cost)
        chosen = [f for f in fixes if f.cost >= 1.0][:limit]
        high = self.length_range[1]
        if self.words >= WELL_OVER * high and chosen and not any(f.signal == "too_long" for f in chosen):
            # Far too long is the first thing to fix whatever else costs more: always say it.
            chosen[-1:] = [f for f in fixes if f.signal == "too_long"][:1] or chosen[-1:]
        if len(chosen) < limit:
            chosen += goods[: limit - len(chosen)]
        return [{"kind": f.kind, "dimension": f.dimension, "label": DIMENSIONS.get(f.dimension, f.dimension),
                 "signal": f.signal, "text": f.message, "quote": f.quote} for f in chosen]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnswerAnalysis:
        """The analysis `to_dict` gave (as stored with a finished answer), equal to the original.
        Raises ValueError when the data does not fit this version's fields (stored by another
        version of the analyser), so the caller analyses the answer again instead."""
        names = {f.name for f in fields(cls)}
        if set(data) != names:
            raise ValueError("a stored analysis with other fields than this analyser's")
        values = dict(data)
        try:
            values["findings"] = [Finding(**f) for f in data["findings"]]
            low, high = data["length_range"]
            values["length_range"] = (low, high)
        except (TypeError, ValueError) as error:
            raise ValueError(f"a stored analysis that does not fit: {error}") from error
        return cls(**values)


def _clamp(value: float) -> float:
    return round(max(0.0, min(1.0, value)), 3)


def _pct(value: float) -> float:
    return round(value * 100, 1)


def _first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.search(text)


def _quote_match(text: str, spans: Sequence[sig.Span], m: re.Match[str] | None) -> str:
    return sig.sentence_quote(text, spans, m.start(), m.end()) if m else ""


def _list(items: Sequence[str], limit: int = 3) -> str:
    shown = [f"'{i}'" for i in list(dict.fromkeys(items))[:limit]]
    return ", ".join(shown)


def analyze_answer(
    answer: str,
    *,
    question: str = "",
    company: str = "",
    values: Sequence[str] = (),
    category: str | None = None,
    role: str = "",
    length: tuple[int, int] | None = None,
) -> AnswerAnalysis:
    """Analyse one answer against the rubric of its kind of question.

    `category` is a script category; without one it is inferred from `question`
    (`classify_question`). `length` is the script's suggested band in words; without it the
    rubric's band is used. Pure and deterministic."""
    text = sig.fold(answer or "")
    spans = sig.sentences(text)
    words = sig.WORD.findall(text)
    n = len(words)
    cat = category if category in RUBRICS else classify_question(question)
    rubric = RUBRICS[cat]
    low, high = length or rubric.length
    per100 = 100 / max(n, 25)

    own = sig.ownership(text, spans)
    found = sig.evidence(text, spans, company=company)
    hedge_hits = sig.hedges(text, spans)
    doubt = sig.self_doubt(text, spans)
    filler_counts = sig.fillers(text)
    filler_total = sum(filler_counts.values())
    vague_hits = sig.vague(text, spans)
    claims = sig.cliches(text, spans, own, found)
    unbacked = [c for c in claims if not c.backed]
    brags = sig.humblebrags(text, spans) if cat == "weakness" else []
    negative = sig.negativity(text, spans)
    deflect = sig.deflection(text, spans)
    non_answer = n == 0 or deflect.is_non_answer
    star = sig.star(text, own)
    lowered = text.lower()
    mentions_company = bool(company) and company.lower() in lowered
    values_mentioned = [v for v in values if v and _value_mentioned(v, lowered)]
    letters = sum(ch.isalpha() for ch in text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    other_script = bool(letters) and latin / letters < 0.5
    english = not other_script and (n < 12 or len(_ENGLISH_HINTS.findall(text)) >= n // 12)
    flattery = list(_FLATTERY.finditer(text))
    flattering = {sig.sentence_at(spans, m.start()).start for m in flattery}
    connections = [m for m in _CONNECT.finditer(text) if sig.sentence_at(spans, m.start()).start not in flattering]
    concrete = sig.concreteness(text)
    credentials = sig.credential_share(text, spans)
    questions_info = analyze_candidate_questions(text) if cat == "candidate_questions" else None

    # --- structure: the shape this rubric asks for -----------------------------------------
    # A word or two far below the suggested length ('Yes.', 'Maybe') is not credited with a
    # direct point just for being short, and is told it does not answer yet.
    few_words = 0 < n < max(4, low / 5)
    shape, structure = _shape(rubric, text, spans, star=star, own=own, found=found, deflect=deflect,
                              brags=brags, negative=negative, questions_info=questions_info,
                              question=question, company=company, connections=bool(connections),
                              few_words=few_words)
    if n == 0:
        structure = 0.0
    thin = few_words and not non_answer and (structure < 0.6 or n < 5)
    if thin and "point" in shape:
        shape["point"] = False  # a word or two is not yet a direct answer, whatever it says

    # --- specificity ------------------------------------------------------------------------
    if questions_info is not None:
        asked = max(1, questions_info["count"])
        specific = questions_info["count"] - questions_info["generic"] - questions_info["perks"]
        specificity = (0.75 * min(1.0, max(0, specific) / min(asked, 2)) + 0.25 * questions_info["builds_on"]
                       + 0.15 * min(2, len(found.names)) / 2)
    else:
        strength = found.strength + (0.4 if _EXAMPLE.search(text) else 0.0) + 0.2 * min(len(own.actions), 3)
        if rubric.needs_company:
            strength += 0.35 * min(3, len(connections))
        strength += 2.0 * max(0.0, concrete - 0.45)
        specificity = 1 - math.exp(-strength / 1.4)
    vague_cost = min(0.35, 0.07 * len(vague_hits))
    cliche_cost = min(0.45, 0.15 * len(unbacked))
    flattery_unbacked = bool(flattery) and (len(flattery) >= 2 or not (connections or found.has_figures))
    flattery_cost = 0.15 if flattery_unbacked else 0.0
    specificity -= vague_cost + cliche_cost + flattery_cost
    if n < 6:
        specificity *= n / 6

    # --- concision: a soft band --------------------------------------------------------------
    complete = structure >= 0.6 and not non_answer
    if n == 0:
        concision, verdict = 0.0, "empty"
    elif n > high:
        verdict = "long"
        concision = max(0.0, 1 - 0.75 * (n - high) / high)
    elif n < low:
        verdict = "short"
        concision = 1.0 if complete else 0.55 + 0.45 * n / low
    else:
        verdict, concision = "ok", 1.0
    filler_cost = 0.05 * filler_total * per100
    longest = max((len(sig.WORD.findall(text[s.start:s.end])) for s in spans), default=0)
    runon_cost = 0.15 if longest > 70 else 0.0
    if questions_info is not None and questions_info["preamble_words"] > 40:
        runon_cost = max(runon_cost, 0.3)
    concision -= filler_cost + runon_cost

    # --- confidence ----------------------------------------------------------------------------
    hedge_cost = min(0.75, 0.08 * len(hedge_hits) * per100)
    doubt_cost = min(0.45, 0.15 * len(doubt))
    deflect_cost = 0.35 if non_answer and n else min(0.2, 0.06 * len(deflect.hits))
    we_cost = (0.3 if rubric.asks_for_star else 0.1) if own.we_only else 0.0
    uptalk = sum(1 for s in spans if text[s.start:s.end].rstrip().endswith("?")) if cat != "candidate_questions" else 0
    uptalk_cost = min(0.15, 0.07 * uptalk)
    confidence = 1.0 - hedge_cost - doubt_cost - deflect_cost - we_cost - uptalk_cost
    if own.actions:
        confidence += 0.05
    if n == 0:
        confidence = 0.0

    # --- alignment ---------------------------------------------------------------------------
    link = min(1.0, len(connections) / 2)
    mention = 1.0 if mentions_company else 0.0
    if values:
        wanted = min(2, len(values))
        alignment = 0.3 * mention + 0.4 * link + 0.3 * min(1.0, len(values_mentioned) / wanted)
    else:
        alignment = 0.35 * mention + 0.65 * link
    role_terms = sig.overlap(sig.stems(text), {s for s in sig.stems(role) if len(s) > 3}) if role else set()
    if role_terms:
        alignment += 0.1
    alignment -= 0.3 if flattery_unbacked else 0.0
    if n == 0:
        alignment = 0.0

    # --- relevance: does it answer what was asked? --------------------------------------------
    q_words = sig.question_words(question, company=company)
    q_terms = set(q_words)
    answer_stems = sig.stems(text)
    took_up = sig.addressed(answer_stems, q_terms, text)
    matched = took_up.matched
    # A rubric's topic words are matched as they always were: only by the word or a longer form.
    on_topic = sig.addressed(answer_stems, rubric.topic, text, shorter=False)
    topic = on_topic.strong
    q_cov = took_up.coverage(len(q_terms))
    relevance = 0.15 + 0.45 * q_cov + 0.4 * min(1.0, (len(topic) + 0.25 * len(on_topic.weak)) / 3)
    if rubric.needs_company:
        relevance += 0.25 * min(1.0, len(connections) / 2)
    reciting = credentials >= 0.5 and cat not in {"qualifications", "about_yourself"}
    if reciting:
        relevance -= 0.3
    if questions_info is not None:
        work_topics = [t for t in questions_info["topics"] if t != "next steps"]
        relevance = 0.2 + 0.8 * min(1.0, len(work_topics) / 2) if questions_info["count"] else 0.1
        if questions_info["perks"] and questions_info["perks"] >= questions_info["count"] - len(work_topics):
            relevance -= 0.4
    relevance = max(relevance, 0.3 + 0.7 * structure) if structure >= 0.75 else relevance
    if non_answer:
        relevance = min(relevance, 0.1)
    elif thin:
        relevance = min(relevance, 0.2)
    # Off the question: none of its specific words (a shared 'team' or 'week' is not enough),
    # nothing of its topic, no link to the company and no shape of an answer to it.
    off_question = n >= 12 and not non_answer and not brags and (
        (not took_up.on_question and not topic and not connections and structure < 0.6)
        or (reciting and len(took_up.strong) < 2))

    # --- composure -----------------------------------------------------------------------------
    flippant = list(_FLIPPANT.finditer(text))
    pressure = list(_PRESSURE.finditer(text)) + (list(_BLUFF.finditer(text)) if cat == "offers_timeline" else [])
    profanity = list(_PROFANITY.finditer(text))
    negativity_cost = min(0.8, 0.35 * len(negative))
    composure = 1.0 - negativity_cost - min(0.6, 0.3 * len(flippant)) - min(0.6, 0.3 * len(pressure)) \
        - min(0.6, 0.3 * len(profanity))
    if n == 0:
        composure = 0.0

    scores = {
        "structure": _clamp(structure), "specificity": _clamp(specificity), "concision": _clamp(concision),
        "confidence": _clamp(confidence), "alignment": _clamp(alignment), "relevance": _clamp(relevance),
        "composure": _clamp(composure),
    }

    # --- overall, by the rubric, with the gates that sink an answer ---------------------------
    weighted = sum(rubric.weights[d] * scores[d] for d in DIMENSION_KEYS)
    gates: list[tuple[str, float]] = []

    def gate(name: str, new_value: float) -> None:
        nonlocal weighted
        if new_value < weighted:
            gates.append((name, weighted - new_value))
            weighted = new_value

    if n == 0:
        gate("empty", 0.0)
    if non_answer:
        gate("non_answer", min(weighted, 0.15))
    if thin:
        gate("thin", min(weighted, 0.2))
    if off_question:
        gate("off_question", min(weighted, 0.35))
    if negative:
        harsh_here = cat in {"leaving_job", "culture_values", "behavioural", "previous_round", "weakness",
                             "closing", "opening", "company_research"}
        gate("negativity", weighted * (0.55 if harsh_here else 0.7))
    if brags:
        gate("humblebrag", min(weighted, 0.35))
    if own.we_only and rubric.asks_for_star:
        gate("we_only", weighted - 0.08)
    if unbacked:
        gate("cliche", weighted - min(0.12, 0.04 * len(unbacked)))
    if cat == "about_yourself":
        life = list(_LIFE_STORY.finditer(text))
        if life:
            gate("life_story", weighted - min(0.15, 0.05 * len(life)))
    if flattery_unbacked and rubric.needs_company:
        gate("flattery", weighted - 0.08)
    if cat == "offers_timeline" and list(_BLUFF.finditer(text)):
        gate("bluff", weighted - 0.1)
    overall = _clamp(weighted)

    specifics = ([f"figure: {h.words}" for h in found.results] + [f"fact: {h.words}" for h in found.facts]
                 + [f"name: {name}" for name in found.names])
    analysis = AnswerAnalysis(
        words=n, speaking_seconds=round(n / WORDS_PER_MINUTE * 60), sentences=len(spans),
        fillers=filler_counts, filler_per_100=round(filler_total * 100 / n, 1) if n else 0.0,
        hedges=[h.words.lower() for h in hedge_hits], star=star, specifics=specifics,
        vague_phrases=[h.words.lower() for h in vague_hits], i_count=own.i_count, we_count=own.we_count,
        mentions_company=mentions_company, values_mentioned=values_mentioned, length_range=(low, high),
        length_verdict=verdict, mostly_english=english, scores=scores, category=cat, overall=overall,
        shape=shape, own_actions=[h.quote for h in own.actions[:3]], we_only=own.we_only,
        negativity=[h.quote for h in negative], cliches=[c.hit.words.lower() for c in unbacked],
        humblebrags=[h.quote for h in brags], non_answer=non_answer, thin=thin,
        deflections=[h.words.lower() for h in deflect.hits], off_question=off_question,
        question_terms=sorted(q_terms), matched_terms=sorted(matched),
        asked_about=[word for term, word in q_words.items() if term not in sig.WEAK_TERMS]
        or list(q_words.values()),
        ignored_numbers=[h.words for h in found.ignored], key_point="",
    )
    analysis.key_point = quotable_point(answer or "", analysis)
    analysis.findings = _findings(
        analysis, rubric, text, spans, company=company, values=values, own=own, found=found,
        hedge_hits=hedge_hits, doubt=doubt, vague_hits=vague_hits, unbacked=unbacked, brags=brags,
        negative=negative, deflect=deflect, connections=connections, flattery=flattery,
        flattery_unbacked=flattery_unbacked, flippant=flippant + pressure + profanity, gates=gates,
        costs={"hedges": hedge_cost, "doubt": doubt_cost, "deflect": deflect_cost, "we": we_cost,
               "vague": vague_cost, "cliche": cliche_cost, "filler": filler_cost, "runon": runon_cost,
               "negativity": negativity_cost, "uptalk": uptalk_cost},
        questions_info=questions_info)
    return analysis


def _value_mentioned(value: str, lowered: str) -> bool:
    """A company value is mentioned when every word of it appears, allowing other endings
    ('curious' for 'curiosity', 'owner' for 'ownership')."""
    words = [w for w in sig.WORD.findall(value.lower()) if w not in sig.STOPWORDS]
    if not words:
        return False
    for word in words:
        prefix = word[: max(4, min(len(word), len(word) - 4, 6))] if len(word) > 5 else word
        if not re.search(r"\b" + re.escape(prefix), lowered):
            return False
    return True


def _shape(rubric: Rubric, text: str, spans: Sequence[sig.Span], *, star: Mapping[str, bool],
           own: sig.Ownership, found: sig.Evidence, deflect: sig.Deflection, brags: Sequence[sig.Hit],
           negative: Sequence[sig.Hit], questions_info: Mapping[str, Any] | None, question: str,
           company: str, connections: bool, few_words: bool = False) -> tuple[dict[str, bool], float]:
    """Which parts of the rubric's shape the answer has, and the structure score. With
    `few_words` (far below the suggested length) a short first sentence is not taken as a
    direct answer on its own."""
    has = lambda pattern: bool(pattern.search(text))  # noqa: E731
    first = text[spans[0].start:spans[0].end] if spans else ""
    # A short first sentence counts as a direct answer below, unless the whole answer is a word or two.
    first_words = len(sig.WORD.findall(first)) if not few_words else 99
    evidence_ok = found.strength >= 1 or bool(own.actions)
    shape = rubric.shape
    if deflect.is_non_answer:
        return {p: False for p in rubric.parts}, 0.0
    if shape == "star" and question and not _STORY_REQUEST.search(question) and rubric.category != "behavioural":
        # 'Which requirements do you meet?' asks for evidence, not necessarily a story.
        story_parts, story = _shape(rubric, text, spans, star=star, own=own, found=found, deflect=deflect,
                                    brags=brags, negative=negative, questions_info=questions_info,
                                    question="", company=company, connections=connections, few_words=few_words)
        point_parts, point = _shape(RUBRICS["role_fit"], text, spans, star=star, own=own, found=found,
                                    deflect=deflect, brags=brags, negative=negative, questions_info=questions_info,
                                    question=question, company=company, connections=connections, few_words=few_words)
        return (point_parts, point) if point > story else (story_parts, story)
    if shape == "star":
        parts = dict(star)
        if own.we_only:
            parts["action"] = False
        score = 0.2 * parts["situation"] + 0.15 * parts["task"] + 0.35 * parts["action"] + 0.3 * parts["result"]
        if parts["action"] and own.we_only is False and not own.actions:
            score -= 0.1  # actions only implied ('so we...'), none of them owned
        if len(spans) >= 3:
            score += 0.05
        return parts, score
    if shape == "intro":
        parts = {"present": has(_PRESENT), "past": has(_PAST), "future": has(_FUTURE) or connections}
        score = 0.35 * parts["present"] + 0.25 * parts["past"] + 0.4 * parts["future"]
        score -= min(0.5, 0.15 * len(_LIFE_STORY.findall(text)))
        if found.results:
            score += 0.1
        return parts, score
    if shape == "reflection":
        parts = {"point": has(_REFLECT_POINT), "change": has(_REFLECT_CHANGE), "evidence": evidence_ok}
        return parts, 0.35 * parts["point"] + 0.35 * parts["change"] + 0.3 * parts["evidence"]
    if shape == "point" and _STORY_REQUEST.search(question):
        # "Tell me about a time..." asks for a story whatever the topic: a full story counts.
        story = 0.2 * star["situation"] + 0.15 * star["task"] + 0.35 * (star["action"] and not own.we_only) \
            + 0.3 * star["result"]
        point_parts, point_score = _shape(rubric, text, spans, star=star, own=own, found=found, deflect=deflect,
                                          brags=brags, negative=negative, questions_info=questions_info,
                                          question="", company=company, connections=connections, few_words=few_words)
        if story > point_score:
            return {**point_parts, "point": True, "example": True, "reason": point_parts["reason"] or star["result"]}, story
        return point_parts, point_score
    if shape == "point":
        q_terms = sig.question_terms(question, company=company)
        first_stems = sig.stems(first)
        direct = (sig.addressed(first_stems, q_terms, first).on_question
                  or bool(sig.addressed(first_stems, rubric.topic, first, shorter=False).strong)
                  or (first_words <= 6 and not _HEDGY_START.match(first))
                  or bool(_CONNECT.search(first)))
        parts = {"point": direct and not deflect.hits, "reason": has(_REASON),
                 "example": evidence_ok or has(_EXAMPLE) or (connections and bool(found.names))}
        return parts, 0.3 * parts["point"] + 0.3 * parts["reason"] + 0.4 * parts["example"]
    if shape == "weakness":
        named = (has(_WEAKNESS_NAMED) or (first_words <= 8 and not _HEDGY_START.match(first))) and not brags
        action = has(_WEAKNESS_ACTION)
        progress = action and (bool(found.results) or has(_PROGRESS))
        parts = {"weakness": named, "action": action, "progress": progress}
        score = 0.35 * named + 0.35 * action + 0.3 * progress
        if brags:
            score = min(score, 0.25)
        return parts, score
    if shape == "forward":
        parts = {"forward": has(_FORWARD), "fair": has(_FAIR) and not negative, "link": has(_LINK)}
        score = 0.4 * parts["forward"] + 0.25 * parts["fair"] + 0.35 * parts["link"]
        if negative:
            score = min(score, 0.3)
        return parts, score
    if shape == "idea":
        parts = {"idea": has(_IDEA) or (first_words <= 8 and not _HEDGY_START.match(first)),
                 "grounding": has(_GROUNDING), "measure": has(_MEASURE)}
        return parts, 0.35 * parts["idea"] + 0.3 * parts["grounding"] + 0.35 * parts["measure"]
    if shape == "range":
        ranged, figure = has(_RANGE), has(_SALARY_FIGURE)
        graceful = deflect.graceful
        parts = {"range": ranged or figure or graceful, "basis": has(_BASIS), "open": has(_OPEN)}
        if not (ranged or figure) and graceful:
            return parts, 0.7 + 0.15 * parts["open"] + 0.15 * parts["basis"]
        score = (0.45 if ranged else 0.3 if figure else 0.0) + 0.35 * parts["basis"] + 0.2 * parts["open"]
        if figure and not ranged and parts["basis"]:
            score += 0.1  # a floor or single figure with its reason is a fair answer
        return parts, score
    if shape == "timeline":
        parts = {"status": has(_STATUS), "timeline": has(_TIMELINE), "preference": has(_PREFERENCE)}
        score = 0.35 * parts["status"] + 0.4 * parts["timeline"] + 0.25 * parts["preference"]
        if has(_BLUFF):
            score -= 0.3
        return parts, score
    if shape == "questions":
        info = questions_info or analyze_candidate_questions(text)
        work = [t for t in info["topics"] if t != "next steps"]
        parts = {"questions": info["count"] >= 2, "topics": len(work) >= 1}
        score = 0.6 * min(1.0, info["count"] / 2) + 0.4 * min(1.0, len(work) / 2)
        return parts, score
    if shape == "opening":
        parts = {"warmth": has(_WARMTH), "purpose": has(_PURPOSE), "positive": has(_POSITIVE)}
        return parts, 0.3 * parts["warmth"] + 0.45 * parts["purpose"] + 0.25 * parts["positive"]
    if shape == "case":
        opening = " ".join(text[sp.start:sp.end] for sp in spans[:2])
        parts = {"recommendation": bool(_RECOMMEND.search(opening)), "reasons": has(_REASON) or has(_ENUMERATE),
                 "risks": has(_RISK), "next_steps": has(_NEXT_STEPS)}
        score = 0.3 * parts["recommendation"] + 0.25 * parts["reasons"] + 0.2 * parts["risks"] \
            + 0.25 * parts["next_steps"]
        if not parts["recommendation"] and has(_RECOMMEND):
            score += 0.1  # recommended, but only at the end
        if parts["reasons"] and not evidence_ok:
            score -= 0.1
        return parts, score
    if shape == "challenge":
        parts = {"acknowledge": has(_ACKNOWLEDGE), "evidence": evidence_ok or has(_REASON),
                 "position": has(_POSITION)}
        score = 0.25 * parts["acknowledge"] + 0.4 * parts["evidence"] + 0.35 * parts["position"]
        if has(_DEFENSIVE):
            score = min(score, 0.35)
        return parts, score
    if shape == "strategy":
        parts = {"position": bool(_STANCE.search(" ".join(text[sp.start:sp.end] for sp in spans[:2]))),
                 "trade_off": has(_TRADE_OFF), "steps": has(_NEXT_STEPS) or has(_SEQUENCE)}
        score = 0.35 * parts["position"] + 0.35 * parts["trade_off"] + 0.3 * parts["steps"]
        if has(_FENCE) and not parts["trade_off"]:
            score -= 0.15
        return parts, score
    # closing
    parts = {"proof": found.strength >= 1 or bool(own.actions) or has(_PROOF), "interest": has(_INTEREST),
             "thanks": has(_THANKS)}
    return parts, 0.4 * parts["proof"] + 0.35 * parts["interest"] + 0.25 * parts["thanks"]


_RECOMMEND = _re(r"\bi (?:would |'d )?(?:recommend|propose|suggest)\b|\bmy (?:recommendation|proposal|advice)\b|"
                 r"\bwe should\b|\byou should\b|\bi(?: would|'d) (?:go with|choose|pick|launch|cut|invest|"
                 r"prioriti[sz]e|focus|start)\b|\bthe answer is\b|\bin short\b|\bbottom line\b")
_ENUMERATE = _re(r"\b(?:first|firstly|second|secondly|third|thirdly|three reasons|two reasons|one reason)\b")
_RISK = _re(r"\brisks?\b|\bdownside\b|\bconcern\b|\bcould go wrong\b|\bmitigat\w*|\bthe catch\b|"
            r"\bwhat worries me\b|\bcaveat\b|\bif (?:it|that|this) (?:fails|doesn't work|goes wrong)\b")
_NEXT_STEPS = _re(r"\bnext steps?\b|\bfirst (?:step|thing|week|month|30|60|90)\b|\bwithin (?:\w+ ){0,2}(?:weeks?|"
                  r"months?|days?)\b|\bby (?:the end of )?(?:month|week|quarter|q[1-4])\b|\bi'd start (?:by|with)\b|"
                  r"\bpilot\b|\bin the first\b|\b(?:30|60|90) days\b|\bthen (?:i'd|we'd|we|i)\b|\bmeasur\w*")
_SEQUENCE = _re(r"\bfirst\b.*\bthen\b|\bmonth (?:one|two|three|1|2|3)\b|\bweeks? (?:one|two|1|2)\b")
_ACKNOWLEDGE = _re(r"\b(?:fair|good|great|valid|reasonable) (?:point|question|challenge)\b|\byou're right\b|"
                   r"\bthat's fair\b|\bi (?:take|see|hear) (?:the|your) point\b|\bthat's a real risk\b|\bi agree\b|"
                   r"\bi hadn't\b|\bthat's true\b")
_POSITION = _re(r"\bi(?: would|'d)? still\b|\bstill recommend\b|\bmy recommendation stands\b|\bi'd stick with\b|"
                r"\bi(?: would|'d) (?:adjust|change|revise|add|scale back|phase|delay)\b|\bthat's why\b|"
                r"\bwhich is why\b|\bso i(?: would|'d)\b|\bif that (?:turned out|were|was) true\b|\bwhat would change my mind\b")
_DEFENSIVE = _re(r"\bi already (?:said|covered|explained)\b|\byou're wrong\b|\bthat's not (?:the point|relevant)\b|"
                 r"\bas i said\b|\bobviously\b")
_STANCE = _re(r"\bi(?: would|'d)\b|\bmy (?:view|priority|bet|focus)\b|\bi believe\b|\bi think (?:we|the|you)\b|"
              r"\bthe (?:biggest|main|key) (?:opportunity|priority|risk|bet)\b|\bwe should\b")
_TRADE_OFF = _re(r"\btrade-?offs?\b|\brather than\b|\binstead of\b|\bat the (?:cost|expense) of\b|\bgive up\b|"
                 r"\bsay no to\b|\bnot (?:do|chase|build)\b|\bwhich means (?:less|not|slower|fewer)\b|\bde-?prioriti\w*|"
                 r"\bin exchange\b|\bthe price\b|\bsacrific\w*|\bpark\b")
_FENCE = _re(r"\bit depends\b|\bthere are (?:many|lots of) (?:factors|options)\b|\bhard to say\b")
_STORY_REQUEST = re.compile(r"\b(?:tell (?:me|us) about (?:a|an|the) (?:\w+ ){0,3}?(?:time|project|piece of work|"
                            r"problem|analysis|decision|target)|describe a (?:\w+ )?(?:time|situation)|give (?:me|us) an example|"
                            r"has that happened|walk (?:me|us) through (?:a|the|it|your) ?(?:\w+ ){0,3}?(?:project|decision|"
                            r"piece|time|it|work)|(?:choose|pick) (?:the|one) (?:piece|project)|proudest|"
                            r"a time (?:when|you))\b", re.IGNORECASE)
_HEDGY_START = re.compile(r"\s*(?:um|uh|well|so|i think|i guess|honestly|probably|maybe|i don't|i'm not|"
                          r"that's a (?:good|tough|difficult) (?:question|one)|it's important|lots|there are so)\b",
                          re.IGNORECASE)
_SHAPE_WORDS = {
    "star": {"situation": "the situation", "task": "your task", "action": "what you did",
             "result": "the result"},
}


_PRESENCE_SIGNALS = frozenset({"non_answer", "off_question", "negativity", "humblebrag", "hedges", "self_doubt",
                               "we_only", "cliche", "flattery", "vague", "flippant", "perks"})


def _dedupe_case(items: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())


def _missing_message(rubric: Rubric, missing: Sequence[str]) -> str:
    wanted = [rubric.parts.get(p, p) for p in missing]
    if len(wanted) == 1:
        return f"Missing {wanted[0]}."
    return "Missing " + ", ".join(wanted[:-1]) + " and " + wanted[-1] + "."


def _findings(a: AnswerAnalysis, rubric: Rubric, text: str, spans: Sequence[sig.Span], *, company: str,
              values: Sequence[str], own: sig.Ownership, found: sig.Evidence, hedge_hits: Sequence[sig.Hit],
              doubt: Sequence[sig.Hit], vague_hits: Sequence[sig.Hit], unbacked: Sequence[sig.Claim],
              brags: Sequence[sig.Hit], negative: Sequence[sig.Hit], deflect: sig.Deflection,
              connections: Sequence[re.Match[str]], flattery: Sequence[re.Match[str]], flattery_unbacked: bool,
              flippant: Sequence[re.Match[str]], gates: Sequence[tuple[str, float]],
              costs: Mapping[str, float], questions_info: Mapping[str, Any] | None) -> list[Finding]:
    """Explain the scores: every fix quotes the words behind it and says what it cost."""
    if a.words == 0:
        return [Finding("relevance", "fix", "No answer was given.", signal="empty", cost=100.0)]
    w = rubric.weights
    gate_cost = {name: _pct(loss) for name, loss in gates}
    out: list[Finding] = []

    def fix(dimension: str, message: str, quote: str = "", signal: str = "", cost: float = 0.0) -> None:
        # Words that were said and hurt weigh more than something left out: they are what the
        # interviewer remembers, and they are what a candidate can quote and change.
        if signal in _PRESENCE_SIGNALS:
            cost *= 1.5
        out.append(Finding(dimension, "fix", message, quote, signal, round(cost, 1)))

    def good(dimension: str, message: str, quote: str = "", signal: str = "", cost: float = 0.0) -> None:
        out.append(Finding(dimension, "good", message, quote, signal, round(cost, 1)))

    if not a.mostly_english:
        fix("structure", "This looks like it is not in English; the checks for structure and hedging only "
            "understand English, so treat those scores as rough.", signal="not_english", cost=100.0)
    if a.non_answer:
        quote = deflect.hits[0].quote if deflect.hits else sig.quote(text, 0, len(text))
        fix("relevance", "This doesn't answer the question yet. Even a short, honest answer beats a deflection.",
            quote, "non_answer", gate_cost.get("non_answer", 0.0) + _pct(w["relevance"] * 0.6))
    elif a.thin:
        low, high = a.length_range
        fix("relevance", f"This does not answer the question yet: {a.words} word{'s' if a.words != 1 else ''}, "
            f"and this question needs about {low}-{high} words. Give your answer in a full sentence, then the "
            "reason and one example.", sig.quote(text, 0, len(text)), "thin",
            _pct(1 - a.overall))  # all it lacks, it lacks for being a word or two
    elif a.off_question:
        asked = ", ".join(f"'{t}'" for t in a.asked_about[:3]) or "what was asked"
        fix("relevance", f"Doesn't address the question (about {asked}); it answers a different one.",
            sig.quote(text, spans[0].start, spans[0].end) if spans else "", "off_question",
            gate_cost.get("off_question", 0.0) + _pct(w["relevance"] * (1 - a.scores["relevance"])))
    if negative:
        fix("composure", "Negative about people you worked with or for. Interviewers hear how you would one "
            "day talk about them; say what you learned or want next instead.", negative[0].quote, "negativity",
            gate_cost.get("negativity", 0.0) + _pct(w["composure"] * costs["negativity"]))
    if brags:
        kind = "denies having a weakness" if brags[0].kind == "no_weakness" else "is a strength dressed as a weakness"
        fix("structure", f"This {kind}; interviewers hear it often and trust it less. Name a real one and what "
            "you are doing about it.", brags[0].quote, "humblebrag",
            gate_cost.get("humblebrag", 0.0) + _pct(w["structure"] * 0.5))
    if hedge_hits:
        fix("confidence", f"Hedging: {_list(_dedupe_case([h.words for h in hedge_hits]))} "
            f"({len(hedge_hits)} in {a.words} words). State it plainly.",
            max(hedge_hits, key=lambda h: sum(1 for x in hedge_hits if x.quote == h.quote)).quote, "hedges",
            _pct(w["confidence"] * costs["hedges"]))
    if doubt:
        fix("confidence", "Talks yourself down: apologies and doubts make the interviewer doubt you too.",
            doubt[0].quote, "self_doubt", _pct(w["confidence"] * costs["doubt"]))
    if own.we_only:
        fix("confidence", f"'we' {own.we_count} times against 'I' {own.i_count}, and no action of your own: "
            "say what you did yourself.", own.we_quote, "we_only",
            gate_cost.get("we_only", 0.0) + _pct(w["confidence"] * costs["we"]) + _pct(w["structure"] * 0.2))
    elif own.we_count > 2 and own.we_count > 2 * max(own.i_count, 1):
        fix("confidence", f"'we' {own.we_count} times against 'I' {own.i_count}: make your own part clearer.",
            own.we_quote, "we_heavy", 1.0)
    missing = [p for p, ok in a.shape.items() if not ok]
    if missing and not a.non_answer and not brags:
        last = spans[-1] if spans else sig.Span(0, len(text))
        fix("structure", _missing_message(rubric, missing), sig.quote(text, last.start, last.end),
            "missing_" + missing[0], _pct(w["structure"] * (1 - a.scores["structure"])))
    if unbacked:
        fix("specificity", f"Claims with nothing behind them: {_list([c.hit.words.lower() for c in unbacked])}. "
            "Show it with one example instead of naming it.", unbacked[0].hit.quote, "cliche",
            gate_cost.get("cliche", 0.0) + _pct(w["specificity"] * costs["cliche"]))
    if flattery_unbacked:
        fix("alignment", "Praise any company could receive; name something only this one does.",
            _quote_match(text, spans, flattery[0]), "flattery",
            gate_cost.get("flattery", 0.0) + _pct(w["alignment"] * 0.3 + w["specificity"] * 0.15))
    if vague_hits:
        fix("specificity", f"Vague: {_list([h.words.lower() for h in vague_hits])}. Replace with the real "
            "figure or name.", vague_hits[0].quote, "vague", _pct(w["specificity"] * costs["vague"]))
    if (w["specificity"] >= 0.2 and not found.has_figures and not a.non_answer and questions_info is None
            and a.scores["specificity"] < 0.55):
        message = ("Nothing specific or checkable: name a product, a fact or a figure that only this company "
                   "or this role has." if rubric.needs_company and rubric.shape != "star" else
                   "No figure or checkable detail: add a number, a name or a date that proves it.")
        fix("specificity", message, "", "no_evidence", _pct(w["specificity"] * max(0.0, 0.6 - a.scores["specificity"])))
    if found.ignored and not found.results:
        fix("specificity", "Numbers that prove nothing: " + _list([h.words for h in found.ignored])
            + " (an age, a year or a label is not a result).", found.ignored[0].quote, "not_evidence", 1.0)
    if questions_info is not None:
        if questions_info["count"] == 0:
            pass  # the missing parts already say it
        elif questions_info["perks"]:
            fix("relevance", "Only about perks; ask about the work, the team or how success is judged.",
                questions_info["questions"][0], "perks", _pct(w["relevance"] * (1 - a.scores["relevance"])))
        elif questions_info["generic"] >= max(2, questions_info["count"] // 2):
            fix("specificity", "Stock questions that fit any company; build one on something said today.",
                questions_info["questions"][0], "stock_questions",
                _pct(w["specificity"] * (1 - a.scores["specificity"])))
    low, high = a.length_range
    if a.length_verdict == "long":
        about = a.words if a.words < 100 else round(a.words, -1)
        fix("concision", f"About {about} words ({spoken_time(a.speaking_seconds)} spoken); aim for {low}-{high}: "
            "lead with your answer, "
            "keep the two details that prove it and stop there.",
            "", "too_long", _pct(w["concision"] * (1 - a.scores["concision"])) + 1.0)
    elif a.length_verdict == "short" and a.scores["concision"] < 1.0 and not a.non_answer and not a.thin:
        fix("concision", f"{a.words} words, and it stops before it is complete; aim for {low}-{high}.",
            "", "too_short", _pct(w["concision"] * (1 - a.scores["concision"])))
    if costs["runon"] and a.length_verdict != "long":
        fix("concision", "One long run-on sentence; break it up and lead with the point.", "", "run_on",
            _pct(w["concision"] * costs["runon"]))
    if a.fillers:
        top = ", ".join(f"'{word}' x{count}" for word, count in Counter(a.fillers).most_common(3))
        fix("concision", f"Filler words ({a.filler_per_100} per 100 words): {top}.", "", "fillers",
            _pct(w["concision"] * costs["filler"]))
    if flippant:
        fix("composure", "Flippant or pushy for an interview; keep it calm and courteous.",
            _quote_match(text, spans, flippant[0]), "flippant", _pct(w["composure"] * 0.3))
    if rubric.needs_company and a.scores["alignment"] < 0.35 and not flattery_unbacked and not a.non_answer:
        who = company or "the company"
        fix("alignment", f"Doesn't connect to {who}: name something specific about them or this role.", "",
            "no_company_link", _pct(w["alignment"] * max(0.0, 0.65 - a.scores["alignment"])))
    elif values and not a.values_mentioned and rubric.category == "culture_values":
        fix("alignment", "Doesn't connect to their stated values (" + ", ".join(values) + ").", "",
            "values_missing", _pct(w["alignment"] * 0.3))

    # --- what was done well, always with a quote ---------------------------------------------
    if a.non_answer:
        return out
    if found.results:
        good("specificity", "Puts a figure on the outcome.", found.results[-1].quote, "figure",
             _pct(w["specificity"] * a.scores["specificity"]))
    elif found.facts and a.scores["specificity"] >= 0.5:
        good("specificity", "Concrete figures: " + _list([h.words for h in found.facts]) + ".",
             found.facts[0].quote, "facts", _pct(w["specificity"] * a.scores["specificity"]))
    elif found.names and a.scores["specificity"] >= 0.5:
        good("specificity", f"Concrete detail: {', '.join(found.names[:3])}.",
             sig.sentence_quote(text, spans, max(0, text.find(found.names[0]))), "named_detail",
             _pct(w["specificity"] * a.scores["specificity"]))
    if own.actions and not hedge_hits:
        good("confidence", "Owns the actions, in plain statements.", own.actions[0].quote, "own_actions",
             _pct(w["confidence"] * a.scores["confidence"]))
    if a.scores["structure"] >= 0.7 and not missing:
        message = {"star": "Covers situation, task, action and result.",
                   "intro": "Present, past and where you are heading, tied to this role.",
                   "reflection": "Names the point and gives the better version.",
                   "point": "Answers first, then gives the reason and an example.",
                   "weakness": "A real weakness, what you did about it and the progress.",
                   "forward": "Forward-looking and fair about where you are.",
                   "idea": "One grounded idea with a way to test it.",
                   "range": "A range with what it rests on." if a.shape.get("basis") else "Defers gracefully and asks for their band.",
                   "timeline": "Clear on your situation and timing.",
                   "questions": "Asks real questions about the work.",
                   "opening": "Warm, brief and with a purpose for today.",
                   "closing": "Proof, interest and thanks in a few words.",
                   "case": "Recommendation first, then reasons, risks and next steps.",
                   "challenge": "Takes the challenge, answers it with evidence and says where that leaves the case.",
                   "strategy": "A clear position, a real trade-off and concrete first steps."}[rubric.shape]
        best = _best_sentence(text, spans, rubric)
        good("structure", message, best, "shape_complete", _pct(w["structure"] * a.scores["structure"]))
    if connections and a.scores["alignment"] >= 0.5:
        good("alignment", f"Connects to {company or 'the company'}.", _quote_match(text, spans, connections[0]),
             "company_link", _pct(w["alignment"] * a.scores["alignment"]))
    if a.values_mentioned:
        m = re.search(re.escape(a.values_mentioned[0][:5]), text, re.IGNORECASE)
        good("alignment", "Connects to their values: " + ", ".join(a.values_mentioned) + ".",
             _quote_match(text, spans, m), "values", _pct(w["alignment"] * 0.3))
    if a.length_verdict in {"ok", "short"} and a.scores["concision"] >= 0.95 and a.overall >= 0.6 and spans:
        good("concision", f"Said in {a.words} words.", sig.quote(text, spans[0].start, spans[0].end),
             "concise", _pct(w["concision"]))
    return out


def _best_sentence(text: str, spans: Sequence[sig.Span], rubric: Rubric) -> str:
    """The sentence that best shows the answer's shape: a result for a story, the last
    sentence otherwise (where an answer usually lands its point)."""
    if not spans:
        return ""
    if rubric.shape == "star":
        for span in reversed(spans):
            piece = text[span.start:span.end]
            if sig.STAR_RES["result"].search(piece):
                return sig.quote(text, span.start, span.end)
    if rubric.shape in {"range", "timeline", "questions", "opening", "weakness", "point", "idea"}:
        return sig.quote(text, spans[0].start, spans[0].end)
    return sig.quote(text, spans[-1].start, spans[-1].end)


# --- quotable points, for callbacks in scripts ---------------------------------------------------

_NOT_QUOTABLE = re.compile(r"\b(?:went well|it was fine|it was good|it was okay|pretty good|not bad|nothing much)\b",
                           re.IGNORECASE)


def quotable_point(text: str, analysis: AnswerAnalysis | None = None, limit: int = 100) -> str:
    """The sentence of an answer worth quoting back, or '' when nothing is: a sentence with
    substance (three or more content words, no hedge, not just 'it went well'), preferring
    one with a figure or an action of the candidate's own."""
    if analysis is not None and (analysis.non_answer or analysis.words < 6):
        return ""
    folded = sig.fold(text)
    spans = sig.sentences(folded)
    candidates: list[tuple[int, int, str]] = []
    for order, span in enumerate(spans):
        piece = folded[span.start:span.end]
        content = [w for w in sig.content_words(piece) if len(w) > 2 and w not in {"basically", "actually",
                                                                                    "honestly", "think"}]
        if len(content) < 3 or sig._HEDGE_RE.search(piece) or sig._SHORTHAND_RE.search(piece):
            continue
        if _NOT_QUOTABLE.search(piece) and not any(ch.isdigit() for ch in piece):
            continue
        if sig._DEFLECT.search(piece):
            continue
        rank = 2 if any(ch.isdigit() for ch in piece) else 1 if sig._OWN_ACTION.search(piece) else 0
        candidates.append((rank, -order, text[span.start:span.end]))
        if order == 0:
            candidates.append((rank + 1, 1, text[span.start:span.end]))  # the opening sentence states the point
    if not candidates:
        return ""
    best = max(candidates)[2]
    return _short_quote(best, limit)


def _short_quote(sentence: str, limit: int = 100) -> str:
    sentence = " ".join(sentence.split())
    if len(sentence) <= limit:
        return sentence.rstrip(".!?;")
    cut = sentence[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


# --- answer signals for scripts -----------------------------------------------------------------

def answer_signals(text: str, *, company: str = "", values: Sequence[str] = (),
                   length: tuple[int, int] | None = None, skipped: bool = False, question: str = "",
                   category: str | None = None, role: str = "",
                   analysis: AnswerAnalysis | None = None) -> dict[str, Any]:
    """What a script may test about an answer (see prompts/interviews/README.md). Pass
    `analysis` when `analyze_answer` was already run on this text with these arguments, so
    the answer is not analysed twice."""
    a = analysis if analysis is not None else analyze_answer(
        text, question=question, company=company, values=values, length=length,
        category=category, role=role)
    folded = sig.fold(text)
    return {
        "text": text,
        "words": a.words,
        "skipped": skipped,
        "category": a.category,
        "score": a.overall,
        "has_example": a.star["situation"] or a.star["action"],
        "has_result": a.star["result"],
        "has_numbers": a.has_numbers,
        "mentions_company": a.mentions_company,
        "mentions_values": bool(a.values_mentioned),
        "says_we_more_than_i": a.we_count > a.i_count,
        "we_only": a.we_only,
        "key_point": a.key_point,
        "worth_quoting": bool(a.key_point),
        "is_short": a.length_verdict in {"short", "empty"},
        "is_thin": a.length_verdict in {"short", "empty"} and a.scores["structure"] < 0.6,
        "is_non_answer": a.non_answer,
        "is_off_question": a.off_question,
        "is_negative": bool(a.negativity),
        "has_humblebrag": bool(a.humblebrags),
        "gives_reason": bool(_REASON.search(folded)),
        "gives_range": bool(_RANGE.search(folded) or _SALARY_FIGURE.search(folded)),
        "explains_basis": bool(_BASIS.search(folded)),
        "defers_gracefully": sig.deflection(folded, sig.sentences(folded)).graceful,
        "about_company": a.mentions_company or bool(_CONNECT.search(folded)),
        "has_measure": bool(_MEASURE.search(folded)),
        "missing": [part for part, present in a.shape.items() if not present],
    }


# --- the candidate's own questions ------------------------------------------------------------------

def analyze_candidate_questions(text: str) -> dict[str, Any]:
    """The questions a candidate asked at the end: how many, about what, how many were stock
    or perk questions, and whether any built on the conversation."""
    folded = sig.fold(text)
    # Each question is the text before a "?" on its line (split, not a regex scan: linear even
    # on a long line with no question mark at all).
    asked = [q.strip() + "?" for line in folded.split("\n") if "?" in line
             for q in line.split("?")[:-1] if sig.WORD.search(q)]
    lowered = " ".join(asked).lower()  # topics of the questions asked, not of the statements around them
    topics = [t for t, cues in _QUESTION_TOPICS.items() if any(c in lowered for c in cues)]
    generic = sum(1 for q in asked if _STOCK_QUESTION.search(q))
    perks = sum(1 for q in asked if _PERKS.search(q))
    first_q = folded.find("?")
    preamble = len(sig.WORD.findall(folded[: folded.rfind(".", 0, first_q) + 1])) if first_q > 0 else 0
    score = _clamp(0.6 * min(1.0, len(asked) / 3) + 0.4 * min(1.0, len(topics) / 3))
    return {"count": len(asked), "questions": asked[:10], "topics": topics, "score": score,
            "generic": generic, "perks": perks, "builds_on": bool(_BUILDS_ON.search(folded)),
            "preamble_words": preamble}


# --- the interview report ---------------------------------------------------------------------------

@dataclass(slots=True)
class ScoredAnswer:
    """One answered (or skipped) question as the report sees it: the main answer and its
    probes combined, analysed once."""

    question_id: str
    number: int
    category: str
    question_text: str
    text: str
    skipped: bool
    seconds: int | None
    length: tuple[int, int]
    analysis: AnswerAnalysis | None


_HINTS = {
    "non_answer": "Give a real answer, even a short one. {rewrite}",
    "thin": "Say your answer in one full sentence, then why, then one example. {rewrite}",
    "repeat": "Answer this question on its own: its first sentence should use the question's own words. {rewrite}",
    "off_question": "Answer the question asked in your first sentence, using its own key words. {rewrite}",
    "negativity": "Say what you learned there and what you want next; leave the complaints out.",
    "humblebrag": "Name a real habit that has cost you something, then what you changed and how you know it works.",
    "hedges": "Cut the hedges and say it as a fact: '{example}'.",
    "hedges_plain": "Cut the hedges ('{hedge}') and state it plainly. {rewrite}",
    "self_doubt": "Drop the apologies; finish on the strongest thing you said.",
    "we_only": "Retell it with 'I' for each step you took yourself; credit the team once.",
    "cliche": "Replace the adjective with the proof: one time you showed it, with the result.",
    "flattery": "Swap the praise for one fact about them you could only know from research.",
    "vague": "Replace '{example}' with the real figure or name.",
    "no_evidence": "Add one number or name that proves it (a percentage, an amount, a count, a tool).",
    "too_long": "Cut to the point: answer in your first sentence, keep the two details that prove it, stop.",
    "run_on": "Break it into short sentences and lead with the answer.",
    "perks": "Ask about the work: how success is judged, what the team finds hard, what comes next.",
    "stock_questions": "Build one question on something the interviewer said today.",
    "flippant": "Keep it courteous: a plain, professional sentence lands better.",
    "no_company_link": "Add one sentence on how this connects to {company}.",
}


def _hint(finding: Finding | None, rubric: Rubric, company: str) -> str:
    """One concrete rewrite hint for the finding that cost most, else the rubric's own."""
    if finding is None:
        return rubric.rewrite
    signal = finding.signal
    if signal.startswith("missing_"):
        part = signal.removeprefix("missing_")
        what = rubric.parts.get(part)
        return f"Add {what}. {rubric.rewrite}" if what else rubric.rewrite
    template = _HINTS.get(signal)
    if template is None:
        return rubric.rewrite
    example = finding.quote
    if signal == "hedges":
        example = _strip_hedges(finding.quote)
        if not example:
            hedge = sig._HEDGE_RE.search(sig.fold(finding.quote)) or sig._SHORTHAND_RE.search(sig.fold(finding.quote))
            return _HINTS["hedges_plain"].format(hedge=hedge.group(0) if hedge else "maybe", rewrite=rubric.rewrite)
    if signal == "vague":
        match = sig._VAGUE.search(sig.fold(finding.quote))
        example = match.group(0) if match else "that"
    return template.format(example=example, company=company or "the company", rewrite=rubric.rewrite)


def _strip_hedges(text: str) -> str:
    cleaned = sig._SHORTHAND_RE.sub("", sig._HEDGE_RE.sub("", sig.fold(text)))
    cleaned = re.sub(r"\s+([,.?!])", r"\1", re.sub(r"\s{2,}", " ", cleaned))
    cleaned = re.sub(r"^[\s,.]+|(?<=[,.])\s*[,.]+", "", cleaned).strip(" ,")
    return cleaned[:1].upper() + cleaned[1:] if len(sig.WORD.findall(cleaned)) >= 3 else ""


def build_report(
    scored: Sequence[ScoredAnswer],
    *,
    company: str = "",
    values: Sequence[str] = (),
) -> dict[str, Any]:
    """Aggregate per-answer analyses into an interview report (plain data for templates and
    for storing as JSON). Nothing is analysed here: it reads the analyses it is given (an
    answer that repeats an earlier one is marked down on a copy, see `_mark_repeats`)."""
    scored = _mark_repeats(scored)
    answered = [s for s in scored if not s.skipped and s.analysis is not None and s.analysis.words]
    rated = [s for s in answered if s.category != "opening"] or answered
    stories = [s for s in rated if s.category != "candidate_questions"]
    cq = [s for s in scored if s.category == "candidate_questions"]

    dims: dict[str, float | None] = {}
    for dim in ANSWER_DIMENSIONS:
        vals = [s.analysis.scores[dim] for s in stories
                if s.analysis and s.analysis.rubric.weights[dim] >= _SIGNIFICANT_WEIGHT]
        dims[dim] = round(sum(vals) / len(vals), 2) if vals else None
    questions_info = None
    if cq:
        joined = "\n".join(s.text for s in cq if not s.skipped)
        questions_info = analyze_candidate_questions(joined)
        analysed = [s.analysis.overall for s in cq if s.analysis and s.analysis.words]
        dims["questions"] = round(sum(analysed) / len(analysed), 2) if analysed else questions_info["score"]
    else:
        dims["questions"] = None
    answer_scores = [s.analysis.overall for s in rated if s.analysis]
    overall = round(sum(answer_scores) / len(answer_scores), 2) if answer_scores else 0.0

    improvements = _improvements(rated, company=company)
    strengths = _strengths(rated, improvements)
    ranked = sorted(rated, key=lambda s: (s.analysis.overall if s.analysis else 0.0, s.number))
    total_words = sum(s.analysis.words for s in scored if s.analysis)
    total_fillers = sum(sum(s.analysis.fillers.values()) for s in scored if s.analysis)
    return {
        "complete": True,
        "overall": overall,
        "dimensions": [{"key": k, "label": DIMENSIONS[k], "score": v} for k, v in dims.items()],
        "strengths": strengths,
        "improvements": improvements,
        "answers": [_answer_entry(s) for s in scored],
        "score_explanation": _explain(rated, overall, dims),
        "answered": len([s for s in scored if not s.skipped]),
        "skipped": [s.number for s in scored if s.skipped],
        "total": len(scored),
        "briefs": 0,  # case briefs reached, shown but not judged (set by the interview)
        "total_words": total_words,
        "speaking_minutes": round(total_words / WORDS_PER_MINUTE, 1),
        "filler_per_100": round(total_fillers * 100 / total_words, 1) if total_words else 0.0,
        "candidate_questions": questions_info,
        "weakest_questions": [s.question_id for s in ranked if s.analysis and s.analysis.overall < STRONG_ANSWER][:2]
        or [s.question_id for s in ranked][:1],
    }


REPEAT_SIMILARITY = 0.8  # share of word triples two answers have in common to count as the same answer
_REPEAT_RELEVANCE = 0.3
_REPEAT_OVERALL = 0.4


def _triples(text: str) -> frozenset[tuple[str, ...]]:
    words = [w.lower() for w in sig.WORD.findall(sig.fold(text))]
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def repeats_of(texts: Sequence[str]) -> dict[int, int]:
    """For each answer (by index) that is near-identical to an earlier one, the index of the
    first answer it repeats. Answers under eight words are never counted as repeats."""
    seen: list[tuple[int, frozenset[tuple[str, ...]]]] = []
    found: dict[int, int] = {}
    for index, text in enumerate(texts):
        triples = _triples(text)
        if len(triples) < 6:
            continue
        for earlier, other in seen:
            if len(triples & other) / len(triples | other) >= REPEAT_SIMILARITY:
                found[index] = earlier
                break
        else:
            seen.append((index, triples))
    return found


def _mark_repeats(scored: Sequence[ScoredAnswer]) -> list[ScoredAnswer]:
    """Answers that repeat an earlier answer of the same interview, with a copy of their
    analysis that says so and counts it as not answering this question; the others as given."""
    answered = [i for i, s in enumerate(scored) if not s.skipped and s.analysis is not None and s.analysis.words]
    repeated = repeats_of([scored[i].text for i in answered])
    out = list(scored)
    for position, earlier in repeated.items():
        s, first = scored[answered[position]], scored[answered[earlier]]
        a = s.analysis
        assert a is not None
        relevance = min(a.scores["relevance"], _REPEAT_RELEVANCE)
        lost = a.rubric.weights["relevance"] * (a.scores["relevance"] - relevance)
        overall = _clamp(min(a.overall - lost, _REPEAT_OVERALL))
        note = Finding("relevance", "fix", f"This is the same answer you gave to question {first.number}. "
                       "Each question asks something new: answer this one in its own words, with an example "
                       "that fits it.", sig.quote(sig.fold(s.text), 0, len(s.text), limit=80), "repeat",
                       _pct(a.overall - overall) + 10.0)
        marked = replace(a, scores={**a.scores, "relevance": relevance}, overall=overall,
                         findings=[note, *a.findings])
        out[answered[position]] = replace(s, analysis=marked)
    return out


def _category_label(category: str) -> str:
    return rubric_for(category).label if category in RUBRICS else category.replace("_", " ").capitalize()


def _answer_entry(s: ScoredAnswer) -> dict[str, Any]:
    """Per-answer data for the transcript and for a Discord view of one answer's notes."""
    a = s.analysis
    return {
        "number": s.number, "question_id": s.question_id, "question": s.question_text,
        "category": s.category, "category_label": _category_label(s.category), "skipped": s.skipped,
        "score": a.overall if a else None, "words": a.words if a else 0,
        "notes": a.notes() if a and a.words else [],
        # Per dimension (0..1), for comparing attempts at the same question (bot.core.progress).
        "scores": {k: round(v, 2) for k, v in a.scores.items()} if a and a.words else {},
    }


def _top_fix(a: AnswerAnalysis) -> Finding | None:
    fixes = [f for f in a.findings if f.kind == "fix"]
    return max(fixes, key=lambda f: f.cost) if fixes else None


def _improvements(rated: Sequence[ScoredAnswer], *, company: str) -> list[dict[str, Any]]:
    """Up to three things to work on, from the weakest answers (one item each, so the same
    dimension may appear twice), each with the words that cost most, what a strong answer to
    that kind of question contains, and one rewrite hint."""
    weak = sorted((s for s in rated if s.analysis and s.analysis.overall < STRONG_ANSWER),
                  key=lambda s: (s.analysis.overall if s.analysis else 0.0, s.number))
    chosen: list[dict[str, Any]] = []
    for s in weak[:3]:
        a = s.analysis
        assert a is not None
        top = _top_fix(a)
        rubric = RUBRICS.get(s.category, a.rubric)
        dimension = "questions" if s.category == "candidate_questions" else (top.dimension if top else "structure")
        issue = top.message if top else "Below what a strong answer to this kind of question needs."
        hint = _hint(top, rubric, company)
        chosen.append({
            "dimension": dimension, "label": DIMENSIONS[dimension], "gap": round(1 - a.overall, 2),
            "score": a.overall, "question_number": s.number, "question_id": s.question_id,
            "question": s.question_text, "category": s.category, "category_label": _category_label(s.category),
            "quote": top.quote if top else "", "issue": issue, "strong_answer": rubric.summary(),
            "hint": hint, "suggestion": f"{issue} {hint}",
        })
    return chosen


def _strengths(rated: Sequence[ScoredAnswer], improvements: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Up to three things done well, each quoted from the answer that did it. A dimension
    that one of the things to work on is about is not also listed as a strength."""
    weak_dims = {i["dimension"] for i in improvements}
    weak_questions = {i["question_id"] for i in improvements}
    options: list[tuple[float, ScoredAnswer, Finding]] = []
    for s in rated:
        a = s.analysis
        if a is None or a.overall < 0.55 or s.question_id in weak_questions:
            continue
        for f in a.findings:
            if f.kind == "good" and f.quote and f.dimension not in weak_dims:
                options.append((a.overall * f.cost, s, f))
    options.sort(key=lambda o: (-o[0], o[1].number))
    chosen: list[dict[str, Any]] = []
    used_dims: set[str] = set()
    used_answers: set[str] = set()
    used_quotes: set[str] = set()
    for prefer_new_answer in (True, False):
        for _, s, f in options:
            if len(chosen) == 3:
                break
            dimension = "questions" if s.category == "candidate_questions" and f.dimension == "structure" \
                else f.dimension
            if dimension in used_dims or (prefer_new_answer and s.question_id in used_answers) \
                    or f.quote in used_quotes:
                continue
            assert s.analysis is not None
            chosen.append({"dimension": dimension, "label": DIMENSIONS[dimension],
                           "score": s.analysis.scores.get(f.dimension, s.analysis.overall),
                           "question_number": s.number, "question_id": s.question_id,
                           "question": s.question_text, "example": f.message, "quote": f.quote})
            used_dims.add(dimension)
            used_answers.add(s.question_id)
            used_quotes.add(f.quote)
    return chosen


def _explain(rated: Sequence[ScoredAnswer], overall: float, dims: Mapping[str, float | None]) -> dict[str, Any]:
    """How the overall score was made and what would move it most."""
    scored = [s for s in rated if s.analysis]
    if not scored:
        return {"summary": "Nothing was answered, so there is nothing to score yet.", "levers": [],
                "weakest_dimension": None}
    n = len(scored)
    lowest = min(scored, key=lambda s: (s.analysis.overall if s.analysis else 0.0, s.number))
    highest = max(scored, key=lambda s: (s.analysis.overall if s.analysis else 0.0, -s.number))
    levers = []
    for s in sorted(scored, key=lambda s: (s.analysis.overall if s.analysis else 0.0, s.number))[:2]:
        assert s.analysis is not None
        gain = round((0.85 - s.analysis.overall) * 100 / n)
        if gain >= 1:
            levers.append({"question_number": s.number, "question": s.question_text,
                           "category_label": _category_label(s.category),
                           "score": s.analysis.overall, "gain": gain})
    measured = [(k, v) for k, v in dims.items() if v is not None and k != "questions"]
    weakest = min(measured, key=lambda kv: kv[1]) if measured else None
    assert lowest.analysis is not None and highest.analysis is not None
    summary = (f"Each answer is scored against what a strong answer to its kind of question contains; "
               f"the overall is the average of {n} answer{'s' if n != 1 else ''}, from "
               f"{round(lowest.analysis.overall * 100)} (question {lowest.number}) to "
               f"{round(highest.analysis.overall * 100)} (question {highest.number}).")
    return {"summary": summary, "levers": levers,
            "weakest_dimension": {"key": weakest[0], "label": DIMENSIONS[weakest[0]], "score": weakest[1]}
            if weakest else None}
