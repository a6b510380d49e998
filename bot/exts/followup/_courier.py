"""The nudge dispatcher's courier on Discord. The follow-up service decides whether a nudge goes
out and what it says; the courier only draws that (an embed and its persistent buttons) and
delivers it: by DM, or when DMs are closed, with a ping in the server channel the plan was made
in plus a notice for the user's next command. For the crash rule it finds a DM that was
delivered before the process died."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.core.followups import NudgeMessage
from bot.core.models import Nudge
from bot.exts._common import COLOUR
from bot.exts.followup._views import NUDGE_ID, nudge_view
from bot.services.followups import DeliveryRefused, DeliveryRetry, Sent

if TYPE_CHECKING:
    from bot.bot import InterviewCoach

log = logging.getLogger(__name__)

FOOTER = "Interview Coach follow-up · /followup list shows what's planned"


@dataclass(slots=True)
class NudgeDM:
    """A composed nudge drawn for Discord."""

    content: str | None
    embed: discord.Embed
    view: discord.ui.View | None


def draw(nudge: Nudge, message: NudgeMessage) -> NudgeDM:
    embed = discord.Embed(description=message.text[:4096], colour=COLOUR)
    embed.set_footer(text=FOOTER)
    return NudgeDM(message.late, embed, nudge_view(nudge.id, message.controls))


class DiscordCourier:
    """Delivers composed nudges (see `bot.services._dispatcher.Courier`)."""

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    async def _user(self, user_id: int) -> discord.User:
        user = self.bot.get_user(user_id)
        if user is not None:
            return user
        try:
            return await self.bot.fetch_user(user_id)
        except discord.NotFound as error:
            raise DeliveryRefused(f"unknown user ({error.code})") from error
        except discord.HTTPException as error:
            if _transient(error):
                raise DeliveryRetry(f"{error.status}: {error.text or 'server error'}") from error
            raise

    async def send_dm(self, nudge: Nudge, message: NudgeMessage) -> Sent:
        user = await self._user(nudge.user_id)
        dm = draw(nudge, message)
        kwargs: dict[str, Any] = {"content": dm.content, "embed": dm.embed,
                                  "allowed_mentions": discord.AllowedMentions.none()}
        if dm.view is not None:
            kwargs["view"] = dm.view
        try:
            sent = await user.send(**kwargs)
        except discord.Forbidden as error:  # 50007: DMs closed or no shared server
            raise DeliveryRefused(f"{error.status}/{error.code}") from error
        except discord.NotFound as error:
            raise DeliveryRefused(f"{error.status}/{error.code}") from error
        except discord.HTTPException as error:
            if _transient(error):
                raise DeliveryRetry(f"{error.status}: {error.text or 'server error'}",
                                    retry_after=getattr(error, "retry_after", None)) from error
            raise
        return Sent("dm", sent.channel.id, sent.id)

    async def fall_back(self, nudge: Nudge, message: NudgeMessage, reason: str) -> Sent | None:
        """Once: keep the reminder for the user's next command, and ping them (only them) in the
        server channel where the plan was made. The ping names no company: a job search is
        private, and the details are shown to the user alone, ephemerally."""
        try:
            await self.bot.user_settings.keep_pending_notice(nudge.user_id, message.summary)
        except Exception:
            log.exception("Could not keep the notice for nudge %s", nudge.id)
            return None
        if message.fallback_channel_id is None:
            return Sent("notice")
        try:
            channel = (self.bot.get_channel(message.fallback_channel_id)
                       or await self.bot.fetch_channel(message.fallback_channel_id))
            assert isinstance(channel, discord.abc.Messageable)
            sent = await channel.send(
                f"<@{nudge.user_id}> I have a follow-up reminder for you, but I can't DM you. Run "
                "any of my commands here (for example `/followup list`) and I'll show it to you "
                "privately.",
                allowed_mentions=discord.AllowedMentions(everyone=False, roles=False,
                                                         users=[discord.Object(nudge.user_id)]))
        except Exception:
            log.warning("Channel fallback for nudge %s failed; the notice stays", nudge.id,
                        exc_info=True)
            return Sent("notice")
        return Sent("channel", sent.channel.id, sent.id)

    async def find_sent(self, nudge: Nudge) -> Sent | None:
        """The DM carrying this nudge's buttons, if it was delivered before a crash."""
        user = await self._user(nudge.user_id)
        channel = user.dm_channel or await user.create_dm()
        me = self.bot.user.id if self.bot.user else None
        async for message in channel.history(limit=50):
            if message.author.id != me:
                continue
            for row in message.components:
                for child in getattr(row, "children", [row]):
                    match = NUDGE_ID.match(getattr(child, "custom_id", None) or "")
                    if match and int(match["id"]) == nudge.id:
                        return Sent("dm", channel.id, message.id)
        return None


def _transient(error: discord.HTTPException) -> bool:
    """5xx and 429 are worth another try; other 4xx are not."""
    return error.status >= 500 or error.status == 429
