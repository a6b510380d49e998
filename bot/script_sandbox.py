"""The sandbox a server's own script runs in, and the worker process that checks an upload.

Jinja's `SandboxedEnvironment` already refuses what would reach Python (attributes starting
with `_`, unsafe callables, `range` over 100,000). A script uploaded by a server admin gets a
smaller language still, so that no template can keep the bot busy or fill its memory:

- no loop inside a loop, no `recursive` loops, no macros or `{% call %}` blocks, no
  `import`/`include`/`extends` (each refused at its line when the file is checked);
- `range` gives at most MAX_RANGE numbers;
- `*`, `**`, `+` and `%` refuse results over MAX_SIZE characters or items (or huge numbers);
  a `%` format may not ask for a width or precision over MAX_SIZE, nor a `*` one;
- `~` joins through a bounded function (a chain of joins cannot double its way past MAX_SIZE);
- no `str.format`/`format_map` (refused at its line, and at call time however it is reached);
- every call refuses a number argument over MAX_SIZE (`'x'.ljust(10**9)`) and a result over
  MAX_SIZE;
- only the filters listed in ALLOWED_FILTERS, each refusing a number argument over MAX_SIZE
  (`center(10**9)`) and a result over MAX_SIZE;
- no globals but `range`, and not Jinja's `self` (the template itself).

So one question renders in bounded time and space. And at run time, a render is streamed
and stopped past RUNTIME_MAX_CHARS characters or RUNTIME_SECONDS seconds: a template that
passed the upload check on the sample contexts but grows on a real candidate's input (a branch
the samples never took) shows a short notice instead of its text, and the notice is logged.

The upload check runs in a worker process (`python -m bot.script_sandbox`, fed the file on
stdin) under a memory limit, and the bot kills it after `CHECK_SECONDS`; the worker reports the
line it was rendering, so even a template that found a way to render forever is refused with
its file and line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Template, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from bot.core.scripts import Script, ScriptError, parse_script, reflow
from bot.core.server_scripts import (
    CHECK_SECONDS,
    MAX_RENDERED_CHARS,
    RENDER_SECONDS,
    Problem,
    ScriptSummary,
    size_problems,
    summary_of,
    walk_problems,
)
from bot.templating import make_environment

log = logging.getLogger(__name__)
MAX_RANGE = 100
MAX_SIZE = 5_000
RUNTIME_MAX_CHARS = 4 * MAX_RENDERED_CHARS  # raw text streamed before a render is stopped
RUNTIME_SECONDS = 4 * RENDER_SECONDS
RUNTIME_NOTICE = ("(This part of the server's script could not be shown: it renders too much "
                  "text for this role or company. Skip it, and tell the server's admins.)")
# A %-conversion: %[(key)][flags][width][.precision][length]type
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?.")
ROOT = Path(__file__).resolve().parent.parent  # where the `bot` package is, for the worker
WORKER_MEMORY = 768 * 1024 * 1024  # bytes of address space the worker may use
ALLOWED_FILTERS = frozenset({
    "capitalize", "default", "d", "first", "last", "length", "count", "lower", "upper", "title",
    "trim", "truncate", "join", "replace", "escape_discord", "shorten", "stage_label", "int",
    "string", "list", "sort", "unique", "reverse", "round", "abs", "wordcount", "reject", "map",
    "selectattr", "rejectattr", "max", "min", "sum", "striptags", "batch", "join_and",
})


class ScriptLimit(SecurityError):
    """A server script went past one of the sandbox's limits while rendering."""


def _no_big_numbers(what: str, values: Any) -> None:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE:
            raise ScriptLimit(f"{what} was given {value:,}; the limit is {MAX_SIZE:,}")


def _replace_size(text: Any, args: tuple[Any, ...]) -> None:
    """Refuse `replace` before it runs when its result would be over MAX_SIZE."""
    if isinstance(text, str) and len(args) >= 2 and isinstance(args[0], str) \
            and isinstance(args[1], str):
        times = len(text) + 1 if args[0] == "" else text.count(args[0])
        if len(text) + times * len(args[1]) > MAX_SIZE:
            raise ScriptLimit(f"that replace would make over {MAX_SIZE:,} characters")


def _percent_format(template: str, values: Any) -> str:
    for match in _PERCENT.finditer(template):
        for number in match.groups():
            if number == "*":
                raise ScriptLimit("a '*' width or precision in a % format is not allowed")
            if number is not None and int(number) > MAX_SIZE:
                raise ScriptLimit(f"a % format width or precision of {int(number):,} is over "
                                  f"the limit of {MAX_SIZE:,}")
    return _sized(template % values)


def bounded_concat(*parts: Any) -> str:
    """What `~` compiles to in a server script: str() of each part, joined, bounded."""
    total = 0
    texts = []
    for part in parts:
        text = str(part)
        total += len(text)
        if total > MAX_SIZE:
            raise ScriptLimit(f"joining those with ~ would make over {MAX_SIZE:,} characters")
        texts.append(text)
    return "".join(texts)


def _no_format(*args: Any, **kwargs: Any) -> str:
    raise ScriptLimit("str.format and format_map are not allowed in a server script; "
                      "use {{ ... }} instead")


def _sized(value: Any) -> Any:
    if isinstance(value, (str, list, tuple, dict, set)) and len(value) > MAX_SIZE:
        raise ScriptLimit(f"a value of {len(value):,} characters or items is over the limit "
                          f"of {MAX_SIZE:,}")
    if isinstance(value, int) and abs(value) > 10 ** 18:
        raise ScriptLimit("a number that large is not allowed")
    return value


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise ScriptLimit(f"range() may give at most {MAX_RANGE} numbers")
    return numbers


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _no_big_numbers(f"the filter {name!r}", (*args[1:], *kwargs.values()))
        if name == "replace" and args:
            rest = args if isinstance(args[0], str) else args[1:]  # after the eval context
            if rest:
                _replace_size(rest[0], tuple(rest[1:]))
        result = function(*args, **kwargs)
        return _sized(result) if isinstance(result, (str, list, tuple)) else result

    # Jinja passes the context/environment to filters marked for it: keep the mark.
    for mark in ("jinja_pass_arg",):
        if hasattr(function, mark):
            setattr(bounded, mark, getattr(function, mark))
    return bounded


class BoundedTemplate(Template):
    """A server script's template: rendering is streamed and stopped past RUNTIME_MAX_CHARS
    characters or RUNTIME_SECONDS seconds. In the checker that is an error (refused at its
    line); on a lenient environment (sessions) it and any other sandbox limit give
    RUNTIME_NOTICE, logged, so a question the samples never showed cannot hurt the bot."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        environment = self.environment
        try:
            return self._bounded_render(dict(*args, **kwargs))
        except SecurityError as error:
            if not getattr(environment, "lenient", False):
                raise
            log.warning("A server script's text was replaced by a notice: %s", error)
            return RUNTIME_NOTICE

    def _bounded_render(self, variables: dict[str, Any]) -> str:
        context = self.new_context(variables)
        started = time.thread_time()  # CPU time: a busy machine's stalls are not the script's
        parts: list[str] = []
        total = 0
        try:
            for part in self.root_render_func(context):
                parts.append(part)
                total += len(part)
                if total > RUNTIME_MAX_CHARS:
                    raise ScriptLimit(f"the text is over {RUNTIME_MAX_CHARS:,} characters")
                if time.thread_time() - started > RUNTIME_SECONDS:
                    raise ScriptLimit(f"the text took over {RUNTIME_SECONDS:g} s to render")
        except Exception:
            self.environment.handle_exception()  # raises, with the template's own traceback
        text = "".join(parts)
        if getattr(self.environment, "lenient", False) and len(reflow(text)) > MAX_RENDERED_CHARS:
            raise ScriptLimit(f"the text is {len(reflow(text)):,} characters; the limit is "
                              f"{MAX_RENDERED_CHARS:,}")
        return text


class ServerScriptEnvironment(SandboxedEnvironment):
    """The sandbox for scripts a server uploads (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    template_class = BoundedTemplate
    # Set on the environment that renders stored scripts for sessions (not on the checker's):
    # a render past the runtime bounds gives RUNTIME_NOTICE instead of raising.
    lenient = False

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%":
            if isinstance(left, str):
                return _percent_format(left, right)
            return _sized(left % right)
        if operator == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise ScriptLimit("a power over 64 is not allowed")
            return _sized(left ** right)
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(times, int) \
                        and len(sequence) * max(times, 0) > MAX_SIZE:
                    raise ScriptLimit(f"repeating that would make over {MAX_SIZE:,} "
                                      "characters or items")
            return _sized(left * right)
        if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                and len(left) + len(right) > MAX_SIZE:
            raise ScriptLimit(f"joining those would make over {MAX_SIZE:,} characters or items")
        return _sized(left + right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _no_big_numbers("a call", (*args, *kwargs.values()))
        if getattr(__obj, "__name__", "") == "replace":
            _replace_size(getattr(__obj, "__self__", None), args)
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if super().wrap_str_format(value) is not None:  # str.format or format_map
            return _no_format
        return None

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        _refuse_unbounded(tree)
        return _BoundedConcat().visit(tree)


class _BoundedConcat(NodeTransformer):
    """`a ~ b ~ c` becomes `bounded_concat(a, b, c)`."""

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        return nodes.Call(nodes.ImportedName("bot.script_sandbox.bounded_concat"), node.nodes, [],
                          None, None, lineno=node.lineno)


_SPECIAL_NAMES = frozenset({"self", "caller", "varargs", "kwargs"})  # Jinja's own, not context
_FORMAT_NAMES = frozenset({"format", "format_map"})


def _refuse_unbounded(tree: nodes.Node) -> None:
    """Raise TemplateSyntaxError (at its line) for the constructs a server script may not use."""
    forbidden: dict[type[nodes.Node], str] = {
        nodes.Macro: "macros are not allowed in a server script",
        nodes.CallBlock: "{% call %} blocks are not allowed in a server script",
        nodes.Import: "imports are not allowed in a server script",
        nodes.FromImport: "imports are not allowed in a server script",
        nodes.Include: "includes are not allowed in a server script",
        nodes.Extends: "extends is not allowed in a server script",
    }

    def visit(node: nodes.Node, loops: int) -> None:
        for kind, message in forbidden.items():
            if isinstance(node, kind):
                raise TemplateSyntaxError(message, node.lineno)
        if (isinstance(node, nodes.Getattr) and node.attr in _FORMAT_NAMES) or (
                isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const)
                and node.arg.value in _FORMAT_NAMES):
            raise TemplateSyntaxError("str.format and format_map are not allowed in a server "
                                      "script; use {{ ... }} instead", node.lineno)
        if isinstance(node, nodes.Name) and node.name in _SPECIAL_NAMES:
            raise TemplateSyntaxError(f"{node.name!r} is not part of a script's context",
                                      node.lineno)
        if isinstance(node, nodes.For):
            if node.recursive:
                raise TemplateSyntaxError("recursive loops are not allowed in a server script",
                                          node.lineno)
            if loops:
                raise TemplateSyntaxError("a loop inside a loop is not allowed in a server "
                                          "script", node.lineno)
            loops += 1
        for child in node.iter_child_nodes():
            visit(child, loops)

    visit(tree, 0)


def make_server_environment(*, for_discord: bool = True, lenient: bool = False
                            ) -> ServerScriptEnvironment:
    """The sandbox with our filters and finalize (escaping for Discord), bounded. `lenient`
    (for sessions, not the check): a text past a limit renders as RUNTIME_NOTICE."""
    base = make_environment(None, for_discord=for_discord)
    env = ServerScriptEnvironment(
        undefined=base.undefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=False, autoescape=False, finalize=base.finalize)
    env.filters = {name: _bounded_filter(name, function) for name, function in base.filters.items()
                   if name in ALLOWED_FILTERS}
    env.tests = dict(base.tests)
    env.globals = {"range": _bounded_range}
    env.lenient = lenient
    return env


def parse_server_script(source: str, filename: str, env: ServerScriptEnvironment | None = None,
                        *, lenient: bool = False) -> Script:
    """Parse a server script with the sandbox (no rendering). Stored versions that sessions
    render are loaded `lenient` (see make_server_environment)."""
    return parse_script(source, filename, env or make_server_environment(lenient=lenient))


# --------------------------------------------------------------------------- the check


@dataclass(frozen=True, slots=True)
class CheckResult:
    problems: list[Problem]
    summary: ScriptSummary | None


def check_source(source: str, filename: str, progress: Callable[[int], None] = lambda line: None
                 ) -> CheckResult:
    """Everything `check-prompts` checks of a script, in the server sandbox, with the limits.
    Runs in the worker; also callable directly (tests)."""
    try:
        script = parse_server_script(source, filename)
    except ScriptError as error:
        return CheckResult(error.problems, None)
    problems = size_problems(script)
    if not problems:
        # Timed in this thread's CPU seconds: a script that renders forever uses them all, while a
        # stall of a loaded machine (or a 2-core CI runner) does not count against the script.
        problems = walk_problems(script, time.thread_time, progress)
    return CheckResult(problems, None if problems else summary_of(script))


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the time limit still holds
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    except (ValueError, OSError):
        pass


def _worker() -> int:
    """`python -m bot.script_sandbox`: {"source", "filename"} as JSON on stdin; a line
    "at <line>" for each question rendered, then "result <JSON>" on stdout."""
    _limit_memory()
    request = json.loads(sys.stdin.read())

    def progress(line: int) -> None:
        print(f"at {line}", flush=True)

    try:
        result = check_source(str(request["source"]), str(request["filename"]), progress)
        payload: dict[str, Any] = {"problems": [list(p) for p in result.problems],
                                   "summary": None if result.summary is None else
                                   {"script_id": result.summary.script_id,
                                    "title": result.summary.title, "stage": result.summary.stage,
                                    "minutes": result.summary.minutes,
                                    "questions": result.summary.questions}}
    except MemoryError:
        payload = {"problems": [[str(request["filename"]), 1,
                                 "the script needs too much memory to render"]], "summary": None}
    print("result " + json.dumps(payload), flush=True)
    return 0


async def check_in_worker(source: str, filename: str, *, seconds: float = CHECK_SECONDS
                          ) -> CheckResult:
    """Run `check_source` in a worker process, killed after `seconds`. A worker that is killed,
    runs out of memory or dies is a refusal, at the last line it said it was rendering."""
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.script_sandbox", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=environment)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps({"source": source, "filename": filename}).encode())
    process.stdin.close()
    line = 1
    result: dict[str, Any] | None = None
    stdout = process.stdout

    async def read() -> None:
        nonlocal line, result
        while raw := await stdout.readline():
            text = raw.decode("utf-8", "replace").strip()
            if text.startswith("at ") and text[3:].isdigit():
                line = int(text[3:])
            elif text.startswith("result "):
                result = json.loads(text[7:])

    # The deadline is kept by a thread on the wall clock, not by the event loop's clock: it
    # holds whatever the loop is doing (and under a simulator's virtual time).
    loop = asyncio.get_running_loop()
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        loop.call_soon_threadsafe(_kill, process)

    timer = threading.Timer(seconds, kill)
    timer.daemon = True
    timer.start()
    try:
        await read()  # until the worker's output ends: it finished, died or was killed
        await process.wait()
    finally:
        timer.cancel()
    if killed.is_set():
        return CheckResult([(filename, line, f"this did not finish rendering within {seconds:g} s; "
                                             "a template must render quickly")], None)
    if result is None:
        return CheckResult([(filename, line, "the check stopped while rendering this (too much "
                                             "memory?)")], None)
    summary = result.get("summary")
    return CheckResult([(str(f), int(n), str(m)) for f, n, m in result["problems"]],
                       ScriptSummary(**summary) if summary else None)


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.kill()


if __name__ == "__main__":
    raise SystemExit(_worker())
