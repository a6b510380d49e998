"""The follow-up feature with the real interview feature (every extension loaded): a finished
mock interview plans "practice again", whose button starts the practice; "next round" starts
a mock interview for the next stage."""

from __future__ import annotations

from datetime import timedelta

import pytest

import bot.services._dispatcher as nudge_dispatcher


@pytest.fixture(autouse=True)
def daily_reread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nudge_dispatcher, "RESYNC_SECONDS", 86400.0)


def nudge_messages(user, nudge_id: int):
    return [m for m in user.dm_channel.history()
            if any(f":{nudge_id}:" in (c.custom_id or "") or (c.custom_id or "").endswith(f":{nudge_id}")
                   for row in m.components for c in row.children)]


async def test_finished_mock_interview_plans_practice_that_starts_from_its_button(world, simcord_env):
    store = simcord_env.bot.store
    sam = world.candidate
    await sam.slash(world.channel, "settings timezone", zone="Europe/London")
    await sam.slash(world.channel, "settings nudges", state="on")
    await sam.slash(world.channel, "interview start", script="second_round", role="Data Analyst",
                    company="Acme")
    await world.answer_all(world.thread(), parts=("I helped with some stuff.",))
    [session] = await store.sessions.for_user(sam.id)
    assert session.status == "finished"
    [nudge] = await store.nudges.pending_for_user(sam.id)
    assert nudge.kind == "practice_again"
    assert [q["id"] for q in nudge.payload["questions"]] == session.report["weakest_questions"]
    assert all(q["number"] and q["text"] for q in nudge.payload["questions"])
    due = nudge.due_at
    assert due.hour == 10 and due - session.finished_at <= timedelta(days=3, hours=14)

    await simcord_env.advance_time((due - simcord_env.now()).total_seconds() + 1)
    [message] = nudge_messages(sam.user, nudge.id)
    first = nudge.payload["questions"][0]
    result = await sam.user.click(message, label=f"Practise question {first['number']}")
    assert result.acknowledged
    [practice] = [s for s in await store.sessions.for_user(sam.id) if s.id != session.id]
    assert practice.context["only_questions"] == [first["id"]]
    assert practice.status == "active"
    # A practice run does not plan yet another reminder when it finishes.
    assert await store.nudges.count_pending() == 0


async def test_next_round_starts_a_mock_interview_for_the_next_stage(world, simcord_env):
    store = simcord_env.bot.store
    sam = world.candidate
    await sam.slash(world.channel, "settings timezone", zone="Europe/London")
    await sam.slash(world.channel, "followup add", company="Acme", role="Data Analyst",
                    when="Jan 5 10:00", stage="second_round")
    [plan] = await store.nudges.plans_for_user(sam.id)
    thank_you = {n.kind: n for n in await store.nudges.for_plan(plan.id)}["thank_you"]
    await simcord_env.advance_time((thank_you.due_at - simcord_env.now()).total_seconds() + 1)
    [message] = nudge_messages(sam.user, thank_you.id)
    result = await sam.user.click(message, label="Next round")
    [offer] = result.followups
    await sam.user.click(offer.message, label="Practise for it")
    [session] = await store.sessions.for_user(sam.id)
    assert session.script_id == "final" and session.context["company"] == "Acme"
