"""Interview panels: who the interviewers are, which of them asks each question, what is said
between them, and what each of them heard from the candidate.

A real second round or final is often a panel: a hiring manager, a senior leader, a future
peer, someone from the people team, a technical lead. Each person tends to ask about what their
job makes them care about. A script may say which kind of interviewer asks a question
(`asked_by:`); otherwise the question's category decides. Everything here is pure: the same
plan and panel always give the same assignment, so a resumed interview hears the same voices.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_PANEL = 4
MAX_NAME = 60
MAX_TITLE = 80

HIRING_MANAGER = "hiring_manager"
SENIOR_LEADER = "senior_leader"
PEER = "peer"
PEOPLE_PARTNER = "people_partner"
TECHNICAL_LEAD = "technical_lead"

# Every kind of interviewer, with how the bot describes what they listen for.
INTERVIEWER_KINDS: dict[str, str] = {
    HIRING_MANAGER: "the role and the results you would deliver",
    SENIOR_LEADER: "judgement, direction and motivation",
    PEER: "how you work with colleagues day to day",
    PEOPLE_PARTNER: "values, pay and the practical details",
    TECHNICAL_LEAD: "depth in your craft",
}
DEFAULT_KIND = HIRING_MANAGER  # a title the bot cannot place: most panels are led by the role's manager

# Title words for each kind, most specific first: "Head of People" is a people partner, not a
# leader; "Staff Engineer" is a technical lead, "Software Engineer" a peer.
_KIND_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (PEOPLE_PARTNER, ("people", "talent", "recruit", "hr", "human resources", "hrbp", "culture",
                      "sourcer", "people partner", "head of people", "chief people")),
    (TECHNICAL_LEAD, ("tech lead", "technical lead", "lead engineer", "staff", "principal",
                      "architect", "lead developer", "lead designer", "lead data", "lead analyst",
                      "lead scientist", "distinguished", "expert")),
    (SENIOR_LEADER, ("ceo", "cto", "cfo", "coo", "cmo", "cpo", "chief", "founder", "co-founder",
                     "president", "vp", "vice president", "director", "partner", "head of",
                     "general manager", "managing director", "svp", "evp")),
    (HIRING_MANAGER, ("manager", "hiring", "team lead", "lead", "supervisor", "head")),
    (PEER, ("engineer", "developer", "analyst", "designer", "scientist", "associate",
            "representative", "consultant", "colleague", "peer", "coordinator", "executive assistant",
            "specialist", "member", "teammate", "account executive", "researcher", "officer")),
)

# Who asks each category when the script does not say: the kinds in order of preference.
CATEGORY_ASKERS: dict[str, tuple[str, ...]] = {
    "opening": (HIRING_MANAGER, SENIOR_LEADER),
    "about_yourself": (HIRING_MANAGER, PEER),
    "previous_round": (HIRING_MANAGER, PEOPLE_PARTNER),
    "qualifications": (TECHNICAL_LEAD, HIRING_MANAGER),
    "behavioural": (HIRING_MANAGER, PEER),
    "weakness": (HIRING_MANAGER, PEOPLE_PARTNER),
    "role_fit": (HIRING_MANAGER, TECHNICAL_LEAD),
    "company_research": (SENIOR_LEADER, HIRING_MANAGER),
    "culture_values": (PEOPLE_PARTNER, PEER),
    "motivation": (SENIOR_LEADER, PEOPLE_PARTNER),
    "leaving_job": (PEOPLE_PARTNER, HIRING_MANAGER),
    "ideas": (SENIOR_LEADER, HIRING_MANAGER),
    "salary_benefits": (PEOPLE_PARTNER, HIRING_MANAGER),
    "offers_timeline": (PEOPLE_PARTNER, HIRING_MANAGER),
    "candidate_questions": (HIRING_MANAGER,),
    "closing": (HIRING_MANAGER, SENIOR_LEADER),
    "case_presentation": (HIRING_MANAGER,),
    "case_challenge": (SENIOR_LEADER, TECHNICAL_LEAD, PEER),
    "strategy": (SENIOR_LEADER, HIRING_MANAGER),
}
# Questions the panel's lead asks whoever the script names: the welcome, the candidate's own
# questions and the goodbye are the chair's.
LEAD_CATEGORIES = frozenset({"opening", "candidate_questions", "closing"})

# Words a question to each kind of interviewer tends to use ("a question for each").
_KIND_TOPICS: dict[str, tuple[str, ...]] = {
    HIRING_MANAGER: ("team", "role", "success", "first", "month", "expect", "priorit", "goal",
                     "manage", "measure"),
    SENIOR_LEADER: ("strateg", "direction", "vision", "year", "company", "market", "future",
                    "leader", "growth", "plan", "board"),
    PEER: ("day", "week", "work together", "collaborat", "you enjoy", "your work", "together",
           "how do you", "team"),
    PEOPLE_PARTNER: ("culture", "value", "benefit", "develop", "learning", "career", "onboard",
                     "process", "next step", "timeline", "flexib", "support"),
    TECHNICAL_LEAD: ("stack", "tool", "architect", "technical", "debt", "code", "review",
                     "quality", "standard", "data", "method"),
}


class PanelError(ValueError):
    """What was typed for the panel cannot be used; the message is written for the candidate."""


@dataclass(frozen=True, slots=True)
class Interviewer:
    name: str
    title: str
    kind: str

    @property
    def first_name(self) -> str:
        words = self.name.split()
        if len(words) > 1 and words[0].rstrip(".").lower() in _HONORIFICS:
            return words[-1]
        return words[0] if words else self.name

    @property
    def label(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "kind": self.kind}


_HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def interviewer_kind(title: str) -> str:
    """What kind of interviewer a job title suggests ("Head of Data" -> senior leader,
    "Senior Software Engineer" -> peer); `DEFAULT_KIND` for a title the bot cannot place."""
    folded = " " + re.sub(r"[^a-z0-9+-]+", " ", title.lower()).strip() + " "
    for kind, hints in _KIND_HINTS:
        for hint in hints:
            if f" {hint} " in folded or (len(hint) > 4 and f" {hint}" in folded):
                return kind
    return DEFAULT_KIND


def parse_interviewer(text: str) -> dict[str, str]:
    """'Dana Lee, Head of Data' -> {'name': 'Dana Lee', 'title': 'Head of Data', 'kind': ...}.
    Spaces are tidied; the name is what comes before the first comma. Raises PanelError for an
    empty name, or a name or title too long to be one."""
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    name, _, title = cleaned.partition(",")
    name, title = name.strip(), " ".join(title.split()).strip(" ,")
    if not name:
        raise PanelError(f"Each interviewer needs a name, as \"Name, Title\" (got {cleaned[:40]!r}).")
    if len(name) > MAX_NAME:
        raise PanelError(f"An interviewer's name is {len(name)} characters; keep it under {MAX_NAME}.")
    if len(title) > MAX_TITLE:
        raise PanelError(f"An interviewer's title is {len(title)} characters; keep it under {MAX_TITLE}.")
    return Interviewer(name, title, interviewer_kind(title)).to_dict()


def parse_panel(entries: Sequence[str]) -> list[dict[str, str]]:
    """Every interviewer typed (each entry may hold several, separated by ';'), in order.
    Blank entries are ignored; more than `MAX_PANEL` is refused (PanelError)."""
    people = [part for entry in entries for part in entry.split(";") if part.strip()]
    if len(people) > MAX_PANEL:
        raise PanelError(f"That is {len(people)} interviewers; a panel here has at most {MAX_PANEL}.")
    return [parse_interviewer(person) for person in people]


def panel_of(interviewers: Sequence[Mapping[str, Any]]) -> list[Interviewer]:
    """The panel from a stored context (older sessions stored no kind: it is worked out)."""
    panel = []
    for raw in interviewers[:MAX_PANEL]:
        name = str(raw.get("name") or "").strip()
        if not name:
            continue
        title = str(raw.get("title") or "").strip()
        kind = str(raw.get("kind") or "")
        panel.append(Interviewer(name, title, kind if kind in INTERVIEWER_KINDS else interviewer_kind(title)))
    return panel


def assign_askers(questions: Sequence[tuple[str, str]], panel: Sequence[Interviewer]) -> list[int | None]:
    """Who asks each question: for each (category, asked_by) in the plan, the index of the
    interviewer in `panel`, or None when no panel was given.

    The script's `asked_by` kind (else the category's preferred kinds) picks among the panel;
    several people of one kind take turns; the lead (the first named) chairs the welcome, the
    candidate's questions and the goodbye, and asks what nobody else fits. Then everyone on the
    panel asks at least one question when there are enough: someone who got none takes a
    question from whoever has the most, preferring one their kind would ask."""
    if not panel:
        return [None] * len(questions)
    by_kind: dict[str, list[int]] = {}
    for index, person in enumerate(panel):
        by_kind.setdefault(person.kind, []).append(index)
    turns: dict[str, int] = {}
    chosen: list[int | None] = []
    for category, asked_by in questions:
        if category in LEAD_CATEGORIES and not asked_by:
            chosen.append(0)
            continue
        wanted = (asked_by,) if asked_by else ()
        wanted += CATEGORY_ASKERS.get(category, ())
        pick = 0
        for kind in wanted:
            if kind in by_kind:
                people = by_kind[kind]
                pick = people[turns.get(kind, 0) % len(people)]
                turns[kind] = turns.get(kind, 0) + 1
                break
        chosen.append(pick)
    movable = [i for i, (category, _) in enumerate(questions) if category not in LEAD_CATEGORIES]
    for person in range(len(panel)):
        if person in chosen:
            continue
        counts = {p: sum(1 for i in movable if chosen[i] == p) for p in range(len(panel))}
        donors = [p for p in counts if counts[p] > 1]
        if not donors:
            break  # too few questions for everyone: the rest listen
        donor = max(donors, key=lambda p: (counts[p], -p))
        options = [i for i in movable if chosen[i] == donor]
        liked = [i for i in options if panel[person].kind in CATEGORY_ASKERS.get(questions[i][0], ())]
        chosen[(liked or options)[-1]] = person
    return chosen


_HANDOVERS = (
    "{previous} hands over to {next}.",
    "\"I'll pass you to {next} now,\" says {previous}.",
    "{previous} nods to {next}, who picks up from here.",
    "\"{next_first}, over to you,\" says {previous}.",
)
_INTRODUCED = "{next}, {title}, joins the conversation."  # shown in brackets: none inside


def handover_line(previous: Interviewer | None, following: Interviewer, number: int, *,
                  first_time: bool) -> str:
    """A short line between two interviewers, as a real panel passes the conversation on.
    `number` (the question's position) varies the wording; `first_time` says the new voice has
    not spoken yet, so their title is given."""
    if previous is None or previous is following:
        return ""
    if first_time and following.title:
        return _INTRODUCED.format(next=following.name, title=following.title)
    template = _HANDOVERS[number % len(_HANDOVERS)]
    return template.format(previous=previous.first_name, next=following.name,
                           next_first=following.first_name)


# --- what each interviewer heard --------------------------------------------------------

_THANKS = re.compile(r"\b(?:thank\w*|appreciate\w*|grateful|enjoyed)\b", re.IGNORECASE)


def _mentions(text: str, name: str) -> bool:
    return bool(name) and re.search(r"\b" + re.escape(name.lower()) + r"\b", text.lower()) is not None


def _questions_in(text: str) -> list[str]:
    return [q.strip() + "?" for line in text.split("\n") if "?" in line
            for q in line.split("?")[:-1] if q.strip()]


def panel_facts(panel: Sequence[Interviewer], answers: Sequence[Mapping[str, Any]],
                askers: Sequence[int | None]) -> list[dict[str, Any]]:
    """Per interviewer, what they heard: how many questions they asked, the candidate's best and
    weakest answer to them, whether the closing and the candidate's own questions reached them
    (thanked by name; a question for them: naming them, put to them when they asked for the
    candidate's questions, or about what their title says they care about; one person a question).

    `answers` are the report's entries (number, question_id, category, score, skipped, text,
    key_point) for the questions reached, `askers` the asker index of each, in the same order."""
    if not panel:
        return []
    closing_text = " ".join(str(a.get("text") or "") for a in answers
                            if a.get("category") in {"closing", "candidate_questions"} and not a.get("skipped"))
    # Each question the candidate asked, with who invited it (the asker of "your questions").
    asked = [(q, who) for a, who in zip(answers, askers, strict=False)
             if a.get("category") == "candidate_questions" and not a.get("skipped")
             for q in _questions_in(str(a.get("text") or ""))]
    thanked_all = bool(_THANKS.search(closing_text)) and bool(
        re.search(r"\b(?:all|everyone|each of you|both of you|all of you|the panel)\b", closing_text, re.I))
    for_them = _question_for_each(panel, asked)
    facts = []
    for index, person in enumerate(panel):
        theirs = [a for a, who in zip(answers, askers, strict=False) if who == index]
        rated = [a for a in theirs if not a.get("skipped") and a.get("score") is not None
                 and a.get("category") != "opening"]
        best = max(rated, key=lambda a: (a["score"], -a["number"]), default=None)
        weakest = min(rated, key=lambda a: (a["score"], a["number"]), default=None)
        if weakest is best:
            weakest = None
        named = _mentions(closing_text, person.first_name) or _mentions(closing_text, person.name)
        facts.append({
            "name": person.name, "title": person.title, "kind": person.kind,
            "listens_for": INTERVIEWER_KINDS[person.kind],
            "asked": len(theirs),
            "best": _brief(best), "weakest": _brief(weakest),
            "thanked": named and bool(_THANKS.search(closing_text)),
            "thanked_all": thanked_all,
            "named": named,
            "question_for_them": for_them.get(index, ""),
        })
    return facts


def _question_for_each(panel: Sequence[Interviewer],
                       asked: Sequence[tuple[str, int | None]]) -> dict[int, str]:
    """Which of the candidate's questions was for whom, one person per question (a question
    cannot count for two people), reaching as many of the panel as the questions can.

    A question that names someone is theirs. Otherwise it was for the person who invited it, or
    for someone whose title says they care about its topic (a person with no title has no known
    topics). The inviter is preferred, then the panel's order."""
    eligible: list[list[int]] = []
    for question, inviter in asked:
        named = [i for i, p in enumerate(panel)
                 if _mentions(question, p.first_name) or _mentions(question, p.name)]
        if named:
            eligible.append(named)
            continue
        topical = [i for i, p in enumerate(panel) if p.title
                   and any(t in question.lower() for t in _KIND_TOPICS.get(p.kind, ()))]
        first = [inviter] if inviter is not None and 0 <= inviter < len(panel) else []
        eligible.append(first + [i for i in topical if i not in first])
    owner: dict[int, int] = {}  # person -> the question (index in `asked`) counted for them

    def place(q: int, tried: set[int]) -> bool:
        # Kuhn's augmenting path: take a free person, or move a question off someone to free them.
        for person in eligible[q]:
            if person in tried:
                continue
            tried.add(person)
            if person not in owner or place(owner[person], tried):
                owner[person] = q
                return True
        return False

    for q in range(len(asked)):
        place(q, set())
    return {person: asked[q][0] for person, q in owner.items()}


def _brief(answer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    return {"number": answer["number"], "question_id": answer["question_id"], "score": answer["score"],
            "category_label": answer.get("category_label", ""), "quote": answer.get("key_point", "")}
