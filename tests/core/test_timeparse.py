"""Reading typed times in the user's zone: absolute, relative, unreadable, past, and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.timeparse import (
    TimeParseError,
    local_time_on,
    parse_when,
    resolve_zone,
    suggest_zones,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")
# Wednesday 2026-11-25, 15:20 in New York.
NOW = datetime(2026, 11, 25, 15, 20, tzinfo=NY).astimezone(UTC)


def local(text: str, zone: ZoneInfo = NY, now: datetime = NOW) -> datetime:
    return parse_when(text, zone, now).local


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-03 14:00", (2026, 12, 3, 14, 0)),
    ("2026-12-03T09:30", (2026, 12, 3, 9, 30)),
    ("Dec 3 2pm", (2026, 12, 3, 14, 0)),
    ("December 3rd, 2026 2:30 pm", (2026, 12, 3, 14, 30)),
    ("3 Dec 14:00", (2026, 12, 3, 14, 0)),
    ("Jan 5 9am", (2027, 1, 5, 9, 0)),  # no year: the next January 5th
    ("tomorrow 10:30", (2026, 11, 26, 10, 30)),
    ("today 5pm", (2026, 11, 25, 17, 0)),
    ("next Tuesday 2pm", (2026, 12, 1, 14, 0)),
    ("friday at noon", (2026, 11, 27, 12, 0)),
    ("in 3 days", (2026, 11, 28, 15, 20)),
    ("in 3 days 9:00", (2026, 11, 28, 9, 0)),
    ("in 2 hours", (2026, 11, 25, 17, 20)),
    ("in a week", (2026, 12, 2, 15, 20)),
])
def test_readable_times(text: str, expected: tuple[int, ...]) -> None:
    parsed = parse_when(text, NY, NOW)
    assert parsed.local == datetime(*expected, tzinfo=NY)
    assert parsed.when.tzinfo is UTC and parsed.when == parsed.local


def test_the_same_words_mean_different_instants_in_different_zones() -> None:
    in_ny = parse_when("2026-12-03 14:00", NY, NOW).when
    in_kolkata = parse_when("2026-12-03 14:00", KOLKATA, NOW).when
    assert in_ny == datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
    assert in_kolkata == datetime(2026, 12, 3, 8, 30, tzinfo=UTC)


def test_relative_days_follow_the_users_calendar_not_utcs() -> None:
    # 23:30 in New York is already the next day in UTC: "tomorrow" is still New York's tomorrow.
    late = datetime(2026, 11, 25, 23, 30, tzinfo=NY).astimezone(UTC)
    assert local("tomorrow 9am", now=late) == datetime(2026, 11, 26, 9, 0, tzinfo=NY)


@pytest.mark.parametrize("text", ["", "soonish", "the 32nd of never", "Dec 35 2pm", "tomorrow 25:00",
                                  "next 2pm", "3", "in 3 fortnights", "x" * 80])
def test_unreadable_times_explain_with_examples(text: str) -> None:
    with pytest.raises(TimeParseError) as raised:
        parse_when(text, NY, NOW)
    message = str(raised.value)
    assert "Try" in message and '"tomorrow 10:30"' in message and '"Dec 3 2pm"' in message


@pytest.mark.parametrize("text", ["2026-11-25 09:00", "today 3pm", "2025-12-03 14:00"])
def test_past_times_are_refused(text: str) -> None:
    with pytest.raises(TimeParseError, match="in the past"):
        parse_when(text, NY, NOW)
    assert parse_when(text, NY, NOW, allow_past=True).when < NOW


def test_a_time_in_the_spring_forward_gap_moves_past_it() -> None:
    # 2026-03-08 02:30 does not exist in New York (02:00 -> 03:00).
    now = datetime(2026, 3, 1, tzinfo=UTC)
    parsed = parse_when("2026-03-08 02:30", NY, now)
    assert parsed.local.hour == 3 and parsed.local.minute == 30
    assert parsed.when == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_the_ambiguous_autumn_hour_reads_as_the_first_one() -> None:
    # 2026-11-01 01:30 happens twice in New York; fold=0 is the earlier (EDT) one.
    now = datetime(2026, 10, 1, tzinfo=UTC)
    assert parse_when("2026-11-01 01:30", NY, now).when == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_relative_days_keep_the_wall_clock_across_dst() -> None:
    before = datetime(2026, 10, 30, 10, 0, tzinfo=NY).astimezone(UTC)
    parsed = parse_when("in 3 days", NY, before)
    assert parsed.local == datetime(2026, 11, 2, 10, 0, tzinfo=NY)
    assert parsed.when - before == timedelta(days=3, hours=1)  # one hour longer: EDT -> EST


def test_local_time_on_is_dst_correct() -> None:
    assert local_time_on(date(2026, 3, 7), time(18), NY) == datetime(2026, 3, 7, 23, tzinfo=UTC)
    assert local_time_on(date(2026, 3, 8), time(18), NY) == datetime(2026, 3, 8, 22, tzinfo=UTC)
    assert local_time_on(date(2026, 10, 25), time(18), LONDON) == datetime(2026, 10, 25, 18,
                                                                           tzinfo=UTC)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("tomorrow 10:00", NY, datetime(2026, 11, 25))  # noqa: DTZ001


@pytest.mark.parametrize(("name", "zone", "said"), [
    ("Europe/Berlin", "Europe/Berlin", False),
    ("europe/berlin", "Europe/Berlin", False),
    ("America/New York", "America/New_York", False),
    ("EST", "America/New_York", True),
    ("pst", "America/Los_Angeles", True),
    ("CET", "Europe/Paris", True),
    ("IST", "Asia/Kolkata", True),
    ("UTC", "UTC", True),
])
def test_zones_and_abbreviations(name: str, zone: str, said: bool) -> None:
    resolved, note = resolve_zone(name)
    assert resolved.key == zone
    assert (note is not None) == said
    if said:
        assert zone in note


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "Nowhere", "", "   "])
def test_unknown_zones_are_explained(name: str) -> None:
    with pytest.raises(TimeParseError) as raised:
        resolve_zone(name)
    assert "Europe/" in str(raised.value)


def test_zone_suggestions() -> None:
    assert "Europe/Berlin" in suggest_zones("berl")
    assert suggest_zones("est")[0] == "EST -> America/New_York"
    assert len(suggest_zones("a")) == 25
    assert suggest_zones("")[0] == "Europe/London"
