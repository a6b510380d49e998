"""Text out of the files people attach: `.txt`, `.md`, `.pdf` (pypdf) and `.docx` (the standard
library: a .docx is a zip of XML). No I/O of its own: it is given the file's bytes. Slow for a
big PDF, so callers run it in a worker thread.

Every refusal is a `DocumentError` whose message is written for the user, and nothing is kept."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from xml.etree import ElementTree

from bot.core.document_text import MAX_DOCUMENT_CHARS, DocumentError, normalise_text

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024  # a text résumé or job description is far smaller
MAX_PDF_PAGES = 30
MAX_DOCX_XML_BYTES = 20 * 1024 * 1024  # uncompressed: a guard against zip bombs
TEXT_TYPES = (".txt", ".md", ".markdown", ".text")
FILE_TYPES = (*TEXT_TYPES, ".pdf", ".docx")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def supported(filename: str) -> bool:
    return filename.lower().endswith(FILE_TYPES)


def extract_text(filename: str, data: bytes) -> str:
    """The text of a document, by its file type. Raises DocumentError (unsupported, too big,
    encrypted, damaged, or with no text in it, as a scanned PDF)."""
    name = filename.lower()
    if not supported(name):
        raise DocumentError(f"I can read .txt, .md, .pdf and .docx files; {_shown(filename)} is not "
                            "one of those. Save it as one of them, or paste the text.")
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(f"That file is {len(data) / 1024 / 1024:.1f} MB; the most I read is "
                            f"{MAX_FILE_BYTES // 1024 // 1024} MB. Paste the text instead.")
    if not data:
        raise DocumentError(f"{_shown(filename)} is empty.")
    if name.endswith(".pdf"):
        text = _pdf_text(data)
    elif name.endswith(".docx"):
        text = _docx_text(data)
    else:
        text = _plain_text(data)
    text = normalise_text(text).strip()
    if not text:
        raise DocumentError(f"I found no text in {_shown(filename)}. If it is a scan or a photo, paste "
                            "the text instead (or save it as a PDF with selectable text).")
    return text


def _shown(filename: str) -> str:
    return f"`{filename[:60]}`" if filename else "that file"


def _plain_text(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("That file does not look like text. Attach a .txt, .md, .pdf or .docx file.")
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError("That file is not a PDF, whatever its name says.")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError("That PDF is password-protected, so I can't read it. Save a copy without "
                                "the password, or paste the text.")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DocumentError(f"That PDF has {len(reader.pages)} pages; the most I read is "
                                f"{MAX_PDF_PAGES}. Paste the part about the job instead.")
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_DOCUMENT_CHARS * 2:
                break
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as exc:  # pypdf's ways of saying a file is broken
        log.info("Unreadable PDF: %r", exc)
        raise DocumentError("That PDF looks damaged, so I couldn't read it. Try saving it again, or "
                            "paste the text.") from exc
    return "\n".join(parts)


def _docx_text(data: bytes) -> str:
    """Paragraphs in order; headings as `# ...` and list items as `- ...`, so the readers see
    the structure the writer gave them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                info = archive.getinfo("word/document.xml")
            except KeyError:
                raise DocumentError("That .docx has no document in it; is it really a Word file?") from None
            if info.flag_bits & 0x1:
                raise DocumentError("That Word file is password-protected, so I can't read it. Save a "
                                    "copy without the password, or paste the text.")
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise DocumentError("That Word file is too big for me to read. Paste the text instead.")
            xml = archive.read(info)
    except zipfile.BadZipFile as exc:
        if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: an encrypted .docx, or a .doc
            raise DocumentError("That Word file is password-protected (or an old .doc file), so I can't "
                                "read it. Save it as a .docx without a password, or paste the text.") from exc
        raise DocumentError("That .docx looks damaged, so I couldn't read it. Try saving it again, "
                            "or paste the text.") from exc
    if b"<!DOCTYPE" in xml[:2048] or b"<!ENTITY" in xml[:4096]:  # never in a real .docx
        raise DocumentError("That .docx is not a Word document I can read.")
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise DocumentError("That .docx looks damaged, so I couldn't read it. Try saving it again, "
                            "or paste the text.") from exc
    lines: list[str] = []
    for paragraph in root.iter(f"{_W}p"):
        text = "".join(node.text or "" if node.tag == f"{_W}t" else "\t" if node.tag == f"{_W}tab" else "\n"
                       for node in paragraph.iter() if node.tag in (f"{_W}t", f"{_W}tab", f"{_W}br"))
        if not text.strip():
            continue
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        style_name = (style.get(f"{_W}val") or "") if style is not None else ""
        listed = paragraph.find(f"{_W}pPr/{_W}numPr") is not None or re.match(r"List", style_name)
        if re.match(r"(Heading|Title)", style_name):
            lines.append("# " + " ".join(text.split()))
        elif listed:
            lines.append("- " + text.strip())
        else:
            lines.append(text)
    return "\n".join(lines)
