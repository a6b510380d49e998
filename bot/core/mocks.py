"""Mentor and peer mock interviews: two members of a server, one interviewing the other with a
script. Pure: who may do what, how a request or an invitation moves to an agreed time, when the
reminders fall due, and how the interviewer's scores add up. Times and ids come in; nothing here
touches Discord, the database or the clock.

A mock interview moves through:

    open (a request nobody has claimed) --claim--> proposed | confirmed
    proposed (a time, or none yet, waiting for the other to agree) --confirm--> confirmed
    proposed | confirmed --propose another time--> proposed
    confirmed --the interviewer starts it--> running --either ends it--> finished
    confirmed, past its time plus NO_SHOW_AFTER --"they did not come"--> no_show
    open | proposed | confirmed --either cancels--> cancelled

A time counts as agreed only when both have confirmed the same time: whoever proposes it has
confirmed it, and the other confirms it (claiming a request that names a time agrees to it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

CANDIDATE, INTERVIEWER = "candidate", "interviewer"
OPEN, PROPOSED, CONFIRMED, RUNNING = "open", "proposed", "confirmed", "running"
FINISHED, CANCELLED, NO_SHOW = "finished", "cancelled", "no_show"
LIVE = (OPEN, PROPOSED, CONFIRMED, RUNNING)
ENDED = (FINISHED, CANCELLED, NO_SHOW)
STATUS_LABELS = {OPEN: "waiting for someone to claim it", PROPOSED: "waiting for a time both agree",
                 CONFIRMED: "time agreed", RUNNING: "in progress", FINISHED: "finished",
                 CANCELLED: "cancelled", NO_SHOW: "a no-show was recorded"}
NO_SHOW_AFTER = timedelta(minutes=10)  # after the agreed time, "they did not come" is allowed
REMINDERS_BEFORE = (timedelta(hours=24), timedelta(minutes=15))
REMINDER_USEFUL_AFTER = timedelta(minutes=30)  # a reminder later than this after the start is noise
MAX_AHEAD = timedelta(days=90)
SCORES = (1, 2, 3, 4)
SCORE_LABELS = {1: "1 · not yet", 2: "2 · partly", 3: "3 · solid", 4: "4 · excellent"}
MAX_NOTE = 500
MAX_RUBRIC_POINTS = 4  # the rubric points a question is scored on (a select each)


class MockError(Exception):
    """Something a member asked for that is not allowed now; the message is for them."""


@dataclass(frozen=True, slots=True)
class MockInterview:
    id: int
    guild_id: int
    kind: str  # "request" | "pair"
    status: str
    candidate_id: int
    interviewer_id: int | None
    created_by: int
    script_key: str
    stage: str
    role: str
    company: str
    starts_at: datetime | None
    proposed_by: int | None
    candidate_ok: bool
    interviewer_ok: bool
    request_channel_id: int | None
    request_message_id: int | None
    thread_id: int | None
    voice_channel_id: int | None
    session_id: int | None
    asked_key: str | None
    ended_by: int | None
    no_show_id: int | None
    swapped_from: int | None
    version: int
    created_at: datetime
    updated_at: datetime

    @property
    def participants(self) -> tuple[int, ...]:
        return (self.candidate_id,) + ((self.interviewer_id,) if self.interviewer_id else ())

    def role_of(self, user_id: int) -> str | None:
        if user_id == self.candidate_id:
            return CANDIDATE
        if self.interviewer_id is not None and user_id == self.interviewer_id:
            return INTERVIEWER
        return None

    def other(self, user_id: int) -> int | None:
        if user_id == self.candidate_id:
            return self.interviewer_id
        if user_id == self.interviewer_id:
            return self.candidate_id
        return None

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    @property
    def agreed(self) -> bool:
        return self.starts_at is not None and self.candidate_ok and self.interviewer_ok


def _participant(mock: MockInterview, user_id: int) -> str:
    role = mock.role_of(user_id)
    if role is None:
        raise MockError("This mock interview is between two other members; it is not yours.")
    return role


def _changed(mock: MockInterview, now: datetime, **changes: Any) -> MockInterview:
    return replace(mock, updated_at=now, **changes)


def check_time(when: datetime, now: datetime) -> None:
    if when.tzinfo is None:
        raise ValueError("a naive datetime")
    if when <= now:
        raise MockError("That time has already passed; pick one in the future.")
    if when - now > MAX_AHEAD:
        raise MockError("Pick a time within the next 90 days.")


def claim(mock: MockInterview, user_id: int, now: datetime) -> MockInterview:
    """A member takes an open request and becomes its interviewer. A request that names a time
    is agreed at once (its author proposed it; claiming it accepts it)."""
    if mock.status != OPEN:
        raise MockError("Someone has already claimed this request." if mock.status in LIVE
                        else f"This request is {STATUS_LABELS[mock.status]}.")
    if user_id == mock.candidate_id:
        raise MockError("This is your own request: someone else claims it to interview you.")
    timed = mock.starts_at is not None and mock.starts_at > now
    return _changed(mock, now, interviewer_id=user_id, status=CONFIRMED if timed else PROPOSED,
                    starts_at=mock.starts_at if timed else None,
                    candidate_ok=timed, interviewer_ok=timed)


def propose(mock: MockInterview, user_id: int, when: datetime, now: datetime) -> MockInterview:
    """A participant proposes a (new) time: they agree to it, the other has to confirm it."""
    role = _participant(mock, user_id)
    if mock.status not in (PROPOSED, CONFIRMED):
        raise MockError(f"The time can't change now: this mock interview is "
                        f"{STATUS_LABELS[mock.status]}.")
    check_time(when, now)
    return _changed(mock, now, starts_at=when, proposed_by=user_id, status=PROPOSED,
                    candidate_ok=role == CANDIDATE, interviewer_ok=role == INTERVIEWER)


def confirm(mock: MockInterview, user_id: int, now: datetime) -> MockInterview:
    role = _participant(mock, user_id)
    if mock.status != PROPOSED or mock.starts_at is None:
        raise MockError("There is no time waiting to be confirmed." if mock.status == PROPOSED
                        else f"Nothing to confirm: this mock interview is {STATUS_LABELS[mock.status]}.")
    if mock.starts_at <= now:
        raise MockError("That time has passed; propose another one.")
    if (role == CANDIDATE and mock.candidate_ok) or (role == INTERVIEWER and mock.interviewer_ok):
        raise MockError("You have confirmed this time already; waiting for the other person.")
    candidate_ok = mock.candidate_ok or role == CANDIDATE
    interviewer_ok = mock.interviewer_ok or role == INTERVIEWER
    return _changed(mock, now, candidate_ok=candidate_ok, interviewer_ok=interviewer_ok,
                    status=CONFIRMED if candidate_ok and interviewer_ok else PROPOSED)


def cancel(mock: MockInterview, user_id: int, now: datetime) -> MockInterview:
    _participant(mock, user_id)
    if mock.status == RUNNING:
        raise MockError("It is running: end it instead (the End button), and both get what was "
                        "said so far.")
    if mock.status not in LIVE:
        raise MockError(f"This mock interview is {STATUS_LABELS[mock.status]} already.")
    return _changed(mock, now, status=CANCELLED, ended_by=user_id)


def record_no_show(mock: MockInterview, user_id: int, now: datetime) -> MockInterview:
    """The one who came says the other did not; allowed only a while after the agreed time."""
    _participant(mock, user_id)
    if mock.status != CONFIRMED or mock.starts_at is None:
        raise MockError("A no-show can only be recorded for a mock interview with an agreed time "
                        "that has not started.")
    if now < mock.starts_at + NO_SHOW_AFTER:
        minutes = int(NO_SHOW_AFTER.total_seconds() // 60)
        raise MockError(f"Give them a little time: a no-show can be recorded from {minutes} "
                        "minutes after the agreed start.")
    return _changed(mock, now, status=NO_SHOW, no_show_id=mock.other(user_id), ended_by=user_id)


def start(mock: MockInterview, user_id: int, now: datetime, *, session_id: int) -> MockInterview:
    if _participant(mock, user_id) != INTERVIEWER:
        raise MockError("Only the interviewer starts the session (they ask the questions).")
    if mock.status != CONFIRMED:
        raise MockError("Agree a time first: both of you confirm it." if mock.status in (OPEN, PROPOSED)
                        else f"This mock interview is {STATUS_LABELS[mock.status]}.")
    return _changed(mock, now, status=RUNNING, session_id=session_id)


def end(mock: MockInterview, user_id: int, now: datetime) -> MockInterview:
    _participant(mock, user_id)
    if mock.status != RUNNING:
        raise MockError("The session is not running.")
    return _changed(mock, now, status=FINISHED, ended_by=user_id)


def require_interviewer(mock: MockInterview, user_id: int) -> None:
    """The panel, scores and notes are the interviewer's alone, and only while it runs."""
    if _participant(mock, user_id) != INTERVIEWER:
        raise MockError("The interviewer's panel is for the interviewer only.")
    if mock.status != RUNNING:
        raise MockError("The session is not running." if mock.status != CONFIRMED
                        else "Start the session first.")


def may_see(mock: MockInterview, user_id: int, *, moderator: bool = False) -> bool:
    """Only the two participants (and the server's moderators) see a mock interview."""
    return moderator or mock.role_of(user_id) is not None


def may_open_voice(mock: MockInterview, user_id: int) -> None:
    """A voice channel for the two, on request, once the time is agreed and until it ends."""
    _participant(mock, user_id)
    if mock.status not in (CONFIRMED, RUNNING):
        raise MockError("A voice channel is for a mock interview with an agreed time, until it ends.")


def swapped(mock: MockInterview, return_match: MockInterview | None = None) -> tuple[int, int]:
    """(candidate, interviewer) of the return match. `return_match`: the one already booked
    from this mock interview (swapped_from = its id), if any: there is only one."""
    if mock.interviewer_id is None:
        raise MockError("Nobody has interviewed yet, so there is nothing to swap.")
    if mock.status != FINISHED:
        raise MockError("Swap roles once this session has finished.")
    if return_match is not None:
        raise MockError(f"The return match is booked already (mock interview #{return_match.id}); "
                        "nothing new was booked.")
    return mock.interviewer_id, mock.candidate_id


# --------------------------------------------------------------------------- reminders

@dataclass(frozen=True, slots=True)
class PlannedReminder:
    user_id: int
    due_at: datetime
    dedupe_key: str
    payload: dict[str, Any]


def reminders(mock: MockInterview, now: datetime) -> list[PlannedReminder]:
    """The reminders both participants get for an agreed time: a day before and a quarter of an
    hour before, those still ahead. The key names the time, so a new time gets new reminders,
    and the old ones, composed against the mock interview as it stands, are not sent."""
    if not mock.agreed or mock.status != CONFIRMED or mock.starts_at is None:
        return []
    planned = []
    stamp = int(mock.starts_at.timestamp())
    for before in REMINDERS_BEFORE:
        due = mock.starts_at - before
        if due <= now:
            continue
        for user_id in mock.participants:
            planned.append(PlannedReminder(
                user_id, due, f"mock:{mock.id}:{user_id}:{stamp}:{int(before.total_seconds())}",
                {"mock_id": mock.id, "starts_at": mock.starts_at.isoformat(),
                 "useful_until": (mock.starts_at + REMINDER_USEFUL_AFTER).isoformat(),
                 "role": mock.role_of(user_id)}))
    return planned


def reminder_still_wanted(mock: MockInterview | None, payload: Mapping[str, Any]) -> str | None:
    """Why a due reminder should not go out (None: it goes out): the mock interview was
    cancelled or ended, or its time moved since the reminder was planned."""
    if mock is None:
        return "the mock interview no longer exists"
    if mock.status != CONFIRMED:
        return f"the mock interview is {STATUS_LABELS[mock.status]}"
    if mock.starts_at is None or mock.starts_at.isoformat() != payload.get("starts_at"):
        return "the mock interview's time changed; the new time has its own reminders"
    return None


# --------------------------------------------------------------------------- scores

@dataclass(frozen=True, slots=True)
class QuestionScores:
    question_id: str
    scores: dict[int, int]  # rubric point -> 1..4
    note: str

    @property
    def average(self) -> float | None:
        return sum(self.scores.values()) / len(self.scores) if self.scores else None


def check_score(point: int, score: int, points: int) -> None:
    if score not in SCORES:
        raise MockError("A score is 1, 2, 3 or 4.")
    if not 0 <= point < min(points, MAX_RUBRIC_POINTS):
        raise MockError("That rubric point is not part of this question.")


def clean_note(text: str) -> str:
    note = " ".join(text.split()) if "\n" not in text else text.strip()
    if len(note) > MAX_NOTE:
        raise MockError(f"A note is at most {MAX_NOTE} characters; this one is {len(note)}.")
    return note


def aggregate(marks: Iterable[tuple[str, int, int]], notes: Mapping[str, str],
              order: Iterable[str]) -> tuple[list[QuestionScores], float | None]:
    """Each question's scores (in the script's order) and the average over every score given."""
    by_question: dict[str, dict[int, int]] = {}
    for question_id, point, score in marks:
        by_question.setdefault(question_id, {})[point] = score
    result = [QuestionScores(q, dict(sorted(by_question.get(q, {}).items())), notes.get(q, ""))
              for q in order if q in by_question or notes.get(q)]
    every = [s for q in by_question.values() for s in q.values()]
    return result, (sum(every) / len(every) if every else None)

