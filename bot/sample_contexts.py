"""Sample contexts for rendering each message template in `check-prompts` and tests.

A template under prompts/ that is not listed here is rendered with the generic context."""

from __future__ import annotations

from datetime import UTC, datetime
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
        "total": 12, "late": False, "entries": [],
    }


def sample_for(name: str) -> list[dict[str, Any]]:
    """One or more contexts to render template `name` with."""
    base = generic_context()
    variants = [base]
    if name.startswith("reports/"):
        empty = dict(base)
        empty["report"] = build_report([], company="", values=[])
        variants.append(empty)
    return variants
