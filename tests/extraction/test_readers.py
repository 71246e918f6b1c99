"""DOCX and PDF input, built in the test; a PDF without a text layer is a clear error."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from pactline.extraction import ExtractionError, Field, NoTextLayerError, extract, read_document

CONTRACT = [
    "DISTRIBUTION AGREEMENT",
    "This Distribution Agreement is entered into as of January 21, 2005 "
    '(the "Effective Date") by and between Vendor Inc. and Distributor Ltd.',
    "1. TERM. The term of this Agreement shall be for a period of five (5) years, beginning on "
    "the Effective Date.",
]


def _pdf(path: Path, page_streams: list[bytes]) -> None:
    """A minimal valid PDF, one page per content stream, Helvetica for text."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(page_streams)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_streams)} >>".encode())
    font = 3 + 2 * len(page_streams)
    for i, stream in enumerate(page_streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))


def _text_stream(lines: list[str]) -> bytes:
    parts = [b"BT /F1 10 Tf 14 TL 40 750 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        parts.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def test_docx_input(tmp_path: Path) -> None:
    path = tmp_path / "contract.docx"
    document = docx.Document()
    for paragraph in CONTRACT:
        document.add_paragraph(paragraph)
    document.save(str(path))
    result = extract(read_document(path))
    assert result.value(Field.AGREEMENT_DATE) == "2005-01-21"
    assert result.value(Field.EXPIRATION_DATE) == "2010-01-21"


def test_pdf_with_a_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "contract.pdf"
    words = " ".join(CONTRACT).split()
    lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    _pdf(path, [_text_stream(lines[:3]), _text_stream(lines[3:])])
    text = read_document(path)
    assert "Distribution Agreement is entered into" in text
    result = extract(text)  # the page break falls inside the term sentence
    assert result.value(Field.EFFECTIVE_DATE) == "2005-01-21"
    assert result.value(Field.EXPIRATION_DATE) == "2010-01-21"


def test_scanned_pdf_without_text_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    _pdf(path, [b"q 612 0 0 792 0 0 cm Q"])  # a page that draws, but holds no text
    with pytest.raises(NoTextLayerError, match="no text layer"):
        read_document(path)


def test_damaged_files_and_missing_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ExtractionError, match="not a readable DOCX"):
        read_document(broken)
    with pytest.raises(ExtractionError, match="no such file"):
        read_document(tmp_path / "missing.txt")


def test_plain_text_in_a_legacy_encoding(tmp_path: Path) -> None:
    path = tmp_path / "contract.txt"
    path.write_bytes("LECLANCHÉ AGREEMENT made on April 6, 2014.".encode("cp1252"))
    assert extract(read_document(path)).value(Field.AGREEMENT_DATE) == "2014-04-06"
