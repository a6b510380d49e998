"""Prep content as data: tips topics and their pages, questions to ask the interviewer,
personal checklists, and the rules for the fields people type into the journal.

Pure: sources and rendered text are passed in; nothing here reads files or talks to Discord."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.models import JournalEntry
from bot.core.stages import ANY_STAGE, MOCK_STAGES, stage_label
from bot.core.text import discord_timestamp, escape_discord, shorten
from bot.core.timeparse import parse_when

# --- stages ---------------------------------------------------------------------------------



class PrepContentError(ValueError):
    """Shipped prep content is broken; `problems` are 'file:line: message' strings."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --- tips -----------------------------------------------------------------------------------

# The topics the seed chapters cover, in the order a candidate meets them. Every one must have
# a template prompts/tips/<id>.md.j2; extra templates are listed after these.
REQUIRED_TOPICS: dict[str, str] = {
    "second_round_prep": "preparing for a second round",
    "final_round": "what changes in a final round",
    "review_earlier": "reviewing earlier interactions (materials, feedback, company news)",
    "research_interviewers": "researching the interviewers",
    "job_description": "taking apart the job description",
    "hard_questions": "anticipating hard questions",
    "star_method": "answering with concrete STAR examples",
    "show_value": "showing your value with specific examples",
    "company_values": "aligning with the company's values",
    "ideas_for_role": "offering ideas for the role",
    "your_questions": "preparing your own questions",
    "rapport": "rapport and professionalism, including support staff and future colleagues",
    "the_day": "the day itself: dress, punctuality, what to bring",
    "salary_negotiation": "salary and benefits negotiation",
    "follow_up": "following up: thank-you within 24 hours, a check-in after a week",
}
MAX_TOPICS = 25  # the index is one select menu
PAGE_BREAK = re.compile(r"(?m)^[ \t]*=== page ===[ \t]*$")
TOPIC_ID = re.compile(r"^[a-z0-9_]{1,40}$")
_HEADER = re.compile(r"^\s*\{#-?(?P<body>.*?)-?#\}", re.DOTALL)
EMBED_DESCRIPTION_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class TipTopic:
    id: str
    title: str
    summary: str
    stages: tuple[str, ...]
    template: str  # e.g. "tips/star_method.md.j2"

    def fits(self, stage: str | None) -> bool:
        return stage in (None, ANY_STAGE) or stage in self.stages


def topic_id_for(template: str) -> str:
    """`tips/star_method.md.j2` -> `star_method`."""
    name = template.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def parse_tip_header(source: str, template: str) -> TipTopic:
    """Read the `{#- title: ... summary: ... stages: ... -#}` comment that opens a tips template."""
    topic_id = topic_id_for(template)
    problems: list[str] = []
    if not TOPIC_ID.match(topic_id):
        problems.append(f"{template}:1: the file name must be a topic id: lowercase letters, "
                        "digits and _ (at most 40)")
    match = _HEADER.match(source)
    if not match:
        raise PrepContentError([*problems, f"{template}:1: a tips template must start with a "
                                "{#- title: ... summary: ... stages: ... -#} comment"])
    fields: dict[str, str] = {}
    for offset, line in enumerate(match.group("body").splitlines()):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            problems.append(f"{template}:{offset + 1}: expected 'key: value' in the header, got {line.strip()!r}")
            continue
        fields[key.strip().lower()] = value.strip()
    for key in ("title", "summary", "stages"):
        if not fields.get(key):
            problems.append(f"{template}:1: the header has no {key}")
    title, summary = fields.get("title", ""), fields.get("summary", "")
    if len(title) > 100:
        problems.append(f"{template}:1: the title is {len(title)} characters; keep it to 100")
    if len(summary) > 200:
        problems.append(f"{template}:1: the summary is {len(summary)} characters; keep it to 200")
    stages = tuple(s.strip() for s in fields.get("stages", "").split(",") if s.strip())
    unknown = [s for s in stages if s not in MOCK_STAGES]
    if unknown:
        problems.append(f"{template}:1: unknown stage(s) {', '.join(unknown)}; use "
                        f"{', '.join(MOCK_STAGES)}")
    if problems:
        raise PrepContentError(problems)
    return TipTopic(topic_id, title, summary, stages, template)


def split_pages(rendered: str) -> list[str]:
    """A rendered tips template as its pages (separated by a line `=== page ===`)."""
    return [page.strip() for page in PAGE_BREAK.split(rendered) if page.strip()]


def order_topics(topics: Iterable[TipTopic]) -> list[TipTopic]:
    """Required topics in the candidate's order, then any others alphabetically."""
    order = {topic_id: i for i, topic_id in enumerate(REQUIRED_TOPICS)}
    return sorted(topics, key=lambda t: (order.get(t.id, len(order)), t.title.lower()))


def find_topic(topics: Iterable[TipTopic], text: str) -> TipTopic | None:
    """The topic someone asked for: its id (what autocomplete sends) or its exact title."""
    wanted = " ".join(text.split()).lower()
    for topic in topics:
        if wanted in {topic.id, topic.title.lower(), topic.id.replace("_", " ")}:
            return topic
    return None


def match_topics(topics: Iterable[TipTopic], typed: str, *, stage: str | None = None,
                 limit: int = 25) -> list[TipTopic]:
    """Topics for autocomplete: title matches first, then summary matches; stage-fit first."""
    text = " ".join(typed.split()).lower()
    ranked: list[tuple[int, int, TipTopic]] = []
    for index, topic in enumerate(order_topics(topics)):
        haystack_title = f"{topic.title} {topic.id.replace('_', ' ')}".lower()
        if not text or text in haystack_title:
            rank = 0
        elif all(word in f"{haystack_title} {topic.summary.lower()}" for word in text.split()):
            rank = 1
        else:
            continue
        ranked.append((rank + (0 if topic.fits(stage) else 2), index, topic))
    return [t for _, _, t in sorted(ranked, key=lambda r: (r[0], r[1]))][:limit]


# --- questions to ask the interviewer ---------------------------------------------------------

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


def parse_questions(text: str, filename: str = "prep/questions.txt") -> list[AskQuestion]:
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
        if not TOPIC_ID.match(qid):
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
    pages: list[str] = []
    lines: list[str] = []
    count = 0
    current: str | None = None
    for number, q in enumerate(questions, start=1):
        block = f"**{number}. {q.ask}**\n*Why:* {q.why}"
        heading = f"__{QUESTION_CATEGORIES.get(q.category, q.category)}__"
        needs_heading = q.category != current
        size = len("\n\n".join(lines)) + len(block) + (len(heading) + 2 if needs_heading else 0) + 2
        if lines and (count >= per_page or size > budget):
            pages.append("\n\n".join(lines))
            lines, count, needs_heading = [], 0, True
        if needs_heading:
            lines.append(heading)
            current = q.category
        lines.append(block)
        count += 1
    if lines:
        pages.append("\n\n".join(lines))
    return pages


# --- personal checklists --------------------------------------------------------------------

_ITEM = re.compile(r"^- \[(?P<id>[a-z0-9_]{1,40})\][ \t]+(?P<text>\S.*)$")
MAX_CHECKLIST_ITEMS = 25  # one select menu holds 25 options
MAX_JOURNAL_NOTES_IN_CHECKLIST = 3


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Checklist:
    """A rendered checklist: the intro, the items, and whatever follows them (journal notes)."""

    intro: str
    items: tuple[ChecklistItem, ...]
    extra: str

    def progress(self, done: Iterable[str]) -> tuple[int, int]:
        ids = {item.id for item in self.items}
        return len(ids & set(done)), len(ids)

    def body(self, done: Iterable[str]) -> str:
        """The intro and the items, each with a tick or an empty box."""
        done = set(done)
        lines = [f"{'✅' if item.id in done else '⬜'} {item.text}" for item in self.items]
        return "\n".join(filter(None, [self.intro, "", *lines])).strip()


@dataclass(frozen=True, slots=True)
class PersonalChecklist:
    """A user's checklist for one real interview: what it was built from."""

    id: int
    user_id: int
    key: str
    stage: str
    company: str
    role: str
    interview_at: datetime | None


def parse_checklist(rendered: str, name: str = "checklist") -> Checklist:
    """Split a rendered checklist template into intro, items (`- [item_id] text`) and extra."""
    intro: list[str] = []
    items: list[ChecklistItem] = []
    extra: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(rendered.splitlines(), start=1):
        match = _ITEM.match(line.rstrip())
        if match and not extra:
            item_id = match.group("id")
            if item_id in seen:
                problems.append(f"{name}:{number}: item id {item_id!r} is used twice")
            seen.add(item_id)
            items.append(ChecklistItem(item_id, match.group("text").strip()))
        elif items and (line.strip() or extra):
            extra.append(line)
        elif not items:
            intro.append(line)
    if not items:
        problems.append(f"{name}: no items (lines like '- [item_id] text') found")
    if len(items) > MAX_CHECKLIST_ITEMS:
        problems.append(f"{name}: {len(items)} items; at most {MAX_CHECKLIST_ITEMS} fit in one menu")
    if problems:
        raise PrepContentError(problems)
    return Checklist("\n".join(intro).strip(), tuple(items), "\n".join(extra).strip())


def fits_in_one_message(body: str, extra: str) -> bool:
    """A checklist's two embeds (items, journal notes) within Discord's limits, with room
    for titles and footers."""
    return (len(body) <= EMBED_DESCRIPTION_LIMIT and len(extra) <= EMBED_DESCRIPTION_LIMIT
            and len(body) + len(extra) <= 5600)


def checklist_key(stage: str, company: str) -> str:
    """One checklist per user, stage and company, however the company's name is typed."""
    return f"{stage}:{' '.join(company.split()).casefold()}"


def journal_notes(entries: Iterable[JournalEntry], limit: int = MAX_JOURNAL_NOTES_IN_CHECKLIST
                  ) -> list[dict[str, object]]:
    """Journal entries (most recent first) as the `notes` a checklist template shows."""
    return [{"stage": e.stage, "date": e.interview_at, "interviewers": e.interviewers,
             "notes": e.notes, "feedback": e.feedback} for e in list(entries)[:limit]]


# --- fields people type ---------------------------------------------------------------------

class FieldError(ValueError):
    """A value someone typed cannot be used; the message says which and why."""


FIELD_LIMITS: dict[str, int] = {
    "company": 100, "role": 100, "interviewers": 300, "outcome": 100,
    "notes": 1500, "feedback": 1500, "date": 60,
}
# Formatted entries must fit one embed description, after Discord escaping.
ENTRY_DISPLAY_LIMIT = 4000


def clean_field(value: str | None, label: str, *, limit: int, required: bool = False) -> str:
    """Trim a typed value; refuse it when required and empty, or longer than `limit`."""
    text = (value or "").strip()
    text = "\n".join(line.rstrip() for line in text.splitlines())
    if required and not text:
        raise FieldError(f"The {label} cannot be empty.")
    if len(text) > limit:
        raise FieldError(f"The {label} is {len(text)} characters long; the most I can keep is "
                         f"{limit}. Please shorten it.")
    return text


def clean_single_line(value: str | None, label: str, *, limit: int,
                      required: bool = False) -> str:
    return " ".join(clean_field(value, label, limit=limit, required=required).split())


# A journal date typed without a time ("2026-11-20") is kept as midday, which stays on the
# same calendar day however the reader's client shifts it by their zone.
JOURNAL_DEFAULT_TIME = time(12, 0)


def read_journal_date(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """When a real interview was (or will be), in UTC. Past and future are both fine. A date
    typed without a year ("Nov 20") that would fall more than six months ahead is read as the
    last one: interviews are mostly logged after they happen. Raises TimeParseError."""
    parsed = parse_when(text, zone, now, allow_past=True, default_time=JOURNAL_DEFAULT_TIME)
    local = parsed.local
    if not re.search(r"\b\d{4}\b", text) and local - now.astimezone(zone) > timedelta(days=183):
        try:
            local = local.replace(year=local.year - 1)
        except ValueError:  # 29 February
            pass
    return local.astimezone(UTC)


def fit_lines(lines: Sequence[str], compact: Sequence[str], limit: int = 3800) -> str:
    """`lines` joined, or the `compact` ones when user text (which can double in length once
    escaped for Discord) makes them too long for one embed."""
    text = "\n".join(lines)
    return text if len(text) <= limit else "\n".join(compact)


# --- journal display ------------------------------------------------------------------------

def entry_heading(company: str, stage: str) -> str:
    label = stage_label(stage)
    return f"{company} · {label}" if label else company


def entry_choice_label(entry: JournalEntry, zone: ZoneInfo | None) -> str:
    """How an entry appears in autocomplete and menus: company, stage, role, date (≤100)."""
    parts = [entry.company, stage_label(entry.stage), entry.role]
    if entry.interview_at is not None:
        parts.append(f"{entry.interview_at.astimezone(zone or UTC):%d %b %Y}")
    return shorten(f"#{entry.id} " + " · ".join(p for p in parts if p), 100)


def match_entries(entries: Sequence[JournalEntry], typed: str, zone: ZoneInfo | None,
                  limit: int = 25) -> list[JournalEntry]:
    """Entries whose id, company, role, stage or date match every word typed ("acme",
    "2026-12", "dec 3", "#12"). Dates are read in the user's zone."""
    words = typed.lower().replace("#", " #").split()
    found = []
    for entry in entries:
        parts = [f"#{entry.id}", entry.company, entry.role, stage_label(entry.stage)]
        if entry.interview_at is not None:
            local = entry.interview_at.astimezone(zone or UTC)
            parts.append(f"{local:%Y-%m-%d} {local:%d %b %Y} {local:%b} {local.day} {local:%B}")
        haystack = " ".join(parts).lower()
        if all(word in haystack for word in words):
            found.append(entry)
    return found[:limit]


def parse_entry_id(text: str) -> int | None:
    """The id in what autocomplete sent ("12") or what someone typed ("#12")."""
    match = re.fullmatch(r"\s*#?(\d{1,18})\s*", text or "")
    return int(match.group(1)) if match else None


def format_entry(entry: JournalEntry) -> str:
    """A journal entry as embed text; user text escaped for Discord. Dates are timestamps."""
    lines: list[str] = []
    if entry.role:
        lines.append(f"**Role:** {escape_discord(entry.role)}")
    if entry.interview_at is not None:
        lines.append(f"**Date:** {discord_timestamp(entry.interview_at, 'F')} "
                     f"({discord_timestamp(entry.interview_at, 'R')})")
    for value, label in ((entry.interviewers, "Interviewers"), (entry.outcome, "Outcome")):
        if value:
            lines.append(f"**{label}:** {escape_discord(value)}")
    for value, label in ((entry.notes, "Notes"), (entry.feedback, "Feedback received")):
        if value:
            lines.append(f"\n**{label}**\n{escape_discord(value)}")
    if not lines:
        lines.append("*No details yet. Use Edit to add notes and feedback.*")
    return "\n".join(lines).strip()


def check_entry_fits(fields: Mapping[str, object]) -> None:
    """Refuse an entry that could not be shown in one embed once escaped for Discord."""
    size = sum(len(escape_discord(str(v))) for v in fields.values() if isinstance(v, str))
    if size > ENTRY_DISPLAY_LIMIT - 200:
        raise FieldError("Together these fields are too long to show in Discord once formatted. "
                         "Please shorten the notes or the feedback.")


# --- check-prompts --------------------------------------------------------------------------

RenderFn = Callable[[str, Mapping[str, object]], str]
_SAMPLE_WHEN = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def _worst_case_notes() -> list[dict[str, object]]:
    long = "*_" * (FIELD_LIMITS["notes"] // 2)
    return [{"stage": "second_round", "date": _SAMPLE_WHEN - timedelta(days=10 * i),
             "interviewers": "(_)" * (FIELD_LIMITS["interviewers"] // 3), "notes": long,
             "feedback": long} for i in range(1, MAX_JOURNAL_NOTES_IN_CHECKLIST + 1)]


def check_prep_content(sources: Mapping[str, str], render: RenderFn) -> list[str]:
    """Validate the prep content for `check-prompts`: tips headers and pages, the required
    topics, checklists (items, sizes in the worst case), and questions.txt.

    `sources` maps names relative to prompts/ ("tips/x.md.j2", "checklists/final.md.j2",
    "prep/questions.txt") to their text; `render(name, context)` renders a template."""
    problems: list[str] = []
    topics: dict[str, TipTopic] = {}
    for name in sorted(n for n in sources if n.startswith("tips/")):
        try:
            topic = parse_tip_header(sources[name], name)
        except PrepContentError as exc:
            problems.extend(exc.problems)
            continue
        topics[topic.id] = topic
        for stage in (*MOCK_STAGES, ANY_STAGE):
            for company, role in (("", ""), ("Acme", "Data Analyst")):
                try:
                    pages = split_pages(render(name, {"stage": stage, "company": company,
                                                      "role": role}))
                except Exception as exc:  # a render failure is reported, not raised
                    problems.append(f"{name}: {exc}")
                    break
                if not pages:
                    problems.append(f"{name}: renders no pages (stage {stage})")
                for number, page in enumerate(pages, start=1):
                    if len(page) > EMBED_DESCRIPTION_LIMIT:
                        problems.append(f"{name}: page {number} is {len(page)} characters "
                                        f"(stage {stage}); Discord allows {EMBED_DESCRIPTION_LIMIT}")
    if len(topics) > MAX_TOPICS:
        problems.append(f"tips/: {len(topics)} topics; the index menu holds {MAX_TOPICS}")
    missing = [topic_id for topic_id in REQUIRED_TOPICS if topic_id not in topics]
    if missing:
        problems.append(f"tips/: no template for required topic(s) {', '.join(missing)}")
    for stage in MOCK_STAGES:
        name = f"checklists/{stage}.md.j2"
        if name not in sources:
            problems.append(f"{name}: missing (every stage needs a checklist)")
            continue
        # Markdown characters double in length once escaped: the longest possible text. The
        # adapter shows fewer journal notes when they do not fit, so one note must always fit.
        worst = {"company": "*_" * (FIELD_LIMITS["company"] // 2),
                 "role": "_*" * (FIELD_LIMITS["role"] // 2), "when": _SAMPLE_WHEN}
        for context in (
            {"company": "Acme", "role": "", "when": None, "notes": []},
            {**worst, "notes": []},
            {**worst, "notes": _worst_case_notes()[:1]},
        ):
            try:
                checklist = parse_checklist(render(name, context), name)
            except PrepContentError as exc:
                problems.extend(exc.problems)
                break
            except Exception as exc:
                problems.append(f"{name}: {exc}")
                break
            body = checklist.body([item.id for item in checklist.items])
            if not fits_in_one_message(body, checklist.extra):
                problems.append(f"{name}: the items ({len(body)} characters) and one journal "
                                f"note ({len(checklist.extra)}) can exceed one message's embeds "
                                "in the worst case")
    name = "prep/questions.txt"
    if name not in sources:
        problems.append(f"{name}: missing")
    else:
        try:
            questions = parse_questions(sources[name], name)
        except PrepContentError as exc:
            problems.extend(exc.problems)
        else:
            if len(questions) < MIN_QUESTIONS:
                problems.append(f"{name}: {len(questions)} questions; at least {MIN_QUESTIONS} needed")
            for stage in MOCK_STAGES:
                for category in QUESTION_CATEGORIES:
                    if not select_questions(questions, category=category, stage=stage):
                        problems.append(f"{name}: no {category} question for the {stage} stage")
    return problems
