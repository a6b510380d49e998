"""The server-script sandbox: its limits, the worker's time limit, and the parsers of uploads
(property tests: whatever the bytes, a refusal with a file and line, never a crash)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.scripts import ScriptError
from bot.core.server_scripts import MAX_BYTES, decode_source, read_guide, upload_problems
from bot.script_sandbox import ScriptLimit, check_in_worker, check_source, make_server_environment

HEAD = "script: s\ntitle: T\nstage: final\nminutes: 10\ndescription: d\n\n"


def question(ask: str) -> str:
    return HEAD + f"question: q1\ncategory: opening\nlength: 10-20\nask:\n    {ask}\nguidance:\n    g\n"


def test_a_valid_script_passes_and_is_summarised():
    result = check_source(question("Hello {{ candidate }}, welcome to {{ company }}."), "s.j2")
    assert result.problems == [] and result.summary is not None
    assert (result.summary.script_id, result.summary.questions) == ("s", 1)


@pytest.mark.parametrize(("ask", "message"), [
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "macros are not allowed"),
    ("{% for a in answers recursive %}{{ loop(a) }}{% endfor %}", "recursive loops"),
    ("{% include 'x' %}", "includes are not allowed"),
    ("{% for a in range(3) %}{% for b in range(3) %}{% endfor %}{% endfor %}", "a loop inside a loop"),
    ("{{ range(1000) | list }}", "range() may give at most 100"),
    ("{{ 'ab' * 3000 }}", "repeating that would make over 5,000"),
    ("{{ 2 ** 1000 }}", "a power over 64"),
    ("{{ 'x' | truncate(10**9) }}", "the filter 'truncate' was given"),
    ("{{ 'x' | center(9) }}", "No filter named 'center'"),
    ("{{ candidate.__class__ }}", "unsafe"),
    ("{{ self }}", "'self' is not part of a script's context"),
    # Text built by %-formatting, ~ chains and str.format is bounded too.
    ("{{ '%020000000d' % 1 }}", "a % format width or precision of 20,000,000 is over"),
    ("{{ '%*d' % (20000000, 1) }}", "a '*' width or precision in a % format is not allowed"),
    ("{% set a = 'x' * 4000 %}{{ a ~ a }}", "joining those with ~ would make over 5,000"),
    ("{% set a = 'x' * 2000 %}{% set b = a ~ a %}{{ b ~ b ~ b }}", "joining those with ~"),
    ("{{ '{:>20000000}'.format(1) }}", "str.format and format_map are not allowed"),
    ("{{ '{x:>20000000}'.format_map({'x': 1}) }}", "str.format and format_map are not allowed"),
    ("{% set f = 'format' %}{{ '{:>20000000}'[f](1) }}", "str.format and format_map are not allowed"),
    ("{{ 'x'.ljust(1000000000) }}", "a call was given 1,000,000,000"),
    ("{{ ('a' * 4000).replace('', 'b' * 4000) }}", "that replace would make over 5,000"),
])
def test_what_the_sandbox_refuses(ask, message):
    problems = check_source(question(ask), "s.j2").problems
    assert problems and message in problems[0][2], problems
    assert problems[0][0] == "s.j2" and problems[0][1] in (7, 11)


def test_the_bounded_operators_still_work_within_limits():
    env = make_server_environment(for_discord=False)
    assert env.from_string("{{ 'ab' * 3 }}{{ 2 ** 3 }}{{ range(3) | list }}").render() == "ababab8[0, 1, 2]"
    with pytest.raises(ScriptLimit):
        env.from_string("{{ [1] * 10000 }}").render()


def test_a_question_over_discords_size_is_refused_at_its_line():
    problems = check_source(question("{{ 'word ' * 500 }}{{ 'word ' * 500 }}"), "s.j2").problems
    assert problems and problems[0][1] == 7
    assert "renders 4,999 characters; keep each text under 3,000" in problems[0][2]


async def test_the_worker_is_killed_after_its_time_and_says_where():
    result = await check_in_worker(question("Hello"), "slow.j2", seconds=0.05)
    assert result.summary is None
    assert result.problems[0][0] == "slow.j2"
    assert "did not finish rendering within 0.05 s" in result.problems[0][2]


async def test_the_worker_gives_the_same_verdict_as_the_check():
    good = await check_in_worker(question("Hello {{ candidate }}"), "s.j2")
    assert good.problems == [] and good.summary is not None
    bad = await check_in_worker(question("{{ candidate.__class__ }}"), "s.j2")
    assert bad.problems == check_source(question("{{ candidate.__class__ }}"), "s.j2").problems


@given(st.binary(max_size=400))
@settings(max_examples=200, deadline=None)
def test_any_bytes_decode_or_are_refused_with_a_line(data):
    try:
        text = decode_source(data, "f.j2")
    except ScriptError as error:
        assert all(f == "f.j2" and line >= 1 for f, line, _ in error.problems)
    else:
        assert "\x00" not in text


@given(st.text(alphabet=st.sampled_from(list("abc:{}%# \n\t_-1|()'\"*")), max_size=300))
@settings(max_examples=200, deadline=None)
def test_any_text_is_checked_or_refused_never_crashes(text):
    result = check_source(text, "f.j2")
    assert (result.summary is None) == bool(result.problems)
    assert all(f == "f.j2" and line >= 1 for f, line, _ in result.problems)


@given(st.text(max_size=120), st.integers(min_value=0, max_value=10 * MAX_BYTES))
def test_upload_names_and_sizes(name, size):
    problems = upload_problems(name, size)
    assert (size > MAX_BYTES) <= bool(problems)
    assert all(line == 1 for _, line, _ in problems)


def test_the_example_in_the_admins_guide_passes_the_check():
    """prompts/interviews/README.md gives server admins an example to copy: it must pass."""
    from pathlib import Path

    guide = read_guide((Path(__file__).resolve().parent.parent / "prompts" / "interviews" / "README.md").read_text())
    assert guide.text.startswith("A server can add its own scripts") and "```" not in guide.text
    result = check_source(guide.example, guide.filename)
    assert result.problems == [] and result.summary is not None
    assert (result.summary.script_id, result.summary.questions) == ("careers_final", 3)


def test_the_guide_reader_refuses_a_readme_without_the_section_or_its_example():
    with pytest.raises(ValueError, match="no '## For server admins"):
        read_guide("# Scripts\n\nNothing for admins here.\n")
    with pytest.raises(ValueError, match="no example"):
        read_guide("## For server admins: your own scripts\n\nSteps, but no example.\n\n## Next\n```\nx\n```\n")


def test_str_format_is_refused_at_its_line_even_in_a_branch_the_samples_never_take():
    source = question('{% if role == "Boom" %}{{ "{:>20000000}".format(1) }}{% endif %}Hello')
    problems = check_source(source, "s.j2").problems
    assert problems and problems[0][:2] == ("s.j2", 11)
    assert "str.format and format_map are not allowed" in problems[0][2]


def test_the_bounded_percent_and_join_still_work_within_limits():
    env = make_server_environment(for_discord=False)
    assert env.from_string("{{ '%05d|%s' % (3, 'a') }}{{ 7 % 3 }}{{ 1 ~ 'b' ~ x }}").render(x="c") \
        == "00003|a1" + "1bc"


BOOM = ('{% if role == "Boom" %}{% for i in range(100) %}{{ "x" * 4999 }}{% endfor %}{% endif %}'
        "Hello {{ candidate }}")


def test_a_template_that_passes_the_check_but_grows_on_real_input_is_bounded_at_run_time(caplog):
    """The samples never use the role "Boom": the check passes. At run time the text would be
    500,000 characters; the render stops, and the session shows a short, logged notice."""
    from bot.script_sandbox import RUNTIME_NOTICE, parse_server_script

    assert check_source(question(BOOM), "s.j2").problems == []
    script = parse_server_script(question(BOOM), "s.j2", lenient=True)
    spec = script.questions[0]
    context = {"candidate": "Ann", "role": "Boom", "answers": {}}
    with caplog.at_level("WARNING", logger="bot.script_sandbox"):
        assert script.render_question(spec, context).text == RUNTIME_NOTICE
    assert "over 12,000 characters" in caplog.text
    assert script.render_question(spec, {**context, "role": "Analyst"}).text == "Hello Ann"
    # The same in a % format or a ~ chain that only the real input reaches.
    for ask in ('{% if role == "Boom" %}{{ "%020000000d" % 1 }}{% endif %}Hi',
                '{% if role == "Boom" %}{% set a = "x" * 4000 %}{{ a ~ a }}{% endif %}Hi'):
        assert check_source(question(ask), "s.j2").problems == []
        script = parse_server_script(question(ask), "s.j2", lenient=True)
        assert script.render_question(script.questions[0], context).text == RUNTIME_NOTICE
    # The checker's environment (not lenient) refuses instead, at the question's line.
    strict = parse_server_script(question(BOOM), "s.j2")
    with pytest.raises(ScriptError) as error:
        strict.render_question(strict.questions[0], context)
    assert error.value.problems[0][:2] == ("s.j2", 7)
