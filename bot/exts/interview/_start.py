"""Starting a mock interview or a practice run from Discord: the entry points the `/interview`
commands use, and the ones other features call (a follow-up nudge's "Practise" buttons)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.core.panel import PanelError, parse_panel
from bot.core.preparation import MAX_MINUTES, PreparationError, check_minutes
from bot.errors import UserFacingError
from bot.exts._common import bot_of, place_name, reply
from bot.exts._ui import as_user_error
from bot.exts.interview._places import InterviewPlaces
from bot.exts.interview._views import buttons
from bot.services.interviews import ActiveInterviewExists
from bot.services.server_scripts import ScriptRefused

MAX_FIELD = 100


def check_text(name: str, value: str | None, *, required: bool = True, limit: int = MAX_FIELD) -> str:
    """One line of what the user typed, spaces tidied; refused when empty (if required) or long."""
    text = " ".join((value or "").split())
    if required and not text:
        raise UserFacingError(f"Please give a {name}.")
    if len(text) > limit:
        raise UserFacingError(f"The {name} is {len(text)} characters; keep it under {limit}.")
    return text


def panel_from(interviewers: Sequence[str | None]) -> list[dict[str, str]]:
    """The panel typed in the command's interviewer options (each "Name, Title", or several
    separated by ";"), checked: refused with a friendly message, nothing started."""
    try:
        return parse_panel([text for text in interviewers if text])
    except PanelError as error:
        raise UserFacingError(str(error)) from None


async def start_mock_interview(interaction: discord.Interaction, *, script_id: str, role: str,
                               company: str, interviewer: str | None = None, where: str | None = None,
                               only_questions: list[str] | None = None,
                               values: list[str] | None = None, job: str | None = None,
                               materials: dict[str, Any] | None = None,
                               interviewers: Sequence[str | None] = (),
                               preparation: int | None = None) -> None:
    """Start an interview for the user who interacted, in a private thread here (in a server) or
    their DMs, and post its introduction and first question. `job` is the id of one of the user's
    job descriptions (typed or picked); `materials` the job and résumé of an earlier interview
    (a practice run); without either, the user's résumé is used when they keep one. `interviewer`
    and `interviewers` name the panel (up to four); `preparation` is a case exercise's preparation
    time in minutes."""
    bot = bot_of(interaction)
    role = check_text("role", role)
    company = check_text("company", company)
    panel = panel_from([interviewer, *interviewers])
    try:  # one of ours, or this server's own script at its latest version
        script_id = (await bot.server_scripts.resolve(interaction.guild_id, script_id)).id
    except ScriptRefused as error:
        raise UserFacingError(str(error)) from None
    try:  # inside the idle pause, so a quiet preparation is never paused
        minutes = check_minutes(preparation, limit=min(MAX_MINUTES, bot.settings.idle_pause_minutes - 1))
    except PreparationError as error:
        raise UserFacingError(str(error)) from None
    existing = await bot.interviews.open_session(interaction.user.id)
    if existing is not None:
        await reply(interaction, f"You already have an interview in progress ({bot.interviews.title(existing)}, "
                                 f"{existing.context.get('company', '')}). Resume it or end it first.",
                    view=buttons(existing.id, "resume", "endnow"))
        return
    if materials is None:
        with as_user_error():  # someone else's job, or a made-up id, is refused before anything starts
            materials = await bot.jobs.interview_materials(interaction.user.id, job)
    await interaction.response.defer(ephemeral=True, thinking=True)
    context: dict[str, Any] = {
        "candidate": interaction.user.display_name, "role": role, "company": company,
        "interviewers": panel, "preparation_minutes": minutes,
        "values": values or [], "only_questions": only_questions or [], **materials,
    }
    try:
        step = await bot.interviews.start(user_id=interaction.user.id, script_id=script_id,
                                          context=context, guild_id=interaction.guild_id)
    except ActiveInterviewExists as exc:  # a retried command racing the first one
        await reply(interaction, "You already have an interview in progress.",
                    view=buttons(exc.session.id, "resume", "endnow"))
        return
    bot.dispatch("interview_started", step.session)  # the idle timer may need to wake sooner
    places = InterviewPlaces(bot)
    place = "dm" if interaction.guild is None or where == "dm" else "thread"
    channel = await places.open(interaction, step.session, place)
    if channel is None:
        return
    await places.post_intro(channel, step)
    unused = ("" if preparation is None or bot.interviews.prepares(script_id) else
              "\nThe preparation time is for case exercises, so this interview does not use it.")
    await reply(interaction, f"Your interview is ready in {place_name(channel)}. Good luck!{unused}")


async def start_practice(interaction: discord.Interaction, *, session_id: int, question_id: str) -> None:
    """Retake one question of an earlier interview of the user's, as a short practice run."""
    setup = await bot_of(interaction).interviews.practice_setup(interaction.user.id, session_id, question_id)
    await start_mock_interview(
        interaction, script_id=setup.script_id, role=setup.role, company=setup.company,
        interviewer=setup.interviewer, where="dm" if setup.in_dms else None,
        only_questions=[setup.question_id], values=setup.values, materials=setup.materials)
