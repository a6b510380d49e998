"""Benchmark: the interview hot path, measured the way a candidate feels it.

    python bench/interviews.py [--candidates 200] [--rounds 0 (the whole interview)]
                               [--history 1000] [--skip-load] [--skip-report] [--skip-history]

Prints each figure beside its baseline and the ratio:

* typed answer parts, N candidates answering at once (simcord, the real bot): time from each
  message's arrival (its creation in the simulated Discord) to its ✅, so queueing behind the
  other N-1 is counted; process CPU per message; answers stored per second; statements,
  commits and connection-thread hops per part; all per round, to show they stay flat. The
  baseline is a bare discord.py bot that only reacts, run first in its own process on the same
  machine, and for throughput a raw aiosqlite insert loop (one connection, WAL, one commit per
  row, sequential). Each round waits for the handlers (every ✅ seen), not a simulated settle.
* an event-loop lag probe (a task that sleeps 10 ms and records how late it wakes) while the
  load runs;
* Done clicks (one at a time, so the figure is the click's own cost), by question number;
* the report of the longest script answered with 2,000-character answers: built from the
  stored analyses off the event loop, beside the same report built by re-analysing every
  answer, with the loop lag while it is made;
* `/interview history` and the interview autocompletes for a user with 1,000 past interviews
  beside one with 10 (and, for the report, the journal and follow-up list queries).

Not part of the test suite; figures vary with the machine and its load, ratios less so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite
import discord
import simcord
from discord.ext import commands

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import Settings, create_bot  # noqa: E402
from bot.core.interview import Interview, report_context  # noqa: E402
from bot.exts.interview import _controls, _places  # noqa: E402

ANSWER = ("At my last company our reporting took 3 days. I was responsible for fixing it, so I rebuilt the "
          "pipeline and automated the checks. As a result it takes 4 hours and errors fell 40%.")
LONG_SENTENCES = (
    "At my last company our monthly reporting took three days and the numbers were often wrong. ",
    "I was responsible for fixing it, so I interviewed the five analysts who used it every week. ",
    "I rebuilt the pipeline in SQL, added automated checks and wrote a short guide for the team. ",
    "As a result it now takes four hours, errors fell 40% within two months and we saved £30,000. ",
    "I learned to ask the people who live with a problem before I design the fix for it. ",
)


def long_answer(chars: int = 2000) -> str:
    text = ""
    while len(text) < chars:
        text += LONG_SENTENCES[len(text) % len(LONG_SENTENCES)]
    return text[:chars].rsplit(" ", 1)[0] + "."


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.2f} ms"


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:,.2f}×" if baseline else "n/a"


# --- measuring ----------------------------------------------------------------------------------

class Acks:
    """When the bot put its reaction on each message (the ✅ the candidate waits for)."""

    def __init__(self, env: Any, bot_user_id: int) -> None:
        self.times: dict[int, float] = {}
        self._waiting: set[int] = set()
        self._done = asyncio.Event()
        backend = env.backend
        real = backend.set_reaction

        def spy(channel_id: int, message_id: int, emoji: str, user_id: int, reacted: bool) -> None:
            real(channel_id, message_id, emoji, user_id, reacted)
            if reacted and user_id == bot_user_id and message_id in self._waiting:
                self.times[message_id] = time.perf_counter()
                self._waiting.discard(message_id)
                if not self._waiting:
                    self._done.set()

        backend.set_reaction = spy

    async def wait_for(self, ids: set[int]) -> None:
        self._waiting = set(ids) - set(self.times)
        self._done.clear()
        if self._waiting:
            async with asyncio.timeout(300):
                await self._done.wait()


class LagProbe:
    """A task that sleeps 10 ms again and again and records how late it wakes up: how long the
    event loop was held by something else. A sleep that spans the benchmark's own housekeeping
    between rounds (`between_rounds`) is not counted."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None
        self._housekeeping = False

    def housekeeping(self) -> None:
        self._housekeeping = True

    async def _run(self) -> None:
        while True:
            self._housekeeping = False
            started = time.perf_counter()
            await asyncio.sleep(0.010)
            if not self._housekeeping:
                self.samples.append(time.perf_counter() - started - 0.010)

    @contextlib.contextmanager
    def running(self) -> Iterator[list[float]]:
        begin = len(self.samples)
        self._task = asyncio.get_running_loop().create_task(self._run())
        _PROBING.append(self)
        window: list[float] = []
        try:
            yield window
        finally:
            _PROBING.remove(self)
            self._task.cancel()
            window.extend(self.samples[begin:])


_PROBING: list[LagProbe] = []  # probes running now
WINDOW = 5  # rounds (or questions) compared at each end of the interview, to show it stays flat
COUNT_EVERY = 4  # every 4th round of the load counts statements and hops (and is not timed)


class Hops:
    """Counts round trips to aiosqlite's connection thread (every statement, fetch and commit
    is one)."""

    def __init__(self) -> None:
        self.count = 0
        self._real = aiosqlite.Connection._execute

    @contextlib.contextmanager
    def counting(self) -> Iterator[Hops]:
        real, probe = self._real, self

        async def counted(conn: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
            probe.count += 1
            return await real(conn, fn, *args, **kwargs)

        aiosqlite.Connection._execute = counted  # type: ignore[method-assign]
        try:
            yield self
        finally:
            aiosqlite.Connection._execute = real  # type: ignore[method-assign]


@dataclass
class Round:
    latencies: list[float]  # arrival to ✅, seconds
    wall: float  # first arrival to last ✅
    cpu: float  # process CPU over the round
    statements: int = 0
    selects: int = 0
    commits: int = 0
    hops: int = 0
    counted: bool = False  # statements and hops counted: kept out of the time and CPU figures
    number: int = 0  # 1 for the first round of the interview

    @property
    def n(self) -> int:
        return len(self.latencies)


@dataclass
class LoadResult:
    rounds: list[Round] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)

    def all(self) -> list[float]:
        return [x for r in self.rounds for x in r.latencies]

    @property
    def messages(self) -> int:
        return sum(r.n for r in self.rounds)

    @property
    def wall(self) -> float:
        return sum(r.wall for r in self.rounds)

    @property
    def cpu(self) -> float:
        return sum(r.cpu for r in self.rounds)

    def to_json(self) -> dict[str, Any]:
        return {"rounds": [r.__dict__ for r in self.rounds], "lags": self.lags}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LoadResult:
        return cls([Round(**r) for r in data["rounds"]], data["lags"])


def between_rounds(env: Any) -> None:
    """The same for both bots, outside what is measured: simcord's diagnostic logs (every event
    and REST call, kept for failing tests' transcripts) are emptied, and garbage is collected, so
    a collection of the simulated Discord's ever-growing heap does not land inside a round."""
    env.backend.transcript.clear()
    env.backend.http_requests.clear()
    gc.collect()
    for probe in _PROBING:
        probe.housekeeping()


async def typed_round(env: Any, acks: Acks, pairs: list[tuple[Any, Any]], text: str,
                      counted: Callable[[], contextlib.AbstractAsyncContextManager[Any]] | None = None,
                      hops: Hops | None = None) -> Round:
    """Every candidate's message arrives in the same instant (queued before the bot runs); the
    round ends when the bot has acknowledged every one."""
    between_rounds(env)
    async with (counted() if counted else contextlib.nullcontext()) as count:
        with (hops.counting() if hops else contextlib.nullcontext()):
            before_hops = hops.count if hops else 0
            cpu0, t0 = time.process_time(), time.perf_counter()
            arrivals: dict[int, float] = {}
            for member, thread in pairs:
                message = env.backend.create_message(thread.id, member.id, text)
                arrivals[message.id] = time.perf_counter()
            await acks.wait_for(set(arrivals))
            wall = max(acks.times[i] for i in arrivals) - t0
            cpu = time.process_time() - cpu0
            spent_hops = (hops.count - before_hops) if hops else 0
    result = Round([acks.times[i] - arrivals[i] for i in arrivals], wall, cpu, hops=spent_hops)
    if count is not None:
        result.statements, result.selects, result.commits = count.statements, count.reads, count.commits
        result.counted = True
    return result


# --- the bare discord.py bot (its own process) -----------------------------------------------------

def question_embed(number: int) -> discord.Embed:
    embed = discord.Embed(title=f"Question {number} of 28", description=ANSWER, colour=discord.Colour.blurple())
    embed.add_field(name="Suggested length", value="About 150 to 300 words.")
    embed.set_footer(text="Type your answer here (several messages are fine), then press Done.")
    return embed


class BareQuestion(discord.ui.View):
    """The bare bot's Done button: what a Done costs on Discord's side (the click acknowledged
    by removing the buttons, the next question posted with its buttons), and no more."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Done", style=discord.ButtonStyle.success, custom_id="bare:done")
    async def done(self, interaction: discord.Interaction, button: discord.ui.Button[BareQuestion]) -> None:
        self.stop()  # its message no longer has buttons: discord.py can let the view go
        await interaction.response.edit_message(view=None)
        assert isinstance(interaction.channel, discord.Thread)
        await interaction.channel.send(embed=question_embed(2), view=BareQuestion())


class BareBot(commands.Bot):
    """A discord.py bot that only acknowledges each message with a reaction (and moves to the
    next question on Done)."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents)

    async def setup_hook(self) -> None:
        self.add_view(BareQuestion())

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not isinstance(message.channel, discord.Thread):
            return
        if message.content == "start":
            await message.channel.send(embed=question_embed(1), view=BareQuestion())
            return
        await message.add_reaction("✅")


async def run_bare(n: int, rounds: int) -> tuple[LoadResult, list[Click]]:
    result = LoadResult()
    clicks: list[Click] = []
    probe = LagProbe()
    async with simcord.run(BareBot(), strict_sync=False) as env:
        acks = Acks(env, env.backend.bot_user.id)
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        members = [guild.add_member(env.create_user(f"c{i}")) for i in range(n)]
        made = [env.backend.create_thread(channel.id, f"t{i}", m.id, type=12).id for i, m in enumerate(members)]
        handles = {t.id: t for t in channel.threads}
        pairs = [(m, handles[thread_id]) for m, thread_id in zip(members, made, strict=True)]
        for member, thread in pairs:
            await member.send(thread, "start")
        with probe.running() as lags:
            for number in range(1, rounds + 1):
                result.rounds.append(await typed_round(env, acks, pairs, ANSWER))
                result.rounds[-1].number = number
                for member, thread in pairs:
                    message = live_question(thread)
                    assert message is not None
                    clicks.append(await click_done(member, message, number, number, []))
        result.lags = lags
        await env.settle(timeout=60)
    return result, clicks


def bare_in_own_process(n: int, rounds: int) -> tuple[LoadResult, list[Click]]:
    out = subprocess.run([sys.executable, __file__, "--bare-only", "--candidates", str(n),
                          "--rounds", str(rounds)], check=True, capture_output=True, text=True)
    data = json.loads(out.stdout)
    return LoadResult.from_json(data["load"]), [Click(**c) for c in data["clicks"]]


# --- the raw aiosqlite baseline --------------------------------------------------------------------

async def raw_insert_loop(rows: int) -> tuple[float, int, int]:
    """Rows/s of the simplest durable loop: one connection, WAL, one INSERT and one commit per
    row, one after another. Returns (rows per second, statements per row, hops per row)."""
    hops = Hops()
    with tempfile.TemporaryDirectory() as folder:
        async with aiosqlite.connect(Path(folder) / "raw.sqlite3") as conn:
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):
                await (await conn.execute(f"PRAGMA {pragma}")).close()
            await conn.execute("CREATE TABLE parts (id INTEGER PRIMARY KEY, answer_id INTEGER, text TEXT,"
                               " source TEXT, source_id TEXT, received_at TEXT)")
            await conn.commit()
            with hops.counting():
                started = time.perf_counter()
                for i in range(rows):
                    await conn.execute("INSERT INTO parts (answer_id, text, source, source_id, received_at)"
                                       " VALUES (?, ?, ?, ?, ?)", (i % 200, ANSWER, "message", str(i),
                                                                   "2026-11-21T21:00:00.000000+00:00"))
                    await conn.commit()
                elapsed = time.perf_counter() - started
    return rows / elapsed, 1, hops.count // rows


# --- the interview service and store alone (no simulated Discord) --------------------------------

@dataclass
class StorageResult:
    parts: int
    wall: float
    statements: float
    commits: float
    first_round: float  # seconds per part, round 1
    last_round: float
    dones: list[Click] = field(default_factory=list)  # `finish_answer` alone, one candidate


async def run_storage(n: int, rounds: int, folder: Path) -> StorageResult:
    """The bot's own path for a typed part (`InterviewService.answer_in_channel`: the held session,
    the version-checked write, group commit) for N candidates at once, without Discord."""
    from bot.core.clock import SystemClock
    from bot.library import TemplateLibrary
    from bot.services.interviews import InterviewService
    from bot.store import Store

    library = TemplateLibrary(ROOT / "prompts", for_discord=True).load()
    async with Store(folder / "storage.sqlite3") as store:
        service = InterviewService(store, library, SystemClock())
        users = list(range(1, n + 1))
        for user in users:
            await service.start(user_id=user, script_id="second_round", channel_id=10_000 + user,
                                context={"candidate": f"c{user}", "role": "Data Analyst", "company": "Acme"})
        per_round: list[float] = []
        parts, wall, statements, commits = 0, 0.0, 0, 0
        for r in range(rounds):
            async with store.db.counting() as count:
                started = time.perf_counter()
                results = await asyncio.gather(*(
                    service.answer_in_channel(10_000 + user, user, ANSWER, source_id=f"{r}:{user}")
                    for user in users))
                elapsed = time.perf_counter() - started
            assert all(result is not None and result.stored for result in results)
            parts += n
            wall += elapsed
            statements += count.statements
            commits += count.commits
            per_round.append(elapsed / n)
        stored = await store.db.fetch_value("SELECT COUNT(*) FROM answer_parts")
        assert stored == parts
        # One candidate through a whole interview: the service's own cost of each Done (the
        # answer analysed in a worker thread, the next question rendered, the commit).
        dones: list[Click] = []
        for solo in range(n + 1, n + 6):  # five candidates, one after another
            step = await service.start(user_id=solo, script_id="second_round", channel_id=10_000 + solo,
                                       context={"candidate": "solo", "role": "Data Analyst", "company": "Acme"})
            done_round = 0
            while not step.finished:
                await service.answer_in_channel(10_000 + solo, solo, ANSWER)
                number = step.question.number if step.question else 0
                probe = bool(step.question and step.question.is_probe)
                done_round += 1
                cpu0, loop0, t0 = time.process_time(), time.thread_time(), time.perf_counter()
                step = await service.finish_answer(step.session.id)
                took = time.perf_counter() - t0
                dones.append(Click(number, done_round, took, time.process_time() - cpu0,
                                   time.thread_time() - loop0, took, final=step.finished, probe=probe))
    return StorageResult(parts, wall, statements / parts, commits / parts, per_round[0], per_round[-1], dones)


# --- the interview coach ---------------------------------------------------------------------------

def live_question(thread: Any) -> Any | None:
    live = [m for m in thread.history() if m.components and m.embeds
            and (m.embeds[0].title or "").startswith(("Question", "Follow-up"))]
    return live[-1] if live else None


def has_report(thread: Any) -> bool:
    return any(m.embeds and (m.embeds[0].title or "").startswith("Feedback report") for m in thread.history()[-4:])


@dataclass
class Click:
    number: int  # the question's position in the interview
    round: int  # the round it closed (1: the first answer)
    wall: float
    cpu: float  # process CPU (the analysis thread and the database thread included)
    loop_cpu: float  # CPU of the event loop's thread alone
    handler: float  # wall time inside the bot's button handler
    final: bool = False  # it ended the interview (the report was built and posted)
    probe: bool = False  # it finished the answer to a follow-up probe


async def click_done(member: Any, message: Any, number: int, round_: int, handler_times: list[float]) -> Click:
    before = len(handler_times)
    cpu0, loop0, t0 = time.process_time(), time.thread_time(), time.perf_counter()
    await member.click(message, label="Done")
    wall, cpu, loop_cpu = time.perf_counter() - t0, time.process_time() - cpu0, time.thread_time() - loop0
    return Click(number, round_, wall, cpu, loop_cpu, sum(handler_times[before:]))


def timing_handlers(handler_times: list[float], report_times: list[float]) -> None:
    """Time the bot's button handler and its report rendering (which runs in a worker thread)."""
    real_handle = _controls.handle_control

    async def handle(*args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        try:
            await real_handle(*args, **kwargs)
        finally:
            handler_times.append(time.perf_counter() - started)

    _controls.handle_control = handle  # type: ignore[assignment]
    real_render = _places._render_report

    def render(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real_render(*args, **kwargs)
        finally:
            report_times.append(time.perf_counter() - started)

    _places._render_report = render  # type: ignore[assignment]


@dataclass
class CoachResult:
    load: LoadResult
    clicks: list[Click]
    bot_rounds: int


async def start_interviews(env: Any, channel: Any, members: list[Any], script: str) -> list[tuple[Any, Any]]:
    for member in members:
        await member.slash(channel, "interview start", script=script, role="Data Analyst", company="Acme")
    threads = {t.name.split(" ·")[0]: t for t in channel.threads}
    return [(m, threads[m.name]) for m in members]


async def run_coach(n: int, max_rounds: int, folder: Path) -> CoachResult:
    settings = Settings(database_path=folder / "load.sqlite3", env_file=None, environ={})
    bot = create_bot(settings)
    handler_times: list[float] = []
    timing_handlers(handler_times, [])
    result = LoadResult()
    clicks: list[Click] = []
    probe = LagProbe()
    hops = Hops()
    async with simcord.run(bot) as env:
        acks = Acks(env, env.backend.bot_user.id)
        guild = env.create_guild()
        channel = guild.create_text_channel("practice")
        members = [guild.add_member(env.create_user(f"c{i}")) for i in range(n)]
        active = await start_interviews(env, channel, members, "second_round")
        numbers = {m.id: 1 for m in members}
        rounds = 0
        with probe.running() as lags:
            while active and (not max_rounds or rounds < max_rounds):
                # Every COUNT_EVERY-th round counts statements and thread hops; the counting costs
                # CPU of its own, so those rounds are left out of the time and CPU figures.
                counting = rounds % COUNT_EVERY == 1
                result.rounds.append(await typed_round(env, acks, active, ANSWER,
                                                       bot.store.db.counting if counting else None,
                                                       hops if counting else None))
                result.rounds[-1].number = rounds + 1
                rounds += 1
                still = []
                for member, thread in active:
                    message = live_question(thread)
                    if message is None:
                        continue
                    title = message.embeds[0].title or ""
                    if title.startswith("Question"):
                        numbers[member.id] = int(title.split()[1])
                    click = await click_done(member, message, numbers[member.id], rounds, handler_times)
                    click.final = has_report(thread)
                    clicks.append(click)
                    if not click.final:
                        still.append((member, thread))
                active = still
        result.lags = lags
        stored = await bot.store.db.fetch_value("SELECT COUNT(*) FROM answer_parts")
        assert stored == result.messages, (stored, result.messages)
    await bot.store.close()  # simcord does not close the bot
    return CoachResult(result, clicks, rounds)


# --- the report ------------------------------------------------------------------------------------

@dataclass
class ReportResult:
    script: str
    questions: int
    chars: int
    render: float  # report and transcript, from stored analyses, in the worker thread
    first_render: float  # the same for the first report after start-up (templates compiled)
    from_stored: float  # report_context alone, from stored analyses
    reanalysed: float  # report_context re-analysing every answer (what main did)
    same: bool
    lag_max: float
    lag_p99: float
    loop_cpu_final_click: float


async def run_report(folder: Path) -> ReportResult:
    settings = Settings(database_path=folder / "report.sqlite3", env_file=None, environ={})
    bot = create_bot(settings)
    report_times: list[float] = []
    timing_handlers([], report_times)
    probe = LagProbe()
    text = long_answer()
    async with simcord.run(bot) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("practice")
        script = max(bot.library.scripts.values(), key=lambda s: len(s.questions))
        final_loop_cpu = 0.0
        with probe.running() as lags:
            # Two candidates, one after the other: the first report after start-up also compiles
            # the report templates (Jinja compiles a template on its first use); the second is
            # what every later report costs.
            for name in ("first", "later"):
                member = guild.add_member(env.create_user(name))
                [(member, thread)] = await start_interviews(env, channel, [member], script.id)
                while not has_report(thread):
                    message = live_question(thread)
                    assert message is not None
                    await member.send(thread, text)
                    loop0 = time.thread_time()
                    await member.click(message, label="Done")
                    final_loop_cpu = time.thread_time() - loop0
        session = (await bot.store.sessions.for_user(member.id, limit=1))[0]
        state = await bot.store.sessions.load_state(session.id)
        assert state is not None
        _, stored_interview = await bot.interviews.load(session.id)
        started = time.perf_counter()
        stored_ctx = report_context(stored_interview, when=session.finished_at)
        from_stored = time.perf_counter() - started
        plain = Interview.rebuild(bot.library.script(session.script_id), state.session, state.answers)
        started = time.perf_counter()
        fresh_ctx = report_context(plain, when=session.finished_at)
        reanalysed = time.perf_counter() - started
        same = stored_ctx == fresh_ctx
        questions = len(stored_interview.plan)
    await bot.store.close()
    first, later = report_times
    return ReportResult(script.id, questions, len(text), later, first, from_stored, reanalysed, same,
                        max(lags, default=0.0), percentile(lags, 99), final_loop_cpu)


# --- lists: 10 vs 1,000 past interviews -----------------------------------------------------------

async def clone_history(bot: Any, source_id: int, user_id: int, copies: int) -> None:
    """`copies` finished interviews for `user_id`, each a copy of a real one (its report, answers
    and parts), made in SQL."""
    db = bot.store.db
    await bot.store.users.ensure(user_id, bot.clock.now())
    async with db.transaction() as conn:
        for _ in range(copies):
            cursor = await conn.execute(
                "INSERT INTO interview_sessions (user_id, guild_id, channel_id, script_id, script_version,"
                " context_json, status, question_index, probe_index, report_json, created_at, updated_at,"
                " finished_at) SELECT ?, guild_id, NULL, script_id, script_version, context_json, status,"
                " question_index, probe_index, report_json, created_at, updated_at, finished_at"
                " FROM interview_sessions WHERE id = ?", (user_id, source_id))
            new_id = cursor.lastrowid
            answers = await conn.execute_fetchall("SELECT id FROM answers WHERE session_id = ? ORDER BY id",
                                                  (source_id,))
            for (answer_id,) in answers:
                made = await conn.execute(
                    "INSERT INTO answers (session_id, question_id, probe_index, category, prompt, asked_at,"
                    " finished_at, skipped, reading_json) SELECT ?, question_id, probe_index, category, prompt,"
                    " asked_at, finished_at, skipped, reading_json FROM answers WHERE id = ?",
                    (new_id, answer_id))
                await conn.execute(
                    "INSERT INTO answer_parts (answer_id, text, source, source_id, attachments, received_at)"
                    " SELECT ?, text, source, source_id, attachments, received_at FROM answer_parts"
                    " WHERE answer_id = ?", (made.lastrowid, answer_id))


async def timed(call: Callable[[], Awaitable[Any]], repeat: int) -> float:
    await call()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def run_history(folder: Path, many: int, few: int = 10, mid: int = 100
                      ) -> list[tuple[str, float, float, float]]:
    settings = Settings(database_path=folder / "history.sqlite3", env_file=None, environ={})
    bot = create_bot(settings)
    rows: list[tuple[str, float, float, float]] = []
    async with simcord.run(bot) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("practice")
        member = guild.add_member(env.create_user("seed"))
        [(member, thread)] = await start_interviews(env, channel, [member], "second_round")
        while not has_report(thread):
            await member.send(thread, ANSWER)
            message = live_question(thread)
            assert message is not None
            await member.click(message, label="Done")
        source = (await bot.store.sessions.for_user(member.id, limit=1))[0].id
        few_user, mid_user, many_user = 900_001, 900_003, 900_002
        sizes = {few_user: few, mid_user: mid, many_user: many}
        for user, size in sizes.items():
            await clone_history(bot, source, user, size)
        interviews, store = bot.interviews, bot.store
        for user, size in sizes.items():  # some journal entries too, for the report
            for i in range(size):
                await store.journal.add(user, now=bot.clock.now(), company=f"Company {i}", role="Analyst")

        cases: list[tuple[str, Callable[[int], Awaitable[Any]]]] = [
            ("/interview history, first page", lambda u: _history_view(interviews, u, 0)),
            ("/interview history, last page",
             lambda u: _history_view(interviews, u, sizes[u] // 5 - 1)),
            ("/interview report autocomplete (nothing typed)", lambda u: interviews.session_choices(u, "")),
            ("/interview report autocomplete (no match)", lambda u: interviews.session_choices(u, "zzz")),
            ("/interview practice autocomplete", lambda u: interviews.practice_choices(u, "")),
            ("/interview practice (weakest)", lambda u: interviews.practice_target(u, None)),
            ("/interview report (latest)", lambda u: interviews.latest_reported(u)),
            ("journal list page (store, not ours)", lambda u: _journal_page(store, u)),
            ("follow-up list (store, not ours)", lambda u: store.nudges.upcoming_for_user(u, limit=11)),
        ]
        for name, call in cases:
            few_cost, mid_cost, many_cost = [await timed(lambda c=call, u=u: c(u), 30)
                                             for u in (few_user, mid_user, many_user)]
            rows.append((name, few_cost, mid_cost, many_cost))
    await bot.store.close()
    return rows


async def _history_view(interviews: Any, user_id: int, page: int) -> None:
    """What one page of `/interview history` reads (bot/exts/interview/_history.py)."""
    await interviews.history_page(user_id, page, 5)
    await interviews.score_trends(user_id)


async def _journal_page(store: Any, user_id: int) -> None:
    await store.journal.count(user_id)
    await store.journal.page(user_id, offset=0, limit=5)


# --- printing --------------------------------------------------------------------------------------

def table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print("  ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(r)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def print_load(n: int, coach: CoachResult, bare: LoadResult, bare_clicks: list[Click], raw_rate: float,
               raw_hops: int, storage: StorageResult) -> None:
    counted = [r for r in coach.load.rounds if r.counted]
    load = LoadResult([r for r in coach.load.rounds if not r.counted], coach.load.lags)
    coach_all, bare_all = load.all(), bare.all()
    # Single rounds are noisy on a shared machine: flatness compares the first and the last
    # WINDOW rounds (the median of their per-round figures).
    early, late = load.rounds[:WINDOW], load.rounds[-WINDOW:]
    # The bare bot's figures for the same rounds of the interview.
    b_early = [r for r in bare.rounds if r.number in {x.number for x in early}]
    b_late = [r for r in bare.rounds if r.number in {x.number for x in late}]

    def named(rounds: list[Round]) -> str:
        return "rounds " + ",".join(str(r.number) for r in rounds)
    early_name, late_name = named(early), named(late)
    parts = load.messages
    rate = parts / load.wall
    print(f"\n{n} candidates answering at once, {coach.bot_rounds} rounds ({coach.load.messages:,} typed parts); "
          f"bare bot run first, in its own process. Times and CPU from the {len(load.rounds)} rounds that "
          f"count nothing; statements and hops from the other {len(counted)}.")
    rows = [("typed answer part", "interview coach", "baseline", "ratio")]
    for label, p in (("arrival to ✅ p50", 50), ("arrival to ✅ p99", 99)):
        c, b = percentile(coach_all, p), percentile(bare_all, p)
        rows.append((f"{label} (bare bot)", ms(c), ms(b), ratio(c, b)))
    c_cpu, b_cpu = load.cpu / parts, bare.cpu / bare.messages
    rows.append(("process CPU per message (bare bot)", ms(c_cpu), ms(b_cpu), ratio(c_cpu, b_cpu)))
    def cpu_per_message(rounds: list[Round]) -> float:
        return statistics.median(r.cpu / r.n for r in rounds)

    def p50(rounds: list[Round]) -> float:
        return statistics.median(percentile(r.latencies, 50) for r in rounds)

    for label, rds, bds in ((early_name, early, b_early), (late_name, late, b_late)):
        rows.append((f"  {label}: CPU per message", ms(cpu_per_message(rds)), ms(cpu_per_message(bds)),
                     ratio(cpu_per_message(rds), cpu_per_message(bds))))
    rows.append((f"CPU per message, {late_name} vs {early_name} (flat)", ms(cpu_per_message(late)),
                 ms(cpu_per_message(early)), ratio(cpu_per_message(late), cpu_per_message(early))))
    rows.append((f"arrival to ✅ p50, {late_name} vs {early_name}", ms(p50(late)), ms(p50(early)),
                 ratio(p50(late), p50(early))))
    stored_rate = storage.parts / storage.wall
    rows.append(("answers stored per second, service and store alone (raw aiosqlite loop)",
                 f"{stored_rate:,.0f}/s", f"{raw_rate:,.0f}/s", ratio(stored_rate, raw_rate)))
    rows.append((f"  service and store alone: time per part, round {len(load.rounds)} vs 1",
                 ms(storage.last_round), ms(storage.first_round), ratio(storage.last_round, storage.first_round)))
    rows.append(("  service and store alone: statements / commits per part",
                 f"{storage.statements:.2f} / {storage.commits:.3f}", "1 / 1", ""))
    rows.append(("answers stored per second, whole bot on simcord (raw aiosqlite loop)", f"{rate:,.0f}/s",
                 f"{raw_rate:,.0f}/s", ratio(rate, raw_rate)))
    rows.append(("messages handled per second (bare bot)", f"{rate:,.0f}/s", f"{bare.messages / bare.wall:,.0f}/s",
                 ratio(rate, bare.messages / bare.wall)))
    counted_parts = sum(r.n for r in counted)
    stmts = sum(r.statements for r in counted) / counted_parts
    selects = sum(r.selects for r in counted) / counted_parts
    commits = sum(r.commits for r in counted) / counted_parts
    hop = sum(r.hops for r in counted) / counted_parts
    rows.append(("statements per part (raw loop)", f"{stmts:.2f} ({selects:.2f} SELECT)", "1", ratio(stmts, 1)))
    rows.append(("commits per part (raw loop)", f"{commits:.3f}", "1", ratio(commits, 1)))
    rows.append(("connection-thread hops per part (raw loop)", f"{hop:.2f}", str(raw_hops), ratio(hop, raw_hops)))
    worst = max(r.statements / r.n for r in counted)
    rows.append(("statements per part, worst round", f"{worst:.2f}", "≤ 2", ""))
    rows.append(("event-loop lag p99 under load (bare bot)", ms(percentile(load.lags, 99)),
                 ms(percentile(bare.lags, 99)), ratio(percentile(load.lags, 99), percentile(bare.lags, 99))))
    table(rows)

    clicks = coach.clicks
    print(f"\nDone clicks, one at a time ({len(clicks):,}; the answer is analysed in a worker thread and the "
          "next question posted), beside the bare bot's Done in the same round (it removes the buttons and "
          "posts the next question, and nothing else)")
    by_round: dict[int, list[Click]] = {}
    for c in clicks:
        if not c.final:
            by_round.setdefault(c.round, []).append(c)
    bare_by_round: dict[int, list[Click]] = {}
    for c in bare_clicks:
        bare_by_round.setdefault(c.round, []).append(c)
    ordinary = [c for c in clicks if not c.final]
    finals = [c for c in clicks if c.final]
    numbers = sorted(by_round)
    windows = ((f"rounds {numbers[0]}-{numbers[min(WINDOW, len(numbers)) - 1]}", numbers[:WINDOW]),
               (f"rounds {numbers[-min(WINDOW, len(numbers))]}-{numbers[-1]}", numbers[-WINDOW:]))
    rows = [("Done click (median)", "interview coach", "bare bot, same rounds", "ratio")]
    for label, key in (("process CPU", "cpu"), ("event-loop thread CPU", "loop_cpu"),
                       ("click wall time (simcord included)", "wall")):
        for name, rds in windows:
            c = statistics.median(getattr(x, key) for rd in rds for x in by_round[rd])
            b = statistics.median(getattr(x, key) for rd in rds for x in bare_by_round.get(rd, []))
            rows.append((f"{label}, {name}", ms(c), ms(b), ratio(c, b)))
    rows.append(("bot handler wall time, all but the last Done", ms(statistics.median(c.handler for c in ordinary)),
                 "", ""))
    if finals:
        rows.append(("the last Done (report built and posted): process CPU",
                     ms(statistics.median(c.cpu for c in finals)), "", ""))
        rows.append(("the last Done: event-loop thread CPU", ms(statistics.median(c.loop_cpu for c in finals)),
                     "", ""))
    table(rows)

    # Main questions only: a probe's Done analyses the question's answer with the probe's (longer).
    dones = [d for d in storage.dones if not d.final and not d.probe]
    final = [d for d in storage.dones if d.final]
    questions = sorted({d.number for d in dones})
    low, high = questions[:WINDOW], questions[-WINDOW:]
    print("\nDone in the service alone (no Discord; five candidates, one after another, through the whole "
          "interview; medians of the main questions' Dones)")
    rows = [("service Done", "all", f"questions {low[0]}-{low[-1]}", f"questions {high[0]}-{high[-1]} (ratio)")]
    for label, key in (("process CPU (the analysis thread included)", "cpu"), ("event-loop thread CPU", "loop_cpu")):
        med = statistics.median(getattr(d, key) for d in dones)
        at_lo = statistics.median(getattr(d, key) for d in dones if d.number in low)
        at_hi = statistics.median(getattr(d, key) for d in dones if d.number in high)
        rows.append((label, ms(med), ms(at_lo), f"{ms(at_hi)} ({ratio(at_hi, at_lo)})"))
    if final:
        rows.append(("the last Done (the report built in the worker thread): process / loop CPU",
                     f"{ms(statistics.median(d.cpu for d in final))} / "
                     f"{ms(statistics.median(d.loop_cpu for d in final))}", "", ""))
    table(rows)


def print_report(r: ReportResult) -> None:
    print(f"\nReport of the longest script ({r.script}, {r.questions} questions) with {r.chars:,}-character answers")
    rows = [("report", "figure", "baseline", "ratio")]
    rows.append(("report context from stored analyses (re-analysing each answer)", ms(r.from_stored),
                 ms(r.reanalysed), ratio(r.from_stored, r.reanalysed)))
    rows.append(("report + transcript rendered, in the worker thread", ms(r.render), "≤ 100 ms", ""))
    rows.append(("  the first report after start-up (its templates compiled then)", ms(r.first_render), "", ""))
    rows.append(("same report and transcript either way", "yes" if r.same else "NO", "", ""))
    rows.append(("event-loop thread CPU of the final Done (report posted)", ms(r.loop_cpu_final_click), "", ""))
    rows.append(("event-loop lag while answering and reporting: max / p99", f"{ms(r.lag_max)} / {ms(r.lag_p99)}",
                 "≤ 50 ms", ""))
    table(rows)


def print_history(rows: list[tuple[str, float, float, float]], many: int) -> None:
    print(f"\nLists for a user with {many:,} past interviews (baselines: one with 10, one with 100), "
          "median of 30. Searches look at the latest 100 interviews (20 for practice questions), so "
          "against 100 past is the like-for-like ratio for them.")
    out = [("list", f"{many:,} past", "10 past", "ratio", "100 past", "ratio")]
    for name, few, mid, lots in rows:
        out.append((name, ms(lots), ms(few), ratio(lots, few), ms(mid), ratio(lots, mid)))
    table(out)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=0, help="stop after this many rounds (0: the whole interview)")
    parser.add_argument("--history", type=int, default=1000, help="past interviews of the long-history user")
    parser.add_argument("--raw-rows", type=int, default=3000)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-history", action="store_true")
    parser.add_argument("--bare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_only:
        load, clicks = await run_bare(args.candidates, args.rounds)
        print(json.dumps({"load": load.to_json(), "clicks": [c.__dict__ for c in clicks]}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_load:
            # The bare bot first, in its own process; the whole second-round interview is 28 rounds.
            rounds = args.rounds or 28
            bare, bare_clicks = bare_in_own_process(args.candidates, rounds)
            raw_rate, _, raw_hops = await raw_insert_loop(args.raw_rows)
            storage = await run_storage(args.candidates, rounds, folder)
            coach = await run_coach(args.candidates, args.rounds, folder)
            print_load(args.candidates, coach, bare, bare_clicks, raw_rate, raw_hops, storage)
        if not args.skip_report:
            print_report(await run_report(folder))
        if not args.skip_history:
            print_history(await run_history(folder, args.history), args.history)


if __name__ == "__main__":
    asyncio.run(main())
