"""How the candidate's own material meets the job: the requirement map (which STAR story proves
each requirement), what a tailored script is given, and, after a mock interview, which
must-haves the answers gave evidence for and how the answers used the résumé. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.document_text import key_terms, overlap, sentences
from bot.core.feedback import ScoredAnswer
from bot.core.job_description import MUST, JobDescription, Requirement
from bot.core.models import StarStory
from bot.core.resume import Resume, Role, has_figure
from bot.core.stories import skill_concepts
from bot.core.text import shorten

MAX_GAP_QUESTIONS = 3  # the scripts ask about at most this many must-haves with no story
SUGGEST_AT = 2.0  # a story's fit to a requirement must reach this to be suggested
NO_STORY = 0  # a choice stored as "no story fits this requirement"


@dataclass(frozen=True, slots=True)
class MapEntry:
    """One requirement and the story that proves it (chosen by the candidate, or suggested)."""

    index: int  # the requirement's place in the job's list: stable, the job is never edited
    requirement: Requirement
    story: StarStory | None
    chosen: bool  # the candidate picked (or accepted) this; False: a suggestion or nothing

    @property
    def status(self) -> str:
        if self.story is None:
            return "none"
        return "chosen" if self.chosen else "suggested"


def story_fit(story: StarStory, text: str) -> float:
    """How well a story fits a requirement's wording: shared skill concepts count most, then
    the requirement's key words in the story's skills and title, then in its STAR parts."""
    wanted_concepts, wanted = skill_concepts(text), key_terms(text)
    if not wanted and not wanted_concepts:
        return 0.0
    labels = f"{story.title} {story.skills}"
    body = " ".join((story.situation, story.task, story.action, story.result))
    score = 2.0 * len(wanted_concepts & skill_concepts(labels))
    score += 0.5 * len(wanted_concepts & skill_concepts(body) - skill_concepts(labels))
    score += 1.5 * overlap(wanted, key_terms(labels))
    score += 0.5 * overlap(wanted, key_terms(body) - key_terms(labels))
    return score


def requirement_map(job: JobDescription, stories: Sequence[StarStory],
                    chosen: Mapping[int, int] | None = None) -> list[MapEntry]:
    """Each requirement (must-haves first) with its story: the one the candidate chose (story id
    `NO_STORY` means they said none fits), else the best-fitting story when it fits well enough.
    A chosen story that was deleted since falls back to a suggestion."""
    chosen = chosen or {}
    by_id = {s.id: s for s in stories}
    entries: list[MapEntry] = []
    order = sorted(enumerate(job.requirements), key=lambda item: (item[1].kind != MUST, item[0]))
    for index, requirement in order:
        pick = chosen.get(index)
        if pick == NO_STORY:
            entries.append(MapEntry(index, requirement, None, True))
            continue
        if pick is not None and pick in by_id:
            entries.append(MapEntry(index, requirement, by_id[pick], True))
            continue
        best = max(stories, key=lambda s: (story_fit(s, requirement.text), -s.id), default=None)
        fits = best is not None and story_fit(best, requirement.text) >= SUGGEST_AT
        entries.append(MapEntry(index, requirement, best if fits else None, False))
    return entries


def map_lines(entries: Sequence[MapEntry], *, kinds: Sequence[str] = (MUST,)) -> list[dict[str, Any]]:
    """The map as plain data for templates (the day-before nudge, the job card)."""
    return [{"requirement": e.requirement.text, "kind": e.requirement.kind, "status": e.status,
             "story": e.story.title if e.story else ""} for e in entries if e.requirement.kind in kinds]


# --- what a tailored script is given ----------------------------------------------------------

def job_context(job: JobDescription, entries: Sequence[MapEntry]) -> dict[str, Any]:
    """The `job` a script sees (documented in prompts/interviews/README.md)."""
    must = [e for e in entries if e.requirement.kind == MUST]
    gaps = [e.requirement.text for e in must if e.story is None][:MAX_GAP_QUESTIONS]
    # The must-have a script asks about by name: one the candidate has a story for, else the
    # first one not already asked about as a gap.
    headline = next((e.requirement.text for e in must if e.story is not None), "") or next(
        (e.requirement.text for e in must if e.requirement.text not in gaps), "")
    return {
        "title": job.title, "company": job.company,
        "must_have": [r.text for r in job.must_have], "nice_to_have": [r.text for r in job.nice_to_have],
        "responsibilities": list(job.responsibilities), "skills": list(job.skills),
        "seniority": list(job.seniority), "stated_values": list(job.values),
        "requirements": [{"text": e.requirement.text, "kind": e.requirement.kind,
                          "story": e.story.title if e.story else ""} for e in entries],
        "with_story": [e.requirement.text for e in must if e.story is not None],
        "gaps": gaps, "headline": headline,
    }


def resume_context(resume: Resume) -> dict[str, Any]:
    """The `resume` a script sees."""
    return {
        "roles": [{"title": r.title, "employer": r.employer, "dates": r.dates, "bullets": list(r.bullets)}
                  for r in resume.roles],
        "strongest": [_bullet(role, text) for role, text in resume.strongest()],
    }


def _bullet(role: Role, text: str) -> dict[str, str]:
    return {"text": text.rstrip("."), "employer": role.employer, "title": role.title}


# --- the report: evidence for the job's must-haves ---------------------------------------------

_EVIDENCE_MIN_WORDS = 25  # an answer shorter than this proves nothing


def _evidence(terms: frozenset[str], concepts: set[str], answer: ScoredAnswer) -> tuple[int, str] | None:
    """(strength, quote) when the answer speaks to these terms, else None."""
    if answer.skipped or not answer.text.strip() or answer.analysis is None \
            or answer.analysis.words < _EVIDENCE_MIN_WORDS:
        return None
    answer_terms = key_terms(answer.text)
    hits = overlap(terms, answer_terms)
    concept_hits = len(concepts & skill_concepts(answer.text))
    needed = 1 if len(terms) <= 2 else 2
    if hits < needed and not (hits >= 1 and concept_hits >= 1):
        return None
    best = max(sentences(answer.text), key=lambda s: (overlap(terms, key_terms(s)), has_figure(s)),
               default="")
    return hits * 2 + concept_hits, shorten(best, 160)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _asking(scored: Sequence[ScoredAnswer], text: str) -> ScoredAnswer | None:
    """The first question whose wording quotes `text` (a requirement or a résumé line)."""
    wanted = _plain(text.rstrip("."))
    return next((s for s in scored if wanted and wanted in _plain(s.question_text)), None)


def job_coverage(scored: Sequence[ScoredAnswer], job: Mapping[str, Any], *,
                 practice: bool = False) -> dict[str, Any]:
    """Which must-have requirements the answers gave evidence for (with the answer that
    covered each, quoted) and which they never touched. `job` is the script context's job.

    A practice run asks a question or two, so it is judged only by what it asked: a must-have
    no answer covered is listed only when one of its questions named it (with that question's
    number), never as a gap the run could not have filled."""
    covered, untouched = [], []
    for text in job.get("must_have") or []:
        terms, concepts = key_terms(text), skill_concepts(text)
        found = [(ev, s) for s in scored if (ev := _evidence(terms, concepts, s)) is not None]
        if found:
            (_, quote), answer = max(found, key=lambda item: (item[0][0], -item[1].number))
            covered.append({"requirement": text, "question_number": answer.number, "quote": quote})
        elif not practice:
            untouched.append({"requirement": text})
        elif (asked := _asking(scored, text)) is not None:
            untouched.append({"requirement": text, "question_number": asked.number})
    return {"title": job.get("title") or "", "covered": covered, "untouched": untouched}


# --- the report: the résumé's strongest bullets ------------------------------------------------

_FIGURE = re.compile(r"([$£€])?\s?(\d[\d,]*(?:\.\d+)?)\s?(%|percent\b|x\b|k\b|m\b)?", re.I)


def _figures(text: str) -> set[tuple[str, str]]:
    """(kind, value) of the percentages, amounts and multiples in a text (years left out)."""
    found = set()
    for currency, number, unit in _FIGURE.findall(text):
        value = number.replace(",", "")
        kind = "%" if unit.lower() in ("%", "percent") else (currency or unit.lower())
        if kind:
            found.add((kind, value))
    return found


def resume_use(scored: Sequence[ScoredAnswer], resume: Mapping[str, Any], *,
               practice: bool = False) -> list[dict[str, Any]]:
    """For each of the résumé's strongest bullets: used (the answer that told it), contradicted
    (an answer on the same achievement gives another figure of the same kind), or never used.
    In a practice run (see `job_coverage`) a line no answer used is listed only when one of its
    questions quoted it."""
    notes = []
    for bullet in resume.get("strongest") or []:
        text = str(bullet.get("text", ""))
        terms = key_terms(text)
        figures = _figures(text)
        told = [(ev, s) for s in scored if (ev := _evidence(terms, set(), s)) is not None]
        entry: dict[str, Any] = {"bullet": text, "employer": bullet.get("employer", ""), "status": "unused"}
        if told:
            (_, quote), answer = max(told, key=lambda item: (item[0][0], -item[1].number))
            entry.update(status="used", question_number=answer.number, quote=quote)
            said = _figures(answer.text)
            kinds = {k for k, _ in figures}
            clash = sorted(v for k, v in said if k in kinds and (k, v) not in figures)
            if figures and clash and not figures & said:
                entry.update(status="contradicted", resume_figure=", ".join(
                    _show(k, v) for k, v in sorted(figures)), said_figure=", ".join(
                    _show(k, v) for k, v in sorted(said) if k in kinds))
        elif practice:
            if (asked := _asking(scored, text)) is None:
                continue
            entry["question_number"] = asked.number
        notes.append(entry)
    return notes


def _show(kind: str, value: str) -> str:
    return f"{kind}{value}" if kind in "$£€" else f"{value}{kind}"
