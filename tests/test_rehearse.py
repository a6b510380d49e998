"""End to end: the `rehearse` command in a subprocess, driven through stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PROMPTS_DIR = PROJECT_ROOT / "prompts"
SCRIPTS = ("second_round", "final", "final_leadership", "behavioural_deep_dive", "case_presentation",
           "senior_staff")
PERSON = ["--name", "Sam", "--role", "Data Analyst", "--company", "Acme"]


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_PATH", "DISCORD_TOKEN", "PROMPTS_DIR", "LOG_LEVEL", "DEV_GUILD_ID",
                        "COLUMNS", "LINES"}}
    env["PROMPTS_DIR"] = str(PROMPTS_DIR)
    # The code under test, not whichever copy of the package the interpreter has installed.
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def rehearse(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "rehearse", "--db", str(tmp_path / "r.db"), *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, env=cli_env(),
        timeout=120, check=False,
    )


def answers(tag: str, count: int, *, first: int = 1) -> list[str]:
    """`count` answers, each two lines and the two empty lines that finish an answer in piped
    input (a single empty line there is a paragraph break)."""
    lines: list[str] = []
    for n in range(first, first + count):
        lines += [f"{tag} answer {n}: at my last job I led a migration of our reporting.",
                  "As a result we cut report time by 30% in two months.", "", ""]
    return lines


def section(transcript: str, number: int) -> str:
    """The transcript's section for question `number`: the question, its answer and follow-ups."""
    start = transcript.index(f"## {number}. ")
    end = transcript.find(f"## {number + 1}. ", start)
    return transcript[start:end if end != -1 else len(transcript)]


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
    assert "**" not in out  # no Markdown markers anywhere in the terminal output
    assert "Final interview · Final round · 19 questions" in out
    # The rule for ending an answer is told first.
    assert "two empty lines in a row, or /done, end an answer" in " ".join(out.split())
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
    assert "Resuming Final interview for Sam at " in second.stdout
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


def test_pasted_paragraphs_stay_one_answer(tmp_path):
    pasted = ["PASTED first paragraph: I led the migration of our reporting to the new warehouse.",
              "", "PASTED second paragraph: as a result report time fell by 30% in two months.",
              "", "", "NEXT answer to whatever comes next, with enough words to count.", "", ""]
    result = rehearse(tmp_path, "--script", "final", *PERSON, "--transcript",
                      str(tmp_path / "t.md"), stdin="\n".join(pasted + answers("REST", 80)) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    text = (tmp_path / "t.md").read_text("utf-8")
    first = section(text, 1)
    # Both paragraphs are one answer to question 1, the paragraph break kept; the next answer
    # went to the next question (a follow-up or question 2), not into this answer.
    assert ("PASTED first paragraph: I led the migration of our reporting to the new warehouse."
            "\n\nPASTED second paragraph:") in first
    between = text[text.index("PASTED second paragraph"):text.index("NEXT answer")]
    assert "**Follow-up:**" in between or "## 2. " in between


def test_done_ends_an_answer_and_without_text_points_to_skip(tmp_path):
    lines = ["/done", "DONE-ENDED answer, one line.", "/done", "/quit"]
    result = rehearse(tmp_path, "--script", "final", *PERSON, stdin="\n".join(lines) + "\n")
    assert result.returncode == 3, result.stdout + result.stderr
    out = result.stdout
    assert "There is no answer to finish yet: type your answer first, or /skip" in out
    assert "Skip button" not in out and "press Skip" not in out
    # /done ended the first answer: the next question (or a follow-up) was asked.
    assert "Follow-up:" in out or "[2/19]" in out


def test_unknown_commands_are_refused_and_slashes_in_prose_are_text(tmp_path):
    lines = ["/sikp", "/skip this one", "SLASHED text / and more text", "/ and so on",
             "/usr/bin is where it lives", "", "", "/quit"]
    first = rehearse(tmp_path, "--script", "final", *PERSON, stdin="\n".join(lines) + "\n")
    assert first.returncode == 3, first.stdout + first.stderr
    out = first.stdout
    assert "/sikp is not a command, so nothing was saved." in out
    for command in ("/done", "/skip", "/repeat", "/pause", "/help"):
        assert command in out[out.index("/sikp is not"):]
    assert "Type /skip on a line of its own" in out

    result = rehearse(tmp_path, "--resume", "--transcript", str(tmp_path / "t.md"),
                      stdin="\n".join(answers("REST", 80)) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    first_answer = section((tmp_path / "t.md").read_text("utf-8"), 1)
    assert "SLASHED text / and more text" in first_answer
    assert "/ and so on" in first_answer and "/usr/bin is where it lives" in first_answer
    assert "sikp" not in first_answer and "this one" not in first_answer


def test_help_lists_the_commands_and_the_rule(tmp_path):
    result = rehearse(tmp_path, "--script", "second_round", *PERSON, stdin="/HELP\n/quit\n")
    assert result.returncode == 3
    after = result.stdout[result.stdout.index("(suggested"):]
    assert "/done    finish this answer" in after and "/skip    pass on this question" in after
    assert "two empty lines in a row" in " ".join(after.split())


def test_transcript_is_remembered_by_resume_and_a_copy_kept_next_to_the_database(tmp_path):
    transcript = tmp_path / "out" / "sam.md"
    first = rehearse(tmp_path, "--script", "final", *PERSON, "--transcript", str(transcript),
                     stdin="\n".join([*answers("BEFORE", 2), "/pause"]) + "\n")
    assert first.returncode == 3, first.stdout + first.stderr
    second = rehearse(tmp_path, "--resume", stdin="\n".join(answers("AFTER", 80)) + "\n")
    assert second.returncode == 0, second.stdout + second.stderr
    copy = tmp_path / "transcripts" / "rehearsal-r-1-final.md"
    assert f"Transcript and report written to {transcript}" in second.stdout
    assert f"A copy is kept at {copy}" in second.stdout
    for path in (transcript, copy):
        text = path.read_text("utf-8")
        assert "BEFORE answer 1:" in text and "AFTER answer 1:" in text


def test_without_transcript_option_the_transcript_goes_next_to_the_database(tmp_path):
    result = rehearse(tmp_path, "--script", "second_round", *PERSON,
                      stdin="\n".join(answers("ONLY", 80)) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    copy = tmp_path / "transcripts" / "rehearsal-r-1-second_round.md"
    assert f"Transcript and report written to {copy}" in result.stdout
    assert "ONLY answer 1:" in copy.read_text("utf-8")


def test_a_transcript_path_that_is_a_folder_is_refused_before_starting(tmp_path):
    result = rehearse(tmp_path, "--script", "final", *PERSON, "--transcript", str(tmp_path))
    assert result.returncode == 2
    assert "is a folder" in result.stdout
    assert "[1/19]" not in result.stdout


def test_resume_and_restart_together_are_a_usage_error(tmp_path):
    result = rehearse(tmp_path, "--resume", "--restart")
    assert result.returncode == 2
    assert "not both" in result.stdout


# --- at a real terminal ----------------------------------------------------------------------

# Makes the pseudo-terminal the child's controlling terminal, so Ctrl-C typed into it is a
# SIGINT, exactly as at a real terminal.
_LAUNCH = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
           "os.execv(sys.executable, [sys.executable, '-m', 'bot', *sys.argv[1:]])")


class AtTerminal:
    """`python -m bot` on a pseudo-terminal (100 columns), typed into as a user would."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        import fcntl
        import pty
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        self.proc = subprocess.Popen([sys.executable, "-c", _LAUNCH, *args], stdin=slave,
                                     stdout=slave, stderr=slave, cwd=tmp_path, env=cli_env(),
                                     start_new_session=True)
        os.close(slave)
        self.fd, self.output, self.seen = master, "", 0

    def _read(self, timeout: float) -> bool:
        import select

        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal (Linux says EIO)
            data = b""
        if not data:
            raise EOFError
        self.output += data.decode("utf-8", "replace").replace("\r\n", "\n")
        return True

    def expect(self, *texts: str, timeout: float = 60) -> str:
        """Wait until one of `texts` appears in the output after what was already matched;
        that text."""
        import time

        deadline = time.monotonic() + timeout
        while not any(text in self.output[self.seen:] for text in texts):
            left = deadline - time.monotonic()
            try:
                if left <= 0 or not self._read(left):
                    raise AssertionError(f"{texts!r} never appeared in:\n{self.output}")
            except EOFError:
                raise AssertionError(f"{texts!r} never appeared in:\n{self.output}") from None
        found = min((t for t in texts if t in self.output[self.seen:]),
                    key=lambda t: self.output.index(t, self.seen))
        self.seen = self.output.index(found, self.seen) + len(found)
        return found

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def finish(self, timeout: float = 60) -> int:
        """Read the output until the program exits; its exit status."""
        import time

        deadline = time.monotonic() + timeout
        try:
            while self._read(max(deadline - time.monotonic(), 0)) or time.monotonic() < deadline:
                pass
            raise AssertionError(f"the rehearsal did not exit:\n{self.output}")
        except EOFError:
            pass
        return self.proc.wait(timeout=timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=60)
        os.close(self.fd)


@pytest.fixture
def terminal(tmp_path):
    """Starts `python -m bot ARGS` at a pseudo-terminal; stops whatever is left at the end."""
    started: list[AtTerminal] = []

    def start(*args: str) -> AtTerminal:
        started.append(AtTerminal(tmp_path, *args))
        return started[-1]

    yield start
    for at in started:
        at.close()


def test_ctrl_c_saves_the_answer_so_far_and_the_half_typed_line(tmp_path, terminal):
    at = terminal("rehearse", "--db", str(tmp_path / "r.db"), "--script", "final",
                    *PERSON)
    at.expect("like /pause.")
    at.expect("\n> ")
    at.type("TYPED first line of my answer\n")
    at.expect("TYPED first line of my answer\n> ")  # recorded, and the next line prompted
    at.type("HALF typed, Enter never pressed")
    at.expect("Enter never pressed")
    at.type("\x03")
    assert at.finish() == 3, at.output
    assert "Traceback" not in at.output and "KeyboardInterrupt" not in at.output
    assert "Stopped with Ctrl-C; your rehearsal is saved with your answer so far." in at.output
    assert f"python -m bot rehearse --resume --db {tmp_path / 'r.db'}" in at.output

    result = rehearse(tmp_path, "--resume", "--transcript", str(tmp_path / "t.md"),
                      stdin="\n".join(["REST of the first answer.", "", "",
                                       *answers("LATER", 80)]) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Your answer so far is kept:" in result.stdout
    first = section((tmp_path / "t.md").read_text("utf-8"), 1)
    assert ("TYPED first line of my answer\nHALF typed, Enter never pressed\n"
            "REST of the first answer.") in first


def test_ctrl_d_at_a_terminal_keeps_the_answer_open_for_resume(tmp_path, terminal):
    at = terminal("rehearse", "--db", str(tmp_path / "r.db"), "--script", "final", *PERSON)
    at.expect("\n> ")
    at.type("HALFWAY through my answer about the pipeline\n")
    at.expect("the pipeline\n> ")
    at.type("\x04")  # Ctrl-D at the start of a line: the input ends
    assert at.finish() == 3, at.output
    assert "Traceback" not in at.output
    assert "Input ended (Ctrl-D); your rehearsal is saved with your answer so far, still open" in at.output
    result = rehearse(tmp_path, "--resume", "--transcript", str(tmp_path / "t.md"),
                      stdin="\n".join(["and how it ended.", "", "", *answers("LATER", 80)]) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Your answer so far is kept:" in result.stdout
    first = section((tmp_path / "t.md").read_text("utf-8"), 1)
    assert "HALFWAY through my answer about the pipeline\nand how it ended." in first


def test_a_line_the_terminal_cut_is_said_to_be_cut(tmp_path, terminal):
    at = terminal("rehearse", "--db", str(tmp_path / "r.db"), "--script", "final", *PERSON)
    at.expect("\n> ")
    at.type("y" * 300 + "\n")
    at.expect("y" * 300)
    at.type("x" * 5000 + "\n")  # one line, no breaks: more than a terminal passes on
    at.expect("the terminal cut what came after it")
    at.type("\x03")
    assert at.finish() == 3, at.output
    assert at.output.count("the terminal cut") == 1  # the 300-character line was not warned about


def test_ctrl_c_before_anything_typed_saves_and_exits_3(tmp_path, terminal):
    at = terminal("rehearse", "--db", str(tmp_path / "r.db"), "--script", "final",
                    *PERSON)
    at.expect("\n> ")
    at.type("\x03")
    assert at.finish() == 3, at.output
    assert "Traceback" not in at.output
    assert "Stopped with Ctrl-C; your rehearsal is saved." in at.output
    assert rehearse(tmp_path, "--resume", stdin="/quit\n").returncode == 3


def test_a_paste_stays_one_answer_and_an_empty_line_typed_after_it_ends_it(tmp_path, terminal):
    at = terminal("rehearse", "--db", str(tmp_path / "r.db"), "--script", "final",
                    *PERSON)
    at.expect("blank lines and all.")
    at.expect("\n> ")
    at.type("PASTE paragraph one about the migration I led.\n\n"
            "PASTE paragraph two: report time fell by 30%.\n")  # all at once, as a paste arrives
    at.expect("PASTE paragraph two: report time fell by 30%.\n> ")
    assert "[2/19]" not in at.output and "Follow-up" not in at.output
    at.type("\n")  # typed on its own: this ends the answer
    at.expect("Follow-up", "[2/19]")
    at.expect("\n> ")
    at.type("/sikp\n")
    at.expect("/sikp is not a command, so nothing was saved.")
    at.type("/pause\n")
    assert at.finish() == 3, at.output
    assert "**" not in at.output

    result = rehearse(tmp_path, "--resume", "--transcript", str(tmp_path / "t.md"),
                      stdin="\n".join(answers("LATER", 80)) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    first = section((tmp_path / "t.md").read_text("utf-8"), 1)
    assert ("PASTE paragraph one about the migration I led.\n\n"
            "PASTE paragraph two: report time fell by 30%.") in first
    assert "sikp" not in first


def test_first_run_prompt_offers_the_scripts(tmp_path, terminal):
    at = terminal("rehearse", "--db", str(tmp_path / "r.db"))
    at.expect("Which interview would you like to rehearse?")
    at.expect("(Enter for Second-round interview): ")
    listed = at.output
    for title in ("1. Second-round interview", "2. Final interview", "Behavioural deep dive",
                  "5. Assessment: Case or presentation exercise", "6. Assessment: Conversation with a senior leader"):
        assert title in listed
    at.type("9\n")
    at.expect("Type a number from 1 to 6, or press Enter.")
    at.expect("(Enter for Second-round interview): ")
    at.type("2\n")
    at.expect("Your first name: ")
    at.type("Sam\n")
    at.expect("The role: ")
    at.type("Data Analyst\n")
    at.expect("The company: ")
    at.type("Acme\n")
    at.expect("Final interview · Final round · 19 questions")
    at.expect("\n> ")
    at.type("/quit\n")
    assert at.finish() == 3, at.output


def test_ctrl_c_at_the_first_run_prompt_saves_nothing(tmp_path, terminal):
    at = terminal("rehearse", "--db", str(tmp_path / "r.db"), "--script", "final")
    at.expect("Your first name: ")
    at.type("\x03")
    assert at.finish() == 130, at.output
    assert "Stopped before the rehearsal started; nothing was saved." in at.output
    assert "Traceback" not in at.output
    assert rehearse(tmp_path, "--resume").returncode == 2  # nothing to resume


def test_python_m_bot_without_a_token_rehearses_and_enter_picks_the_second_round(tmp_path, terminal):
    at = terminal()  # `python -m bot`, no command, no DISCORD_TOKEN
    at.expect("No DISCORD_TOKEN configured: starting a terminal rehearsal instead.")
    at.expect("(Enter for Second-round interview): ")
    at.type("\n")
    at.expect("Your first name: ")
    at.type("Sam\nData Analyst\nAcme\n")
    at.expect("Second-round interview · Second round")
    at.expect("\n> ")
    at.type("/pause\n")
    assert at.finish() == 3, at.output
    assert "Continue any time with: python -m bot rehearse --resume\n" in at.output
    assert (tmp_path / "data" / "interview_coach.sqlite3").exists()  # the default DATABASE_PATH


def test_ctrl_c_with_piped_input_saves_and_exits_3(tmp_path):
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "rehearse", "--db", str(tmp_path / "r.db"), "--script", "final",
         *PERSON], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        encoding="utf-8", cwd=tmp_path, env=cli_env())
    try:
        assert proc.stdout is not None and proc.stdin is not None
        seen = ""
        while "(suggested" not in seen:  # the first question is on screen; input is awaited
            line = proc.stdout.readline()
            assert line, seen
            seen += line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=60)
    assert proc.returncode == 3, seen + out + err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "Stopped with Ctrl-C; your rehearsal is saved." in out
    assert rehearse(tmp_path, "--resume", stdin="/quit\n").returncode == 3


def test_chart_after_a_finished_rehearsal(tmp_path):
    chart = tmp_path / "charts" / "progress.png"
    first = rehearse(tmp_path, "--script", "final", *PERSON, "--chart", str(chart),
                     stdin="\n".join(answers("ONE", 80)) + "\n")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "after your second finished" in first.stdout and not chart.exists()
    second = rehearse(tmp_path, "--script", "final", *PERSON, "--chart", str(chart),
                      stdin="\n".join(answers("TWO", 80)) + "\n")
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"Your progress chart (2 rehearsals) is at {chart}" in second.stdout
    data = chart.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000


def test_chart_needs_a_png_file_name(tmp_path):
    result = rehearse(tmp_path, "--script", "final", *PERSON, "--chart", str(tmp_path))
    assert result.returncode == 2 and "--chart needs a file name ending in .png" in result.stdout


def test_two_databases_in_one_folder_keep_their_own_transcript_copies(tmp_path):
    for db, tag in (("a.db", "ALPHA"), ("b.db", "BRAVO")):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "rehearse", "--db", str(tmp_path / db), "--script", "final", *PERSON],
            input="\n".join(answers(tag, 60)) + "\n", capture_output=True, text=True, encoding="utf-8",
            cwd=tmp_path, env=cli_env(), timeout=120, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "ALPHA answer 1:" in (tmp_path / "transcripts" / "rehearsal-a-1-final.md").read_text("utf-8")
    assert "BRAVO answer 1:" in (tmp_path / "transcripts" / "rehearsal-b-1-final.md").read_text("utf-8")
