"""Voice messages as answers: the candidate's voice message in their interview thread or DM is
transcribed by `bot.voice` (off the event loop) and stored as a part of the current answer
before it is acknowledged; the reply shows what was heard, so a misheard word can be corrected
by typing. Thin: the rules are in `bot.core.delivery` and the services."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.core.delivery import AUDIO_SUFFIXES, delivery_notes, voice_message_problem
from bot.core.interview import InterviewError
from bot.core.text import escape_discord
from bot.exts._common import NO_MENTIONS, embeds_for
from bot.voice import AudioError

if TYPE_CHECKING:
    from bot.bot import InterviewCoach
    from bot.services.voice import QueuePlace

log = logging.getLogger(__name__)
WAITING, STORED, REFUSED = "⏳", "✅", "⚠️"


def spoken_attachment(message: discord.Message) -> discord.Attachment | None:
    """The voice message (or audio file) a message carries, if any."""
    for attachment in message.attachments:
        if attachment.is_voice_message():
            return attachment
    for attachment in message.attachments:
        if (attachment.content_type or "").startswith("audio/") or attachment.filename.lower().endswith(AUDIO_SUFFIXES):
            return attachment
    return None


class VoiceAnswers:
    def __init__(self, bot: InterviewCoach) -> None:
        self.bot = bot

    async def _say(self, message: discord.Message, text: str) -> None:
        try:
            await message.reply(text, mention_author=False, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.info("Could not reply to voice message %s: %s", message.id, exc)

    async def _react(self, message: discord.Message, emoji: str, *, remove: str | None = None) -> None:
        try:
            if remove is not None and self.bot.user is not None:
                await message.remove_reaction(remove, self.bot.user)
            await message.add_reaction(emoji)
        except discord.HTTPException:
            log.info("Could not react to voice message %s", message.id)

    async def handle(self, message: discord.Message, attachment: discord.Attachment) -> bool:
        """Take a voice message as an answer part. False when it is not an answer here (not the
        candidate's own message in the interview open in this channel): the caller carries on."""
        voice, channel_id, user_id = self.bot.voice, message.channel.id, message.author.id
        if not await voice.answers_here(channel_id, user_id):
            return False
        try:
            await voice.check_allowed(message.guild.id if message.guild else None)
        except InterviewError as exc:
            await self._say(message, str(exc))
            return True
        problem = voice_message_problem(is_voice=attachment.is_voice_message(), duration=attachment.duration,
                                        size=attachment.size)
        if problem is not None:
            await self._say(message, problem)
            return True
        try:  # a place in the queue before anything is downloaded: refused here, or never later
            place = voice.reserve()
        except InterviewError as exc:
            await self._say(message, f"{exc} Nothing was recorded from that message.")
            return True
        with place:
            return await self._transcribe(message, attachment, place)

    async def _transcribe(self, message: discord.Message, attachment: discord.Attachment,
                          place: QueuePlace) -> bool:
        voice, channel_id, user_id = self.bot.voice, message.channel.id, message.author.id
        await self._react(message, WAITING)
        if place.ahead:
            await self._say(message, f"Busy: your answer is queued ({place.ahead} ahead of it). I'll post what "
                                     "I heard as soon as it is transcribed.")
        try:
            audio = await attachment.read()
            spoken = await voice.answer_in_channel(channel_id, user_id, audio, source_id=str(message.id),
                                                   place=place)
        except (AudioError, InterviewError) as exc:
            await self._react(message, REFUSED, remove=WAITING)
            await self._say(message, f"{exc} Nothing was recorded from that message.")
            return True
        except discord.HTTPException:
            await self._react(message, REFUSED, remove=WAITING)
            await self._say(message, "I could not download that voice message from Discord. Send it again, or "
                                     "type your answer.")
            return True
        if spoken is None:  # the interview ended or moved while it was transcribed
            await self._react(message, REFUSED, remove=WAITING)
            await self._say(message, "Your interview here ended before I finished transcribing that, so it was "
                                     "not recorded.")
            return True
        # Acknowledged only now, after the transcript and its metrics are committed.
        await self._react(message, STORED, remove=WAITING)
        if not spoken.part.stored:
            return True  # a redelivery: stored and answered before
        text = self.bot.library.render(
            "messages/voice_heard.md.j2", transcript=escape_discord(spoken.transcription.text),
            seconds=spoken.transcription.duration, notes=delivery_notes(spoken.delivery, with_length=False))
        for embeds in embeds_for(text, title="Your voice answer"):
            try:
                await message.channel.send(embeds=embeds, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as exc:
                log.warning("Could not show the transcript of voice message %s: %s", message.id, exc)
                break
        return True
