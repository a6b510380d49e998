"""The terminal rehearsal with a panel and with the case exercise."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from test_rehearse import PERSON, PROMPTS_DIR, answers
from test_rehearse import rehearse as rehearse_command

from bot.console import EXIT_DONE, EXIT_USAGE, rehearse
from bot.core.clock import ManualClock

PANEL = ["--interviewer", "Dana Lee, Head of Data", "--interviewer", "Ravi Patel, Engineering Manager",
         "--interviewer", "Mo Okafor, People Partner"]


def test_a_panel_rehearsal_names_who_asks_hands_over_and_reports_per_interviewer(tmp_path: Path) -> None:
    transcript = tmp_path / "panel.md"
    result = rehearse_command(tmp_path, "--script", "final", *PERSON, *PANEL, "--transcript", str(transcript),
                              stdin="\n".join(answers("PANEL", 40)) + "\n")
    assert result.returncode == EXIT_DONE, result.stdout + result.stderr
    out = result.stdout
    assert "Your panel: Dana Lee (Head of Data), Ravi Patel (Engineering Manager), Mo Okafor (People Partner)" in out
    for who in ("Dana Lee (Head of Data) asks", "Ravi Patel (Engineering Manager) asks",
                "Mo Okafor (People Partner) asks"):
        assert who in out
    assert "joins the conversation." in out
    text = transcript.read_text("utf-8")
    assert "**Mo Okafor (People Partner):**" in text and "Your panel, one by one" in text
    assert "Mo Okafor** (People Partner), listening for values, pay and the practical details" in text


def test_a_bad_panel_or_preparation_time_is_a_usage_error(tmp_path: Path) -> None:
    five = [arg for n in range(5) for arg in ("--interviewer", f"Person {n}, Engineer")]
    result = rehearse_command(tmp_path, "--script", "final", *PERSON, *five)
    assert result.returncode == EXIT_USAGE and "5 interviewers" in result.stdout
    result = rehearse_command(tmp_path, "--script", "case_presentation", *PERSON, "--prep-minutes", "0")
    assert result.returncode == EXIT_USAGE and "from 1 to 25 minutes" in result.stdout
    result = rehearse_command(tmp_path, "--script", "final", *PERSON, "--interviewer", ", Head of Data")
    assert result.returncode == EXIT_USAGE and "needs a name" in result.stdout


class Clocked(io.StringIO):
    """Input typed while time passes: the clock moves on by `minutes[n]` before line n is read."""

    def __init__(self, text: str, clock: ManualClock, minutes: dict[int, float]) -> None:
        super().__init__(text)
        self.clock, self.minutes, self.lines = clock, minutes, 0

    def readline(self, size: int | None = -1) -> str:
        self.lines += 1
        self.clock.advance(minutes=self.minutes.get(self.lines, 0))
        return super().readline(size)


def _args(**extra: object) -> argparse.Namespace:
    base = {"script": "case_presentation", "name": "Sam", "role": "Data Analyst", "company": "Acme",
            "interviewer": ["Dana Lee, Head of Data", "Ravi Patel, Staff Engineer"], "values": "",
            "notes": "", "db": None, "transcript": None, "resume": False, "restart": False, "list": False,
            "prep_minutes": "5"}
    return argparse.Namespace(**{**base, **extra})


async def test_the_case_rehearsal_moves_on_when_the_preparation_time_is_up(tmp_path: Path) -> None:
    clock = ManualClock()
    # Piped input is read one line ahead (to tell a paste from typing), so the clock passes the
    # deadline as line 6 is read: while line 5 is being handled.
    lines = ["Fine, thanks.", "", "",  # the welcome
             "notes: churn is in the first 90 days",  # line 4: preparing, 1 minute in
             "I recommend we fix onboarding first, because 70% of the rise is there.",  # 6 minutes in
             "", "", *answers("CASE", 12)]
    out = io.StringIO()
    transcript = tmp_path / "case.md"
    status = await rehearse(_args(transcript=transcript), database_path=tmp_path / "r.db", prompts_dir=PROMPTS_DIR,
                            stdin=Clocked("\n".join(lines) + "\n", clock, {4: 1, 6: 5}), stdout=out, clock=clock)
    text = out.getvalue()
    assert status == EXIT_DONE, text
    assert "preparation: 5 minutes, until" in text and "5 minutes left" in text
    assert text.index("Your preparation time is up") < text.index("Time to present")
    saved = transcript.read_text("utf-8")
    assert "*Your preparation notes (not judged):*\n\nnotes: churn is in the first 90 days" in saved
    # The line typed after the time was up began the presentation.
    assert "I recommend we fix onboarding first" in saved.split("Time to present")[1]


async def test_ready_before_the_time_is_up(tmp_path: Path) -> None:
    clock = ManualClock()
    lines = ["Fine, thanks.", "", "", "/done", *answers("CASE", 14)]
    out = io.StringIO()
    status = await rehearse(_args(prep_minutes=None), database_path=tmp_path / "r.db", prompts_dir=PROMPTS_DIR,
                            stdin=Clocked("\n".join(lines) + "\n", clock, {}), stdout=out, clock=clock)
    text = out.getvalue()
    assert status == EXIT_DONE, text
    assert "preparation: 10 minutes" in text and "Time to present" in text
    assert "preparation time is up" not in text


def test_one_minute_of_preparation_reads_as_one_minute(tmp_path: Path) -> None:
    result = rehearse_command(tmp_path, "--script", "case_presentation", *PERSON, "--prep-minutes", "1",
                              stdin="Fine, thanks.\n\n\n")
    out = " ".join(result.stdout.split())  # the text is wrapped for the terminal
    assert "1 minute to prepare" in out and "(preparation: 1 minute," in out
    assert "1 minutes" not in out
