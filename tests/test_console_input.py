"""How the terminal rehearsal reads what is typed, pasted or piped: which lines are commands,
where an answer ends, and the first-run choice of script. Property-based where it parses."""

from __future__ import annotations

import argparse
import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.console import (
    COMMANDS,
    DEFAULT_SCRIPT,
    EXIT_SAVED,
    AnswerInput,
    Command,
    Finish,
    Record,
    Refuse,
    Terminal,
    parse_script_choice,
    read_line_kind,
    rehearse,
)
from bot.core.interview import MAX_PART_CHARS

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
SCRIPT_IDS = ["second_round", "final", "final_leadership", "behavioural_deep_dive"]

ANY_LINE = st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=60)
# Prose: words that never begin with "/", so no line of it is a command.
WORD = st.text(alphabet=st.characters(whitelist_categories=("L", "N", "P", "Zs"),
                                      blacklist_characters="/\n\r"), min_size=1, max_size=12)
PROSE_LINE = st.lists(WORD, min_size=1, max_size=8).map(" ".join).filter(lambda s: s.strip())
PARAGRAPH = st.lists(PROSE_LINE, min_size=1, max_size=4)
ANSWER = st.lists(PARAGRAPH, min_size=1, max_size=4)


def paragraphs_text(answer: list[list[str]]) -> str:
    return "\n\n".join("\n".join(line.rstrip() for line in p) for p in answer).strip()


def answer_lines(answer: list[list[str]], *, blanks: int = 1) -> list[str]:
    lines: list[str] = []
    for number, paragraph in enumerate(answer):
        if number:
            lines += [""] * blanks
        lines += paragraph
    return lines


def recorded_answers(actions: list) -> list[str]:
    """The text of each finished answer, from a stream of actions."""
    done, current = [], []
    for action in actions:
        if isinstance(action, Record):
            current.append(action.text)
        elif isinstance(action, Finish):
            done.append("\n".join(current))
            current = []
    return done


# --- which lines are commands ---------------------------------------------------------------

@settings(max_examples=500)
@given(line=st.one_of(ANY_LINE, st.sampled_from(["/", "/ and", "/10 of them", "/usr/bin/env", "/etc",
                                                 "/Done", " /skip ", "/skip this one", "/é", "//",
                                                 "/-x", "/_x", "and/or", "  ", "\t"])))
def test_every_line_is_text_blank_or_a_command_shape(line: str) -> None:
    kind = read_line_kind(line)
    stripped = line.strip()
    if not stripped:
        assert kind.kind == "blank"
    elif not stripped.startswith("/"):
        assert kind.kind == "text" and kind.text == line  # prose is kept exactly as typed
    elif kind.kind == "command":
        assert kind.command in COMMANDS and kind.command == stripped.lower()
    elif kind.kind == "unknown":
        assert " " not in stripped and stripped.lower() not in COMMANDS
    elif kind.kind == "misplaced":
        assert stripped.split()[0].lower() in COMMANDS and stripped.lower() not in COMMANDS
    elif kind.kind in {"voice", "refused"}:
        assert stripped.lower().startswith("/voice")
    else:
        assert kind.kind == "text"


@given(command=st.sampled_from(sorted(COMMANDS)), upper=st.booleans(),
       pad=st.sampled_from(["", " ", "\t", "  "]))
def test_a_known_command_alone_on_its_line_is_that_command(command: str, upper: bool, pad: str) -> None:
    kind = read_line_kind(pad + (command.upper() if upper else command) + pad)
    assert kind.kind == "command" and kind.command == command


@given(rest=ANY_LINE)
def test_a_slash_then_a_space_is_prose(rest: str) -> None:
    assert read_line_kind("/ " + rest).kind in {"text"}


def test_slashes_inside_prose_are_text_and_lone_words_are_refused() -> None:
    assert read_line_kind("/ and then we shipped it").kind == "text"
    assert read_line_kind("/usr/bin is where it lives").kind == "text"
    assert read_line_kind("either/or").kind == "text"
    assert read_line_kind("/sikp").kind == "unknown"
    assert read_line_kind("/skip this one").kind == "misplaced"


# --- where an answer ends ---------------------------------------------------------------------

@settings(max_examples=300)
@given(answer=ANSWER, blanks=st.integers(min_value=1, max_value=3))
def test_a_paste_at_a_terminal_is_one_answer_ended_by_the_empty_line_typed_after_it(
        answer: list[list[str]], blanks: int) -> None:
    reader = AnswerInput(piped=False)
    lines = answer_lines(answer, blanks=blanks)
    actions = []
    for number, line in enumerate(lines):  # all pasted at once: more waits after every line
        actions += reader.feed(line, waiting=number < len(lines) - 1)
    assert not any(isinstance(a, Finish) for a in actions)
    actions += reader.feed("", waiting=False)  # then Enter on an empty line, typed
    assert recorded_answers(actions) == [paragraphs_text(answer)]
    assert isinstance(actions[-1], Finish)


@settings(max_examples=200)
@given(lines=st.lists(PROSE_LINE, min_size=1, max_size=6))
def test_typed_lines_are_recorded_as_typed_and_an_empty_line_ends_the_answer(lines: list[str]) -> None:
    reader = AnswerInput(piped=False)
    for line in lines:  # typed: nothing more is waiting after each line
        assert reader.feed(line, waiting=False) == [Record(line.strip())]
    assert reader.feed("", waiting=False) == [Finish()]


@settings(max_examples=300)
@given(answers=st.lists(ANSWER, min_size=1, max_size=4))
def test_piped_answers_end_at_two_empty_lines_and_keep_their_paragraphs(
        answers: list[list[list[str]]]) -> None:
    reader = AnswerInput(piped=True)
    actions = []
    for answer in answers:
        for line in [*answer_lines(answer), "", ""]:
            new = reader.feed(line, waiting=True)
            actions += new
            if Finish() in new:  # as the rehearsal does when the next question is asked
                reader.start_question()
    assert recorded_answers(actions) == [paragraphs_text(a) for a in answers]


@settings(max_examples=100)
@given(words=st.lists(WORD, min_size=1, max_size=2000))
def test_long_input_is_split_into_parts_the_service_accepts_losing_nothing(words: list[str]) -> None:
    reader = AnswerInput(piped=True)
    text = " ".join(words)
    lines = [text[i:i + 5000] for i in range(0, len(text), 5000)]
    actions = []
    for line in lines:
        actions += reader.feed(line, waiting=True)
    actions += reader.flush()
    parts = [a.text for a in actions if isinstance(a, Record)]
    assert all(0 < len(p) <= MAX_PART_CHARS for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_stray_empty_lines_before_an_answer_do_nothing() -> None:
    for piped in (False, True):
        reader = AnswerInput(piped=piped)
        assert reader.feed("", waiting=False) == [] and reader.feed("", waiting=True) == []


def test_a_command_records_what_was_pasted_before_it_first() -> None:
    reader = AnswerInput(piped=True)
    assert reader.feed("Pasted line.", waiting=True) == []
    assert reader.feed("/done", waiting=True) == [Record("Pasted line."), Command("/done")]
    refused = reader.feed("/nope", waiting=True)
    assert len(refused) == 1 and isinstance(refused[0], Refuse)
    assert "/nope is not a command" in refused[0].message


def test_a_resumed_answer_ends_with_an_empty_line_without_new_text() -> None:
    reader = AnswerInput(piped=False)
    reader.start_question(has_answer=True)
    assert reader.feed("", waiting=False) == [Finish()]


# --- the first-run choice of script -----------------------------------------------------------

@settings(max_examples=300)
@given(typed=st.one_of(ANY_LINE, st.sampled_from(["1", "4", "5", "0", "-1", "02", "final", "FINAL",
                                                  "beh", "fin", "second", "99999999999", "²"])))
def test_script_choice_is_a_listed_script_or_none(typed: str) -> None:
    chosen = parse_script_choice(typed, SCRIPT_IDS, DEFAULT_SCRIPT)
    assert chosen is None or chosen in SCRIPT_IDS
    if not typed.strip():
        assert chosen == DEFAULT_SCRIPT


def test_script_choice_by_number_name_or_start_of_name() -> None:
    assert [parse_script_choice(str(n), SCRIPT_IDS, DEFAULT_SCRIPT) for n in range(1, 5)] == SCRIPT_IDS
    assert parse_script_choice(" Final ", SCRIPT_IDS, DEFAULT_SCRIPT) == "final"  # exact beats prefix
    assert parse_script_choice("beh", SCRIPT_IDS, DEFAULT_SCRIPT) == "behavioural_deep_dive"
    assert parse_script_choice("fin", SCRIPT_IDS, DEFAULT_SCRIPT) is None  # final or final_leadership
    assert parse_script_choice("5", SCRIPT_IDS, DEFAULT_SCRIPT) is None


# --- an in-memory stream (no file descriptor) -------------------------------------------------

def test_an_in_memory_stream_reads_with_look_ahead() -> None:
    term = Terminal(io.StringIO("one\n\ntwo"), io.StringIO())
    assert term.read_line() == "one" and term.waiting()
    assert term.read_line() == "" and term.waiting()
    assert term.read_line() == "two"
    assert term.read_line() is None


async def test_rehearse_runs_from_an_in_memory_stream(tmp_path: Path) -> None:
    args = argparse.Namespace(script="final", name="Sam", role="Data Analyst", company="Acme",
                              interviewer=[], values="", notes="", db=None, transcript=None,
                              resume=False, restart=False, list=False)
    out = io.StringIO()
    stdin = io.StringIO("MEMORY answer, first paragraph.\n\nSecond paragraph.\n\n\n/pause\n")
    status = await rehearse(args, database_path=tmp_path / "r.db", prompts_dir=PROMPTS,
                            stdin=stdin, stdout=out)
    assert status == EXIT_SAVED, out.getvalue()
    assert "Paused and saved." in out.getvalue()
    assert "Follow-up" in out.getvalue() or "[2/19]" in out.getvalue()


class PausedByTheBot(io.StringIO):
    """Input during which the Discord bot, running on the same database, pauses the rehearsal
    as idle (its sweeper does this after IDLE_PAUSE_MINUTES)."""

    def __init__(self, text: str, db: Path, *, after_lines: int) -> None:
        super().__init__(text)
        self.db, self.after_lines, self.lines = db, after_lines, 0

    def readline(self, size: int | None = -1) -> str:
        self.lines += 1
        if self.lines == self.after_lines:
            with sqlite3.connect(self.db) as conn:  # as the bot's store writes it: a new version
                conn.execute("UPDATE interview_sessions SET status = 'paused', version = version + 1")
        return super().readline(size)


@pytest.mark.parametrize("ending", ["\n\n\n", "\n"], ids=["answer finished", "input ended"])
async def test_a_rehearsal_paused_meanwhile_is_resumed_and_keeps_the_answer(tmp_path: Path,
                                                                            ending: str) -> None:
    db = tmp_path / "r.db"
    args = argparse.Namespace(script="final", name="Sam", role="Data Analyst", company="Acme",
                              interviewer=[], values="", notes="", db=None, transcript=None,
                              resume=False, restart=False, list=False)
    out = io.StringIO()
    stdin = PausedByTheBot("IDLE answer, typed after a long think." + ending, db, after_lines=2)
    status = await rehearse(args, database_path=db, prompts_dir=PROMPTS, stdin=stdin, stdout=out)
    assert status == EXIT_SAVED, out.getvalue()
    assert "This rehearsal had been paused while idle; it is resumed." in out.getvalue()

    with sqlite3.connect(db) as conn:
        parts = [row[0] for row in conn.execute("SELECT text FROM answer_parts")]
    assert parts == ["IDLE answer, typed after a long think."]
