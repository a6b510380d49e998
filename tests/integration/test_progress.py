"""Progress you can see, as a candidate meets it on a simulated Discord: the chart on
`/interview history` (none for one interview, a PNG for two), practice with before and after and
the best attempt kept, "still weak after practice" in the history, and `/prep progress` for an
upcoming real interview with and without a job description."""

from __future__ import annotations

import io

from PIL import Image

from integration._support import refusals

WEAK = "I helped with some stuff."
STRONG = ("At my last company our monthly reporting took 3 days. I was responsible for fixing it, so I "
          "rebuilt the pipeline in SQL and automated the checks. As a result it now takes 4 hours and "
          "errors fell 40% within two months.")


async def start(world, **options):
    options = {"script": "second_round", "role": "Data Analyst", "company": "Acme", **options}
    return await world.candidate.slash(world.channel, "interview start", **options)


async def short_interview(world, env, answers=(WEAK, WEAK), **options):
    """A mock interview with a few questions answered, then ended: it has a report."""
    await start(world, **options)
    thread = world.thread()
    for text in answers:
        await world.candidate.send(thread, text)
        await world.candidate.click(world.current(thread), label="Done")
    await world.candidate.slash(world.channel, "interview end")
    [session] = await env.bot.store.sessions.for_user(world.candidate.id, limit=1)
    assert session.status == "finished" and session.report is not None
    return session


async def practise(world, env, text, question=None):
    """`/interview practice` (the weakest question by default), answered with `text`."""
    options = {"question": question} if question else {}
    result = await world.candidate.slash(world.channel, "interview practice", **options)
    assert "ready in" in (result.followups or [result.response])[-1].content
    thread = world.channel.threads[-1]
    await world.answer_all(thread, parts=(text,))
    [session] = await env.bot.store.sessions.for_user(world.candidate.id, limit=1)
    assert session.context["only_questions"] and session.status == "finished"
    return session, thread


def before_and_after(thread) -> list[str]:
    return [e.description or "" for m in thread.history() for e in m.embeds
            if (e.title or "").startswith("Before and after")]


async def test_history_has_no_chart_for_one_interview_and_a_png_for_two(world, simcord_env):
    await short_interview(world, simcord_env)
    one = await world.candidate.slash(world.channel, "interview history")
    [field] = [f for f in one.response.embeds[0].fields if f.name == "Progress chart"]
    assert "second finished" in field.value
    assert not any(m.attachments for m in one.followups)

    await short_interview(world, simcord_env, answers=(STRONG, STRONG))
    two = await world.candidate.slash(world.channel, "interview history")
    assert not [f for f in two.response.embeds[0].fields if f.name == "Progress chart"]
    [chart] = [m for m in two.followups if m.attachments]
    attachment = chart.attachments[0]
    assert attachment.filename == "progress.png" and chart.flags.ephemeral
    data = await attachment.read()
    assert data.startswith(b"\x89PNG") and len(data) < 10 * 1024 * 1024
    with Image.open(io.BytesIO(data)) as image:
        assert image.width == 800 and len(image.convert("RGB").getcolors(1 << 20) or []) > 20


async def test_practice_shows_before_and_after_and_keeps_the_best_attempt(world, simcord_env):
    first = await short_interview(world, simcord_env)
    question_id = first.report["weakest_questions"][0]
    earlier = await simcord_env.bot.store.progress.attempt(first.id, question_id)
    assert earlier is not None and earlier.scores  # recorded when the interview finished

    # Weak again: about the same, and the question is still weak after practice.
    _, thread = await practise(world, simcord_env, WEAK + " Again.")
    [text] = before_and_after(thread)
    assert f"{round(earlier.score * 100)} →" in text and "Notes on your earlier attempt" in text
    assert "Still below 70" in text
    history = await world.candidate.slash(world.channel, "interview history")
    [weak] = [f for f in history.response.embeds[0].fields if f.name == "Still weak after practice"]
    assert "best" in weak.value and "after 2 attempts" in weak.value

    # Strong this time: better, the best attempt so far, and the best is remembered.
    strong, thread = await practise(world, simcord_env, STRONG, question=f"{first.id}:{question_id}")
    [text] = before_and_after(thread)
    assert "better" in text and "your best attempt so far" in text and "**Improved:**" in text
    best = await simcord_env.bot.store.progress.best(world.candidate.id, first.script_id, question_id)
    assert best.best_session_id == strong.id and best.attempts == 3 and best.practised
    assert best.best_score > earlier.score


async def test_a_question_never_answered_before_gets_no_before_and_after(world, simcord_env):
    first = await short_interview(world, simcord_env, answers=(WEAK,))
    asked = {a.question_id for a in await simcord_env.bot.store.sessions.answers(first.id)}
    script = simcord_env.bot.library.script(first.script_id)
    fresh = next(q.id for q in script.questions if q.id not in asked)
    _, thread = await practise(world, simcord_env, STRONG, question=f"{first.id}:{fresh}")
    assert world.reports(thread) and before_and_after(thread) == []


JOB = ("Data Analyst at Acme\n\nRequirements\n- Advanced SQL and dashboards for reporting\n"
       "- Experience presenting to executives\n\nNice to have\n- Looker")


def readiness_text(result) -> str:
    return result.response.embeds[0].description


async def test_prep_progress_for_an_upcoming_interview_with_and_without_a_job(world, simcord_env):
    bot = simcord_env.bot
    nothing = await world.candidate.slash(world.channel, "prep progress")
    assert "no upcoming real interview" in nothing.response.content
    assert any("/followup add" in r for r in refusals(simcord_env))

    await world.candidate.slash(world.channel, "settings timezone", zone="Europe/London")
    await world.candidate.slash(world.channel, "followup add", company="Acme", role="Data Analyst",
                                when="Jan 20 10:00", stage="second_round")
    fresh = readiness_text(await world.candidate.slash(world.channel, "prep progress"))
    assert "Your second round at Acme" in fresh and "0 of 4 preparation steps done" in fresh
    assert "Next best step:** A second round mock interview" in fresh
    assert "No job description given" in fresh

    await short_interview(world, simcord_env)  # a second-round mock interview
    shown = await bot.journal.open_checklist(world.candidate.id, "second_round", "Acme")
    await bot.journal.tick(world.candidate.id, shown.record.id, ["own_questions", "company_news"])
    await bot.journal.add_story(world.candidate.id, title_and_skills="Rebuilt reporting | SQL, dashboards",
                                situation="Reports took 3 days", task="Fix it", action="Rebuilt it in SQL",
                                result="4 hours")
    later = readiness_text(await world.candidate.slash(world.channel, "prep progress"))
    assert "2 of 4 preparation steps done" in later and "1 done, it scored" in later
    assert "2 of 15 ticked" in later and "1 of 6" in later
    assert "Next best step:** 6 STAR stories in your bank" in later

    await bot.progress.pick_questions(world.candidate.id, ["a", "b", "c"], ["a", "b", "c"])
    picked = readiness_text(await world.candidate.slash(world.channel, "prep progress"))
    assert "Your questions to ask them, picked**: 3 picked" in picked

    # A job description given: a story for each of its must-haves (the job feature's map).
    saved = await bot.jobs.add_job(world.candidate.id, text=JOB)
    await world.candidate.slash(world.channel, "followup add", company="Acme", role="Data Analyst",
                                when="Jan 12 10:00", stage="second_round", job=str(saved.record.id))
    with_job = readiness_text(await world.candidate.slash(world.channel, "prep progress"))
    musts = [r.text for r in saved.job.must_have]
    entries = await bot.jobs.requirement_map(world.candidate.id, saved)
    covered = sum(1 for e in entries if e.requirement.kind == "must" and e.story is not None)
    assert len(musts) == 2 and covered == 1
    assert "1 of 2 requirements have a story" in with_job and "No story yet for: Experience presenting" in with_job
    assert "only suggested: confirm with /prep job match" in with_job
    assert "No job description given" not in with_job
    # The other interview at Acme had no job given: the latest job saved for Acme is used.
    later_one = readiness_text(await world.candidate.slash(world.channel, "prep progress", interview="#1"))
    assert "1 of 2 requirements have a story" in later_one

    choices = await world.candidate.autocomplete(world.channel, "prep progress", "interview", "acme")
    upcoming = await bot.progress.upcoming_interviews(world.candidate.id)
    assert [c["value"] for c in choices] == [str(p.id) for p in upcoming] and len(upcoming) == 2  # soonest first
    assert choices[0]["name"].startswith("Second round at Acme (Data Analyst), Mon 12 Jan")
    picked = await world.candidate.slash(world.channel, "prep progress", interview=choices[0]["value"])
    assert readiness_text(picked) == with_job
    wrong = await world.candidate.slash(world.channel, "prep progress", interview="#999")
    assert "not one of your upcoming interviews" in wrong.response.content
