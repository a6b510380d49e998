"""Read the times people type ("Dec 3 2pm", "tomorrow 10:30", "next Tuesday 2pm", "in 3 days")
in their own time zone. Pure: `now` and the zone are passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

EXAMPLES = ('"2026-12-03 14:00"', '"Dec 3 2pm"', '"tomorrow 10:30"', '"next Tuesday 2pm"',
            '"in 3 days"')
MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for m in names}
WEEKDAYS = {d: i for i, names in enumerate(
    [("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"),
     ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
     ("sun", "sunday")]) for d in names}
# Common abbreviations people type, mapped to one representative IANA zone (said explicitly).
ABBREVIATIONS = {
    "EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
    "MST": "America/Denver", "MDT": "America/Denver", "MT": "America/Denver",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
    "GMT": "Europe/London", "BST": "Europe/London", "UK": "Europe/London",
    "CET": "Europe/Paris", "CEST": "Europe/Paris", "EET": "Europe/Athens",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "KST": "Asia/Seoul", "SGT": "Asia/Singapore",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "NZST": "Pacific/Auckland",
    "UTC": "UTC", "Z": "UTC", "HKT": "Asia/Hong_Kong", "BRT": "America/Sao_Paulo",
    "WAT": "Africa/Lagos", "EAT": "Africa/Nairobi", "SAST": "Africa/Johannesburg",
}

_TIME = r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
_TIME_RE = re.compile(rf"^(?:at\s+)?{_TIME}$")
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ t](?:at\s+)?(?P<rest>.+))?$")
_MONTH_FIRST = re.compile(r"^(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(?P<y>\d{4}))?,?"
                          r"(?:\s+(?P<rest>.+))?$")
_DAY_FIRST = re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]+)\.?,?(?:\s+(?P<y>\d{4}))?,?"
                        r"(?:\s+(?P<rest>.+))?$")
_RELATIVE = re.compile(r"^in\s+(?P<n>\d+|an?|one|two|three|four|five|six|seven|ten)\s+"
                       r"(?P<unit>minutes?|mins?|hours?|hrs?|days?|weeks?)(?:\s+(?P<rest>.+))?$")
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "ten": 10}


class TimeParseError(ValueError):
    """A time that cannot be read, or is not acceptable; the message is for the user."""


def resolve_zone(name: str) -> tuple[ZoneInfo, str | None]:
    """An IANA zone from a name or a common abbreviation. Returns the zone and, when an
    abbreviation was mapped, a sentence saying so."""
    text = name.strip()
    if not text:
        raise TimeParseError("Give a time zone such as Europe/London or America/New_York.")
    upper = text.upper()
    if upper in ABBREVIATIONS:
        zone = ABBREVIATIONS[upper]
        return ZoneInfo(zone), f"{upper} was read as {zone}."
    candidate = text.replace(" ", "_")
    if len(candidate) <= 64:
        for option in (candidate, _canonical_case(candidate)):
            # Only real zone names: a folder of the zone database ("America/Indiana") or a
            # path ("../etc") is not a zone, whatever the file system says.
            if option == "UTC" or option in _zone_names():
                try:
                    return ZoneInfo(option), None
                except (ZoneInfoNotFoundError, ValueError, OSError):
                    continue
    raise TimeParseError(f"I don't know the time zone {text!r}. Use a name like Europe/Berlin, "
                         "America/Chicago or Asia/Kolkata (start typing for suggestions).")


def _canonical_case(name: str) -> str:
    lowered = name.lower()
    for zone in _zones():
        if zone.lower() == lowered:
            return zone
    return name


_ZONES: list[str] = []
_ZONE_NAMES: set[str] = set()
MAX_YEARS_AHEAD = 2  # an interview, a follow-up or a journal date further out is a typo


def _zone_names() -> set[str]:
    if not _ZONE_NAMES:
        _ZONE_NAMES.update(available_timezones())
    return _ZONE_NAMES


def _zones() -> list[str]:
    if not _ZONES:
        _ZONES.extend(sorted(z for z in available_timezones() if "/" in z
                             and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))))
    return _ZONES


def suggest_zones(prefix: str, limit: int = 25) -> list[str]:
    """Zone names matching what the user typed so far (for autocomplete)."""
    text = prefix.strip().lower().replace(" ", "_")
    if not text:
        return ["Europe/London", "America/New_York", "America/Los_Angeles", "Europe/Berlin",
                "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney", "UTC"][:limit]
    matches = [f"{text.upper()} -> {ABBREVIATIONS[text.upper()]}"] if text.upper() in ABBREVIATIONS else []
    starts = [z for z in _zones() if z.lower().startswith(text) or z.lower().split("/")[-1].startswith(text)]
    contains = [z for z in _zones() if text in z.lower() and z not in starts]
    return (matches + starts + contains)[:limit]


@dataclass(frozen=True, slots=True)
class ParsedTime:
    when: datetime  # aware, UTC
    local: datetime  # the same instant in the user's zone


def parse_when(text: str, zone: ZoneInfo, now: datetime, *, allow_past: bool = False,
               default_time: time | None = None) -> ParsedTime:
    """Read `text` in `zone`. Raises TimeParseError with examples when it cannot."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise TimeParseError(_help("No time given."))
    if len(raw) > 60:
        raise TimeParseError(_help("That is too long to be a time."))
    local_now = now.astimezone(zone)
    try:
        local = _parse(raw, local_now, zone, default_time)
        when = None if local is None else local.astimezone(UTC)
    except (OverflowError, ValueError):  # beyond what a calendar can hold ("in 99999999 days")
        raise TimeParseError(_help(f"{text.strip()!r} is further away than I can plan for "
                                   f"(up to {MAX_YEARS_AHEAD} years ahead).")) from None
    if local is None or when is None:
        raise TimeParseError(_help(f"I could not read {text.strip()!r} as a date and time."))
    if when - now > timedelta(days=366 * MAX_YEARS_AHEAD):
        raise TimeParseError(_help(f"{local:%a %d %b %Y} is more than {MAX_YEARS_AHEAD} years away."))
    if not allow_past and when <= now:
        raise TimeParseError(_help(f"{local:%a %d %b %Y %H:%M} ({zone.key}) is in the past."))
    return ParsedTime(when, local)


def _help(problem: str) -> str:
    return f"{problem} Try {', '.join(EXAMPLES)}."


def _parse(raw: str, now: datetime, zone: ZoneInfo, default_time: time | None) -> datetime | None:
    if raw == "now":
        return now
    match = _RELATIVE.match(raw)
    if match:
        n = match.group("n")
        count = int(n) if n.isdigit() else _WORD_NUMBERS[n]
        unit = match.group("unit")
        if unit.startswith(("min", "hour", "hr")):
            if match.group("rest"):
                return None
            delta = timedelta(minutes=count) if unit.startswith("min") else timedelta(hours=count)
            return (now.astimezone(UTC) + delta).astimezone(zone)
        days = count * (7 if unit.startswith("week") else 1)
        day = now.date() + timedelta(days=days)
        at = _time(match.group("rest")) if match.group("rest") else now.time().replace(
            second=0, microsecond=0)
        return _combine(day, at, zone) if at else None
    match = _ISO.match(raw)
    if match:
        day = _date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        return _with_time(day, match.group("rest"), zone, default_time)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        match = pattern.match(raw)
        if match and match.group("mon") in MONTHS:
            month, d = MONTHS[match.group("mon")], int(match.group("d"))
            if match.group("y"):
                day = _date(int(match.group("y")), month, d)
            else:  # no year: the next such date from today
                day = _date(now.year, month, d)
                if day is not None and day < now.date():
                    day = _date(now.year + 1, month, d)
            return _with_time(day, match.group("rest"), zone, default_time)
    words = raw.split(" ", 1)
    first, rest = words[0], words[1] if len(words) > 1 else None
    if first in {"today", "tonight", "tomorrow", "tmrw", "tmr"}:
        day = now.date() + timedelta(days=0 if first in {"today", "tonight"} else 1)
        return _with_time(day, rest, zone, default_time)
    if first == "next" and rest:
        parts = rest.split(" ", 1)
        if parts[0] in WEEKDAYS:
            return _weekday(now, WEEKDAYS[parts[0]], parts[1] if len(parts) > 1 else None, zone,
                            default_time)
        if parts[0] == "week":
            return _with_time(now.date() + timedelta(days=7), parts[1] if len(parts) > 1 else None,
                              zone, default_time)
        return None
    if first in WEEKDAYS:
        return _weekday(now, WEEKDAYS[first], rest, zone, default_time)
    return None


def _weekday(now: datetime, weekday: int, rest: str | None, zone: ZoneInfo,
             default_time: time | None) -> datetime | None:
    # "Tuesday" and "next Tuesday" both mean the coming Tuesday (never today): the reading
    # most people intend, and the one that never lands in the past.
    ahead = (weekday - now.weekday()) % 7 or 7
    return _with_time(now.date() + timedelta(days=ahead), rest, zone, default_time)


def _with_time(day: date | None, rest: str | None, zone: ZoneInfo,
               default_time: time | None) -> datetime | None:
    if day is None:
        return None
    at = _time(rest) if rest else default_time
    if at is None:
        return None
    return _combine(day, at, zone)


def _time(text: str) -> time | None:
    text = text.strip().rstrip(".")
    if text in {"noon", "midday", "at noon"}:
        return time(12, 0)
    if text in {"midnight", "at midnight"}:
        return time(0, 0)
    if text.startswith("morning") or text == "in the morning":
        return time(9, 0)
    match = _TIME_RE.match(text)
    if not match:
        return None
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    ampm = (match.group("ampm") or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif match.group("minute") is None:
        return None  # a bare "3" is too ambiguous
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _combine(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone`. A time skipped by a DST jump moves forward past the gap."""
    local = datetime.combine(day, at, tzinfo=zone)
    roundtrip = local.astimezone(UTC).astimezone(zone)
    if roundtrip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return roundtrip  # inside a spring-forward gap: the clock reads later
    return local


def local_time_on(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a given local date (DST-correct)."""
    return _combine(day, at, zone).astimezone(UTC)
