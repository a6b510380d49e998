from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest

from bot import Settings

ROOT = Path(__file__).resolve().parents[2]

STRONG = ("At my last company our monthly reporting took 3 days. I was responsible for fixing it, so I "
          "rebuilt the pipeline in SQL and automated the checks. As a result it now takes 4 hours and "
          "errors fell 40% within two months.")


@pytest.fixture
def settings(database_target: Path | str, tmp_path: Path) -> Settings:
    """Every integration test runs twice: on an SQLite file and on PostgreSQL (the `backend`
    parameter), isolated from the developer's environment and .env file."""
    url = database_target if isinstance(database_target, str) else None
    path = database_target if isinstance(database_target, Path) else tmp_path / "bot.sqlite3"
    return Settings(database_path=path, database_url=url, prompts_dir=ROOT / "prompts",
                    env_file=None, environ={})


@dataclass
class World:
    env: Any
    guild: Any
    channel: Any
    candidate: Any
    other: Any

    def thread(self):
        threads = self.channel.threads
        assert threads, "no interview thread was opened"
        return threads[-1]

    @staticmethod
    def questions(channel) -> list[discord.Message]:
        return [m for m in channel.history()
                if m.embeds and (m.embeds[0].title or "").startswith(("Question", "Follow-up"))]

    @classmethod
    def current(cls, channel) -> discord.Message:
        live = [m for m in cls.questions(channel) if m.components]
        assert live, "no question with buttons is showing"
        return live[-1]

    @staticmethod
    def reports(channel) -> list[discord.Message]:
        return [m for m in channel.history()
                if m.embeds and (m.embeds[0].title or "").startswith("Feedback report")]

    @staticmethod
    def text_of(channel) -> str:
        out = []
        for m in channel.history():
            out.append(m.content)
            out.extend((e.title or "") + "\n" + (e.description or "") for e in m.embeds)
        return "\n".join(out)

    async def answer_all(self, channel, actor=None, *, parts: tuple[str, ...] = (STRONG,), limit: int = 80) -> int:
        """Answer every remaining prompt until the report arrives; returns how many were answered."""
        actor = actor or self.candidate
        count = 0
        while not self.reports(channel):
            assert count < limit, "the interview did not finish"
            for part in parts:
                await actor.send(channel, part)
            await actor.click(self.current(channel), label="Done")
            count += 1
        return count


@pytest.fixture
def world(simcord_env) -> World:
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("interview-practice")
    candidate = guild.add_member(simcord_env.create_user("sam"))
    other = guild.add_member(simcord_env.create_user("olive"))
    return World(simcord_env, guild, channel, candidate, other)


@pytest.fixture
def place(simcord_env):
    """A server channel with two members, Alice and Bob."""
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    return channel, alice, bob
