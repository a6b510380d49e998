"""The terminal rehearsal: the same interview engine and store as the bot, no Discord needed."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from bot.core.clock import Clock, SystemClock
from bot.core.interview import AskedQuestion, InterviewError, parse_interviewer, report_context
from bot.core.scripts import ScriptError
from bot.library import TemplateLibrary
from bot.services.interviews import ActiveInterviewExists, InterviewService, Step
from bot.store import Store, StoreError

LOCAL_USER_ID = 1  # Discord ids are far larger, so the local rehearser never collides with one
EXIT_DONE, EXIT_ERROR, EXIT_USAGE, EXIT_SAVED = 0, 1, 2, 3
COMMANDS = {"/skip", "/repeat", "/pause", "/quit", "/done"}


class Terminal:
    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout
        self.interactive = stdin.isatty()

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def read_line(self, prompt: str = "") -> str | None:
        if self.interactive and prompt:
            self.stdout.write(prompt)
            self.stdout.flush()
        line = self.stdin.readline()
        if line == "":
            return None
        return line.rstrip("\r\n")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--script", help="script id (see --list); default: second_round")
    parser.add_argument("--name", help="your first name")
    parser.add_argument("--role", help='the role, e.g. "Data Analyst"')
    parser.add_argument("--company", help="the company")
    parser.add_argument("--interviewer", action="append", default=[],
                        help='"Name, Title" (repeat for a panel)')
    parser.add_argument("--values", default="", help='company values, comma separated')
    parser.add_argument("--notes", default="", help="notes from an earlier round")
    parser.add_argument("--db", type=Path, help="SQLite file (default: DATABASE_PATH)")
    parser.add_argument("--transcript", type=Path,
                        help="write the Markdown transcript and report here at the end")
    parser.add_argument("--resume", action="store_true",
                        help="continue your paused or interrupted rehearsal")
    parser.add_argument("--restart", action="store_true",
                        help="abandon an unfinished rehearsal and start a new one")
    parser.add_argument("--list", action="store_true", help="list the available scripts")


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
        for script in sorted(library.scripts.values(), key=lambda s: (s.stage, s.id)):
            term.say(f"{script.id:<24} {script.stage_label:<13} ~{script.minutes} min  "
                     f"{script.title}: {script.description}")
        return EXIT_DONE
    store = Store(args.db or database_path)
    try:
        await store.open()
    except StoreError as exc:
        term.say(str(exc))
        return EXIT_ERROR
    try:
        service = InterviewService(store, library, clock or SystemClock())
        return await _run(service, library, term, args)
    finally:
        await store.close()


async def _run(service: InterviewService, library: TemplateLibrary, term: Terminal,
               args: argparse.Namespace) -> int:
    existing = await service.open_session(LOCAL_USER_ID)
    if args.resume:
        if existing is None:
            term.say("There is no unfinished rehearsal to resume. Start one with "
                     "--script, --name, --role and --company.")
            return EXIT_USAGE
        session, interview = await service.load(existing.id)
        if session.status == "paused":
            await service.resume(session.id)
        asked = interview.current_question()
        term.say(f"Resuming {interview.script.title} for {interview.context['candidate']} "
                 f"at question {asked.number} of {asked.total}.")
        return await _loop(service, library, term, session.id, asked, args)
    if existing is not None:
        if not args.restart:
            term.say("You have an unfinished rehearsal. Continue it with --resume, or start "
                     "over with --restart.")
            return EXIT_USAGE
        await service.abandon(existing.id)
    script_id = args.script or "second_round"
    if script_id not in library.scripts:
        term.say(f"Unknown script {script_id!r}. Available: {', '.join(sorted(library.scripts))}"
                 " (see --list).")
        return EXIT_USAGE
    details = {}
    for field, label in (("name", "Your first name"), ("role", "The role"),
                         ("company", "The company")):
        value = (getattr(args, field) or "").strip()
        if not value and term.interactive:
            value = (term.read_line(f"{label}: ") or "").strip()
        if not value:
            term.say(f"--{field} is required (e.g. --name Sam --role \"Data Analyst\" "
                     "--company Acme).")
            return EXIT_USAGE
        details[field] = value
    context = {
        "candidate": details["name"], "role": details["role"], "company": details["company"],
        "interviewers": [parse_interviewer(i) for i in args.interviewer if i.strip()],
        "values": [v for v in args.values.split(",") if v.strip()],
        "earlier_notes": args.notes,
    }
    try:
        step = await service.start(user_id=LOCAL_USER_ID, script_id=script_id, context=context)
    except (InterviewError, ActiveInterviewExists) as exc:
        term.say(str(exc))
        return EXIT_ERROR
    script = step.interview.script
    asked = step.question
    assert asked is not None
    term.say(f"{script.title} · {script.stage_label} · {asked.total} questions · "
             f"about {script.minutes} minutes")
    term.say("Type your answer; an empty line finishes it. Commands on a line of their own: "
             "/skip, /repeat, /pause, /quit.")
    return await _loop(service, library, term, step.session.id, asked, args)


def _wrap(text: str, indent: str = "") -> str:
    width = min(shutil.get_terminal_size((100, 24)).columns, 100) - 1
    return "\n\n".join(textwrap.fill(p, width=width, initial_indent=indent, subsequent_indent=indent)
                       for p in text.split("\n\n"))


def _show(term: Terminal, asked: AskedQuestion) -> None:
    term.say("")
    if asked.is_probe:
        term.say(_wrap(f"Follow-up: {asked.text}", "  "))
    else:
        term.say(f"[{asked.number}/{asked.total}] {asked.category_label}")
        term.say(_wrap(asked.text))
        term.say(f"  (suggested: {asked.length_hint})")


async def _loop(service: InterviewService, library: TemplateLibrary, term: Terminal,
                session_id: int, asked: AskedQuestion, args: argparse.Namespace) -> int:
    _show(term, asked)
    parts = 0
    while True:
        line = term.read_line("> ")
        if line is None:  # end of input: finish what was typed, then save and stop
            if parts:
                step = await service.finish_answer(session_id)
                if step.finished:
                    return _finish(term, library, step, args)
            await service.pause(session_id)
            term.say("\nInput ended; your rehearsal is saved. Continue with --resume.")
            return EXIT_SAVED
        command = line.strip().lower()
        if command in COMMANDS:
            if command == "/repeat":
                _show(term, (await service.current(session_id))[1])
                continue
            if command in {"/pause", "/quit"}:
                await service.pause(session_id)
                term.say("Paused and saved. Continue any time with --resume.")
                return EXIT_SAVED
            step = await (service.skip(session_id) if command == "/skip"
                          else _finish_or_none(service, session_id, term))
            if step is None:
                continue
        elif line.strip():
            try:
                await service.record_part(session_id, line, source="terminal")
                parts += 1
            except InterviewError as exc:
                term.say(f"  {exc}")
            continue
        else:
            if not parts:
                continue  # stray empty line before any answer
            step = await service.finish_answer(session_id)
        parts = 0
        if step.finished:
            return _finish(term, library, step, args)
        assert step.question is not None
        _show(term, step.question)


async def _finish_or_none(service: InterviewService, session_id: int, term: Terminal
                          ) -> Step | None:
    try:
        return await service.finish_answer(session_id)
    except InterviewError as exc:
        term.say(f"  {exc}")
        return None


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_LIST_ITEM = re.compile(r"^(\s*)(- |\d+\. )")


def terminal_text(markdown: str, width: int | None = None) -> str:
    """The report's Markdown as plain terminal text: a line that is all bold becomes a
    heading underlined with dashes, other bold and italic markers are dropped, and long lines
    wrap with list items indented under their bullet."""
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 100) - 1
    out: list[str] = []
    for line in markdown.splitlines():
        heading = _BOLD.fullmatch(line.strip())
        if heading:
            title = _ITALIC.sub(r"\1", heading.group(1))
            out += [title, "-" * min(len(title), width)]
            continue
        plain = _ITALIC.sub(r"\1", _BOLD.sub(r"\1", line))
        if len(plain) <= width:
            out.append(plain)
            continue
        item = _LIST_ITEM.match(plain)
        indent = " " * (len(item.group(0)) if item else len(plain) - len(plain.lstrip()))
        out.append(textwrap.fill(plain, width=width, subsequent_indent=indent))
    return "\n".join(out)


def _finish(term: Terminal, library: TemplateLibrary, step: Step,
            args: argparse.Namespace) -> int:
    ctx = report_context(step.interview, report=step.transition.report,
                         when=step.session.finished_at)
    term.say("\n" + "=" * 60)
    term.say(terminal_text(library.render("reports/report.md.j2", **ctx)))
    if args.transcript:
        args.transcript.parent.mkdir(parents=True, exist_ok=True)
        args.transcript.write_text(library.render("reports/transcript.md.j2", **ctx) + "\n",
                                   "utf-8")
        term.say(f"\nTranscript and report written to {args.transcript}")
    return EXIT_DONE

