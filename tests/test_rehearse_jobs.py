"""`rehearse --job PATH --resume-file PATH`: the terminal rehearsal practises against a job
description and probes the résumé, like `/interview start job:` on Discord."""

from __future__ import annotations

from documents_support import JOB_WITH_HEADINGS, RESUME_TEXT, job_docx, pdf_bytes
from test_rehearse import PERSON, answers, rehearse


def test_job_and_resume_files_tailor_the_rehearsal(tmp_path):
    (tmp_path / "advert.pdf").write_bytes(pdf_bytes(JOB_WITH_HEADINGS.splitlines()))
    (tmp_path / "cv.md").write_text(RESUME_TEXT, "utf-8")
    transcript = tmp_path / "t.md"
    result = rehearse(tmp_path, "--script", "second_round", *PERSON, "--job", "advert.pdf",
                      "--resume-file", "cv.md", "--transcript", str(transcript),
                      stdin="\n".join(answers("PRICE", 80)) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    assert "Practising against Senior Pricing Analyst at Acme: 3 must-haves read from advert.pdf." in out
    assert "Using your résumé: 2 roles read from cv.md." in out
    # No story bank here, so every must-have is asked as one to prepare.
    assert 'The job description lists the requirement "5+ years of experience running pricing experiments"' in out
    assert 'Your résumé says, from your time at Acme Corp: "Cut onboarding time by 40%' in out
    text = transcript.read_text("utf-8")
    assert "Against the job description (Senior Pricing Analyst)" in text
    assert "Your résumé's strongest lines" in text
    # The terminal names no Discord command: it says how to prepare the story instead.
    assert "/prep star" not in out and "Prepare a story for it: where you were" in out


def test_a_docx_job_and_bad_files(tmp_path):
    (tmp_path / "advert.docx").write_bytes(job_docx())
    ok = rehearse(tmp_path, "--script", "final", *PERSON, "--job", "advert.docx",
                  stdin="\n".join(answers("CS", 60)) + "\n")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    said = " ".join(ok.stdout.split())
    assert 'We haven\'t yet heard how you meet the requirement "3+ years in customer success' in said

    (tmp_path / "scan.pdf").write_bytes(pdf_bytes(None))
    scanned = rehearse(tmp_path, "--restart", "--script", "final", *PERSON, "--job", "scan.pdf")
    assert scanned.returncode == 2 and "I found no text in `scan.pdf`" in scanned.stdout
    missing = rehearse(tmp_path, "--restart", "--script", "final", *PERSON, "--resume-file", "nope.txt")
    assert missing.returncode == 2 and "Could not read nope.txt" in missing.stdout


DIARY = ("Monday. Slept badly and walked the dog along the river before breakfast.\n\n"
         "Tuesday. Lunch with Priya; we talked about her trip to Lisbon and the rain.\n\n"
         "Wednesday. Finished the novel at last. The ending was better than I expected.\n")


def test_a_job_file_with_no_requirements_is_refused_as_on_discord(tmp_path):
    (tmp_path / "diary.txt").write_text(DIARY, "utf-8")
    refused = rehearse(tmp_path, "--script", "second_round", *PERSON, "--job", "diary.txt",
                       stdin="\n".join(answers("X", 2)) + "\n")
    out = " ".join(refused.stdout.split())
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert ("diary.txt: I couldn't find any requirements or duties in that text, so it doesn't look like a "
            "job description.") in out
    assert "Practising against" not in out and "questions · about" not in out  # nothing was started
    (tmp_path / "cv.txt").write_text(DIARY, "utf-8")
    no_roles = rehearse(tmp_path, "--script", "second_round", *PERSON, "--resume-file", "cv.txt")
    assert no_roles.returncode == 2 and "cv.txt: I couldn't find any roles or achievements" in " ".join(
        no_roles.stdout.split())


def test_the_job_file_names_the_role_and_company_when_they_are_not_given(tmp_path):
    (tmp_path / "advert.md").write_text(JOB_WITH_HEADINGS, "utf-8")
    result = rehearse(tmp_path, "--script", "final", "--name", "Sam", "--job", "advert.md",
                      "--transcript", str(tmp_path / "t.md"), stdin="\n".join(answers("JOB", 60)) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is required" not in result.stdout
    assert "Senior Pricing Analyst at Acme" in (tmp_path / "t.md").read_text("utf-8")
    # Given on the command line, they win over the file's.
    given = rehearse(tmp_path, "--restart", "--script", "final", "--name", "Sam", "--role", "Analyst",
                     "--company", "Globex", "--job", "advert.md", "--transcript", str(tmp_path / "g.md"),
                     stdin="\n".join(answers("JOB", 60)) + "\n")
    assert given.returncode == 0 and "Analyst at Globex" in (tmp_path / "g.md").read_text("utf-8")
