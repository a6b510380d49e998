"""`/settings ...`: a member's own preferences; `/server-settings ...`: the server's (Manage Server)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import InterviewCoach
from bot.core.timeparse import TimeParseError, suggest_zones
from bot.errors import UserFacingError
from bot.exts._common import reply
from bot.exts._notices import deliver_pending_notice


class SettingsCog(commands.Cog, name="Settings"):
    settings = app_commands.Group(name="settings", description="Your own preferences")
    # A top-level group of its own: Discord applies default permissions only to top-level
    # commands, so only here does it hide these from members who lack Manage Server (the
    # checks below still refuse them where a server grants the command anyway).
    server = app_commands.Group(name="server-settings", description="This server's settings (Manage Server only)",
                                guild_only=True,
                                default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    @server.command(name="interview_channel",
                    description="Where interview threads are opened (leave empty to reset)")
    @app_commands.describe(channel="A text channel; empty means the channel /interview start is used in")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def interview_channel(self, interaction: discord.Interaction,
                                channel: discord.TextChannel | None = None) -> None:
        assert interaction.guild_id is not None
        await self.bot.user_settings.set_interview_channel(interaction.guild_id,
                                                           channel.id if channel else None)
        if channel is None:
            await reply(interaction, "Interview threads will open in the channel where "
                                     "`/interview start` is used.")
        else:
            await reply(interaction, f"Interview threads will open in {channel.mention}. Make sure "
                                     "I can create private threads there.")

    @server.command(name="voice_answers", description="Whether candidates may answer by voice message here")
    @app_commands.describe(state="on: voice messages are transcribed as answers; off: they are refused")
    @app_commands.choices(state=[app_commands.Choice(name="on", value="on"),
                                 app_commands.Choice(name="off", value="off")])
    @app_commands.checks.has_permissions(manage_guild=True)
    async def voice_answers(self, interaction: discord.Interaction, state: app_commands.Choice[str]) -> None:
        assert interaction.guild_id is not None
        enabled = state.value == "on"
        await self.bot.voice.set_enabled(interaction.guild_id, enabled)
        if not enabled:
            text = ("Voice answers are **off** on this server: a voice message in an interview gets a reply "
                    "asking to type the answer.")
        elif self.bot.voice.available:
            text = ("Voice answers are **on**: a candidate's voice message in their interview is transcribed on "
                    "this machine and kept as text (the audio is not kept).")
        else:
            text = ("Voice answers are allowed here, but this bot runs without its `voice` extra, so voice "
                    "messages still get a reply asking to type. Its operator can install it.")
        await reply(interaction, text)

    # --- mentor and peer mock interviews (/mock): kept by bot.mocks -----------------------

    @server.command(name="mock_channel", description="Where /mock request posts requests (empty: "
                                                     "where it is used)")
    @app_commands.describe(channel="A text channel members can see")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def mock_channel(self, interaction: discord.Interaction,
                           channel: discord.TextChannel | None = None) -> None:
        assert interaction.guild_id is not None
        await self.bot.mocks.set_setting(interaction.guild_id, "request_channel_id",
                                         channel.id if channel else None)
        await reply(interaction, f"Mock interview requests will be posted in {channel.mention}."
                    if channel else "Mock interview requests will be posted where `/mock request` "
                                    "is used.")

    @server.command(name="mentor_role", description="The role of members who mentor (named on "
                                                    "each /mock request; empty: none)")
    @app_commands.describe(role="Mentors; any member can still claim a request")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def mentor_role(self, interaction: discord.Interaction,
                          role: discord.Role | None = None) -> None:
        assert interaction.guild_id is not None
        await self.bot.mocks.set_setting(interaction.guild_id, "mentor_role_id",
                                         role.id if role else None)
        await reply(interaction, f"Requests will call on {role.mention} (any member can still "
                                 "claim one)." if role else "Requests will name no mentor role.")

    @server.command(name="moderator_channel", description="Where \"report to moderators\" from "
                                                          "a mock interview goes")
    @app_commands.describe(channel="A channel only your moderators can see")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def moderator_channel(self, interaction: discord.Interaction,
                                channel: discord.TextChannel | None = None) -> None:
        assert interaction.guild_id is not None
        await self.bot.mocks.set_setting(interaction.guild_id, "moderator_channel_id",
                                         channel.id if channel else None)
        await reply(interaction, f"Reports from mock interviews will go to {channel.mention}."
                    if channel else "Reports from mock interviews will be refused until a "
                                    "moderator channel is set.")

    @settings.command(name="timezone", description="Your time zone, for reading the times you "
                                                   "type and timing your reminders")
    @app_commands.describe(zone="An IANA zone such as Europe/London or America/New_York "
                                "(abbreviations like EST or CET work too)")
    async def timezone(self, interaction: discord.Interaction,
                       zone: app_commands.Range[str, 1, 64]) -> None:
        try:
            change = await self.bot.user_settings.set_zone(interaction.user.id, zone)
        except TimeParseError as error:
            raise UserFacingError(f"{error} Nothing was changed.") from error
        info, local = change.zone, change.local_now
        lines = [f"Your time zone is now **{info.key}**." + (f" ({change.note})" if change.note else ""),
                 f"It is {local:%H:%M} on {local:%A} {local.day} {local:%B} there now."]
        moved = await self.bot.followups.replan_zone(interaction.user.id, info)
        if moved:
            lines.append(f"Reminders of {moved} upcoming interview{'s' if moved != 1 else ''} "
                         "now follow this zone's clock.")
        await reply(interaction, "\n".join(lines))
        await deliver_pending_notice(interaction)

    @timezone.autocomplete("zone")
    async def zone_autocomplete(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
        choices = []
        for suggestion in suggest_zones(current):
            if " -> " in suggestion:
                abbreviation, zone = suggestion.split(" -> ", 1)
                choices.append(app_commands.Choice(name=f"{abbreviation} → {zone}", value=zone))
            else:
                choices.append(app_commands.Choice(name=suggestion, value=suggestion))
        return choices[:25]

    @settings.command(name="nudges", description="Follow-up DMs around your interviews: on or off")
    @app_commands.describe(state="on: DM me the reminders of my plans; off: no DMs at all")
    @app_commands.choices(state=[app_commands.Choice(name="on", value="on"),
                                 app_commands.Choice(name="off", value="off")])
    async def nudges(self, interaction: discord.Interaction,
                     state: app_commands.Choice[str]) -> None:
        enabled = state.value == "on"
        await self.bot.user_settings.set_nudges(interaction.user.id, enabled)
        if enabled:
            text = ("Nudges are **on**: I'll DM you the reminders of your follow-up plans "
                    "(`/followup list` shows them).")
            self.bot.followups.nudges_turned_on()
        else:
            text = ("Nudges are **off**: I won't DM you at all. Your plans stay saved, and "
                    "reminders that fall due while nudges are off are skipped. Turn them back on "
                    "with `/settings nudges state:on`.")
        await reply(interaction, text)
        await deliver_pending_notice(interaction)

    @settings.command(name="weekly", description="A weekly progress summary by DM: on or off")
    @app_commands.describe(state="on: a summary every Sunday at 18:00 your time; off: none")
    @app_commands.choices(state=[app_commands.Choice(name="on", value="on"),
                                 app_commands.Choice(name="off", value="off")])
    async def weekly(self, interaction: discord.Interaction, state: app_commands.Choice[str]) -> None:
        if state.value == "on":
            nudge, nudges_off = await self.bot.followups.weekly_on(interaction.user.id)
            at = discord.utils.format_dt(nudge.due_at, "F")
            text = (f"Weekly summary **on**: every Sunday at 18:00 your time, the first "
                    f"{at} ({discord.utils.format_dt(nudge.due_at, 'R')}). It says how much you "
                    "practised, what improved, your weakest area, and one question to practise.")
            if nudges_off:
                text += ("\n\nYour nudges are **off**, so I won't DM it until you turn them on with "
                         "`/settings nudges state:on`.")
            elif await self.bot.user_settings.zone(interaction.user.id) is None:
                text += "\n\nSet `/settings timezone` so 18:00 is your 18:00 (it is UTC until then)."
        else:
            cancelled = await self.bot.followups.weekly_off(interaction.user.id)
            text = ("Weekly summary **off**." + (" The next one is cancelled." if cancelled else "")
                    + " Turn it back on any time with `/settings weekly state:on`.")
        await reply(interaction, text)
        await deliver_pending_notice(interaction)


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(SettingsCog(bot))
