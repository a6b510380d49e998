"""Job materials: the user's job descriptions and résumé, read into their parts and kept as the
user's own data, and the requirement map that pairs each requirement with a STAR story. Every
method takes the user's id and reaches only that user's rows: someone else's job, typed by id or
crafted, is not found, exactly as a missing one.

Files are read (and texts parsed) in a worker thread: a long PDF holds nobody up."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.clock import Clock
from bot.core.document_text import DocumentError, normalise_text
from bot.core.fields import FieldError
from bot.core.inputs import parse_record_id
from bot.core.job_description import JobDescription, read_job_description
from bot.core.job_fit import NO_STORY, MapEntry, job_context, map_lines, requirement_map, resume_context
from bot.core.models import StarStory
from bot.core.resume import Resume, read_resume
from bot.core.text import shorten
from bot.documents import extract_text
from bot.store import Store
from bot.store.jobs import StoredJob, StoredResume

MAX_JOBS = 25  # one autocomplete lists them all
PASTED = "pasted"


class JobNotFound(FieldError):
    """No such job among the user's own (the message is for the user)."""


@dataclass(frozen=True, slots=True)
class SavedJob:
    record: StoredJob
    job: JobDescription


@dataclass(frozen=True, slots=True)
class SavedResume:
    record: StoredResume
    resume: Resume


def _read_job(filename: str | None, data: bytes | None, text: str | None) -> tuple[str, JobDescription]:
    body = normalise_text(extract_text(filename or "", data or b"") if data is not None else (text or "")).strip()
    return body, read_job_description(body)


def _read_resume(filename: str | None, data: bytes | None, text: str | None) -> tuple[str, Resume]:
    body = normalise_text(extract_text(filename or "", data or b"") if data is not None else (text or "")).strip()
    return body, read_resume(body)


def _check_job(job: JobDescription) -> None:
    """The refusal of a text that is no job description (raises DocumentError)."""
    if not job.requirements and not job.responsibilities:
        raise DocumentError("I couldn't find any requirements or duties in that text, so it doesn't "
                            "look like a job description. Paste the whole advert, headings and all.")


def _check_resume(resume: Resume) -> None:
    if not resume.roles:
        raise DocumentError("I couldn't find any roles or achievements in that text, so it doesn't "
                            "look like a résumé. Include your work experience with its dates.")


def job_label(record: StoredJob) -> str:
    """How a job is named in lists and autocomplete (at most 100 characters)."""
    what = record.title or "Untitled role"
    where = f" at {record.company}" if record.company else ""
    return shorten(f"#{record.id} · {what}{where} · {record.created_at:%Y-%m-%d}", 100)


class JobService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # --- job descriptions ---------------------------------------------------------------

    async def add_job(self, user_id: int, *, text: str | None = None, filename: str | None = None,
                      data: bytes | None = None) -> SavedJob:
        """Read and keep a job description, pasted (`text`) or from a file (`filename`, `data`).
        Raises DocumentError (with a message for the user) and keeps nothing when it cannot be
        read, or when the user already keeps MAX_JOBS."""
        if await self.store.jobs.count(user_id) >= MAX_JOBS:
            raise DocumentError(f"You already keep {MAX_JOBS} job descriptions. Delete one with "
                                "`/prep job delete` first.")
        body, job = await asyncio.to_thread(_read_job, filename, data, text)
        _check_job(job)
        now = self.clock.now()
        await self.store.users.ensure(user_id, now)
        record = await self.store.jobs.add(
            user_id, title=job.title, company=job.company, source=filename or PASTED, body=body,
            reading=job.to_dict(), now=now)
        return SavedJob(record, job)

    async def jobs(self, user_id: int) -> list[StoredJob]:
        return await self.store.jobs.for_user(user_id)

    async def job(self, user_id: int, typed: str | None) -> SavedJob:
        """One of the user's jobs, by the id they picked ("3" or "#3"); their latest when none
        is given."""
        if typed is None or not typed.strip():
            latest = await self.store.jobs.for_user(user_id)
            if not latest:
                raise JobNotFound("You have no job descriptions yet. Add one with `/prep job add`.")
            record = latest[0]
        else:
            job_id = parse_record_id(typed.strip())
            record = await self.store.jobs.get(job_id, user_id) if job_id is not None else None
            if record is None:
                raise JobNotFound("I could not find that job description among yours. Pick one from "
                                  "the list (`/prep job list`).")
        return SavedJob(record, JobDescription.from_dict(record.reading))

    async def job_choices(self, user_id: int, typed: str = "", *, limit: int = 25) -> list[tuple[str, str]]:
        """(label, value) of the user's jobs whose label contains what they typed, newest first."""
        text = typed.strip().lower().lstrip("#")
        choices = [(job_label(r), str(r.id)) for r in await self.store.jobs.for_user(user_id)]
        return [c for c in choices if text in c[0].lower()][:limit]

    async def delete_job(self, user_id: int, typed: str) -> StoredJob:
        saved = await self.job(user_id, typed)
        if not await self.store.jobs.delete(saved.record.id, user_id):
            raise JobNotFound("That job description is already gone.")
        return saved.record

    # --- the requirement map ------------------------------------------------------------

    async def requirement_map(self, user_id: int, saved: SavedJob) -> list[MapEntry]:
        stories = await self.store.stories.for_user(user_id)
        chosen = await self.store.jobs.matches(saved.record.id, user_id)
        return requirement_map(saved.job, stories, chosen)

    async def accept_suggestions(self, user_id: int, typed: str) -> tuple[SavedJob, int]:
        """Keep every suggested story as the candidate's choice; returns how many were accepted."""
        saved = await self.job(user_id, typed)
        entries = await self.requirement_map(user_id, saved)
        picked = {e.index: e.story.id for e in entries if e.status == "suggested" and e.story is not None}
        if picked:
            await self.store.jobs.set_matches(saved.record.id, user_id, picked, self.clock.now())
        return saved, len(picked)

    async def match(self, user_id: int, typed_job: str, typed_requirement: str,
                    typed_story: str | None) -> tuple[SavedJob, MapEntry]:
        """Pair one requirement with one of the user's stories, or with none ("none" / empty)."""
        saved = await self.job(user_id, typed_job)
        index = parse_record_id(typed_requirement.strip())
        if index is None or not 1 <= index <= len(saved.job.requirements):
            raise JobNotFound("Pick a requirement from the list.")
        story_id = NO_STORY
        if typed_story and typed_story.strip().lower() not in ("", "none", "0"):
            story_id = parse_record_id(typed_story.strip()) or -1
            if await self.store.stories.get(story_id, user_id) is None:
                raise JobNotFound("I could not find that story in your bank. Pick one from the list.")
        await self.store.jobs.set_matches(saved.record.id, user_id, {index - 1: story_id}, self.clock.now())
        entries = await self.requirement_map(user_id, saved)
        return saved, next(e for e in entries if e.index == index - 1)

    async def requirement_choices(self, user_id: int, typed_job: str | None, typed: str = "",
                                  *, limit: int = 25) -> list[tuple[str, str]]:
        try:
            saved = await self.job(user_id, typed_job)
        except JobNotFound:
            return []
        text = typed.strip().lower()
        choices = [(shorten(f"{i}. {'Must' if r.kind == 'must' else 'Nice'}: {r.text}", 100), str(i))
                   for i, r in enumerate(saved.job.requirements, start=1)]
        return [c for c in choices if text in c[0].lower()][:limit]

    async def story_choices(self, user_id: int, typed: str = "", *, limit: int = 25) -> list[tuple[str, str]]:
        text = typed.strip().lower()
        stories: Sequence[StarStory] = await self.store.stories.for_user(user_id)
        choices = [("No story fits this yet", "none")] + [(shorten(s.title, 100), str(s.id)) for s in stories]
        return [c for c in choices if text in c[0].lower()][:limit]

    async def checklist_map(self, user_id: int, job_id: int | None) -> list[dict[str, Any]]:
        """The must-haves of a plan's job and their stories, for the day-before checklist; empty
        when the plan has no job or it was deleted since."""
        if not job_id:
            return []
        record = await self.store.jobs.get(int(job_id), user_id)
        if record is None:
            return []
        saved = SavedJob(record, JobDescription.from_dict(record.reading))
        return map_lines(await self.requirement_map(user_id, saved))

    # --- the résumé ---------------------------------------------------------------------

    async def save_resume(self, user_id: int, *, text: str | None = None, filename: str | None = None,
                          data: bytes | None = None) -> SavedResume:
        """Read and keep the user's résumé (replacing the one kept before). Raises DocumentError
        and keeps nothing when it cannot be read."""
        body, resume = await asyncio.to_thread(_read_resume, filename, data, text)
        _check_resume(resume)
        now = self.clock.now()
        await self.store.users.ensure(user_id, now)
        record = await self.store.jobs.save_resume(user_id, source=filename or PASTED, body=body,
                                                   reading=resume.to_dict(), now=now)
        return SavedResume(record, resume)

    async def resume(self, user_id: int) -> SavedResume | None:
        record = await self.store.jobs.resume(user_id)
        return SavedResume(record, Resume.from_dict(record.reading)) if record else None

    async def delete_resume(self, user_id: int) -> bool:
        return await self.store.jobs.delete_resume(user_id)

    # --- what a mock interview is given -------------------------------------------------

    async def job_for_one_interview(self, user_id: int, *, filename: str,
                                    data: bytes) -> tuple[JobDescription, dict[str, Any]]:
        """A job description read from a file for one interview, not kept (the terminal's
        `--job`): the same reading and the same refusal as `add_job`, its requirements matched
        against the user's story bank. Returns the reading and the `job` for the context."""
        _, job = await asyncio.to_thread(_read_job, filename, data, None)
        _check_job(job)
        stories = await self.store.stories.for_user(user_id)
        return job, job_context(job, requirement_map(job, stories))

    async def resume_for_one_interview(self, *, filename: str, data: bytes) -> tuple[Resume, dict[str, Any]]:
        """A résumé read from a file for one interview, not kept (the terminal's `--resume-file`),
        refused as `save_resume` refuses it. Returns the reading and the `resume` for the context."""
        _, resume = await asyncio.to_thread(_read_resume, filename, data, None)
        _check_resume(resume)
        return resume, resume_context(resume)

    async def interview_materials(self, user_id: int, typed_job: str | None) -> dict[str, Any]:
        """The `job` (when one was picked) and `resume` (when one is kept) for an interview's
        context, as scripts see them."""
        materials: dict[str, Any] = {}
        if typed_job is not None and typed_job.strip():
            saved = await self.job(user_id, typed_job)
            materials["job"] = job_context(saved.job, await self.requirement_map(user_id, saved))
        resume = await self.resume(user_id)
        if resume is not None and resume.resume.roles:
            materials["resume"] = resume_context(resume.resume)
        return materials
