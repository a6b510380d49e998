"""Personal checklists for a real interview: what a checklist template renders into (intro,
items to tick, journal notes), which interview it is for, and the limits it must fit. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.fields import FieldError, clean_single_line
from bot.core.journal import FIELD_LIMITS
from bot.core.models import JournalEntry
from bot.core.prep_content import EMBED_DESCRIPTION_LIMIT, PrepContentError, RenderFn
from bot.core.stages import MOCK_STAGES
from bot.core.timeparse import parse_when

_ITEM = re.compile(r"^- \[(?P<id>[a-z0-9_]{1,40})\][ \t]+(?P<text>\S.*)$")
MAX_CHECKLIST_ITEMS = 25  # one select menu holds 25 options
MAX_JOURNAL_NOTES_IN_CHECKLIST = 3
# An interview typed without a time ("Dec 3") is read as 9:00 that day.
DEFAULT_INTERVIEW_TIME = time(9, 0)


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

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

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


@dataclass(frozen=True, slots=True)
class ChecklistSubject:
    """Which interview a checklist is for, as typed and cleaned; `role` None means "keep the
    role given before"."""

    stage: str
    company: str
    role: str | None

    @property
    def key(self) -> str:
        return checklist_key(self.stage, self.company)


def checklist_template(stage: str) -> str:
    return f"checklists/{stage}.md.j2"


def clean_checklist_subject(stage: str, company: str, role: str | None) -> ChecklistSubject:
    """The stage must be one the checklists are written for; company and role follow the
    journal's limits. Raises FieldError."""
    if stage not in MOCK_STAGES:
        raise FieldError(f"Choose the stage from the list: {', '.join(MOCK_STAGES.values())}.")
    return ChecklistSubject(
        stage,
        clean_single_line(company, "company", limit=FIELD_LIMITS["company"], required=True),
        None if role is None else clean_single_line(role, "role", limit=FIELD_LIMITS["role"]))


def read_interview_time(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """When the coming interview is, in UTC: in the future, read in the user's zone, 9:00 when
    no time is typed. Raises TimeParseError."""
    return parse_when(text, zone, now, default_time=DEFAULT_INTERVIEW_TIME).when


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


_SAMPLE_WHEN = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def _worst_case_notes() -> list[dict[str, object]]:
    long = "*_" * (FIELD_LIMITS["notes"] // 2)
    return [{"stage": "second_round", "date": _SAMPLE_WHEN - timedelta(days=10 * i),
             "interviewers": "(_)" * (FIELD_LIMITS["interviewers"] // 3), "notes": long,
             "feedback": long} for i in range(1, MAX_JOURNAL_NOTES_IN_CHECKLIST + 1)]


def check_checklists(sources: Mapping[str, str], render: RenderFn) -> list[str]:
    """A checklist template for every stage, whose items parse and which fits one message
    in the worst case (the longest company and role, and one of the longest journal notes)."""
    problems: list[str] = []
    for stage in MOCK_STAGES:
        name = checklist_template(stage)
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
            except Exception as exc:  # a render failure is reported, not raised
                problems.append(f"{name}: {exc}")
                break
            body = checklist.body(checklist.item_ids)
            if not fits_in_one_message(body, checklist.extra):
                problems.append(f"{name}: the items ({len(body)} characters) and one journal "
                                f"note ({len(checklist.extra)}) can exceed one message's embeds "
                                "in the worst case")
    return problems
