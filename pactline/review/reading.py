"""An uploaded contract file or pasted text, as the plain text the engine reads.

Files are read by `pactline.extraction.readers` (TXT, DOCX, PDF with a text layer) from a
private temporary directory; their errors become a problem of the `file` field, so a scanned
PDF answers "no text layer" where the person chose the file.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import File

from pactline.errors import ValidationFailed
from pactline.extraction.readers import ExtractionError, read_document
from pactline.review.models import MAX_TEXT_CHARS

SUFFIXES = (".txt", ".text", ".md", ".docx", ".pdf")
ACCEPT = ".txt,.text,.md,.docx,.pdf"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "PACTLINE_EXTRACTION_MAX_BYTES", DEFAULT_MAX_BYTES))


def safe_name(name: str) -> str:
    """The file's own name without directories or odd characters, for messages and storage."""
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^\w.\- ()]", "_", base).strip()[:200] or "contract.txt"


def read_upload(upload: File) -> tuple[str, str]:
    """(file name, text) of an uploaded contract, or ValidationFailed on "file"."""
    name = safe_name(upload.name or "")
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationFailed.one(
            "file", f"{name}: choose a TXT, DOCX or PDF file (save a .doc as .docx first)"
        )
    if (upload.size or 0) > max_bytes():
        raise ValidationFailed.one("file", f"{name}: larger than {max_bytes() // 2**20} MB")
    with tempfile.TemporaryDirectory(prefix="pactline-extract-") as directory:
        path = Path(directory) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            text = read_document(path)
        except ExtractionError as exc:  # "NAME: problem"; the field shows the name already
            raise ValidationFailed.one("file", str(exc).removeprefix(f"{name}: ")) from None
    if suffix not in (".docx", ".pdf") and "\x00" in text:
        raise ValidationFailed.one("file", f"{name}: not a text file")
    return name, clean_text(text, "file")


def clean_text(text: str, field: str = "text") -> str:
    """Text a database stores (no NUL, no lone surrogates), not empty, not too long."""
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if not text.strip():
        raise ValidationFailed.one(field, "has no text to read")
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed.one(
            field, f"is longer than {MAX_TEXT_CHARS:,} characters: leave out the exhibits"
        )
    return text
