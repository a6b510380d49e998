"""Reading a job description the way a careful candidate does: the title, the company, what is
required and what is only nice to have, the duties, the skills and tools named, the signals of
seniority, and the values the company says it holds. Deterministic and pure: the same text is
always read the same way, so the candidate can check what was read (`/prep job show`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.core.document_text import (
    Line,
    check_document,
    clip,
    sentences,
    split_lines,
    tidy,
)

MAX_ITEMS = 25  # per list: one select menu or autocomplete can offer them all
MUST, NICE = "must", "nice"

# Headings, by the section they open. Checked in this order: "preferred qualifications" is nice
# to have before "qualifications" makes it a requirement.
_SECTION_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (section, re.compile(pattern, re.IGNORECASE)) for section, pattern in (
        ("ignore", r"\b(benefits|perks|what we offer|we offer|compensation|salary|pay|how to apply|"
                   r"equal opportunit\w*|diversity|application process|interview process)\b"),
        ("nice", r"\b(nice[- ]to[- ]haves?|bonus|preferred|desirable|desired|pluses|a plus|"
                 r"would be (great|nice)|extra credit|even better|ideally|it'?s a plus)\b"),
        ("values", r"\b(our values|values|culture|how we work|what we believe|principles|"
                   r"what we stand for|life at)\b"),
        ("must", r"\b(requirements?|required|qualifications?|must[- ]haves?|what you('ll)? (need|bring)|"
                 r"you have|you are|about you|who you are|what we'?re looking for|we'?re looking for|"
                 r"looking for|essential|skills (and|&) experience|experience (and|&) skills|"
                 r"your (background|profile|experience)|what you bring|you bring|you should have|"
                 r"you'll have|you will have|the ideal candidate)\b"),
        ("duties", r"\b(what you('ll| will)? (do|be doing|work on)|responsibilit\w*|the role|your role|"
                   r"the job|day[- ]to[- ]day|in this role|you will|you'll|duties|your mission|"
                   r"the opportunity|what the job involves|key tasks|your impact|the work)\b"),
        ("skills", r"\b(skills|tech stack|our stack|stack|tools|technolog\w*|toolkit)\b"),
        ("about", r"\b(about us|about the company|who we are|our mission|our story|the company|"
                  r"about [A-Z][\w&.' -]{1,40}|why join|why us|our team|the team)\b"),
    ))
# Cues for a line under no heading (a description written as one block, or bullets before the
# first heading).
_NICE_CUE = re.compile(r"\b(nice to have|a plus|a bonus|bonus points|is a plus|preferred|ideally|"
                       r"desirable|would be great|would be nice|even better|not required)\b", re.I)
_DUTY_CUE = re.compile(r"^(you will|you'll|you'd|in this role|responsible for|as (a|an|the) \w+,? you|"
                       r"your (day|job|work)|own(ing)?\b|lead(ing)?\b|build(ing)?\b|design(ing)?\b|"
                       r"manag(e|ing)\b|run(ning)?\b|drive|driving|partner(ing)? with|work(ing)? (with|"
                       r"closely|across)|support(ing)?\b|develop(ing)?\b|creat(e|ing)\b|deliver(ing)?\b|"
                       r"analy[sz](e|ing)\b|report(ing)?\b|collaborat)", re.I)
_MUST_CUE = re.compile(r"\b(experience|years|proficien|knowledge of|ability to|able to|degree|must|"
                       r"required|strong|solid|familiar(ity)? with|background in|track record|skilled|"
                       r"expert|fluent|comfortable with|understanding of|certif|qualified|"
                       r"you have|you are|you can)\b", re.I)
_VALUE_CUE = re.compile(r"\b(we value|our values|we believe|we care (deeply )?about|we prize|"
                        r"values? (are|is|include)|guided by)\b", re.I)
_VALUE_LIST = re.compile(r"\b(?:our (?:core )?values (?:are|include)|we value|we care (?:deeply )?about|"
                         r"we prize|guided by)\s*:?\s*(.+)", re.I)

_TITLE_FIELD = re.compile(r"^(?:job title|title|role|position|job)\s*[:\-–]\s*(.+)$", re.I)
_COMPANY_FIELD = re.compile(r"^(?:company|employer|organi[sz]ation)\s*[:\-–]\s*(.+)$", re.I)
_HIRING = re.compile(r"\b(?:hiring|looking for|seeking|searching for)\s+(?:an?|our (?:next|first))\s+"
                     r"([A-Z][\w/&+.-]*(?:\s+(?:[A-Z][\w/&+.-]*|of|and|&|-)){0,6})")
_JOIN_AS = re.compile(r"\bjoin (?:us|our team) as (?:an?|the|our)\s+"
                      r"([A-Z][\w/&+.-]*(?:\s+(?:[A-Z][\w/&+.-]*|of|and|&)){0,6})")
_COMPANY_PHRASES = (
    re.compile(r"\bAt ([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3}),\s+(?:we|our)\b"),
    re.compile(r"\bJoin ([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})\b(?! us| our| the| a)"),
    re.compile(r"\b([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3}) is (?:hiring|looking for|seeking|growing)\b"),
    re.compile(r"^About ([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})$"),
)
_NOT_A_COMPANY = frozenset({"us", "the", "the company", "the role", "you", "this role", "the team", "our",
                            "we", "our team", "role", "job", "it", "this", "there", "here", "today",
                            "the job", "company", "team"})
_ROLE_WORDS = re.compile(r"\b(engineer|developer|analyst|manager|designer|scientist|lead|director|"
                         r"specialist|coordinator|consultant|associate|executive|representative|"
                         r"owner|architect|administrator|officer|head|advisor|adviser|strategist|"
                         r"researcher|writer|editor|marketer|recruiter|accountant|intern|assistant|"
                         r"technician|operator|agent|partner|principal|vp|president|planner|buyer)\b", re.I)
_SENIORITY_TITLE = re.compile(r"\b(junior|graduate|entry[- ]level|mid[- ]level|senior|sr\.?|lead|"
                              r"principal|staff|head of|director|vp|vice president|chief|manager)\b", re.I)
_YEARS = re.compile(r"\b(\d{1,2})\s*\+?\s*(?:-\s*\d{1,2}\s*)?(?:years?|yrs)\b(?:\s+of)?", re.I)
_SENIORITY_CUES = (
    (re.compile(r"\b(manage|managing|line[- ]manage|lead|leading) (a |the )?(team|group|people|squad)\b", re.I),
     "leading a team"),
    (re.compile(r"\bmentor", re.I), "mentoring others"),
    (re.compile(r"\b(own|owning|set|setting) (the )?(roadmap|strategy|vision|direction)\b", re.I),
     "setting direction"),
    (re.compile(r"\b(report(s|ing)? (directly )?to (the )?(ceo|cto|cfo|coo|vp|founder|head|director))\b", re.I),
     "reporting to senior leadership"),
    (re.compile(r"\b(no experience (is )?(required|needed)|entry[- ]level|graduate scheme|first job)\b", re.I),
     "open to newcomers"),
)
# Tools and skills named often enough to recognise anywhere in the text (written as they are
# usually written; matched case-insensitively on word boundaries).
TOOLS = (
    "SQL", "Python", "R", "Excel", "Google Sheets", "Tableau", "Power BI", "Looker", "dbt", "Snowflake",
    "BigQuery", "Redshift", "Spark", "Airflow", "Pandas", "Jupyter", "Java", "JavaScript", "TypeScript",
    "Go", "Golang", "Rust", "C#", "C++", "Ruby", "Rails", "PHP", "Kotlin", "Swift", "React", "Vue",
    "Angular", "Node.js", "Django", "Flask", "FastAPI", "GraphQL", "REST", "AWS", "GCP", "Azure",
    "Docker", "Kubernetes", "Terraform", "Linux", "Git", "CI/CD", "PostgreSQL", "MySQL", "MongoDB",
    "Redis", "Kafka", "Figma", "Sketch", "Adobe XD", "Photoshop", "Illustrator", "Miro", "Jira",
    "Confluence", "Asana", "Notion", "Salesforce", "HubSpot", "Zendesk", "Intercom", "Marketo",
    "Google Analytics", "Amplitude", "Mixpanel", "Optimizely", "SAP", "Oracle", "NetSuite", "Xero",
    "QuickBooks", "Workday", "Agile", "Scrum", "Kanban", "A/B testing", "machine learning", "statistics",
    "SEO", "CRM", "OKRs", "stakeholder management", "project management", "copywriting",
)
_TOOL_PATTERNS = tuple((tool, re.compile(r"(?<![\w+#])" + re.escape(tool) + r"(?![\w+#])",
                                         0 if len(tool) <= 2 else re.IGNORECASE)) for tool in TOOLS)


@dataclass(frozen=True, slots=True)
class Requirement:
    text: str
    kind: str  # MUST or NICE


@dataclass(frozen=True, slots=True)
class JobDescription:
    """What was read from a job description; plain data, stored as JSON with the text."""

    title: str
    company: str
    requirements: tuple[Requirement, ...]
    responsibilities: tuple[str, ...]
    skills: tuple[str, ...]
    seniority: tuple[str, ...]
    values: tuple[str, ...]
    headings: bool = field(default=True)  # False: read from cues alone (the text had no headings)

    @property
    def must_have(self) -> list[Requirement]:
        return [r for r in self.requirements if r.kind == MUST]

    @property
    def nice_to_have(self) -> list[Requirement]:
        return [r for r in self.requirements if r.kind == NICE]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobDescription:
        return cls(
            title=str(data.get("title", "")), company=str(data.get("company", "")),
            requirements=tuple(Requirement(str(r["text"]), str(r["kind"]))
                               for r in data.get("requirements") or []),
            responsibilities=tuple(str(x) for x in data.get("responsibilities") or []),
            skills=tuple(str(x) for x in data.get("skills") or []),
            seniority=tuple(str(x) for x in data.get("seniority") or []),
            values=tuple(str(x) for x in data.get("values") or []),
            headings=bool(data.get("headings", True)))


def _heading_section(line: Line) -> str | None:
    """The section a line opens, when it is a heading: marked as one, or short and unpunctuated
    (or ending in a colon) with a known heading's words."""
    text = line.text
    if line.bullet or len(text) > 70 or len(text.split()) > 9:
        return None
    looks_like = line.heading or text.isupper() or not re.search(r"[.!?]$", text)
    if not looks_like:
        return None
    for section, pattern in _SECTION_HEADINGS:
        if pattern.search(text):
            return section
    return "other" if line.heading or (text.isupper() and len(text) > 3) else None


def _items(lines: Sequence[Line]) -> list[str]:
    """A section's items: its bullets; or, with no bullets, its prose split into sentences."""
    bullets = [ln.text for ln in lines if ln.bullet]
    if bullets:
        prose = [ln.text for ln in lines if not ln.bullet and ln.text.rstrip().endswith(".")]
        return bullets + [s for p in prose for s in sentences(p) if _MUST_CUE.search(s)]
    return [s for ln in lines for s in sentences(ln.text)]


def _dedupe(items: Sequence[str], limit: int = MAX_ITEMS, *, shortest: int = 3) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        text = clip(item.strip(" .;"))
        if len(text) >= shortest and text.lower() not in seen:
            seen[text.lower()] = text
    return tuple(list(seen.values())[:limit])


def _value_names(items: Sequence[str]) -> list[str]:
    """Value names from an "our values" section or sentence: "Ownership: we ..." -> "Ownership";
    "curiosity, candour and care" -> three values."""
    names: list[str] = []
    for item in items:
        head = re.split(r"\s[-–—:]\s|:\s", item, maxsplit=1)[0]
        if len(head.split()) <= 4 and head != item:
            names.append(head)
            continue
        listed = _VALUE_LIST.search(item)
        if listed:
            names.extend(_split_list(listed.group(1)))
        elif len(item.split()) <= 4:
            names.append(item)
    return [n.strip(" .").strip() for n in names if 2 <= len(n.strip(" .")) <= 40]


def _split_list(text: str) -> list[str]:
    text = re.split(r"[.;]", text, maxsplit=1)[0]
    parts = re.split(r",\s*|\s+and\s+|\s*&\s*", text)
    return [p.strip() for p in parts if p.strip() and len(p.split()) <= 4]


def _title(lines: Sequence[Line], text: str) -> str:
    for line in lines[:12]:
        field_match = _TITLE_FIELD.match(line.text)
        if field_match and len(field_match.group(1)) <= 80:
            return tidy(field_match.group(1))
    for line in lines[:3]:
        candidate = re.split(r"\s[-–—|@]\s|\s+at\s+|,\s+", line.text)[0].strip()
        if (not line.bullet and len(candidate) <= 70 and _ROLE_WORDS.search(candidate)
                and not re.search(r"[.!?]$", candidate) and _heading_section(line) in (None, "other")):
            return tidy(candidate)
    for pattern in (_HIRING, _JOIN_AS):
        match = pattern.search(text)
        if match and _ROLE_WORDS.search(match.group(1)):
            return tidy(match.group(1))
    return ""


def _company(lines: Sequence[Line], text: str) -> str:
    for line in lines[:15]:
        field_match = _COMPANY_FIELD.match(line.text)
        if field_match and len(field_match.group(1)) <= 60:
            return tidy(field_match.group(1))
    for line in lines[1:3]:  # a name set in bold under the title: "**Acme Ltd** · London"
        name = tidy(re.split(r"\s[·|•]\s", line.text)[0])
        if (not line.bullet and not line.heading and 0 < len(name) <= 50 and len(name.split()) <= 5
                and f"**{name}**" in text and name[:1].isupper() and not _ROLE_WORDS.search(name)):
            return name
    for line in lines[:3]:  # "Data Analyst - Acme" / "Data Analyst at Acme"
        parts = re.split(r"\s[-–—|@]\s|\s+at\s+|,\s+", line.text)
        if len(parts) == 2 and _ROLE_WORDS.search(parts[0]) and not _ROLE_WORDS.search(parts[1]) \
                and len(parts[1]) <= 50 and parts[1][:1].isupper():
            return tidy(parts[1])
    for pattern in _COMPANY_PHRASES:
        for line in lines:
            for match in pattern.finditer(line.text):
                name = tidy(match.group(1))
                if name.lower() not in _NOT_A_COMPANY and not _ROLE_WORDS.search(name):
                    return name
    return ""


def _seniority(title: str, text: str) -> tuple[str, ...]:
    signals: list[str] = []
    for match in _SENIORITY_TITLE.finditer(title):
        signals.append(f'"{match.group(0)}" in the title')
    years = [int(m.group(1)) for m in _YEARS.finditer(text) if int(m.group(1)) <= 30]
    if years:
        signals.append(f"{max(years)}+ years of experience asked for")
    for pattern, label in _SENIORITY_CUES:
        if pattern.search(text):
            signals.append(label)
    return _dedupe(signals, 8)


def _skills(text: str, listed: Sequence[str]) -> tuple[str, ...]:
    found = [tool for tool, pattern in _TOOL_PATTERNS if pattern.search(text)]
    short_listed = [s for item in listed for s in re.split(r",\s*|\s*/\s*(?=[A-Z])", item)
                    if 1 <= len(s.split()) <= 4]
    return _dedupe([*found, *short_listed], 30, shortest=1)


def read_job_description(text: str) -> JobDescription:
    """Read a job description. Raises DocumentError when there is nothing to read."""
    cleaned = check_document(text, "job description")
    lines = split_lines(cleaned)
    sections: dict[str, list[Line]] = {}
    current: str | None = None
    loose: list[Line] = []  # lines under no recognised heading
    saw_heading = False
    for line in lines:
        section = _heading_section(line)
        if section is not None:
            current = None if section == "other" else section
            saw_heading = saw_heading or section != "other"
            continue
        if current is None:
            loose.append(line)
        else:
            sections.setdefault(current, []).append(line)

    must = _items(sections.get("must", []))
    nice = _items(sections.get("nice", []))
    duties = _items(sections.get("duties", []))
    skills_listed = _items(sections.get("skills", []))
    values_items = _items(sections.get("values", []))
    about = [s for ln in sections.get("about", []) for s in sentences(ln.text)]
    # A "Skills" section's longer items that ask for experience are requirements ("3+ years of Go
    # in production"); its short ones ("SQL", "dbt") stay skills.
    must += [item for item in skills_listed
             if len(item.split()) > 4 and re.search(r"\b(experience|years|proficien\w*|fluen\w*|degree)\b",
                                                    item, re.I)]
    # A "Requirements" section's lines that say "nice to have" or "a plus" are nice to have.
    nice += [m for m in must if _NICE_CUE.search(m)]
    must = [m for m in must if not _NICE_CUE.search(m)]

    for line in loose:  # no heading over them: read each bullet or sentence by its cues
        for item in ([line.text] if line.bullet else sentences(line.text)):
            if _NICE_CUE.search(item):
                nice.append(item)
            elif _VALUE_CUE.search(item):
                values_items.append(item)
            elif _DUTY_CUE.search(item) and not re.search(r"\b(experience|years|degree|proficien)\b", item, re.I):
                if line.bullet or re.match(r"(you will|you'll|in this role|responsible for)", item, re.I):
                    duties.append(item)
            elif _MUST_CUE.search(item) and (line.bullet or re.search(
                    r"\b(you have|you are|you can|you bring|we'?re looking for|must|required|"
                    r"experience|years)\b", item, re.I)):
                must.append(item)
    values_items += [s for s in about if _VALUE_CUE.search(s)]

    title = _title(lines, cleaned)
    requirements = ([Requirement(t, MUST) for t in _dedupe(must)]
                    + [Requirement(t, NICE) for t in _dedupe(nice)])
    return JobDescription(
        title=clip(title, 100), company=clip(_company(lines, cleaned), 100),
        requirements=tuple(requirements[: MAX_ITEMS * 2]),
        responsibilities=_dedupe(duties),
        skills=_skills(cleaned, skills_listed),
        seniority=_seniority(title, cleaned),
        values=_dedupe([_capitalise(v) for v in _value_names(values_items)], 10),
        headings=saw_heading)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
