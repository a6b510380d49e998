"""Mentor and peer mock interviews between members, as they would use them: a request claimed,
a direct invitation, times agreed, reminders, the interviewer's panel (also after a restart),
the report, swapping roles, cancelling, a no-show, and a third member refused everywhere."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import discord
import pytest
from simcord.backend.errors import BackendError, SetupError

from bot import create_bot
from bot.core.mocks import MockError

ANSWER = ("At my last company our monthly reporting took 3 days. I was responsible for fixing it, so I "
          "rebuilt the pipeline in SQL and automated the checks. As a result it now takes 4 hours.")


@dataclass
class Club:
    env: Any
    guild: Any
    channel: Any
    candidate: Any  # sam
    mentor: Any  # olive, who has the mentor role
    third: Any  # eve, who is in neither
    admin: Any
    mods: Any  # the moderators' channel

    def thread(self):
        assert self.channel.threads, "no private thread was opened"
        return self.channel.threads[-1]

    def controls(self, channel=None) -> discord.Message:
        live = [m for m in (channel or self.thread()).history()
                if m.embeds and (m.embeds[0].title or "").startswith("Mock interview #") and m.components]
        assert live, "no control message"
        return live[-1]

    def thread_members(self, thread) -> set[int]:
        return set(self.env.backend.get_channel(thread.id).thread_members)

    @staticmethod
    def asked(thread) -> list[str]:
        return [m.embeds[0].description for m in thread.history()
                if m.embeds and (m.embeds[0].title or "").startswith(("Question", "Follow-up"))]

    async def mock(self, mock_id: int = 1):
        return await self.env.bot.store.mocks.get(mock_id)


@pytest.fixture
async def club(simcord_env) -> Club:
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("mock-interviews")
    mods = guild.create_text_channel("moderators")
    mentors = guild.create_role("Mentors")
    admin_role = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    candidate = guild.add_member(simcord_env.create_user("sam"))
    mentor = guild.add_member(simcord_env.create_user("olive"), roles=[mentors])
    third = guild.add_member(simcord_env.create_user("eve"))
    admin = guild.add_member(simcord_env.create_user("ada"), roles=[admin_role])
    await admin.slash(channel, "server-settings mentor_role", role=mentors)
    await admin.slash(channel, "server-settings moderator_channel", channel=mods)
    for member, zone in ((candidate, "Europe/London"), (mentor, "America/New_York")):
        await member.slash(channel, "settings timezone", zone=zone)
    return Club(simcord_env, guild, channel, candidate, mentor, third, admin, mods)


def shown(result) -> list:
    return [m for m in [result.response, *result.followups] if m is not None]


def said(result) -> str:
    """What the bot told the clicker (a refusal from a button is an ephemeral reply)."""
    return "\n".join(m.content for m in [result.response, *result.followups] if m is not None)


async def panel_of(result):
    shown = (result.followups or [result.response])[-1]
    assert shown.embeds and shown.embeds[0].title.startswith(("Question", "The session")), shown.embeds
    return shown


async def test_a_request_claimed_and_run_to_a_report(club, simcord_env):
    # On the server's own script, offered in /mock's autocomplete.
    from tests.integration.test_server_scripts import SCRIPT

    await club.admin.slash(club.channel, "scripts add", file=("careers.j2", SCRIPT.encode()))
    choices = await club.candidate.autocomplete(club.channel, "mock request", "script", "", stage="final")
    assert choices[0]["name"].startswith("🏫 Careers panel practice")
    posted = await club.candidate.slash(club.channel, "mock request", stage="final", role="Data Analyst",
                                        company="Acme", when="in 2 days", script=choices[0]["value"])
    assert "posted in" in posted.response.content
    [request] = [m for m in club.channel.history() if m.components]
    assert request.content.startswith("<@&") and "or any member" in request.content  # the mentors
    assert "<t:" in request.embeds[0].description  # shown in each reader's own zone

    # The candidate cannot claim their own request; the mentor can.
    refused = await club.candidate.click(request, label="Claim: I'll interview")
    assert "your own request" in said(refused)
    claimed = await club.mentor.click(request, label="Claim: I'll interview")
    assert "continue in" in claimed.followups[-1].content
    thread = club.thread()
    assert (await club.mock()).status == "confirmed" and (await club.mock()).thread_id == thread.id
    assert "spoken answers are **not recorded**" in thread.history()[0].embeds[0].description

    # Only the interviewer starts it; then the panel.
    refused = await club.candidate.click(club.controls(), label="Start the session")
    assert "Only the interviewer" in said(refused)
    started = await club.mentor.click(club.controls(), label="Start the session")
    panel = await panel_of(started)
    assert panel.ephemeral and "Question 1 of" in panel.embeds[0].title
    fields = {f.name: f.value for f in panel.embeds[0].fields}
    assert "What a strong answer shows" in fields and any(n.startswith("Rubric") for n in fields)
    assert club.asked(thread) == []  # the candidate sees only what is asked

    # Small talk before the first question is not an answer.
    await club.candidate.send(thread, "Hi! Ready when you are.")
    await club.mentor.click(panel, label="Ask")
    assert len(club.asked(thread)) == 1
    await club.candidate.send(thread, ANSWER)
    first_select = next(c for row in panel.message.components for c in row.children
                    if isinstance(c, discord.SelectMenu))
    await club.mentor.select(panel, ["4"], custom_id=first_select.custom_id)
    note = await club.mentor.click(panel, label="Note")
    await club.mentor.submit_modal(note, {"note": "Clear result; @everyone would like it"})
    await club.mentor.click(panel, label="Probe")
    assert len(club.asked(thread)) == 2  # the follow-up was put to the candidate
    await club.candidate.send(thread, "It saved the team about 20 hours a month.")
    await club.mentor.click(panel, label="Next")
    await club.candidate.send(thread, "Between questions: not an answer.")

    # The rest: ask, answer, next, until the report.
    for _ in range(60):
        if (await club.mock()).status == "finished":
            break
        await club.mentor.click(panel, label="Ask")
        await club.candidate.send(thread, ANSWER)
        await club.mentor.click(panel, label="Next")
    mock = await club.mock()
    assert mock.status == "finished"
    answers = await simcord_env.bot.store.sessions.answers(mock.session_id)
    texts = [p.text for a in answers for p in a.parts]
    assert "Hi! Ready when you are." not in texts and ANSWER in texts
    assert "Between questions: not an answer." not in texts
    assert any("20 hours a month" in t for t in texts)

    # The candidate's report: the interviewer's scores and notes beside the bot's analysis.
    ended = club.controls()
    report = await club.candidate.click(ended, label="Report")
    bodies = "\n".join(e.description or "" for m in shown(report) for e in m.embeds)
    assert "scores and notes" in bodies and "4/4" in bodies and "Clear result" in bodies
    assert "@everyone" not in bodies.replace("\\@everyone", "").replace("@\u200beveryone", "")
    assert any((m.embeds[0].title or "").startswith("Feedback report") for m in shown(report) if m.embeds)
    # ...and in their history like any interview.
    history = await club.candidate.slash(club.channel, "interview history")
    assert "Careers panel practice" in history.response.embeds[0].description

    # The interviewer sees only what they wrote; a third member nothing.
    theirs = await club.mentor.click(ended, label="Report")
    theirs_text = "\n".join(e.description or "" for m in shown(theirs) for e in m.embeds)
    assert "Your scores and notes" in theirs_text and "Clear result" in theirs_text
    assert not any((m.embeds[0].title or "").startswith("Feedback report") for m in shown(theirs) if m.embeds)
    with pytest.raises(SetupError):  # the thread is private: they cannot even see it
        await club.third.click(ended, label="Report")
    with pytest.raises(MockError, match="not yours"):  # and a forged click would be refused
        await simcord_env.bot.mocks.report(1, club.third.id)

    # Their marks and notes are in either member's /privacy export, and go with a delete.
    for member in (club.candidate, club.mentor):
        export = await member.slash(club.channel, "privacy export")
        data = json.loads(await (export.followups or [export.response])[-1].attachments[0].read())["data"]
        assert [row["score"] for row in data["mock_scores"]] == [4]
        assert [row["note"] for row in data["mock_notes"]] == ["Clear result; @everyone would like it"]
    assert (await simcord_env.bot.store.export_user(club.third.id))["mock_scores"] == []
    ask = await club.candidate.slash(club.channel, "privacy delete")
    done = await club.candidate.click(ask.response, label="Delete everything")
    assert "1 mock interview score" in done.response.content and "1 mock interview note" in done.response.content
    assert (await simcord_env.bot.store.export_user(club.mentor.id))["mock_notes"] == []


async def test_a_direct_pair_with_a_time_both_confirm_and_reminders_once(club, simcord_env):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 3 days")
    club.thread()
    mock = await club.mock()
    assert (mock.candidate_id, mock.interviewer_id, mock.status) == (club.candidate.id, club.mentor.id,
                                                                    "proposed")
    # The inviter proposed the time, so only the other confirms.
    refused = await club.candidate.click(club.controls(), label="Confirm this time")
    assert "confirmed this time already" in said(refused)
    await club.mentor.click(club.controls(), label="Confirm this time")
    mock = await club.mock()
    assert mock.status == "confirmed" and mock.agreed

    nudges = [n for n in await simcord_env.bot.store.nudges.pending_for_user(club.candidate.id)]
    assert len(nudges) == 2 and {n.kind for n in nudges} == {"mock_reminder"}
    await simcord_env.advance_time((mock.starts_at - simcord_env.now()).total_seconds() - 60)
    for member in (club.candidate, club.mentor):
        dms = [m for m in member.user.dm_channel.history() if m.embeds
               and "Mock interview" in (m.embeds[0].description or "")]
        assert len(dms) == 2, [m.embeds[0].description for m in dms]
    # A restart does not send them again.
    await simcord_env.restart_bot(create_bot(simcord_env.bot.settings))
    await simcord_env.advance_time(30)
    dms = [m for m in club.candidate.user.dm_channel.history() if m.embeds
           and "Mock interview" in (m.embeds[0].description or "")]
    assert len(dms) == 2


async def test_cancelling_stops_the_reminders(club, simcord_env):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 3 days")
    await club.mentor.click(club.controls(), label="Confirm this time")
    await club.mentor.click(club.controls(), label="Cancel")
    mock = await club.mock()
    assert mock.status == "cancelled" and mock.ended_by == club.mentor.id
    await simcord_env.advance_time(3 * 86400)
    for member in (club.candidate, club.mentor):
        channel = member.user.dm_channel
        assert channel is None or not any("Mock interview" in (m.embeds[0].description or "")
                                          for m in channel.history() if m.embeds)


async def test_a_no_show_is_recorded_for_both_to_see(club, simcord_env):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 1 day")
    await club.mentor.click(club.controls(), label="Confirm this time")
    refused = await club.candidate.click(club.controls(), label="They didn't come")
    assert "Give them a little time" in said(refused)
    mock = await club.mock()
    await simcord_env.advance_time((mock.starts_at - simcord_env.now()).total_seconds() + 11 * 60)
    await club.candidate.click(club.controls(), label="They didn't come")
    mock = await club.mock()
    assert mock.status == "no_show" and mock.no_show_id == club.mentor.id
    assert "did not come" in club.thread().history()[-1].embeds[0].description or any(
        "did not come" in (m.embeds[0].description or "") for m in club.thread().history() if m.embeds)


async def test_a_third_member_is_refused_everywhere(club, simcord_env):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 2 days")
    thread = club.thread()
    await club.mentor.click(club.controls(), label="Confirm this time")
    # Before it starts: the Propose-a-time (and Voice) buttons are not theirs either.
    confirmed = club.controls()
    time_label = next(c.label for row in confirmed.components for c in row.children
                      if getattr(c, "custom_id", "") == "mock:time:1")
    for label in (time_label, "Voice channel", "They didn't come", "Cancel"):
        with pytest.raises(SetupError):
            await club.third.click(confirmed, label=label)
    await club.mentor.click(club.controls(), label="Start the session")
    # Discord keeps them out of the private thread: they cannot see its messages or buttons...
    assert club.thread_members(thread) >= {club.candidate.id, club.mentor.id}
    assert club.third.id not in club.thread_members(thread)
    with pytest.raises(SetupError):
        thread.history(viewer=club.third)
    # The server's moderators (Manage Threads) can read it.
    moderator = club.guild.add_member(simcord_env.create_user("mo"), roles=[club.guild.create_role(
        "Moderators", permissions=discord.Permissions(manage_threads=True, view_channel=True,
                                                      read_message_history=True))])
    assert thread.history(viewer=moderator)
    for label in ("Interviewer panel", "End now", "Report to moderators", "Voice channel"):
        with pytest.raises(SetupError):
            await club.third.click(club.controls(), label=label)
    # ...and each thing the buttons do is refused to them by the service too.
    service = simcord_env.bot.mocks
    later = simcord_env.now() + timedelta(days=3)
    for attempt in (service.panel(1, club.third.id), service.end(1, club.third.id),
                    service.ask(1, club.third.id), service.score(1, club.third.id, "q", 0, 4),
                    service.cancel(1, club.third.id), service.confirm(1, club.third.id),
                    service.visible(1, club.third.id), service.swap_roles(1, club.third.id),
                    service.note(1, club.third.id, "q", "a note"),
                    service.next_question(1, club.third.id), service.follow_up(1, club.third.id),
                    service.propose(1, club.third.id, later), service.no_show(1, club.third.id),
                    service.voice_wanted(1, club.third.id)):
        with pytest.raises(MockError):
            await attempt
    assert await club.mock(2) is None  # no return match was booked for them
    # The candidate is refused the interviewer's panel.
    refused = await club.candidate.click(club.controls(), label="Interviewer panel")
    assert "for the interviewer only" in said(refused)
    assert (await club.mock()).status == "running"


async def test_the_panel_keeps_working_after_a_restart_and_either_can_end(club, simcord_env, settings):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, i_am="candidate",
                               when="in 2 days")
    await club.mentor.click(club.controls(), label="Confirm this time")
    panel = await panel_of(await club.mentor.click(club.controls(), label="Start the session"))
    await club.mentor.click(panel, label="Ask")
    await simcord_env.restart_bot(create_bot(settings))
    thread = club.thread()
    await club.candidate.send(thread, ANSWER)
    await club.mentor.click(panel, label="Next")
    await club.mentor.click(panel, label="Ask")
    assert len(club.asked(thread)) == 2
    # The candidate ends it at any moment; the report has what was typed.
    await club.candidate.click(club.controls(), label="End now")
    mock = await club.mock()
    assert mock.status == "finished" and mock.ended_by == club.candidate.id
    answers = await simcord_env.bot.store.sessions.answers(mock.session_id)
    assert ANSWER in [p.text for a in answers for p in a.parts]

    # Swap roles: the return match, with the roles the other way round.
    await club.mentor.click(club.controls(), label="Swap roles")
    swapped = await club.mock(2)
    assert (swapped.candidate_id, swapped.interviewer_id) == (club.mentor.id, club.candidate.id)
    assert swapped.swapped_from == 1 and swapped.thread_id == thread.id
    # Pressing it again (either of them) books nothing more.
    ended = next(m for m in reversed(thread.history()) if m.components and any(
        getattr(c, "label", None) == "Swap roles" for row in m.components for c in row.children))
    for member in (club.mentor, club.candidate):
        refused = await member.click(ended, label="Swap roles")
        assert "booked already" in said(refused)
    assert await club.mock(3) is None
    with pytest.raises(MockError, match="booked already"):
        await simcord_env.bot.mocks.swap_roles(1, club.mentor.id)


async def test_report_to_moderators(club, simcord_env):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 2 days")
    form = await club.candidate.click(club.controls(), label="Report to moderators")
    await club.candidate.submit_modal(form, {"what": "They were rude <@&1> @everyone"})
    [sent] = [m for m in club.mods.history() if m.embeds]
    assert "mock interview #1" in sent.embeds[0].title
    assert "@everyone" not in sent.embeds[0].description and "They were rude" in sent.embeds[0].description
    assert not sent.mentions and not sent.mention_everyone


async def test_a_voice_channel_for_the_two_deleted_when_empty(club, simcord_env):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 2 days")
    await club.mentor.click(club.controls(), label="Confirm this time")
    opened = await club.candidate.click(club.controls(), label="Voice channel")
    assert "not recorded" in said(opened)
    mock = await club.mock()
    voice = next(c for c in club.guild.channels.values() if c.id == mock.voice_channel_id)
    # Only the two may join it.
    with pytest.raises(BackendError, match="Missing Access"):  # nobody else may even see it
        await club.third.join_voice(voice)
    await club.candidate.join_voice(voice)
    await club.mentor.join_voice(voice)
    await club.candidate.leave_voice()
    assert any(c.id == voice.id for c in club.guild.channels.values())  # someone is still there
    await club.mentor.leave_voice()
    assert not any(c.id == voice.id for c in club.guild.channels.values())
    assert (await club.mock()).voice_channel_id is None


async def test_privacy_export_and_delete_include_mock_interviews(club, simcord_env):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 2 days")
    store = simcord_env.bot.store
    assert len((await store.export_user(club.mentor.id))["mock_interviews"]) == 1
    assert (await store.export_user(club.third.id))["mock_interviews"] == []
    await store.delete_user(club.mentor.id)
    assert await store.mocks.get(1) is None


async def test_a_claim_where_no_private_thread_can_open_withdraws_the_request(club, simcord_env):
    locked = club.guild.create_text_channel("locked", overwrites={
        simcord_env.bot.user: discord.PermissionOverwrite(create_private_threads=False)})
    await club.admin.slash(club.channel, "server-settings mock_channel", channel=locked)
    await club.candidate.slash(club.channel, "mock request", stage="second_round")
    [request] = [m for m in locked.history() if m.components]
    claimed = await club.mentor.click(request, label="Claim: I'll interview")
    assert "I need the Create Private Threads permission" in said(claimed)
    assert (await club.mock()).status == "cancelled" and not locked.threads
    assert "withdrawn" in locked.history()[-1].content


async def test_interview_end_by_the_candidate_ends_the_mock_too(club, simcord_env):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 2 days")
    await club.mentor.click(club.controls(), label="Confirm this time")
    panel = await panel_of(await club.mentor.click(club.controls(), label="Start the session"))
    await club.mentor.click(panel, label="Ask")
    await club.candidate.send(club.thread(), ANSWER)
    await club.candidate.slash(club.channel, "interview end")
    await club.mentor.click(panel, label="Next")
    mock = await club.mock()
    assert mock.status == "finished" and mock.ended_by == club.candidate.id
    assert panel.embeds[0].title == "The session has finished"


async def test_interview_resume_points_the_candidate_back_to_the_shared_thread(club, simcord_env):
    """A mock session is the candidate's open interview, but its interviewer drives it: resuming it
    as a bot-run interview would open a second place for it. It is refused, and nothing opens."""
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 2 days")
    await club.mentor.click(club.controls(), label="Confirm this time")
    panel = await panel_of(await club.mentor.click(club.controls(), label="Start the session"))
    await club.mentor.click(panel, label="Ask")
    threads_before = len(club.channel.threads)
    result = await club.candidate.slash(club.channel, "interview resume")
    assert "mentor or peer mock interview" in said(result)
    assert len(club.channel.threads) == threads_before
    await club.candidate.send(club.thread(), ANSWER)  # the session goes on where it runs
    assert any(r.emoji == "✅" for r in club.thread().history()[-1].reactions)


async def test_a_pair_where_no_private_thread_can_open_books_nothing(club, simcord_env):
    locked = club.guild.create_text_channel("locked", overwrites={
        simcord_env.bot.user: discord.PermissionOverwrite(create_private_threads=False)})
    result = await club.candidate.slash(locked, "mock pair", member=club.mentor, when="in 2 days")
    assert "Nothing was booked" in said(result) and "Create Private Threads" in said(result)
    assert await club.mock() is None and not locked.threads
    assert await simcord_env.bot.store.mocks.live_for(club.candidate.id) == []


async def test_a_request_that_cannot_be_posted_books_nothing(club, simcord_env):
    mute = club.guild.create_text_channel("mute", overwrites={
        simcord_env.bot.user: discord.PermissionOverwrite(send_messages=False)})
    await club.admin.slash(club.channel, "server-settings mock_channel", channel=mute)
    result = await club.candidate.slash(club.channel, "mock request", stage="second_round")
    assert "Nothing was booked" in said(result) and mute.mention in said(result)
    assert await club.mock() is None and not [m for m in mute.history() if m.components]
    assert await simcord_env.bot.store.mocks.live_for(club.candidate.id) == []


def voice_channel_ids(club) -> set[int]:
    """The server's channels (a mock interview's voice channel among them, while it exists)."""
    return {c.id for c in club.guild.channels.values()}


async def voice_opened(club):
    await club.candidate.slash(club.channel, "mock pair", member=club.mentor, when="in 2 days")
    await club.mentor.click(club.controls(), label="Confirm this time")
    await club.candidate.click(club.controls(), label="Voice channel")
    mock = await club.mock()
    assert mock.voice_channel_id in voice_channel_ids(club)
    return mock.voice_channel_id


@pytest.mark.parametrize("how", ["cancel", "no-show", "end"])
async def test_a_voice_channel_nobody_joined_is_deleted_when_the_mock_ends(club, simcord_env, how):
    voice = await voice_opened(club)
    if how == "cancel":
        await club.candidate.click(club.controls(), label="Cancel")
    elif how == "no-show":
        mock = await club.mock()
        await simcord_env.advance_time((mock.starts_at - simcord_env.now()).total_seconds() + 11 * 60)
        await club.candidate.click(club.controls(), label="They didn't come")
    else:
        await club.mentor.click(club.controls(), label="Start the session")
        await club.candidate.click(club.controls(), label="End now")
    mock = await club.mock()
    assert mock.status in ("cancelled", "no_show", "finished")
    assert voice not in voice_channel_ids(club) and mock.voice_channel_id is None


async def test_a_voice_channel_still_in_use_when_it_ends_goes_when_they_leave(club, simcord_env):
    voice_id = await voice_opened(club)
    voice = next(c for c in club.guild.channels.values() if c.id == voice_id)
    await club.mentor.join_voice(voice)
    await club.candidate.click(club.controls(), label="Cancel")
    assert voice_id in voice_channel_ids(club)  # someone is in it: not pulled from under them
    await club.mentor.leave_voice()
    assert voice_id not in voice_channel_ids(club)


async def test_a_voice_channel_emptied_while_the_bot_was_down_is_deleted_at_start_up(
        club, simcord_env, settings, monkeypatch):
    import sys

    voice_id = await voice_opened(club)
    voice = next(c for c in club.guild.channels.values() if c.id == voice_id)
    await club.mentor.join_voice(voice)
    cog_module = sys.modules["bot.exts.mock._cog"]

    async def missed(bot, channel):  # the leave event the bot was not there to see
        return False

    monkeypatch.setattr(cog_module, "close_voice_if_empty", missed)
    await club.mentor.leave_voice()
    monkeypatch.undo()
    assert voice_id in voice_channel_ids(club)
    await simcord_env.restart_bot(create_bot(settings))
    assert voice_id not in voice_channel_ids(club) and (await club.mock()).voice_channel_id is None
    # A voice channel in use is kept at start-up.
    await club.candidate.click(club.controls(), label="Voice channel")
    again = (await club.mock()).voice_channel_id
    await club.candidate.join_voice(next(c for c in club.guild.channels.values() if c.id == again))
    await simcord_env.restart_bot(create_bot(settings))
    assert again in voice_channel_ids(club)
