from __future__ import annotations

import discord

from bot.bot import TREE_HASH_KEY, discover_extensions


async def test_bot_reaches_ready_loads_every_extension_and_syncs(simcord_env) -> None:
    bot = simcord_env.bot
    assert bot.is_ready()
    assert discover_extensions(), "no extensions found"
    assert sorted(bot.extensions) == discover_extensions()
    assert bot.loaded_extensions == discover_extensions()
    # Synced on first start (the tree hash is stored) and passed simcord's validation of
    # Discord's limits for names, descriptions and options.
    assert await bot.store.meta.get(TREE_HASH_KEY) == bot.command_tree_hash()
    assert bot.allowed_mentions.everyone is False and bot.allowed_mentions.roles is False
    assert bot.intents.message_content and not bot.intents.members and not bot.intents.presences


async def test_help_lists_commands_and_scripts(simcord_env) -> None:
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    result = await alice.slash(channel, "help")
    assert result.ephemeral
    embed: discord.Embed = result.response.embeds[0]
    assert "/help" in embed.description
    assert "second\\_round" not in embed.description and "`second_round`" in embed.description


async def test_restart_does_not_resync_an_unchanged_tree(simcord_env) -> None:
    before = len([r for r in simcord_env.http_requests if r.method == "PUT" and "commands" in r.path])
    await simcord_env.restart_bot()
    after = len([r for r in simcord_env.http_requests if r.method == "PUT" and "commands" in r.path])
    assert before == 1 and after == 1
