"""End to end: the `rehearse` command in a subprocess, driven through stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PROMPTS_DIR = PROJECT_ROOT / "prompts"
SCRIPTS = ("second_round", "final", "final_leadership", "behavioural_deep_dive")
PERSON = ["--name", "Sam", "--role", "Data Analyst", "--company", "Acme"]


def rehearse(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_PATH", "DISCORD_TOKEN", "PROMPTS_DIR", "LOG_LEVEL", "DEV_GUILD_ID"}}
    env["PROMPTS_DIR"] = str(PROMPTS_DIR)
    # The code under test, not whichever copy of the package the interpreter has installed.
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "bot", "rehearse", "--db", str(tmp_path / "r.db"), *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, env=env,
        timeout=120, check=False,
    )


def answers(tag: str, count: int, *, first: int = 1) -> list[str]:
    """`count` answers, each two lines and an empty line that finishes it."""
    lines: list[str] = []
    for n in range(first, first + count):
        lines += [f"{tag} answer {n}: at my last job I led a migration of our reporting.",
                  "As a result we cut report time by 30% in two months.", ""]
    return lines


def test_complete_final_interview(tmp_path):
    transcript = tmp_path / "out" / "transcript.md"
    lines = ["/repeat"]  # shows the current question again; nothing is recorded
    lines += answers("ALPHA", 3)
    lines += ["/skip"]
    lines += answers("ALPHA", 80, first=4)
    result = rehearse(tmp_path, "--script", "final", *PERSON, "--transcript", str(transcript),
                      stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Final interview · Final round · 19 questions" in out
    assert "[1/19] Opening" in out and "[19/19] Closing" in out
    assert "Three things to work on" in out
    assert "feedback for Sam" in out
    assert " of 19 questions answered" in out
    # The report is rendered for a terminal: headings underlined, no Markdown markers.
    report = out[out.index("=" * 60):]
    assert "**" not in report
    assert "Three things to work on\n-----------------------" in report
    assert "The words that cost most" in report and "A strong answer to this kind of question" in report
    assert "What would move it most: question" in report
    # /repeat printed the current question a second time.
    headers = [line for line in out.splitlines() if line.startswith("[")]
    assert headers.count("[1/19] Opening") == 2
    assert len(headers) == len(set(headers)) + 1
    assert f"Transcript and report written to {transcript}" in out

    text = transcript.read_text("utf-8")
    assert text.startswith("# Final interview: transcript")
    assert "- Candidate: Sam" in text and "- Role: Data Analyst at Acme" in text
    assert "ALPHA answer 1: at my last job I led a migration of our reporting." in text
    assert "As a result we cut report time by 30% in two months." in text
    assert "*Skipped.*" in text
    assert "**Follow-up:**" in text
    assert "## 19. Closing" in text
    assert "Three things to work on" in text  # the report follows the transcript
    assert "against the rubric for this kind of question" in text  # each answer's score and notes
    assert "> - Fix (" in text and "> - Good (" in text
    # Answers are stored in order: the first ones went to questions 1 and 2.
    assert text.index("ALPHA answer 1:") < text.index("ALPHA answer 2:") < text.index("ALPHA answer 3:")


def test_quit_then_resume_finishes_with_both_runs(tmp_path):
    first_input = [*answers("FIRSTRUN", 4), "/quit", "FIRSTRUN should never be recorded", ""]
    first = rehearse(tmp_path, "--script", "final", *PERSON, stdin="\n".join(first_input) + "\n")
    assert first.returncode == 3, first.stdout + first.stderr
    assert "Paused and saved" in first.stdout
    assert "Three things to work on" not in first.stdout

    # A new start is refused while the rehearsal is unfinished.
    blocked = rehearse(tmp_path, "--script", "final", *PERSON)
    assert blocked.returncode == 2
    assert "--resume" in blocked.stdout

    transcript = tmp_path / "t.md"
    second = rehearse(tmp_path, "--resume", "--transcript", str(transcript),
                      stdin="\n".join(answers("SECONDRUN", 80)) + "\n")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Resuming Final interview for Sam at question" in second.stdout
    assert "Three things to work on" in second.stdout
    text = transcript.read_text("utf-8")
    for n in range(1, 5):
        assert f"FIRSTRUN answer {n}:" in text
    assert "should never be recorded" not in text
    assert "SECONDRUN answer 1:" in text
    assert text.index("FIRSTRUN answer 4:") < text.index("SECONDRUN answer 1:")
    assert "## 19. Closing" in text

    # Finished: nothing left to resume.
    again = rehearse(tmp_path, "--resume")
    assert again.returncode == 2


def test_end_of_input_saves_and_resume_continues(tmp_path):
    first = rehearse(tmp_path, "--script", "second_round", *PERSON,
                     stdin="EOFRUN a half-typed answer with no empty line")
    assert first.returncode == 3, first.stdout + first.stderr
    assert "--resume" in first.stdout
    second = rehearse(tmp_path, "--resume", "--transcript", str(tmp_path / "t.md"),
                      stdin="\n".join(answers("LATER", 80)) + "\n")
    assert second.returncode == 0, second.stdout + second.stderr
    text = (tmp_path / "t.md").read_text("utf-8")
    assert "EOFRUN a half-typed answer with no empty line" in text
    assert "LATER answer 1:" in text


def test_list(tmp_path):
    result = rehearse(tmp_path, "--list")
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert sorted(listed) == sorted(SCRIPTS)
    assert not (tmp_path / "r.db").exists()


def test_unknown_script(tmp_path):
    result = rehearse(tmp_path, "--script", "no_such_script", *PERSON)
    assert result.returncode == 2
    assert "Unknown script 'no_such_script'" in result.stdout
    for script_id in SCRIPTS:
        assert script_id in result.stdout


def test_resume_with_nothing_to_resume(tmp_path):
    result = rehearse(tmp_path, "--resume")
    assert result.returncode == 2
    assert "There is no unfinished rehearsal to resume" in result.stdout


@pytest.mark.parametrize("missing", ["--name", "--role", "--company"])
def test_missing_details_are_usage_errors(tmp_path, missing):
    args = list(PERSON)
    index = args.index(missing)
    del args[index:index + 2]
    result = rehearse(tmp_path, "--script", "final", *args)
    assert result.returncode == 2
    assert f"{missing} is required" in result.stdout
