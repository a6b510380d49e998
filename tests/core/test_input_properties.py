"""Property-based tests for every parser of what users type: each one returns a value or
refuses with its expected, friendly error, whatever the input. Never anything else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.inputs import parse_record_id
from bot.core.timeparse import MAX_YEARS_AHEAD, TimeParseError, parse_when, resolve_zone, suggest_zones

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
ZONES = st.sampled_from([ZoneInfo(z) for z in ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata",
                                                "Pacific/Kiritimati", "America/St_Johns")])
# Text shaped like what people type into a time field, and text that is anything at all.
TIME_WORDS = st.sampled_from(["in", "days", "day", "hours", "minutes", "weeks", "next", "tomorrow", "today",
                              "at", "pm", "am", "noon", "midnight", "dec", "december", "tuesday", "3",
                              "14:00", "99999999", "9999-12-31", "0000-01-01", "23:30", "2026-02-29",
                              "-1", "²", "٣", "1e9", ":", ",", "  "])
TIME_LIKE = st.lists(TIME_WORDS, min_size=1, max_size=6).map(" ".join)
ANY_TEXT = st.text(max_size=80)


@settings(max_examples=400)
@given(text=st.one_of(TIME_LIKE, ANY_TEXT), zone=ZONES, allow_past=st.booleans())
def test_parse_when_returns_a_sensible_time_or_refuses_clearly(text: str, zone: ZoneInfo,
                                                                allow_past: bool) -> None:
    try:
        parsed = parse_when(text, zone, NOW, allow_past=allow_past)
    except TimeParseError as error:
        assert str(error) and "Try" in str(error)
        return
    assert parsed.when.tzinfo is not None and parsed.local.tzinfo is not None
    assert parsed.when == parsed.local
    assert parsed.when - NOW <= timedelta(days=366 * MAX_YEARS_AHEAD)
    if not allow_past:
        assert parsed.when > NOW


@given(n=st.integers(min_value=0, max_value=10**30), unit=st.sampled_from(["days", "hours", "minutes", "weeks"]))
def test_any_relative_amount_is_read_or_refused(n: int, unit: str) -> None:
    try:
        parsed = parse_when(f"in {n} {unit}", ZoneInfo("Europe/London"), NOW)
    except TimeParseError:
        return
    assert NOW < parsed.when <= NOW + timedelta(days=366 * MAX_YEARS_AHEAD)


@settings(max_examples=300)
@given(name=st.one_of(ANY_TEXT, st.sampled_from(["America/Indiana", "America", "Etc", "../../etc/passwd",
                                                  "America/Indiana/", "/usr/share/zoneinfo/UTC", "EST", "est",
                                                  "europe/london", "America/Argentina", "\x00", "UTC/../UTC"])))
def test_resolve_zone_returns_a_real_zone_or_refuses(name: str) -> None:
    try:
        zone, note = resolve_zone(name)
    except TimeParseError as error:
        assert str(error)
        return
    assert isinstance(zone, ZoneInfo) and datetime(2026, 1, 1, tzinfo=zone).utcoffset() is not None
    assert note is None or isinstance(note, str)


def test_zone_folders_are_refused() -> None:
    for folder in ("America/Indiana", "America/Argentina", "America", "Etc"):
        try:
            resolve_zone(folder)
        except TimeParseError:
            continue
        raise AssertionError(f"{folder} was accepted as a zone")


@given(prefix=ANY_TEXT)
def test_zone_suggestions_are_a_short_list_of_strings(prefix: str) -> None:
    suggestions = suggest_zones(prefix)
    assert len(suggestions) <= 25 and all(isinstance(s, str) and 0 < len(s) <= 100 for s in suggestions)


@given(typed=st.one_of(ANY_TEXT, st.integers().map(str), st.integers(min_value=0).map(lambda n: f"#{n}")))
def test_record_ids_are_small_non_negative_integers_or_nothing(typed: str) -> None:
    value = parse_record_id(typed)
    assert value is None or (isinstance(value, int) and 0 <= value < 10**18)


@given(text=st.text(alphabet=st.characters(blacklist_characters="\u200b"), max_size=200))
def test_discord_escaping_is_undone_exactly(text: str) -> None:
    from bot.core.text import escape_discord, unescape_discord

    assert unescape_discord(escape_discord(text)) == text
