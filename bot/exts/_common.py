"""Small helpers shared by the Discord adapters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.core.text import split_text

if TYPE_CHECKING:
    from bot.bot import InterviewCoach

EMBED_DESCRIPTION_LIMIT = 4096
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
NO_MENTIONS = discord.AllowedMentions.none()
COLOUR = discord.Colour.from_rgb(88, 101, 242)


def bot_of(interaction: discord.Interaction) -> InterviewCoach:
    return interaction.client  # type: ignore[return-value]


async def reply(interaction: discord.Interaction, content: str | None = None, *,
                ephemeral: bool = True, **kwargs: Any) -> None:
    """Respond or follow up, whichever is possible now; never pings anyone."""
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=ephemeral, **kwargs)


def place_name(channel: object) -> str:
    """How to name a place to the user: a channel mention, or "your DMs"."""
    if isinstance(channel, discord.DMChannel):
        return "your DMs"
    mention = getattr(channel, "mention", None)
    return mention or "the interview channel"


def embeds_for(text: str, *, title: str | None = None,
               colour: discord.Colour = COLOUR) -> list[list[discord.Embed]]:
    """Long text as embeds, grouped into messages that respect Discord's limits (4,096 per
    description, 6,000 per message, 10 embeds per message). Nothing is cut."""
    chunks = split_text(text, EMBED_DESCRIPTION_LIMIT - 96)
    messages: list[list[discord.Embed]] = [[]]
    size = 0
    for index, chunk in enumerate(chunks):
        embed = discord.Embed(description=chunk, colour=colour)
        if index == 0 and title:
            embed.title = title[:256]
        if len(chunks) > 1:
            embed.set_footer(text=f"Part {index + 1} of {len(chunks)}")
        length = len(embed)
        if messages[-1] and (size + length > EMBED_TOTAL_LIMIT
                             or len(messages[-1]) >= EMBEDS_PER_MESSAGE):
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += length
    return messages
