"""A server's own interview scripts: the limits an uploaded script must keep, and the check that
every question renders for every role family within them. Pure: the caller hands in the parsed
script and a clock to time each render with (the sandboxed environment is built in
`bot.script_sandbox`, and the check runs there, in a worker process that can be killed).

A server script is an ordinary script file (prompts/interviews/README.md). What differs is who
wrote it: an admin of some server, not us. So it is checked exactly like `check-prompts` and
then some: its size, its number of questions, how long each question takes to render and how
long the rendered text is are bounded, and its templates may use only the documented context
(see `bot.script_sandbox` for the language limits)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.scripts import ROLE_FAMILIES, Script, ScriptError, sample_context

MAX_BYTES = 64 * 1024  # an uploaded file; our own longest script is about 25 KB
MAX_QUESTIONS = 40
MAX_RENDERED_CHARS = 3_000  # a rendered question, guidance or probe: fits one embed with room
RENDER_SECONDS = 0.5  # one question with its probes, for one sample context
CHECK_SECONDS = 20.0  # the whole check, worker start-up included: then the worker is killed
MAX_SCRIPTS_PER_SERVER = 25  # Discord shows at most 25 autocomplete choices
FILE_SUFFIXES = (".j2", ".txt")
_FILENAME = re.compile(r"^[A-Za-z0-9_. -]{1,100}$")
# Answers the check feeds every probe condition (as `check-prompts` does).
SAMPLE_ANSWERS = ("", "We improved things a lot at my last job.",
                  "At my last job I led a migration that cut costs 30% in two months.")
EARLIER_ANSWER = "At my last company I led the rollout; as a result churn fell 12%."

Problem = tuple[str, int, str]


@dataclass(frozen=True, slots=True)
class ScriptSummary:
    """What the server's list shows of a checked script."""

    script_id: str
    title: str
    stage: str
    minutes: int
    questions: int


def upload_problems(filename: str, size: int) -> list[Problem]:
    """What is wrong with an upload before its bytes are even read (name, size)."""
    name = filename or "script"
    problems: list[Problem] = []
    if not _FILENAME.match(name) or not name.lower().endswith(FILE_SUFFIXES):
        problems.append((name[:100], 1, "upload the script as a .j2 or .txt file "
                                        "(letters, digits, '_', '-', '.' in its name)"))
    if size > MAX_BYTES:
        problems.append((name[:100], 1, f"the file is {size:,} bytes; a script may be at most "
                                        f"{MAX_BYTES:,} bytes ({MAX_BYTES // 1024} KB)"))
    return problems


def decode_source(data: bytes, filename: str) -> str:
    """The file's text; ScriptError when it is not plain UTF-8 text of the allowed size."""
    if len(data) > MAX_BYTES:
        raise ScriptError([(filename, 1, f"the file is {len(data):,} bytes; a script may be at "
                                         f"most {MAX_BYTES:,} bytes")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ScriptError([(filename, line, "the file is not UTF-8 text")]) from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise ScriptError([(filename, line, "the file contains a NUL byte: is it really text?")])
    return text


def size_problems(script: Script) -> list[Problem]:
    if len(script.questions) > MAX_QUESTIONS:
        extra = script.questions[MAX_QUESTIONS]
        return [(script.filename, extra.lineno,
                 f"a server script may have at most {MAX_QUESTIONS} questions; this file has "
                 f"{len(script.questions)}")]
    return []


def walk_problems(script: Script, timer: Callable[[], float],
                  progress: Callable[[int], None] = lambda line: None) -> list[Problem]:
    """Render every planned question (text, guidance, every probe against sample answers) for
    every role family, with and without the optional context, and report each that fails,
    renders too long a text or takes longer than RENDER_SECONDS. `progress(line)` is told
    which question is being rendered, so a worker killed for taking too long can say where."""
    from bot.core.feedback import answer_signals  # the analyser: only the check needs it here

    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()

    def problem(line: int, message: str) -> None:
        key = (line, message.split(" (role family")[0])  # once, not once per role family
        if key not in seen:
            seen.add(key)
            problems.append((script.filename, line, message))

    for family in ROLE_FAMILIES:
        for with_optional in (True, False):
            ctx = sample_context(family, script.stage, with_optional=with_optional)
            try:
                plan = script.plan(ctx)
            except ScriptError as error:
                for _, line, message in error.problems:
                    problem(line, f"{message} (role family {family})")
                continue
            if not plan:
                problem(1, f"no questions are asked for role family {family}")
                continue
            answers: dict[str, object] = {}
            for spec in plan:
                progress(spec.lineno)
                started = timer()
                try:
                    rendered = script.render_question(spec, {**ctx, "answers": answers})
                    texts = [rendered.text, rendered.guidance]
                    for sample in SAMPLE_ANSWERS:
                        view = answer_signals(sample, company=str(ctx["company"]),
                                              length=spec.length)
                        probe = script.next_probe(spec, {**ctx, "answers": answers,
                                                         "answer": view}, [])
                        if probe is not None:
                            texts.append(probe[1])
                except ScriptError as error:
                    for _, line, message in error.problems:
                        problem(line, f"{message} (role family {family})")
                    continue
                except Exception as error:  # a template tripping a sandbox limit mid-render
                    problem(spec.lineno, f"cannot render: {error} (role family {family})")
                    continue
                elapsed = timer() - started
                if elapsed > RENDER_SECONDS:
                    problem(spec.lineno, f"question {spec.id!r} took {elapsed:.1f} s to render; "
                                         f"the limit is {RENDER_SECONDS} s")
                if not rendered.text.strip():
                    problem(spec.lineno, f"question {spec.id!r} renders as empty text "
                                         f"(role family {family})")
                longest = max(len(t) for t in texts)
                if longest > MAX_RENDERED_CHARS:
                    problem(spec.lineno, f"question {spec.id!r} renders {longest:,} characters; "
                                         f"keep each text under {MAX_RENDERED_CHARS:,}")
                answers[spec.id] = answer_signals(EARLIER_ANSWER, company=str(ctx["company"]),
                                                  length=spec.length)
    return problems


def summary_of(script: Script) -> ScriptSummary:
    return ScriptSummary(script.id, script.title, script.stage, script.minutes,
                         len(script.questions))


def format_problems(problems: list[Problem], limit: int = 15) -> list[str]:
    """'file:line: message' lines, at most `limit` (and how many more)."""
    lines = [f"{f}:{line}: {message}" for f, line, message in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more")
    return lines


# --------------------------------------------------------------------------- the admins' guide

GUIDE_HEADING = "## For server admins: your own scripts"
EXAMPLE_FILENAME = "careers_final.j2"


@dataclass(frozen=True, slots=True)
class ScriptGuide:
    """The admins' section of prompts/interviews/README.md, for `/scripts guide`: its steps
    and limits as text, and the example script to copy as a file."""
    text: str
    example: str
    filename: str = EXAMPLE_FILENAME


def read_guide(markdown: str) -> ScriptGuide:
    """The admins' guide from the interview scripts' README: the prose of its section (up to
    the example) and the example itself (the section's first fenced block). Raises ValueError
    when the README has no such section or example."""
    if GUIDE_HEADING not in markdown:
        raise ValueError(f"the README has no {GUIDE_HEADING!r} section")
    section = markdown.split(GUIDE_HEADING, 1)[1].split("\n## ", 1)[0]
    prose, fence, rest = section.partition("```\n")
    example, closed, _ = rest.partition("```")
    if not fence or not closed or not example.strip():
        raise ValueError("the admins' section has no example script")
    return ScriptGuide(prose.strip(), example.strip() + "\n")
