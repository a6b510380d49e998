"""Job descriptions and résumés written for the tests, and the files they are attached as: PDFs
built by hand (one text object per line, as a word processor's export has), DOCX files written
by python-docx (real Word structure: heading and list styles). Not a test module."""

from __future__ import annotations

import io

JOB_WITH_HEADINGS = """\
Senior Pricing Analyst - Acme

About Acme
At Acme, we build tools that help small shops sell online. Our values are ownership, curiosity and candour.

What you'll do
- Design and run pricing experiments across our subscription plans
- Partner with finance to forecast revenue
- Present findings to the leadership team

Requirements
- 5+ years of experience running pricing experiments
- Strong SQL and Python
- Experience communicating results to executives

Nice to have
- Experience with Looker or Tableau
- A background in marketplaces

Benefits
- 30 days holiday
"""

RESUME_TEXT = """\
Sam Rivera
sam@example.com

Experience

Senior Operations Analyst | Acme Corp | Jan 2021 - Present
- Cut onboarding time by 40% by automating account set-up
- Led a team of 4 analysts through a warehouse migration
- Built weekly reporting in SQL

Globex — Operations Coordinator — 2018 – 2020
• Reduced shipping errors from 5% to 1.2% in one year
• Answered customer emails

Education
BSc Economics, University of Leeds, 2014 - 2017
"""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(lines: list[str] | None, *, pages: int = 1) -> bytes:
    """A PDF whose first page shows `lines` in Helvetica (None: pages with no text, as a scan)."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * i for i in range(pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    font_id = 3 + 2 * pages
    for number in range(pages):
        content = b""
        if lines is not None and number == 0:
            body = ["BT", "/F1 11 Tf", "14 TL", "50 800 Td"]
            for line in lines:
                body.append(f"({_escape(line)}) Tj T*")
            body.append("ET")
            content = "\n".join(body).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {page_ids[number] + 1} 0 R"
                       f" /Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{index} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypted_pdf(lines: list[str]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(lines))))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(blocks: list[tuple[str, str]]) -> bytes:
    """A .docx written by python-docx: ("heading", text), ("bullet", text) or ("text", text)."""
    import docx

    document = docx.Document()
    for kind, text in blocks:
        if kind == "heading":
            document.add_heading(text, level=2)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def job_docx() -> bytes:
    return docx_bytes([
        ("text", "Customer Success Manager at Brightwave"),
        ("heading", "In this role"),
        ("bullet", "Own renewals for a book of 40 enterprise customers"),
        ("bullet", "Run quarterly business reviews with customer leadership"),
        ("heading", "You have"),
        ("bullet", "3+ years in customer success or account management"),
        ("bullet", "Experience with Salesforce"),
        ("heading", "Bonus points"),
        ("bullet", "Experience in B2B SaaS"),
        ("heading", "Our values"),
        ("bullet", "Kindness: we assume good intent"),
        ("bullet", "Speed: we ship small and often"),
    ])
