"""Text out of attached files: what each kind gives, and a clear refusal for each bad one."""

from __future__ import annotations

import io
import zipfile

import pytest
from documents_support import JOB_WITH_HEADINGS, docx_bytes, encrypted_pdf, job_docx, pdf_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.document_text import DocumentError
from bot.core.job_description import MUST, NICE, read_job_description
from bot.core.resume import read_resume
from bot.documents import MAX_FILE_BYTES, MAX_PDF_PAGES, extract_text


def test_text_and_markdown_files() -> None:
    assert extract_text("job.txt", JOB_WITH_HEADINGS.encode("utf-8")).startswith("Senior Pricing Analyst")
    assert extract_text("job.md", "\ufeff# Title\r\n- one\r\n".encode()) == "# Title\n- one"
    assert extract_text("cv.txt", "Caf\xe9 manager".encode("cp1252")) == "Café manager"
    assert "Senior" in extract_text("job.TXT", JOB_WITH_HEADINGS.encode("utf-16"))


def test_pdf_text_reads_as_the_job_it_shows() -> None:
    text = extract_text("advert.pdf", pdf_bytes(JOB_WITH_HEADINGS.splitlines()))
    job = read_job_description(text)
    assert job.title == "Senior Pricing Analyst"
    assert [r.text for r in job.requirements if r.kind == MUST] == [
        "5+ years of experience running pricing experiments", "Strong SQL and Python",
        "Experience communicating results to executives"]


def test_docx_headings_and_list_styles_are_kept() -> None:
    text = extract_text("advert.docx", job_docx())
    assert "# You have" in text and "- Experience with Salesforce" in text
    job = read_job_description(text)
    assert job.title == "Customer Success Manager" and job.company == "Brightwave"
    assert [r.text for r in job.requirements if r.kind == MUST] == [
        "3+ years in customer success or account management", "Experience with Salesforce"]
    assert [r.text for r in job.requirements if r.kind == NICE] == ["Experience in B2B SaaS"]
    assert job.values == ("Kindness", "Speed")
    assert job.responsibilities[0] == "Own renewals for a book of 40 enterprise customers"


def test_docx_resume() -> None:
    data = docx_bytes([("heading", "Experience"), ("text", "Account Executive | Initech | 2020 - Present"),
                       ("bullet", "Closed $1.2m of new business in 2023, 130% of quota"),
                       ("bullet", "Trained 5 new starters")])
    resume = read_resume(extract_text("cv.docx", data))
    assert (resume.roles[0].title, resume.roles[0].employer) == ("Account Executive", "Initech")
    assert resume.strongest()[0][1] == "Closed $1.2m of new business in 2023, 130% of quota"


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("scan.pdf", pdf_bytes(None, pages=2), "no text"),
    ("locked.pdf", encrypted_pdf(["Requirements", "- SQL"]), "password-protected"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "damaged"),
    ("fake.pdf", b"this is not a pdf at all", "not a PDF"),
    ("long.pdf", pdf_bytes(["x"], pages=MAX_PDF_PAGES + 1), "pages"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "damaged"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected"),
    ("empty.txt", b"", "empty"),
    ("photo.png", b"\x89PNG\r\n", ".txt, .md, .pdf and .docx"),
    ("resume.doc", b"anything", ".txt, .md, .pdf and .docx"),
    ("huge.txt", b"a" * (MAX_FILE_BYTES + 1), "MB"),
    ("binary.txt", b"\x00\x01\x02" * 100, "does not look like text"),
])
def test_bad_files_are_refused_with_a_reason(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        extract_text(filename, data)


def test_a_docx_with_no_document_or_a_doctype_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/styles.xml", "<x/>")
    with pytest.raises(DocumentError, match="no document"):
        extract_text("empty.docx", out.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    with pytest.raises(DocumentError, match="not a Word document"):
        extract_text("entity.docx", out.getvalue())


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["a.pdf", "a.docx", "a.txt", "a.md"]))
def test_any_bytes_give_text_or_a_clear_refusal(data: bytes, filename: str) -> None:
    try:
        text = extract_text(filename, data)
    except DocumentError as exc:
        assert str(exc)
    else:
        assert text and text == text.strip()
