"""Places, failures, history, reports, practice and privacy, as a candidate meets them."""

from __future__ import annotations

import json

import discord

from bot import create_bot


async def start(world, actor=None, **options):
    options = {"script": "second_round", "role": "Data Analyst", "company": "Acme", **options}
    return await (actor or world.candidate).slash(world.channel, "interview start", **options)


async def session_of(env, user_id):
    return (await env.bot.store.sessions.for_user(user_id))[0]


async def test_dms_closed_offers_a_thread_instead(world, simcord_env):
    simcord_env.inject_error("POST", "/channels/*/messages", status=403, code=50007,
                             message="Cannot send messages to this user")
    result = await start(world, where="dm")
    [notice] = [result.response, *result.followups] if result.response else result.followups
    assert "can't send you direct messages" in notice.content
    assert not world.channel.threads
    offer = notice
    await world.candidate.click(offer, label="Use a private thread")
    thread = world.thread()
    assert world.current(thread).embeds[0].title.startswith("Question 1 of ")
    assert (await session_of(simcord_env, world.candidate.id)).channel_id == thread.id


async def test_missing_thread_permission_names_it_and_offers_dms(simcord_env):
    guild = simcord_env.create_guild()
    everyone = guild.default_role
    channel = guild.create_text_channel("locked", overwrites={
        simcord_env.bot.user: discord.PermissionOverwrite(create_private_threads=False)})
    sam = guild.add_member(simcord_env.create_user("sam"))
    result = await sam.slash(channel, "interview start", script="final", role="Designer", company="Acme")
    notice = (result.followups or [result.response])[-1]
    assert "Create Private Threads" in notice.content and "DMs" in notice.content
    assert everyone is not None and not channel.threads
    await sam.click(notice, label="Run it in my DMs")
    dm = sam.user.dm_channel
    assert any(m.embeds and m.embeds[0].title.startswith("Question 1 of ") for m in dm.history())
    # The interview then runs in the DM.
    await sam.send_dm("My answer in the DM.")
    session = (await simcord_env.bot.store.sessions.for_user(sam.id))[0]
    answers = await simcord_env.bot.store.sessions.answers(session.id)
    assert answers[0].text == "My answer in the DM."


async def test_one_active_interview_per_user_offers_resume_or_end(world, simcord_env):
    await start(world)
    result = await start(world, script="final")
    assert result.ephemeral and "already have an interview" in result.response.content
    assert len(world.channel.threads) == 1
    await world.candidate.click(result.response, label="End it")
    session = await session_of(simcord_env, world.candidate.id)
    assert session.status == "finished" and session.report["complete"] is False
    assert world.reports(world.thread())  # the partial report was posted in the thread
    assert not [m for m in world.questions(world.thread()) if m.components]  # no live buttons left


async def test_pause_resume_and_resume_after_thread_deleted(world, simcord_env):
    await start(world)
    thread = world.thread()
    await world.candidate.send(thread, "Half an answer.")
    await world.candidate.click(world.current(thread), label="Pause")
    assert (await session_of(simcord_env, world.candidate.id)).status == "paused"
    simcord_env.backend.delete_channel(thread.id)
    result = await world.candidate.slash(world.channel, "interview resume")
    assert "Picking up" in (result.followups or [result.response])[-1].content
    new_thread = world.channel.threads[-1]
    assert new_thread.id != thread.id
    assert world.current(new_thread).embeds[0].title.startswith("Question 1 of ")
    await world.candidate.send(new_thread, "The other half.")
    session = await session_of(simcord_env, world.candidate.id)
    assert session.status == "active"
    answers = await simcord_env.bot.store.sessions.answers(session.id)
    assert answers[0].text == "Half an answer.\nThe other half."


async def test_server_error_mid_interview_leaves_it_resumable(world, simcord_env):
    await start(world)
    thread = world.thread()
    await world.candidate.send(thread, "An answer that is saved first.")
    simcord_env.inject_error("POST", f"/channels/{thread.id}/messages", status=500, times=1)
    result = await world.candidate.click(world.current(thread), label="Done")
    notice = (result.followups or [result.response])[-1]
    assert "saved" in notice.content and "/interview resume" in notice.content
    await world.candidate.slash(world.channel, "interview resume")
    assert world.current(thread).embeds[0].title.startswith("Question 2 of ")
    session = await session_of(simcord_env, world.candidate.id)
    assert (await simcord_env.bot.store.sessions.answers(session.id))[0].text == "An answer that is saved first."


async def test_awkward_answers_are_stored_exactly(world, simcord_env):
    await start(world)
    thread = world.thread()
    long_part = ("word " * 800)[:1990]
    awkward = ["emoji 🎉👩🏽‍💻 ok", "مرحبا، هذا نص من اليمين إلى اليسار", "```python\nprint('hi')\n```"]
    for text in [long_part, long_part, *awkward]:
        await world.candidate.send(thread, text)
    for i in range(25):
        await world.candidate.send(thread, f"part {i}")
    await world.candidate.send(thread, "see my portfolio", attachments=[("portfolio.pdf", b"%PDF-1.4")])
    await world.candidate.click(world.current(thread), label="Done")
    session = await session_of(simcord_env, world.candidate.id)
    [first, *_] = await simcord_env.bot.store.sessions.answers(session.id)
    texts = [p.text for p in first.parts]
    assert len(texts) == 31 and texts[0] == long_part.strip() and texts[2:5] == awkward
    assert first.attachments == ["portfolio.pdf"]


async def test_idle_interviews_are_paused_then_abandoned(world, simcord_env):
    await start(world)
    thread = world.thread()
    await simcord_env.advance_time(40 * 60)
    session = await session_of(simcord_env, world.candidate.id)
    assert session.status == "paused"
    assert "paused after 30 quiet minutes" in thread.history()[-1].content
    for _ in range(8 * 4):  # eight days, in steps the simulated loop can settle
        await simcord_env.advance_time(6 * 3600)
    assert (await session_of(simcord_env, world.candidate.id)).status == "abandoned"
    assert await simcord_env.bot.store.sessions.get(session.id) is not None  # kept, not deleted


async def finish_one(world, simcord_env, **options):
    await start(world, **options)
    thread = world.thread()
    await world.answer_all(thread, parts=("I helped with some stuff.",))
    return await session_of(simcord_env, world.candidate.id)


async def test_history_report_and_practice(world, simcord_env):
    first = await finish_one(world, simcord_env)
    second = await finish_one(world, simcord_env, script="behavioural_deep_dive")
    history = await world.candidate.slash(world.channel, "interview history")
    embed = history.response.embeds[0]
    assert history.ephemeral and f"#{first.id}" in embed.description and f"#{second.id}" in embed.description
    assert any(f.name.startswith("Trend") for f in embed.fields)

    choices = await world.candidate.autocomplete(world.channel, "interview report", "session", "")
    assert {c["value"] for c in choices} == {str(first.id), str(second.id)}
    report = await world.candidate.slash(world.channel, "interview report", session=str(first.id))
    messages = [report.response, *report.followups]
    assert report.ephemeral and messages[-1].attachments[0].filename.endswith(".md")

    practice = await world.candidate.slash(world.channel, "interview practice")
    assert "ready in" in (practice.followups or [practice.response])[-1].content
    thread = world.channel.threads[-1]
    assert "Practice round" in thread.history()[0].embeds[0].description
    await world.answer_all(thread)
    mini = await session_of(simcord_env, world.candidate.id)
    assert mini.report["total"] == 1 and mini.context["only_questions"] == second.report["weakest_questions"][:1]


async def test_others_cannot_see_my_reports(world, simcord_env):
    mine = await finish_one(world, simcord_env)
    choices = await world.other.autocomplete(world.channel, "interview report", "session", "")
    assert choices == []
    result = await world.other.slash(world.channel, "interview report", session=str(mine.id))
    assert result.ephemeral and "could not find" in result.response.content


async def test_privacy_export_and_delete(world, simcord_env):
    await finish_one(world, simcord_env)
    await start(world, actor=world.other)
    olive_thread = world.channel.threads[-1]
    await world.other.send(olive_thread, "Olive's answer.")

    export = await world.candidate.slash(world.channel, "privacy export")
    attachment = (export.followups or [export.response])[-1].attachments[0]
    data = json.loads(await attachment.read())
    assert data["user_id"] == world.candidate.id and data["data"]["interview_sessions"]
    assert all(row["user_id"] == world.candidate.id for row in data["data"]["interview_sessions"])

    ask = await world.candidate.slash(world.channel, "privacy delete")
    assert ask.ephemeral  # only the user sees the confirmation, so only they can click it
    done = await world.candidate.click(ask.response, label="Delete everything")
    assert "I deleted" in done.response.content
    assert "interview score" in done.response.content  # named in words, never as a table
    assert "_" not in done.response.content, done.response.content
    store = simcord_env.bot.store
    assert all(not rows for rows in (await store.export_user(world.candidate.id)).values())
    olive = await store.export_user(world.other.id)
    assert [p["text"] for p in olive["answer_parts"]] == ["Olive's answer."]


async def test_unexpected_errors_get_an_apology_with_an_error_id(world, simcord_env, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(simcord_env.bot.store.sessions, "for_user", broken)
    result = await world.candidate.slash(world.channel, "interview history")
    assert result.ephemeral and "error id" in result.response.content
    assert "database on fire" not in result.response.content
    assert any(isinstance(e, Exception) for e in simcord_env.errors)
    simcord_env.errors.clear()


async def test_bad_input_is_refused_clearly(world, simcord_env):
    result = await start(world, role="x" * 150)
    assert result.ephemeral and "keep it under 100" in result.response.content
    result = await start(world, script="nope")
    assert "There is no interview called 'nope'" in result.response.content
    assert "Second-round interview" in result.response.content
    assert "second_round" not in result.response.content  # titles, as the suggestions show them
    assert not world.channel.threads
    assert await simcord_env.bot.store.sessions.for_user(world.candidate.id) == []


async def test_restart_then_start_in_dm(simcord_env, settings):
    await simcord_env.restart_bot(create_bot(settings))
    user = simcord_env.create_user("dee")
    guild = simcord_env.create_guild()
    guild.add_member(user)
    result = await user.slash("interview start", script="final", role="Sales Lead", company="Acme")
    assert "ready in" in (result.followups or [result.response])[-1].content


async def test_server_can_choose_where_interview_threads_open(world, simcord_env):
    interviews = world.guild.create_text_channel("interviews")
    admin_role = world.guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = world.guild.add_member(simcord_env.create_user("ada"), roles=[admin_role])
    # Discord hides the server's settings from members without Manage Server...
    assert not any(c.startswith("server-settings") for c in world.candidate.available_commands(world.channel))
    assert "server-settings interview_channel" in admin.available_commands(world.channel)
    # ...and where a server grants them the command anyway, the bot still refuses and changes nothing.
    [command] = [c for c in await simcord_env.bot.tree.fetch_commands() if c.name == "server-settings"]
    world.guild.set_command_permissions(command, {world.candidate: True})
    refused = await world.candidate.slash(world.channel, "server-settings interview_channel", channel=interviews)
    assert refused.ephemeral and "Manage Server" in refused.response.content
    assert await simcord_env.bot.user_settings.interview_channel(world.guild.id) is None
    done = await admin.slash(world.channel, "server-settings interview_channel", channel=interviews)
    assert done.ephemeral and f"<#{interviews.id}>" in done.response.content
    await start(world)
    assert not world.channel.threads and len(interviews.threads) == 1
    assert world.current(interviews.threads[0]).embeds[0].title.startswith("Question 1 of ")


async def test_one_idle_timer_whatever_the_number_of_interviews(world, simcord_env):
    """Each start wakes the one timer task; none is recreated, none is left behind."""
    import asyncio

    def idle_tasks():
        return [t for t in asyncio.all_tasks() if t.get_name() == "interview-idle-sweep" and not t.done()]

    await simcord_env.advance_time(1)
    assert len(idle_tasks()) == 1
    before = idle_tasks()[0]
    for member in (world.candidate, world.other):
        await member.slash(world.channel, "interview start", script="second_round", role="Analyst",
                           company="Acme")
        await simcord_env.advance_time(1)
    assert idle_tasks() == [before]
    await simcord_env.advance_time(31 * 60)  # the timer slept towards the new interviews' pause
    assert {(await session_of(simcord_env, m.id)).status for m in (world.candidate, world.other)} == {"paused"}


async def test_history_pages_turn_after_a_restart(world, simcord_env, settings):
    from bot import create_bot

    for _ in range(6):
        await finish_one(world, simcord_env)
    history = await world.candidate.slash(world.channel, "interview history")
    first_page = history.response
    assert "Page 1 of 2 · 6 interviews" in first_page.embeds[0].footer.text
    await simcord_env.restart_bot(create_bot(settings))
    turned = await world.candidate.click(first_page, label="Next")
    page_two = turned.response.embeds[0] if turned.response and turned.response.embeds else None
    assert page_two is not None and "Page 2 of 2" in page_two.footer.text
    assert page_two.description.count("`#") == 1


async def test_a_crash_right_after_the_finish_loses_neither_the_report_nor_practice_again(
        world, simcord_env, settings, monkeypatch):
    """The process dies between committing the finished interview and doing what follows it
    (posting the report, planning "practice again"). After a restart both still happen, once."""
    from bot.services.interviews import InterviewService

    await world.candidate.slash(world.channel, "settings nudges", state="on")
    await start(world, script="second_round")
    thread = world.thread()

    async def killed(self, session, report):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(InterviewService, "_run_finished_hooks", killed)
    with_failure = simcord_env.bot
    try:
        await world.answer_all(thread, limit=40)
    except AssertionError:
        pass  # no report arrived: the crash came first
    assert not world.reports(thread)
    session = await session_of(simcord_env, world.candidate.id)
    assert session.status == "finished" and session.report is not None
    assert await with_failure.store.nudges.count_pending() == 0

    monkeypatch.undo()
    await simcord_env.restart_bot(create_bot(settings))
    bot = simcord_env.bot
    plans = await bot.store.nudges.plans_for_user(world.candidate.id, active_only=False)
    assert [p.kind for p in plans] == ["practice"]  # planned at start-up
    await simcord_env.restart_bot(create_bot(settings))
    assert len(await simcord_env.bot.store.nudges.plans_for_user(world.candidate.id, active_only=False)) == 1

    back = await world.candidate.slash(world.channel, "interview resume")
    texts = [m.content or "" for m in (back.response, *back.followups) if m is not None]
    assert any("did not reach you" in t for t in texts)
    assert any(m.attachments and m.attachments[0].filename == f"interview-{session.id}-transcript.md"
               for m in back.followups)
    again = await world.candidate.slash(world.channel, "interview history")
    assert not any("did not reach you" in (m.content or "") for m in again.followups)


async def test_menus_keep_working_after_a_restart_and_an_old_confirmation_says_it_expired(
        world, simcord_env, settings):
    await finish_one(world, simcord_env)
    ask = await world.candidate.slash(world.channel, "privacy delete")
    await simcord_env.restart_bot(create_bot(settings))
    kept = await world.candidate.click(ask.response, label="Cancel")
    assert "nothing was deleted" in kept.response.content

    stale = await world.candidate.slash(world.channel, "privacy delete")
    await simcord_env.advance_time(11 * 60)
    late = await world.candidate.click(stale.response, label="Delete everything")
    assert "expired" in late.response.content and late.response.components == []
    assert await session_of(simcord_env, world.candidate.id) is not None  # nothing deleted

    fresh = await world.candidate.slash(world.channel, "privacy delete")
    await simcord_env.restart_bot(create_bot(settings))
    done = await world.candidate.click(fresh.response, label="Delete everything")
    assert "I deleted" in done.response.content


async def test_the_time_zone_menu_answers_after_a_restart(world, simcord_env, settings):
    asked = await world.candidate.slash(world.channel, "followup add", company="Acme", role="Analyst",
                                        when="tomorrow 10:00")
    assert "which time zone" in asked.response.content
    await simcord_env.advance_time(3600)
    await simcord_env.restart_bot(create_bot(settings))
    chosen = await world.candidate.select(asked.response, ["Europe/Paris"])
    assert "Saved: **Europe/Paris**" in chosen.response.content
    user = await simcord_env.bot.store.users.get(world.candidate.id)
    assert user.time_zone == "Europe/Paris"


async def test_a_form_open_across_a_restart_or_past_the_idle_pause_still_lands(world, simcord_env, settings):
    await start(world)
    thread = world.thread()
    shown = await world.candidate.click(world.current(thread), label="Answer in a form")
    await simcord_env.restart_bot(create_bot(settings))
    await world.candidate.submit_modal(shown, {"answer": "Written before the restart, sent after it."})
    session = await session_of(simcord_env, world.candidate.id)
    answers = await simcord_env.bot.store.sessions.answers(session.id)
    assert [p.text for p in answers[0].parts] == ["Written before the restart, sent after it."]
    assert world.current(thread).embeds[0].title.startswith("Question 2")

    shown = await world.candidate.click(world.current(thread), label="Answer in a form")
    await simcord_env.advance_time(45 * 60)  # the interview pauses while the form is open
    assert (await session_of(simcord_env, world.candidate.id)).status == "paused"
    await world.candidate.submit_modal(shown, {"answer": "A long, careful answer."})
    session = await session_of(simcord_env, world.candidate.id)
    assert session.status == "active"
    answers = await simcord_env.bot.store.sessions.answers(session.id)
    assert [p.text for p in answers[1].parts] == ["A long, careful answer."]


async def test_a_refused_form_gives_the_answer_back(world, simcord_env):
    await start(world)
    thread = world.thread()
    question = world.current(thread)
    shown = await world.candidate.click(question, label="Answer in a form")
    await world.candidate.send(thread, "Typed instead.")
    await world.candidate.click(question, label="Done")  # moved past while the form was open
    result = await world.candidate.submit_modal(shown, {"answer": "My careful answer to question one."})
    assert result.ephemeral and "moved past" in result.response.content
    assert "My careful answer to question one." in result.response.content


async def test_report_during_an_unfinished_practice_shows_the_last_finished_one(world, simcord_env):
    first = await finish_one(world, simcord_env)
    practice = await world.candidate.slash(world.channel, "interview practice")
    assert "ready in" in (practice.followups or [practice.response])[-1].content
    shown = await world.candidate.slash(world.channel, "interview report")
    messages = [shown.response, *shown.followups]
    assert messages[-1].attachments[0].filename == f"interview-{first.id}-transcript.md"
    active = await session_of(simcord_env, world.candidate.id)
    refused = await world.candidate.slash(world.channel, "interview report", session=str(active.id))
    assert "still in progress" in refused.response.content and "0/100" not in refused.response.content


async def test_an_interview_channel_the_candidate_cannot_see_is_not_used_for_their_thread(world, simcord_env):
    hidden = world.guild.create_text_channel("staff-interviews", overwrites={
        world.guild.default_role: discord.PermissionOverwrite(view_channel=False),
        simcord_env.bot.user: discord.PermissionOverwrite(view_channel=True)})
    await simcord_env.bot.user_settings.set_interview_channel(world.guild.id, hidden.id)
    result = await start(world)
    assert not hidden.threads and len(world.channel.threads) == 1  # where they can see it
    assert "ready in" in (result.followups or [result.response])[-1].content


async def test_names_with_markdown_characters_show_as_typed_in_the_transcript_and_report(world, simcord_env):
    await start(world, company="Acme_Corp (UK)", role="Data_Analyst")
    thread = world.thread()
    await world.candidate.send(thread, "At Acme_Corp (UK) I led *the* data_migration.")
    await world.candidate.click(world.current(thread), label="Done")
    asked = await world.candidate.click(world.current(thread), label="End")
    await world.candidate.click(asked.response, label="End it")
    transcript = (await world.reports(thread)[-1].attachments[0].read()).decode()
    assert "Acme_Corp (UK)" in transcript and "At Acme_Corp (UK) I led *the* data_migration." in transcript
    assert "\\_" not in transcript and "\\(" not in transcript
    body = "\n".join(e.description or "" for m in world.reports(thread) for e in m.embeds)
    assert "Acme\\_Corp \\(UK\\)" in body and "\\\\" not in body  # escaped once for Discord, never twice
