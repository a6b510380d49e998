"""Mock interviews on Discord, used the way a candidate would use them."""

from __future__ import annotations

import copy

import discord
from simcord.actors import _component_interaction  # no public verb replays a stale click

from bot import create_bot


async def start(world, **options):
    options = {"script": "second_round", "role": "Data Analyst", "company": "Acme", **options}
    return await world.candidate.slash(world.channel, "interview start", **options)


async def test_full_second_round_with_multi_part_answers_skip_repeat_and_probe(world, simcord_env):
    result = await start(world, interviewer="Dana Lee, Head of Data")
    assert result.ephemeral and "ready in" in result.response.content
    thread = world.thread()
    assert thread.name.startswith("sam · Second-round interview")
    intro = thread.history()[0]
    assert "Done" in intro.embeds[0].description and "Skip" in intro.embeds[0].description
    first = world.current(thread)
    assert first.embeds[0].title.startswith("Question 1 of ")
    assert [c.label for row in first.components for c in row.children] == [
        "Done", "Answer in a form", "Skip", "Repeat", "Pause", "End"]

    # Question 1: an answer in two messages, each acknowledged once stored.
    await world.candidate.send(thread, "Thanks for having me back.")
    await world.candidate.send(thread, "I want to understand how the team measures success.")
    assert all(any(r.emoji == "✅" for r in m.reactions) for m in thread.history()[-2:])
    await world.candidate.click(first, label="Done")
    assert not thread.history()[-2].components or first.id != world.current(thread).id

    # Question 2: repeat it, then skip it.
    second = world.current(thread)
    assert second.embeds[0].title.startswith("Question 2 of ")
    await world.candidate.click(second, label="Repeat")
    repeated = world.current(thread)
    assert repeated.id != second.id and repeated.embeds[0].description == second.embeds[0].description
    await world.candidate.click(repeated, label="Skip")
    assert world.current(thread).embeds[0].title.startswith("Question 3 of ")

    # A vague, short answer draws a follow-up probe from the script.
    await world.candidate.send(thread, "I helped with some things.")
    await world.candidate.click(world.current(thread), label="Done")
    assert world.current(thread).embeds[0].title.startswith("Follow-up")

    answered = await world.answer_all(thread)
    assert answered >= 10
    assert world.reports(thread)
    body = "\n".join(e.description for m in world.reports(thread) for e in m.embeds)
    assert "Three things to work on" in body and "Overall" in body
    transcript = world.reports(thread)[-1].attachments[0]
    assert transcript.filename.endswith("-transcript.md")
    text = (await transcript.read()).decode()
    assert "Thanks for having me back.\nI want to understand how the team measures success." in text
    assert "*Skipped.*" in text and "**Follow-up:**" in text

    session = (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0]
    assert session.status == "finished" and session.report["complete"] is True


async def test_the_same_interview_through_the_form(world, simcord_env):
    await start(world, script="final", role="Product Manager")
    thread = world.thread()
    count = 0
    while not world.reports(thread):
        question = world.current(thread)
        shown = await world.candidate.click(question, label="Answer in a form")
        assert shown.modal is not None
        await world.candidate.submit_modal(shown, {"answer": f"Form answer {count}. I led the launch at my last "
                                                             "company and as a result revenue grew 12% in Q3."})
        count += 1
        assert count < 80
    text = (await world.reports(thread)[-1].attachments[0].read()).decode()
    assert "Form answer 0." in text and f"Form answer {count - 1}." in text
    answers = await simcord_env.bot.store.sessions.answers(
        (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0].id)
    assert all(p.source == "modal" for a in answers for p in a.parts)


async def test_other_members_cannot_use_the_controls_or_answer(world, simcord_env):
    await start(world)
    thread = world.thread()
    question = world.current(thread)
    # Olive is in the server; a moderator could add her to the thread.
    await simcord_env.bot.get_channel(thread.id).add_user(discord.Object(id=world.other.id))
    refused = await world.other.click(question, label="Done")
    assert refused.ephemeral and "not your interview" in refused.response.content
    await world.other.send(thread, "I am not the candidate.")
    session = (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0]
    answers = await simcord_env.bot.store.sessions.answers(session.id)
    assert all(not a.parts for a in answers)
    assert world.current(thread).id == question.id  # nothing moved


async def test_restart_mid_interview_old_buttons_still_work(world, simcord_env, settings):
    await start(world)
    thread = world.thread()
    await world.candidate.send(thread, "Before the restart: my first answer.")
    await world.candidate.click(world.current(thread), label="Done")
    await world.candidate.send(thread, "Before the restart: part one of answer two.")

    await simcord_env.restart_bot(create_bot(settings))

    await world.candidate.send(thread, "After the restart: part two of answer two.")
    await world.candidate.click(world.current(thread), label="Done")  # a button sent before the restart
    await world.answer_all(thread)
    text = (await world.reports(thread)[-1].attachments[0].read()).decode()
    assert "Before the restart: my first answer." in text
    assert "Before the restart: part one of answer two.\nAfter the restart: part two of answer two." in text


async def test_everyone_in_an_answer_never_pings(world, simcord_env):
    await start(world, company="@everyone Corp")
    thread = world.thread()
    await world.candidate.send(thread, "@everyone @here <@&123> look at me " + "x" * 50)
    await world.candidate.click(world.current(thread), label="Done")
    await world.answer_all(thread)
    bot_messages = [m for m in thread.history() if m.author.bot]
    for m in bot_messages:
        assert not m.mention_everyone
        assert not m.role_mentions
    sent = [r.json for r in simcord_env.http_requests if r.method == "POST" and r.json and "allowed_mentions" in r.json]
    assert all("everyone" not in (r["allowed_mentions"].get("parse") or []) for r in sent)
    text = (await world.reports(thread)[-1].attachments[0].read()).decode()
    assert "@everyone" not in text  # neutralised in the transcript too


async def test_double_click_on_done_and_simultaneous_messages(world, simcord_env):
    await start(world)
    thread = world.thread()
    # Two messages arriving in the same instant: both are queued before the bot runs.
    simcord_env.backend.create_message(thread.id, world.candidate.id, "One.")
    simcord_env.backend.create_message(thread.id, world.candidate.id, "Two.")
    await simcord_env.settle()
    question = world.current(thread)
    stale = copy.deepcopy(simcord_env.backend.get_message(thread.id, question.id))
    await world.candidate.click(question, label="Done")
    # The second click of a double click, sent from the client's view before the update landed.
    done_id = next(c.custom_id for row in question.components for c in row.children if c.label == "Done")
    second = await _component_interaction(world.candidate, stale, {"custom_id": done_id, "component_type": 2})
    assert second.ephemeral and "already moved past" in second.response.content

    session = (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0]
    assert session.question_index == 1  # moved on exactly one question
    answers = await simcord_env.bot.store.sessions.answers(session.id)
    assert sorted(p.text for p in answers[0].parts) == ["One.", "Two."]
    assert len(world.questions(thread)) == 2  # the next question was posted once


async def test_the_end_button_asks_first(world, simcord_env):
    await start(world)
    thread = world.thread()
    await world.candidate.send(thread, "My first answer, about the launch I led.")
    await world.candidate.click(world.current(thread), label="Done")
    asked = await world.candidate.click(world.current(thread), label="End")
    assert asked.ephemeral and "End the interview now?" in asked.response.content
    assert "question 2 of" in asked.response.content
    kept = await world.candidate.click(asked.response, label="Keep going")
    assert "Carrying on" in kept.response.content
    session = (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0]
    assert session.status == "active" and not world.reports(thread)

    asked = await world.candidate.click(world.current(thread), label="End")
    ended = await world.candidate.click(asked.response, label="End it")
    said = [m.content or "" for m in (ended.response, *ended.followups) if m is not None]
    assert any("Your report is in" in text for text in said)
    assert world.reports(thread)
    session = (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0]
    assert session.status == "finished" and session.report["answered"] == 1


async def test_a_typed_answer_runs_only_the_interview_listener(world, simcord_env, monkeypatch):
    """The bot has no prefix commands: a message costs one task (the interview listener), not a
    second for discord.py's `on_message`, and is never parsed as a command."""
    await start(world)
    thread = world.thread()
    bot = simcord_env.bot
    scheduled: list[str] = []
    real = bot._schedule_event

    def recording(coro, event_name, *args, **kwargs):
        scheduled.append(getattr(coro, "__qualname__", repr(coro)))
        return real(coro, event_name, *args, **kwargs)

    monkeypatch.setattr(bot, "_schedule_event", recording)
    monkeypatch.setattr(bot, "process_commands", None)  # would fail loudly if anything called it
    await world.candidate.send(thread, "!help me, I am an answer that looks like a command.")
    assert [name for name in scheduled if "on_message" in name] == ["InterviewCog.on_message"]
    assert any(r.emoji == "✅" for r in thread.history()[-1].reactions)
