from __future__ import annotations

from pathlib import Path

import discord

from bot.bot import TREE_HASH_KEY, discover_extensions

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


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


async def test_runs_without_the_message_content_intent_when_configured(tmp_path):
    """Without the privileged intent approved, MESSAGE_CONTENT_INTENT=false still starts and
    interviews can be answered through the form."""
    import simcord

    from bot import Settings, create_bot

    settings = Settings(database_path=tmp_path / "db.sqlite3", env_file=None,
                        environ={"MESSAGE_CONTENT_INTENT": "false"})
    bot = create_bot(settings)
    async with simcord.run(bot, approved_intents=discord.Intents.default()) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("practice")
        sam = guild.add_member(env.create_user("sam"))
        await sam.slash(channel, "interview start", script="final", role="Designer", company="Acme")
        thread = channel.threads[0]
        question = [m for m in thread.history() if m.components][-1]
        shown = await sam.click(question, label="Answer in a form")
        await sam.submit_modal(shown, {"answer": "My answer through the form."})
        session = (await bot.store.sessions.for_user(sam.id))[0]
        answers = await bot.store.sessions.answers(session.id)
        assert answers[0].text == "My answer through the form."
    await bot.store.close()


async def test_a_missed_reminder_is_told_at_the_next_command_of_any_kind(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    store = simcord_env.bot.store
    await store.users.ensure(alice.id, simcord_env.bot.clock.now())
    await store.users.set_pending_notice(alice.id, "Send your thank-you note to Acme today.")
    result = await alice.slash(channel, "help")
    notices = [m.content for m in result.followups]
    assert any("Send your thank-you note to Acme today." in n for n in notices)
    again = await alice.slash(channel, "help")
    assert not again.followups  # shown once


async def test_the_dev_guild_sync_runs_under_the_cross_process_lock(tmp_path, monkeypatch) -> None:
    from contextlib import asynccontextmanager

    from bot import Settings, create_bot

    settings = Settings(database_path=tmp_path / "bot.sqlite3", dev_guild_id=123, env_file=None, environ={},
                        prompts_dir=PROMPTS)
    bot = create_bot(settings)
    held: list[str] = []

    @asynccontextmanager
    async def exclusive(name: str):
        held.append(name)
        try:
            yield
        finally:
            held.remove(name)

    seen: list[tuple[int | None, list[str]]] = []

    async def sync(*, guild=None):
        seen.append((guild.id if guild is not None else None, list(held)))
        return []

    monkeypatch.setattr(bot.store, "exclusive", exclusive)
    monkeypatch.setattr(bot.tree, "sync", sync)
    await bot.sync_commands()
    assert seen == [(123, ["command-tree sync"])]
