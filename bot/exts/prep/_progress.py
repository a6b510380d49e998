"""`/prep progress`: how ready you are for an upcoming real interview (one logged with
`/followup add`): the preparation steps done, and the next best step. The steps and their rules
are `bot.core.readiness`; the data comes from `bot.progress`."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord

from bot.core.followups import choice_name, parse_plan_id, parse_time, plan_title
from bot.core.models import FollowUpPlan
from bot.errors import UserFacingError
from bot.exts._common import COLOUR, bot_of
from bot.exts._ui import as_user_error

NO_INTERVIEW = ("You have no upcoming real interview logged. Log one with `/followup add` "
                "(company, role, when), then `/prep progress` shows how ready you are for it.")


def interview_choices(plans: list[FollowUpPlan], zone: ZoneInfo, typed: str) -> list[tuple[str, str]]:
    """(name, value) of the upcoming interviews whose name contains what was typed."""
    text = " ".join(typed.lower().split())
    choices = []
    for plan in plans:
        when = parse_time(plan.details["interview_at"]).astimezone(zone)
        name = choice_name(" ".join(plan_title(plan).split()), f"{when:%a %d %b %H:%M}", plan.id)
        if not text or text in name.lower():
            choices.append((name, str(plan.id)))
    return choices[:25]


async def readiness_embed(interaction: discord.Interaction, typed: str | None) -> discord.Embed:
    """The readiness of the interview picked (by default the soonest one ahead)."""
    bot = bot_of(interaction)
    plans = await bot.progress.upcoming_interviews(interaction.user.id)
    if not plans:
        raise UserFacingError(NO_INTERVIEW)
    if typed and typed.strip():
        with as_user_error():
            plan_id = parse_plan_id(typed)
        found = [p for p in plans if p.id == plan_id]
        if not found:
            raise UserFacingError("That is not one of your upcoming interviews. Pick one from the list "
                                  "as you type (`/followup list` shows your plans).")
        plan = found[0]
    else:
        plan = plans[0]
    ready = await bot.progress.readiness(interaction.user.id, plan)
    now = bot.clock.now()
    text = bot.library.render("prep/readiness.md.j2", readiness=ready, role=plan.details.get("role", ""),
                              days_left=ready.days_left(now))
    embed = discord.Embed(title="How ready are you?", description=text[:4096], colour=COLOUR)
    others = len(plans) - 1
    footer = f"Plan #{plan.id}"
    if others:
        footer += f" · {others} more upcoming interview{'s' if others != 1 else ''}: pick one with the interview option"
    embed.set_footer(text=footer)
    return embed
