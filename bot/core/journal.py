"""The interview journal's rules: which fields an entry has and their limits, how typed values
are cleaned, how a typed date is read in the user's zone, how entries are found from what
someone typed, and how an entry is shown. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.fields import FieldError, clean_field, clean_single_line
from bot.core.inputs import parse_record_id
from bot.core.models import JournalEntry
from bot.core.stages import STAGE_LABELS, stage_label
from bot.core.text import discord_timestamp, escape_discord, shorten
from bot.core.timeparse import parse_when

FIELD_LIMITS: dict[str, int] = {
    "company": 100, "role": 100, "interviewers": 300, "outcome": 100,
    "notes": 1500, "feedback": 1500, "date": 60,
}
SINGLE_LINE_FIELDS = ("company", "role", "interviewers", "outcome")
LONG_FIELDS = ("notes", "feedback")
TEXT_FIELDS = (*SINGLE_LINE_FIELDS, *LONG_FIELDS)
# Formatted entries must fit one embed description, after Discord escaping.
ENTRY_DISPLAY_LIMIT = 4000
# A journal date typed without a time ("2026-11-20") is kept as midday, which stays on the
# same calendar day however the reader's client shifts it by their zone.
JOURNAL_DEFAULT_TIME = time(12, 0)


class EntryNotChosen(LookupError):
    """What someone typed to name one of their entries names none of them, or several."""

    def __init__(self, typed: str, matches: int) -> None:
        self.typed, self.matches = typed, matches
        super().__init__(f"{matches} entries match {typed!r}")


# --- fields people type ------------------------------------------------------------------------

def clean_entry_fields(given: Mapping[str, Any]) -> dict[str, Any]:
    """The given fields (None means "not given") cleaned by their rules: single-line fields
    trimmed to one line, notes and feedback trimmed, the company never empty, the stage one of
    the known stages. Raises FieldError naming the field."""
    cleaned: dict[str, Any] = {}
    for key, value in given.items():
        if value is None:
            continue
        if key == "stage":
            if value not in STAGE_LABELS:
                raise FieldError(f"Choose the stage from the list: {', '.join(STAGE_LABELS.values())}.")
            cleaned[key] = value
        elif key == "interview_at":
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise ValueError("interview_at must be a timezone-aware datetime")
            cleaned[key] = value.astimezone(UTC)
        elif key in SINGLE_LINE_FIELDS:
            cleaned[key] = clean_single_line(value, key, limit=FIELD_LIMITS[key],
                                             required=key == "company")
        elif key in LONG_FIELDS:
            cleaned[key] = clean_field(value, key, limit=FIELD_LIMITS[key])
        else:
            raise ValueError(f"unknown journal field {key!r}")
    return cleaned


def check_entry_fits(fields: Mapping[str, object]) -> None:
    """Refuse an entry that could not be shown in one embed once escaped for Discord."""
    size = sum(len(escape_discord(str(v))) for v in fields.values() if isinstance(v, str))
    if size > ENTRY_DISPLAY_LIMIT - 200:
        raise FieldError("Together these fields are too long to show in Discord once formatted. "
                         "Please shorten the notes or the feedback.")


def text_fields(entry: JournalEntry) -> dict[str, str]:
    """The entry's free-text fields, the ones that must fit one embed together."""
    return {key: getattr(entry, key) for key in TEXT_FIELDS}


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


# --- finding an entry ---------------------------------------------------------------------------

def parse_entry_id(text: str) -> int | None:
    """The id in what autocomplete sent ("12") or what someone typed ("#12")."""
    return parse_record_id(text)


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


def companies_matching(entries: Iterable[JournalEntry], typed: str, limit: int = 25) -> list[str]:
    """The companies of these entries that contain what was typed, once each however their
    case differs, spelled as first seen (entries come most recent first)."""
    text = typed.strip().lower()
    companies: dict[str, str] = {}
    for entry in entries:
        if text in entry.company.lower():
            companies.setdefault(entry.company.lower(), entry.company)
    return list(companies.values())[:limit]


# --- showing an entry ---------------------------------------------------------------------------

def entry_heading(company: str, stage: str) -> str:
    label = stage_label(stage)
    return f"{company} · {label}" if label else company


def entry_choice_label(entry: JournalEntry, zone: ZoneInfo | None) -> str:
    """How an entry appears in autocomplete and menus: company, stage, role, date (≤100)."""
    parts = [entry.company, stage_label(entry.stage), entry.role]
    if entry.interview_at is not None:
        parts.append(f"{entry.interview_at.astimezone(zone or UTC):%d %b %Y}")
    return shorten(f"#{entry.id} " + " · ".join(p for p in parts if p), 100)


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


def list_line(entry: JournalEntry) -> tuple[str, str]:
    """An entry as one line of the journal list, and its compact form for when the full lines
    are too long for one embed."""
    parts = [f"**#{entry.id}** {escape_discord(shorten(entry.company, 60))}"]
    if entry.stage:
        parts.append(stage_label(entry.stage))
    if entry.role:
        parts.append(escape_discord(shorten(entry.role, 60)))
    if entry.interview_at is not None:
        parts.append(discord_timestamp(entry.interview_at, "D"))
    if entry.outcome:
        parts.append(f"*{escape_discord(shorten(entry.outcome, 40))}*")
    return " · ".join(parts), f"**#{entry.id}** {escape_discord(shorten(entry.company, 30))}"
