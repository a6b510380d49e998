"""The Discord bot: one `commands.Bot` subclass that owns the store and loads the extensions."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
import logging
import pkgutil
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import discord
from discord.ext import commands

from bot.core.clock import Clock
from bot.core.models import InterviewSession
from bot.errors import CoachTree
from bot.exts._time import ZonePicker
from bot.exts._ui import PageButton, route_form
from bot.exts.followup._courier import DiscordCourier
from bot.library import TemplateLibrary
from bot.services.followups import FollowUpService
from bot.services.interviews import InterviewService
from bot.services.jobs import JobService
from bot.services.journal import JournalService
from bot.services.mocks import MockService
from bot.services.prep import PrepLibrary
from bot.services.progress import ProgressService
from bot.services.server_scripts import ServerScriptService
from bot.services.users import UserSettingsService
from bot.services.voice import VoiceService
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)
TREE_HASH_KEY = "command_tree_hash"
DRAIN_SECONDS = 10.0
# The tasks discord.py runs handlers in: slash commands, events, view and modal callbacks.
HANDLER_TASKS = ("CommandTree-invoker", "discord.py: on_", "discord-ui-view-dispatch",
                 "discord-ui-modal-dispatch", "discord-ui-dynamic-item")


class DiscordClock:
    """Discord's idea of now (simulators move it; production is the system clock)."""

    def now(self) -> datetime:
        return discord.utils.utcnow()


def discover_extensions() -> list[str]:
    """Every module in `bot.exts` whose name does not start with `_`."""
    package = importlib.import_module("bot.exts")
    return sorted(
        f"bot.exts.{m.name}" for m in pkgutil.iter_modules(package.__path__)
        if not m.name.startswith("_")
    )


def bot_intents(message_content: bool = True) -> discord.Intents:
    intents = discord.Intents.default()
    # Privileged: lets candidates answer by typing in their interview thread. Without it
    # (MESSAGE_CONTENT_INTENT=false) the bot still works through the "Answer in a form"
    # button, and typed answers in DMs still arrive.
    intents.message_content = message_content
    intents.presences = False
    intents.members = False
    intents.typing = False
    intents.dm_typing = False
    intents.guild_typing = False
    return intents


class InterviewCoach(commands.Bot):
    def __init__(self, settings: Settings, *, clock: Clock | None = None, **sharding: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(settings.message_content),
            tree_cls=CoachTree,
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=True),
            help_command=None,
            **sharding,
        )
        self.settings = settings
        self.clock: Clock = clock or DiscordClock()
        self.store = Store(settings.database_target)
        self.library = TemplateLibrary(settings.prompts_dir)
        # One service per feature; adapters in bot/exts call these, never the store.
        self.user_settings = UserSettingsService(self.store, self.clock)
        self.interviews = InterviewService(self.store, self.library, self.clock)
        self.server_scripts = ServerScriptService(self.store, self.library, self.clock)
        self.journal = JournalService(self.store, self.library, self.clock)
        self.jobs = JobService(self.store, self.clock)  # job descriptions, the résumé, the requirement map
        # Spoken answers: transcribed in one worker thread (the `voice` extra's engines, loaded on first use).
        self.voice = VoiceService(self.store, self.clock, self.interviews)
        self.prep = PrepLibrary(self.library)  # read-only tips and questions, loaded at start-up
        self.progress = ProgressService(self.store, self.library, self.clock, jobs=self.jobs)
        self.followups = FollowUpService(self.store, self.library, self.clock, DiscordCourier(self),
                                         journal=self.journal, before_start=self.wait_until_ready,
                                         jobs=self.jobs, progress=self.progress)
        self.interviews.when_finished(self.progress.record_finished)  # attempts and best attempts
        self.mocks = MockService(self.store, self.library, self.clock, interviews=self.interviews,
                                 followups=self.followups)
        self.interviews.when_finished(self.plan_practice_again)
        self.loaded_extensions: list[str] = []
        self.sync_on_start = True
        self.closing = False

    async def plan_practice_again(self, session: InterviewSession, report: Mapping[str, Any]) -> None:
        """After a finished mock interview: the follow-up feature plans "practice again"."""
        zone = await self.user_settings.zone(session.user_id)
        await self.followups.plan_practice_after(session, report, zone=zone)

    async def setup_hook(self) -> None:
        await self.store.open()
        self.library.load()
        self.prep.load()
        await self.server_scripts.load()  # before any session that may run on one is read
        await self.mocks.load()
        # Once across processes (PostgreSQL): a second process starting at the same moment waits
        # here, then finds nothing left to repair or to read in.
        async with self.store.exclusive("start-up repairs"):
            repaired = await self.interviews.repair_half_started()
            if repaired:
                log.warning("Gave %d half-started interviews their first question: %s", len(repaired), repaired)
            completed = await self.interviews.complete_followons()
            if completed:
                log.warning("Completed the follow-on work of %d interviews that finished before a restart",
                            completed)
            caught_up = await self.progress.catch_up()
            if caught_up:
                log.info("Read %d finished interviews into the progress records", caught_up)
        for name in discover_extensions():
            if name not in self.extensions:  # setup_hook runs again if a client is reused
                await self.load_extension(name)
                self.loaded_extensions.append(name)
        # Shared persistent controls: the pager of every feature's lists, the time-zone menu.
        self.add_dynamic_items(PageButton, ZonePicker)
        self.followups.start()
        if self.sync_on_start:
            await self.sync_commands()

    async def close(self) -> None:
        """Stop accepting work, let what is in flight finish, then close: background loops first
        (no nudge is left half-sent), then the handlers still running (they may still need the
        database and Discord), then the gateway and HTTP session, then the store."""
        if self.closing:
            return
        self.closing = True  # new commands are refused politely from now on (CoachTree)
        try:
            await self.followups.stop()
            await self._drain(DRAIN_SECONDS)
            await super().close()  # unloads the extensions (their timers stop), then disconnects
        finally:
            self.voice.stop()
            await self.store.close()

    async def _drain(self, seconds: float) -> None:
        """Wait (up to `seconds`) for command, component and event handlers still running."""
        current = asyncio.current_task()
        running = [t for t in asyncio.all_tasks() if t is not current and not t.done()
                   and t.get_name().startswith(HANDLER_TASKS)]
        if not running:
            return
        _done, pending = await asyncio.wait(running, timeout=seconds)
        if pending:
            log.warning("Closing with %d handlers still running after %.0fs", len(pending), seconds)

    def command_tree_hash(self) -> str:
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands()]
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()

    async def sync_commands(self, *, force: bool = False) -> list[discord.app_commands.AppCommand]:
        """To DEV_GUILD_ID on every start when set; globally only when the tree changed."""
        if self.settings.dev_guild_id and not force:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            # Under the same lock as the global sync: processes starting together sync one by one.
            async with self.store.exclusive("command-tree sync"):
                synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to the development server", len(synced))
            return synced
        digest = self.command_tree_hash()
        # Once across processes: the others wait, then see the stored hash and skip.
        async with self.store.exclusive("command-tree sync"):
            if not force and await self.store.meta.get(TREE_HASH_KEY) == digest:
                log.info("Command tree unchanged since the last sync; not syncing")
                return []
            synced = await self.tree.sync()
            await self.store.meta.set(TREE_HASH_KEY, digest)
        log.info("Synced %d global commands", len(synced))
        return synced

    @property
    def on_message(self) -> Any:  # type: ignore[override]
        """There is none. The bot has no prefix commands (answers are read by the interview
        feature's listener), so a message neither goes through discord.py's command parsing nor
        costs a task for a handler that would do nothing: `Client.dispatch` skips an event
        handler it cannot find, and this one is never found."""
        raise AttributeError("on_message")

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Forms are answered by their custom_id, so one left open across a restart still lands."""
        await route_form(interaction)

    async def on_ready(self) -> None:
        log.info("Ready as %s in %d servers", self.user, len(self.guilds))

    async def on_app_command_completion(self, interaction: discord.Interaction,
                                        command: discord.app_commands.Command[..., object]
                                        | discord.app_commands.ContextMenu) -> None:
        """After any command: tell the user about reminders their closed DMs made them miss."""
        from bot.exts._notices import deliver_pending_notice

        await deliver_pending_notice(interaction)

    async def on_error(self, event_method: str, /, *args: object, **kwargs: object) -> None:
        log.exception("Unhandled error in %s", event_method)


class ShardedInterviewCoach(InterviewCoach, commands.AutoShardedBot):
    """The same bot over several gateway shards (SHARD_COUNT, SHARD_IDS): one process runs the
    shards it is given; several processes on one PostgreSQL split the servers between them.
    Interactions and thread messages arrive at the shard of their server, DMs at shard 0."""


def create_bot(settings: Settings | None = None, *, clock: Clock | None = None) -> InterviewCoach:
    """Build a configured, unstarted bot. Tests, tools and the CLI all use this. With
    SHARD_COUNT set it is an AutoShardedBot over SHARD_IDS (all shards when unset)."""
    settings = settings or Settings()
    if settings.shard_count is None:
        return InterviewCoach(settings, clock=clock)
    shard_ids = list(settings.shard_ids) if settings.shard_ids is not None else None
    return ShardedInterviewCoach(settings, clock=clock, shard_count=settings.shard_count,
                                 shard_ids=shard_ids)

