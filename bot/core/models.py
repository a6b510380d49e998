"""Plain records shared by the core, the store and the adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SESSION_STATUSES = ("active", "paused", "finished", "abandoned")
OPEN_STATUSES = ("active", "paused")


@dataclass(slots=True)
class User:
    user_id: int
    time_zone: str | None
    nudges_enabled: bool | None
    pending_notice: str | None
    created_at: datetime


@dataclass(slots=True)
class AnswerPart:
    id: int
    answer_id: int
    text: str
    source: str
    source_id: str | None
    attachments: list[str]
    received_at: datetime


@dataclass(slots=True)
class Answer:
    """One question put to the candidate (a question or a probe) and what they said."""

    id: int
    session_id: int
    question_id: str
    probe_index: int
    category: str
    question_text: str
    asked_at: datetime
    finished_at: datetime | None
    skipped: bool
    parts: list[AnswerPart] = field(default_factory=list)
    metrics: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        return "\n".join(part.text for part in self.parts)

    @property
    def attachments(self) -> list[str]:
        return [name for part in self.parts for name in part.attachments]

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


@dataclass(slots=True)
class InterviewSession:
    id: int
    user_id: int
    guild_id: int | None
    channel_id: int | None
    script_id: str
    script_version: str
    context: dict[str, Any]
    status: str
    question_index: int
    probe_index: int
    question_message_id: int | None
    report: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(slots=True)
class JournalEntry:
    id: int
    user_id: int
    company: str
    role: str
    stage: str
    interview_at: datetime | None
    interviewers: str
    notes: str
    feedback: str
    outcome: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class FollowUpPlan:
    id: int
    user_id: int
    journal_entry_id: int | None
    kind: str
    guild_id: int | None
    channel_id: int | None
    status: str
    details: dict[str, Any]
    dedupe_key: str
    created_at: datetime


@dataclass(slots=True)
class Nudge:
    id: int
    user_id: int
    plan_id: int | None
    kind: str
    due_at: datetime
    payload: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None
    dedupe_key: str
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


@dataclass(slots=True)
class StarStory:
    id: int
    user_id: int
    title: str
    skills: str
    situation: str
    task: str
    action: str
    result: str
    created_at: datetime
    updated_at: datetime

    @property
    def skill_list(self) -> list[str]:
        return [s.strip().lower() for s in self.skills.split(",") if s.strip()]
