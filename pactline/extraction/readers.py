"""Contract files to text: plain text, DOCX (python-docx) and PDF with a text layer (pypdf)."""

from __future__ import annotations

from pathlib import Path


class ExtractionError(Exception):
    """A file the engine cannot read; the message is one clear line for the user."""


class NoTextLayerError(ExtractionError):
    """A PDF whose pages are images (a scan): there is no text to extract from."""


MIN_PDF_CHARS = 20  # fewer characters over the whole document means a scan


def read_text_file(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def read_docx(path: Path) -> str:
    import docx  # python-docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise ExtractionError(f"{path.name}: not a readable DOCX file ({exc})") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise ExtractionError(f"{path.name}: not a readable PDF file ({exc})") from exc
    text = "\n\n".join(pages)
    if len(text.strip()) < MIN_PDF_CHARS:
        raise NoTextLayerError(
            f"{path.name}: the PDF has no text layer (a scanned image?); "
            "run OCR on it first or upload the text or DOCX version"
        )
    return text


def read_document(path: str | Path) -> str:
    """The text of a contract file, chosen by its extension (anything else is read as text)."""
    path = Path(path)
    if not path.is_file():
        raise ExtractionError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".pdf":
        return read_pdf(path)
    return read_text_file(path)
