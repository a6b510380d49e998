"""Reading a résumé: the roles (title, employer, dates) and the achievement bullets under each,
and which bullets are the strongest (a result with a number, said with an action verb). Pure and
deterministic, like the job description reader."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bot.core.document_text import check_document, clip, sentences, split_lines, tidy

MAX_ROLES = 15
MAX_BULLETS = 12  # per role
STRONGEST = 3

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_POINT = rf"(?:{_MONTH}\s+\d{{4}}|\d{{1,2}}/\d{{4}}|\d{{4}})"
_DATES = re.compile(rf"({_POINT})\s*(?:-|–|—|to|until)\s*({_POINT}|present|current|now|today|date)", re.I)
_SECTION = re.compile(r"^(?:(work |professional |relevant |employment )?(experience|history)|employment|"
                      r"career|work|positions held|education|skills|projects|summary|profile|"
                      r"certifications?|languages|interests|awards|publications|volunteering|"
                      r"references|contact|about me|key skills|technical skills)$", re.I)
_EXPERIENCE = re.compile(r"experience|employment|history|career|work|positions", re.I)
_TITLE_WORDS = re.compile(r"\b(engineer|developer|analyst|manager|designer|scientist|lead|director|"
                          r"specialist|coordinator|consultant|associate|executive|representative|"
                          r"owner|architect|administrator|officer|head|advisor|adviser|strategist|"
                          r"researcher|writer|editor|marketer|recruiter|accountant|intern|assistant|"
                          r"technician|operator|agent|principal|vp|president|planner|buyer|founder|"
                          r"co-founder|teacher|nurse|supervisor|clerk|chef|cashier)\b", re.I)
_SEPARATORS = re.compile(r"\s*(?:\||—|–|\s-\s|,|·|•|\bat\b|@)\s*")
_ACTION = re.compile(r"^(led|built|cut|reduced|grew|increased|launched|designed|created|delivered|"
                     r"drove|improved|managed|owned|ran|shipped|saved|negotiated|automated|"
                     r"introduced|rebuilt|migrated|scaled|won|closed|hired|mentored|trained|"
                     r"developed|implemented|established|founded|doubled|tripled|halved|raised|"
                     r"secured|streamlined|redesigned|spearheaded|lowered|boosted|generated)\b", re.I)
_NUMBER = re.compile(r"(?:[$£€]\s?\d[\d,.]*\s?[kmb]?\b|\d[\d,.]*\s?(?:%|percent\b|x\b|k\b|m\b)|"
                     r"\b\d[\d,.]*\b)", re.I)
_YEAR_ONLY = re.compile(r"^(19|20)\d{2}$")


@dataclass(frozen=True, slots=True)
class Role:
    title: str
    employer: str
    dates: str
    bullets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Resume:
    roles: tuple[Role, ...]

    @property
    def bullets(self) -> list[tuple[Role, str]]:
        return [(role, bullet) for role in self.roles for bullet in role.bullets]

    def strongest(self, limit: int = STRONGEST) -> list[tuple[Role, str]]:
        """The achievements most worth probing: a figure, an action verb, then the most recent."""
        ranked = sorted(enumerate(self.bullets), key=lambda item: (-bullet_strength(item[1][1]), item[0]))
        return [pair for _, pair in ranked[:limit] if bullet_strength(pair[1]) > 0]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Resume:
        return cls(tuple(Role(str(r.get("title", "")), str(r.get("employer", "")), str(r.get("dates", "")),
                              tuple(str(b) for b in r.get("bullets") or []))
                         for r in data.get("roles") or []))


def has_figure(text: str) -> bool:
    return any(not _YEAR_ONLY.match(m.group(0).strip()) for m in _NUMBER.finditer(text))


def bullet_strength(text: str) -> int:
    """2 for a figure, 1 for an opening action verb, 1 for a stated result ("by", "from ... to")."""
    score = 2 if has_figure(text) else 0
    score += 1 if _ACTION.search(text) else 0
    score += 1 if re.search(r"\b(by|from .+ to|resulting in|which|so that|saving)\b", text, re.I) else 0
    return score if score >= 2 else 0


def _role_header(text: str, previous: str) -> tuple[str, str, str] | None:
    """(title, employer, dates) from a line with dates in it (and the line before it, when the
    dated line holds only the employer or only the dates)."""
    match = _DATES.search(text)
    if match is None:
        return None
    dates = tidy(match.group(0))
    rest = tidy(_SEPARATORS.sub("|", (text[: match.start()] + " " + text[match.end():]).strip(" ()|,-–—")))
    parts = [p.strip(" ()") for p in rest.split("|") if p.strip(" ()")]
    if len(parts) < 2 and previous:
        parts = [p.strip() for p in _SEPARATORS.sub("|", previous).split("|") if p.strip()] + parts
    title = next((p for p in parts if _TITLE_WORDS.search(p)), "")
    employer = next((p for p in parts if p != title), "")
    if not title and parts:
        title = parts[0]
        employer = parts[1] if len(parts) > 1 else ""
    return clip(title, 100), clip(employer, 100), dates


def read_resume(text: str) -> Resume:
    """Read a résumé. Raises DocumentError when there is nothing to read."""
    lines = split_lines(check_document(text, "résumé"))
    in_experience: bool | None = None  # None: no section headings seen yet
    roles: list[list[Any]] = []  # [title, employer, dates, bullets]
    waiting: list[str] = []  # short undated lines since the last role or bullet: a header's start
    for line in lines:
        heading = not line.bullet and len(line.text) <= 40 and (
            line.heading or bool(_SECTION.match(line.text.strip(" :").lower())))
        if heading and not _DATES.search(line.text):
            in_experience = bool(_EXPERIENCE.search(line.text))
            waiting = []
            continue
        if in_experience is False:
            continue
        header = None if line.bullet else _role_header(line.text, " | ".join(waiting[-2:]))
        if header is not None:
            roles.append([*header, []])
            waiting = []
            continue
        if not line.bullet and len(line.text.split()) <= 8:
            waiting.append(line.text)
        else:
            waiting = []
        if line.bullet or (roles and len(line.text.split()) > 6):
            items = [line.text] if line.bullet else sentences(line.text)
            if not roles:
                roles.append(["", "", "", []])
            roles[-1][3].extend(i for i in items if len(i.split()) >= 3)
    return Resume(tuple(Role(t, e, d, tuple(dict.fromkeys(clip(b) for b in bullets))[:MAX_BULLETS])
                        for t, e, d, bullets in roles[:MAX_ROLES] if bullets or t))


def resume_summary(resume: Resume) -> Sequence[str]:
    return [f"{r.title} at {r.employer}" if r.employer else r.title for r in resume.roles if r.title]
