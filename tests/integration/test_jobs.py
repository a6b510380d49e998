"""Job descriptions and résumés on a simulated Discord: from `/prep job add` to a tailored mock
interview and its report, the paste forms, refusals that keep nothing, and nobody else's job or
résumé reachable by autocomplete or typed id."""

from __future__ import annotations

import json

from documents_support import JOB_WITH_HEADINGS, RESUME_TEXT, job_docx, pdf_bytes

from bot.documents import MAX_FILE_BYTES
from integration._support import refusals
from integration.conftest import World

STORY = {"title_skills": "Repriced the Pro plan | pricing experiments, A/B testing",
         "situation": "Our Pro plan had not changed price in four years.", "task": "Find a better price.",
         "action": "I designed and ran three pricing experiments on new sign-ups.",
         "result": "Revenue per customer rose 8% with no rise in churn."}
PRICING_ANSWER = ("At my last company I ran pricing experiments on our three subscription plans. I designed "
                  "the tests, split traffic between two prices and tracked conversion for six weeks. As a "
                  "result revenue per customer rose 8% and we kept the higher price.")


def reply_text(result) -> str:
    messages = [m for m in (result.response, *result.followups) if m is not None]
    return "\n".join([m.content or "" for m in messages] + [e.description or "" for m in messages
                                                           for e in m.embeds])


def buttons(message) -> dict[str, dict]:
    return {c["label"]: c for row in message.components for c in row["components"] if c["type"] == 2}


async def add_job_file(world: World, actor=None, filename: str = "advert.txt",
                       data: bytes = JOB_WITH_HEADINGS.encode()):
    return await (actor or world.candidate).slash(world.channel, "prep job add", file=(filename, data))


async def test_from_a_job_file_to_a_tailored_interview_and_its_report(world: World, simcord_env) -> None:
    await world.candidate.submit_modal(await world.candidate.slash(world.channel, "prep star"), STORY)
    added = await add_job_file(world, filename="advert.pdf", data=pdf_bytes(JOB_WITH_HEADINGS.splitlines()))
    shown = reply_text(added)
    assert added.ephemeral and "Saved. Here is what I read" in shown
    assert "Senior Pricing Analyst at Acme" in shown
    assert "5+ years of experience running pricing experiments" in shown
    assert 'Suggested: "Repriced the Pro plan"' in shown and "No story yet: prepare one" in shown
    assert "Ownership, Curiosity, Candour" in shown
    [job] = await simcord_env.bot.jobs.jobs(world.candidate.id)

    card = [m for m in (added.response, *added.followups) if m is not None and m.components][-1]
    accepted = await world.candidate.click(card, label="Accept the suggested stories")
    assert "Accepted 1 suggested story" in accepted.response.content
    assert 'Your story: "Repriced the Pro plan"' in accepted.response.embeds[0].description
    assert not buttons(accepted.response)  # nothing left to accept

    [choice] = await world.candidate.autocomplete(world.channel, "interview start", "job", "pricing")
    assert choice["value"] == str(job.id) and len(choice["name"]) <= 100
    started = await world.candidate.slash(world.channel, "interview start", script="second_round",
                                          role="Pricing Analyst", company="Acme", job=choice["value"])
    assert "ready in" in started.response.content
    thread = world.thread()
    intro = thread.history()[0].embeds[0].description
    assert "Tailored to:** your job description for Senior Pricing Analyst" in intro
    await world.answer_all(thread, parts=(PRICING_ANSWER,))
    questions = "\n".join(m.embeds[0].description for m in world.questions(thread))
    assert 'One requirement in the job description is "5+ years of experience running pricing' in questions
    assert 'also lists the requirement "Strong SQL and Python"' in questions  # no story for it
    assert "The values we try to live by are ownership, curiosity and candour" in questions
    report = "\n".join(e.description for m in world.reports(thread) for e in m.embeds)
    assert "Against the job description (Senior Pricing Analyst)" in report
    assert '"5+ years of experience running pricing experiments": evidence in question' in report
    assert "ran pricing experiments on our three subscription plans" in report
    assert '"Experience communicating results to executives": none of your answers touched it' in report
    session = (await simcord_env.bot.interviews.recent(world.candidate.id, limit=1))[0]
    assert session.context["job"]["must_have"][0] == "5+ years of experience running pricing experiments"

    # Deleting the job says what stays: the interview keeps the copy it was practised against.
    deleted = await world.candidate.slash(world.channel, "prep job delete", job=str(job.id))
    assert "keep the copy they were practised against" in " ".join(deleted.response.content.split())
    assert await simcord_env.bot.jobs.jobs(world.candidate.id) == []
    kept = (await simcord_env.bot.interviews.recent(world.candidate.id, limit=1))[0]
    assert kept.context["job"] == session.context["job"]


async def test_pasted_job_is_read_and_a_refused_paste_is_given_back(world: World, simcord_env) -> None:
    form = await world.candidate.slash(world.channel, "prep job add")
    assert form.modal is not None and len(form.modal["title"]) <= 45
    inputs = [c for row in form.modal["components"] for c in row.get("components", [row.get("component")])]
    assert [i["max_length"] for i in inputs] == [4000, 4000, 4000]
    saved = await world.candidate.submit_modal(form, {"part1": JOB_WITH_HEADINGS[:300],
                                                      "part2": JOB_WITH_HEADINGS[300:]})
    assert "Senior Pricing Analyst" in reply_text(saved)
    assert len(await simcord_env.bot.jobs.jobs(world.candidate.id)) == 1

    note = "Dear diary, today I walked the dog and thought about lunch for a very long time."
    refused = await world.candidate.submit_modal(await world.candidate.slash(world.channel, "prep job add"),
                                                 {"part1": note})
    text = reply_text(refused)
    assert "doesn't look like a job description" in text and "nothing you wrote is lost" in text
    given_back = [a for m in refused.followups for a in m.attachments]
    assert given_back and note in (await given_back[0].read()).decode()
    assert len(await simcord_env.bot.jobs.jobs(world.candidate.id)) == 1  # nothing more kept


async def test_bad_files_are_refused_and_nothing_is_kept(world: World, simcord_env) -> None:
    for filename, data, reason in (("scan.pdf", pdf_bytes(None), "found no text"),
                                   ("advert.png", b"\x89PNG\r\n", ".pdf and .docx"),
                                   ("broken.docx", b"PK\x03\x04broken", "damaged"),
                                   ("blank.txt", b"   ", "found no text"),
                                   ("huge.txt", b"a" * (MAX_FILE_BYTES + 1), "the most I read is 5 MB")):
        await add_job_file(world, filename=filename, data=data)
        assert reason in refusals(world.env)[-1], filename
    assert await simcord_env.bot.jobs.jobs(world.candidate.id) == []


async def test_nobody_else_reaches_a_job_or_resume(world: World, simcord_env) -> None:
    await add_job_file(world, filename="advert.docx", data=job_docx())
    await world.candidate.slash(world.channel, "prep resume", file=("cv.txt", RESUME_TEXT.encode()))
    [job] = await simcord_env.bot.jobs.jobs(world.candidate.id)
    for command in ("prep job show", "prep job delete", "prep job match", "interview start"):
        assert await world.other.autocomplete(world.channel, command, "job", "") == []
    assert await world.other.autocomplete(world.channel, "followup add", "job", "") == []
    own = await world.candidate.autocomplete(world.channel, "prep job show", "job", "")
    assert [c["value"] for c in own] == [str(job.id)]

    await world.other.slash(world.channel, "prep job show", job=str(job.id))
    await world.other.slash(world.channel, "prep job delete", job=f"#{job.id}")
    await world.other.slash(world.channel, "interview start", script="second_round", role="Analyst",
                            company="Brightwave", job=str(job.id))
    said = refusals(world.env)
    assert len(said) == 3 and all("could not find that job description among yours" in r for r in said)
    assert await simcord_env.bot.interviews.open_session(world.other.id) is None
    assert len(await simcord_env.bot.jobs.jobs(world.candidate.id)) == 1
    # Bob's own résumé view is a paste form, never Alice's résumé.
    bobs = await world.other.slash(world.channel, "prep resume")
    assert bobs.modal is not None and "Acme Corp" not in json.dumps(bobs.modal)


async def test_resume_file_is_probed_and_privacy_covers_it(world: World, simcord_env) -> None:
    saved = await world.candidate.slash(world.channel, "prep resume", file=("cv.txt", RESUME_TEXT.encode()))
    text = reply_text(saved)
    assert "Senior Operations Analyst · Acme Corp" in text and "Jan 2021 - Present" in text
    assert '"Cut onboarding time by 40% by automating account set-up" (Acme Corp)' in text
    await world.candidate.slash(world.channel, "interview start", script="final", role="Analyst", company="Initech")
    thread = world.thread()
    await world.answer_all(thread)
    questions = "\n".join(m.embeds[0].description for m in world.questions(thread))
    assert "One achievement on your résumé stood out to me, from Acme Corp" in questions
    report = "\n".join(e.description for m in world.reports(thread) for e in m.embeds)
    assert "Your résumé's strongest lines" in report and "you never used it" in report
    assert "Against the job description" not in report  # no job was given

    await add_job_file(world)
    export = await world.candidate.slash(world.channel, "privacy export")
    attachment = (export.followups or [export.response])[-1].attachments[0]
    data = json.loads(await attachment.read())["data"]
    assert data["resumes"][0]["body"].startswith("Sam Rivera")
    assert data["job_descriptions"][0]["title"] == "Senior Pricing Analyst"

    asked = await world.candidate.slash(world.channel, "privacy delete")
    done = await world.candidate.click(asked.response, label="Delete everything")
    assert "1 job description" in done.response.content and "1 résumé" in done.response.content
    assert await simcord_env.bot.jobs.resume(world.candidate.id) is None
    assert await simcord_env.bot.jobs.jobs(world.candidate.id) == []


async def test_match_list_and_delete(world: World, simcord_env) -> None:
    await world.candidate.submit_modal(await world.candidate.slash(world.channel, "prep star"), STORY)
    await add_job_file(world)
    [job] = await simcord_env.bot.jobs.jobs(world.candidate.id)
    requirements = await world.candidate.autocomplete(world.channel, "prep job match", "requirement", "sql",
                                                      job=str(job.id))
    assert [c["value"] for c in requirements] == ["2"] and requirements[0]["name"].startswith("2. Must:")
    stories = await world.candidate.autocomplete(world.channel, "prep job match", "story", "")
    assert stories[0]["value"] == "none" and stories[1]["name"] == "Repriced the Pro plan"
    matched = await world.candidate.slash(world.channel, "prep job match", job=str(job.id), requirement="2",
                                          story=stories[1]["value"])
    assert 'Requirement 2 now shows "Repriced the Pro plan"' in reply_text(matched)
    listed = await world.candidate.slash(world.channel, "prep job list")
    assert f"#{job.id} · Senior Pricing Analyst at Acme" in listed.response.embeds[0].description
    deleted = await world.candidate.slash(world.channel, "prep job delete", job=str(job.id))
    assert "Deleted **Senior Pricing Analyst**" in deleted.response.content
    said = " ".join(deleted.response.content.split())
    # Earlier interviews keep their copy, so the reply does not claim every trace is gone.
    assert "Interviews you already practised against it keep the copy they were practised against" in said
    assert "only you can see it" in said and "`/interview practice`" in said and deleted.ephemeral
    assert await simcord_env.bot.store.jobs.matches(job.id, world.candidate.id) == {}


async def test_accept_button_and_paste_form_work_after_a_restart(world: World, simcord_env, settings) -> None:
    from bot import create_bot
    from bot.exts.prep._jobs import job_view

    await world.candidate.submit_modal(await world.candidate.slash(world.channel, "prep star"), STORY)
    added = await add_job_file(world)
    card = [m for m in (added.response, *added.followups) if m is not None and m.components][-1]
    form = await world.candidate.slash(world.channel, "prep resume")  # no résumé yet: the paste form
    assert form.modal is not None
    await simcord_env.restart_bot(create_bot(settings))

    [job] = await simcord_env.bot.jobs.jobs(world.candidate.id)
    public = await simcord_env.bot.get_channel(world.channel.id).send(  # the same button where a stranger sees it
        "controls", view=job_view(world.candidate.id, job.id, await simcord_env.bot.jobs.requirement_map(
            world.candidate.id, await simcord_env.bot.jobs.job(world.candidate.id, str(job.id)))))
    stranger = await world.other.click(public, label="Accept the suggested stories")
    assert "belongs to someone else" in stranger.response.content
    assert await simcord_env.bot.store.jobs.matches(job.id, world.candidate.id) == {}
    accepted = await world.candidate.click(card, label="Accept the suggested stories")
    assert "Accepted 1 suggested story" in accepted.response.content
    saved = await world.candidate.submit_modal(form, {"part1": RESUME_TEXT})
    assert "Senior Operations Analyst · Acme Corp" in reply_text(saved)
    assert (await simcord_env.bot.jobs.resume(world.candidate.id)) is not None


async def test_deleting_the_resume_asks_first_and_the_asking_expires(world: World, simcord_env,
                                                                    settings) -> None:
    from bot import create_bot
    from bot.exts.prep._jobs import resume_view

    def card_of(result):
        return [m for m in (result.response, *result.followups) if m is not None and m.components][-1]

    saved = await world.candidate.slash(world.channel, "prep resume", file=("cv.txt", RESUME_TEXT.encode()))
    card = card_of(saved)  # the "Saved." reply carries the card's buttons
    kept = simcord_env.bot.jobs.resume
    asked = await world.candidate.click(card, label="Delete it")
    assert "Delete your résumé?" in asked.response.content and await kept(world.candidate.id) is not None
    assert set(buttons(asked.response)) == {"Yes, delete my résumé", "Keep it"}
    assert asked.response.embeds  # the résumé is still shown while asking
    back = await world.candidate.click(asked.response, label="Keep it")
    assert "nothing was deleted" in back.response.content and await kept(world.candidate.id) is not None
    assert "Delete it" in buttons(back.response)

    # Someone else never gets past the owner check, even where they can see the buttons.
    public = await simcord_env.bot.get_channel(world.channel.id).send("controls", view=resume_view(world.candidate.id))
    stranger = await world.other.click(public, label="Delete it")
    assert "belongs to someone else" in stranger.response.content

    # An old confirmation deletes nothing, also after a restart.
    stale = await world.candidate.click(back.response, label="Delete it")
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(11 * 60)
    late = await world.candidate.click(stale.response, label="Yes, delete my résumé")
    assert "expired" in late.response.content and await kept(world.candidate.id) is not None

    shown = await world.candidate.slash(world.channel, "prep resume")
    fresh = await world.candidate.click(card_of(shown), label="Delete it")
    done = await world.candidate.click(fresh.response, label="Yes, delete my résumé")
    assert done.response.content == "Deleted your résumé." and done.response.components == []
    assert await simcord_env.bot.jobs.resume(world.candidate.id) is None
