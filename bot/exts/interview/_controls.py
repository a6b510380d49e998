"""What the interview's buttons and answer form do. Every handler gets the session id and the
question key from the control's custom_id, so it works the same after a restart."""

from __future__ import annotations

import io
import re

import discord

from bot.core.interview import InterviewError
from bot.core.text import escape_discord
from bot.exts._common import NO_MENTIONS, bot_of, embeds_for, place_name, reply
from bot.exts._ui import send_form
from bot.exts.interview._places import InterviewPlaces, answer_notes_text
from bot.exts.interview._views import AnswerModal, buttons


async def handle_control(interaction: discord.Interaction, action: str, session_id: int, key: str) -> None:
    bot = bot_of(interaction)
    interviews, places = bot.interviews, InterviewPlaces(bot)
    uid = interaction.user.id
    if action == "form":
        _, asked = await interviews.current(session_id, user_id=uid, expected=key)
        title = f"Follow-up to question {asked.number}" if asked.is_probe else f"Question {asked.number}"
        await send_form(interaction, AnswerModal(session_id, key, title))
        return
    if action in {"done", "skip"}:
        step = await (interviews.finish_answer(session_id, expected=key, user_id=uid) if action == "done"
                      else interviews.skip(session_id, expected=key, user_id=uid))
        await interaction.response.edit_message(view=None)
        await places.after_step(interaction.channel, step)
        return
    if action == "repeat":
        session, asked = await interviews.current(session_id, user_id=uid, expected=key)
        await interaction.response.edit_message(view=None)
        await places.post_question(interaction.channel, session, asked)
        return
    if action == "pause":
        session = await interviews.pause(session_id, user_id=uid)
        await interaction.response.edit_message(view=buttons(session.id, "resume"))
        await places.send(interaction.channel, "⏸️ Paused and saved. Press **Resume** or run "
                                               "`/interview resume` whenever you are ready.")
        return
    if action == "resume":
        step = await interviews.opening(session_id, user_id=uid)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = await places.resume_in_place(interaction, step.session)
        if channel is not None:
            await reply(interaction, f"Continuing in {place_name(channel)}.")
        return
    if action == "end":  # the button under a question: ask first, it cannot be undone
        session, asked = await interviews.current(session_id, user_id=uid, expected=key)
        await reply(interaction, f"End the interview now? You'll get a report on what you have answered; "
                                 f"question {asked.number} of {asked.total} and the rest stay unanswered.",
                    view=buttons(session.id, "endnow", "keep"))
        return
    if action == "keep":
        await interaction.response.edit_message(content="Carrying on: your question is still open above.",
                                                view=None)
        return
    if action == "endnow":
        await interaction.response.defer(ephemeral=True, thinking=True)
        before = await interviews.get(session_id)
        step = await interviews.end(session_id, user_id=uid)
        channel = await places.channel(step.session)
        await places.clear_buttons(channel, before.question_message_id if before else None)
        await places.send_report(channel or interaction, step)
        if channel is not None:
            await reply(interaction, f"Ended. Your report is in {place_name(channel)}.")
        return
    if action == "notes":  # the two or three notes that matter most, per answer, privately
        session, _, report = await interviews.report_of(session_id, user_id=uid)
        text = answer_notes_text(bot, interviews.title(session), report)
        pages = embeds_for(text)
        await interaction.response.send_message(embeds=pages[0], ephemeral=True, allowed_mentions=NO_MENTIONS)
        for embeds in pages[1:]:
            await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    if action in {"dm", "thread"}:
        step = await interviews.opening(session_id, user_id=uid)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = await places.open(interaction, step.session, action)
        if channel is not None:
            await places.post_intro(channel, step)
            await reply(interaction, f"Your interview is ready in {place_name(channel)}.")
        return
    raise ValueError(f"unknown interview control {action!r}")


async def answer_form_submitted(interaction: discord.Interaction, match: re.Match[str],
                                values: dict[str, str]) -> None:
    await submit_form(interaction, int(match["session"]), match["key"], values.get("answer", ""))


async def submit_form(interaction: discord.Interaction, session_id: int, key: str, text: str) -> None:
    """A whole answer typed in the form: stored, then the question is finished (as Done). A paused
    interview resumes, as it does for a typed answer. If the answer cannot be taken (the question
    was moved past, the interview ended), the text goes back to the candidate: nothing they
    wrote is thrown away."""
    bot = bot_of(interaction)
    interviews, places = bot.interviews, InterviewPlaces(bot)
    uid = interaction.user.id
    try:
        session = await interviews.get(session_id)
        if session is not None and session.user_id == uid and session.status == "paused":
            await interviews.resume(session_id, user_id=uid)
        session, _ = await interviews.current(session_id, user_id=uid, expected=key)
        await interviews.record_part(session_id, text, source="modal", source_id=f"modal:{interaction.id}",
                                     user_id=uid)
    except InterviewError as refusal:
        await give_back(interaction, str(refusal), text)
        return
    step = await interviews.finish_answer(session_id, expected=key, user_id=uid)
    echo = discord.Embed(description=escape_discord(text)[:4096], colour=discord.Colour.light_grey())
    echo.set_author(name=f"{interaction.user.display_name} answered (form)")
    await interaction.response.send_message(embed=echo, allowed_mentions=NO_MENTIONS)
    await places.clear_buttons(interaction.channel, session.question_message_id)
    await places.after_step(interaction.channel, step)


async def give_back(interaction: discord.Interaction, why: str, text: str) -> None:
    """Refuse a typed answer without losing it: the reason, and the text itself to copy."""
    body = f"{why} Here is what you wrote, so you can use it again:"
    if len(text) <= 1800:
        await reply(interaction, f"{body}\n```\n{text.replace('```', 'ʼʼʼ')}\n```")
    else:
        await reply(interaction, body, file=discord.File(io.BytesIO(text.encode("utf-8")),
                                                         filename="your-answer.txt"))
