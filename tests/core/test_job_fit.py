"""The requirement map, what tailored scripts are given and ask, and the report's sections on the
job's must-haves and the résumé's strongest lines."""

from __future__ import annotations

from datetime import UTC, datetime

from documents_support import JOB_WITH_HEADINGS, RESUME_TEXT

from bot.core.feedback import ScoredAnswer, analyze_answer
from bot.core.interview import Interview
from bot.core.job_description import read_job_description
from bot.core.job_fit import (
    MAX_GAP_QUESTIONS,
    NO_STORY,
    job_context,
    job_coverage,
    map_lines,
    requirement_map,
    resume_context,
    resume_use,
)
from bot.core.models import StarStory
from bot.core.resume import read_resume
from bot.core.scripts import sample_context

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
JOB = read_job_description(JOB_WITH_HEADINGS)
RESUME = read_resume(RESUME_TEXT)


def story(story_id: int, title: str, skills: str, action: str = "I did the work.") -> StarStory:
    return StarStory(id=story_id, user_id=1, title=title, skills=skills, situation="At my last job.",
                     task="I had to fix it.", action=action, result="It worked.", created_at=NOW, updated_at=NOW)


PRICING = story(1, "Repriced the Pro plan", "pricing experiments, A/B testing")
SQL = story(2, "Rebuilt the reporting pipeline", "SQL, Python, automation")
BAKING = story(3, "Ran the office bake sale", "baking")


def scored(number: int, text: str, *, question: str = "Tell me about it.", category: str = "qualifications"
           ) -> ScoredAnswer:
    analysis = analyze_answer(text, question=question, category=category, company="Acme", length=(80, 200))
    return ScoredAnswer(f"q{number}", number, category, question, text, False, 60, (80, 200), analysis)


# --- the requirement map ----------------------------------------------------------------------

def test_each_requirement_gets_its_best_story_and_gaps_get_none() -> None:
    entries = requirement_map(JOB, [BAKING, SQL, PRICING])
    by_text = {e.requirement.text: e for e in entries}
    assert by_text["5+ years of experience running pricing experiments"].story == PRICING
    assert by_text["Strong SQL and Python"].story == SQL
    assert by_text["Experience communicating results to executives"].story is None
    assert all(e.status in ("suggested", "none") for e in entries)
    assert [e.requirement.kind for e in entries] == ["must"] * 3 + ["nice"] * 2  # must-haves first


def test_without_stories_every_requirement_needs_one() -> None:
    entries = requirement_map(JOB, [])
    assert [e.status for e in entries] == ["none"] * 5
    assert [m["status"] for m in map_lines(entries)] == ["none"] * 3


def test_a_choice_wins_over_the_suggestion_and_none_is_a_choice() -> None:
    entries = requirement_map(JOB, [PRICING, SQL, BAKING], {0: BAKING.id, 1: NO_STORY, 2: 999})
    first, second, third = entries[:3]
    assert (first.story, first.status) == (BAKING, "chosen")
    assert (second.story, second.status) == (None, "none") and second.chosen
    assert third.status == "none"  # the chosen story 999 is gone: a suggestion, and none fits


def test_job_context_names_headline_and_gaps() -> None:
    context = job_context(JOB, requirement_map(JOB, [PRICING]))
    assert context["headline"] == "5+ years of experience running pricing experiments"
    assert context["gaps"] == ["Strong SQL and Python", "Experience communicating results to executives"]
    assert context["stated_values"] == ["Ownership", "Curiosity", "Candour"]
    no_stories = job_context(JOB, requirement_map(JOB, []))
    assert len(no_stories["gaps"]) == min(3, MAX_GAP_QUESTIONS) and no_stories["headline"] == ""


# --- tailored scripts -------------------------------------------------------------------------

def _plan(shipped_library, script_id: str, **context) -> tuple[list[str], Interview]:
    script = shipped_library.script(script_id)
    interview = Interview(script, {**sample_context("data", script.stage, with_optional=False), **context})
    return [q.id for q in interview.plan], interview


def test_second_round_names_real_requirements_when_a_job_is_given(shipped_library) -> None:
    job = job_context(JOB, requirement_map(JOB, [PRICING]))
    ids, interview = _plan(shipped_library, "second_round", job=job, resume=resume_context(RESUME))
    assert {"job_requirement", "job_gap_1", "job_gap_2", "resume_bullet"} <= set(ids)
    assert "job_gap_3" not in ids  # two must-haves have no story
    rendered = {spec.id: interview.script.render_question(spec, interview.render_context()).text
                for spec in interview.plan}
    assert ('One requirement in the job description is "5+ years of experience running pricing experiments". '
            "Walk me through the piece of work that best shows you meet it") in rendered["job_requirement"]
    assert '"Strong SQL and Python"' in rendered["job_gap_1"]
    assert '"Experience communicating results to executives"' in rendered["job_gap_2"]
    assert ('Your résumé says, from your time at Acme Corp: "Cut onboarding time by 40% by automating '
            'account set-up". Walk me through the project behind that achievement') in rendered["resume_bullet"]
    # The job's own values stand in for values not given, in the culture questions too.
    assert "ownership" in rendered["values_in_practice"].lower()
    assert interview.context["values"] == ["Ownership", "Curiosity", "Candour"]


def test_scripts_read_as_before_without_a_job(shipped_library) -> None:
    for script_id in ("second_round", "final"):
        ids, interview = _plan(shipped_library, script_id)
        tailored = {"job_requirement", "job_gap_1", "job_gap_2", "job_gap_3", "resume_bullet"}
        assert not tailored & set(ids), script_id
        for spec in interview.plan:
            text = interview.script.render_question(spec, interview.render_context()).text
            assert "résumé says" not in text and "job description asks" not in text


def test_final_script_uses_the_job_and_resume(shipped_library) -> None:
    job = job_context(JOB, requirement_map(JOB, []))
    ids, interview = _plan(shipped_library, "final", job=job, resume=resume_context(RESUME))
    assert {"job_gap_1", "job_gap_2", "resume_bullet"} <= set(ids)
    assert "job_requirement" not in ids  # no must-have has a story: they are asked as gaps
    spec = interview.script.question("job_gap_1")
    assert "5+ years of experience running pricing experiments" in interview.script.render_question(
        spec, interview.render_context()).text


# --- the report -------------------------------------------------------------------------------

PRICING_ANSWER = ("At my last company I ran pricing experiments on our three subscription plans. I designed "
                  "the tests, split traffic between two prices and tracked conversion for six weeks. As a "
                  "result revenue per customer rose 8% and we kept the higher price.")
SQL_ANSWER = ("I rebuilt our reporting in SQL and Python: I wrote the queries, automated the checks and "
              "cut the monthly close from three days to four hours, which the finance team now relies on.")


def test_coverage_quotes_the_answer_that_covered_each_must_have() -> None:
    job = job_context(JOB, requirement_map(JOB, []))
    report = job_coverage([scored(1, PRICING_ANSWER), scored(2, SQL_ANSWER)], job)
    covered = {c["requirement"]: c for c in report["covered"]}
    assert covered["5+ years of experience running pricing experiments"]["question_number"] == 1
    assert "ran pricing experiments" in covered["5+ years of experience running pricing experiments"]["quote"]
    assert covered["Strong SQL and Python"]["question_number"] == 2
    assert [u["requirement"] for u in report["untouched"]] == ["Experience communicating results to executives"]


def test_short_or_skipped_answers_are_no_evidence() -> None:
    job = job_context(JOB, requirement_map(JOB, []))
    skipped = ScoredAnswer("q1", 1, "qualifications", "Q", "", True, None, (80, 200), None)
    report = job_coverage([skipped, scored(2, "Pricing experiments, SQL and Python.")], job)
    assert report["covered"] == [] and len(report["untouched"]) == 3


def test_resume_use_finds_used_contradicted_and_unused_lines() -> None:
    resume = resume_context(RESUME)
    told = ("At Acme I cut onboarding time by 40%: I automated the account set-up so new customers no "
            "longer waited for a person, and I checked every step with the support team first.")
    clashing = ("At Globex I reduced shipping errors by 30% in a year: I added a second scan at packing, "
                "trained the night shift and reviewed every mistake each week with the team.")
    notes = {n["bullet"]: n for n in resume_use([scored(1, told), scored(2, clashing)], resume)}
    assert notes["Cut onboarding time by 40% by automating account set-up"]["status"] == "used"
    shipping = notes["Reduced shipping errors from 5% to 1.2% in one year"]
    assert shipping["status"] == "contradicted" and shipping["said_figure"] == "30%"
    assert shipping["resume_figure"] == "1.2%, 5%"
    assert notes["Led a team of 4 analysts through a warehouse migration"]["status"] == "unused"


def test_the_interview_report_carries_both_sections(shipped_library) -> None:
    job = job_context(JOB, requirement_map(JOB, []))
    _, interview = _plan(shipped_library, "second_round", job=job, resume=resume_context(RESUME))
    report = interview.report([scored(1, PRICING_ANSWER)])
    assert report["job_coverage"]["covered"][0]["question_number"] == 1
    assert {n["status"] for n in report["resume_use"]} == {"unused"}
    _, plain = _plan(shipped_library, "second_round")
    assert "job_coverage" not in plain.report([scored(1, PRICING_ANSWER)])


def _practice(shipped_library, question_id: str) -> tuple[Interview, str]:
    job = job_context(JOB, requirement_map(JOB, []))
    _, interview = _plan(shipped_library, "second_round", job=job, resume=resume_context(RESUME),
                         only_questions=[question_id])
    assert [q.id for q in interview.plan] == [question_id]
    spec = interview.plan[0]
    return interview, interview.script.render_question(spec, interview.render_context()).text


def test_a_practice_run_is_judged_only_by_the_question_it_asked(shipped_library) -> None:
    # One question on how the candidate works: no must-have or résumé line is a gap it left open.
    interview, question = _practice(shipped_library, "values_in_practice")
    report = interview.report([scored(1, SQL_ANSWER, question=question, category="culture")])
    assert report["job_coverage"]["untouched"] == []
    assert [c["requirement"] for c in report["job_coverage"]["covered"]] == ["Strong SQL and Python"]
    assert all(n["status"] != "unused" for n in report["resume_use"])  # only lines it did tell


def test_a_practice_run_names_the_requirement_its_question_asked_about(shipped_library) -> None:
    interview, question = _practice(shipped_library, "job_gap_1")
    assert '"5+ years of experience running pricing experiments"' in question
    report = interview.report([scored(1, SQL_ANSWER, question=question)])
    assert report["job_coverage"]["untouched"] == [
        {"requirement": "5+ years of experience running pricing experiments", "question_number": 1}]
    interview, question = _practice(shipped_library, "resume_bullet")
    notes = interview.report([scored(1, PRICING_ANSWER, question=question)])["resume_use"]
    assert [(n["bullet"], n["status"], n["question_number"]) for n in notes] == [
        ("Cut onboarding time by 40% by automating account set-up", "unused", 1)]


def test_the_practice_report_reads_right(shipped_library) -> None:
    from bot.sample_contexts import generic_context

    interview, question = _practice(shipped_library, "job_gap_1")
    report = interview.report([scored(1, SQL_ANSWER, question=question)])
    text = shipped_library.render("reports/report.md.j2", **dict(generic_context(), report=report))
    assert ('"5+ years of experience running pricing experiments": question 1 asked about it, but your '
            "answer gave no evidence for it yet") in text
    assert "none of your answers touched it" not in text and "you never used it" not in text
    assert "Experience communicating results to executives" not in text
