"""A server's own interview scripts: checked in the sandbox, stored as versions, and offered in
that server's autocompletes next to ours.

Every version ever accepted is kept in the database and held parsed in the template library
(`TemplateLibrary.server_scripts`, by key "g<server>:<id>:<version>"), so an interview started
on version 2 goes on with version 2 after version 3 is uploaded, after a restart, and after the
script is disabled or deleted. A new session always takes the latest active version."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.core.clock import Clock
from bot.core.scripts import Script, ScriptError
from bot.core.server_scripts import (
    MAX_SCRIPTS_PER_SERVER,
    ScriptGuide,
    decode_source,
    format_problems,
    read_guide,
    upload_problems,
)
from bot.library import INTERVIEWS, TemplateLibrary
from bot.script_sandbox import check_in_worker, parse_server_script
from bot.store import Store
from bot.store.database import Conflict
from bot.store.server_scripts import StoredScript

log = logging.getLogger(__name__)
KEY = re.compile(r"^g(?P<guild>\d{1,20}):(?P<script>[a-z][a-z0-9_]{0,48})(?::(?P<version>\d{1,9}))?$")
SERVER_MARK = "🏫"  # marks the server's own scripts in autocompletes


class ScriptRefused(Exception):
    """An upload or a change that was not made; `problems` are file-and-line lines."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def script_key(guild_id: int, script_id: str, version: int | None = None) -> str:
    return f"g{guild_id}:{script_id}" + (f":{version}" if version is not None else "")


@dataclass(frozen=True, slots=True)
class Uploaded:
    stored: StoredScript
    replaced: int | None  # the version it replaces, if any


@dataclass(frozen=True, slots=True)
class ScriptChoice:
    name: str
    value: str
    server: bool


class ServerScriptService:
    def __init__(self, store: Store, library: TemplateLibrary, clock: Clock) -> None:
        self.store = store
        self.library = library
        self.clock = clock
        self._guide: ScriptGuide | None = None

    async def load(self) -> int:
        """At start-up: every stored version, parsed into the library. A version that no longer
        parses (the format changed) is logged and left out: sessions on it cannot resume."""
        count = 0
        for stored in await self.store.server_scripts.all_versions():
            try:
                self._hold(stored)
            except ScriptError as error:
                log.warning("Server script %s no longer parses: %s", stored.id, error)
                continue
            count += 1
        return count

    def guide(self) -> ScriptGuide:
        """How to write a script, and the example to copy (the admins' section of the scripts'
        README, read once: it ships with the bot)."""
        if self._guide is None:
            path = self.library.prompts_dir / INTERVIEWS / "README.md"
            self._guide = read_guide(path.read_text("utf-8"))
        return self._guide

    def _hold(self, stored: StoredScript) -> Script:
        key = script_key(stored.guild_id, stored.script_id, stored.version)
        # Lenient: a text that grows past the limits on a real candidate's input (a branch the
        # upload check's samples never took) shows a short notice instead (bot.script_sandbox).
        script = replace(parse_server_script(stored.source, stored.filename, lenient=True), id=key)
        self.library.server_scripts[key] = script
        return script

    # --- uploading ------------------------------------------------------------------------

    async def upload(self, guild_id: int, user_id: int, filename: str, size: int,
                     read: Callable[[], Awaitable[bytes]]) -> Uploaded:
        """Check and store an uploaded file. `read` fetches its bytes, and is only called once
        the name and size are acceptable. Raises ScriptRefused, storing nothing."""
        problems = upload_problems(filename, size)
        if problems:
            raise ScriptRefused("I did not store that file.", format_problems(problems))
        data = await read()
        try:
            source = decode_source(data, filename)
        except ScriptError as error:
            raise ScriptRefused("I did not store that file.",
                                format_problems(error.problems)) from None
        result = await check_in_worker(source, filename)
        if result.problems or result.summary is None:
            raise ScriptRefused("That script has problems, so I stored nothing. Fix these and "
                                "upload it again:", format_problems(result.problems or
                                                                    [(filename, 1, "not checked")]))
        summary = result.summary
        current = {s.script_id: s for s in await self.store.server_scripts.latest(guild_id)}
        before = current.get(summary.script_id)
        live = sum(1 for s in current.values() if s.status != "deleted")
        if (before is None or before.status == "deleted") and live >= MAX_SCRIPTS_PER_SERVER:
            raise ScriptRefused(f"This server already has {MAX_SCRIPTS_PER_SERVER} scripts; "
                                "delete one first. Nothing was stored.")
        if summary.script_id in self.library.scripts:
            raise ScriptRefused(f"`{summary.script_id}` is the id of one of the bot's own scripts; "
                                "give yours another `script:` id. Nothing was stored.")
        script = parse_server_script(source, filename)  # in-process: parsing renders nothing
        try:
            stored = await self.store.server_scripts.add_version(
                guild_id=guild_id, script_id=summary.script_id, title=summary.title,
                stage=summary.stage, minutes=summary.minutes, questions=summary.questions,
                filename=filename, source=source, digest=script.version, uploaded_by=user_id,
                now=self.clock.now())
        except Conflict:
            raise ScriptRefused("Someone uploaded this script at the same moment; try again.") \
                from None
        self._hold(stored)
        return Uploaded(stored, before.version if before and before.status != "deleted" else None)

    # --- managing -------------------------------------------------------------------------

    async def listing(self, guild_id: int) -> list[StoredScript]:
        """The server's scripts at their latest version, deleted ones left out."""
        return [s for s in await self.store.server_scripts.latest(guild_id) if s.status != "deleted"]

    async def latest(self, guild_id: int, script_id: str) -> StoredScript:
        for stored in await self.store.server_scripts.latest(guild_id):
            if stored.script_id == script_id and stored.status != "deleted":
                return stored
        raise ScriptRefused(f"This server has no script called `{script_id}`. "
                            "`/scripts list` shows them.")

    async def disable(self, guild_id: int, script_id: str) -> StoredScript:
        stored = await self.latest(guild_id, script_id)
        if stored.status == "disabled":
            raise ScriptRefused(f"`{script_id}` is already disabled.")
        await self.store.server_scripts.set_status(guild_id, script_id, "disabled",
                                                   self.clock.now(), only_from=("active",))
        return stored

    async def delete(self, guild_id: int, script_id: str) -> StoredScript:
        """Marked deleted, never removed: interviews that used it keep their version."""
        stored = await self.latest(guild_id, script_id)
        await self.store.server_scripts.set_status(guild_id, script_id, "deleted", self.clock.now())
        return stored

    # --- choosing one ---------------------------------------------------------------------

    async def choices(self, guild_id: int | None, typed: str = "", *, limit: int = 25
                      ) -> list[ScriptChoice]:
        """The scripts a member of this server can start: the server's own (active, latest
        version) first, marked as the server's, then ours."""
        text = typed.strip().lower()
        found: list[ScriptChoice] = []
        if guild_id is not None:
            for stored in await self.store.server_scripts.latest(guild_id):
                if stored.status != "active":
                    continue
                name = f"{SERVER_MARK} {stored.title} (this server's, v{stored.version}, ~{stored.minutes} min)"
                if text in stored.script_id or text in name.lower():
                    found.append(ScriptChoice(name[:100], script_key(guild_id, stored.script_id), True))
        # Ours: the interviews, then the assessment exercises.
        for script in sorted(self.library.scripts.values(),
                             key=lambda s: (s.family != "interview", s.stage, s.id)):
            kind = "Assessment: " if script.family == "assessment" else ""
            name = f"{kind}{script.title} ({script.stage_label}, ~{script.minutes} min)"
            if text in script.id or text in name.lower():
                found.append(ScriptChoice(name[:100], script.id, False))
        return found[:limit]

    async def resolve(self, guild_id: int | None, value: str) -> Script:
        """The script a new session starts with: one of ours by id, or this server's script at
        its latest active version. Another server's script is not found, exactly as a missing
        one."""
        ours = self.library.scripts.get(value)
        if ours is not None:
            return ours
        match = KEY.match(value)
        if match is None or guild_id is None or int(match["guild"]) != guild_id:
            known = ", ".join(sorted(script.title for script in self.library.scripts.values()))
            raise ScriptRefused(f"There is no interview called {value[:60]!r}. Start typing and pick "
                                f"one of the suggestions: {known}, or this server's own.")
        for stored in await self.store.server_scripts.latest(guild_id):
            if stored.script_id == match["script"]:
                # Disabled or deleted means no new session on it, at any version (sessions
                # already running keep theirs: they never come through here).
                if stored.status != "active":
                    raise ScriptRefused(f"This server's script `{stored.script_id}` is "
                                        f"{stored.status}; pick another.")
                if match["version"] is not None:  # one exact version (a practice run of an old one)
                    exact = self.library.server_scripts.get(value)
                    if exact is None:
                        raise ScriptRefused("That version of the server's script is not available.")
                    return exact
                key = script_key(guild_id, stored.script_id, stored.version)
                return self.library.server_scripts.get(key) or self._hold(stored)
        raise ScriptRefused("That server script no longer exists; pick another.")
