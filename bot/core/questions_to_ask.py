"""Questions to ask the interviewer: read from prompts/prep/questions.txt, chosen by category
and stage, and laid out in pages. Pure: the file's text comes in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.core.prep_content import CONTENT_ID, PrepContentError
from bot.core.stages import ANY_STAGE, MOCK_STAGES

QUESTIONS_FILE = "prep/questions.txt"
QUESTION_CATEGORIES: dict[str, str] = {
    "role": "The role",
    "team": "The team and how it works",
    "culture": "Culture",
    "growth": "Growth and success",
    "next_steps": "Next steps",
}
_QUESTION_FIELDS = ("question", "category", "stages", "ask", "why")
MIN_QUESTIONS = 30


@dataclass(frozen=True, slots=True)
class AskQuestion:
    id: str
    category: str
    stages: tuple[str, ...]
    ask: str
    why: str
    line: int = 0


def parse_questions(text: str, filename: str = QUESTIONS_FILE) -> list[AskQuestion]:
    """Read questions.txt: blocks of `question/category/stages/ask/why` lines, separated by
    blank lines; `#` starts a comment line. Raises PrepContentError listing every problem."""
    problems: list[str] = []
    questions: list[AskQuestion] = []
    seen: dict[str, int] = {}
    for start, block in _blocks(text):
        fields: dict[str, str] = {}
        for offset, line in enumerate(block):
            key, sep, value = line.partition(":")
            key = key.strip().lower()
            where = f"{filename}:{start + offset}"
            if not sep or key not in _QUESTION_FIELDS:
                problems.append(f"{where}: expected one of {', '.join(_QUESTION_FIELDS)} "
                                f"followed by ':', got {line.strip()!r}")
                continue
            if key in fields:
                problems.append(f"{where}: {key} given twice in one question")
            fields[key] = value.strip()
        where = f"{filename}:{start}"
        missing = [k for k in _QUESTION_FIELDS if not fields.get(k)]
        if missing:
            problems.append(f"{where}: question block is missing {', '.join(missing)}")
            continue
        qid = fields["question"]
        if not CONTENT_ID.match(qid):
            problems.append(f"{where}: question id {qid!r} must be lowercase letters, digits and _")
        if qid in seen:
            problems.append(f"{where}: question id {qid!r} is also used on line {seen[qid]}")
        seen[qid] = start
        if fields["category"] not in QUESTION_CATEGORIES:
            problems.append(f"{where}: unknown category {fields['category']!r}; use "
                            f"{', '.join(QUESTION_CATEGORIES)}")
        stages = tuple(s.strip() for s in fields["stages"].split(",") if s.strip())
        bad = [s for s in stages if s not in MOCK_STAGES]
        if bad or not stages:
            problems.append(f"{where}: stages must be {' and/or '.join(MOCK_STAGES)}, got "
                            f"{fields['stages']!r}")
        for key, limit in (("ask", 300), ("why", 300)):
            if len(fields[key]) > limit:
                problems.append(f"{where}: {key} is {len(fields[key])} characters; keep it to {limit}")
        questions.append(AskQuestion(qid, fields["category"], stages, fields["ask"],
                                     fields["why"], start))
    if not questions and not problems:
        problems.append(f"{filename}:1: no questions found")
    if problems:
        raise PrepContentError(problems)
    return questions


def _blocks(text: str) -> Iterable[tuple[int, list[str]]]:
    """The non-comment lines of `text` in blank-line separated blocks, with each block's
    first line number."""
    block: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.lstrip().startswith("#"):
            continue
        if not raw.strip():
            if block:
                yield start, block
                block = []
            continue
        if not block:
            start = number
        block.append(raw)
    if block:
        yield start, block


def find_category(text: str) -> str | None:
    """A category id from what someone typed: the id (autocomplete's value) or the label."""
    wanted = " ".join(text.split()).lower()
    for key, label in QUESTION_CATEGORIES.items():
        if wanted in {key, label.lower(), key.replace("_", " ")}:
            return key
    return None


def match_categories(typed: str) -> list[tuple[str, str]]:
    """(id, label) of the categories whose label or id contains what was typed, for autocomplete."""
    text = typed.strip().lower()
    return [(key, label) for key, label in QUESTION_CATEGORIES.items()
            if text in label.lower() or text in key]


def select_questions(questions: Iterable[AskQuestion], *, category: str | None = None,
                     stage: str | None = None) -> list[AskQuestion]:
    """Questions for a category and stage, grouped in category order."""
    order = {key: i for i, key in enumerate(QUESTION_CATEGORIES)}
    chosen = [q for q in questions
              if (category is None or q.category == category)
              and (stage in (None, ANY_STAGE) or stage in q.stages)]
    return sorted(chosen, key=lambda q: order.get(q.category, len(order)))


def question_pages(questions: Sequence[AskQuestion], *, per_page: int = 8,
                   budget: int = 3800) -> list[str]:
    """The questions as page texts, each under `budget` characters, numbered throughout and
    with a category heading wherever the category changes (repeated on a new page)."""
    return [text for text, _ in question_page_groups(questions, per_page=per_page, budget=budget)]


def question_page_groups(questions: Sequence[AskQuestion], *, per_page: int = 8, budget: int = 3800
                         ) -> list[tuple[str, list[tuple[int, AskQuestion]]]]:
    """`question_pages`, each page with the questions on it (numbered as shown)."""
    pages: list[tuple[str, list[tuple[int, AskQuestion]]]] = []
    lines: list[str] = []
    shown: list[tuple[int, AskQuestion]] = []
    current: str | None = None
    for number, q in enumerate(questions, start=1):
        block = f"**{number}. {q.ask}**\n*Why:* {q.why}"
        heading = f"__{QUESTION_CATEGORIES.get(q.category, q.category)}__"
        needs_heading = q.category != current
        size = len("\n\n".join(lines)) + len(block) + (len(heading) + 2 if needs_heading else 0) + 2
        if lines and (len(shown) >= per_page or size > budget):
            pages.append(("\n\n".join(lines), shown))
            lines, shown, needs_heading = [], [], True
        if needs_heading:
            lines.append(heading)
            current = q.category
        lines.append(block)
        shown.append((number, q))
    if lines:
        pages.append(("\n\n".join(lines), shown))
    return pages


def check_questions(sources: Mapping[str, str]) -> list[str]:
    """questions.txt: it parses, holds enough questions, and every category has one for
    every stage."""
    name = QUESTIONS_FILE
    if name not in sources:
        return [f"{name}: missing"]
    try:
        questions = parse_questions(sources[name], name)
    except PrepContentError as exc:
        return list(exc.problems)
    problems: list[str] = []
    if len(questions) < MIN_QUESTIONS:
        problems.append(f"{name}: {len(questions)} questions; at least {MIN_QUESTIONS} needed")
    for stage in MOCK_STAGES:
        for category in QUESTION_CATEGORIES:
            if not select_questions(questions, category=category, stage=stage):
                problems.append(f"{name}: no {category} question for the {stage} stage")
    return problems
