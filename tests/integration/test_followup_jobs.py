"""`/followup add job:`: the day-before checklist nudge shows the job's must-haves and the
stories that prove them (or says which still need one). Only the extensions it needs are
loaded, as in test_followup.py, so virtual days pass quickly."""

from __future__ import annotations

from typing import Any

import pytest
from documents_support import JOB_WITH_HEADINGS

import bot.bot
import bot.services._dispatcher as nudge_dispatcher
from integration._support import refusals

EXTENSIONS = ["bot.exts.followup", "bot.exts.prep", "bot.exts.settings"]
STORY = {"title_skills": "Repriced the Pro plan | pricing experiments",
         "situation": "Our Pro plan had not changed price in years.", "task": "Find a better price.",
         "action": "I ran three pricing experiments.", "result": "Revenue per customer rose 8%."}


@pytest.fixture(autouse=True)
def few_extensions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.bot, "discover_extensions", lambda: list(EXTENSIONS))
    monkeypatch.setattr(nudge_dispatcher, "RESYNC_SECONDS", 86400.0)


def text_of(message: Any) -> str:
    return "\n".join([message.content, *(e.description or "" for e in message.embeds)])


async def test_day_before_nudge_carries_the_requirement_map(simcord_env) -> None:
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("career-chat")
    user = simcord_env.create_user("alice")
    alice, bob = guild.add_member(user), guild.add_member(simcord_env.create_user("bob"))
    await alice.slash(channel, "settings timezone", zone="Europe/London")
    await alice.submit_modal(await alice.slash(channel, "prep star"), STORY)
    await alice.slash(channel, "prep job add", file=("advert.md", JOB_WITH_HEADINGS.encode()))
    [job] = await simcord_env.bot.jobs.jobs(alice.id)

    # Someone else cannot hang Alice's job on their plan.
    await bob.slash(channel, "settings timezone", zone="Europe/London")
    await bob.slash(channel, "followup add", company="Acme", role="Analyst", when="Jan 5 10:00", job=str(job.id))
    assert "could not find that job description among yours" in refusals(simcord_env)[-1]
    assert await simcord_env.bot.store.journal.for_user(bob.id, limit=5) == []  # nothing was planned

    await alice.slash(channel, "followup add", company="Acme", role="Pricing Analyst", when="Jan 5 10:00",
                      job=str(job.id))
    plan_nudges = {n.kind: n for n in await simcord_env.bot.store.nudges.for_plan(1)}
    due = plan_nudges["day_before"].due_at
    await simcord_env.advance_time((due - simcord_env.now()).total_seconds() + 1)
    [message] = user.dm_channel.history()
    assert "tomorrow at Acme" in text_of(message)
    body = text_of(message)
    assert "The job's must-haves and your stories" in body
    assert ('"5+ years of experience running pricing experiments": tell "Repriced the Pro plan" '
            "(suggested; accept or change it in `/prep job show`)") in body
    assert '"Strong SQL and Python": no story yet, so prepare one tonight' in body
