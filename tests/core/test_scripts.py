"""Parsing, validating and rendering interview scripts, and the shipped scripts themselves."""

from __future__ import annotations

import shutil

import pytest

from bot.core.feedback import answer_signals
from bot.core.scripts import (
    CATEGORIES,
    MAX_PROBES_ASKED,
    ROLE_FAMILIES,
    RenderedQuestion,
    Script,
    ScriptError,
    infer_role_family,
    parse_script,
    sample_context,
)
from bot.library import check_prompts

HEADER = """\
script: demo
title: Demo interview
stage: second_round
minutes: 20
description: A script used by the tests.
"""

GOOD_QUESTION = """
question: {qid}
category: behavioural
length: 60-120
ask:
    Tell me about a time you changed someone's mind, {{{{ candidate }}}}.
guidance:
    A clear story with a result.
"""

FILE = "interviews/demo.j2"


def line_of(source: str, text: str, occurrence: int = 1) -> int:
    """1-based line number of the `occurrence`-th line equal to `text` (after rstrip)."""
    seen = 0
    for number, line in enumerate(source.splitlines(), start=1):
        if line.rstrip() == text:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{text!r} not found {occurrence} times")


def problems_of(source: str, env) -> list[tuple[str, int, str]]:
    with pytest.raises(ScriptError) as info:
        parse_script(source, FILE, env)
    return info.value.problems


# --- a valid script -------------------------------------------------------------------------

def test_minimal_script_parses(env):
    source = HEADER + GOOD_QUESTION.format(qid="changed_mind")
    script = parse_script(source, FILE, env)
    assert script.id == "demo"
    assert script.title == "Demo interview"
    assert script.stage == "second_round"
    assert script.minutes == 20
    assert script.filename == FILE
    assert [q.id for q in script.questions] == ["changed_mind"]
    spec = script.questions[0]
    assert spec.category == "behavioural"
    assert spec.length == (60, 120)
    assert spec.lineno == line_of(source, "question: changed_mind")
    assert spec.probes == ()
    rendered = script.render_question(spec, sample_context("general"))
    assert rendered.text == "Tell me about a time you changed someone's mind, Sam."
    assert rendered.guidance == "A clear story with a result."
    assert rendered.category_label == CATEGORIES["behavioural"]


def test_version_changes_with_source(env):
    one = parse_script(HEADER + GOOD_QUESTION.format(qid="a_question"), FILE, env)
    two = parse_script(HEADER + GOOD_QUESTION.format(qid="b_question"), FILE, env)
    assert one.version != two.version
    assert len(one.version) == 12


def test_mini_script_fixture_parses(mini_script):
    assert [q.id for q in mini_script.questions] == ["hello", "story", "data_only", "why_us", "wrap"]
    assert [p.position for p in mini_script.question("story").probes] == [1, 2]


# --- errors name the file and the line ------------------------------------------------------

def test_duplicate_question_id(env):
    source = HEADER + GOOD_QUESTION.format(qid="twice") + GOOD_QUESTION.format(qid="twice")
    problems = problems_of(source, env)
    first, second = line_of(source, "question: twice", 1), line_of(source, "question: twice", 2)
    assert len(problems) == 1
    filename, line, message = problems[0]
    assert filename == FILE
    assert line == second
    assert "'twice'" in message and f"line {first}" in message


def test_unknown_category(env):
    source = HEADER + GOOD_QUESTION.format(qid="q_one").replace(
        "category: behavioural", "category: small_talk")
    problems = problems_of(source, env)
    assert [(f, line) for f, line, _ in problems] == [(FILE, line_of(source, "category: small_talk"))]
    assert "small_talk" in problems[0][2]


@pytest.mark.parametrize("missing", ["title", "stage", "minutes", "description"])
def test_missing_script_metadata(env, missing):
    header = "\n".join(line for line in HEADER.splitlines() if not line.startswith(missing + ":"))
    source = header + "\n" + GOOD_QUESTION.format(qid="q_one")
    problems = problems_of(source, env)
    assert (FILE, 1, f"the script needs '{missing}:'") in problems


@pytest.mark.parametrize("missing", ["category", "length", "ask", "guidance"])
def test_missing_question_field(env, missing):
    block = GOOD_QUESTION.format(qid="q_one")
    lines = block.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(missing + ":"))
    del lines[index]
    if missing in {"ask", "guidance"}:  # drop the indented text as well
        del lines[index]
    source = HEADER + "\n".join(lines) + "\n"
    problems = problems_of(source, env)
    assert problems == [(FILE, line_of(source, "question: q_one"),
                         f"question 'q_one' needs '{missing}:'")]


def test_file_must_start_with_script(env):
    problems = problems_of(GOOD_QUESTION.format(qid="q_one"), env)
    assert problems[0][:2] == (FILE, 1)
    assert "script:" in problems[0][2]


@pytest.mark.parametrize("length", ["120-60", "lots", "60", "60-"])
def test_bad_length(env, length):
    source = HEADER + GOOD_QUESTION.format(qid="q_one").replace("length: 60-120", f"length: {length}")
    problems = problems_of(source, env)
    assert problems == [(FILE, line_of(source, f"length: {length}"), "length must look like 60-120 (words)")]


def test_bad_minutes(env):
    source = HEADER.replace("minutes: 20", "minutes: 0") + GOOD_QUESTION.format(qid="q_one")
    problems = problems_of(source, env)
    assert [(f, line) for f, line, _ in problems] == [(FILE, line_of(source, "minutes: 0"))]


def test_jinja_syntax_error_in_multiline_ask_reports_absolute_line(env):
    block = """
question: broken
category: behavioural
length: 60-120
ask:
    First line of the question is fine.
    Second line has {% endif %} with no if.
    Third line.
guidance:
    Fine.
"""
    source = HEADER + GOOD_QUESTION.format(qid="q_one") + block
    problems = problems_of(source, env)
    assert len(problems) == 1
    filename, line, message = problems[0]
    assert filename == FILE
    assert line == line_of(source, "    Second line has {% endif %} with no if.")
    assert message.startswith("ask:")
    assert "endif" in message


def test_jinja_syntax_error_in_one_line_ask(env):
    block = """
question: broken
category: behavioural
length: 60-120
ask: Why {{ company ?
guidance:
    Fine.
"""
    source = HEADER + block
    problems = problems_of(source, env)
    assert [(f, line) for f, line, _ in problems] == [(FILE, line_of(source, "ask: Why {{ company ?"))]


def test_syntax_error_in_probe_text_and_condition(env):
    block = """
question: probed
category: behavioural
length: 60-120
ask:
    Tell me a story.
guidance:
    Fine.
probe: not answer.has_result and
    How did it end?
probe: answer.is_short
    Line one of the probe.
    Line two {% for %} is broken.
"""
    source = HEADER + block
    problems = problems_of(source, env)
    lines = sorted(line for _, line, _ in problems)
    assert lines == sorted([line_of(source, "probe: not answer.has_result and"),
                            line_of(source, "    Line two {% for %} is broken.")])


def test_more_than_three_probes(env):
    probes = "".join(f"probe: answer.words < {n}\n    Follow-up {n}?\n" for n in (10, 20, 30, 40))
    source = HEADER + GOOD_QUESTION.format(qid="q_one") + probes
    problems = problems_of(source, env)
    assert problems == [(FILE, line_of(source, "probe: answer.words < 40"),
                         "at most 3 probes per question")]


def test_three_probes_are_allowed(env):
    probes = "".join(f"probe: answer.words < {n}\n    Follow-up {n}?\n" for n in (10, 20, 30))
    script = parse_script(HEADER + GOOD_QUESTION.format(qid="q_one") + probes, FILE, env)
    assert len(script.questions[0].probes) == 3


def test_all_problems_are_reported_together(env):
    source = (HEADER + GOOD_QUESTION.format(qid="q_one").replace("category: behavioural", "category: nope")
              + GOOD_QUESTION.format(qid="q_one").replace("length: 60-120", "length: x"))
    problems = problems_of(source, env)
    assert len(problems) == 3  # unknown category, duplicate id, bad length
    text = str(ScriptError(problems))
    for _, line, _ in problems:
        assert f"{FILE}:{line}: " in text


def test_script_with_no_questions(env):
    problems = problems_of(HEADER, env)
    assert problems == [(FILE, 1, "the script has no questions")]


def test_unknown_key_is_reported(env):
    source = HEADER + GOOD_QUESTION.format(qid="q_one") + "colour: blue\n"
    problems = problems_of(source, env)
    assert problems == [(FILE, line_of(source, "colour: blue"), "unknown question key 'colour'")]


# --- role families --------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "family"), [
    ("Senior Data Analyst", "data"),
    ("Backend Engineer", "software"),
    ("Product Manager", "product"),
    ("UX Designer", "design"),
    ("Account Executive", "customer"),
    ("Office Manager", "general"),
    ("Machine Learning Engineer", "data"),
    ("Senior PM", "product"),
    ("Customer Success Manager", "customer"),
    ("", "general"),
])
def test_infer_role_family(title, family):
    assert infer_role_family(title) == family


# --- the shipped scripts --------------------------------------------------------------------

SAMPLE_ANSWERS = (
    "",
    "We improved things a lot at my last job.",
    "At my last job I led a migration that cut costs 30% in two months.",
)


SHIPPED = ("second_round", "final", "final_leadership", "behavioural_deep_dive", "case_presentation",
           "senior_staff")


def test_shipped_library_has_the_interviews_and_the_assessments(shipped_library):
    assert set(shipped_library.scripts) == set(SHIPPED)
    files = {s.filename for s in shipped_library.scripts.values()}
    assert files == {f"interviews/{name}.j2" for name in SHIPPED}
    assessments = {s.id for s in shipped_library.scripts.values() if s.family == "assessment"}
    assert assessments == {"case_presentation", "senior_staff"}
    assert all(shipped_library.scripts[s].stage == "second_round" for s in assessments)


@pytest.mark.parametrize("with_optional", [True, False], ids=["full", "bare"])
@pytest.mark.parametrize("family", list(ROLE_FAMILIES))
def test_shipped_scripts_render_every_planned_question(shipped_library, family, with_optional):
    for script in shipped_library.scripts.values():
        ctx = sample_context(family, script.stage, with_optional=with_optional)
        plan = script.plan(ctx)
        assert len(plan) >= (12 if script.family == "interview" else 7), (script.id, family, len(plan))
        assert plan[0].category == "opening", script.id
        assert plan[-1].category == "closing", script.id
        answers: dict[str, object] = {}
        for spec in plan:
            rendered = script.render_question(spec, {**ctx, "answers": answers})
            assert rendered.text.strip(), (script.id, spec.id)
            assert rendered.guidance.strip(), (script.id, spec.id)
            assert "{{" not in rendered.text and "{%" not in rendered.text, (script.id, spec.id)
            low, high = rendered.length
            assert 0 < low <= high
            for sample in SAMPLE_ANSWERS:
                view = answer_signals(sample, company="Acme", values=ctx["values"], length=spec.length)
                probe = script.next_probe(spec, {**ctx, "answers": answers, "answer": view}, [])
                if probe is not None:
                    assert probe[1].strip(), (script.id, spec.id, probe[0].position)
            answers[spec.id] = answer_signals(
                "At my last company I led the rollout; as a result churn fell 12%.",
                company="Acme", length=spec.length)


def test_final_scripts_cover_salary_and_candidate_questions(shipped_library):
    finals = [s for s in shipped_library.scripts.values() if s.stage == "final"]
    assert {s.id for s in finals} == {"final", "final_leadership"}
    for script in finals:
        for family in ROLE_FAMILIES:
            categories = {q.category for q in script.plan(sample_context(family, "final"))}
            assert {"salary_benefits", "candidate_questions"} <= categories, (script.id, family)


def test_every_script_asks_for_candidate_questions(shipped_library):
    for script in shipped_library.scripts.values():
        assert any(q.category == "candidate_questions" for q in script.questions), script.id


def test_question_bank_size_and_guidance(shipped_library):
    guidance: dict[tuple[str, str], str] = {}
    for script in shipped_library.scripts.values():
        for family in ROLE_FAMILIES:
            ctx = sample_context(family, script.stage)
            for spec in script.plan(ctx):
                guidance[(script.id, spec.id)] = script.render_question(spec, ctx).guidance
        # Every question written is asked for at least one role family.
        assert {q.id for q in script.questions} == {qid for sid, qid in guidance if sid == script.id}
    distinct_ids = {qid for _, qid in guidance}
    assert len(distinct_ids) >= 80
    empty = [key for key, text in guidance.items() if not text.strip()]
    assert empty == []


def test_questions_ids_are_unique_within_each_script(shipped_library):
    for script in shipped_library.scripts.values():
        ids = [q.id for q in script.questions]
        assert len(ids) == len(set(ids)), script.id


# --- probes ---------------------------------------------------------------------------------

WITH_RESULT = ("When I was at my last job our release process was broken. I was responsible for "
               "fixing it. I rebuilt the pipeline and I trained the team. As a result, deploys "
               "went from two days to 20 minutes.")
WITHOUT_RESULT = ("When I was at my last job our release process took two days. I was responsible "
                  "for fixing it. I rebuilt the pipeline and I trained the team on it.")
TEAM_ONLY = ("We had a hard time. We worked on it together and we fixed it as a team, and our "
             "manager was happy with us.")


def _probe(script: Script, question_id: str, answer: str, asked: list[int]) -> tuple[int, str] | None:
    """The probe that follows `answer`, read as the interview reads it: against its own
    question and category."""
    spec = script.question(question_id)
    ctx = sample_context("general", script.stage)
    question = script.render_question(spec, {**ctx, "answers": {}}).text
    view = answer_signals(answer, company="Acme", values=ctx["values"], length=spec.length, question=question,
                          category=spec.category, role=ctx["role"])
    result = script.next_probe(spec, {**ctx, "answer": view}, asked)
    return None if result is None else (result[0].position, result[1])


def test_hardest_problem_probes_are_what_the_script_says(shipped_library):
    spec = shipped_library.script("second_round").question("hardest_problem")
    assert [p.condition_source for p in spec.probes] == [
        "answer.we_only", "not answer.has_result", "not answer.has_numbers"]


def test_result_probe_fires_only_without_a_result(shipped_library):
    script = shipped_library.script("second_round")
    assert answer_signals(WITH_RESULT)["has_result"] is True
    assert answer_signals(WITHOUT_RESULT)["has_result"] is False
    assert _probe(script, "hardest_problem", WITH_RESULT, []) is None
    assert _probe(script, "hardest_problem", WITHOUT_RESULT, []) == (
        2, "Where did things end up once it was over?")


def test_lesson_applied_result_probe(shipped_library):
    script = shipped_library.script("second_round")
    spec = script.question("lesson_applied")
    assert [p.condition_source for p in spec.probes] == ["not answer.has_example",
                                                         "not answer.has_result", "answer.we_only"]
    assert _probe(script, "lesson_applied", WITH_RESULT, []) is None
    assert _probe(script, "lesson_applied", WITHOUT_RESULT, []) == (
        2, "What happened differently the second time?")


def test_probes_are_asked_in_order_each_once_and_at_most_two(shipped_library):
    script = shipped_library.script("second_round")
    # Every probe of hardest_problem fires for this answer (we-heavy, no result, no figures).
    assert _probe(script, "hardest_problem", TEAM_ONLY, [])[0] == 1
    assert _probe(script, "hardest_problem", TEAM_ONLY, [1])[0] == 2
    assert _probe(script, "hardest_problem", TEAM_ONLY, [2])[0] == 3
    assert MAX_PROBES_ASKED == 2
    assert _probe(script, "hardest_problem", TEAM_ONLY, [1, 2]) is None
    assert _probe(script, "hardest_problem", TEAM_ONLY, [1, 3]) is None


def test_unconditional_probe_and_bound(env):
    source = HEADER + GOOD_QUESTION.format(qid="q_one") + (
        "probe:\n    Anything to add?\n"
        "probe:\n    Anything else?\n"
        "probe:\n    One more thing?\n")
    script = parse_script(source, FILE, env)
    spec = script.questions[0]
    ctx = {**sample_context("general"), "answer": answer_signals(WITH_RESULT)}
    first = script.next_probe(spec, ctx, [])
    second = script.next_probe(spec, ctx, [1])
    assert first is not None and first[1] == "Anything to add?"
    assert second is not None and second[1] == "Anything else?"
    assert script.next_probe(spec, ctx, [1, 2]) is None


def test_when_restricts_plan_by_role_family(mini_script):
    software = [q.id for q in mini_script.plan(sample_context("software"))]
    data = [q.id for q in mini_script.plan(sample_context("data"))]
    assert software == ["hello", "story", "why_us", "wrap"]
    assert data == ["hello", "story", "data_only", "why_us", "wrap"]


def test_render_error_names_file_and_line(env):
    source = HEADER + GOOD_QUESTION.format(qid="q_one").replace(
        "    Tell me about a time you changed someone's mind, {{ candidate }}.",
        "    Tell me about {{ no_such_variable }}.")
    script = parse_script(source, FILE, env)
    with pytest.raises(ScriptError) as info:
        script.render_question(script.questions[0], sample_context("general"))
    assert info.value.problems[0][:2] == (FILE, line_of(source, "question: q_one"))


# --- check_prompts ----------------------------------------------------------------------------

def test_check_prompts_passes_on_the_shipped_scripts(project_root, tmp_path):
    # Only the interview scripts: the other templates under prompts/ are checked elsewhere.
    shutil.copytree(project_root / "prompts" / "interviews", tmp_path / "interviews")
    assert check_prompts(tmp_path) == []


def test_check_prompts_names_file_and_line(tmp_path, mini_source):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "good.j2").write_text(mini_source, "utf-8")
    broken = mini_source.replace("script: mini", "script: broken").replace(
        "category: motivation", "category: gossip")
    (folder / "broken.j2").write_text(broken, "utf-8")
    problems = check_prompts(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"interviews/broken.j2:{line_of(broken, 'category: gossip')}: ")
    assert "gossip" in problems[0]


# --- probes that listen -------------------------------------------------------------------------

def test_no_basis_probe_after_a_range_with_its_basis(shipped_library):
    script = shipped_library.script("final")
    assert _probe(script, "salary_expectations",
                  "£85,000 to £95,000 base. I used Levels.fyi and Pave data for this level.", []) is None
    assert _probe(script, "salary_expectations", "£85,000 to £95,000 base.", []) == (
        2, "What is that range based on?")
    assert _probe(script, "salary_expectations", "idk, I'd accept anything really.", []) == (
        1, "Could you put that into a range in figures?")
    deferral = ("I'd like to understand the on-call part before I settle on a figure. Could you share the band "
                "you've budgeted for the role?")
    assert _probe(script, "salary_expectations", deferral, []) is None


def test_no_why_did_it_catch_your_attention_after_i_havent_looked(shipped_library):
    script = shipped_library.script("second_round")
    first = _probe(script, "recent_company_news", "I haven't looked, to be honest.", [])
    assert first is not None and first[0] == 1 and "ten minutes to look us up" in first[1]
    assert _probe(script, "recent_company_news", "I haven't looked, to be honest.", [1]) is None
    specific = ("I read that Acme is opening two new warehouses in the north, which means the analysts will be "
                "forecasting demand for regions with no history yet.")
    assert _probe(script, "recent_company_news", specific, []) is None
    no_reason = "I read that Acme opened two new warehouses in the north this spring."
    assert _probe(script, "recent_company_news", no_reason, []) == (
        3, "Why did that piece of news catch your attention?")


def test_what_did_you_do_probe_only_for_we_stories(shipped_library):
    script = shipped_library.script("second_round")
    assert _probe(script, "hardest_problem", TEAM_ONLY, [])[0] == 1
    mixed = ("When I was at my last job our release process was broken. We all worked on it, and I rebuilt the "
             "pipeline myself. As a result, deploys went from two days to 20 minutes.")
    assert _probe(script, "hardest_problem", mixed, []) is None
    lesson = script.question("lesson_applied")
    assert lesson.probes[-1].condition_source == "answer.we_only"
    team_story = ("Later we had a similar problem. We planned ahead and we shipped on time, and as a result our "
                  "launch went well.")
    assert _probe(script, "lesson_applied", team_story, [])[1] == "And what did you do differently, yourself?"


def test_every_story_question_can_ask_what_you_did_yourself(shipped_library):
    # Feedback the candidate received is their own story by nature: no "what did you do" probe.
    for script in shipped_library.scripts.values():
        for spec in script.questions:
            if spec.category == "behavioural" and spec.id != "tough_feedback":
                assert any("we_only" in p.condition_source for p in spec.probes), (script.id, spec.id)
    assert not any("says_we_more_than_i" in p.condition_source for s in shipped_library.scripts.values()
                   for q in s.questions for p in q.probes)


def test_weakness_probe_catches_a_humblebrag(shipped_library):
    script = shipped_library.script("final")
    brag = _probe(script, "stretch_area", "Honestly I'm a perfectionist, I just care too much.", [])
    assert brag is not None and "sounds more like a strength" in brag[1]
    real = ("Survival analysis. I've only used it once, and your trials rely on it, so I'm working through a course "
            "and I've redone a public dataset analysis with it.")
    assert _probe(script, "stretch_area", real, []) is None


def test_off_question_probe(shipped_library):
    script = shipped_library.script("second_round")
    cv = "I've been a data analyst for four years at two companies. I studied economics and I have a master's."
    assert _probe(script, "typical_week", cv, [])[1].startswith("Setting your background aside")
    week = ("Mostly SQL and dashboards in the mornings, a review with the product team midweek, and a "
            "monthly report for the board, which I'd enjoy most, though the board deadline would be the hardest.")
    assert _probe(script, "typical_week", week, []) is None
    assert _probe(script, "typical_week", "Mostly SQL and dashboards in the mornings.", []) == (
        2, "And which part of that week would you find hardest?")


def _close(script: Script, earlier: str) -> str:
    ctx = sample_context("general", script.stage)
    spec = script.question("second_round_close")
    answers = {"experience_deep_dive": answer_signals(earlier, company="Acme", category="qualifications")}
    return script.render_question(spec, {**ctx, "answers": answers}).text


def test_a_callback_quotes_only_an_answer_worth_quoting(shipped_library):
    script = shipped_library.script("second_round")
    assert '("' not in _close(script, "Basically it went well, I think.")
    quoted = _close(script, "I rebuilt our month-end reporting, and it now takes four hours instead of three days.")
    assert '("I rebuilt our month-end reporting, and it now takes four hours instead of three days")' in quoted


def test_shipped_scripts_use_every_category(shipped_library):
    used = {q.category for s in shipped_library.scripts.values() for q in s.questions}
    assert used == set(CATEGORIES)


def test_the_script_readme_lists_every_category(project_root):
    readme = (project_root / "prompts" / "interviews" / "README.md").read_text("utf-8")
    for category in CATEGORIES:
        assert f"`{category}`" in readme, category


@pytest.mark.parametrize(("values", "said"), [
    (["ownership", "curiosity"], "ownership and curiosity"),
    (["Customer obsession", "Bias for action"], "customer obsession and bias for action"),
    (["Ownership", "AI first", "Kindness"], "ownership, AI first and kindness"),
])
def test_the_values_are_read_as_english_in_every_shipped_script(shipped_library, values, said):
    # Every question of ours that reads out the values, in a sentence rather than as a list.
    seen = 0
    for script in shipped_library.scripts.values():
        ctx = {**sample_context("general", script.stage), "values": values}
        for spec in script.questions:
            text = " ".join(script.render_question(spec, {**ctx, "answers": {}}).text.split())
            if values[-1].lower() in text.lower():
                seen += 1
                assert said in text and ", ".join(values) not in text, (script.id, spec.id, text)
    assert seen >= 4


def test_the_suggested_length_has_no_brackets_inside_and_one_style_of_time():
    assert RenderedQuestion("q", "opening", "Opening", "Hi?", "", (30, 90)).length_hint == (
        "30-90 words, about 13-39 s spoken")
    assert RenderedQuestion("q", "opening", "Opening", "Hi?", "", (120, 240)).length_hint == (
        "120-240 words, about 51 s to 2 min spoken")
    assert RenderedQuestion("q", "opening", "Opening", "Hi?", "", (300, 600)).length_hint == (
        "300-600 words, about 2-4 min spoken")
