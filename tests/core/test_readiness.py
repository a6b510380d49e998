from __future__ import annotations

from datetime import UTC, datetime

from bot.core.readiness import (
    CHECKLIST,
    MOCK,
    QUESTIONS,
    STORIES,
    MockResult,
    RequirementStory,
    StoryText,
    readiness,
)

WHEN = datetime(2026, 12, 10, 14, tzinfo=UTC)
ITEMS = ["review_application", "own_questions", "mock_interview"]


def ready(**overrides):
    args = dict(stage="second_round", company="Acme", interview_at=WHEN, checklist_items=ITEMS,
                ticked=[], mocks=[], stories=[])
    args.update(overrides)
    return readiness(**args)


def test_nothing_done_starts_with_a_mock_interview_of_that_stage() -> None:
    r = ready()
    assert [s.key for s in r.steps] == [MOCK, STORIES, QUESTIONS, CHECKLIST]
    assert r.done == 0 and r.next_step.key == MOCK
    assert "script:second_round" in r.next_step.action and not r.with_job


def test_a_mock_interview_of_another_stage_does_not_count() -> None:
    final = MockResult("final", "final", 0.7, WHEN)
    assert ready(mocks=[final]).next_step.key == MOCK
    r = ready(mocks=[final, MockResult("second_round", "second_round", 0.55, WHEN)])
    mock = r.steps[0]
    assert mock.done and mock.detail == "1 done, it scored 55/100" and r.next_step.key == STORIES


def test_without_a_job_the_story_bank_counts_and_with_one_each_requirement_needs_a_story() -> None:
    stories = [StoryText("Rebuilt the SQL reporting pipeline", "sql automation dashboards")] * 6
    r = ready(stories=stories)
    assert r.steps[1].done and r.steps[1].detail == "6 of 6"
    job = ready(stories=stories[:1], requirements=[RequirementStory("Advanced SQL", True, True),
                                                   RequirementStory("Stakeholder management", False),
                                                   RequirementStory(" ", False)])
    step = job.steps[1]
    assert job.with_job and not step.done and step.missing == ("Stakeholder management",)
    assert step.detail == "1 of 2 requirements have a story"
    suggested = ready(requirements=[RequirementStory("Advanced SQL", True)]).steps[1]
    assert suggested.done and "1 only suggested: confirm with /prep job match" in suggested.detail


def test_questions_picked_and_the_checklist_come_from_the_ticks() -> None:
    r = ready(mocks=[MockResult("second_round", "second_round", 0.6, WHEN)],
              stories=[StoryText("s", "")] * 6, ticked=["own_questions", "not_an_item"])
    assert r.steps[2].done and not r.steps[3].done and r.steps[3].detail == "1 of 3 ticked"
    assert r.next_step.key == CHECKLIST
    done = ready(mocks=[MockResult("second_round", "second_round", 0.6, WHEN)],
                 stories=[StoryText("s", "")] * 6, ticked=ITEMS)
    assert done.next_step is None and done.done == 4


def test_questions_are_picked_with_three_or_written_on_the_checklist() -> None:
    assert ready(picked=2).steps[2].detail == "2 of 3 picked" and not ready(picked=2).steps[2].done
    assert ready(picked=3).steps[2].done and ready(picked=4).steps[2].detail == "4 picked"
    written = ready(ticked=["own_questions"]).steps[2]
    assert written.done and written.detail == "written, and ticked on your checklist"


def test_a_stage_without_a_checklist_has_no_checklist_step() -> None:
    r = ready(checklist_items=[])
    assert [s.key for s in r.steps] == [MOCK, STORIES, QUESTIONS]
