"""The interview state machine for one session.

`Interview` is pure: it knows the script, the candidate's context, where the session stands
and what has been said so far, and it decides what happens next. It never touches the
database; the caller persists each `Transition` before acknowledging it, so a session can be
rebuilt from stored records after a crash (see `Interview.rebuild`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.feedback import AnswerAnalysis, ScoredAnswer, analyze_answer, answer_signals, build_report
from bot.core.job_fit import job_coverage, resume_use
from bot.core.models import Answer, InterviewSession
from bot.core.panel import Interviewer, assign_askers, handover_line, panel_facts, panel_of
from bot.core.panel import parse_interviewer as _parse_interviewer
from bot.core.preparation import DEFAULT_MINUTES, is_over, ready_by
from bot.core.scripts import CATEGORIES, MAX_PROBES_ASKED, QuestionSpec, Script, infer_role_family

MAX_ANSWER_CHARS = 20_000  # across all parts of one answer: a generous cap against abuse
MAX_PART_CHARS = 4_000


# An interview's status as its owner reads it (suggestions, the history).
STATUS_WORDS = {"active": "in progress", "paused": "paused", "finished": "finished", "abandoned": "ended"}


class InterviewError(Exception):
    """A transition that is not allowed now; the message is written for the candidate."""


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """What the candidate is being asked right now."""

    question_id: str
    probe_index: int  # 0: the question itself; n: the script's n-th probe for it
    number: int  # 1-based position of the question in this interview
    total: int
    category: str
    category_label: str
    text: str
    guidance: str
    length: tuple[int, int]
    length_hint: str
    # Who on the panel asks it ({"name", "title", "kind"}), or None when no panel was named.
    asker: Mapping[str, str] | None = None
    handover: str = ""  # a line as the conversation passes to a new interviewer ("" when it does not)
    ready_by: datetime | None = None  # a case brief: when the preparation time runs out
    preparation_minutes: int = 0

    @property
    def asker_label(self) -> str:
        """'Dana Lee (Head of Data)', or '' with no panel."""
        if not self.asker:
            return ""
        title = self.asker.get("title") or ""
        return f"{self.asker['name']} ({title})" if title else str(self.asker["name"])

    @property
    def is_probe(self) -> bool:
        return self.probe_index > 0

    @property
    def key(self) -> str:
        """Identifies this exact question, so a stale button press can be recognised."""
        return f"{self.number}.{self.probe_index}"


def text_digest(text: str) -> str:
    """A short fingerprint of an answer's text, so a reading is only ever used for that text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@functools.cache
def _signal_keys() -> frozenset[str]:
    """The signals this version gives a script (a stored reading must have exactly these)."""
    return frozenset(answer_signals("")) - {"text"}


@dataclass(frozen=True, slots=True)
class Reading:
    """What the answer to one question says (its answer and probes so far, joined): the signals a
    script tests to pick the next question, and the analysis the report is built from. Made once,
    when the answer is finished, and stored with it, so neither is worked out again. The analysis
    is held as its JSON (one string, whatever the interview's length) and decoded for a report."""

    digest: str  # `text_digest` of the text read
    signals: Mapping[str, Any]  # `answer_signals` without the text itself
    analysis_json: str  # `AnswerAnalysis.to_dict()`, as JSON

    @property
    def analysis(self) -> AnswerAnalysis:
        """Raises ValueError when it was stored by a version of the analyser with other fields."""
        try:
            data = json.loads(self.analysis_json)
        except ValueError as error:
            raise ValueError(f"a stored analysis that is not JSON: {error}") from error
        if not isinstance(data, dict):
            raise ValueError("a stored analysis that is not an object")
        return AnswerAnalysis.from_dict(data)

    def stored(self) -> tuple[str, str]:
        """(reading JSON, analysis JSON), as the store keeps them with the answer."""
        reading = json.dumps({"digest": self.digest, "signals": dict(self.signals)}, ensure_ascii=False)
        return reading, self.analysis_json

    @classmethod
    def from_stored(cls, reading_json: str, analysis_json: str) -> Reading | None:
        """A stored reading, or None when it does not fit this version (read the answer again)."""
        try:
            data = json.loads(reading_json)
            signals, digest = dict(data["signals"]), str(data["digest"])
        except (KeyError, TypeError, ValueError):
            return None
        if set(signals) != _signal_keys():
            return None
        return cls(digest, signals, analysis_json)


def read_answer(text: str, *, question: str, category: str, length: tuple[int, int],
                company: str, values: Sequence[str], role: str) -> Reading:
    """Analyse one question's answer once, for both the report and the script. Pure, so it may
    run in a worker thread."""
    analysis = analyze_answer(text, question=question, company=company, values=values,
                              category=category, role=role, length=length)
    signals = answer_signals(text, company=company, values=values, length=length, question=question,
                             category=category, role=role, analysis=analysis)
    signals.pop("text", None)
    return Reading(text_digest(text), signals, json.dumps(analysis.to_dict(), ensure_ascii=False))


@dataclass(frozen=True, slots=True)
class ReadingJob:
    """The analysis a transition is about to need, as plain values, so the caller can run it
    where it holds nobody up (a worker thread) and hand the result back (`Interview.remember`)."""

    question_id: str
    text: str
    question: str
    category: str
    length: tuple[int, int]
    company: str
    values: tuple[str, ...]
    role: str

    def run(self) -> Reading:
        return read_answer(self.text, question=self.question, category=self.category,
                           length=self.length, company=self.company, values=self.values, role=self.role)


@dataclass(slots=True)
class Turn:
    question_id: str
    probe_index: int
    category: str
    question_text: str
    asked_at: datetime
    parts: list[str] = field(default_factory=list)
    finished_at: datetime | None = None
    skipped: bool = False
    # What the question's answer said when this turn was finished (set then; stored with it).
    reading: Reading | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.parts)

    @property
    def seconds(self) -> int | None:
        if self.finished_at is None:
            return None
        return int((self.finished_at - self.asked_at).total_seconds())


@dataclass(frozen=True, slots=True)
class Transition:
    """The result of a state change, for the caller to persist and then show."""

    finished_turn: Turn | None  # the turn just closed (answered or skipped)
    question: AskedQuestion | None  # the next question to ask, if any
    status: str
    report: dict[str, Any] | None = None


def normalise_context(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Fill in the candidate context scripts expect, from whatever the caller gave."""
    interviewers = [i.to_dict() for i in panel_of([i for i in raw.get("interviewers", []) if i.get("name")])]
    role = str(raw.get("role", "")).strip()
    try:
        minutes = int(raw.get("preparation_minutes") or DEFAULT_MINUTES)
    except (TypeError, ValueError):
        minutes = DEFAULT_MINUTES
    job = dict(raw["job"]) if raw.get("job") else None  # bot.core.job_fit.job_context
    values = [str(v).strip() for v in raw.get("values", []) if str(v).strip()]
    if not values and job:  # the job description's own values stand in for values not given
        values = [str(v) for v in job.get("stated_values") or []]
    return {
        "candidate": str(raw.get("candidate", "")).strip() or "there",
        "role": role,
        "company": str(raw.get("company", "")).strip(),
        "role_family": raw.get("role_family") or infer_role_family(role),
        "stage": raw.get("stage", "second_round"),
        "interviewers": interviewers,
        "values": values,
        "earlier_notes": str(raw.get("earlier_notes", "") or ""),
        "preparation_minutes": max(1, minutes),
        # The candidate's job description and résumé as read when the interview started (or None).
        "job": job,
        "resume": dict(raw["resume"]) if raw.get("resume") else None,
        # A practice session retakes only these questions from the script.
        "only_questions": [str(q) for q in raw.get("only_questions", []) or []],
    }


def parse_interviewer(text: str) -> dict[str, str]:
    """'Dana Lee, Head of Data' -> {'name': 'Dana Lee', 'title': 'Head of Data', 'kind': ...}
    (see `bot.core.panel.parse_interviewer`; raises PanelError for a name that cannot be used)."""
    return _parse_interviewer(text)


class Interview:
    def __init__(self, script: Script, context: Mapping[str, Any], *, status: str = "active",
                 question_index: int = 0, probe_index: int = 0,
                 turns: Sequence[Turn] = ()) -> None:
        self.script = script
        self.context = normalise_context({**context, "stage": script.stage})
        self.panel: list[Interviewer] = panel_of(self.context["interviewers"])
        self.askers: list[int | None] = []
        self.question_index = question_index
        self.plan: list[QuestionSpec] = script.plan(self._base_context())
        only = self.context["only_questions"]
        if only:
            self.plan = [q for q in self.plan if q.id in only] or [
                q for q in script.questions if q.id in only]
        if not self.plan:
            raise InterviewError("This script has no questions for this role.")
        # Who asks each planned question: fixed by the plan and the panel, so never stored.
        self.askers = assign_askers([(q.category, q.asked_by) for q in self.plan], self.panel)
        self.status = status
        self.probe_index = probe_index
        self.turns: list[Turn] = list(turns)
        # The latest reading of each question's answer (from the stored turns, or made here when
        # an answer is finished): analysis is pure, so an answer that has not changed is never
        # analysed again, neither for the next question nor for the report.
        self._readings: dict[str, Reading] = {}
        for turn in self.turns:
            if turn.reading is not None:
                self._readings[turn.question_id] = turn.reading
        self._asked: tuple[tuple[int, int, bool], AskedQuestion] | None = None
        # What scripts see of each settled answer, by question: (its number of turns, the view).
        self._views: dict[str, tuple[int, dict[str, Any]]] = {}
        # False: a transition that finishes the interview leaves `report` None, for the caller
        # to build with `report()` where it holds nobody up (the service uses a worker thread).
        self.report_on_finish = True

    # --- building ------------------------------------------------------------------------

    @classmethod
    def rebuild(cls, script: Script, session: InterviewSession, answers: Sequence[Answer],
                readings: Mapping[int, Reading] | None = None) -> Interview:
        """The interview as stored; `readings` (by answer id) are the analyses stored with the
        finished answers, so they are not made again."""
        readings = readings or {}
        turns = [Turn(a.question_id, a.probe_index, a.category, a.question_text, a.asked_at,
                      [p.text for p in a.parts], a.finished_at, a.skipped, readings.get(a.id))
                 for a in answers]
        return cls(script, session.context, status=session.status,
                   question_index=session.question_index, probe_index=session.probe_index,
                   turns=turns)

    @property
    def is_practice(self) -> bool:
        return bool(self.context["only_questions"])

    def _base_context(self) -> dict[str, Any]:
        ctx = {k: v for k, v in self.context.items() if k != "only_questions"}
        ctx["interviewer"] = ctx["interviewers"][0] if ctx["interviewers"] else None
        ctx["asker"] = self.asker_of(self.question_index)
        ctx["answers"] = {}
        return ctx

    def asker_of(self, index: int) -> dict[str, str] | None:
        """The interviewer who asks the plan's question at `index`, if a panel was named."""
        if not 0 <= index < len(self.askers):
            return None
        who = self.askers[index]
        return None if who is None else self.panel[who].to_dict()

    def handover_before(self, index: int) -> str:
        """The line said as the conversation passes to the asker of question `index`."""
        if not 0 < index < len(self.askers):
            return ""
        previous, following = self.askers[index - 1], self.askers[index]
        if previous is None or following is None or previous == following:
            return ""
        return handover_line(self.panel[previous], self.panel[following], index + 1,
                             first_time=following not in self.askers[:index])

    def preparation_deadline(self) -> datetime | None:
        """While the candidate prepares a case (its brief is on screen, unanswered), when the
        preparation time they chose runs out."""
        spec = self.current_spec
        if spec is None or not spec.prepares or self.probe_index or not self.is_open:
            return None
        turn = self.current_turn()
        if turn is None or turn.finished_at is not None:
            return None
        return ready_by(turn.asked_at, self.context["preparation_minutes"])

    def render_context(self, *, current: QuestionSpec | None = None) -> dict[str, Any]:
        """The script's context, with what each answer so far says (`answers`, and `answer`
        for the current question). Each answer is read against its own question and
        category, so a probe can tell a short salary answer from a thin story."""
        ctx = self._base_context()
        answers: dict[str, dict[str, Any]] = {}
        by_question = self.turns_by_question()
        for spec in self.plan:
            turns = by_question.get(spec.id)
            if not turns:
                continue
            is_current = current is not None and spec.id == current.id
            if not is_current and turns[0].finished_at is None:
                continue  # an answer still being given is not shown to later questions
            # A question whose turns are all finished does not change until it gets another turn.
            settled = not is_current and all(t.finished_at is not None for t in turns)
            made = self._views.get(spec.id)
            if settled and made is not None and made[0] == len(turns):
                view = made[1]
            else:
                text = _joined(turns)
                view = {"text": text, **self._reading(spec, turns, text).signals}
                view["skipped"] = all(t.skipped for t in turns)
                if settled:
                    self._views[spec.id] = (len(turns), view)
            if is_current:
                ctx["answer"] = view
            else:
                answers[spec.id] = view
        ctx["answers"] = answers
        return ctx

    def turns_by_question(self) -> dict[str, list[Turn]]:
        """Each question's turns (the question, then its probes), in asking order."""
        grouped: dict[str, list[Turn]] = {}
        for turn in self.turns:
            grouped.setdefault(turn.question_id, []).append(turn)
        return grouped

    def _reading(self, spec: QuestionSpec, turns: Sequence[Turn], text: str) -> Reading:
        """The reading of a question's answer (`text`, its turns joined): the one already made
        for this text, or a new one."""
        reading = self._readings.get(spec.id)
        if reading is None or reading.digest != text_digest(text):
            reading = self._readings[spec.id] = read_answer(
                text, question=turns[0].question_text, category=spec.category, length=spec.length,
                company=self.context["company"], values=self.context["values"], role=self.context["role"])
        return reading

    def _analysis(self, spec: QuestionSpec, turns: Sequence[Turn], text: str) -> AnswerAnalysis:
        """The analysis of a question's answer, from its reading (made again if it was stored by
        a version of the analyser that no longer fits)."""
        try:
            return self._reading(spec, turns, text).analysis
        except ValueError:
            self._readings.pop(spec.id, None)
            return self._reading(spec, turns, text).analysis

    def reading_due(self) -> ReadingJob | None:
        """The analysis finishing the current answer will need, if it is not made yet: the caller
        may run it elsewhere (`ReadingJob.run`) and `remember` it before the transition."""
        spec = self.current_spec
        if spec is None or not self.is_open:
            return None
        turns = self.turns_by_question().get(spec.id)
        text = _joined(turns) if turns else ""
        if not text:
            return None
        known = self._readings.get(spec.id)
        if known is not None and known.digest == text_digest(text):
            return None
        assert turns is not None
        return ReadingJob(spec.id, text, turns[0].question_text, spec.category, spec.length,
                          self.context["company"], tuple(self.context["values"]), self.context["role"])

    def remember(self, job: ReadingJob, reading: Reading) -> None:
        """Keep a reading made by `job.run()`; it is used while the answer's text is unchanged."""
        self._readings[job.question_id] = reading

    # --- queries -------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in {"active", "paused"}

    @property
    def current_spec(self) -> QuestionSpec | None:
        if self.question_index >= len(self.plan):
            return None
        return self.plan[self.question_index]

    def current_turn(self) -> Turn | None:
        spec = self.current_spec
        if spec is None:
            return None
        for turn in reversed(self.turns):  # the current turn is the latest asked
            if turn.question_id == spec.id and turn.probe_index == self.probe_index:
                return turn
        return None

    def current_question(self) -> AskedQuestion:
        spec = self.current_spec
        if spec is None or not self.is_open:
            raise InterviewError("This interview has no current question.")
        turn = self.current_turn()
        # Rendered once per question (this runs for every message a candidate sends): it depends
        # only on the position and on answers already finished.
        key = (self.question_index, self.probe_index, turn is not None)
        if self._asked is not None and self._asked[0] == key:
            return self._asked[1]
        # A question already asked keeps its stored text, so no earlier answers need reading.
        context = self._base_context() if turn is not None else self.render_context()
        rendered = self.script.render_question(spec, context)
        text = turn.question_text if turn is not None else rendered.text
        deadline = self.preparation_deadline() if turn is not None else None
        asked = AskedQuestion(spec.id, self.probe_index, self.question_index + 1, len(self.plan),
                              spec.category, rendered.category_label, text, rendered.guidance,
                              spec.length, rendered.length_hint, self.asker_of(self.question_index),
                              "" if self.probe_index else self.handover_before(self.question_index),
                              deadline, self.context["preparation_minutes"] if spec.prepares else 0)
        self._asked = (key, asked)
        return asked

    # --- transitions ---------------------------------------------------------------------

    def start(self, now: datetime) -> Transition:
        if self.turns:
            raise InterviewError("This interview has already started.")
        return Transition(None, self._ask_current(now), self.status)

    def add_part(self, text: str, now: datetime) -> Turn:
        self._require_active()
        cleaned = text.strip()
        if not cleaned:
            raise InterviewError("That message was empty, so nothing was recorded.")
        if len(cleaned) > MAX_PART_CHARS:
            raise InterviewError(f"That part is {len(cleaned):,} characters; Discord allows "
                                 f"{MAX_PART_CHARS:,} per part. Send it in pieces.")
        turn = self._open_turn()
        if len(turn.text) + len(cleaned) > MAX_ANSWER_CHARS:
            raise InterviewError(f"This answer is already over {MAX_ANSWER_CHARS:,} characters. "
                                 "Press Done to finish it.")
        turn.parts.append(cleaned)
        return turn

    def finish_answer(self, now: datetime) -> Transition:
        """The candidate says the current answer is complete: probe, move on, or finish."""
        self._require_active()
        turn = self._open_turn()
        spec = self.current_spec
        assert spec is not None
        if spec.prepares:  # "I'm ready": notes are optional, and a brief has no follow-ups
            turn.finished_at = now
            if turn.parts:
                self._read_finished(turn)
            return self._advance(turn, now)
        if not turn.parts:
            raise InterviewError("There is no answer to finish yet: type your answer first "
                                 "(or press Skip).")
        turn.finished_at = now
        self._read_finished(turn)
        asked = [t.probe_index for t in self.turns if t.question_id == spec.id and t.probe_index]
        if len(asked) < MAX_PROBES_ASKED:
            probe = self.script.next_probe(spec, self.render_context(current=spec), asked)
            if probe is not None:
                self.probe_index = probe[0].position
                return Transition(turn, self._ask_current(now, text=probe[1]), self.status)
        return self._advance(turn, now)

    def probe(self, now: datetime) -> Transition:
        """A human interviewer asks a follow-up now (a mentor or peer mock interview): the next
        probe written for this question, whatever its condition, while fewer than
        MAX_PROBES_ASKED were asked; with none left, the interview moves on."""
        self._require_active()
        turn = self._open_turn()
        turn.finished_at = now
        turn.skipped = not turn.parts
        spec = self.current_spec
        assert spec is not None
        self._read_finished(turn)
        asked = [t.probe_index for t in self.turns if t.question_id == spec.id and t.probe_index]
        if len(asked) < MAX_PROBES_ASKED:
            for probe in spec.probes:
                if probe.position > max(asked, default=0):
                    self.probe_index = probe.position
                    text = self.script.render_probe(probe, self.render_context(current=spec))
                    return Transition(turn, self._ask_current(now, text=text), self.status)
        return self._advance(turn, now)

    def skip(self, now: datetime) -> Transition:
        self._require_active()
        turn = self._open_turn()
        turn.finished_at = now
        turn.skipped = not turn.parts
        self._read_finished(turn)
        return self._advance(turn, now)

    def end_preparation(self, now: datetime) -> Transition:
        """The preparation time has run out: the brief is closed (with any notes typed) and the
        presentation is asked for. Refused when the candidate is not preparing, or not yet due."""
        deadline = self.preparation_deadline()
        if self.status != "active" or deadline is None:
            raise InterviewError("There is no preparation time running.")
        if not is_over(now, deadline):
            raise InterviewError("The preparation time has not run out yet.")
        return self.finish_answer(now)

    def pause(self) -> None:
        if self.status != "active":
            raise InterviewError(self._why_not("pause"))
        self.status = "paused"

    def resume(self) -> AskedQuestion:
        if self.status != "paused":
            raise InterviewError(self._why_not("resume"))
        self.status = "active"
        return self.current_question()

    def finish(self, now: datetime) -> Transition:
        """End now, with a report on what was answered (an early end gives a partial report)."""
        if not self.is_open:
            raise InterviewError(self._why_not("end"))
        turn = self.current_turn()
        if turn is not None and turn.finished_at is None:
            turn.finished_at = now
            turn.skipped = not turn.parts
            self._read_finished(turn)
        else:
            turn = None
        self.status = "finished"
        return Transition(turn, None, self.status, self._finish_report())

    def abandon(self) -> None:
        if not self.is_open:
            raise InterviewError(self._why_not("abandon"))
        self.status = "abandoned"

    # --- feedback ------------------------------------------------------------------------

    def scored_answers(self) -> list[ScoredAnswer]:
        """Every question reached, its answer and probes joined and analysed once against
        the rubric of the question's category."""
        scored: list[ScoredAnswer] = []
        by_question = self.turns_by_question()
        for number, spec in enumerate(self.plan, start=1):
            turns = by_question.get(spec.id)
            if not turns or spec.prepares:  # a brief's notes are the candidate's own, not judged
                continue
            text = _joined(turns)
            if not text and number - 1 == self.question_index and not self.is_open:
                continue  # on screen, unanswered, when the interview was ended: not a skip
            skipped = not text
            seconds = sum(t.seconds or 0 for t in turns) if turns[0].finished_at else None
            analysis = None if skipped else self._analysis(spec, turns, text)
            scored.append(ScoredAnswer(spec.id, number, spec.category, turns[0].question_text, text,
                                       skipped, seconds, spec.length, analysis))
        return scored

    def report(self, scored: Sequence[ScoredAnswer] | None = None) -> dict[str, Any]:
        """The report on what was answered; pass `scored` when it is already at hand, so no
        answer is analysed twice."""
        scored = self.scored_answers() if scored is None else scored
        report = build_report(scored, company=self.context["company"], values=self.context["values"])
        report["complete"] = self.question_index >= len(self.plan)
        # A case brief reached is a question of the plan ("Question 1 of 9") but not judged: the
        # report says so, rather than count fewer questions than the interview showed.
        reached = self.turns_by_question()
        report["briefs"] = sum(1 for spec in self.plan if spec.prepares and reached.get(spec.id))
        if self.panel:
            report["panel"] = self.panel_report(scored)
        if self.context["job"]:
            report["job_coverage"] = job_coverage(scored, self.context["job"], practice=self.is_practice)
        if self.context["resume"]:
            report["resume_use"] = resume_use(scored, self.context["resume"], practice=self.is_practice)
        return report

    def panel_report(self, scored: Sequence[ScoredAnswer]) -> list[dict[str, Any]]:
        """Per interviewer, what they heard (see `bot.core.panel.panel_facts`)."""
        index_of = {spec.id: i for i, spec in enumerate(self.plan)}
        entries, askers = [], []
        for s in scored:
            if s.question_id not in index_of:
                continue
            a = s.analysis
            entries.append({"number": s.number, "question_id": s.question_id, "category": s.category,
                            "category_label": CATEGORIES.get(s.category, s.category), "text": s.text,
                            "skipped": s.skipped, "score": a.overall if a and a.words else None,
                            "key_point": a.key_point if a else ""})
            askers.append(self.askers[index_of[s.question_id]])
        return panel_facts(self.panel, entries, askers)

    # --- internals -----------------------------------------------------------------------

    def _finish_report(self) -> dict[str, Any] | None:
        return self.report() if self.report_on_finish else None

    def _read_finished(self, turn: Turn) -> None:
        """A turn just finished carries the reading of its question's answer so far, to store."""
        spec = self.current_spec
        assert spec is not None and spec.id == turn.question_id
        turns = self.turns_by_question()[spec.id]
        turn.reading = self._reading(spec, turns, _joined(turns))

    def _advance(self, turn: Turn, now: datetime) -> Transition:
        self.question_index += 1
        self.probe_index = 0
        if self.question_index >= len(self.plan):
            self.status = "finished"
            return Transition(turn, None, self.status, self._finish_report())
        return Transition(turn, self._ask_current(now), self.status)

    def _ask_current(self, now: datetime, *, text: str | None = None) -> AskedQuestion:
        spec = self.current_spec
        assert spec is not None
        if text is None:
            text = self.script.render_question(spec, self.render_context()).text
        self.turns.append(Turn(spec.id, self.probe_index, spec.category, text, now))
        return self.current_question()

    def _open_turn(self) -> Turn:
        turn = self.current_turn()
        if turn is None or turn.finished_at is not None:
            raise InterviewError("There is no open question right now.")
        return turn

    def _require_active(self) -> None:
        if self.status != "active":
            raise InterviewError(self._why_not("answer"))

    def _why_not(self, action: str) -> str:
        reasons = {
            "paused": "This interview is paused; resume it first.",
            "finished": "This interview has already finished.",
            "abandoned": "This interview was abandoned; start a new one.",
            "active": "This interview is already running.",
        }
        return f"Cannot {action}: {reasons.get(self.status, self.status)}"


def _joined(turns: Sequence[Turn]) -> str:
    """A question's whole answer: its turns' texts, in asking order."""
    return "\n".join(t.text for t in turns if t.text)


def transcript_entries(interview: Interview,
                       scored: Sequence[ScoredAnswer] | None = None) -> list[dict[str, Any]]:
    """Questions in order, each with its answer, any probes and the notes that matter most,
    for the transcript template. Pass `scored` to reuse analyses already made."""
    entries: list[dict[str, Any]] = []
    by_id = {s.question_id: s for s in (interview.scored_answers() if scored is None else scored)}
    by_question = interview.turns_by_question()
    for number, spec in enumerate(interview.plan, start=1):
        turns = sorted(by_question.get(spec.id, ()), key=lambda t: t.probe_index)
        if not turns:
            continue
        main, probes = turns[0], turns[1:]
        s = by_id.get(spec.id)
        analysis = s.analysis if s else None
        entries.append({
            "number": number,
            "asker": interview.asker_of(number - 1),
            "handover": interview.handover_before(number - 1),
            "prepares": spec.prepares,
            "question_id": spec.id,
            "category": spec.category,
            "category_label": CATEGORIES[spec.category],
            "question": main.question_text,
            "answer": main.text,
            "skipped": main.skipped,
            "seconds": sum(t.seconds or 0 for t in turns),
            "probes": [{"question": p.question_text, "answer": p.text, "skipped": p.skipped}
                       for p in probes],
            "analysis": analysis.to_dict() if analysis else None,
            "score": analysis.overall if analysis else None,
            "notes": analysis.notes() if analysis and analysis.words else [],
        })
    return entries


def report_context(interview: Interview, *, report: Mapping[str, Any] | None = None,
                   when: datetime | None = None) -> dict[str, Any]:
    """Everything the report and transcript templates need. Each answer is analysed once
    here, for both the report (unless a stored one is given) and the transcript."""
    script = interview.script
    scored = interview.scored_answers()
    return {
        "script": {"id": script.id, "title": script.title, "stage": script.stage,
                   "stage_label": script.stage_label, "minutes": script.minutes,
                   "description": script.description},
        "candidate": interview.context["candidate"],
        "role": interview.context["role"],
        "company": interview.context["company"],
        "interviewers": interview.context["interviewers"],
        "values": interview.context["values"],
        "report": dict(report) if report is not None else interview.report(scored),
        "entries": transcript_entries(interview, scored),
        "when": when,
    }
