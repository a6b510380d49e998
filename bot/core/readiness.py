"""How ready a candidate is for one upcoming real interview: which of the preparation steps the
seed chapters name they have done, and the next best step. Pure: what the user has done is
passed in (checklist ticks, mock interviews of that stage, STAR stories, the job's requirements
when a job description is given); nothing here reads the database or Discord.

The steps, in the order the next best step is chosen from (the practice that takes longest to
make up first; the list that takes a minute last):

- mock: a mock interview of the interview's stage is finished (seeds: anticipate the
  questions, practise answering concisely);
- stories: a STAR story for each of the job's must-have requirements when a job description is
  given (the job feature's requirement map: a story chosen or suggested for it), else
  `STORIES_WANTED` stories in the bank (seeds: examples of how you handled challenges, matched
  to the job description);
- questions: `QUESTIONS_WANTED` questions to ask picked on `/prep questions`, or "prepare your
  own questions" ticked on the checklist (seeds: develop a list of your own questions);
- checklist: every item of the stage's checklist is ticked (seeds: review notes, research the
  company and the interviewers, logistics).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.stages import FINAL, SECOND_ROUND, script_for_stage, stage_label

STORIES_WANTED = {SECOND_ROUND: 6, FINAL: 3}  # as the stage's checklist asks ("six STAR stories")
STORIES_DEFAULT = 4
QUESTIONS_ITEM = "own_questions"  # the checklist item that says the questions to ask are written
QUESTIONS_WANTED = 3  # picked on /prep questions ("pick three or four")
MOCK, STORIES, QUESTIONS, CHECKLIST = "mock", "stories", "questions", "checklist"
ORDER = (MOCK, STORIES, QUESTIONS, CHECKLIST)


@dataclass(frozen=True, slots=True)
class MockResult:
    """A finished mock interview, as readiness counts it."""

    script_id: str
    stage: str
    overall: float  # 0..1
    finished_at: datetime


@dataclass(frozen=True, slots=True)
class StoryText:
    """What readiness reads of a STAR story."""

    title: str
    text: str  # skills, situation, task, action and result together


@dataclass(frozen=True, slots=True)
class ReadinessStep:
    key: str
    label: str
    done: bool
    detail: str  # what stands now, e.g. "3 of 6 stories"
    action: str  # the command that does it
    missing: tuple[str, ...] = ()  # the requirements no story covers yet


@dataclass(frozen=True, slots=True)
class Readiness:
    stage: str
    company: str
    interview_at: datetime
    steps: tuple[ReadinessStep, ...]
    with_job: bool  # the job's requirements were read

    @property
    def done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def next_step(self) -> ReadinessStep | None:
        """The first step not done yet, in `ORDER`."""
        by_key = {step.key: step for step in self.steps}
        return next((by_key[key] for key in ORDER if key in by_key and not by_key[key].done), None)

    def days_left(self, now: datetime) -> float:
        return (self.interview_at - now).total_seconds() / 86400


@dataclass(frozen=True, slots=True)
class RequirementStory:
    """One of the job's requirements, and whether a story of the user's speaks to it."""

    requirement: str
    has_story: bool
    chosen: bool = False  # the user picked (or accepted) the story; False: only suggested


def readiness(*, stage: str, company: str, interview_at: datetime,
              checklist_items: Sequence[str], ticked: Iterable[str],
              mocks: Sequence[MockResult], stories: Sequence[StoryText],
              requirements: Sequence[RequirementStory] | None = None, picked: int = 0,
              checklist_command: str = "") -> Readiness:
    """The steps for one upcoming interview and where each stands. `checklist_items` are the
    item ids of the stage's checklist and `ticked` those the user ticked for this company;
    `requirements` the job's, each with whether a story covers it (None when no job description
    is given); `picked` how many questions to ask the user picked."""
    ticked_ids = set(ticked) & set(checklist_items)
    label = stage_label(stage, missing="interview")
    steps: list[ReadinessStep] = []

    of_stage = [m for m in mocks if m.stage == stage]
    if of_stage:
        latest = max(of_stage, key=lambda m: m.finished_at)
        detail = (f"{len(of_stage)} done, the latest scored {round(latest.overall * 100)}/100"
                  if len(of_stage) > 1 else f"1 done, it scored {round(latest.overall * 100)}/100")
    else:
        detail = f"none yet for a {label.lower()}"
    steps.append(ReadinessStep(MOCK, f"A {label.lower()} mock interview", bool(of_stage), detail,
                               f"/interview start script:{script_for_stage(stage)}"))

    reqs = [r for r in requirements or [] if r.requirement.strip()]
    if reqs:
        missing = tuple(r.requirement for r in reqs if not r.has_story)
        suggested = sum(1 for r in reqs if r.has_story and not r.chosen)
        detail = f"{len(reqs) - len(missing)} of {len(reqs)} requirements have a story"
        if suggested:
            detail += f" ({suggested} only suggested: confirm with /prep job match)"
        steps.append(ReadinessStep(
            STORIES, "A STAR story for each of the job's requirements", not missing, detail,
            "/prep star, then /prep job match", missing))
    else:
        wanted = STORIES_WANTED.get(stage, STORIES_DEFAULT)
        steps.append(ReadinessStep(
            STORIES, f"{wanted} STAR stories in your bank", len(stories) >= wanted,
            f"{min(len(stories), wanted)} of {wanted}" + (f" ({len(stories)} saved)" if len(stories) > wanted else ""),
            "/prep star"))

    written = QUESTIONS_ITEM in ticked_ids
    if picked >= QUESTIONS_WANTED:
        detail = f"{picked} picked"
    elif written:
        detail = "written, and ticked on your checklist"
    else:
        detail = f"{picked} of {QUESTIONS_WANTED} picked"
    steps.append(ReadinessStep(QUESTIONS, "Your questions to ask them, picked",
                               picked >= QUESTIONS_WANTED or written, detail, "/prep questions"))

    if checklist_items:
        command = checklist_command or f"/prep checklist stage:{stage} company:{company}"
        steps.append(ReadinessStep(
            CHECKLIST, f"Your {label.lower()} checklist", len(ticked_ids) == len(set(checklist_items)),
            f"{len(ticked_ids)} of {len(set(checklist_items))} ticked", command))
    return Readiness(stage, company, interview_at, tuple(steps), with_job=bool(reqs))


def story_texts(stories: Iterable[Mapping[str, str]]) -> list[StoryText]:
    """Stories as readiness reads them, from their fields."""
    return [StoryText(s.get("title", ""), " ".join(s.get(k, "") for k in
                                                  ("skills", "situation", "task", "action", "result")))
            for s in stories]
