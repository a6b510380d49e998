"""The follow-up service without Discord: a real SQLite store, the shipped templates and a manual
clock. What a due nudge says (its text, summary, buttons and fallback channel) or why it is
skipped, the data behind the commands and buttons, and "practice again" after a mock interview.
(The whole flow on a simulated Discord is in tests/integration/test_followup.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core import followups
from bot.core.clock import ManualClock
from bot.core.followups import NudgeMessage, Skip
from bot.core.models import InterviewSession, Nudge
from bot.library import TemplateLibrary
from bot.services.followups import FollowUpService, PlanError, Sent
from bot.services.journal import JournalService
from bot.store import Store

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
USER = 7


class UnusedCourier:
    """The service never delivers by itself: only its dispatcher calls the courier."""

    async def send_dm(self, nudge: Nudge, message: NudgeMessage, **_: Any) -> Sent:
        raise AssertionError("no delivery in these tests")

    async def ping(self, nudge: Nudge, channel_id: int, **_: Any) -> Sent | None:
        raise AssertionError("no delivery in these tests")

    async def find_sent(self, nudge: Nudge, **_: Any) -> Sent | None:
        raise AssertionError("no delivery in these tests")

    async def find_ping(self, nudge: Nudge, channel_id: int, since: datetime,
                        **_: Any) -> Sent | None:
        raise AssertionError("no delivery in these tests")


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[FollowUpService]:
    async with Store(tmp_path / "db.sqlite3") as store:
        library, clock = TemplateLibrary(PROMPTS).load(), ManualClock(NOW)
        yield FollowUpService(store, library, clock, UnusedCourier(),
                              journal=JournalService(store, library, clock))


async def log_interview(service: FollowUpService, *, company: str = "Acme", stage: str = "final",
                        guild_id: int | None = 5, channel_id: int | None = 6) -> dict[str, Nudge]:
    result = await service.add_interview(
        user_id=USER, candidate="Sam", company=company, role="Analyst",
        interview_at=datetime(2026, 12, 10, 14, 0, tzinfo=LONDON), zone=LONDON, stage=stage,
        interviewer="Dana Lee", guild_id=guild_id, channel_id=channel_id)
    return {n.kind: n for n in result.nudges}


def kinds_of(controls: tuple[followups.NudgeControl, ...]) -> list[str]:
    return [c.action for c in controls]


# --------------------------------------------------------------------------- composing a nudge

async def test_day_before_lists_unticked_items_and_earlier_rounds(service: FollowUpService) -> None:
    store = service.store
    await store.users.ensure(USER, NOW)
    await store.journal.add(USER, now=NOW, company="ACME", stage="second_round",
                            interview_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
                            notes="They probed my SQL.", feedback="Wanted numbers.")
    await store.checklists.set_done(USER, "final:acme", "salary_numbers", True, NOW)
    nudges = await log_interview(service)
    message = await service.compose(nudges[followups.DAY_BEFORE], None)
    assert isinstance(message, NudgeMessage)
    assert message.text.startswith("**Final round tomorrow at Acme**")
    assert "Read your notes and feedback from every earlier round" in message.text
    assert "Set your salary range" not in message.text  # ticked in /prep already
    assert "From your earlier rounds" in message.text and "They probed my SQL." in message.text
    assert "final round at Acme" in message.summary and message.late is None
    assert kinds_of(message.controls) == ["done", "snooze", "snooze", "snooze", "stop"]
    assert message.fallback_channel_id == 6


async def test_thank_you_asks_how_it_went_and_carries_the_late_line(
        service: FollowUpService) -> None:
    nudges = await log_interview(service, guild_id=None, channel_id=None)
    message = await service.compose(nudges[followups.THANK_YOU], "*Sorry, late.*")
    assert isinstance(message, NudgeMessage)
    assert "Time to say thank you" in message.text and "Dana Lee" in message.text
    assert message.late == "*Sorry, late.*"
    assert [c.arg for c in message.controls if c.action == followups.OUTCOME] == list(
        followups.OUTCOMES)
    assert message.fallback_channel_id is None  # planned in DMs: no server channel to ping


async def test_a_nudge_marked_done_is_composed_without_done_and_snooze(
        service: FollowUpService) -> None:
    nudges = await log_interview(service)
    marked = await service.done(USER, nudges[followups.CHECK_IN].id)
    assert marked.at == NOW and kinds_of(marked.controls)[0] == "stop"
    message = await service.compose(nudges[followups.CHECK_IN], None)
    assert isinstance(message, NudgeMessage)
    assert followups.DONE not in kinds_of(message.controls)
    assert followups.SNOOZE not in kinds_of(message.controls)


async def test_skips_follow_what_the_user_did_since_planning(service: FollowUpService) -> None:
    nudges = await log_interview(service)
    await service.store.users.set_nudges_enabled(USER, False, NOW)
    assert await service.compose(nudges[followups.DAY_BEFORE], None) == Skip(
        "nudges are turned off (/settings nudges off)")
    await service.store.users.set_nudges_enabled(USER, True, NOW)

    result = await service.record_outcome(USER, nudges[followups.THANK_YOU].id, "offer")
    assert result.cancelled == 1 and not result.next_round_text
    assert followups.OUTCOME not in kinds_of(result.controls)
    skipped = await service.compose(nudges[followups.CHECK_IN], None)
    assert isinstance(skipped, Skip) and skipped.status == "cancelled"
    assert "outcome was recorded (offer)" in skipped.reason

    await service.stop_plan(USER, nudges[followups.DAY_BEFORE].id)
    assert await service.compose(nudges[followups.DAY_BEFORE], None) == Skip(
        "the plan was stopped", "cancelled")
    await service.store.delete_user(USER)
    assert await service.compose(nudges[followups.DAY_BEFORE], None) == Skip(
        "the user's data was deleted", "cancelled")


async def test_an_outcome_in_the_journal_skips_the_check_in(service: FollowUpService) -> None:
    nudges = await log_interview(service)
    plan = await service.plan(USER, nudges[followups.CHECK_IN].plan_id or 0)
    assert plan.journal_entry_id is not None
    await service.store.journal.update(plan.journal_entry_id, USER, now=NOW, outcome="rejected")
    skipped = await service.compose(nudges[followups.CHECK_IN], None)
    assert isinstance(skipped, Skip) and "journal (rejected)" in skipped.reason
    assert isinstance(await service.compose(nudges[followups.THANK_YOU], None), NudgeMessage)


# --------------------------------------------------------------------------- buttons and lists

async def test_next_round_says_what_comes_next(service: FollowUpService) -> None:
    nudges = await log_interview(service, stage="second_round")
    result = await service.record_outcome(USER, nudges[followups.THANK_YOU].id, "next_round")
    assert "made it through to another round at Acme" in result.next_round_text
    upcoming = await service.next_interview(USER, nudges[followups.THANK_YOU].id)
    assert (upcoming.stage, upcoming.script_id, upcoming.company, upcoming.role) == (
        "final", "final", "Acme", "Analyst")
    with pytest.raises(PlanError):
        await service.record_outcome(USER, nudges[followups.THANK_YOU].id, "ghosted")
    with pytest.raises(PlanError):
        await service.next_interview(USER + 1, nudges[followups.THANK_YOU].id)  # not theirs


async def test_plan_choices_in_the_users_zone_filtered_by_what_they_typed(
        service: FollowUpService) -> None:
    await log_interview(service)
    await log_interview(service, company="Globex", stage="second_round")
    names = [c.name for c in await service.plan_choices(USER, LONDON)]
    assert names == ["Final round at Acme (Analyst), Thu 10 Dec 14:00 (#1)",
                     "Second round at Globex (Analyst), Thu 10 Dec 14:00 (#2)"]
    tokyo = await service.plan_choices(USER, ZoneInfo("Asia/Tokyo"), " glob")
    assert [(c.name, c.plan_id) for c in tokyo] == [
        ("Second round at Globex (Analyst), Thu 10 Dec 23:00 (#2)", 2)]


async def test_upcoming_pairs_each_reminder_with_its_plan(service: FollowUpService) -> None:
    await log_interview(service)
    await log_interview(service, company="Globex")
    upcoming = await service.upcoming(USER, per_page=4)
    assert len(upcoming.reminders) == 4 and not upcoming.nudges_off
    assert (upcoming.page, upcoming.pages, upcoming.total) == (0, 2, 6)
    assert [n.due_at for n, _ in upcoming.reminders] == sorted(
        n.due_at for n, _ in upcoming.reminders)
    assert {plan.details["company"] for _, plan in upcoming.reminders if plan} == {"Acme", "Globex"}
    await service.store.users.set_nudges_enabled(USER, False, NOW)
    assert (await service.upcoming(USER)).nudges_off


async def test_upcoming_pages_cover_every_reminder_once_and_a_page_too_far_is_the_last(
        service: FollowUpService) -> None:
    for company in ("Acme", "Globex", "Initech"):
        await log_interview(service, company=company)
    pages = [await service.upcoming(USER, page, per_page=4) for page in range(3)]
    seen = [n.id for page in pages for n, _ in page.reminders]
    assert [len(p.reminders) for p in pages] == [4, 4, 1] and len(set(seen)) == 9
    assert [n.due_at for page in pages for n, _ in page.reminders] == sorted(
        n.due_at for page in pages for n, _ in page.reminders)
    beyond = await service.upcoming(USER, 7, per_page=4)
    assert beyond.page == 2 and [n.id for n, _ in beyond.reminders] == seen[8:]
    nobody = await service.upcoming(USER + 1)
    assert (nobody.reminders, nobody.page, nobody.pages, nobody.total) == ([], 0, 1, 0)


async def test_plan_choices_are_plain_text_within_discords_limit(service: FollowUpService) -> None:
    """Discord shows an autocomplete choice's name as it is: no markdown escaping in it (that
    would show as backslashes), at most 100 characters, and the plan's number always kept."""
    await log_interview(service, company="Acme_Corp (UK)")
    await log_interview(service, company="Very *Long* " + "x" * 95)
    first, second = await service.plan_choices(USER, LONDON)
    assert first.name == "Final round at Acme_Corp (UK) (Analyst), Thu 10 Dec 14:00 (#1)"
    assert len(second.name) <= 100 and second.name.endswith(", Thu 10 Dec 14:00 (#2)")
    assert "Very *Long*" in second.name and "…" in second.name
    assert [c.plan_id for c in await service.plan_choices(USER, LONDON, "acme_corp (uk)")] == [1]


async def test_ids_no_row_can_have_are_refused_without_a_query(service: FollowUpService) -> None:
    for impossible in (0, -1, followups.MAX_ID + 1, 10**25):
        with pytest.raises(PlanError):
            await service.cancel(USER, impossible)
        with pytest.raises(PlanError):
            await service.nudge(USER, impossible)
        assert await service.nudge_owner(impossible) is None


# --------------------------------------------------------------------------- practice again

def finished(context: dict[str, object]) -> InterviewSession:
    return InterviewSession(
        id=41, user_id=USER, guild_id=None, channel_id=None, script_id="final",
        script_version="1", context=dict(context), status="finished", question_index=9,
        probe_index=0, question_message_id=None, report=None, created_at=NOW, updated_at=NOW,
        finished_at=NOW)


REPORT = {"weakest_questions": ["why_us"], "improvements": [
    {"label": "Company alignment", "question_number": 2, "question_id": "why_us",
     "question": "Why us?"}]}


async def test_practice_again_after_a_mock_interview(service: FollowUpService) -> None:
    assert await service.plan_practice_after(finished({}), REPORT, zone=LONDON) is None  # no nudges yet
    await service.store.users.set_nudges_enabled(USER, True, NOW)
    assert await service.plan_practice_after(finished({"only_questions": ["why_us"]}), REPORT,
                                             zone=LONDON) is None  # a practice run
    nudge = await service.plan_practice_after(finished({}), REPORT, zone=LONDON)
    assert nudge is not None and nudge.kind == followups.PRACTICE_AGAIN
    assert nudge.due_at == datetime(2026, 12, 4, 10, tzinfo=LONDON)
    assert nudge.payload["script_title"] == "Final interview"
    assert nudge.payload["questions"] == [
        {"id": "why_us", "number": 2, "text": "Why us?", "label": "Company alignment"}]
    again = await service.plan_practice_after(finished({}), REPORT, zone=LONDON)
    assert again is not None and again.id == nudge.id  # once per session
    target = await service.practice_target(USER, nudge.id, "0")
    assert (target.session_id, target.question_id, target.script_id) == (41, "why_us", "final")
    beyond = await service.practice_target(USER, nudge.id, "5")
    assert beyond.question_id == ""
    message = await service.compose(nudge, None)
    assert isinstance(message, NudgeMessage)
    assert "Question 2" in message.text and "Why us?" in message.text
    assert [c.label for c in message.controls if c.action == followups.PRACTISE] == [
        "Practise question 2"]


async def test_practice_again_shows_the_question_as_it_was_asked_escaped_once(
        service: FollowUpService) -> None:
    """A question's text is stored as the interview showed it: Discord-safe already (the script
    escaped the company in it). The nudge shows it so, not escaped a second time."""
    await service.store.users.set_nudges_enabled(USER, True, NOW)
    asked = "Why do you want to join Acme\\_Corp \\(UK\\)?"  # as the script rendered it
    report = {"weakest_questions": ["why_us"], "improvements": [
        {"label": "Company alignment", "question_number": 2, "question_id": "why_us",
         "question": asked}]}
    nudge = await service.plan_practice_after(finished({"company": "Acme_Corp (UK)"}), report,
                                              zone=LONDON)
    assert nudge is not None
    message = await service.compose(nudge, None)
    assert isinstance(message, NudgeMessage)
    assert asked in message.text and "\\\\" not in message.text


async def test_the_thank_you_draft_greets_the_interviewer_by_first_name(
        service: FollowUpService) -> None:
    nudges = await log_interview(service)  # interviewer "Dana Lee"
    message = await service.compose(nudges[followups.THANK_YOU], None)
    assert isinstance(message, NudgeMessage)
    assert "> Dear Dana,\n" in message.text
    assert "thank-you to Dana Lee" in message.text  # who to send it to: the full name
    check_in = await service.compose(nudges[followups.CHECK_IN], None)
    assert isinstance(check_in, NudgeMessage) and "> Dear Dana,\n" in check_in.text


async def test_practice_without_a_zone_is_exactly_three_days_later(
        service: FollowUpService) -> None:
    await service.store.users.set_nudges_enabled(USER, True, NOW)
    nudge = await service.plan_practice_after(finished({}), REPORT, zone=None)
    assert nudge is not None and nudge.due_at == NOW + timedelta(days=3)
