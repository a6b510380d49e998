"""SHARD_COUNT / SHARD_IDS: the bot as an AutoShardedBot over its shards, on both backends.
An interview runs in a server's thread (the events arrive at that server's shard) and nudges
reach the candidate's DMs."""

from __future__ import annotations

import dataclasses

import discord
import pytest

from bot import Settings, SettingsError, create_bot
from bot.bot import ShardedInterviewCoach


@pytest.fixture
def settings(settings: Settings) -> Settings:
    sharded = object.__new__(Settings)
    for name in (f.name for f in dataclasses.fields(Settings)):
        object.__setattr__(sharded, name, getattr(settings, name))
    object.__setattr__(sharded, "shard_count", 2)
    object.__setattr__(sharded, "shard_ids", (0, 1))
    return sharded


def test_shard_settings_are_read_and_checked() -> None:
    settings = Settings(env_file=None, environ={"SHARD_COUNT": "4", "SHARD_IDS": "0-1,3"})
    assert (settings.shard_count, settings.shard_ids) == (4, (0, 1, 3))
    bot = create_bot(settings)
    assert isinstance(bot, ShardedInterviewCoach) and isinstance(bot, discord.AutoShardedClient)
    assert (bot.shard_count, bot.shard_ids) == (4, [0, 1, 3])
    assert not isinstance(create_bot(Settings(env_file=None, environ={})), discord.AutoShardedClient)
    with pytest.raises(SettingsError, match="between 0 and SHARD_COUNT - 1"):
        Settings(env_file=None, environ={"SHARD_COUNT": "2", "SHARD_IDS": "2"})
    with pytest.raises(SettingsError, match="needs SHARD_COUNT"):
        Settings(env_file=None, environ={"SHARD_IDS": "0"})
    with pytest.raises(SettingsError, match="DATABASE_URL must be a PostgreSQL URL"):
        Settings(env_file=None, environ={"DATABASE_URL": "mysql://x"})
    assert "secret" not in repr(Settings(env_file=None, environ={"DATABASE_URL": "postgresql://u:secret@h/db"}))


async def test_an_interview_runs_on_a_sharded_bot(world, simcord_env) -> None:
    assert isinstance(simcord_env.bot, ShardedInterviewCoach) and simcord_env.bot.shard_count == 2
    result = await world.candidate.slash(world.channel, "interview start", script="second_round",
                                         role="Data Analyst", company="Acme")
    assert result.ephemeral and "ready in" in result.response.content
    thread = world.thread()
    await world.candidate.send(thread, "At my last job I rebuilt the reporting pipeline.")
    assert any(r.emoji == "✅" for r in thread.history()[-1].reactions)
    assert world.current(thread).embeds[0].title.startswith("Question 1 of ")
