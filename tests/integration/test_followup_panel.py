"""The thank-you nudge after a real panel interview: a draft for each interviewer."""

from __future__ import annotations

from integration.test_followup import World, followup_world, text_of  # noqa: F401 (an autouse fixture)
from integration.test_followup import world as world  # the fixture, under its own name


async def test_a_panel_gets_a_thank_you_draft_per_interviewer(world: World) -> None:
    await world.set_zone()
    await world.add(when="Jan 5 10:00",
                    interviewer="Dana Lee, Head of Data; Ravi Patel, Engineering Manager")
    nudges = await world.nudges()
    await world.advance_to(nudges["thank_you"].due_at)
    [message] = world.nudge_dms(nudges["thank_you"].id)
    text = text_of(message)
    assert "You met 2 people" in text
    assert "**For Dana Lee (Head of Data)**" in text and "**For Ravi Patel (Engineering Manager)**" in text
    assert "Dear Dana," in text and "Dear Ravi," in text
    assert "where Acme is heading" in text  # the leader's line
    assert "what the team needs most this year" in text  # the hiring manager's


async def test_one_interviewer_gets_one_draft(world: World) -> None:
    await world.set_zone()
    await world.add(when="Jan 5 10:00", interviewer="Dana Lee")
    nudges = await world.nudges()
    await world.advance_to(nudges["thank_you"].due_at)
    [message] = world.nudge_dms(nudges["thank_you"].id)
    assert text_of(message).count("Subject: Thank you for today") == 1
