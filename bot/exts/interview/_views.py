"""Persistent controls for an interview. Every button carries the session id and the asked it
belongs to in its custom_id, so it keeps working after a restart and a stale click is noticed."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.interview import MAX_PART_CHARS, AskedQuestion
from bot.errors import reply_with_error
from bot.exts._common import bot_of, reply

# action -> (label, style, emoji)
QUESTION_CONTROLS: dict[str, tuple[str, discord.ButtonStyle, str | None]] = {
    "done": ("Done", discord.ButtonStyle.success, "✅"),
    "form": ("Answer in a form", discord.ButtonStyle.primary, "📝"),
    "skip": ("Skip", discord.ButtonStyle.secondary, "⏭️"),
    "repeat": ("Repeat", discord.ButtonStyle.secondary, "🔁"),
    "pause": ("Pause", discord.ButtonStyle.secondary, "⏸️"),
    "end": ("End", discord.ButtonStyle.danger, "⏹️"),
}
OTHER_CONTROLS: dict[str, tuple[str, discord.ButtonStyle, str | None]] = {
    "resume": ("Resume", discord.ButtonStyle.success, "▶️"),
    "dm": ("Run it in my DMs", discord.ButtonStyle.primary, "✉️"),
    "thread": ("Use a private thread", discord.ButtonStyle.primary, "🧵"),
    "endnow": ("End it", discord.ButtonStyle.danger, None),
    "keep": ("Keep going", discord.ButtonStyle.secondary, None),
    "notes": ("Notes on each answer", discord.ButtonStyle.secondary, "📝"),
}
ALL_CONTROLS = {**QUESTION_CONTROLS, **OTHER_CONTROLS}
NO_QUESTION = "0.0"


class InterviewButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                      template=r"iv:(?P<action>[a-z]+):(?P<session>\d+):(?P<key>\d+\.\d+)"):
    def __init__(self, action: str, session_id: int, key: str = NO_QUESTION) -> None:
        label, style, emoji = ALL_CONTROLS[action]
        super().__init__(discord.ui.Button(label=label, style=style, emoji=emoji,
                                           custom_id=f"iv:{action}:{session_id}:{key}"))
        self.action, self.session_id, self.key = action, session_id, key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: re.Match[str]) -> InterviewButton:
        action = match["action"]
        if action not in ALL_CONTROLS:
            raise ValueError(f"unknown interview action {action!r}")
        return cls(action, int(match["session"]), match["key"])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        session = await bot_of(interaction).interviews.get(self.session_id)
        if session is None:
            await reply(interaction, "This interview no longer exists.")
            return False
        if session.user_id != interaction.user.id:
            await reply(interaction, "This is not your interview. Start your own with "
                                     "`/interview start`.")
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        # The handlers post views built here, so they are imported when a button is pressed.
        from bot.exts.interview._controls import handle_control

        try:
            await handle_control(interaction, self.action, self.session_id, self.key)
        except Exception as error:  # one place turns it into a message for the user
            await reply_with_error(interaction, error, where=f"interview button {self.action}")


def question_view(session_id: int, asked: AskedQuestion) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in QUESTION_CONTROLS:
        view.add_item(InterviewButton(action, session_id, asked.key))
    return view


def buttons(session_id: int, *actions: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(InterviewButton(action, session_id))
    return view


ANSWER_FORM = r"ivform:(?P<session>\d{1,20}):(?P<key>\d{1,4}\.\d{1,3})"


class AnswerModal(discord.ui.Modal):
    """Answer in a form: works even where the bot cannot read typed messages. Submissions are
    routed by custom_id (`ANSWER_FORM`, see `bot.exts._ui.send_form`), so a form left open
    across a restart still lands."""

    answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Your answer", custom_id="answer", style=discord.TextStyle.paragraph, max_length=MAX_PART_CHARS,
        placeholder="Type your full answer; it is saved when you submit.")

    def __init__(self, session_id: int, key: str, title: str) -> None:
        super().__init__(title=title[:45], custom_id=f"ivform:{session_id}:{key}", timeout=None)
