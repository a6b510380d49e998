"""Progress you can see: the chart of a candidate's scores, each question's attempts and best
attempt (practice with before and after), the readiness view for an upcoming real interview,
and the content of the weekly summary. Plain Python over the store, the core and the template
library; no Discord here.

Every finished interview records its scores, each answered question's attempt and the
question's best (`record_finished`, the interview service's durable finish hook); interviews
finished before this was recorded are read in at start-up (`catch_up`), a batch at a time.

Reads are bounded: the chart reads the latest `CHART_WINDOW` full interviews' score rows in one
indexed query (no report is parsed); a question's earlier attempt and best are one indexed row
each; "still weak after practice" reads the user's per-question rows (a few dozen whatever the
history). So a user with 1,000 past interviews costs about what one with 10 does."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.core.checklists import checklist_key, parse_checklist
from bot.core.clock import Clock
from bot.core.feedback import DIMENSIONS
from bot.core.followups import parse_time
from bot.core.job_description import MUST, JobDescription
from bot.core.job_fit import MapEntry
from bot.core.models import FollowUpPlan, InterviewSession
from bot.core.prep_content import PrepContentError
from bot.core.progress import (
    CHART_WINDOW,
    Comparison,
    InterviewScore,
    ProgressChart,
    QuestionBest,
    attempts_from_report,
    compare_attempts,
    interview_score,
    practice_pick,
    progress_chart,
)
from bot.core.readiness import MockResult, Readiness, RequirementStory, readiness, story_texts
from bot.core.weekly import WEEK, WeeklySummary, weekly_summary
from bot.library import TemplateLibrary
from bot.services.jobs import SavedJob
from bot.store import Store
from bot.store.jobs import StoredJob
from bot.store.progress import ReportedSession

CATCH_UP_KEY = "progress.recorded_through"  # bot_meta: the last session read in by `catch_up`
CATCH_UP_BATCH = 200
CATCH_UP_LIMIT = 5_000  # sessions read in at one start-up; the rest at the next

log = logging.getLogger(__name__)
WEAK_SHOWN = 5  # questions still weak after practice, in /interview history


class JobRequirements(Protocol):
    """Where the readiness view finds the job's requirements and the stories that cover them,
    when a job description is given for the interview (`bot.services.jobs.JobService`)."""

    async def jobs(self, user_id: int) -> list[StoredJob]: ...

    async def job(self, user_id: int, typed: str | None) -> SavedJob: ...

    async def requirement_map(self, user_id: int, saved: SavedJob) -> list[MapEntry]: ...


@dataclass(frozen=True, slots=True)
class Chart:
    """The chart's data (None with fewer than two finished interviews) and how many there are."""

    chart: ProgressChart | None
    finished: int


def _practice(context_json: str) -> bool:
    try:
        return bool(json.loads(context_json).get("only_questions"))
    except (ValueError, AttributeError):
        return False


def _parse_reports(rows: Sequence[ReportedSession]) -> list[tuple[ReportedSession, dict[str, Any] | None]]:
    """Stored reports parsed (CPU work: run in a worker thread); None for one that cannot be read."""
    parsed: list[tuple[ReportedSession, dict[str, Any] | None]] = []
    for row in rows:
        try:
            report = json.loads(row.report_json)
        except ValueError:
            report = None
        parsed.append((row, report if isinstance(report, dict) else None))
    return parsed


class ProgressService:
    def __init__(self, store: Store, library: TemplateLibrary, clock: Clock, *,
                 jobs: JobRequirements | None = None) -> None:
        self.store = store
        self.library = library
        self.clock = clock
        self.jobs = jobs  # the job descriptions, for the readiness view

    def _title(self, script_id: str) -> str:
        script = self.library.scripts.get(script_id)
        return script.title if script else script_id

    # --- what a finish records ---------------------------------------------------------------

    async def record_finished(self, session: InterviewSession, report: Mapping[str, Any]) -> int:
        """The finish hook: the interview's scores, each answered question's attempt, and its
        question's best. Idempotent (the hook runs again after a crash); returns how many attempts
        were new."""
        return await self._record(session.id, session.user_id, session.script_id,
                                  bool(session.context.get("only_questions")),
                                  session.finished_at or self.clock.now(), report)

    async def _record(self, session_id: int, user_id: int, script_id: str, practice: bool,
                      finished_at: datetime, report: Mapping[str, Any]) -> int:
        score = interview_score(session_id, script_id, self._title(script_id), finished_at, report)
        attempts = attempts_from_report(report, session_id=session_id, script_id=script_id,
                                        finished_at=finished_at, practice=practice)
        if score is None and not attempts:
            return 0
        return await self.store.progress.record_finished(user_id, score, practice, attempts, self.clock.now())

    async def catch_up(self, *, limit: int = CATCH_UP_LIMIT) -> int:
        """At start-up: interviews finished before progress was recorded (or while the hook
        failed) are read in, oldest first, up to `limit` a start-up; a marker in bot_meta keeps
        the place, so a start-up with nothing to read costs one query. Returns how many were read."""
        done = 0
        after = int(await self.store.meta.get(CATCH_UP_KEY) or 0)
        while done < limit:
            rows = await self.store.progress.reported_after(after, limit=min(CATCH_UP_BATCH, limit - done))
            if not rows:
                break
            parsed = await asyncio.to_thread(_parse_reports, rows)
            for row, report in parsed:
                if report is not None:
                    await self._record(row.session_id, row.user_id, row.script_id,
                                       _practice(row.context_json), row.finished_at, report)
            after = rows[-1].session_id
            done += len(rows)
            await self.store.meta.set(CATCH_UP_KEY, str(after))
        return done

    # --- the chart ----------------------------------------------------------------------------

    async def interview_scores(self, user_id: int) -> list[InterviewScore]:
        """The user's latest `CHART_WINDOW` full interviews, oldest first."""
        rows = await self.store.progress.scores(user_id, limit=CHART_WINDOW)
        return [row.point(self._title(row.script_id)) for row in reversed(rows)]

    async def chart(self, user_id: int) -> Chart:
        scores = await self.interview_scores(user_id)
        total = await self.store.progress.count_scores(user_id) if len(scores) >= CHART_WINDOW else len(scores)
        return Chart(progress_chart(scores, DIMENSIONS, total=total), len(scores))

    async def render(self, chart: ProgressChart) -> bytes:
        """The chart drawn as a PNG, in a worker thread (Pillow is imported only now)."""
        from bot import charts

        return await asyncio.to_thread(charts.render, chart)

    async def chart_png(self, user_id: int) -> tuple[bytes | None, Chart]:
        """The user's chart drawn, or None with too few interviews."""
        chart = await self.chart(user_id)
        return (None if chart.chart is None else await self.render(chart.chart)), chart

    # --- practice with before and after ----------------------------------------------------------

    async def comparisons(self, session: InterviewSession,
                          report: Mapping[str, Any] | None = None) -> list[Comparison]:
        """For a finished practice run: each question retaken beside the attempt before it and
        the best so far. Empty for a question never answered before."""
        if not session.context.get("only_questions"):
            return []
        attempts = await self.store.progress.attempts_of(session.id)
        if not attempts and report is not None:  # the finish hook has not run (yet): from the report
            attempts = attempts_from_report(report, session_id=session.id, script_id=session.script_id,
                                            finished_at=session.finished_at or self.clock.now(),
                                            practice=True)
        found = []
        for after in attempts:
            before = await self.store.progress.previous_attempt(session.user_id, session.script_id,
                                                                after.question_id, session.id)
            if before is None:
                continue
            best_row = await self.store.progress.best(session.user_id, session.script_id, after.question_id)
            best = None
            if best_row is not None:
                best = await self.store.progress.attempt(best_row.best_session_id, after.question_id)
            found.append(compare_attempts(before, after, best, DIMENSIONS))
        return found

    async def still_weak(self, user_id: int, limit: int = WEAK_SHOWN) -> list[QuestionBest]:
        """Questions practised again whose best attempt is still under the bar, weakest first."""
        return await self.store.progress.weakest(user_id, limit=limit, practised_only=True, below=0.7)

    async def practice_suggestion(self, user_id: int) -> QuestionBest | None:
        return practice_pick(await self.store.progress.weakest(user_id, limit=10, below=0.7))

    # --- the weekly summary ------------------------------------------------------------------

    async def weekly(self, user_id: int, week_end: datetime) -> WeeklySummary:
        scores = await self.interview_scores(user_id)
        runs = await self.store.progress.count_scores(user_id, practice=True, since=week_end - WEEK,
                                                      until=week_end)
        bests = await self.store.progress.weakest(user_id, limit=10, below=0.7)
        return weekly_summary(week_end=week_end, interviews=scores, practice_runs=runs, bests=bests,
                              labels=DIMENSIONS)

    # --- questions to ask, picked ----------------------------------------------------------------

    async def picked_questions(self, user_id: int) -> set[str]:
        return await self.store.progress.picked_questions(user_id)

    async def pick_questions(self, user_id: int, shown: Sequence[str], chosen: Sequence[str]) -> set[str]:
        """Of the questions shown, exactly those chosen are picked; returns every pick."""
        now = self.clock.now()
        await self.store.users.ensure(user_id, now)
        await self.store.progress.set_picked(user_id, list(shown), [q for q in chosen if q in set(shown)], now)
        return await self.picked_questions(user_id)

    # --- readiness for a real interview -----------------------------------------------------------

    async def upcoming_interviews(self, user_id: int) -> list[FollowUpPlan]:
        """The user's real interviews still ahead (logged with `/followup add`), soonest first."""
        now = self.clock.now()
        plans = [p for p in await self.store.nudges.plans_for_user(user_id)
                 if p.kind == "interview" and p.details.get("interview_at")
                 and parse_time(p.details["interview_at"]) > now]
        return sorted(plans, key=lambda p: parse_time(p.details["interview_at"]))

    async def readiness(self, user_id: int, plan: FollowUpPlan) -> Readiness:
        """Where the user stands on the preparation steps for the interview of `plan`: its
        stage's checklist ticks for that company, mock interviews of that stage, STAR stories
        (for the job's requirements when a job description is given), questions picked."""
        details = plan.details
        stage = details.get("stage") or "second_round"
        company, role = details.get("company", ""), details.get("role", "")
        interview_at = parse_time(details["interview_at"])
        items = self._checklist_items(stage, company, role, interview_at)
        ticked = await self.store.checklists.done_items(user_id, checklist_key(stage, company))
        stories = story_texts({"title": s.title, "skills": s.skills, "situation": s.situation,
                               "task": s.task, "action": s.action, "result": s.result}
                              for s in await self.store.stories.for_user(user_id))
        scores = await self.interview_scores(user_id)
        mocks = []
        for s in scores:
            script = self.library.scripts.get(s.script_id)
            if script is not None:
                mocks.append(MockResult(s.script_id, script.stage, s.overall, s.finished_at))
        return readiness(stage=stage, company=company, interview_at=interview_at,
                         checklist_items=items, ticked=ticked, mocks=mocks, stories=stories,
                         requirements=await self._requirements(user_id, plan),
                         picked=len(await self.picked_questions(user_id)))

    async def _requirements(self, user_id: int, plan: FollowUpPlan) -> list[RequirementStory] | None:
        """The must-haves of the interview's job description (the one given with `/followup add`,
        else the latest saved for the same company), each with whether a story covers it; None
        when no job description is given."""
        if self.jobs is None:
            return None
        job_id = plan.details.get("job_id")
        saved = None
        if job_id:
            saved = await self._saved_job(user_id, str(job_id))
        if saved is None and plan.details.get("company"):
            company = " ".join(str(plan.details["company"]).split()).casefold()
            for record in await self.jobs.jobs(user_id):
                if record.company and " ".join(record.company.split()).casefold() == company:
                    saved = SavedJob(record, JobDescription.from_dict(record.reading))
                    break
        if saved is None:
            return None
        entries = await self.jobs.requirement_map(user_id, saved)
        must = [e for e in entries if e.requirement.kind == MUST] or entries
        return [RequirementStory(e.requirement.text, e.story is not None, e.chosen) for e in must]

    async def _saved_job(self, user_id: int, typed: str) -> SavedJob | None:
        from bot.services.jobs import JobNotFound

        try:
            return await self.jobs.job(user_id, typed) if self.jobs is not None else None
        except JobNotFound:
            return None  # deleted since the interview was logged

    def _checklist_items(self, stage: str, company: str, role: str, when: datetime) -> list[str]:
        name = f"checklists/{stage}.md.j2"
        if not self.library.renderer.exists(name):
            return []
        try:
            rendered = self.library.render(name, company=company, role=role, when=when, notes=[])
            return parse_checklist(rendered, name).item_ids
        except PrepContentError:
            log.warning("Checklist %s could not be read for the readiness view", name)
            return []


