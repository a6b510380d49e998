"""What the mock-interview buttons and forms do: each is a call to `bot.mocks` and a message
drawn from what it returns. The private thread is opened here (Discord's part of it)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.core import mocks
from bot.core.mocks import MockError, MockInterview
from bot.core.stages import MOCK_STAGES
from bot.core.text import Safe, escape_discord, shorten
from bot.core.timeparse import TimeParseError, parse_when
from bot.errors import UserFacingError
from bot.exts._common import NO_MENTIONS, bot_of, embeds_for, reply
from bot.exts.mock._views import (
    ModeratorsForm,
    NoteForm,
    TimeForm,
    control_view,
    panel_message,
    question_embed,
    show_form,
    status_embed,
    user_error,
    when_text,
)

if TYPE_CHECKING:
    from bot.bot import InterviewCoach
    from bot.services.interviews import Step

log = logging.getLogger(__name__)
THREAD_PERMISSIONS = ("create_private_threads", "send_messages_in_threads", "view_channel")


def title_of(bot: InterviewCoach, mock: MockInterview) -> str:
    return f"Mock interview #{mock.id} · {bot.mocks.script_title(mock)}"


async def thread_of(bot: InterviewCoach, mock: MockInterview) -> discord.abc.Messageable | None:
    if mock.thread_id is None:
        return None
    channel = bot.get_channel(mock.thread_id)
    if channel is None:
        try:
            channel = await bot.fetch_channel(mock.thread_id)
        except (discord.NotFound, discord.Forbidden):
            return None
    if isinstance(channel, discord.Thread) and channel.archived:
        try:
            await channel.edit(archived=False)
        except discord.HTTPException:
            return None
    return channel  # type: ignore[return-value]


async def display_name(guild: discord.Guild | None, user_id: int) -> str:
    """A member's name (from the cache, else one REST call: the bot runs without the members
    intent)."""
    if guild is None:
        return "there"
    member = guild.get_member(user_id)
    if member is None:
        try:
            member = await guild.fetch_member(user_id)
        except discord.HTTPException:
            return "there"
    return member.display_name


async def open_thread(interaction: discord.Interaction, mock: MockInterview,
                      parent: discord.abc.GuildChannel | None) -> discord.Thread:
    """A private thread for the two of them (moderators with Manage Threads see it too), with the
    introduction and the controls; or a clear refusal naming the missing permission."""
    bot = bot_of(interaction)
    if isinstance(parent, discord.Thread):
        parent = parent.parent
    guild = interaction.guild
    if not isinstance(parent, discord.TextChannel) or guild is None:
        raise UserFacingError("Run this in a server text channel: the mock interview gets a "
                              "private thread there.")
    perms = parent.permissions_for(guild.me)
    missing = [name for name in THREAD_PERMISSIONS if not getattr(perms, name)]
    if missing:
        raise UserFacingError(f"I can't open a private thread in {parent.mention}: I need the "
                              f"{', '.join(n.replace('_', ' ').title() for n in missing)} permission "
                              "there. Ask a server admin. Nothing was booked.")
    names = [await display_name(guild, user_id) for user_id in mock.participants]
    thread = await parent.create_thread(name=shorten(f"Mock · {' & '.join(names)}", 100),
                                        type=discord.ChannelType.private_thread, invitable=False,
                                        auto_archive_duration=1440)
    for user_id in mock.participants:
        await thread.add_user(discord.Object(user_id))
    await bot.mocks.placed(mock.id, thread_id=thread.id)
    mock = await bot.mocks.get(mock.id)
    intro = bot.library.render(
        "messages/mock_intro.md.j2", candidate=Safe(f"<@{mock.candidate_id}>"),
        interviewer=Safe(f"<@{mock.interviewer_id}>"), script_title=bot.mocks.script_title(mock),
        stage_label=MOCK_STAGES.get(mock.stage, mock.stage), when=mock.starts_at,
        company=mock.company)
    for embeds in embeds_for(intro, title=title_of(bot, mock)):
        await thread.send(embeds=embeds, allowed_mentions=NO_MENTIONS)
    await post_controls(bot, thread, mock, pings=True)
    return thread


async def post_controls(bot: InterviewCoach, channel: discord.abc.Messageable, mock: MockInterview,
                        *, note: str = "", pings: bool = False) -> None:
    """The thread's control message for where the mock interview stands now. With `pings`, the
    two participants (only them) are mentioned so the thread shows up for them."""
    content = " ".join(f"<@{u}>" for u in mock.participants) if pings else None
    if note:
        content = f"{content or ''} {note}".strip()
    mentions = (discord.AllowedMentions(everyone=False, roles=False,
                                        users=[discord.Object(u) for u in mock.participants])
                if pings else NO_MENTIONS)
    await channel.send(content, embed=status_embed(mock, title_of(bot, mock)),
                       view=control_view(mock), allowed_mentions=mentions)


async def refresh(interaction: discord.Interaction, mock: MockInterview) -> None:
    """Redraw the clicked control message for the new state."""
    bot = bot_of(interaction)
    await interaction.response.edit_message(embed=status_embed(mock, title_of(bot, mock)),
                                            view=control_view(mock), allowed_mentions=NO_MENTIONS)


# --------------------------------------------------------------------------- the buttons

async def handle_control(interaction: discord.Interaction, action: str, mock_id: int) -> None:
    bot = bot_of(interaction)
    service = bot.mocks
    user_id = interaction.user.id
    try:
        if action == "claim":
            await claim(interaction, mock_id)
        elif action in ("confirm", "cancel", "noshow"):
            call = {"confirm": service.confirm, "cancel": service.cancel,
                    "noshow": service.no_show}[action]
            mock = await call(mock_id, user_id)
            await refresh(interaction, mock)
            await close_voice_if_ended(bot, mock)
            if action == "confirm" and mock.status == mocks.CONFIRMED:
                await reply(interaction, f"Agreed: {when_text(mock.starts_at)}. You both get a "
                                         "reminder the day before and 15 minutes before.")
        elif action == "time":
            await service.visible(mock_id, user_id)
            await show_form(interaction, TimeForm(mock_id))
        elif action == "start":
            name = await display_name(interaction.guild, (await service.get(mock_id)).candidate_id)
            mock = await service.start_session(mock_id, user_id, candidate_name=name,
                                               interviewer_name=interaction.user.display_name)
            await refresh(interaction, mock)
            await send_panel(interaction, mock_id)
        elif action == "panel":
            await send_panel(interaction, mock_id)
        elif action == "end":
            mock, step = await service.end(mock_id, user_id)
            await refresh(interaction, mock)
            await close_voice_if_ended(bot, mock)
            if mock.status == mocks.FINISHED:
                await session_ended(bot, mock, step)
        elif action == "report":
            await show_report(interaction, mock_id)
        elif action == "swap":
            mock = await service.swap_roles(mock_id, user_id)
            if interaction.channel is not None:
                await service.placed(mock.id, thread_id=interaction.channel.id)
            await reply(interaction, "Return match booked: propose a time below.", ephemeral=True)
            await post_controls(bot, interaction.channel, await service.get(mock.id),  # type: ignore[arg-type]
                                note="Roles swapped for the return match.")
        elif action == "voice":
            await open_voice(interaction, mock_id)
        elif action == "moderators":
            await service.visible(mock_id, user_id)
            await show_form(interaction, ModeratorsForm(mock_id))
    except MockError as error:
        raise user_error(error) from None


async def open_voice(interaction: discord.Interaction, mock_id: int) -> None:
    """A voice channel only the two of them can join (and see), deleted once it is empty.
    Nothing said there is recorded."""
    bot = bot_of(interaction)
    mock = await bot.mocks.voice_wanted(mock_id, interaction.user.id)
    guild = interaction.guild
    if guild is None:
        raise UserFacingError("Voice channels are for mock interviews in a server.")
    existing = guild.get_channel(mock.voice_channel_id) if mock.voice_channel_id else None
    if existing is not None:
        await reply(interaction, f"Your voice channel is {existing.mention}. Spoken answers are not "
                                 "recorded; type an answer in the thread for it to count.")
        return
    if not guild.me.guild_permissions.manage_channels:
        raise UserFacingError("I need the Manage Channels permission to open a voice channel; ask a "
                              "server admin. You can still run the session here in the thread.")
    parent = interaction.channel.parent if isinstance(interaction.channel, discord.Thread) else None
    allowed = discord.PermissionOverwrite(view_channel=True, connect=True, speak=True)
    overwrites: dict[discord.abc.Snowflake, discord.PermissionOverwrite] = {
        guild.default_role: discord.PermissionOverwrite(view_channel=False, connect=False),
        guild.me: discord.PermissionOverwrite(view_channel=True, connect=True, manage_channels=True),
        **{discord.Object(user_id): allowed for user_id in mock.participants}}
    channel = await guild.create_voice_channel(
        shorten(f"Mock interview #{mock.id}", 100), overwrites=overwrites,  # type: ignore[arg-type]
        category=getattr(parent, "category", None), reason="A mentor or peer mock interview")
    await bot.mocks.voice_opened(mock.id, channel.id)
    await reply(interaction, f"Voice channel ready: {channel.mention}, for the two of you only. Spoken "
                             "answers are **not recorded**: type an answer in the thread for it to "
                             "count in the report. The channel is deleted once it is empty.")


async def close_voice_if_empty(bot: InterviewCoach, channel: discord.abc.GuildChannel) -> bool:
    """Delete a mock interview's voice channel nobody is in any more."""
    mock = await bot.mocks.by_voice_channel(channel.id)
    # voice_states, not only members: without the members intent, those in a channel when the
    # bot (re)connects are in its voice states but not in its member cache.
    if mock is None or getattr(channel, "voice_states", None) or getattr(channel, "members", None):
        return False
    try:
        await channel.delete(reason="The mock interview's voice channel is empty")
    except discord.NotFound:
        pass
    except discord.HTTPException:
        log.warning("Could not delete the empty voice channel %s", channel.id, exc_info=True)
        return False
    await bot.mocks.voice_opened(mock.id, None)
    return True


async def close_stored_voice(bot: InterviewCoach, mock: MockInterview) -> None:
    """The mock interview's voice channel, deleted if nobody is in it (when it ends, is
    cancelled or gets a no-show, and at start-up); forgotten if it is gone already. One with
    people in it is deleted when the last of them leaves."""
    if mock.voice_channel_id is None:
        return
    guild = bot.get_guild(mock.guild_id)
    if guild is None:  # not this bot's server (another shard's), or it left the server
        return
    channel = guild.get_channel(mock.voice_channel_id)
    if channel is None:  # deleted by hand meanwhile
        await bot.mocks.voice_opened(mock.id, None)
        return
    await close_voice_if_empty(bot, channel)


async def close_voice_if_ended(bot: InterviewCoach, mock: MockInterview) -> None:
    if mock.status in mocks.ENDED:
        await close_stored_voice(bot, mock)


async def claim(interaction: discord.Interaction, mock_id: int) -> None:
    bot = bot_of(interaction)
    mock = await bot.mocks.claim(mock_id, interaction.user.id)
    await interaction.response.edit_message(
        content=f"Claimed by {interaction.user.mention}.",
        embed=status_embed(mock, title_of(bot, mock)), view=None, allowed_mentions=NO_MENTIONS)
    try:
        thread = await open_thread(interaction, mock, interaction.channel)  # type: ignore[arg-type]
    except UserFacingError:  # no thread for them: the request is withdrawn, and says why
        cancelled = await bot.mocks.cancel(mock_id, interaction.user.id)
        await interaction.edit_original_response(
            content="I could not open a private thread here, so this request was withdrawn; ask "
                    "again once a server admin has fixed my permissions.",
            embed=status_embed(cancelled, title_of(bot, cancelled)), view=None,
            allowed_mentions=NO_MENTIONS)
        raise
    await reply(interaction, f"You're interviewing <@{mock.candidate_id}>: continue in {thread.mention}.")


async def send_panel(interaction: discord.Interaction, mock_id: int) -> None:
    bot = bot_of(interaction)
    try:
        panel = await bot.mocks.panel(mock_id, interaction.user.id)
    except MockError as error:
        raise user_error(error) from None
    await close_voice_if_ended(bot, panel.mock)
    embed, view = panel_message(panel)
    kwargs = {"view": view} if view is not None else {}
    await reply(interaction, embed=embed, **kwargs)


async def session_ended(bot: InterviewCoach, mock: MockInterview, step: Step | None) -> None:
    """The thread is told, with the report and swap buttons (the candidate's report is theirs);
    an empty voice channel is deleted."""
    await close_voice_if_ended(bot, mock)
    channel = await thread_of(bot, mock)
    if channel is None:
        return
    early = step is not None and not (step.transition.report or {}).get("complete", True)
    text = bot.library.render("messages/mock_ended.md.j2", candidate=Safe(f"<@{mock.candidate_id}>"),
                              interviewer=Safe(f"<@{mock.interviewer_id}>"), ended_early=early)
    for embeds in embeds_for(text, title=title_of(bot, mock)):
        await channel.send(embeds=embeds, view=control_view(mock), allowed_mentions=NO_MENTIONS)


async def show_report(interaction: discord.Interaction, mock_id: int) -> None:
    """The candidate: the interviewer's scores and notes, then the bot's report on the typed
    answers (and transcript). The interviewer: only their own scores and notes."""
    from bot.exts.interview import send_interview_report

    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    report = await bot.mocks.report(mock_id, interaction.user.id)
    for embeds in embeds_for(report.text, title=f"Scores and notes · {bot.mocks.script_title(report.mock)}"):
        await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS)
    if report.viewer_role == mocks.CANDIDATE and report.mock.session_id is not None:
        await send_interview_report(interaction, report.mock.session_id)


# --------------------------------------------------------------------------- the panel

async def handle_panel(interaction: discord.Interaction, action: str, mock_id: int, key: str) -> None:
    bot = bot_of(interaction)
    service = bot.mocks
    user_id = interaction.user.id
    try:
        panel = await service.panel(mock_id, user_id)
        await close_voice_if_ended(bot, panel.mock)  # ended from elsewhere (`/interview end`)
        if panel.question is None or panel.question.key != key:
            embed, view = panel_message(panel)
            await interaction.response.edit_message(embed=embed, view=view)
            await reply(interaction, "That panel was out of date (the session moved on); this is "
                                     "where it stands now.")
            return
        thread = await thread_of(bot, panel.mock)
        if action == "ask":
            mock, asked = await service.ask(mock_id, user_id)
            if thread is None:
                raise UserFacingError("I can't reach the session's thread any more.")
            await thread.send(embed=question_embed(asked), allowed_mentions=NO_MENTIONS)
        elif action == "probe":
            mock, step = await service.follow_up(mock_id, user_id)
            if step.question is not None and step.question.is_probe and thread is not None:
                await thread.send(embed=question_embed(step.question), allowed_mentions=NO_MENTIONS)
            elif step.finished:
                await session_ended(bot, mock, step)
            else:
                await reply(interaction, "No follow-ups were left for that question, so it moved "
                                         "on: the next question waits on your panel.")
        elif action == "next":
            mock, step = await service.next_question(mock_id, user_id)
            if step.finished:
                await session_ended(bot, mock, step)
        elif action == "note":
            await show_form(interaction, NoteForm(mock_id, panel.question.question_id, panel.note))
            return
        embed, view = panel_message(await service.panel(mock_id, user_id))
        if interaction.response.is_done():
            await interaction.edit_original_response(embed=embed, view=view)
        else:
            await interaction.response.edit_message(embed=embed, view=view)
    except MockError as error:
        raise user_error(error) from None


# --------------------------------------------------------------------------- the forms

async def time_submitted(interaction: discord.Interaction, match: re.Match[str],
                         values: dict[str, str]) -> None:
    bot = bot_of(interaction)
    mock_id = int(match["mock"])
    zone = await bot.user_settings.zone(interaction.user.id)
    if zone is None:
        raise UserFacingError("First set your time zone with `/settings timezone` (so the time you "
                              "type is read in your zone), then propose it again. Nothing changed.")
    try:
        when = parse_when(values.get("when", ""), zone, bot.clock.now()).when
    except TimeParseError as error:
        raise UserFacingError(f"{error} Nothing changed.") from error
    try:
        mock = await bot.mocks.propose(mock_id, interaction.user.id, when)
    except MockError as error:
        raise user_error(error) from None
    await reply(interaction, f"Proposed {when_text(when)}; <@{mock.other(interaction.user.id)}> "
                             "confirms it in the thread.")
    channel = await thread_of(bot, mock) or interaction.channel
    if channel is not None:
        await post_controls(bot, channel, mock,  # type: ignore[arg-type]
                            note=f"<@{interaction.user.id}> proposed {when_text(when)}.")


async def note_submitted(interaction: discord.Interaction, match: re.Match[str],
                         values: dict[str, str]) -> None:
    bot = bot_of(interaction)
    try:
        note = await bot.mocks.note(int(match["mock"]), interaction.user.id, match["question"],
                                    values.get("note", ""))
    except MockError as error:
        raise user_error(error) from None
    await reply(interaction, f"Note saved: {escape_discord(shorten(note, 300)) or '(empty)'}")


async def moderators_submitted(interaction: discord.Interaction, match: re.Match[str],
                               values: dict[str, str]) -> None:
    """A participant reports a problem: the moderators' channel gets who, where and what (the
    text escaped, nobody pinged)."""
    bot = bot_of(interaction)
    try:
        mock = await bot.mocks.visible(int(match["mock"]), interaction.user.id)
    except MockError as error:
        raise user_error(error) from None
    settings = await bot.mocks.settings(mock.guild_id)
    channel = bot.get_channel(settings.moderator_channel_id) if settings.moderator_channel_id else None
    if channel is None or not hasattr(channel, "send"):
        raise UserFacingError("This server has not set a channel for moderators (an admin can, with "
                              "`/server-settings moderator_channel`). You can end the session at any "
                              "moment with End now, and contact a moderator directly.")
    what = escape_discord(shorten(values.get("what", "").strip(), 1000)) or "(no details given)"
    embed = discord.Embed(title=f"Report from mock interview #{mock.id}", colour=discord.Colour.red(),
                          description=f"**From:** <@{interaction.user.id}>\n**Participants:** "
                                      f"<@{mock.candidate_id}> (candidate), "
                                      f"{f'<@{mock.interviewer_id}>' if mock.interviewer_id else 'nobody'} "
                                      f"(interviewer)\n**Thread:** "
                                      f"{f'<#{mock.thread_id}>' if mock.thread_id else 'none'}\n\n{what}")
    await channel.send(embed=embed, allowed_mentions=NO_MENTIONS)  # type: ignore[union-attr]
    await reply(interaction, "Sent to the moderators. If you want to stop, End now ends the session "
                             "at once.")
