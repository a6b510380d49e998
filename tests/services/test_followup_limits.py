"""Every message the follow-up feature builds from what users typed stays within Discord's limits
(4,096 characters an embed description, 6,000 a message, 2,000 of content, 100 a custom_id,
80 a button label), with the longest and most escape-heavy names the commands accept: each
nudge DM as the courier draws it, and the notice kept for a user whose DMs are closed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core import followups
from bot.core.clock import ManualClock
from bot.core.followups import NudgeMessage, late_line
from bot.core.journal import FIELD_LIMITS
from bot.core.models import InterviewSession
from bot.exts._notices import OPEN_DMS
from bot.exts.followup._courier import draw
from bot.library import TemplateLibrary
from bot.services.followups import FollowUpService, Sent
from bot.services.journal import JournalService
from bot.store import Store
from bot.store.nudges import NOTICE_LIMIT

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
USER = 7
WORST = "_*@<" * 25  # 100 characters, every one of them escaped (doubling it)


def worst(limit: int) -> str:
    return (WORST * (limit // len(WORST) + 1))[:limit]


class UnusedCourier:
    async def send_dm(self, nudge: Any, message: Any, **_: Any) -> Sent:
        raise AssertionError("not sent here")

    async def ping(self, nudge: Any, channel_id: int, **_: Any) -> Sent | None:
        raise AssertionError("not sent here")

    async def find_sent(self, nudge: Any, **_: Any) -> Sent | None:
        raise AssertionError("not sent here")

    async def find_ping(self, nudge: Any, channel_id: int, since: datetime,
                        **_: Any) -> Sent | None:
        raise AssertionError("not sent here")


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[FollowUpService]:
    async with Store(tmp_path / "db.sqlite3") as store:
        library, clock = TemplateLibrary(PROMPTS).load(), ManualClock(NOW)
        yield FollowUpService(store, library, clock, UnusedCourier(),
                              journal=JournalService(store, library, clock))


def check_fits(message: NudgeMessage, nudge: Any) -> None:
    dm = draw(nudge, message)
    assert 1 <= len(dm.embeds) <= 10
    assert all(len(embed.description or "") <= 4096 for embed in dm.embeds)
    assert "".join(embed.description or "" for embed in dm.embeds).replace("\n", "") == (
        message.text.replace("\n", ""))  # split, never cut
    assert len(dm.content or "") <= 2000
    assert sum(len(embed) for embed in dm.embeds) + len(dm.content or "") <= 6000
    if dm.view is not None:
        for child in dm.view.children:
            button = getattr(child, "item", child)  # a DynamicItem wraps its button
            assert len(button.custom_id or "") <= 100
            assert len(button.label or "") <= 80
    assert len(message.summary) <= NOTICE_LIMIT


async def test_every_nudge_dm_fits_with_the_longest_names(service: FollowUpService) -> None:
    company, role, interviewer = worst(100), worst(100), worst(100)
    await service.store.users.ensure(USER, NOW)
    for days in (40, 30, 20):  # three earlier rounds, every field at its longest
        await service.store.journal.add(
            USER, now=NOW, company=company, role=role, stage="second_round",
            interview_at=NOW - timedelta(days=days),
            interviewers=worst(FIELD_LIMITS["interviewers"]), notes=worst(FIELD_LIMITS["notes"]),
            feedback=worst(FIELD_LIMITS["feedback"]))
    result = await service.add_interview(
        user_id=USER, candidate=worst(32), company=company, role=role,
        interview_at=datetime(2026, 12, 10, 14, 0, tzinfo=LONDON), zone=LONDON, stage="final",
        interviewer=interviewer, guild_id=5, channel_id=6)
    sizes = {}
    for nudge in result.nudges:
        message = await service.compose(nudge, late_line(nudge.due_at, NOW + timedelta(days=1)))
        assert isinstance(message, NudgeMessage)
        check_fits(message, nudge)
        sizes[nudge.kind] = len(draw(nudge, message).embeds)
    # Only the day-before nudge, with three earlier rounds of the longest notes, needs a
    # second embed.
    assert sizes == {followups.DAY_BEFORE: 2, followups.THANK_YOU: 1, followups.CHECK_IN: 1}

    await service.store.users.set_nudges_enabled(USER, True, NOW)
    session = InterviewSession(
        id=41, user_id=USER, guild_id=None, channel_id=None, script_id="final",
        script_version="1", context={"company": company}, status="finished", question_index=9,
        probe_index=0, question_message_id=None, report=None, created_at=NOW, updated_at=NOW,
        finished_at=NOW)
    long_question = "Why " + "\\_" * 400 + "?"  # as a script renders a long escaped name
    report = {"weakest_questions": ["a", "b"], "improvements": [
        {"label": worst(60), "question_number": n, "question_id": q, "question": long_question}
        for n, q in ((2, "a"), (3, "b"))]}
    practice = await service.plan_practice_after(session, report, zone=LONDON)
    assert practice is not None
    message = await service.compose(practice, None)
    assert isinstance(message, NudgeMessage)
    check_fits(message, practice)


async def test_the_kept_notice_fits_the_message_that_shows_it(service: FollowUpService) -> None:
    await service.store.users.ensure(USER, NOW)
    summary = followups.nudge_summary(followups.THANK_YOU, {
        "company": worst(100), "deadline": NOW.isoformat()})
    for _ in range(20):
        await service.store.nudges.append_pending_notice(USER, summary)
    kept = (await service.store.users.get(USER)).pending_notice  # type: ignore[union-attr]
    assert kept is not None and kept.endswith(summary)
    shown = f"**I couldn't reach you by DM. Here's what you missed:**\n{kept}\n\n{OPEN_DMS}"
    assert len(shown) <= 2000
