"""The one Jinja environment over `prompts/`: sandboxed, strict, and Discord-safe by default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateSyntaxError
from jinja2 import TemplateError as JinjaError
from jinja2.sandbox import SandboxedEnvironment

from bot.core.stages import stage_label
from bot.core.text import (
    Safe,
    discord_timestamp,
    escape_discord,
    natural_join,
    neutralise_mentions,
    shorten,
    spoken_time,
)


class TemplateError(RuntimeError):
    """A template is broken; the message names the file and line."""

    def __init__(self, message: str, *, filename: str = "", lineno: int | None = None) -> None:
        self.filename = filename
        self.lineno = lineno
        where = f"{filename}:{lineno}" if filename and lineno else filename
        super().__init__(f"{where}: {message}" if where else message)


def _identity(value: Any) -> Any:
    return value


def _finalize_for_discord(value: Any) -> Any:
    # Every `{{ expression }}` is escaped for Discord unless our own filters marked it safe.
    if value is None:
        return ""
    if isinstance(value, (int, float, Safe)):
        return value
    return escape_discord(value)


def _finalize_for_file(value: Any) -> Any:
    # A file shows text as typed (no markdown escaping); mentions are still broken, so text
    # copied out of it can never ping anyone.
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    return neutralise_mentions(str(value))


def _timestamp(value: datetime, style: str = "F") -> Safe:
    return discord_timestamp(value, style)


def _both_timestamps(value: datetime) -> Safe:
    return Safe(f"{discord_timestamp(value, 'F')} ({discord_timestamp(value, 'R')})")


def _shorten(value: Any, limit: int = 100) -> str:
    """`shorten`, keeping text that is already Discord-safe marked safe (never escaped twice)."""
    text = shorten(str(value), limit)
    if isinstance(value, Safe):
        return Safe(text[:-2] + "…" if text.endswith("\\…") else text)
    return text


def _raw(value: Any) -> Safe:
    """Mark text as already safe: only for text the bot itself produced."""
    return Safe(str(value))


def make_environment(prompts_dir: Path | None = None, *, for_discord: bool = True,
                     for_file: bool = False) -> SandboxedEnvironment:
    """`for_discord`: every expression escaped for Discord markdown and mentions (messages);
    `for_file`: text as typed with mentions broken (attachments); neither: as typed (terminal)."""
    finalize = _finalize_for_file if for_file else _finalize_for_discord if for_discord else _identity
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(prompts_dir)) if prompts_dir else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        finalize=finalize,
    )
    env.filters.update(
        escape_discord=escape_discord,
        discord_ts=_timestamp,
        when=_both_timestamps,
        shorten=_shorten,
        stage_label=stage_label,
        join_and=natural_join,
        duration=spoken_time,
        raw=_raw if for_discord and not for_file else _identity,
    )
    return env


@dataclass
class TemplateRenderer:
    """Renders named templates from `prompts/` with a context; errors name file and line."""

    env: SandboxedEnvironment

    def render(self, name: str, context: Mapping[str, Any] | None = None) -> str:
        try:
            template = self.env.get_template(name)
            return template.render(**(context or {})).strip()
        except TemplateSyntaxError as exc:
            raise TemplateError(exc.message or str(exc), filename=exc.filename or name,
                              lineno=exc.lineno) from exc
        except JinjaError as exc:
            raise TemplateError(str(exc), filename=name, lineno=_template_lineno(exc, name)) from exc
        except (TypeError, ValueError, AttributeError, LookupError, ArithmeticError) as exc:
            # A Python error inside the template (calling what is not callable, a bad filter
            # argument...): still a fault of that file and line, reported as one.
            raise TemplateError(f"{type(exc).__name__}: {exc}", filename=name,
                                lineno=_template_lineno(exc, name)) from exc

    def exists(self, name: str) -> bool:
        try:
            self.env.get_template(name)
        except JinjaError:
            return False
        return True


def _template_lineno(exc: BaseException, name: str) -> int | None:
    """Find the template line of a render-time error: Jinja rewrites the traceback so that
    frames inside a template carry the template's file name and line."""
    tb = exc.__traceback__
    lineno = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename.replace("\\", "/")
        if filename.endswith(name) or filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno

