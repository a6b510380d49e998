"""Prep on demand: `/prep tips`, `/prep checklist`, `/prep questions`, `/prep star`, `/prep stories`."""

from __future__ import annotations

from bot.bot import InterviewCoach
from bot.exts.prep._checklist import ChecklistSelect
from bot.exts.prep._cog import Prep
from bot.exts.prep._questions import QuestionPageButton
from bot.exts.prep._stories import StoryButton, StoryPickSelect
from bot.exts.prep._tips import TipButton, TipIndexSelect


async def setup(bot: InterviewCoach) -> None:
    await bot.add_cog(Prep(bot, dynamic_items=(TipButton, TipIndexSelect, QuestionPageButton,
                                               ChecklistSelect, StoryPickSelect, StoryButton)))
