from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jinja2.exceptions import SecurityError

from bot.core.text import ZWSP, escape_discord, neutralise_mentions, split_text
from bot.templating import TemplateError, TemplateRenderer, make_environment


def render(source: str, **context: object) -> str:
    return make_environment().from_string(source).render(**context)


def test_mentions_are_neutralised_in_every_form() -> None:
    out = escape_discord("@everyone @here <@123> <@!456> <@&789> <#42>")
    for raw in ("@everyone", "@here", "<@123>", "<@!456>", "<@&789>", "<#42>"):
        assert raw not in out
    assert "everyone" in out and "789" in out  # still readable
    assert neutralise_mentions("@here") == "@" + ZWSP + "here"


def test_markdown_is_escaped_so_text_shows_as_typed() -> None:
    out = escape_discord("**bold** _it_ ~~x~~ `code` ||spoiler|| [link](http://x)\n> quote\n# head")
    assert "\\*\\*bold\\*\\*" in out and "\\_it\\_" in out and "\\`code\\`" in out
    assert "\\|\\|spoiler\\|\\|" in out and "\\[link\\]" in out
    assert "\\> quote" in out and "\\# head" in out


def test_expressions_are_escaped_by_default_but_template_text_is_not() -> None:
    out = render("**Answer:** {{ answer }}", answer="@everyone *hi*")
    assert out.startswith("**Answer:** ")
    assert "@everyone" not in out and "\\*hi\\*" in out


def test_discord_timestamp_filters() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    assert render("{{ t | discord_ts }}", t=when) == "<t:1767225600:F>"
    assert render("{{ t | discord_ts('R') }}", t=when) == "<t:1767225600:R>"
    assert render("{{ t | when }}", t=when) == "<t:1767225600:F> (<t:1767225600:R>)"
    with pytest.raises(ValueError, match="timezone-aware"):
        render("{{ t | discord_ts }}", t=datetime(2026, 1, 1))  # noqa: DTZ001


def test_strict_undefined_fails_on_a_missing_variable(tmp_path) -> None:
    (tmp_path / "t.md.j2").write_text("line one\nHello {{ missing_name }}\n")
    renderer = TemplateRenderer(make_environment(tmp_path))
    with pytest.raises(TemplateError, match=r"t\.md\.j2:2: 'missing_name' is undefined"):
        renderer.render("t.md.j2", {})


def test_syntax_error_names_file_and_line(tmp_path) -> None:
    (tmp_path / "bad.md.j2").write_text("ok\nok\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"bad\.md\.j2:3"):
        TemplateRenderer(make_environment(tmp_path)).render("bad.md.j2", {})


def test_sandbox_refuses_reaching_python_internals() -> None:
    with pytest.raises(SecurityError):
        render("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        render("{{ cycler.__init__.__globals__ }}", cycler=object())


def test_split_text_never_drops_anything() -> None:
    text = "\n\n".join(f"Paragraph {i} " + "word " * 80 for i in range(20))
    chunks = split_text(text, 1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(text.split())


def test_shortening_text_that_is_already_safe_does_not_escape_it_again() -> None:
    env = make_environment()
    safe = escape_discord("Acme_Corp (UK) " * 20)
    out = env.from_string("{{ q | shorten(40) }}").render(q=safe)
    assert out.startswith("Acme\\_Corp \\(UK\\)") and "\\\\" not in out
    assert env.from_string("{{ q | shorten(40) }}").render(q="Acme_Corp").startswith("Acme\\_Corp")


def test_a_python_error_inside_a_template_names_file_and_line(tmp_path) -> None:
    (tmp_path / "bad.md.j2").write_text("First line\n{{ job.values | join(', ') }}\n")
    renderer = TemplateRenderer(make_environment(tmp_path))
    with pytest.raises(TemplateError) as caught:
        renderer.render("bad.md.j2", {"job": {"values": ["Kindness"]}})  # .values is the dict's method
    assert "bad.md.j2" in str(caught.value) and caught.value.lineno == 2
    assert "TypeError" in str(caught.value)


# --- the report's layout, in Discord, in the terminal and in the transcript file ---------------

def _full_report_texts() -> dict[str, str]:
    """A report with a panel, a job description, a résumé and spoken answers, rendered for
    Discord, for the terminal (as `bot.console` shows it) and for the transcript file."""
    from pathlib import Path

    from bot.console import terminal_text
    from bot.library import TemplateLibrary
    from bot.sample_contexts import generic_context, sample_delivery, sample_report

    report = sample_report()
    report["delivery"] = sample_delivery()
    assert report["panel"] and report["job_coverage"]["untouched"] and report["resume_use"]
    prompts = Path(__file__).resolve().parent.parent / "prompts"
    ctx = dict(generic_context(), report=report)
    discord = TemplateLibrary(prompts).render("reports/report.md.j2", **ctx)
    plain = TemplateLibrary(prompts, for_discord=False)
    return {"discord": discord,
            "terminal": terminal_text(plain.render("reports/report.md.j2", **ctx), width=100),
            "file": plain.render_file("reports/report.md.j2", **ctx)}


@pytest.mark.parametrize("where", ["discord", "terminal", "file"])
def test_every_bullet_and_section_of_a_full_report_is_on_its_own_line(where: str) -> None:
    import re

    text = _full_report_texts()[where]
    lines = text.splitlines()
    for line in lines:
        # A bullet or a section run on after other text ("...for them- **Raj", '...measured?"In a').
        assert not re.search(r"\S- (\*\*|✅|⬜|⚠️)", line), line
        assert not re.search(r"\S ?- \*\*[A-Z]", line.lstrip("- ")), line
        assert not re.search(r"[.?!]\"?[A-Z][a-z]", line), line
    headings = ["Your questions for them:", "Your panel, one by one", "In a panel, close by",
                "Against the job description", "Your résumé's strongest lines", "What went well",
                "Three things to work on", "How you said it", "The content notes below"]
    for heading in headings:
        at = [i for i, line in enumerate(lines) if line.lstrip("*").startswith(heading)]
        assert len(at) == 1, heading
        assert lines[at[0] - 1].strip() == "", f"no blank line before {heading!r}"
    assert "\n\n\n" not in text


def test_join_and_reads_a_list_as_english() -> None:
    assert render("{{ v | join_and }}", v=[]) == ""
    assert render("{{ v | join_and }}", v=["ownership"]) == "ownership"
    assert render("{{ v | join_and }}", v=["ownership", "curiosity"]) == "ownership and curiosity"
    assert render("{{ v | join_and }}", v=["a", "b", "c"]) == "a, b and c"
    assert render("{{ v | join_and('or') }}", v=["a", "b", "c"]) == "a, b or c"
    assert render("{{ v | join_and(lower=True) }}", v=["Customer Obsession", "Bias for action", "DevOps", "AI"]) == (
        "customer obsession, bias for action, DevOps and AI")


def test_join_and_is_allowed_in_server_scripts() -> None:
    from bot.script_sandbox import make_server_environment

    env = make_server_environment(for_discord=False)
    assert env.from_string("{{ v | join_and(lower=True) }}").render(v=["Ownership", "Care"]) == "ownership and care"


def test_durations_read_in_one_style() -> None:
    said = [render("{{ s | duration }}", s=s) for s in (0, 0.4, 5, 39.6, 89, 90, 198)]
    assert said == ["under a second", "under a second", "about 5 s", "about 40 s", "about 89 s",
                    "about 2 min", "about 3 min"]


def test_the_transcript_keeps_each_follow_up_apart_and_counts_words_in_english() -> None:
    from pathlib import Path

    from bot.library import TemplateLibrary
    from bot.sample_contexts import generic_context

    entry = {"number": 1, "question_id": "q", "category": "opening", "category_label": "Opening",
             "question": "Hello.", "answer": "Yes.", "skipped": False, "seconds": 3, "asker": None,
             "handover": "", "prepares": False, "score": 0.5, "notes": [],
             "analysis": {"words": 1, "speaking_seconds": 0, "shape": {}, "fillers": {}},
             "probes": [{"question": "Why?", "answer": "Because I like it.", "skipped": False},
                        {"question": "Anything else?", "answer": "", "skipped": True},
                        {"question": "And then?", "answer": "That is all.", "skipped": False}]}
    long_one = dict(entry, number=2, question_id="q2", analysis={**entry["analysis"], "words": 463,
                                                                  "speaking_seconds": 198})
    library = TemplateLibrary(Path(__file__).resolve().parent.parent / "prompts", for_discord=False)
    text = library.render_file("reports/transcript.md.j2", **dict(generic_context(), entries=[entry, long_one]))
    for follow_up in ("**Follow-up:** Why?", "**Follow-up:** Anything else?", "**Follow-up:** And then?"):
        at = text.index(follow_up)
        assert text[at - 2:at] == "\n\n", text[at - 40:at + 20]
    assert "· 1 word · under a second spoken" in text and " 1 words" not in text
    assert "· 463 words · about 3 min spoken" in text and "198s" not in text
    assert "\n\n\n" not in text
