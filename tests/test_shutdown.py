"""Shutting down: stop accepting, let what is in flight finish, then close the store."""

from __future__ import annotations

import asyncio

from bot import create_bot


async def test_close_lets_running_handlers_finish_before_the_store_closes(settings) -> None:
    bot = create_bot(settings)
    await bot.store.open()
    started, release = asyncio.Event(), asyncio.Event()
    seen: list[object] = []

    async def command_still_running() -> None:
        started.set()
        await release.wait()
        seen.append(await bot.store.users.ensure(7, bot.clock.now()))  # needs the open store

    handler = asyncio.get_running_loop().create_task(command_still_running(), name="CommandTree-invoker")
    await started.wait()
    closing = asyncio.create_task(bot.close())
    for _ in range(5):
        await asyncio.sleep(0)  # let close() run up to its drain (a yield, not a wait)
    assert bot.closing and not closing.done()
    release.set()
    await closing
    assert handler.done() and handler.exception() is None and len(seen) == 1
    assert bot.store.db._conn is None  # closed, after the handler


async def test_commands_arriving_while_closing_are_refused_politely(simcord_env) -> None:
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    member = guild.add_member(simcord_env.create_user("sam"))
    simcord_env.bot.closing = True
    try:
        result = await member.slash(channel, "interview history")
    finally:
        simcord_env.bot.closing = False
    assert result.ephemeral and "restarting" in result.response.content
