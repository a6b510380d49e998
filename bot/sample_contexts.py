"""Sample contexts for rendering each message template in `check-prompts` and tests.

A template under prompts/ that is not listed here is rendered with the generic context."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.feedback import ScoredAnswer, analyze_answer, build_report

_WHEN = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def sample_report() -> dict[str, Any]:
    text = ("At my last company our onboarding took 3 weeks. I was asked to fix it. I mapped "
            "every step, I automated the account set-up and as a result it takes 2 days now.")
    scored = [
        ScoredAnswer("walkthrough", 1, "qualifications", "Walk me through it.", text, False, 95,
                     (80, 200), analyze_answer(text, company="Acme", length=(80, 200))),
        ScoredAnswer("skipped_one", 2, "behavioural", "Tell me about a failure.", "", True, 3,
                     (120, 300), None),
        ScoredAnswer("my_questions", 3, "candidate_questions", "What would you like to ask?",
                     "How is success measured in the first 90 days? Who would I work with?",
                     False, 40, (20, 120), None),
    ]
    return build_report(scored, company="Acme", values=["ownership"])


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
        "total": 12, "late": False, "entries": [], "practice": False,
        "commands": [("interview start", "Start a mock interview"), ("help", "How to use the bot")],
        "scripts": [],
    }


_NOTES = [
    {"stage": "second_round", "date": _WHEN - timedelta(days=10), "interviewers": "Dana Lee",
     "notes": "Asked about stakeholder management.", "feedback": "Wanted more numbers."},
    {"stage": "", "date": None, "interviewers": "", "notes": "", "feedback": ""},
]
_EXTRA: dict[str, dict[str, Any]] = {
    "nudges/day_before.md.j2": {"items": ["Reread the CV and cover letter you sent Acme"]},
    "nudges/thank_you.md.j2": {"deadline": _WHEN + timedelta(hours=24), "greeting": "Dana"},
    "nudges/check_in.md.j2": {"interview_date": _WHEN - timedelta(days=7), "greeting": "Dana"},
    "nudges/practice_again.md.j2": {"script_title": "Final interview", "questions": [
        {"number": 3, "text": "Tell me about a failure.", "label": "Specific evidence"}]},
}


def sample_for(name: str) -> list[dict[str, Any]]:
    """One or more contexts to render template `name` with: full and sparse variants."""
    base = generic_context()
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
        return variants
    variants = [base]
    if name.startswith("reports/"):
        empty = dict(base)
        empty["report"] = build_report([], company="", values=[])
        variants.append(empty)
    return variants
