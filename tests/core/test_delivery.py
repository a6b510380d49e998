"""Delivery metrics of spoken answers (pure): pace, long pauses, fillers, speaking time against
the question's suggested length, a shaky start; and the parsers around voice answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.delivery import (
    LONG_PAUSE,
    MAX_VOICE_BYTES,
    MAX_VOICE_SECONDS,
    Delivery,
    TimedWord,
    Transcription,
    VoiceCommandError,
    alignable_words,
    clock_text,
    combine,
    delivery_notes,
    delivery_report,
    dictionary_word,
    measure_delivery,
    number_words,
    read_voice_command,
    target_seconds,
    voice_message_problem,
)


def spoken(words: str, *, start: float = 0.5, step: float = 0.4, gaps: dict[int, float] | None = None,
           duration: float | None = None) -> Transcription:
    """A transcription whose words are `step` seconds apart from `start`; `gaps` adds silence
    before the word at that index."""
    timed, at = [], start
    for index, word in enumerate(words.split()):
        at += (gaps or {}).get(index, 0.0)
        timed.append(TimedWord(word.strip(",.").lower(), at, at + step * 0.8))
        at += step
    end = timed[-1].end if timed else 0.0
    return Transcription(words, duration if duration is not None else end + 0.5, tuple(timed))


SENTENCE = "at my last company I rebuilt the reporting pipeline and it now takes four hours instead of three days"


def test_words_per_minute_from_the_first_word_to_the_last() -> None:
    # 19 words, 0.4 s apart: 7.52 s of speech, so about 152 words a minute
    d = measure_delivery(spoken(SENTENCE))
    assert d.words == 19
    assert d.speaking_seconds == pytest.approx(18 * 0.4 + 0.32)
    assert d.wpm == pytest.approx(19 / (7.52 / 60))
    assert d.pace == "steady"


@pytest.mark.parametrize(("step", "pace"), [(0.25, "fast"), (0.4, "steady"), (0.7, "slow")])
def test_the_pace_band(step: float, pace: str) -> None:
    assert measure_delivery(spoken(SENTENCE, step=step)).pace == pace


def test_too_few_words_for_a_pace() -> None:
    d = measure_delivery(spoken("yes I did"))
    assert d.pace == "unmeasured"
    assert not any("words a minute" in note for note in delivery_notes(d))


def test_long_pauses_where_and_how_many() -> None:
    d = measure_delivery(spoken(SENTENCE, gaps={5: 2.0, 12: 1.4, 15: 3.1}))
    assert [round(p.seconds, 2) for p in d.pauses] == [round(2.0 + 0.4 - 0.32, 2), round(3.1 + 0.08, 2)]
    first = d.pauses[0]
    assert first.before == "my last company i"
    assert first.after == "rebuilt the reporting pipeline"
    assert first.at == pytest.approx(0.5 + 4 * 0.4 + 0.32)
    notes = " ".join(delivery_notes(d))
    assert "2 long pauses" in notes and 'after "' in notes


def test_a_pause_just_under_the_threshold_is_not_long() -> None:
    gap = LONG_PAUSE - 0.1 - 0.08  # the silence between words is the gap plus 0.08 s
    assert measure_delivery(spoken(SENTENCE, gaps={4: gap})).pauses == ()


def test_fillers_are_counted_from_the_transcript_per_minute() -> None:
    text = "so um I think uh we basically um rebuilt it and it now takes four hours which is um good"
    d = measure_delivery(spoken(text))
    assert d.fillers["um"] == 3
    assert d.fillers["uh"] == 1
    total = sum(d.fillers.values())
    assert d.fillers_per_minute == pytest.approx(total / (d.speaking_seconds / 60))
    assert d.moments and "um" in d.moments[0]


def test_speaking_time_against_the_suggested_length() -> None:
    assert target_seconds((70, 140)) == (30, 60)
    short = measure_delivery(spoken(SENTENCE), length=(70, 140))  # 8 s against 30-60 s
    assert short.length == "short"
    assert any(note.startswith("Short: 0:08") for note in delivery_notes(short))
    assert not any(note.startswith("Short") for note in delivery_notes(short, with_length=False))
    long = measure_delivery(spoken(" ".join([SENTENCE] * 10)), length=(10, 30))
    assert long.length == "long"
    assert measure_delivery(spoken(" ".join([SENTENCE] * 5)), length=(70, 140)).length == "within"
    assert measure_delivery(spoken(SENTENCE)).length == ""


def test_a_shaky_start() -> None:
    d = measure_delivery(spoken(SENTENCE, start=4.2))
    assert d.shaky_start and d.first_word_at == pytest.approx(4.2)
    assert any("4.2 s of silence" in note for note in delivery_notes(d))
    assert not measure_delivery(spoken(SENTENCE, start=0.8)).shaky_start


def test_without_word_times_the_segments_stand_in() -> None:
    t = Transcription(SENTENCE, 20.0, (), ((1.0, 5.0, "at my last company"), (8.0, 12.0, "four hours")))
    d = measure_delivery(t)
    assert d.first_word_at == 1.0
    assert d.speaking_seconds == 11.0
    assert [round(p.seconds, 1) for p in d.pauses] == [3.0]


def test_no_times_at_all_uses_the_recording_length() -> None:
    d = measure_delivery(Transcription(SENTENCE, 10.0))
    assert d.speaking_seconds == 10.0 and d.wpm == pytest.approx(114.0)
    assert d.first_word_at is None and not d.shaky_start


def test_stored_and_read_back() -> None:
    d = measure_delivery(spoken(SENTENCE + " um", gaps={5: 2.0}, start=3.5), length=(70, 140))
    again = Delivery.from_dict(d.to_dict())
    assert again.to_dict() == d.to_dict()


def test_a_question_answered_in_several_recordings() -> None:
    a = measure_delivery(spoken(SENTENCE, gaps={5: 2.0}), length=(70, 140))
    b = measure_delivery(spoken("um and as a result errors fell by forty percent in two months"), length=(70, 140))
    both = combine([a, b])
    assert both.words == a.words + b.words
    assert both.speaking_seconds == pytest.approx(a.speaking_seconds + b.speaking_seconds)
    assert both.recordings == 2 and len(both.pauses) == 1
    assert both.fillers == {"um": 1}
    with pytest.raises(ValueError):
        combine([])


def test_the_report_section() -> None:
    fast = measure_delivery(spoken(SENTENCE, step=0.25))
    slow = measure_delivery(spoken(SENTENCE, step=0.7, gaps={3: 2.5}))
    section = delivery_report([(3, "q3", "Why us?", slow), (1, "q1", "Walk me through it.", fast)])
    assert [a["question_number"] for a in section["answers"]] == [1, 3]
    assert section["spoken"] == 2 and section["long_pauses"] == 1
    assert section["answers"][0]["pace"] == "fast" and section["answers"][1]["pace"] == "slow"
    assert section["answers"][0]["notes"][0].startswith("Fast:")
    expected = 38 / ((fast.speaking_seconds + slow.speaking_seconds) / 60)
    assert section["wpm"] == pytest.approx(expected, abs=0.05)


def test_clock_text() -> None:
    assert [clock_text(s) for s in (0, 7.4, 61, 300)] == ["0:00", "0:07", "1:01", "5:00"]


# --- the words the aligner is given ------------------------------------------------------------

DICTIONARY = {"i", "saved", "forty", "two", "hours", "it's", "a", "thousand", "three", "hundred", "and"}


def test_alignable_words_spell_numbers_and_drop_unknown_words() -> None:
    assert alignable_words("I saved 42 hours, it's Zorblax!", DICTIONARY.__contains__) == [
        "i", "saved", "forty", "two", "hours", "it's"]
    assert number_words(1300) == ["one", "thousand", "three", "hundred"]
    assert number_words(2_000_042) == ["two", "million", "forty", "two"]
    assert number_words(12_345_678_901)[:3] == ["one", "two", "three"]


def test_pronunciation_numbers_are_dropped() -> None:
    assert dictionary_word("was(2)") == "was"
    assert dictionary_word("the") == "the"


@given(st.text(max_size=300))
def test_alignable_words_are_always_known_lower_case_words(text: str) -> None:
    known = {"um", "the", "one", "two", "forty", "hundred", "i", "it's"}
    words = alignable_words(text, known.__contains__)
    assert all(w in known for w in words)
    assert all(w == w.lower() and " " not in w for w in words)


@given(st.lists(st.sampled_from(["the", "plan", "worked", "um", "42", "7", "Acme's", "–", ","]), max_size=30))
def test_alignable_words_keep_the_order_of_what_was_said(tokens: list[str]) -> None:
    everything = alignable_words(" ".join(tokens), lambda w: True)
    known_only = alignable_words(" ".join(tokens), lambda w: w in {"plan", "two", "seven"})
    iterator = iter(everything)
    assert all(word in iterator for word in known_only)  # a subsequence, in order


@given(st.integers(min_value=0, max_value=10**12))
def test_every_number_is_spelled_in_words(n: int) -> None:
    words = number_words(n)
    assert words and all(w.isalpha() for w in words)


# --- limits on a voice message -------------------------------------------------------------------


def test_voice_message_limits() -> None:
    assert voice_message_problem(is_voice=True, duration=42.0, size=200_000) is None
    assert "not a voice message" in voice_message_problem(is_voice=False, duration=None, size=10)
    too_long = voice_message_problem(is_voice=True, duration=MAX_VOICE_SECONDS + 1, size=200_000)
    assert "5:01" in too_long and "5:00" in too_long
    assert "MB" in voice_message_problem(is_voice=True, duration=60, size=MAX_VOICE_BYTES + 1)
    assert "empty" in voice_message_problem(is_voice=True, duration=0.0, size=0)


# --- the terminal's /voice PATH ----------------------------------------------------------------


@pytest.mark.parametrize(("line", "path"), [
    ("/voice answer.ogg", "answer.ogg"), ("  /VOICE  ~/rec/take 2.wav ", "~/rec/take 2.wav"),
    ('/voice "my answer.flac"', "my answer.flac"), ("/voice 'a b.mp3'", "a b.mp3"),
    ("/voiceover", None), ("voice a.ogg", None), ("I said /voice a.ogg", None), ("/done", None),
])
def test_read_voice_command(line: str, path: str | None) -> None:
    assert read_voice_command(line) == path


@pytest.mark.parametrize("line", ["/voice", "/voice   ", '/voice "unclosed.ogg', '/voice "a.ogg" "b.ogg"'])
def test_a_voice_command_without_a_usable_path_is_refused(line: str) -> None:
    with pytest.raises(VoiceCommandError):
        read_voice_command(line)


@given(st.text(max_size=80))
def test_read_voice_command_never_fails_unexpectedly(line: str) -> None:
    try:
        path = read_voice_command(line)
    except VoiceCommandError:
        return
    if path is not None:
        assert line.strip().lower().startswith("/voice") and path.strip() and "\n" not in path


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=40)
       .filter(lambda s: s[0] not in "'\""))
def test_any_plain_path_comes_back_as_typed(path: str) -> None:
    assert read_voice_command(f"/voice {path}") == path
