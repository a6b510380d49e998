"""The persistent controls of a mentor or peer mock interview.

Every control carries the mock interview's id (and, on the interviewer's panel, the question it
was drawn for) in its custom_id, and the state lives in the database, so a button pressed after a
restart still works and a stale panel is noticed. Who may press what is decided by `bot.mocks`
(`bot.core.mocks`): anyone else is told it is not theirs, and nothing changes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.core import mocks
from bot.core.mocks import MockError, MockInterview
from bot.core.stages import MOCK_STAGES
from bot.core.text import discord_timestamp, escape_discord, shorten
from bot.errors import UserFacingError
from bot.exts._common import NO_MENTIONS, bot_of, embeds_for, reply
from bot.exts._ui import guarded, send_form, text_input

if TYPE_CHECKING:
    from bot.services.mocks import Panel

# action -> (label, style)
CONTROLS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "claim": ("Claim: I'll interview", discord.ButtonStyle.success),
    "confirm": ("Confirm this time", discord.ButtonStyle.success),
    "time": ("Propose a time", discord.ButtonStyle.primary),
    "start": ("Start the session", discord.ButtonStyle.success),
    "panel": ("Interviewer panel", discord.ButtonStyle.primary),
    "noshow": ("They didn't come", discord.ButtonStyle.secondary),
    "cancel": ("Cancel", discord.ButtonStyle.danger),
    "end": ("End now", discord.ButtonStyle.danger),
    "report": ("Report", discord.ButtonStyle.primary),
    "swap": ("Swap roles", discord.ButtonStyle.secondary),
    "voice": ("Voice channel", discord.ButtonStyle.secondary),
    "moderators": ("Report to moderators", discord.ButtonStyle.secondary),
}
PANEL_ACTIONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "ask": ("Ask", discord.ButtonStyle.success),
    "probe": ("Probe", discord.ButtonStyle.primary),
    "next": ("Next", discord.ButtonStyle.secondary),
    "note": ("Note", discord.ButtonStyle.secondary),
    "refresh": ("Refresh", discord.ButtonStyle.secondary),
}
FIELD = 700  # each field of the panel
TIME_FORM = r"mocktime:(?P<mock>\d{1,20})"
NOTE_FORM = r"mocknote:(?P<mock>\d{1,20}):(?P<question>[a-z][a-z0-9_]{0,48})"
MODERATORS_FORM = r"mockmod:(?P<mock>\d{1,20})"


def user_error(error: MockError) -> UserFacingError:
    return UserFacingError(str(error))


def mention(user_id: int | None) -> str:
    return f"<@{user_id}>" if user_id else "someone"


def when_text(when: Any) -> str:
    return f"{discord_timestamp(when, 'F')} ({discord_timestamp(when, 'R')})"


def status_embed(mock: MockInterview, title: str) -> discord.Embed:
    """Where a mock interview stands, for both (times in each reader's own zone)."""
    lines = [f"**Candidate:** {mention(mock.candidate_id)} · **Interviewer:** "
             f"{mention(mock.interviewer_id) if mock.interviewer_id else 'not claimed yet'}",
             f"**Stage:** {MOCK_STAGES.get(mock.stage, mock.stage)}"
             + (f" · **Role:** {escape_discord(mock.role)}" if mock.role else "")
             + (f" · **Company:** {escape_discord(mock.company)}" if mock.company else "")]
    if mock.starts_at is not None:
        agreed = [who for who, ok in (("candidate", mock.candidate_ok),
                                      ("interviewer", mock.interviewer_ok)) if ok]
        lines.append(f"**Time:** {when_text(mock.starts_at)}"
                     + ("" if mock.agreed else f" · confirmed by: {', '.join(agreed) or 'nobody yet'}"))
    else:
        lines.append("**Time:** not proposed yet")
    lines.append(f"**Status:** {mocks.STATUS_LABELS[mock.status]}")
    if mock.status == mocks.NO_SHOW:
        lines.append(f"Recorded: {mention(mock.no_show_id)} did not come (recorded by "
                     f"{mention(mock.ended_by)}). Nothing else happens; book another time when you can.")
    if mock.status == mocks.CANCELLED:
        lines.append(f"Cancelled by {mention(mock.ended_by)}. Reminders will not be sent.")
    return discord.Embed(title=shorten(title, 256), description="\n".join(lines),
                         colour=discord.Colour.teal())


def controls_for(mock: MockInterview) -> list[str]:
    return {
        mocks.OPEN: ["claim", "cancel"],
        mocks.PROPOSED: ["confirm", "time", "cancel", "moderators"],
        mocks.CONFIRMED: ["start", "time", "noshow", "cancel", "voice", "moderators"],
        mocks.RUNNING: ["panel", "end", "voice", "moderators"],
        mocks.FINISHED: ["report", "swap", "moderators"],
        mocks.CANCELLED: ["moderators"],
        mocks.NO_SHOW: ["moderators"],
    }[mock.status]


def control_view(mock: MockInterview, actions: list[str] | None = None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in actions if actions is not None else controls_for(mock):
        if action == "time" and mock.status == mocks.PROPOSED and mock.starts_at is not None:
            view.add_item(MockButton(action, mock.id, label="Propose another time"))
        else:
            view.add_item(MockButton(action, mock.id))
    return view


class MockButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                 template=r"mock:(?P<action>[a-z]{1,12}):(?P<mock>\d{1,20})"):
    """`mock:<action>:<mock id>` on the request and the thread's messages."""

    def __init__(self, action: str, mock_id: int, *, label: str | None = None) -> None:
        default, style = CONTROLS[action]
        super().__init__(discord.ui.Button(label=label or default, style=style,
                                           custom_id=f"mock:{action}:{mock_id}"))
        self.action, self.mock_id = action, mock_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> MockButton:
        if match["action"] not in CONTROLS:
            raise ValueError(f"unknown mock action {match['action']!r}")
        return cls(match["action"], int(match["mock"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.exts.mock._flows import handle_control  # the flows post views built here

        await guarded(interaction, f"mock {self.action}",
                      lambda: handle_control(interaction, self.action, self.mock_id))


# --------------------------------------------------------------------------- the panel

class PanelButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                  template=r"mockp:(?P<action>[a-z]{1,8}):(?P<mock>\d{1,20}):(?P<key>\d{1,4}\.\d{1,2})"):
    """The interviewer's panel: `mockp:<action>:<mock id>:<question key it was drawn for>`."""

    def __init__(self, action: str, mock_id: int, key: str, *, label: str | None = None,
                 disabled: bool = False) -> None:
        default, style = PANEL_ACTIONS[action]
        super().__init__(discord.ui.Button(label=label or default, style=style, disabled=disabled,
                                           custom_id=f"mockp:{action}:{mock_id}:{key}", row=0))
        self.action, self.mock_id, self.key = action, mock_id, key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> PanelButton:
        if match["action"] not in PANEL_ACTIONS:
            raise ValueError(f"unknown panel action {match['action']!r}")
        return cls(match["action"], int(match["mock"]), match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.exts.mock._flows import handle_panel

        await guarded(interaction, f"mock panel {self.action}",
                      lambda: handle_panel(interaction, self.action, self.mock_id, self.key))


class ScoreSelect(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                  template=r"mocks:(?P<mock>\d{1,20}):(?P<question>[a-z][a-z0-9_]{0,48}):(?P<point>\d)"):
    """A 1-4 score for one rubric point of one question."""

    def __init__(self, mock_id: int, question_id: str, point: int, label: str = "",
                 current: int | None = None, row: int = 1) -> None:
        options = [discord.SelectOption(label=mocks.SCORE_LABELS[s], value=str(s),
                                        default=current == s) for s in mocks.SCORES]
        placeholder = shorten(f"Score: {label}", 150) if label else "Score"
        super().__init__(discord.ui.Select(custom_id=f"mocks:{mock_id}:{question_id}:{point}",
                                           options=options, placeholder=placeholder, row=row))
        self.mock_id, self.question_id, self.point = mock_id, question_id, point

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ScoreSelect:
        return cls(int(match["mock"]), match["question"], int(match["point"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        async def act() -> None:
            values = self.item.values
            score = int(values[0]) if values and values[0].isdigit() else 0
            try:
                await bot_of(interaction).mocks.score(self.mock_id, interaction.user.id,
                                                      self.question_id, self.point, score)
            except MockError as error:
                raise user_error(error) from None
            await reply(interaction, f"Scored {score}/4.")

        await guarded(interaction, "mock score", act)


def panel_message(panel: Panel) -> tuple[discord.Embed, discord.ui.View | None]:
    """The interviewer's panel: the question, its guidance, follow-ups and rubric, and the
    controls; scores and the note stay here, never in the thread."""
    mock = panel.mock
    asked = panel.question
    if asked is None:
        return (discord.Embed(title="The session has finished",
                              description="Close this panel; the report is in the thread."), None)
    kind = "Follow-up" if asked.is_probe else asked.category_label
    # Within Discord's 6,000 characters for the whole embed: 2,000 + 5 fields of 700 + the rest.
    embed = discord.Embed(title=shorten(f"Question {asked.number} of {asked.total} · {kind}", 256),
                          description=shorten(asked.text, 2000), colour=discord.Colour.gold())
    embed.add_field(name="Status", value="Asked: the candidate is answering." if panel.asked
                    else "Not asked yet: press Ask to post it in the thread.", inline=False)
    embed.add_field(name="What a strong answer shows", value=shorten(asked.guidance, FIELD) or "-",
                    inline=False)
    if panel.probes and not asked.is_probe:
        embed.add_field(name="Follow-ups (Probe asks the next)",
                        value=shorten("\n".join(f"• {p}" for p in panel.probes), FIELD), inline=False)
    if panel.points:
        lines = [f"• {escape_discord(p)}: **{panel.scores.get(i, '-')}**" for i, p in enumerate(panel.points)]
        embed.add_field(name="Rubric (score each 1-4 below)", value=shorten("\n".join(lines), FIELD),
                        inline=False)
    if panel.note:
        embed.add_field(name="Your note", value=shorten(escape_discord(panel.note), FIELD), inline=False)
    embed.set_footer(text=f"{panel.script_title} · only you see this panel")
    view = discord.ui.View(timeout=None)
    view.add_item(PanelButton("ask", mock.id, asked.key, disabled=panel.asked,
                              label="Ask again" if panel.asked else "Ask"))
    view.add_item(PanelButton("probe", mock.id, asked.key,
                              disabled=not panel.asked or not panel.probes or asked.probe_index >= 2))
    view.add_item(PanelButton("next", mock.id, asked.key, label="Next" if panel.asked else "Skip"))
    view.add_item(PanelButton("note", mock.id, asked.key))
    view.add_item(PanelButton("refresh", mock.id, asked.key))
    if not asked.is_probe:
        for index, point in enumerate(panel.points[:mocks.MAX_RUBRIC_POINTS]):
            view.add_item(ScoreSelect(mock.id, asked.question_id, index, point,
                                      panel.scores.get(index), row=1 + index))
    return embed, view


def question_embed(asked: Any) -> discord.Embed:
    """What the candidate sees: only the question asked."""
    title = (f"Follow-up · question {asked.number} of {asked.total}" if asked.is_probe
             else f"Question {asked.number} of {asked.total} · {asked.category_label}")
    embed = discord.Embed(title=shorten(title, 256), description=shorten(asked.text, 4000),
                          colour=discord.Colour.blurple())
    embed.set_footer(text="Type your answer here (several messages are fine); spoken answers "
                          "are not recorded.")
    return embed


# --------------------------------------------------------------------------- forms

class TimeForm(discord.ui.Modal):
    def __init__(self, mock_id: int) -> None:
        super().__init__(title="Propose a time", custom_id=f"mocktime:{mock_id}", timeout=None)
        self.add_item(text_input("when", "When, in your time zone", max_length=60, required=True,
                                 placeholder='"tomorrow 6pm", "Dec 3 14:00", "next Tuesday 2pm"'))


class NoteForm(discord.ui.Modal):
    def __init__(self, mock_id: int, question_id: str, current: str) -> None:
        super().__init__(title="Your note on this answer", custom_id=f"mocknote:{mock_id}:{question_id}",
                         timeout=None)
        self.add_item(text_input("note", "Note (only you and the candidate see it)",
                                 max_length=mocks.MAX_NOTE, default=current, paragraph=True))


class ModeratorsForm(discord.ui.Modal):
    def __init__(self, mock_id: int) -> None:
        super().__init__(title="Report to the moderators", custom_id=f"mockmod:{mock_id}",
                         timeout=None)
        self.add_item(text_input("what", "What happened?", max_length=1000, required=True,
                                 paragraph=True))


async def show_form(interaction: discord.Interaction, modal: discord.ui.Modal) -> None:
    await send_form(interaction, modal)


async def send_embeds(channel: discord.abc.Messageable, text: str, title: str) -> None:
    for embeds in embeds_for(text, title=title):
        await channel.send(embeds=embeds, allowed_mentions=NO_MENTIONS)


__all__ = ["CONTROLS", "MODERATORS_FORM", "NOTE_FORM", "TIME_FORM", "MockButton", "ModeratorsForm",
           "NoteForm", "PanelButton", "ScoreSelect", "TimeForm", "control_view",
           "panel_message", "question_embed", "send_embeds", "show_form", "status_embed",
           "user_error", "when_text"]
