"""The job materials service against a real SQLite file: only ever the user's own job
descriptions and résumé, nothing kept from a refused document, and the requirement map."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from documents_support import JOB_WITH_HEADINGS, RESUME_TEXT, job_docx, pdf_bytes

from bot.core.clock import ManualClock
from bot.core.document_text import DocumentError
from bot.core.stories import clean_story
from bot.services.jobs import MAX_JOBS, JobNotFound, JobService
from bot.store import Store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ALICE, BOB = 1, 2


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


@pytest.fixture
def jobs(store: Store) -> JobService:
    return JobService(store, ManualClock(NOW))


async def add_story(store: Store, user_id: int, title_and_skills: str) -> int:
    await store.users.ensure(user_id, NOW)
    fields = clean_story(title_and_skills=title_and_skills, situation="At my last job.", task="Fix it.",
                         action="I did.", result="It worked.")
    return (await store.stories.add(user_id, now=NOW, **fields)).id


async def test_pasted_and_attached_jobs_are_kept_with_what_was_read(jobs: JobService, store: Store) -> None:
    pasted = await jobs.add_job(ALICE, text=JOB_WITH_HEADINGS)
    assert pasted.record.title == "Senior Pricing Analyst" and pasted.record.source == "pasted"
    attached = await jobs.add_job(ALICE, filename="advert.docx", data=job_docx())
    assert attached.record.source == "advert.docx" and attached.job.company == "Brightwave"
    pdf = await jobs.add_job(ALICE, filename="advert.pdf", data=pdf_bytes(JOB_WITH_HEADINGS.splitlines()))
    assert pdf.job.must_have == pasted.job.must_have
    assert [j.id for j in await jobs.jobs(ALICE)] == [pdf.record.id, attached.record.id, pasted.record.id]
    assert (await jobs.job(ALICE, f"#{pasted.record.id}")).job == pasted.job  # read back as stored


async def test_refused_documents_keep_nothing(jobs: JobService, store: Store) -> None:
    for kwargs in ({"text": "Hello there, this is just a note to a friend about the weekend plans."},
                   {"filename": "scan.pdf", "data": pdf_bytes(None)},
                   {"filename": "photo.png", "data": b"\x89PNG"}):
        with pytest.raises(DocumentError):
            await jobs.add_job(ALICE, **kwargs)
    with pytest.raises(DocumentError):
        await jobs.save_resume(ALICE, text="Just a sentence that is long enough but lists no roles at all here.")
    assert await store.jobs.count(ALICE) == 0 and await store.jobs.resume(ALICE) is None


async def test_the_job_list_is_capped(jobs: JobService, store: Store) -> None:
    for _ in range(MAX_JOBS):
        await jobs.add_job(ALICE, text=JOB_WITH_HEADINGS)
    with pytest.raises(DocumentError, match="Delete one"):
        await jobs.add_job(ALICE, text=JOB_WITH_HEADINGS)
    assert await store.jobs.count(ALICE) == MAX_JOBS


async def test_nobody_else_reaches_a_job(jobs: JobService) -> None:
    saved = await jobs.add_job(ALICE, text=JOB_WITH_HEADINGS)
    for typed in (str(saved.record.id), f"#{saved.record.id}"):
        with pytest.raises(JobNotFound):
            await jobs.job(BOB, typed)
        with pytest.raises(JobNotFound):
            await jobs.delete_job(BOB, typed)
        with pytest.raises(JobNotFound):
            await jobs.interview_materials(BOB, typed)
        with pytest.raises(JobNotFound):
            await jobs.accept_suggestions(BOB, typed)
    with pytest.raises(JobNotFound):
        await jobs.job(ALICE, "pricing")  # not an id
    assert await jobs.job_choices(BOB, "") == []
    assert await jobs.requirement_choices(BOB, str(saved.record.id)) == []
    [(label, value)] = await jobs.job_choices(ALICE, "pricing")
    assert value == str(saved.record.id) and len(label) <= 100
    assert (await jobs.job(ALICE, str(saved.record.id))).record.id == saved.record.id


async def test_suggestions_accepted_and_a_match_changed(jobs: JobService, store: Store) -> None:
    pricing = await add_story(store, ALICE, "Repriced the Pro plan | pricing experiments")
    other = await add_story(store, ALICE, "Won over the board | presenting to executives, communication")
    bob_story = await add_story(store, BOB, "Bob's story | SQL")
    saved = await jobs.add_job(ALICE, text=JOB_WITH_HEADINGS)
    job_id = str(saved.record.id)
    entries = await jobs.requirement_map(ALICE, saved)
    assert [(e.status, e.story.id if e.story else None) for e in entries[:3]] == [
        ("suggested", pricing), ("none", None), ("suggested", other)]
    _, accepted = await jobs.accept_suggestions(ALICE, job_id)
    assert accepted == 2
    assert [e.status for e in (await jobs.requirement_map(ALICE, saved))[:3]] == ["chosen", "none", "chosen"]
    _, entry = await jobs.match(ALICE, job_id, "2", str(pricing))
    assert entry.story is not None and entry.story.id == pricing and entry.chosen
    _, entry = await jobs.match(ALICE, job_id, "1", "none")
    assert entry.story is None and entry.chosen
    with pytest.raises(JobNotFound):
        await jobs.match(ALICE, job_id, "2", str(bob_story))  # someone else's story
    with pytest.raises(JobNotFound):
        await jobs.match(ALICE, job_id, "99", "none")
    lines = await jobs.checklist_map(ALICE, saved.record.id)
    assert [(m["status"], m["story"]) for m in lines] == [
        ("none", ""), ("chosen", "Repriced the Pro plan"), ("chosen", "Won over the board")]
    assert await jobs.checklist_map(BOB, saved.record.id) == []


async def test_resume_is_replaced_and_given_to_interviews(jobs: JobService, store: Store) -> None:
    first = await jobs.save_resume(ALICE, text=RESUME_TEXT)
    assert first.resume.roles[0].employer == "Acme Corp"
    materials = await jobs.interview_materials(ALICE, None)
    assert set(materials) == {"resume"}
    assert materials["resume"]["strongest"][0]["text"] == "Cut onboarding time by 40% by automating account set-up"
    await jobs.save_resume(ALICE, text="Experience\nChef | Bistro | 2019 - 2022\n- Cut food waste by 30%")
    assert (await jobs.resume(ALICE)).resume.roles[0].title == "Chef"  # replaced, one per user
    job = await jobs.add_job(ALICE, text=JOB_WITH_HEADINGS)
    materials = await jobs.interview_materials(ALICE, str(job.record.id))
    assert materials["job"]["must_have"][0] == "5+ years of experience running pricing experiments"
    assert await jobs.interview_materials(BOB, None) == {}
    assert await jobs.delete_resume(ALICE) and await jobs.resume(ALICE) is None


async def test_privacy_export_and_delete_include_job_materials(jobs: JobService, store: Store) -> None:
    story = await add_story(store, ALICE, "Repriced | pricing experiments")
    saved = await jobs.add_job(ALICE, text=JOB_WITH_HEADINGS)
    await jobs.match(ALICE, str(saved.record.id), "1", str(story))
    await jobs.save_resume(ALICE, text=RESUME_TEXT)
    await jobs.add_job(BOB, text=JOB_WITH_HEADINGS)
    exported = await store.export_user(ALICE)
    assert [r["title"] for r in exported["job_descriptions"]] == ["Senior Pricing Analyst"]
    assert exported["job_descriptions"][0]["body"] == JOB_WITH_HEADINGS.strip()
    assert len(exported["job_story_matches"]) == 1 and len(exported["resumes"]) == 1
    removed = await store.delete_user(ALICE)
    assert removed["job_descriptions"] == 1 and removed["resumes"] == 1 and removed["job_story_matches"] == 1
    assert await jobs.jobs(ALICE) == [] and await jobs.resume(ALICE) is None
    assert len(await jobs.jobs(BOB)) == 1  # someone else's stay


async def test_a_job_for_one_interview_is_read_matched_and_refused_like_a_kept_one(
        jobs: JobService, store: Store) -> None:
    await add_story(store, ALICE, "Repriced the Pro plan | pricing experiments, A/B testing")
    job, context = await jobs.job_for_one_interview(ALICE, filename="advert.txt", data=JOB_WITH_HEADINGS.encode())
    assert job.title == "Senior Pricing Analyst"
    assert context["with_story"] == ["5+ years of experience running pricing experiments"]
    for data in (b"Hello there, this is just a note to a friend about the weekend plans.", b"   "):
        with pytest.raises(DocumentError):
            await jobs.job_for_one_interview(ALICE, filename="diary.txt", data=data)
    resume, used = await jobs.resume_for_one_interview(filename="cv.md", data=RESUME_TEXT.encode())
    assert resume.roles[0].employer == "Acme Corp" and used["strongest"]
    with pytest.raises(DocumentError):
        await jobs.resume_for_one_interview(filename="cv.txt", data=b"No roles in this text at all, only words.")
    assert await store.jobs.count(ALICE) == 0 and await store.jobs.resume(ALICE) is None  # nothing kept
