"""Sample contexts for rendering each message template in `check-prompts` and tests.

A template under prompts/ that is not listed here is rendered with the generic context."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.feedback import ScoredAnswer, analyze_answer, build_report
from bot.core.job_fit import job_coverage, resume_use
from bot.core.panel import Interviewer, panel_facts
from bot.core.scripts import sample_job, sample_resume

_WHEN = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def _scored(number: int, question_id: str, category: str, question: str, text: str,
            length: tuple[int, int]) -> ScoredAnswer:
    analysis = analyze_answer(text, question=question, company="Acme", values=["ownership"],
                              category=category, role="Data Analyst", length=length) if text else None
    return ScoredAnswer(question_id, number, category, question, text, not text, 60 if text else 3,
                        length, analysis)


def sample_report() -> dict[str, Any]:
    """A report with strengths, three things to work on, a skipped question and questions asked."""
    story = ("At my last company our onboarding took 3 weeks. I was asked to fix it. I mapped "
             "every step, I automated the account set-up and as a result it takes 2 days now.")
    scored = [
        _scored(1, "walkthrough", "qualifications", "Walk me through it.", story, (80, 200)),
        _scored(2, "skipped_one", "behavioural", "Tell me about a failure.", "", (120, 300)),
        _scored(3, "salary", "salary_benefits", "What salary range are you looking for?",
                "idk, I'd accept anything really.", (20, 90)),
        _scored(4, "leaving", "leaving_job", "Why are you leaving your current job?",
                "My boss is incompetent and the company is a mess, honestly.", (30, 120)),
        _scored(5, "why_us", "motivation", "Why do you want to join Acme?",
                "Probably the culture, I guess. I'm not sure, maybe the people.", (40, 150)),
        _scored(6, "my_questions", "candidate_questions", "What would you like to ask?",
                "How is success measured in the first 90 days? Who would I work with?", (20, 120)),
    ]
    report = build_report(scored, company="Acme", values=["ownership"])
    report["panel"] = panel_facts(
        [Interviewer("Dana Lee", "Head of Data", "senior_leader"), Interviewer("Ravi Patel", "", "hiring_manager"),
         Interviewer("Mo Okafor", "People Partner", "people_partner"),
         Interviewer("Jo Kim", "Chief Wizard", "senior_leader")],
        [{"number": s.number, "question_id": s.question_id, "category": s.category, "category_label": s.category,
          "text": s.text, "skipped": s.skipped, "score": s.analysis.overall if s.analysis else None,
          "key_point": s.analysis.key_point if s.analysis else ""} for s in scored],
        [0, 0, 2, 1, 0, 1])
    job = sample_job()
    report["job_coverage"] = job_coverage(scored, job)
    report["job_coverage"]["covered"].append({"requirement": "Strong SQL and Python", "question_number": 1,
                                              "quote": "I rebuilt the pipeline in SQL."})
    # As a practice run lists a must-have its question named but the answer did not cover.
    report["job_coverage"]["untouched"].append({"requirement": "Stakeholder management", "question_number": 2})
    report["resume_use"] = [*resume_use(scored, sample_resume()),
                            {"bullet": "Grew revenue by 20%", "employer": "Initech", "status": "contradicted",
                             "question_number": 1, "quote": "", "resume_figure": "20%", "said_figure": "35%"},
                            {"bullet": "Led a team of 4", "employer": "", "status": "unused"},
                            {"bullet": "Cut costs by 10%", "employer": "", "status": "unused", "question_number": 2}]
    return report


def sample_delivery() -> dict[str, Any]:
    """A report's delivery section: one question answered by voice, with a pause and fillers."""
    from bot.core.delivery import TimedWord, Transcription, delivery_report, measure_delivery

    text = "So um at my last company I rebuilt the reporting pipeline and it now takes four hours"
    words = text.split(" ")
    timed = [TimedWord(w, 2.0 + i * 0.4 + (2.0 if i > 8 else 0.0), 2.3 + i * 0.4 + (2.0 if i > 8 else 0.0))
             for i, w in enumerate(words)]
    heard = Transcription(" ".join(words), 12.0, tuple(timed))
    return delivery_report([(1, "walkthrough", "Walk me through it.", measure_delivery(heard, length=(80, 200)))])


def legacy_report() -> dict[str, Any]:
    """A report stored before the per-answer notes existed: templates must still render it."""
    return {
        "complete": True, "overall": 0.54, "answered": 2, "skipped": [], "total": 2,
        "dimensions": [{"key": "structure", "label": "Structure (STAR)", "score": 0.6},
                       {"key": "questions", "label": "Your questions for them", "score": None}],
        "strengths": [{"dimension": "structure", "label": "Structure (STAR)", "score": 0.8,
                       "question_number": 1, "example": "Covers situation, task, action and result."}],
        "improvements": [{"dimension": "specificity", "label": "Specific evidence", "gap": 0.5,
                          "question_number": 2, "question_id": "q2", "question": "Why us?",
                          "suggestion": "Add one number."}],
        "total_words": 120, "speaking_minutes": 0.9, "filler_per_100": 1.0,
        "candidate_questions": None, "weakest_questions": ["q2"],
    }


def generic_context() -> dict[str, Any]:
    return {
        "candidate": "Sam", "role": "Data Analyst", "company": "Acme", "stage": "final",
        "stage_label": "Final round", "when": _WHEN, "now": _WHEN,
        "interviewer": {"name": "Dana Lee", "title": "Head of Data"},
        "interviewers": [{"name": "Dana Lee", "title": "Head of Data"}],
        "values": ["ownership"], "notes": [], "report": sample_report(),
        "script": {"id": "final", "title": "Final interview", "stage": "final",
                   "stage_label": "Final round", "minutes": 45,
                   "description": "The last conversation before an offer."},
        "total": 12, "late": False, "entries": [], "practice": False, "preparation_minutes": 0,
        "commands": [("interview start", "Start a mock interview"), ("help", "How to use the bot")],
        "scripts": [],
    }


_NOTES = [
    {"stage": "second_round", "date": _WHEN - timedelta(days=10), "interviewers": "Dana Lee",
     "notes": "Asked about stakeholder management.", "feedback": "Wanted more numbers."},
    {"stage": "", "date": None, "interviewers": "", "notes": "", "feedback": ""},
]
_EXTRA: dict[str, dict[str, Any]] = {
    "nudges/day_before.md.j2": {"items": ["Reread the CV and cover letter you sent Acme"], "job_map": [
        {"requirement": "5+ years running pricing experiments", "kind": "must", "status": "chosen",
         "story": "Repriced the Pro plan"},
        {"requirement": "Strong SQL", "kind": "must", "status": "suggested", "story": "Rebuilt reporting"},
        {"requirement": "Experience presenting to executives", "kind": "must", "status": "none", "story": ""}]},
    "nudges/thank_you.md.j2": {"deadline": _WHEN + timedelta(hours=24), "greeting": "Dana", "drafts": [
        {"name": "Dana Lee", "title": "Head of Data", "greeting": "Dana", "kind": kind}
        for kind in ("senior_leader", "people_partner", "technical_lead", "peer", "hiring_manager")]},
    "nudges/check_in.md.j2": {"interview_date": _WHEN - timedelta(days=7), "greeting": "Dana"},
    "nudges/practice_again.md.j2": {"script_title": "Final interview", "questions": [
        {"number": 3, "text": "Tell me about a failure.", "label": "Specific evidence"}]},
}
_ANSWER_NOTES = "reports/answer_notes.md.j2"
# Mentor and peer mock interviews (bot.services.mocks): every variant of these gets these too.
_MOCKS: dict[str, list[dict[str, Any]]] = {
    "nudges/mock_reminder.md.j2": [
        {"mock_role": "candidate", "other": "<@2>", "script_title": "Final interview", "thread": "<#3>"},
        {"mock_role": "interviewer", "other": "<@1>", "script_title": "Final interview", "thread": ""}],
    "reports/mock_scores.md.j2": [
        {"questions": [{"number": 1, "text": "Why Acme?", "note": "Good *energy*, @everyone",
                        "average": 3.5, "scores": [{"point": "names the company", "score": 4},
                                                   {"point": "links it to their goals", "score": 3}]}],
         "overall": 3.5, "for_candidate": True, "interviewer": "<@2>", "candidate": "<@1>",
         "script_title": "Final interview"},
        {"questions": [], "overall": None, "for_candidate": False, "interviewer": "<@2>",
         "candidate": "<@1>", "script_title": "Final interview"}],
    "messages/mock_intro.md.j2": [
        {"candidate": "<@1>", "interviewer": "<@2>", "script_title": "Final interview",
         "stage_label": "Final round", "when": _WHEN, "company": "Acme"},
        {"candidate": "<@1>", "interviewer": "<@2>", "script_title": "Final interview",
         "stage_label": "Final round", "when": None, "company": ""}],
    "messages/mock_ended.md.j2": [
        {"candidate": "<@1>", "interviewer": "<@2>", "ended_early": True},
        {"candidate": "<@1>", "interviewer": "<@2>", "ended_early": False}],
}


def _weekly_samples() -> list[dict[str, Any]]:
    """A busy week with a suggestion, and a quiet week with nothing to suggest."""
    from bot.core.feedback import DIMENSIONS
    from bot.core.progress import InterviewScore, QuestionBest
    from bot.core.weekly import weekly_summary

    week_end = _WHEN
    scores = [InterviewScore(i, "final", "Final interview", week_end - timedelta(days=12 - 2 * i),
                             0.4 + 0.05 * i, {k: 0.3 + 0.06 * i for k in DIMENSIONS}) for i in range(6)]
    best = QuestionBest("final", "why_us", "Why do you want to join Acme?", 3, 0.52, 5, 0.48, 2, True)
    busy = weekly_summary(week_end=week_end, interviews=scores, practice_runs=2, bests=[best],
                          labels=DIMENSIONS)
    quiet = weekly_summary(week_end=week_end, interviews=[], practice_runs=0, bests=[], labels=DIMENSIONS)
    return [{"summary": busy, "suggestion_text": best.question_text},
            {"summary": quiet, "suggestion_text": ""}]


def _comparison_samples() -> list[dict[str, Any]]:
    from bot.core.feedback import DIMENSIONS
    from bot.core.progress import Attempt, compare_attempts

    note = {"kind": "fix", "dimension": "specificity", "label": "Specific evidence", "signal": "",
            "text": "Add one number that shows the result.", "quote": ""}
    before = Attempt(1, "final", "why_us", "Why do you want to join Acme?", 0.45,
                     {"structure": 0.4, "specificity": 0.3, "relevance": 0.7}, (note,), _WHEN)
    after = Attempt(2, "final", "why_us", "Why do you want to join Acme?", 0.66,
                    {"structure": 0.7, "specificity": 0.32, "relevance": 0.6}, (), _WHEN, practice=True)
    return [{"comparisons": [compare_attempts(before, after, None, DIMENSIONS)]}, {"comparisons": []}]


def _readiness_samples() -> list[dict[str, Any]]:
    from bot.core.readiness import MockResult, RequirementStory, StoryText, readiness

    items = ["review_application", "own_questions", "mock_interview"]
    full = readiness(stage="final", company="Acme", interview_at=_WHEN, checklist_items=items,
                     ticked=["own_questions"], mocks=[MockResult("final", "final", 0.62, _WHEN)],
                     stories=[StoryText("Cut onboarding time", "process automation")],
                     requirements=[RequirementStory("SQL and dashboards", True, True),
                                   RequirementStory("Presenting to executives", True),
                                   RequirementStory("stakeholder management", False)])
    bare = readiness(stage="second_round", company="Acme", interview_at=_WHEN, checklist_items=[],
                     ticked=[], mocks=[], stories=[])
    return [{"readiness": full, "role": "Data Analyst", "days_left": 0.5},
            {"readiness": bare, "role": "", "days_left": 4.0}]
def _job_samples() -> list[dict[str, Any]]:
    from bot.core.job_description import read_job_description

    job = read_job_description(
        "Pricing Analyst at Acme\n\nWhat you'll do\n- Run pricing experiments\n\nRequirements\n"
        "- 3+ years of SQL\n- Experience presenting to executives\n\nNice to have\n- Looker\n\n"
        "Our values\n- Ownership: we finish what we start").to_dict()
    entries = [{"number": 1, "requirement": "3+ years of SQL", "kind": "must", "status": "chosen",
                "story": "Rebuilt reporting"},
               {"number": 2, "requirement": "Experience presenting to executives", "kind": "must",
                "status": "suggested", "story": "Board update"},
               {"number": 3, "requirement": "A degree", "kind": "must", "status": "none", "story": ""},
               {"number": 4, "requirement": "Looker", "kind": "nice", "status": "none", "story": ""}]
    bare = dict(job, title="", company="", responsibilities=[], skills=[], seniority=[], values=[],
                headings=False)
    return [dict(job=job, entries=entries, number=3, source="pasted"),
            dict(job=bare, entries=[], number=4, source="advert.pdf")]


def _resume_samples() -> list[dict[str, Any]]:
    from bot.core.resume import read_resume

    resume = read_resume("Experience\nAnalyst | Globex | 2021 - Present\n- Cut onboarding time by 40% by "
                         "automating set-up\n- Answered customer emails every day").to_dict()
    strongest = [{"text": "Cut onboarding time by 40% by automating set-up", "employer": "Globex"}]
    return [dict(resume=resume, strongest=strongest, source="cv.docx"),
            dict(resume={"roles": [{"title": "", "employer": "", "dates": "", "bullets": []}]},
                 strongest=[], source="pasted")]


def sample_for(name: str) -> list[dict[str, Any]]:
    """One or more contexts to render template `name` with: full and sparse variants."""
    if name in _MOCKS:
        return [dict(variant, **extra) for variant in _sample_for(name) for extra in _MOCKS[name]]
    return _sample_for(name)


def _sample_for(name: str) -> list[dict[str, Any]]:
    base = generic_context()
    if name == "nudges/weekly_summary.md.j2":
        return [dict(base, **extra) for extra in _weekly_samples()]
    if name == "reports/practice_compare.md.j2":
        return [dict(base, **extra) for extra in _comparison_samples()]
    if name == "prep/readiness.md.j2":
        return [dict(base, **extra) for extra in _readiness_samples()]
    if name.startswith(("nudges/", "checklists/", "tips/")):
        variants = []
        for full in (True, False):
            ctx = dict(base, interviewer="Dana Lee" if full else "",
                       company="Acme" if full or not name.startswith("tips/") else "",
                       role="Data Analyst" if full else "", stage="final" if full else "any",
                       notes=_NOTES if full else [],
                       when=_WHEN if full or not name.startswith("checklists/") else None)
            ctx.update(_EXTRA.get(name, {}))
            variants.append(ctx)
        if name == "nudges/thank_you.md.j2":  # one person (or none) met: the single draft
            variants.append(dict(variants[0], drafts=[]))
        return variants
    if name == "messages/voice_heard.md.j2":
        return [dict(base, transcript="I rebuilt the pipeline.\nIt takes four hours now.", seconds=12.4,
                     notes=["Steady pace: 140 words a minute."]),
                dict(base, transcript="Yes.", seconds=1.0, notes=[])]
    if name == "jobs/job.md.j2":
        return _job_samples()
    if name == "jobs/resume.md.j2":
        return _resume_samples()
    if name == _ANSWER_NOTES:
        return [dict(base, title="Final interview", answers=sample_report()["answers"]),
                dict(base, title="Final interview", answers=[])]
    variants = [base]
    if name == "messages/interview_intro.md.j2":  # no panel; a panel of four with a case exercise; a job
        variants.append(dict(base, job=sample_job(), resume=sample_resume()))
        variants.append(dict(base, interviewers=[], preparation_minutes=0))
        variants.append(dict(base, preparation_minutes=15, interviewers=[
            {"name": n, "title": t} for n, t in (("Dana Lee", "Head of Data"), ("Ravi Patel", ""),
                                                 ("Mo Okafor", "People Partner"), ("Jo Kim", "Chief Wizard"))]))
    if name == "reports/transcript.md.j2":  # questions asked by a panel, a case brief with and without notes
        asker = {"name": "Dana Lee", "title": "Head of Data", "kind": "senior_leader"}
        entry = {"number": 1, "question_id": "q", "category": "opening", "category_label": "Opening",
                 "question": "Hello.", "answer": "Hi.", "skipped": False, "seconds": 3, "probes": [],
                 "analysis": None, "score": None, "notes": [], "asker": asker, "handover": "", "prepares": False}
        variants.append(dict(base, entries=[
            entry, dict(entry, number=2, asker=dict(asker, name="Ravi Patel", title=""),
                        handover="Dana hands over to Ravi Patel.", prepares=True, answer=""),
            dict(entry, number=3, prepares=True, answer="notes", probes=[{"question": "Why?", "answer": "Because.",
                                                                            "skipped": False}])]))
    if name.startswith("reports/"):
        empty = dict(base)
        empty["report"] = build_report([], company="", values=[])
        variants.append(empty)
        variants.append(dict(base, report=legacy_report()))
        variants.append(dict(base, report={**sample_report(), "delivery": sample_delivery()}))
        variants.append(dict(base, report={**sample_report(), "delivery": sample_delivery()}, terminal=True))
    return variants
