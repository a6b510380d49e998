"""Reading job descriptions written in several shapes: what each read must find."""

from __future__ import annotations

import pytest
from documents_support import JOB_WITH_HEADINGS
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.document_text import MAX_DOCUMENT_CHARS, DocumentError
from bot.core.job_description import MAX_ITEMS, MUST, NICE, JobDescription, read_job_description


def texts(job: JobDescription, kind: str) -> list[str]:
    return [r.text for r in job.requirements if r.kind == kind]


def test_headings_and_bullets() -> None:
    job = read_job_description(JOB_WITH_HEADINGS)
    assert job.title == "Senior Pricing Analyst" and job.company == "Acme"
    assert texts(job, MUST) == ["5+ years of experience running pricing experiments", "Strong SQL and Python",
                                "Experience communicating results to executives"]
    assert texts(job, NICE) == ["Experience with Looker or Tableau", "A background in marketplaces"]
    assert job.responsibilities[0] == "Design and run pricing experiments across our subscription plans"
    assert len(job.responsibilities) == 3
    assert {"SQL", "Python", "Looker", "Tableau"} <= set(job.skills)
    assert '"Senior" in the title' in job.seniority and "5+ years of experience asked for" in job.seniority
    assert job.values == ("Ownership", "Curiosity", "Candour")
    assert not any("holiday" in r.text for r in job.requirements)  # benefits are not requirements
    assert job.headings


def test_markdown_and_capital_headings_with_colons() -> None:
    text = """# Staff Backend Engineer
Company: Northwind Labs

## THE ROLE
* Build and operate our payments APIs
* Mentor two junior engineers

**What we're looking for:**
1. 8+ years building distributed systems in Go or Java
2. You have run production systems on Kubernetes

PREFERRED QUALIFICATIONS
- Kafka experience

Our values:
- Candour - we say the hard thing kindly
- Craft - we sweat the details
"""
    job = read_job_description(text)
    assert job.title == "Staff Backend Engineer" and job.company == "Northwind Labs"
    assert texts(job, MUST) == ["8+ years building distributed systems in Go or Java",
                                "You have run production systems on Kubernetes"]
    assert texts(job, NICE) == ["Kafka experience"]
    assert job.responsibilities == ("Build and operate our payments APIs", "Mentor two junior engineers")
    assert job.values == ("Candour", "Craft")
    assert {"Go", "Java", "Kubernetes", "Kafka"} <= set(job.skills)
    assert any("Staff" in s for s in job.seniority) and "mentoring others" in job.seniority


def test_prose_without_headings_is_read_by_its_wording() -> None:
    text = ("We're hiring a Customer Success Manager to look after our biggest accounts. You will own "
            "renewals for a book of 40 enterprise customers and work closely with sales. You have 3 years "
            "of experience in customer success or account management. You are comfortable with Salesforce "
            "and with hard conversations. Experience in B2B SaaS is a plus. We value kindness and speed.")
    job = read_job_description(text)
    assert not job.headings
    assert job.title == "Customer Success Manager"
    assert texts(job, MUST) == ["You have 3 years of experience in customer success or account management",
                                "You are comfortable with Salesforce and with hard conversations"]
    assert texts(job, NICE) == ["Experience in B2B SaaS is a plus"]
    assert job.responsibilities[0].startswith("You will own renewals")
    assert job.values == ("Kindness", "Speed")


def test_bullets_without_headings() -> None:
    text = """Junior Data Analyst, Globex
- Build dashboards for the sales team
- Experience with SQL
- Knowledge of statistics
- Python is a plus
"""
    job = read_job_description(text)
    assert job.title == "Junior Data Analyst" and job.company == "Globex"
    assert texts(job, MUST) == ["Experience with SQL", "Knowledge of statistics"]
    assert texts(job, NICE) == ["Python is a plus"]
    assert job.responsibilities == ("Build dashboards for the sales team",)
    assert any("Junior" in s for s in job.seniority)


def test_a_requirements_line_saying_a_plus_is_nice_to_have() -> None:
    job = read_job_description("Requirements\n- Strong Excel skills\n- Tableau would be a plus, not required\n"
                               "- Clear written English\n")
    assert texts(job, MUST) == ["Strong Excel skills", "Clear written English"]
    assert texts(job, NICE) == ["Tableau would be a plus, not required"]


@pytest.mark.parametrize("text", ["", "   ", "Hi.", "x" * (MAX_DOCUMENT_CHARS + 1)])
def test_too_little_or_too_much_is_refused(text: str) -> None:
    with pytest.raises(DocumentError):
        read_job_description(text)


def test_stored_form_reads_back_the_same() -> None:
    job = read_job_description(JOB_WITH_HEADINGS)
    assert JobDescription.from_dict(job.to_dict()) == job


_LINE = st.one_of(
    st.text(min_size=0, max_size=80),
    st.sampled_from(["Requirements", "Nice to have", "What you'll do", "About us", "Our values", "# Skills",
                     "**You have**", "BENEFITS"]),
    st.builds(lambda t: "- " + t, st.text(min_size=1, max_size=60)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=40))
def test_any_text_is_read_within_bounds_or_refused_clearly(lines: list[str]) -> None:
    text = "\n".join(lines) + "\nExperience with SQL and reporting for the finance team."
    try:
        job = read_job_description(text)
    except DocumentError as exc:
        assert str(exc)
        return
    assert job == read_job_description(text)  # deterministic
    assert len(job.must_have) <= MAX_ITEMS and len(job.nice_to_have) <= MAX_ITEMS
    assert all(1 <= len(r.text) <= 300 for r in job.requirements)
    assert len(job.title) <= 100 and len(job.company) <= 100 and len(job.values) <= 10
    assert len({r.text.lower() for r in job.requirements if r.kind == MUST}) == len(job.must_have)


def test_the_usual_responsibilities_and_skills_headings() -> None:
    """"Responsibilities" (the commonest duties heading, in its plural and with "Key" or "Your")
    opens the duties, so they never join the requirements read before them or vanish after "About
    us"; a "Skills" or "Technologies" section's item asking for experience is a requirement."""
    for heading in ("Responsibilities", "Key Responsibilities", "Your responsibilities:"):
        text = f"""Marketing Manager at Globex

About us
Globex makes tools for small shops. We value candour.

Requirements
- 4+ years of experience in B2B marketing
- Experience managing a budget

{heading}
- Own the quarterly campaign plan
- Report results to the leadership team

Technologies
- 3+ years of experience with HubSpot in production
- Figma
"""
        job = read_job_description(text)
        assert job.responsibilities == ("Own the quarterly campaign plan",
                                        "Report results to the leadership team"), heading
        assert texts(job, MUST) == ["4+ years of experience in B2B marketing", "Experience managing a budget",
                                    "3+ years of experience with HubSpot in production"], heading
        assert "Figma" in job.skills


def test_a_company_in_bold_under_the_title_wins_over_a_team_after_a_dash() -> None:
    job = read_job_description(
        "# Senior Data Analyst – Growth\n**Northwind Analytics** · London (hybrid)\n\n"
        "## Responsibilities\n- Own the weekly growth reporting\n- Design and analyse A/B tests\n\n"
        "## Requirements\n- 3+ years of SQL\n- Experience with experiments\n")
    assert (job.title, job.company) == ("Senior Data Analyst", "Northwind Analytics")
    # Without the bold name, the part after the dash is still read as the company.
    job = read_job_description(
        "Data Analyst - Acme\nLondon · Full time\n\n## Responsibilities\n- Build dashboards\n"
        "- Report weekly\n\n## Requirements\n- SQL\n- Python\n")
    assert (job.title, job.company) == ("Data Analyst", "Acme")
