"""Panels where every interviewer speaks, and the assessment exercises, as a candidate meets them."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from simcord.backend.errors import OptionError

from bot import create_bot
from tests.integration._support import refusals

PANEL = {"interviewer": "Dana Lee, Head of Data", "interviewer2": "Ravi *Patel*, Engineering Manager",
         "interviewer3": "@everyone, People Partner"}


async def start(world, **options):
    options = {"script": "second_round", "role": "Data Analyst", "company": "Acme", **options}
    return await world.candidate.slash(world.channel, "interview start", **options)


async def session_of(env, user_id):
    return (await env.bot.store.sessions.for_user(user_id))[0]


async def test_a_panel_of_three_each_ask_named_with_hand_overs_and_a_report_per_interviewer(world, simcord_env):
    result = await start(world, **PANEL)
    assert "ready in" in result.response.content
    thread = world.thread()
    intro = thread.history()[0].embeds[0].description
    assert "Your panel:" in intro and "Dana Lee (Head of Data)" in intro
    assert "Ravi \\*Patel\\*" in intro  # markdown in a name is shown as typed
    first = world.current(thread).embeds[0].description
    assert first.startswith("**Dana Lee** (Head of Data) asks:")
    assert "With me are Ravi \\*Patel\\* (Engineering Manager) and @\u200beveryone (People Partner)" in first

    askers: list[str] = []
    handovers: list[str] = []
    count = 0
    while not world.reports(thread):
        message = world.current(thread)
        lines = message.embeds[0].description.split("\n")
        if lines[0].startswith("*") and not lines[0].startswith("**"):
            handovers.append(lines[0])
            lines = lines[1:]
        if lines[0].endswith("asks:"):
            askers.append(lines[0])
        await world.candidate.send(thread, "Ravi and Dana, thank you. At my last company I led the rollout; "
                                           "as a result churn fell 12% in a quarter. How will you measure "
                                           "success in the first six months?")
        await world.candidate.click(message, label="Done")
        count += 1
        assert count < 80
    assert {a[2:a.rindex("** ")] for a in askers} == {"Dana Lee", "Ravi \\*Patel\\*", "@\u200beveryone"}
    assert handovers and any("joins the conversation" in h for h in handovers)
    # Nobody was pinged by a name: every message went out with no mentions allowed.
    posts = [r for r in simcord_env.http_requests if r.method == "POST" and r.path.endswith("/messages")
             and "Dana Lee" in str(r.json)]
    assert posts
    for post in posts:
        allowed = (post.json or {}).get("allowed_mentions")
        assert allowed is not None and not allowed.get("parse") and not allowed.get("users"), post.json

    body = "\n".join(e.description for m in world.reports(thread) for e in m.embeds)
    assert "Your panel, one by one" in body
    assert "**Dana Lee** (Head of Data), listening for judgement, direction and motivation" in body
    assert "✅ Thanked by name" in body and "⚠️ Not thanked by name" in body  # Mo was not thanked
    transcript = (await world.reports(thread)[-1].attachments[0].read()).decode()
    assert "**Dana Lee (Head of Data):**" in transcript and "**Ravi *Patel* (Engineering Manager):**" in transcript
    assert "joins the conversation.*" in transcript
    session = await session_of(simcord_env, world.candidate.id)
    assert [p["name"] for p in session.report["panel"]] == ["Dana Lee", "Ravi *Patel*", "@everyone"]
    assert all(p["asked"] >= 1 for p in session.report["panel"])


async def test_the_same_title_twice_and_unknown_titles_still_share_the_questions(world, simcord_env):
    await start(world, script="final", interviewer="Ann Ames, Wizard", interviewer2="Bo Berg, Wizard")
    thread = world.thread()
    seen = set()
    while not world.reports(thread):
        message = world.current(thread)
        seen.add(message.embeds[0].description.split(" asks:")[0].split("\n")[-1])
        await world.candidate.send(thread, "I led it myself and cut costs 20% in two months.")
        await world.candidate.click(message, label="Done")
    assert seen == {"**Ann Ames** (Wizard)", "**Bo Berg** (Wizard)"}


async def test_a_bad_panel_is_refused_and_nothing_starts(world, simcord_env):
    await start(world, interviewer="A, One; B, Two", interviewer2="C, Three; D, Four", interviewer3="E, Five")
    await start(world, interviewer=", Head of Data")
    with pytest.raises(OptionError, match="must be ≤ 25"):  # Discord's own client enforces the range
        await start(world, script="case_presentation", preparation=600)
    assert refusals(simcord_env) == [
        "That is 5 interviewers; a panel here has at most 4.",
        "Each interviewer needs a name, as \"Name, Title\" (got ', Head of Data').",
    ]
    assert not world.channel.threads
    assert await simcord_env.bot.store.sessions.for_user(world.candidate.id) == []


async def test_a_preparation_time_on_an_interview_without_a_brief_is_said_to_be_unused(world, simcord_env):
    result = await start(world, script="final", preparation=5)
    said = (result.followups or [result.response])[-1].content
    assert "ready in" in said and "this interview does not use it" in said
    ready = await world.other.slash(world.channel, "interview start", script="case_presentation", role="Analyst",
                                    company="Acme", preparation=5)
    assert "does not use it" not in (ready.followups or [ready.response])[-1].content


async def test_a_short_idle_pause_bounds_the_preparation_time(world, simcord_env, settings):
    # An operator's IDLE_PAUSE_MINUTES of 10: a quiet preparation must not be paused.
    await simcord_env.restart_bot(create_bot(dataclasses.replace(settings, idle_pause_minutes=10)))
    await start(world, script="case_presentation", preparation=12)
    assert refusals(simcord_env) == ["The preparation time must be from 1 to 9 minutes (you gave 12)."]
    assert await simcord_env.bot.store.sessions.for_user(world.candidate.id) == []


async def test_without_a_panel_questions_name_nobody(world, simcord_env):
    await start(world)
    thread = world.thread()
    assert "asks:" not in world.current(thread).embeds[0].description
    assert "Your panel" not in thread.history()[0].embeds[0].description


async def test_the_case_exercise_brief_preparation_time_presentation_and_questions(world, simcord_env):
    await start(world, script="case_presentation", preparation=5, interviewer="Dana Lee, Head of Data",
                interviewer2="Ravi Patel, Staff Engineer")
    thread = world.thread()
    assert "5 minutes to prepare" in thread.history()[0].embeds[0].description
    await world.candidate.send(thread, "Fine, thanks; I'd like to know who the audience is.")
    await world.candidate.click(world.current(thread), label="Done")
    brief = world.current(thread)
    assert brief.embeds[0].title.startswith("Question 2 of ") and "churn" in brief.embeds[0].description
    [field] = [f for f in brief.embeds[0].fields if f.name == "Preparation time"]
    assert field.value.startswith("5 minutes, until <t:")
    await world.candidate.send(thread, "notes: onboarding churn; price change")

    # The time moves on the simulated clock: nothing is asked before the deadline...
    await simcord_env.advance_time(4 * 60)
    assert world.current(thread).id == brief.id
    # ...and the presentation is asked for as it passes, once, by the one timer.
    await simcord_env.advance_time(70)
    assert "preparation time is up" in thread.history()[-2].content
    present = world.current(thread)
    assert present.id != brief.id
    assert not next(m for m in thread.history() if m.id == brief.id).components  # its buttons went
    assert "Time to present" in present.embeds[0].description
    timers = [t for t in asyncio.all_tasks() if t.get_name() == "interview-preparation-timer" and not t.done()]
    assert len(timers) == 1

    await world.candidate.send(thread, "I recommend we fix onboarding first. Two reasons: 70% of the rise in "
                                       "churn is in the first 90 days, and tickets per new customer doubled. "
                                       "The main risk is the price change also playing a part; I'd check it "
                                       "with a cohort comparison. Next steps: a four-week onboarding pilot, "
                                       "measured on 90-day churn.")
    await world.candidate.click(present, label="Done")
    challenge = world.current(thread).embeds[0].description
    assert challenge.startswith("*") and "**Dana Lee** (Head of Data) asks:" in challenge
    assert "push back" in challenge
    await world.answer_all(thread)
    session = await session_of(simcord_env, world.candidate.id)
    answers = await simcord_env.bot.store.sessions.answers(session.id)
    [notes] = [a for a in answers if a.question_id == "case_brief"]
    assert notes.text == "notes: onboarding churn; price change"
    assert all(a["question_id"] != "case_brief" for a in session.report["answers"])
    [presented] = [a for a in session.report["answers"] if a["question_id"] == "case_present"]
    assert presented["score"] >= 0.7
    # The report counts the questions the thread showed: the brief is named, not dropped.
    shown = int(brief.embeds[0].title.split(" of ")[1].split()[0])
    assert session.report["total"] + session.report["briefs"] == shown
    assert (f"{shown - 1} of {shown - 1} questions answered, after the case brief (your preparation, not scored)"
            in world.text_of(thread))


async def test_ready_early_and_a_preparation_that_runs_out_across_a_restart(world, simcord_env, settings):
    await start(world, script="case_presentation", preparation=3)
    thread = world.thread()
    await world.candidate.send(thread, "Good, thanks.")
    await world.candidate.click(world.current(thread), label="Done")
    brief = world.current(thread)
    assert "3 minutes to prepare" in brief.embeds[0].description

    # The bot restarts while the candidate prepares; the deadline is in the database.
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(3 * 60 + 5)
    assert "preparation time is up" in thread.history()[-2].content
    assert "Time to present" in world.current(thread).embeds[0].description


async def test_pressing_done_on_the_brief_presents_at_once_and_the_timer_leaves_it_alone(world, simcord_env):
    await start(world, script="case_presentation", preparation=2)
    thread = world.thread()
    await world.candidate.send(thread, "Good, thanks.")
    await world.candidate.click(world.current(thread), label="Done")
    await world.candidate.click(world.current(thread), label="Done")  # ready, no notes
    present = world.current(thread)
    assert "Time to present" in present.embeds[0].description
    await simcord_env.advance_time(5 * 60)
    assert world.current(thread).id == present.id
    assert "preparation time is up" not in world.text_of(thread)


async def test_the_senior_leader_conversation(world, simcord_env):
    await start(world, script="senior_staff", role="Engineering Manager",
                interviewer="Ravi Patel, Engineering Manager", interviewer2="Dana Lee, VP Engineering")
    thread = world.thread()
    first = world.current(thread).embeds[0].description
    assert first.startswith("**Dana Lee** (VP Engineering) asks:") and "I'm Dana Lee" in first
    await world.answer_all(thread, parts=("My priority would be reliability rather than new features, which "
                                          "means saying no to the rewrite for now. First I'd listen to the "
                                          "team, then fix the deploy pipeline within 60 days.",))
    session = await session_of(simcord_env, world.candidate.id)
    categories = {a["category"] for a in session.report["answers"]}
    assert "strategy" in categories
