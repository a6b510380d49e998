"""The weekly summary DM on a simulated Discord, in virtual time: opt in, delivered on Sunday at
18:00 local through the nudge dispatcher with a button that starts the suggested question, the
next one planned, exactly once across restarts and a crash between claim and send; opt out
sends nothing; nudges off skip it without breaking the chain; a broken chain is mended at
start-up.

simcord's clock starts on Thursday 2026-01-01 00:00 UTC; in New York the first summary is due
on Sunday 4 January at 18:00 (23:00 UTC). As in test_followup.py, only the follow-up, settings
and help extensions are loaded, and the finished interviews are written through the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

import bot.bot
import bot.services._dispatcher as nudge_dispatcher
from bot import Settings, create_bot
from bot.core.models import InterviewSession
from bot.sample_contexts import sample_report
from integration.test_followup import ids_in, replace_interview_entry_point, text_of

EXTENSIONS = ["bot.exts.followup", "bot.exts.help", "bot.exts.settings"]
FIRST_DUE = datetime(2026, 1, 4, 23, tzinfo=UTC)  # Sunday 18:00 in New York


@pytest.fixture(autouse=True)
def followup_world(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.bot, "discover_extensions", lambda: list(EXTENSIONS))
    monkeypatch.setattr(nudge_dispatcher, "RESYNC_SECONDS", 86400.0)


class World:
    def __init__(self, env: Any, settings: Settings) -> None:
        self.env = env
        self.settings = settings
        self.guild = env.create_guild()
        self.channel = self.guild.create_text_channel("career-chat")
        self.user = env.create_user("alice")
        self.alice = self.guild.add_member(self.user)

    @property
    def store(self) -> Any:
        return self.env.bot.store

    async def slash(self, name: str, **options: Any) -> Any:
        return await self.alice.slash(self.channel, name, **options)

    def text(self, result: Any) -> str:
        messages = [m for m in (result.response, *result.followups) if m is not None]
        return "\n".join(m.content for m in messages)

    def summaries(self) -> list[discord.Message]:
        dm = self.user.dm_channel
        return [m for m in dm.history() if "Your week in practice" in text_of(m)] if dm else []

    async def weekly_nudges(self) -> list[Any]:
        return [n for n in await self.store.nudges.upcoming_for_user(self.user.id, limit=50)
                if n.kind == "weekly_summary"]

    async def advance_to(self, when: datetime) -> None:
        await self.env.advance_time((when - self.env.now()).total_seconds())

    async def restart(self) -> None:
        await self.env.restart_bot(create_bot(self.settings))

    async def finished_interview(self, finished_at: datetime, overall: float) -> InterviewSession:
        """A finished mock interview, recorded as the interview service's finish hook does."""
        await self.store.users.ensure(self.user.id, finished_at)
        session = await self.store.sessions.create(
            user_id=self.user.id, script_id="final", script_version="1",
            context={"company": "Acme", "role": "Data Analyst", "candidate": "alice"}, now=finished_at)
        report = sample_report()
        report["overall"] = overall
        session.status, session.report, session.finished_at = "finished", report, finished_at
        await self.store.sessions.save_state(session, finished_at)
        await self.env.bot.progress.record_finished(session, report)
        return session


@pytest.fixture
def world(simcord_env: Any, settings: Settings) -> World:
    return World(simcord_env, settings)


async def opt_in(world: World) -> None:
    await world.slash("settings timezone", zone="America/New_York")
    reply = await world.slash("settings weekly", state="on")
    assert "Weekly summary **on**" in world.text(reply) and f"<t:{int(FIRST_DUE.timestamp())}:F>" in world.text(reply)


async def test_opted_in_the_summary_arrives_on_sunday_once_and_its_button_starts_the_question(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    await world.finished_interview(datetime(2025, 12, 20, 15, tzinfo=UTC), 0.4)
    latest = await world.finished_interview(datetime(2026, 1, 1, 0, tzinfo=UTC), 0.7)
    await opt_in(world)
    [nudge] = await world.weekly_nudges()
    assert nudge.due_at == FIRST_DUE
    await world.advance_to(FIRST_DUE - timedelta(minutes=1))
    assert world.summaries() == []  # never early
    await world.advance_to(FIRST_DUE + timedelta(seconds=1))
    [message] = world.summaries()
    body = text_of(message)
    assert "You practised **1** time: 1 mock interview (Final interview)" in body
    assert "Your average overall score this week: **70/100**" in body
    assert "**Your weakest area:**" in body and "**One question to practise:**" in body
    assert nudge.id in ids_in(message)
    labels = [c.label for row in message.components for c in row.children]
    assert labels == ["Practise this question", "Stop weekly summaries"]
    row = await world.store.nudges.get(nudge.id)
    assert row.status == "sent" and row.payload["session_id"] == latest.id
    # The next one is planned for the Sunday after, at 18:00 in New York.
    [following] = await world.weekly_nudges()
    assert following.due_at == FIRST_DUE + timedelta(days=7)

    await world.restart()
    await world.advance_to(FIRST_DUE + timedelta(hours=2))
    assert len(world.summaries()) == 1  # not sent again after a restart
    calls: list[dict[str, Any]] = []

    async def start_practice(interaction: discord.Interaction, **kwargs: Any) -> None:
        calls.append(kwargs)
        await interaction.response.send_message("Go!", ephemeral=True)

    replace_interview_entry_point(monkeypatch, "start_practice", start_practice)
    await world.user.click(message, label="Practise this question")
    assert calls == [{"session_id": latest.id, "question_id": row.payload["questions"][0]["id"]}]


async def test_a_crash_between_claim_and_send_still_delivers_it_once(world: World) -> None:
    await world.finished_interview(datetime(2026, 1, 1, tzinfo=UTC), 0.5)
    await opt_in(world)
    [nudge] = await world.weekly_nudges()
    await world.env.bot.followups.dispatcher.stop()
    await world.advance_to(FIRST_DUE + timedelta(minutes=1))
    assert await world.store.nudges.claim(nudge.id, world.env.now())  # then the process died
    await world.restart()
    assert len(world.summaries()) == 1
    await world.restart()
    await world.advance_to(FIRST_DUE + timedelta(hours=1))
    assert len(world.summaries()) == 1
    assert (await world.store.nudges.get(nudge.id)).status == "sent"
    assert [n.due_at for n in await world.weekly_nudges()] == [FIRST_DUE + timedelta(days=7)]


async def test_opting_out_sends_nothing_and_opting_in_again_plans_afresh(world: World) -> None:
    await opt_in(world)
    [first] = await world.weekly_nudges()
    off = await world.slash("settings weekly", state="off")
    assert "Weekly summary **off**. The next one is cancelled." in world.text(off)
    assert await world.weekly_nudges() == []
    await world.advance_to(FIRST_DUE + timedelta(hours=1))
    assert world.summaries() == []
    assert (await world.store.nudges.get(first.id)).status == "cancelled"
    again = await world.slash("settings weekly", state="on")
    assert "**on**" in world.text(again)
    [fresh] = await world.weekly_nudges()
    assert fresh.id != first.id and fresh.due_at == FIRST_DUE + timedelta(days=7)
    await world.advance_to(fresh.due_at + timedelta(seconds=1))
    [summary] = world.summaries()
    assert "No mock interviews or practice runs this week" in text_of(summary)


async def test_nudges_off_skips_a_summary_but_the_next_is_still_planned(world: World) -> None:
    await opt_in(world)
    await world.slash("settings nudges", state="off")
    [nudge] = await world.weekly_nudges()
    await world.advance_to(FIRST_DUE + timedelta(minutes=1))
    assert world.summaries() == []
    row = await world.store.nudges.get(nudge.id)
    assert row.status == "dropped" and "turned off" in row.last_error
    assert [n.due_at for n in await world.weekly_nudges()] == [FIRST_DUE + timedelta(days=7)]


async def test_a_broken_chain_is_mended_at_start_up(world: World) -> None:
    await opt_in(world)
    [nudge] = await world.weekly_nudges()
    await world.env.bot.followups.dispatcher.stop()
    # Say it was dropped before it was composed (the bot was down for more than six days).
    await world.store.nudges.mark(nudge.id, "dropped", world.env.now(), error="past its use")
    assert await world.weekly_nudges() == []
    await world.restart()
    [mended] = await world.weekly_nudges()
    assert mended.due_at == FIRST_DUE
    await world.restart()
    assert len(await world.weekly_nudges()) == 1  # once
