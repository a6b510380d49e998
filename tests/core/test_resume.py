"""Reading résumés in several shapes: roles, employers, dates and achievement bullets."""

from __future__ import annotations

import pytest
from documents_support import RESUME_TEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.document_text import DocumentError
from bot.core.resume import MAX_ROLES, Resume, bullet_strength, read_resume


def test_sections_pipes_and_dashes() -> None:
    resume = read_resume(RESUME_TEXT)
    first, second = resume.roles
    assert (first.title, first.employer, first.dates) == ("Senior Operations Analyst", "Acme Corp",
                                                          "Jan 2021 - Present")
    assert first.bullets[0] == "Cut onboarding time by 40% by automating account set-up"
    assert (second.title, second.employer) == ("Operations Coordinator", "Globex")
    assert second.bullets == ("Reduced shipping errors from 5% to 1.2% in one year", "Answered customer emails")
    assert [b for _, b in resume.strongest()] == [
        "Cut onboarding time by 40% by automating account set-up",
        "Reduced shipping errors from 5% to 1.2% in one year",
        "Led a team of 4 analysts through a warehouse migration"]
    assert len(resume.roles) == 2  # education is not a role


def test_header_over_several_lines_and_prose_achievements() -> None:
    resume = read_resume("""Product Designer
Initech
March 2019 to now
Redesigned the checkout, which raised conversion by 12%. Ran 30 user interviews a quarter.
Designer at Umbrella, 2016-2019
- Created the design system used by 6 teams
""")
    assert [(r.title, r.employer, r.dates) for r in resume.roles] == [
        ("Product Designer", "Initech", "March 2019 to now"), ("Designer", "Umbrella", "2016-2019")]
    assert resume.roles[0].bullets == ("Redesigned the checkout, which raised conversion by 12%.",
                                       "Ran 30 user interviews a quarter.")


def test_bullets_with_no_dated_roles_are_kept() -> None:
    resume = read_resume("Achievements\n- Grew newsletter sign-ups by 300% in a year\n- Hosted a weekly podcast\n")
    assert len(resume.roles) == 1 and resume.roles[0].title == ""
    assert resume.strongest()[0][1] == "Grew newsletter sign-ups by 300% in a year"


def test_strength_needs_a_figure_or_a_verb_and_a_result() -> None:
    assert bullet_strength("Cut costs by 20%") > bullet_strength("Led the migration by the deadline") > 0
    assert bullet_strength("Answered customer emails") == 0
    assert bullet_strength("Worked there from 2019") == 0  # a year is not a result


def test_empty_is_refused() -> None:
    with pytest.raises(DocumentError):
        read_resume("  \n ")


def test_stored_form_reads_back_the_same() -> None:
    resume = read_resume(RESUME_TEXT)
    assert Resume.from_dict(resume.to_dict()) == resume


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=80), st.sampled_from(["Experience", "Education", "Skills"]),
                          st.builds(lambda t: "- " + t, st.text(min_size=1, max_size=60)),
                          st.builds(lambda a, b: f"{a} | {b} | 2019 - Present", st.text(max_size=20),
                                    st.text(max_size=20))),
                min_size=1, max_size=40))
def test_any_text_is_read_within_bounds_or_refused(lines: list[str]) -> None:
    text = "Experience\n" + "\n".join(lines)
    try:
        resume = read_resume(text)
    except DocumentError:
        return
    assert resume == read_resume(text)
    assert len(resume.roles) <= MAX_ROLES
    assert all(len(b) <= 300 for _, b in resume.bullets) and len(resume.strongest()) <= 3
