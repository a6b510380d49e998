"""Benchmark: N candidates answering at once, through the real bot in simcord.

Prints answers stored per second and the bot's handling time per answer (p50/p95/p99),
beside a bare discord.py bot that only acknowledges each message, in the same run.

    python bench/interviews.py [--candidates 200] [--questions 0 (all)]

Every round, each candidate's answer is queued before the bot runs, so the bot handles
N messages concurrently; then each candidate presses Done. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import discord
import simcord
from discord.ext import commands

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import Settings, create_bot  # noqa: E402
from bot.exts.interview._commands import InterviewCog  # noqa: E402

ANSWER = ("At my last company our reporting took 3 days. I was responsible for fixing it, so I rebuilt the "
          "pipeline and automated the checks. As a result it takes 4 hours and errors fell 40%.")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(handler, samples: list[float]):
    """Time the handler for candidates' messages (the bot's own messages are skipped)."""
    async def wrapper(message: discord.Message) -> None:
        if message.author.bot:
            return
        started = time.perf_counter()
        try:
            await handler(message)
        finally:
            samples.append(time.perf_counter() - started)
    return wrapper


class BareBot(commands.Bot):
    """A discord.py bot that only acknowledges each message with a reaction."""

    def __init__(self, samples: list[float]) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents)
        self.samples = samples

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not isinstance(message.channel, discord.Thread):
            return
        started = time.perf_counter()
        await message.add_reaction("✅")
        self.samples.append(time.perf_counter() - started)


async def run_bare(n: int, rounds: int) -> tuple[int, float, list[float]]:
    samples: list[float] = []
    async with simcord.run(BareBot(samples), strict_sync=False) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        members = [guild.add_member(env.create_user(f"c{i}")) for i in range(n)]
        threads = [env.backend.create_thread(channel.id, f"t{i}", m.id, type=12) for i, m in enumerate(members)]
        busy = 0.0
        for _ in range(rounds):
            for member, thread in zip(members, threads, strict=True):
                env.backend.create_message(thread.id, member.id, ANSWER)
            started = time.perf_counter()
            await env.settle(timeout=60)
            busy += time.perf_counter() - started
        return len(samples), busy, samples


async def run_coach(n: int, max_questions: int) -> tuple[int, float, list[float], int]:
    samples: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_path=Path(folder) / "bench.sqlite3", env_file=None, environ={})
        bot = create_bot(settings)
        async with simcord.run(bot) as env:
            cog: InterviewCog = bot.get_cog("Interview")  # type: ignore[assignment]
            bot.remove_listener(cog.on_message)
            bot.add_listener(timed(cog.on_message, samples), "on_message")
            guild = env.create_guild()
            channel = guild.create_text_channel("practice")
            members = [guild.add_member(env.create_user(f"c{i}")) for i in range(n)]
            for member in members:
                await member.slash(channel, "interview start", script="second_round", role="Data Analyst",
                                   company="Acme")
            threads = {t.name.split(" ·")[0]: t for t in channel.threads}
            pairs = [(m, threads[m.name]) for m in members]
            busy, rounds = 0.0, 0
            active = pairs
            while active and (not max_questions or rounds < max_questions):
                for member, thread in active:
                    env.backend.create_message(thread.id, member.id, ANSWER)
                started = time.perf_counter()
                await env.settle(timeout=60)
                busy += time.perf_counter() - started
                rounds += 1
                still = []
                for member, thread in active:
                    live = [m for m in thread.history() if m.components and m.embeds
                            and (m.embeds[0].title or "").startswith(("Question", "Follow-up"))]
                    if not live:
                        continue
                    await member.click(live[-1], label="Done")
                    if any(m.embeds and (m.embeds[0].title or "").startswith("Feedback report")
                           for m in thread.history()[-3:]):
                        continue
                    still.append((member, thread))
                active = still
            stored = await bot.store.db.fetch_value("SELECT COUNT(*) FROM answer_parts")
        await bot.store.close()  # simcord does not close the bot
        return int(stored), busy, samples, rounds


def report(name: str, count: int, busy: float, samples: list[float]) -> None:
    ms = [s * 1000 for s in samples]
    print(f"{name:<22} {count:>7} answers  {count / busy:>9.0f} answers/s  "
          f"p50 {percentile(ms, 50):6.2f} ms  p95 {percentile(ms, 95):6.2f} ms  p99 {percentile(ms, 99):6.2f} ms"
          f"  (mean {statistics.fmean(ms):.2f} ms)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--questions", type=int, default=0, help="stop after this many rounds (0: whole interview)")
    args = parser.parse_args()
    count, busy, samples, rounds = await run_coach(args.candidates, args.questions)
    bare_count, bare_busy, bare_samples = await run_bare(args.candidates, rounds)
    print(f"{args.candidates} concurrent candidates, {rounds} answer rounds each (simcord, one process)")
    report("interview coach", count, busy, samples)
    report("bare discord.py bot", bare_count, bare_busy, bare_samples)


if __name__ == "__main__":
    asyncio.run(main())
