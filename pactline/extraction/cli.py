"""Batch extraction to CSV: `pactline extract FILE... --csv OUT` calls `run`."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TextIO

from pactline.extraction.engine import extract
from pactline.extraction.model import PERPETUAL, Extraction, Field
from pactline.extraction.readers import ExtractionError, read_document

COLUMNS = (
    "filename",
    "agreement_date",
    "effective_date",
    "expiration_date",
    "renewal_term",
    "notice_period",
)


def csv_row(filename: str, result: Extraction) -> dict[str, str]:
    """One CSV row: ISO dates, "perpetual" for an open-ended term, empty when unknown."""
    row = {"filename": filename}
    for name in (Field.AGREEMENT_DATE, Field.EFFECTIVE_DATE, Field.EXPIRATION_DATE):
        proposal = result.get(name)
        value = proposal.value if proposal and not proposal.redacted else None
        row[name.value] = value.isoformat() if isinstance(value, date) else (
            PERPETUAL if value == PERPETUAL else ""
        )  # fmt: skip
    row[Field.RENEWAL_TERM.value] = result.value(Field.RENEWAL_TERM)
    row[Field.NOTICE_PERIOD.value] = result.value(Field.NOTICE_PERIOD)
    return row


def write_rows(rows: Iterable[dict[str, str]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def run(files: Iterable[str | Path], csv_out: str | Path | TextIO) -> int:
    """Extract each file and write the CSV; returns how many files could not be read.

    Unreadable files (a scanned PDF, a damaged DOCX) are reported on stderr, one line each,
    and written as a row with empty values so the output lines up with the input.
    """
    rows: list[dict[str, str]] = []
    failures = 0
    for file in files:
        path = Path(file)
        try:
            text = read_document(path)
        except ExtractionError as exc:
            print(f"pactline extract: {exc}", file=sys.stderr)
            failures += 1
            rows.append({c: "" for c in COLUMNS} | {"filename": path.name})
            continue
        rows.append(csv_row(path.name, extract(text)))
    if isinstance(csv_out, (str, Path)):
        with open(csv_out, "w", encoding="utf-8", newline="") as handle:
            write_rows(rows, handle)
    else:
        write_rows(rows, csv_out)
    return failures
