"""Interview scripts: parse, validate and render the files under `prompts/interviews/`.

The file format is described in `prompts/interviews/README.md`. Every text field is a small
Jinja template compiled by the environment we are given; parsing needs no I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, Template, TemplateError, TemplateSyntaxError

from bot.core.panel import INTERVIEWER_KINDS, interviewer_kind
from bot.core.stages import MOCK_STAGES
from bot.core.text import spoken_range

CATEGORIES: dict[str, str] = {
    "opening": "Opening",
    "about_yourself": "Tell me about yourself",
    "previous_round": "Since the last round",
    "qualifications": "Depth on your qualifications",
    "behavioural": "Challenges you have overcome",
    "weakness": "Weaknesses and self-awareness",
    "role_fit": "Fit with the role",
    "company_research": "What you know about us",
    "culture_values": "Culture and values",
    "motivation": "Motivation and enthusiasm",
    "leaving_job": "Why you are moving on",
    "ideas": "Ideas for the role",
    "salary_benefits": "Salary and benefits",
    "offers_timeline": "Other offers and timeline",
    "candidate_questions": "Your questions for us",
    "closing": "Closing",
    "case_presentation": "Case or presentation",
    "case_challenge": "Questions on your case",
    "strategy": "Strategy and judgement",
}  # every category has a rubric in bot/core/rubrics.py (a test keeps the two in step)
ROLE_FAMILIES: dict[str, str] = {
    "software": "Software engineering",
    "product": "Product management",
    "data": "Data and analytics",
    "design": "Design",
    "customer": "Customer-facing and sales",
    "general": "General",
}
MAX_PROBES_WRITTEN = 3
MAX_PROBES_ASKED = 2
_ID = re.compile(r"^[a-z][a-z0-9_]{0,48}$")
_KEY_LINE = re.compile(r"^([a-z_]+):[ \t]*(.*)$")
_LENGTH = re.compile(r"^(\d+)\s*-\s*(\d+)$")
_SCRIPT_KEYS = {"script", "title", "stage", "minutes", "description"}
_OPTIONAL_SCRIPT_KEYS = {"family"}
SCRIPT_FAMILIES: dict[str, str] = {"interview": "Interview", "assessment": "Assessment practice"}
_QUESTION_KEYS = {"question", "category", "length", "ask", "guidance", "when", "asked_by", "prepare"}

_ROLE_HINTS: list[tuple[str, tuple[str, ...]]] = [
    ("data", ("data", "analyst", "analytics", "machine learning", "ml ", "scientist",
              "statistic", "bi ", "business intelligence")),
    ("design", ("design", "ux", "ui ", "user experience", "researcher", "illustrat")),
    ("product", ("product manager", "product owner", "product lead", "pm", "product")),
    ("software", ("engineer", "developer", "software", "programmer", "devops", "sre",
                  "backend", "frontend", "full stack", "full-stack", "architect", "qa")),
    ("customer", ("sales", "account", "customer", "support", "success", "business development",
                  "bdr", "sdr", "client", "retail", "relationship", "consultant")),
]


class ScriptError(ValueError):
    """One or more problems in a script file, each with its file and line."""

    def __init__(self, problems: Sequence[tuple[str, int, str]]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(f"{f}:{line}: {msg}" for f, line, msg in self.problems))


def reflow(text: str) -> str:
    """Join the wrapped lines of a script's text into paragraphs: a single line break becomes
    a space, a blank line stays a paragraph break."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def infer_role_family(role: str) -> str:
    """Guess the role family from a job title ("Senior Data Analyst" -> "data")."""
    title = f" {role.lower()} "
    for family, hints in _ROLE_HINTS:
        for hint in hints:
            if hint.strip() == "pm":
                if re.search(r"\bpm\b", title):
                    return family
            elif hint in title:
                return family
    return "general"


@dataclass(frozen=True, slots=True)
class Probe:
    position: int  # 1-based place among the question's probes; stored as the answer's probe_index
    condition_source: str
    condition: Callable[..., Any] | None
    template: Template
    lineno: int


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    id: str
    category: str
    length: tuple[int, int]
    ask: Template
    guidance: Template
    when_source: str
    when: Callable[..., Any] | None
    probes: tuple[Probe, ...]
    lineno: int
    asked_by: str = ""  # the kind of interviewer who asks it (bot.core.panel), or "" for the category's
    # `prepare: yes`: the brief of a case. While it is on screen the candidate prepares (notes
    # are optional and not judged) and the preparation time they chose runs.
    prepares: bool = False


@dataclass(frozen=True, slots=True)
class RenderedQuestion:
    id: str
    category: str
    category_label: str
    text: str
    guidance: str
    length: tuple[int, int]

    @property
    def length_hint(self) -> str:
        low, high = self.length
        # No brackets inside brackets: the terminal shows it as "(suggested: ...)".
        return f"{low}-{high} words, {spoken_range(low / 140 * 60, high / 140 * 60)} spoken"


@dataclass(frozen=True, slots=True)
class Script:
    id: str
    title: str
    stage: str
    minutes: int
    description: str
    questions: tuple[QuestionSpec, ...]
    filename: str
    version: str
    family: str = "interview"

    @property
    def family_label(self) -> str:
        return SCRIPT_FAMILIES[self.family]

    @property
    def stage_label(self) -> str:
        return MOCK_STAGES[self.stage]

    def question(self, question_id: str) -> QuestionSpec:
        for spec in self.questions:
            if spec.id == question_id:
                return spec
        raise KeyError(question_id)

    def plan(self, context: Mapping[str, Any]) -> list[QuestionSpec]:
        """The questions this candidate gets, in order. `when` sees the candidate's context
        (role family, stage, interviewers...), never the answers, so the plan is fixed at start
        and a resumed session lands on the same question."""
        return [q for q in self.questions
                if q.when is None or self._call(q.when, context, q.lineno, "when")]

    def render_question(self, spec: QuestionSpec, context: Mapping[str, Any]) -> RenderedQuestion:
        return RenderedQuestion(
            id=spec.id,
            category=spec.category,
            category_label=CATEGORIES[spec.category],
            text=self._render(spec.ask, context, spec.lineno),
            guidance=self._render(spec.guidance, context, spec.lineno),
            length=spec.length,
        )

    def next_probe(
        self, spec: QuestionSpec, context: Mapping[str, Any], asked: Sequence[int]
    ) -> tuple[Probe, str] | None:
        """The next follow-up to ask after the answer so far (in `context['answer']`), if any.

        `asked` lists the positions of the probes already asked for this question. At most
        MAX_PROBES_ASKED are asked, in the order written, each at most once."""
        if len(asked) >= MAX_PROBES_ASKED:
            return None
        last = max(asked, default=0)
        for probe in spec.probes:
            if probe.position <= last:
                continue
            if probe.condition is None or self._call(probe.condition, context, probe.lineno,
                                                     "probe"):
                return probe, self._render(probe.template, context, probe.lineno)
        return None

    def render_probe(self, probe: Probe, context: Mapping[str, Any]) -> str:
        """A probe's text whatever its condition (a human interviewer chose to ask it)."""
        return self._render(probe.template, context, probe.lineno)

    def _render(self, template: Template, context: Mapping[str, Any], lineno: int) -> str:
        try:
            return reflow(template.render(**context))
        except TemplateError as exc:
            raise ScriptError([(self.filename, lineno, f"cannot render: {exc}")]) from exc

    def _call(self, expr: Callable[..., Any], context: Mapping[str, Any], lineno: int,
              what: str) -> bool:
        try:
            return bool(expr(**context))
        except TemplateError as exc:
            raise ScriptError([(self.filename, lineno, f"cannot evaluate {what}: {exc}")]) from exc


@dataclass
class _Block:
    kind: str
    lineno: int
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)
    probes: list[tuple[int, str, str]] = field(default_factory=list)  # (line, condition, text)


def _blocks(source: str, filename: str, problems: list[tuple[str, int, str]]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    # The multi-line field being read: (key, first line number, lines) or a probe.
    open_field: tuple[str, int, list[str]] | None = None

    def close_field() -> None:
        nonlocal open_field
        if open_field is None or current is None:
            open_field = None
            return
        key, lineno, lines = open_field
        text = "\n".join(lines).strip("\n")
        if key == "probe":
            line, condition, _ = current.probes[-1]
            current.probes[-1] = (line, condition, text)
        else:
            current.fields[key] = (lineno, text)
        open_field = None

    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.rstrip()
        if open_field is not None and (raw.startswith("    ") or raw.startswith("\t") or not line):
            open_field[2].append(raw[4:] if raw.startswith("    ") else raw.lstrip("\t"))
            continue
        if not line or line.lstrip().startswith("#"):
            continue
        close_field()
        match = _KEY_LINE.match(line)
        if not match:
            problems.append((filename, number, f"expected 'key: value', found {line[:40]!r}"))
            continue
        key, value = match.group(1), match.group(2).strip()
        if key in {"script", "question"}:
            current = _Block(kind=key, lineno=number)
            blocks.append(current)
            current.fields[key] = (number, value)
            continue
        if current is None:
            problems.append((filename, number, "the file must start with 'script: <id>'"))
            continue
        if key == "probe":
            current.probes.append((number, value, ""))
            open_field = ("probe", number + 1, [])
            continue
        if key in current.fields:
            problems.append((filename, number, f"{key!r} is given twice in this block"))
        if value:
            current.fields[key] = (number, value)
        else:
            open_field = (key, number + 1, [])
    close_field()
    return blocks


def parse_script(source: str, filename: str, env: Environment) -> Script:
    """Parse and validate one script; raises ScriptError listing every problem found."""
    problems: list[tuple[str, int, str]] = []
    blocks = _blocks(source, filename, problems)

    def compile_text(lineno: int, text: str, what: str) -> Template | None:
        try:
            return env.from_string(text)
        except TemplateSyntaxError as exc:
            problems.append((filename, lineno + (exc.lineno or 1) - 1, f"{what}: {exc.message}"))
            return None

    def compile_expr(lineno: int, text: str, what: str) -> Callable[..., Any] | None:
        if not text:
            return None
        try:
            return env.compile_expression(text, undefined_to_none=False)
        except TemplateSyntaxError as exc:
            problems.append((filename, lineno, f"{what} {text!r}: {exc.message}"))
            return None

    if not blocks or blocks[0].kind != "script":
        problems.append((filename, 1, "the file must start with 'script: <id>'"))
        raise ScriptError(problems)
    head = blocks[0]
    for key in sorted(_SCRIPT_KEYS - set(head.fields)):
        problems.append((filename, head.lineno, f"the script needs '{key}:'"))
    for key, (line, _) in head.fields.items():
        if key not in _SCRIPT_KEYS | _OPTIONAL_SCRIPT_KEYS:
            problems.append((filename, line, f"unknown script key {key!r}"))
    script_id = head.fields.get("script", (0, ""))[1]
    if script_id and not _ID.match(script_id):
        problems.append((filename, head.lineno, f"script id {script_id!r} must be lower_snake_case"))
    stage_line, stage = head.fields.get("stage", (head.lineno, ""))
    if stage and stage not in MOCK_STAGES:
        problems.append((filename, stage_line, f"stage must be one of {', '.join(MOCK_STAGES)}"))
    family_line, family = head.fields.get("family", (head.lineno, "interview"))
    if family not in SCRIPT_FAMILIES:
        problems.append((filename, family_line, f"family must be one of {', '.join(SCRIPT_FAMILIES)}"))
    minutes_line, minutes_text = head.fields.get("minutes", (head.lineno, "0"))
    if not minutes_text.isdigit() or not 1 <= int(minutes_text) <= 240:
        problems.append((filename, minutes_line, "minutes must be a whole number from 1 to 240"))

    questions: list[QuestionSpec] = []
    seen: dict[str, int] = {}
    for block in blocks[1:]:
        if block.kind == "script":
            problems.append((filename, block.lineno, "only one 'script:' block per file"))
            continue
        qid = block.fields["question"][1]
        if not _ID.match(qid):
            problems.append((filename, block.lineno, f"question id {qid!r} must be lower_snake_case"))
        if qid in seen:
            problems.append((filename, block.lineno,
                             f"question id {qid!r} is already used on line {seen[qid]}"))
        seen[qid] = block.lineno
        for key, (line, _) in block.fields.items():
            if key not in _QUESTION_KEYS:
                problems.append((filename, line, f"unknown question key {key!r}"))
        missing = sorted({"category", "length", "ask", "guidance"} - set(block.fields))
        for key in missing:
            problems.append((filename, block.lineno, f"question {qid!r} needs '{key}:'"))
        if missing:
            continue
        cat_line, category = block.fields["category"]
        if category not in CATEGORIES:
            problems.append((filename, cat_line, f"unknown category {category!r}; use one of "
                             f"{', '.join(CATEGORIES)}"))
        asked_line, asked_by = block.fields.get("asked_by", (block.lineno, ""))
        if asked_by and asked_by not in INTERVIEWER_KINDS:
            problems.append((filename, asked_line, f"asked_by must be one of {', '.join(INTERVIEWER_KINDS)}"))
        prepare_line, prepare = block.fields.get("prepare", (block.lineno, "no"))
        if prepare not in {"yes", "no"}:
            problems.append((filename, prepare_line, "prepare must be yes or no"))
        elif prepare == "yes" and block.probes:
            problems.append((filename, prepare_line, "a brief (prepare: yes) has no probes"))
        len_line, length_text = block.fields["length"]
        length_match = _LENGTH.match(length_text)
        length = (0, 0)
        if not length_match or int(length_match.group(1)) > int(length_match.group(2)):
            problems.append((filename, len_line, "length must look like 60-120 (words)"))
        else:
            length = (int(length_match.group(1)), int(length_match.group(2)))
        if len(block.probes) > MAX_PROBES_WRITTEN:
            problems.append((filename, block.probes[MAX_PROBES_WRITTEN][0],
                             f"at most {MAX_PROBES_WRITTEN} probes per question"))
        ask_line, ask_text = block.fields["ask"]
        guide_line, guide_text = block.fields["guidance"]
        when_line, when_text = block.fields.get("when", (block.lineno, ""))
        ask = compile_text(ask_line, ask_text, "ask")
        guidance = compile_text(guide_line, guide_text, "guidance")
        when = compile_expr(when_line, when_text, "when")
        probes: list[Probe] = []
        for position, (line, condition, text) in enumerate(block.probes, start=1):
            if not text:
                problems.append((filename, line, "a probe needs its question on indented lines"))
                continue
            template = compile_text(line + 1, text, "probe")
            compiled = compile_expr(line, condition, "probe condition")
            if template is not None:
                probes.append(Probe(position, condition, compiled, template, line))
        if ask is None or guidance is None or (when_text and when is None):
            continue
        questions.append(QuestionSpec(qid, category, length, ask, guidance, when_text, when,
                                      tuple(probes), block.lineno, asked_by, prepare == "yes"))
    if not questions and not problems:
        problems.append((filename, head.lineno, "the script has no questions"))
    if problems:
        raise ScriptError(problems)
    return Script(
        id=script_id,
        title=head.fields["title"][1],
        stage=stage,
        minutes=int(minutes_text),
        description=head.fields["description"][1],
        questions=tuple(questions),
        filename=filename,
        version=hashlib.sha256(source.encode()).hexdigest()[:12],
        family=family if family in SCRIPT_FAMILIES else "interview",
    )


SAMPLE_PANEL: tuple[dict[str, str], ...] = (
    {"name": "Dana Lee", "title": "Head of Data"},
    {"name": "Ravi Patel", "title": "Engineering Manager"},
    {"name": "Mo Okafor", "title": "People Partner"},
    {"name": "Jo Kim", "title": "Chief Wizard"},  # a title the bot cannot place
)


def sample_context(role_family: str = "general", stage: str = "second_round",
                   *, with_optional: bool = True, panel: int | None = None) -> dict[str, Any]:
    """A realistic candidate context for checking that scripts render; `panel` names how many
    interviewers (0-4; by default two with the optional details, none without)."""
    size = (2 if with_optional else 0) if panel is None else panel
    interviewers = [dict(person, kind=interviewer_kind(person["title"])) for person in SAMPLE_PANEL[:size]]
    return {
        "candidate": "Sam",
        "role": {"software": "Backend Engineer", "product": "Product Manager",
                 "data": "Data Analyst", "design": "Product Designer",
                 "customer": "Account Executive", "general": "Operations Coordinator"}[role_family],
        "company": "Acme",
        "role_family": role_family,
        "stage": stage,
        "interviewers": interviewers,
        "interviewer": interviewers[0] if interviewers else None,
        "asker": interviewers[0] if interviewers else None,
        "values": ["ownership", "curiosity"] if with_optional else [],
        "earlier_notes": "They asked a lot about stakeholder management." if with_optional else "",
        "preparation_minutes": 10,
        "job": sample_job() if with_optional else None,
        "resume": sample_resume() if with_optional else None,
        "answers": {},
    }


def sample_job() -> dict[str, Any]:
    """A job as scripts see it (bot.core.job_fit.job_context): four must-haves, one with a story,
    so every gap question is asked."""
    must = ["5+ years of experience running pricing experiments", "Strong SQL and Python",
            "Experience presenting to executives", "A degree in a quantitative subject"]
    return {
        "title": "Senior Pricing Analyst", "company": "Acme", "must_have": must,
        "nice_to_have": ["Experience with Looker"],
        "responsibilities": ["Design and run pricing experiments across our plans"],
        "skills": ["SQL", "Python", "Looker"], "seniority": ['"Senior" in the title'],
        "stated_values": ["Ownership", "Candour"],
        "requirements": [{"text": must[0], "kind": "must", "story": "Repriced the Pro plan"},
                         {"text": must[1], "kind": "must", "story": ""},
                         {"text": must[2], "kind": "must", "story": ""},
                         {"text": must[3], "kind": "must", "story": ""},
                         {"text": "Experience with Looker", "kind": "nice", "story": ""}],
        "with_story": [must[0]], "gaps": must[1:], "headline": must[0],
    }


def sample_resume() -> dict[str, Any]:
    """A résumé as scripts see it (bot.core.job_fit.resume_context)."""
    bullet = {"text": "Cut onboarding time by 40% by automating account set-up", "employer": "Globex",
              "title": "Operations Analyst"}
    return {"roles": [{"title": "Operations Analyst", "employer": "Globex", "dates": "2021 - Present",
                       "bullets": [bullet["text"]]}],
            "strongest": [bullet]}
