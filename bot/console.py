"""The terminal rehearsal: the same interview engine and store as the bot, no Discord needed.

How input is read (the rule is told to the user when a rehearsal starts or resumes):

* A line that is only a known command (`/done`, `/skip`, `/repeat`, `/pause`, `/quit`,
  `/help`) is that command. Any other single `/word` is refused and saved nowhere; a line that
  merely starts with "/" inside prose ("/ and", "/usr/bin is ...") is text.
* An empty line ends the answer when nothing more is already waiting to be read: pressing
  Enter on an empty line after typing. Text that arrives together, as a paste does, stays one
  answer, blank lines and all (they become paragraph breaks).
* Piped input all arrives together, so there an answer ends at two empty lines in a row, or at
  `/done`; a single empty line is a paragraph break.
* Ctrl-C is `/pause`: what was typed so far, even a line without its Enter, is saved first.
* `/voice PATH` on a line of its own answers with an audio file (OGG, WAV, FLAC, MP3), through
  the same pipeline as a Discord voice message (the `voice` extra); what was heard is shown.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import contextlib
import os
import re
import select
import shlex
import shutil
import signal
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any, Literal, TextIO

from bot.core.clock import Clock, SystemClock
from bot.core.delivery import VoiceCommandError, delivery_notes, read_voice_command
from bot.core.document_text import DocumentError
from bot.core.interview import (
    MAX_ANSWER_CHARS,
    MAX_PART_CHARS,
    AskedQuestion,
    InterviewError,
    report_context,
)
from bot.core.panel import PanelError, parse_panel
from bot.core.preparation import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, PreparationError, check_minutes, time_left
from bot.core.progress import chart_message
from bot.core.scripts import Script, ScriptError
from bot.core.text import split_text
from bot.library import TemplateLibrary
from bot.services.interviews import ActiveInterviewExists, InterviewService, Step
from bot.services.jobs import JobService
from bot.services.progress import ProgressService
from bot.services.voice import VoiceService
from bot.store import Store, StoreError
from bot.voice import AudioError

try:
    import termios
except ImportError:  # not POSIX: no terminal modes to adjust
    termios = None  # type: ignore[assignment]

LOCAL_USER_ID = 1  # Discord ids are far larger, so the local rehearser never collides with one
EXIT_DONE, EXIT_ERROR, EXIT_USAGE, EXIT_SAVED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C before a rehearsal started: there was nothing to save
DEFAULT_SCRIPT = "second_round"
# How long an empty line typed at a terminal waits for more input before it ends the answer: a
# paste the terminal delivers in pieces is not split, and a typed Enter feels instant.
PASTE_GRACE_SECONDS = 0.1
TRANSCRIPT_KEY = "rehearsal.transcript.{}"  # bot_meta key: the --transcript of a rehearsal

COMMANDS: dict[str, str] = {
    "/done": "finish this answer",
    "/skip": "pass on this question",
    "/repeat": "show the question again",
    "/pause": "save and stop; continue later with --resume (Ctrl-C does the same)",
    "/quit": "the same as /pause",
    "/help": "show this list",
}
COMMAND_LIST = ", ".join(COMMANDS)
VOICE_HELP = "/voice PATH  answer with an audio file (OGG, WAV, FLAC, MP3); needs the voice extra"
MAX_TERMINAL_AUDIO_BYTES = 100 * 1024 * 1024  # a WAV of 5 minutes at 48 kHz stereo is about 58 MB
TYPED_RULE = ("Type your answer and press Enter on an empty line to finish it (or type /done). "
              "Text you paste stays one answer, blank lines and all.")
PIPED_RULE = ("Reading piped input: a single empty line is a paragraph break; two empty lines "
              "in a row, or /done, end an answer.")


# --- what a line means (pure) ------------------------------------------------------------

LineKind = Literal["text", "blank", "command", "unknown", "misplaced", "voice", "refused"]
_COMMAND_WORD = re.compile(r"/[^\W\d_][\w-]*")


@dataclass(frozen=True, slots=True)
class Line:
    kind: LineKind
    text: str  # the line as typed (for text), or the command word
    command: str = ""  # the command, lower case, for "command" and "misplaced"


def read_line_kind(line: str) -> Line:
    """What one line of input is: answer text, an empty line, a command, an unknown command
    (a lone `/word`), or a known command with more after it ("/skip this one")."""
    stripped = line.strip()
    if not stripped:
        return Line("blank", "")
    try:
        path = read_voice_command(stripped)
    except VoiceCommandError as error:
        return Line("refused", str(error), "/voice")
    if path is not None:
        return Line("voice", path, "/voice")
    if _COMMAND_WORD.fullmatch(stripped):
        word = stripped.lower()
        return Line("command", stripped, word) if word in COMMANDS else Line("unknown", stripped)
    first = stripped.split()[0].lower()
    if first in COMMANDS:
        return Line("misplaced", stripped, first)
    return Line("text", line)


def refusal(line: Line) -> str:
    """What the user is told when a line looked like a command but is not one."""
    if line.kind == "refused":
        return f"{line.text} Nothing was saved."
    if line.kind == "misplaced":
        return (f"Type {line.command} on a line of its own. That line was not saved, so retype "
                "it if it was part of your answer.")
    return (f"{line.text} is not a command, so nothing was saved. Commands: {COMMAND_LIST}. "
            "(A line that starts with \"/ \" is kept as text.)")


@dataclass(frozen=True, slots=True)
class Record:
    text: str  # one part of the answer, at most MAX_PART_CHARS


@dataclass(frozen=True, slots=True)
class Finish:
    pass


@dataclass(frozen=True, slots=True)
class Command:
    name: str


@dataclass(frozen=True, slots=True)
class Refuse:
    message: str


@dataclass(frozen=True, slots=True)
class Speak:
    path: str  # an audio file to answer with (`/voice PATH`)


Action = Record | Finish | Command | Refuse | Speak


@dataclass(slots=True)
class AnswerInput:
    """Turns lines of input into what to do with the answer in progress (pure).

    `waiting` tells, for each line, whether more input was already there to read after it:
    true inside a paste and for piped input, false once the user has to type again."""

    piped: bool
    has_answer: bool = False  # parts of the current answer are already recorded
    pending: list[str] = field(default_factory=list)  # text read but not recorded yet
    blanks: int = 0  # empty lines in a row

    def start_question(self, *, has_answer: bool = False) -> None:
        self.has_answer, self.blanks = has_answer, 0
        self.pending.clear()

    def feed(self, text: str, *, waiting: bool) -> list[Action]:
        line = read_line_kind(text)
        if line.kind == "text":
            self.blanks = 0
            self.pending.append(line.text.rstrip())
            if not waiting or sum(len(p) + 1 for p in self.pending) >= MAX_PART_CHARS:
                return self.flush()
            return []
        if line.kind == "blank":
            self.blanks += 1
            if not (self.has_answer or self.pending):
                return []  # a stray empty line before any answer
            if waiting and not (self.piped and self.blanks >= 2):
                if self.pending and self.pending[-1]:
                    self.pending.append("")  # a paragraph break inside the answer
                return []
            return [*self.flush(), Finish()]
        self.blanks = 0
        actions = self.flush()
        if line.kind == "command":
            return [*actions, Command(line.command)]
        if line.kind == "voice":
            return [*actions, Speak(line.text)]
        return [*actions, Refuse(refusal(line))]

    def flush(self) -> list[Action]:
        """Record what was read and not yet recorded (at a pause, the end of input, Ctrl-C)."""
        text = "\n".join(self.pending).strip()
        self.pending.clear()
        if not text:
            return []
        self.has_answer = True
        return [Record(part) for part in split_text(text, MAX_PART_CHARS)]


def parse_script_choice(typed: str, script_ids: Sequence[str], default: str) -> str | None:
    """The script picked at the first-run prompt: Enter for the default, its number in the
    list, or its id (any case, or an unambiguous start of it). None when it matches nothing."""
    text = typed.strip().lower()
    if not text:
        return default
    if text.isascii() and text.isdigit():
        number = int(text) if len(text) < 6 else 0
        return script_ids[number - 1] if 1 <= number <= len(script_ids) else None
    exact = [s for s in script_ids if s.lower() == text]
    if exact:
        return exact[0]
    starts = [s for s in script_ids if s.lower().startswith(text)]
    return starts[0] if len(starts) == 1 else None


# --- the terminal ------------------------------------------------------------------------

class Interrupted(Exception):
    """Ctrl-C while the rehearsal waited for input."""


def _fileno(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return None


# A terminal in its usual (canonical) mode passes on at most 4,095 bytes of one line, and drops
# the rest of it before any program sees it: Linux's N_TTY buffer is 4,096 bytes, Enter included.
CANONICAL_LINE_BYTES = 4095
LINE_CUT_WARNING = ("⚠️ That line reached 4,095 characters, the most a terminal passes on in one line, so "
                    "the terminal cut what came after it. Paste long answers with line breaks in them "
                    "(one paragraph per line), and type the rest of this one now.")


class Terminal:
    """Reads lines and can tell whether more input is already waiting (a paste, a pipe).

    On a POSIX file descriptor it reads the descriptor itself, so what is buffered is known;
    Ctrl-C is turned into `Interrupted` at the next read (see `catching_interrupts`). Any other
    stream (an in-memory one) is read line by line with one line of look-ahead."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout
        try:
            self.interactive = stdin.isatty()
        except (AttributeError, ValueError):
            self.interactive = False
        fd = _fileno(stdin) if os.name == "posix" else None
        self._fd = fd
        encoding = getattr(stdin, "encoding", None) or "utf-8"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._text = ""  # read from the descriptor, not yet returned
        self._eof = False
        self._ahead: list[str | None] = []  # look-ahead of the line-by-line fallback
        self._wake: tuple[int, int] | None = None  # a pipe Ctrl-C writes to, so select wakes
        self.interrupted = False

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def prompt(self, text: str) -> None:
        """Show a prompt at a terminal, unless more input is already there (mid-paste)."""
        if self.interactive and not self.waiting():
            self.stdout.write(text)
            self.stdout.flush()

    def read_line(self, prompt: str = "") -> str | None:
        """The next line without its line ending; None at the end of input."""
        if prompt:
            self.prompt(prompt)
        if self._fd is None:
            return self._ahead.pop(0) if self._ahead else self._stream_line()
        while "\n" not in self._text and not self._eof:
            self._fill(None)
        if "\n" in self._text:
            line, _, self._text = self._text.partition("\n")
            line = line.rstrip("\r")
            if self.interactive and len(line.encode("utf-8", "replace")) >= CANONICAL_LINE_BYTES:
                self.say(LINE_CUT_WARNING)
            return line
        if self._text:  # the last line, with no line ending
            line, self._text = self._text, ""
            return line
        return None

    def waiting(self, grace: float = 0.0) -> bool:
        """Whether more input (or the end of it) is already there to read, waiting up to
        `grace` seconds for it."""
        if self._fd is None:
            if self.interactive:
                return False
            if not self._ahead:
                self._ahead.append(self._stream_line())
            return True
        return bool(self._text) or self._eof or self._fill(grace)

    def unfinished(self) -> list[str]:
        """After Ctrl-C at a terminal: everything typed and not read yet (the rest of a paste),
        including a line whose Enter was never pressed, kept by the terminal because
        `catching_interrupts` set NOFLSH. Piped input that was not read yet is what comes
        after, not part of the answer in progress: it is left alone."""
        if not self.interactive:
            return []
        self._drain_terminal()
        lines = [line.rstrip("\r") for line in self._text.split("\n")]
        self._text = ""
        return lines

    def _stream_line(self) -> str | None:
        line = self.stdin.readline()
        return None if line == "" else line.rstrip("\r\n")

    def _fill(self, timeout: float | None) -> bool:
        """Wait up to `timeout` for input; True when some (or the end of input) arrived."""
        assert self._fd is not None
        if self.interrupted:
            raise Interrupted
        watch = [self._fd] + ([self._wake[0]] if self._wake else [])
        try:
            ready, _, _ = select.select(watch, [], [], timeout)
        except (OSError, ValueError):  # not selectable (rare): read, blocking
            ready = [self._fd] if timeout is None else []
        if self.interrupted:
            raise Interrupted
        if self._fd not in ready:
            return False
        data = os.read(self._fd, 65536)
        if data:
            self._text += self._decoder.decode(data)
        else:
            self._text += self._decoder.decode(b"", final=True)
            self._eof = True
        return True

    def _drain_terminal(self) -> None:
        """Read what the terminal still holds: in canonical mode, a half-typed line is only
        readable once canonical mode is off."""
        if self._fd is None or termios is None:
            return
        try:
            saved = termios.tcgetattr(self._fd)
        except (OSError, termios.error):
            return
        raw = [*saved[:6], list(saved[6])]
        raw[3] &= ~termios.ICANON
        raw[6][termios.VMIN], raw[6][termios.VTIME] = 0, 0
        try:
            termios.tcsetattr(self._fd, termios.TCSANOW, raw)
            self._text += self._read_available()
        except (OSError, termios.error):
            pass
        finally:
            with contextlib.suppress(OSError, termios.error):
                termios.tcsetattr(self._fd, termios.TCSANOW, saved)
                termios.tcflush(self._fd, termios.TCIFLUSH)  # nothing is left for the shell

    def _read_available(self) -> str:
        assert self._fd is not None
        chunks = []
        while not self._eof:
            try:
                ready, _, _ = select.select([self._fd], [], [], 0)
            except (OSError, ValueError):
                break
            if not ready:
                break
            data = os.read(self._fd, 65536)
            if not data:
                break
            chunks.append(self._decoder.decode(data))
        return "".join(chunks)

    @contextlib.contextmanager
    def catching_interrupts(self) -> Iterator[None]:
        """While in effect, Ctrl-C raises `Interrupted` at the next read instead of a
        KeyboardInterrupt wherever the program happens to be (a second Ctrl-C before that is
        a KeyboardInterrupt). At a terminal, NOFLSH keeps a half-typed line for `unfinished`."""
        import threading

        if self._fd is None or threading.current_thread() is not threading.main_thread():
            yield
            return
        self._wake = os.pipe()
        os.set_blocking(self._wake[1], False)

        def on_interrupt(signum: int, frame: FrameType | None) -> None:
            if self.interrupted:
                raise KeyboardInterrupt
            self.interrupted = True
            if self._wake is not None:
                with contextlib.suppress(OSError):  # full: a wake-up is already pending
                    os.write(self._wake[1], b"\0")

        previous = signal.signal(signal.SIGINT, on_interrupt)
        saved_tty = self._set_noflsh()
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
            if saved_tty is not None and termios is not None:
                with contextlib.suppress(OSError, termios.error):
                    termios.tcsetattr(self._fd, termios.TCSANOW, saved_tty)
            for fd in self._wake:
                os.close(fd)
            self._wake = None

    def _set_noflsh(self) -> list[Any] | None:
        if not self.interactive or self._fd is None or termios is None:
            return None
        try:
            saved = termios.tcgetattr(self._fd)
            changed = [*saved[:6], list(saved[6])]
            changed[3] |= termios.NOFLSH
            termios.tcsetattr(self._fd, termios.TCSANOW, changed)
        except (OSError, termios.error):
            return None
        return saved


# --- the command ---------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--script", help=f"script id (see --list); default: {DEFAULT_SCRIPT}")
    parser.add_argument("--name", help="your first name")
    parser.add_argument("--role", help='the role, e.g. "Data Analyst"')
    parser.add_argument("--company", help="the company")
    parser.add_argument("--interviewer", action="append", default=[],
                        help='"Name, Title" (repeat for a panel)')
    parser.add_argument("--prep-minutes", dest="prep_minutes", default=None,
                        help=f"case exercise: minutes to prepare after the brief ({MIN_MINUTES}-{MAX_MINUTES}, "
                             f"default {DEFAULT_MINUTES})")
    parser.add_argument("--values", default="", help='company values, comma separated')
    parser.add_argument("--notes", default="", help="notes from an earlier round")
    parser.add_argument("--job", type=Path, metavar="PATH",
                        help="a job description (.txt, .md, .pdf or .docx) to practise against")
    parser.add_argument("--resume-file", type=Path, metavar="PATH",
                        help="your résumé (.txt, .md, .pdf or .docx): the interview probes its bullets")
    parser.add_argument("--db", type=Path, help="SQLite file (default: DATABASE_PATH)")
    parser.add_argument("--transcript", type=Path,
                        help="also write the Markdown transcript and report here at the end "
                             "(remembered by --resume); a copy is always kept in a "
                             "transcripts folder next to the database")
    parser.add_argument("--resume", action="store_true",
                        help="continue your paused or interrupted rehearsal")
    parser.add_argument("--restart", action="store_true",
                        help="abandon an unfinished rehearsal and start a new one")
    parser.add_argument("--list", action="store_true", help="list the available scripts")
    parser.add_argument("--chart", type=Path,
                        help="when the rehearsal is finished, draw your progress chart (PNG) here")


async def rehearse(args: argparse.Namespace, *, database_path: Path, prompts_dir: Path,
                   stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
                   clock: Clock | None = None) -> int:
    term = Terminal(stdin, stdout)
    try:
        library = TemplateLibrary(prompts_dir, for_discord=False).load()
    except ScriptError as exc:
        term.say(f"The interview scripts have errors:\n{exc}")
        return EXIT_ERROR
    if args.list:
        for script in _script_order(library):
            kind = "Assessment: " if script.family == "assessment" else ""
            term.say(f"{script.id:<24} {script.stage_label:<13} ~{script.minutes} min  "
                     f"{kind}{script.title}: {script.description}")
        return EXIT_DONE
    if args.resume and args.restart:
        term.say("Use --resume to continue your rehearsal, or --restart to start over; not both.")
        return EXIT_USAGE
    if args.transcript is not None and args.transcript.is_dir():
        term.say(f"--transcript needs a file name; {args.transcript} is a folder.")
        return EXIT_USAGE
    chart_path = getattr(args, "chart", None)
    if chart_path is not None and (chart_path.is_dir() or chart_path.suffix.lower() != ".png"):
        term.say(f"--chart needs a file name ending in .png; {chart_path} is not one.")
        return EXIT_USAGE
    db_path = args.db or database_path
    store = Store(db_path)
    rehearsal: Rehearsal | None = None
    try:
        await store.open()
    except StoreError as exc:
        term.say(str(exc))
        return EXIT_ERROR
    try:
        clock = clock or SystemClock()
        service = InterviewService(store, library, clock)
        progress = ProgressService(store, library, service.clock)
        service.when_finished(progress.record_finished)  # attempts and best attempts, as on Discord
        rehearsal = Rehearsal(service, library, term, args, db_path, jobs=JobService(store, service.clock))
        rehearsal.voice = VoiceService(store, clock, service)
        with term.catching_interrupts():
            status = await rehearsal.run()
        if status == EXIT_DONE and chart_path is not None:
            await write_chart(progress, term, chart_path)
        return status
    finally:
        if rehearsal is not None and rehearsal.voice is not None:
            rehearsal.voice.stop()
        await store.close()


def _read_recording(typed: str) -> tuple[Path, bytes | str]:
    """The audio file a `/voice` line names: its bytes, or why it cannot be used."""
    path = Path(typed).expanduser()
    try:
        size = path.stat().st_size
        if size > MAX_TERMINAL_AUDIO_BYTES:
            return path, (f"{path} is {size / 1_048_576:.0f} MB; a recording can be up to "
                          f"{MAX_TERMINAL_AUDIO_BYTES // 1_048_576} MB.")
        return path, path.read_bytes()
    except OSError as error:
        return path, f"Could not read {path}: {error.strerror or error}."


async def write_chart(progress: ProgressService, term: Terminal, path: Path) -> bool:
    """The progress chart of the rehearsals on this database, written to `path`."""
    await progress.catch_up()  # rehearsals finished before progress was recorded
    png, chart = await progress.chart_png(LOCAL_USER_ID)
    if png is None:
        term.say("\n" + plain(chart_message(chart.finished)).replace("`/interview start`",
                                                                     "another rehearsal"))
        return False
    try:
        where = _write_file(path, png)
    except OSError as exc:
        term.say(f"\nCould not write the chart to {path}: {exc.strerror or exc}")
        return False
    term.say(f"\nYour progress chart ({chart.finished} rehearsals) is at {where}")
    return True


def _write_file(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path.absolute()


class _FileRefused(Exception):
    """A --job or --resume-file that cannot be used; the message names the file."""


@contextlib.contextmanager
def _refused_as(path: Path) -> Iterator[None]:
    try:
        yield
    except DocumentError as exc:
        reason = str(exc)
        raise _FileRefused(reason if path.name in reason else f"{path.name}: {reason}") from exc


def _script_order(library: TemplateLibrary) -> list[Script]:
    """The default first, then the interviews by stage and id, then the assessments."""
    return sorted(library.scripts.values(),
                  key=lambda s: (s.id != DEFAULT_SCRIPT, s.family != "interview", s.stage, s.id))


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_LIST_ITEM = re.compile(r"^(\s*)(- |\d+\. )")


def plain(text: str) -> str:
    """Text without Markdown bold and italic markers."""
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))


def _width() -> int:
    return min(shutil.get_terminal_size((100, 24)).columns, 100) - 1


def _wrap(text: str, indent: str = "") -> str:
    return "\n\n".join(textwrap.fill(p, width=_width(), initial_indent=indent,
                                     subsequent_indent=indent)
                       for p in plain(text).split("\n\n"))


def terminal_text(markdown: str, width: int | None = None) -> str:
    """The report's Markdown as plain terminal text: a line that is all bold becomes a
    heading underlined with dashes, other bold and italic markers are dropped, and long lines
    wrap with list items indented under their bullet."""
    width = width or _width()
    out: list[str] = []
    for line in markdown.splitlines():
        heading = _BOLD.fullmatch(line.strip())
        if heading:
            title = _ITALIC.sub(r"\1", heading.group(1))
            out += [title, "-" * min(len(title), width)]
            continue
        text = plain(line)
        if len(text) <= width:
            out.append(text)
            continue
        item = _LIST_ITEM.match(text)
        indent = " " * (len(item.group(0)) if item else len(text) - len(text.lstrip()))
        out.append(textwrap.fill(text, width=width, subsequent_indent=indent))
    return "\n".join(out)


class Rehearsal:
    """One run of the command: starts or resumes the local rehearsal and reads it through."""

    def __init__(self, service: InterviewService, library: TemplateLibrary, term: Terminal,
                 args: argparse.Namespace, db_path: Path, *, jobs: JobService) -> None:
        self.service, self.library, self.term, self.args = service, library, term, args
        self.jobs = jobs  # reads --job and --resume-file as /prep job add and /prep resume do
        self.db_path = db_path
        self.session_id = 0
        self.transcript: Path | None = None  # where the user asked for the transcript
        self.answer = AnswerInput(piped=not term.interactive)
        self.job_named: tuple[str, str] = ("", "")  # the title and company a --job file names
        self.answer_chars = 0  # of the answer in progress, as recorded
        self.voice: VoiceService | None = None  # `/voice PATH` answers, when the extra is installed
        self.ready_by: datetime | None = None  # while a case brief is on screen: when preparation ends

    async def run(self) -> int:
        try:
            return await self._open()
        except Interrupted:  # Ctrl-C at a first-run prompt: nothing was started
            self.term.say("\nStopped before the rehearsal started; nothing was saved.")
            return EXIT_INTERRUPTED

    async def _open(self) -> int:
        term, args, service = self.term, self.args, self.service
        existing = await service.open_session(LOCAL_USER_ID)
        if args.resume:
            if existing is None:
                term.say("There is no unfinished rehearsal to resume. Start one with "
                         "--script, --name, --role and --company.")
                return EXIT_USAGE
            return await self._resume(existing.id)
        if existing is not None:
            if not args.restart:
                term.say(f"You have an unfinished rehearsal. Continue it with: "
                         f"{self.resume_command()} (or start over with --restart).")
                return EXIT_USAGE
            await service.abandon(existing.id)
        script_id = args.script
        if script_id is not None and script_id not in self.library.scripts:
            term.say(f"Unknown script {script_id!r}. Available: "
                     f"{', '.join(sorted(self.library.scripts))} (see --list).")
            return EXIT_USAGE
        details = {key: (getattr(args, key) or "").strip()
                   for key in ("name", "role", "company")}
        if script_id is None:
            script_id = DEFAULT_SCRIPT
            if term.interactive and not all(details.values()):
                chosen = self._choose_script()
                if chosen is None:
                    term.say("\nInput ended before the rehearsal started; nothing was saved.")
                    return EXIT_USAGE
                script_id = chosen
        try:  # first, so a job description names the role and the company when they are not given
            materials = await self._materials()
        except _FileRefused as exc:
            term.say(plain(str(exc)))
            return EXIT_USAGE
        except OSError as exc:
            term.say(f"Could not read {exc.filename}: {exc.strerror or exc}")
            return EXIT_USAGE
        for key, found in (("role", self.job_named[0]), ("company", self.job_named[1])):
            if not details[key] and found:
                details[key] = found
        for key, label in (("name", "Your first name"), ("role", "The role"),
                           ("company", "The company")):
            if not details[key] and term.interactive:
                details[key] = (term.read_line(f"{label}: ") or "").strip()
            if not details[key]:
                term.say(f"--{key} is required (e.g. --name Sam --role \"Data Analyst\" "
                         "--company Acme).")
                return EXIT_USAGE
        try:
            panel = parse_panel(args.interviewer)
            minutes = check_minutes(getattr(args, "prep_minutes", None))
        except (PanelError, PreparationError) as exc:
            term.say(str(exc))
            return EXIT_USAGE
        context = {
            "candidate": details["name"], "role": details["role"], "company": details["company"],
            "interviewers": panel, "preparation_minutes": minutes,
            "values": [v for v in args.values.split(",") if v.strip()],
            "earlier_notes": args.notes, **materials,
        }
        try:
            step = await service.start(user_id=LOCAL_USER_ID, script_id=script_id,
                                       context=context)
        except (InterviewError, ActiveInterviewExists) as exc:
            term.say(plain(str(exc)))
            return EXIT_ERROR
        self.session_id = step.session.id
        await self._remember_transcript()
        script = step.interview.script
        asked = step.question
        assert asked is not None
        term.say(f"{script.title} · {script.stage_label} · {asked.total} questions · "
                 f"about {script.minutes} minutes")
        if step.interview.panel:
            term.say("Your panel: " + ", ".join(
                f"{p.name} ({p.title})" if p.title else p.name for p in step.interview.panel))
        self._tell_rules()
        return await self._loop(asked)

    async def _materials(self) -> dict[str, Any]:
        """The job (--job) and résumé (--resume-file) for the context, read off the event loop;
        the job's requirements matched against the local story bank. Refused (_FileRefused) as
        Discord refuses the same file: a text with no requirements or duties is no job."""
        materials: dict[str, Any] = {}
        job_path = getattr(self.args, "job", None)
        resume_path = getattr(self.args, "resume_file", None)
        if job_path is not None:
            data = await asyncio.to_thread(job_path.read_bytes)
            with _refused_as(job_path):
                job, materials["job"] = await self.jobs.job_for_one_interview(
                    LOCAL_USER_ID, filename=job_path.name, data=data)
            self.job_named = (job.title, job.company)
            self.term.say(f"Practising against {job.title or 'the job'}"
                          f"{' at ' + job.company if job.company else ''}: {len(job.must_have)} must-haves read "
                          f"from {job_path.name}.")
        if resume_path is not None:
            data = await asyncio.to_thread(resume_path.read_bytes)
            with _refused_as(resume_path):
                resume, materials["resume"] = await self.jobs.resume_for_one_interview(
                    filename=resume_path.name, data=data)
            self.term.say(f"Using your résumé: {len(resume.roles)} roles read from {resume_path.name}.")
        return materials

    def _choose_script(self) -> str | None:
        scripts = _script_order(self.library)
        ids = [s.id for s in scripts]
        self.term.say("Which interview would you like to rehearse?")
        for number, script in enumerate(scripts, start=1):
            self.term.say(textwrap.fill(
                f"{'Assessment: ' if script.family == 'assessment' else ''}{script.title} "
                f"({script.stage_label}, about {script.minutes} min): "
                f"{plain(script.description)}", width=_width(),
                initial_indent=f"  {number}. ", subsequent_indent="     "))
        while True:
            typed = self.term.read_line(f"Pick 1-{len(ids)} (Enter for {scripts[0].title}): ")
            if typed is None:
                return None
            chosen = parse_script_choice(typed, ids, DEFAULT_SCRIPT)
            if chosen is not None:
                return chosen
            self.term.say(f"  Type a number from 1 to {len(ids)}, or press Enter.")

    async def _resume(self, session_id: int) -> int:
        self.session_id = session_id
        session, interview = await self.service.load(session_id)
        if session.status == "paused":
            await self.service.resume(session_id)
        await self._remember_transcript()
        asked = interview.current_question()
        where = (f"a follow-up to question {asked.number} of {asked.total}" if asked.is_probe
                 else f"question {asked.number} of {asked.total}")
        self.term.say(f"Resuming {interview.script.title} for {interview.context['candidate']} "
                      f"at {where}.")
        self._tell_rules()
        turn = interview.current_turn()
        so_far = turn.text if turn is not None and turn.finished_at is None else ""
        return await self._loop(asked, so_far=so_far)

    def _tell_rules(self) -> None:
        self.term.say(_wrap(TYPED_RULE if self.term.interactive else PIPED_RULE))
        self.term.say(_wrap(f"Commands, on a line of their own: {COMMAND_LIST}. "
                            "Ctrl-C saves and stops, like /pause."))

    async def _remember_transcript(self) -> None:
        """--transcript is kept with the rehearsal, so a --resume without it still writes it."""
        meta = self.service.store.meta
        key = TRANSCRIPT_KEY.format(self.session_id)
        if self.args.transcript is not None:
            self.transcript = self.args.transcript.absolute()
            await meta.set(key, str(self.transcript))
        else:
            remembered = await meta.get(key)
            self.transcript = Path(remembered) if remembered else None

    def default_transcript(self, script_id: str) -> Path:
        return (self.db_path.parent / "transcripts"
                / f"rehearsal-{self.db_path.stem}-{self.session_id}-{script_id}.md").absolute()  # one per database

    def resume_command(self) -> str:
        db = f" --db {shlex.quote(str(self.args.db))}" if self.args.db else ""
        return f"python -m bot rehearse --resume{db}"

    # --- the questions ---------------------------------------------------------------------

    def note(self, text: str) -> None:
        """A short message about the input, indented under it (no Markdown markers)."""
        self.term.say(_wrap(text, "  "))

    def _show(self, asked: AskedQuestion) -> None:
        self.term.say("")
        self.ready_by = asked.ready_by
        if asked.is_probe:
            self.term.say(_wrap(f"Follow-up: {asked.text}", "  "))
            return
        if asked.handover:
            self.term.say(_wrap(f"({asked.handover})"))
        who = f" · {asked.asker_label} asks" if asked.asker else ""
        self.term.say(f"[{asked.number}/{asked.total}] {plain(asked.category_label)}{who}")
        self.term.say(_wrap(asked.text))
        if asked.ready_by is not None:
            left = time_left(self.service.clock.now(), asked.ready_by)
            minutes = asked.preparation_minutes
            self.term.say(_wrap(f"  (preparation: {minutes} minute{'s' if minutes != 1 else ''}, until "
                                f"{asked.ready_by:%H:%M} UTC, {left}. Notes are kept, not judged; "
                                "/done when you are ready. A line typed after the time is up "
                                "starts your presentation.)", "  "))
        else:
            self.term.say(f"  (suggested: {plain(asked.length_hint)})")

    async def _preparation_over(self) -> int | None:
        """While the candidate prepares a case: once the time is up, on to the presentation."""
        if self.ready_by is None or self.service.clock.now() < self.ready_by:
            return None
        self.ready_by = None
        for action in self.answer.flush():  # notes typed before the time was up stay notes
            await self._carry_out(action)
        try:
            step = await self.service.end_preparation(self.session_id)
        except InterviewError:
            return None
        self.term.say("\nYour preparation time is up. Over to you!")
        return await self._advance(step)

    async def _loop(self, asked: AskedQuestion, *, so_far: str = "") -> int:
        """Read answers and commands until the rehearsal finishes or stops. `so_far` is the
        unfinished answer of a resumed rehearsal."""
        term = self.term
        self.answer_chars = len(so_far)
        self.answer.start_question(has_answer=bool(so_far))
        self._show(asked)
        if so_far:
            term.say("Your answer so far is kept:")
            term.say(_wrap(so_far, "  | "))
            term.say("Carry on with it, or finish it"
                     + (" with an empty line." if term.interactive else "."))
        while True:
            try:
                line = term.read_line("> ")
                if line is None:
                    return await self._end_of_input()
                blank = not line.strip()
                waiting = term.waiting(PASTE_GRACE_SECONDS if blank and term.interactive else 0)
            except Interrupted:
                return await self._interrupted()
            outcome = await self._preparation_over()
            if outcome is not None:
                return outcome
            for action in self.answer.feed(line, waiting=waiting):
                outcome = await self._carry_out(action)
                if outcome is not None:
                    return outcome

    async def _carry_out(self, action: Action) -> int | None:
        """`_do`, telling the user when the service refuses. A rehearsal paused meanwhile (the
        Discord bot pauses idle interviews when it runs on the same database) is resumed."""
        try:
            return await self._do(action)
        except InterviewError as exc:
            session = await self.service.get(self.session_id)
            if session is None or session.status != "paused":
                self.note(str(exc))
                return None
        await self.service.resume(self.session_id)
        self.note("This rehearsal had been paused while idle; it is resumed.")
        try:
            return await self._do(action)
        except InterviewError as exc:
            self.note(str(exc))
            return None

    async def _do(self, action: Action) -> int | None:
        """Carry out one action; an exit status when the rehearsal stops here."""
        if isinstance(action, Record):
            await self._record(action.text)
            return None
        if isinstance(action, Refuse):
            self.note(action.message)
            return None
        if isinstance(action, Speak):
            await self._speak(action.path)
            return None
        if isinstance(action, Finish):
            return await self._advance(await self._finish_answer())
        name = action.name
        if name == "/repeat":
            self._show((await self.service.current(self.session_id))[1])
            return None
        if name == "/help":
            self.term.say(_wrap(TYPED_RULE if self.term.interactive else PIPED_RULE))
            for command, meaning in COMMANDS.items():
                self.term.say(f"  {command:<8} {meaning}")
            self.term.say(f"  {VOICE_HELP}")
            return None
        if name in {"/pause", "/quit"}:
            return await self._save_and_stop("Paused and saved.")
        if name == "/skip":
            return await self._advance(await self.service.skip(self.session_id))
        return await self._advance(await self._finish_answer())  # /done

    async def _record(self, text: str) -> None:
        if self.answer_chars + len(text) > MAX_ANSWER_CHARS:
            self.note(f"This answer has reached the most one answer can hold "
                      f"({MAX_ANSWER_CHARS:,} characters), so the last text was not saved. "
                      "Type /done to finish it.")
        else:
            try:
                result = await self.service.record_part(self.session_id, text,
                                                        source="terminal")
                self.answer_chars = len(result.turn.text)
            finally:
                self.answer.has_answer = self.answer_chars > 0

    async def _speak(self, typed: str) -> None:
        """`/voice PATH`: the recording, transcribed through the same pipeline as a Discord voice
        message, is a part of the answer; what was heard is shown so it can be corrected."""
        if self.voice is None or not self.voice.available:
            self.note("Voice answers need the voice extra: pip install -e \".[voice]\" (about 160 MB). "
                      "Type your answer instead.")
            return
        path, audio = await asyncio.to_thread(_read_recording, typed)
        if isinstance(audio, str):
            self.note(f"{audio} Nothing was saved.")
            return
        self.note(f"Transcribing {path.name} ...")
        try:
            spoken = await self.voice.answer(self.session_id, audio, source="terminal-voice")
        except AudioError as error:
            self.note(f"{error} Nothing was saved.")
            return
        self.answer_chars = len(spoken.part.turn.text)
        self.answer.has_answer = True
        self.term.say(f"  Here is what I heard ({spoken.transcription.duration:.0f} s):")
        self.term.say(_wrap(spoken.transcription.text, "  | "))
        for note in delivery_notes(spoken.delivery, with_length=False):
            self.note(f"- {note}")
        self.note("If I misheard a word, type the correction: it joins this answer.")

    async def _finish_answer(self) -> Step | None:
        if self.ready_by is not None:  # a brief: ready to present, with or without notes
            self.ready_by = None
            return await self.service.finish_answer(self.session_id)
        if not self.answer.has_answer:
            self.note("There is no answer to finish yet: type your answer first, or /skip to "
                      "pass on this question.")
            return None
        return await self.service.finish_answer(self.session_id)

    async def _advance(self, step: Step | None) -> int | None:
        if step is None:
            return None
        if step.finished:
            return self._finish(step)
        assert step.question is not None
        self.answer_chars = 0
        self.answer.start_question()
        self._show(step.question)
        return None

    async def _end_of_input(self) -> int:
        """The end of input. Piped, the last answer typed is finished (the input was the whole
        rehearsal); at a terminal, Ctrl-D keeps it open, like Ctrl-C: nobody is done with an
        answer by closing the input. Then the rehearsal is saved."""
        for action in self.answer.flush():
            await self._carry_out(action)
        if self.term.interactive:
            return await self._save_and_stop(
                "\nInput ended (Ctrl-D); your rehearsal is saved"
                + (" with your answer so far, still open: --resume takes you back to it."
                   if self.answer.has_answer else "."))
        if self.answer.has_answer:
            step = await self.service.finish_answer(self.session_id)
            if step.finished:
                return self._finish(step)
            return await self._save_and_stop("\nInput ended; your last answer is finished and your "
                                             "rehearsal is saved.")
        return await self._save_and_stop("\nInput ended; your rehearsal is saved.")

    async def _interrupted(self) -> int:
        """Ctrl-C: like /pause, after saving everything typed, a half-typed line included."""
        for text in self.term.unfinished():
            if text.strip() and read_line_kind(text).kind == "text":
                self.answer.pending.append(text.rstrip())
        for action in self.answer.flush():
            await self._carry_out(action)
        return await self._save_and_stop("\nStopped with Ctrl-C; your rehearsal is saved"
                                         + (" with your answer so far."
                                            if self.answer.has_answer else "."))

    async def _save_and_stop(self, message: str) -> int:
        with contextlib.suppress(InterviewError):  # already paused (by the bot, while idle)
            await self.service.pause(self.session_id)
        self.term.say(message)
        self.term.say(f"Continue any time with: {self.resume_command()}")
        return EXIT_SAVED

    def _finish(self, step: Step) -> int:
        library = self.library
        ctx = report_context(step.interview, report=step.transition.report,
                             when=step.session.finished_at)
        ctx["terminal"] = True  # the report names what works here, not Discord's commands
        self.term.say("\n" + "=" * 60)
        self.term.say(terminal_text(library.render("reports/report.md.j2", **ctx)))
        text = library.render("reports/transcript.md.j2", **ctx) + "\n"
        default = self.default_transcript(step.interview.script.id)
        written = []
        for path in dict.fromkeys(p for p in (self.transcript, default) if p is not None):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, "utf-8")
            except OSError as exc:
                self.term.say(f"\nCould not write the transcript to {path}: "
                              f"{exc.strerror or exc}")
            else:
                written.append(path)
        if self.transcript in written:
            self.term.say(f"\nTranscript and report written to {self.transcript}")
            if default in written and default != self.transcript:
                self.term.say(f"A copy is kept at {default}")
        elif default in written:
            self.term.say(f"\nTranscript and report written to {default}")
        return EXIT_DONE
