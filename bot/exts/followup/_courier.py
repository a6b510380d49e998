"""The nudge dispatcher's courier on Discord. The follow-up service decides whether a nudge goes
out and what it says; the courier only draws that (an embed and its persistent buttons) and
delivers it: by DM, or when DMs are closed, with a ping in the server channel the plan was made
in. For the crash rule it finds a DM (or a ping) that was delivered before the process died.

Every REST call it makes first takes a token from the dispatcher's budget. A DM to a user whose
DM channel the dispatcher knows is one call (sent to the channel by id); otherwise the channel
is opened first (one more call) and the dispatcher stores it for next time.

What discord.py raises, and what it means here:
- `Forbidden` (403, 50007 DMs closed, or no shared server), `NotFound` (404: unknown user) and a
  400 with 50033 (invalid recipient): the DM cannot be delivered (`DeliveryRefused`).
- `HTTPException` with status 429: discord.py already waited out the retry-after and retried
  (up to 5 tries) before giving up, so this DM's channel is still limited. How long to wait is
  in the response headers (`Retry-After`, `X-RateLimit-Reset-After`), and whether the limit is
  the whole bot's (`X-RateLimit-Scope: global` / `X-RateLimit-Global`). The exception carries
  no `retry_after` attribute; `RateLimited` (raised instead of waiting when the client has a
  `max_ratelimit_timeout`) does, and is not an `HTTPException`.
- `HTTPException` with status >= 500: worth another try (`DeliveryRetry`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.core.followups import NudgeMessage
from bot.core.models import Nudge
from bot.core.text import split_text
from bot.exts._common import COLOUR, EMBED_DESCRIPTION_LIMIT
from bot.exts.followup._views import NUDGE_ID, nudge_view
from bot.services.followups import DeliveryRefused, DeliveryRetry, RestBudget, Sent

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.bot import InterviewCoach

log = logging.getLogger(__name__)

FOOTER = "Interview Coach follow-up · /followup list shows what's planned"
UNKNOWN_CHANNEL = 10003
INVALID_RECIPIENT = 50033
PING = ("<@{user_id}> I have a follow-up reminder for you, but I can't DM you. Run any of my "
        "commands here (for example `/followup list`) and I'll show it to you privately.")
HISTORY_LIMIT = 50  # one page of a channel's history: one REST call


@dataclass(slots=True)
class NudgeDM:
    """A composed nudge drawn for Discord: one message."""

    content: str | None
    embeds: list[discord.Embed]
    view: discord.ui.View | None


def draw(nudge: Nudge, message: NudgeMessage) -> NudgeDM:
    """The nudge as one message: its text in one embed, or split on paragraphs over a few when
    it is longer than an embed holds (a day-before nudge with long notes from earlier rounds),
    never cut. What the templates show of each typed field is bounded, so that the whole
    message stays within Discord's 6,000 characters (tests/services/test_followup_limits.py)."""
    chunks = split_text(message.text, EMBED_DESCRIPTION_LIMIT) or [""]
    embeds = [discord.Embed(description=chunk, colour=COLOUR) for chunk in chunks]
    embeds[-1].set_footer(text=FOOTER)
    return NudgeDM(message.late, embeds, nudge_view(nudge.id, message.controls))


def retry_after(error: discord.HTTPException | discord.RateLimited) -> float | None:
    """How long Discord asked us to wait, in seconds (None when it did not say): the longer of
    the 429's `Retry-After` (whole seconds) and the bucket's `X-RateLimit-Reset-After`."""
    if isinstance(error, discord.RateLimited):
        return error.retry_after
    headers: Mapping[str, str] = getattr(error.response, "headers", None) or {}
    waits = []
    for name in ("Retry-After", "X-RateLimit-Reset-After"):
        try:
            seconds = float(headers.get(name) or "")
        except ValueError:
            continue
        if seconds > 0 and seconds != float("inf"):
            waits.append(seconds)
    return max(waits, default=None)


def limits_everyone(error: discord.HTTPException | discord.RateLimited) -> bool:
    """A 429 on the whole bot (global), not on one channel."""
    if isinstance(error, discord.RateLimited):
        return False  # discord.py never raises it for global limits
    headers: Mapping[str, str] = getattr(error.response, "headers", None) or {}
    return (headers.get("X-RateLimit-Global", "").lower() == "true"
            or headers.get("X-RateLimit-Scope", "").lower() == "global")


def _transient(error: discord.HTTPException) -> bool:
    """5xx and 429 are worth another try; other 4xx are not."""
    return error.status >= 500 or error.status == 429


def _retry(error: discord.HTTPException | discord.RateLimited) -> DeliveryRetry:
    if isinstance(error, discord.RateLimited):
        text = f"429: rate limited ({error.retry_after:.0f} s)"
    else:
        text = f"{error.status}: {error.text or ('rate limited' if error.status == 429 else 'server error')}"
    return DeliveryRetry(text, retry_after=retry_after(error), everyone=limits_everyone(error))


class DiscordCourier:
    """Delivers composed nudges (see `bot.services._dispatcher.Courier`)."""

    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    async def _open_dm(self, user_id: int, budget: RestBudget) -> int:
        """The user's DM channel id: from the cache when discord.py has it, else opened (one
        REST call)."""
        user = self.bot.get_user(user_id)
        if user is not None and user.dm_channel is not None:
            return user.dm_channel.id
        await budget.take()
        try:
            channel = await self.bot.create_dm(discord.Object(user_id))
        except discord.NotFound as error:  # 10013: unknown user
            raise DeliveryRefused(f"unknown user ({error.code})") from error
        except discord.RateLimited as error:
            raise _retry(error) from error
        except discord.HTTPException as error:
            if _transient(error):
                raise _retry(error) from error
            if error.code == INVALID_RECIPIENT or error.status == 403:
                raise DeliveryRefused(f"{error.status}/{error.code}") from error
            raise
        return channel.id

    async def send_dm(self, nudge: Nudge, message: NudgeMessage, *, dm_channel_id: int | None,
                      budget: RestBudget) -> Sent:
        dm = draw(nudge, message)
        kwargs: dict[str, Any] = {"content": dm.content, "embeds": dm.embeds,
                                  "allowed_mentions": discord.AllowedMentions.none()}
        if dm.view is not None:
            kwargs["view"] = dm.view
        channel_id, opened = dm_channel_id, False
        while True:
            if channel_id is None:
                channel_id, opened = await self._open_dm(nudge.user_id, budget), True
            channel = self.bot.get_partial_messageable(channel_id,
                                                       type=discord.ChannelType.private)
            await budget.take()
            try:
                sent = await channel.send(**kwargs)
            except discord.Forbidden as error:  # 50007: DMs closed or no shared server
                raise DeliveryRefused(f"{error.status}/{error.code}") from error
            except discord.NotFound as error:
                if error.code == UNKNOWN_CHANNEL and not opened:
                    channel_id = None  # the stored DM channel is gone: open it again, once
                    continue
                raise DeliveryRefused(f"{error.status}/{error.code}") from error
            except discord.RateLimited as error:
                raise _retry(error) from error
            except discord.HTTPException as error:
                if _transient(error):
                    raise _retry(error) from error
                raise
            return Sent("dm", channel_id, sent.id)

    async def ping(self, nudge: Nudge, channel_id: int, *, budget: RestBudget) -> Sent | None:
        """Ping the user (only them) in the server channel where the plan was made. The ping
        names no company: a job search is private, and the details are shown to the user
        alone, ephemerally, at their next command."""
        try:
            await budget.take()
            sent = await self.bot.get_partial_messageable(channel_id).send(
                PING.format(user_id=nudge.user_id),
                allowed_mentions=discord.AllowedMentions(everyone=False, roles=False,
                                                         users=[discord.Object(nudge.user_id)]))
        except Exception:
            log.warning("Channel fallback for nudge %s failed; the notice stays", nudge.id,
                        exc_info=True)
            return None
        return Sent("channel", channel_id, sent.id)

    async def find_sent(self, nudge: Nudge, *, dm_channel_id: int | None,
                        budget: RestBudget) -> Sent | None:
        """The DM carrying this nudge's buttons, if it was delivered before a crash."""
        channel_id = dm_channel_id or await self._open_dm(nudge.user_id, budget)
        channel = self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)
        me = self.bot.user.id if self.bot.user else None
        await budget.take()
        async for message in channel.history(limit=HISTORY_LIMIT):
            if message.author.id != me:
                continue
            for row in message.components:
                for child in getattr(row, "children", [row]):
                    match = NUDGE_ID.match(getattr(child, "custom_id", None) or "")
                    if match and int(match["id"]) == nudge.id:
                        return Sent("dm", channel_id, message.id)
        return None

    async def find_ping(self, nudge: Nudge, channel_id: int, since: datetime, *,
                        budget: RestBudget) -> Sent | None:
        """A fallback ping to this nudge's user in `channel_id` since `since`. Any such ping
        will do: whichever nudge it was for, it sends the user to the notice, which holds
        every reminder kept for them."""
        channel = self.bot.get_partial_messageable(channel_id)
        me = self.bot.user.id if self.bot.user else None
        mention = f"<@{nudge.user_id}>"
        await budget.take()
        async for message in channel.history(limit=HISTORY_LIMIT,
                                             after=since - timedelta(seconds=1)):
            if message.author.id == me and message.content.startswith(mention):
                return Sent("channel", channel_id, message.id)
        return None
