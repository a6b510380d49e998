"""The `/mock` commands: ask for a mock interview (a mentor or any member claims it), or invite
someone directly."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import mocks
from bot.core.mocks import MockError
from bot.core.scripts import Script
from bot.core.stages import MOCK_STAGES, script_for_stage
from bot.core.text import shorten
from bot.core.timeparse import TimeParseError, parse_when
from bot.errors import UserFacingError
from bot.exts._common import NO_MENTIONS, reply
from bot.exts._time import user_zone
from bot.exts._ui import register_form, unregister_form
from bot.exts.mock._flows import (
    close_stored_voice,
    close_voice_if_empty,
    moderators_submitted,
    note_submitted,
    open_thread,
    time_submitted,
    title_of,
)
from bot.exts.mock._views import (
    MODERATORS_FORM,
    NOTE_FORM,
    TIME_FORM,
    MockButton,
    PanelButton,
    ScoreSelect,
    control_view,
    status_embed,
    user_error,
)
from bot.services.server_scripts import ScriptRefused

if TYPE_CHECKING:
    from datetime import datetime

    from bot.bot import InterviewCoach

log = logging.getLogger(__name__)
STAGES = [app_commands.Choice(name=label, value=key) for key, label in MOCK_STAGES.items()]
ROLES = [app_commands.Choice(name="I'm the candidate (interview me)", value=mocks.CANDIDATE),
         app_commands.Choice(name="I'm the interviewer", value=mocks.INTERVIEWER)]
FORMS = {"mock time": (TIME_FORM, time_submitted), "mock note": (NOTE_FORM, note_submitted),
         "mock moderators": (MODERATORS_FORM, moderators_submitted)}


def check_text(name: str, value: str | None, limit: int = 100) -> str:
    """One line of what the user typed, spaces tidied; refused when too long."""
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise UserFacingError(f"The {name} is {len(text)} characters; keep it under {limit}.")
    return text


class MockCog(commands.Cog, name="Mock"):
    group = app_commands.Group(name="mock", description="Mock interviews with a mentor or another "
                                                        "member", guild_only=True)

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot
        self.service = bot.mocks

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(MockButton, PanelButton, ScoreSelect)
        for name, (pattern, handler) in FORMS.items():
            register_form(name, pattern, handler)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(MockButton, PanelButton, ScoreSelect)
        for name in FORMS:
            unregister_form(name)

    @commands.Cog.listener()
    async def on_voice_state_update(self, member: discord.Member, before: discord.VoiceState,
                                    after: discord.VoiceState) -> None:
        """A mock interview's voice channel is deleted when its last member leaves."""
        left = before.channel
        if left is None or (after.channel is not None and after.channel.id == left.id):
            return
        await close_voice_if_empty(self.bot, left)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Voice channels emptied while the bot was down (their leave events were missed), or
        never joined, are deleted; so are those of mock interviews that ended."""
        for mock in await self.service.with_voice_channel():
            try:
                await close_stored_voice(self.bot, mock)
            except Exception:  # one channel must not stop the sweep
                log.warning("Could not tidy the voice channel of mock interview %s", mock.id,
                            exc_info=True)

    async def _script(self, interaction: discord.Interaction, script: str | None,
                      stage: str | None) -> Script:
        if script:
            try:
                return await self.bot.server_scripts.resolve(interaction.guild_id, script)
            except ScriptRefused as error:
                raise UserFacingError(str(error)) from None
        return self.bot.library.script(script_for_stage(stage or "final"))

    async def _when(self, interaction: discord.Interaction, when: str | None) -> tuple[bool, datetime | None]:
        """(go on, the time read in the user's zone). Without a zone, the user is asked for one
        and nothing is booked."""
        if not when:
            return True, None
        zone = await user_zone(interaction)
        if zone is None:
            return False, None
        try:
            return True, parse_when(when, zone, self.bot.clock.now()).when
        except TimeParseError as error:
            raise UserFacingError(f"{error} Nothing was booked.") from error

    @group.command(name="request", description="Ask for a mock interview: a mentor or any member "
                                               "can claim it")
    @app_commands.describe(stage="Which round to practise", role='The role, e.g. "Data Analyst"',
                           company="The company (optional)",
                           when='When, in your time zone: "tomorrow 6pm" (optional: agree later)',
                           script="A script (default: ours for the stage; this server's are marked)")
    @app_commands.choices(stage=STAGES)
    async def request(self, interaction: discord.Interaction, stage: app_commands.Choice[str],
                      role: str | None = None, company: str | None = None, when: str | None = None,
                      script: str | None = None) -> None:
        assert interaction.guild is not None
        role_text = check_text("role", role)
        company_text = check_text("company", company)
        chosen = await self._script(interaction, script, stage.value)
        go_on, starts_at = await self._when(interaction, when)
        if not go_on:
            return
        settings = await self.service.settings(interaction.guild.id)
        channel = (interaction.guild.get_channel(settings.request_channel_id)
                   if settings.request_channel_id else None) or interaction.channel
        if not isinstance(channel, discord.TextChannel):
            raise UserFacingError("Run this in a server text channel.")
        try:
            mock = await self.service.request(guild_id=interaction.guild.id, user_id=interaction.user.id,
                                              script=chosen, role=role_text, company=company_text,
                                              starts_at=starts_at)
        except MockError as error:
            raise user_error(error) from None
        mentors = interaction.guild.get_role(settings.mentor_role_id) if settings.mentor_role_id else None
        ask = (f"{mentors.mention}, or any member: " if mentors else "Any member: ")
        ask += (f"who will interview {interaction.user.mention}? Claiming agrees to the time shown."
                if starts_at else f"who will interview {interaction.user.mention}? You agree a time "
                                  "together once it is claimed.")
        try:
            message = await channel.send(
                ask, embed=status_embed(mock, title_of(self.bot, mock)), view=control_view(mock),
                allowed_mentions=discord.AllowedMentions(everyone=False, users=False,
                                                         roles=[mentors] if mentors else False))
        except discord.HTTPException:  # nobody could see or claim it: it is not kept
            await self.service.withdraw(mock.id)
            raise UserFacingError(f"I can't post your request in {channel.mention}: I need the Send "
                                  "Messages and Embed Links permissions there. Ask a server admin. "
                                  "Nothing was booked.") from None
        await self.service.placed(mock.id, request_channel_id=channel.id, request_message_id=message.id)
        await reply(interaction, f"Your request is posted in {channel.mention}. When someone claims "
                                 "it, you both get a private thread.")

    @group.command(name="pair", description="Invite a member to a mock interview")
    @app_commands.describe(member="Who", i_am="Which side you are on (default: the candidate)",
                           stage="Which round to practise", role='The role, e.g. "Data Analyst"',
                           company="The company (optional)",
                           when='When, in your time zone: "tomorrow 6pm" (optional: agree later)',
                           script="A script (default: ours for the stage; this server's are marked)")
    @app_commands.choices(stage=STAGES, i_am=ROLES)
    async def pair(self, interaction: discord.Interaction, member: discord.Member,
                   i_am: app_commands.Choice[str] | None = None,
                   stage: app_commands.Choice[str] | None = None, role: str | None = None,
                   company: str | None = None, when: str | None = None,
                   script: str | None = None) -> None:
        if member.bot:
            raise UserFacingError("Invite a person: bots can't interview.")
        role_text = check_text("role", role)
        company_text = check_text("company", company)
        chosen = await self._script(interaction, script, stage.value if stage else None)
        go_on, starts_at = await self._when(interaction, when)
        if not go_on:
            return
        try:
            mock = await self.service.pair(
                guild_id=interaction.guild_id or 0, user_id=interaction.user.id, other_id=member.id,
                user_is=i_am.value if i_am else mocks.CANDIDATE, script=chosen, role=role_text,
                company=company_text, starts_at=starts_at)
        except MockError as error:
            raise user_error(error) from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            thread = await open_thread(interaction, mock, interaction.channel)  # type: ignore[arg-type]
        except Exception:  # no thread: the invitation is not kept ("Nothing was booked")
            await self.service.withdraw(mock.id)
            raise
        await reply(interaction, f"Invitation sent to {member.mention} in {thread.mention}. "
                                 + ("They confirm the time there." if starts_at else
                                    "Propose a time there."), allowed_mentions=NO_MENTIONS)

    @request.autocomplete("script")
    @pair.autocomplete("script")
    async def script_autocomplete(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=shorten(c.name, 100), value=c.value)
                for c in await self.bot.server_scripts.choices(interaction.guild_id, current)]
