"""Helpers that build import files in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

HEADER = [
    "Contract number",
    "Contract title",
    "Vendor",
    "Milestone",
    "Due date",
    "Owner",
    "Amount",
    "Currency",
]


def csv_bytes(
    rows: Sequence[Sequence[object]],
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Staged uploads go to a directory of the test's own, never into ./var."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def sheet_rows():
    return [
        HEADER,
        [
            "C-100",
            "Data centre move",
            "Globex",
            "Kick-off",
            "2027-03-01",
            "maria@acme.test",
            "1,000.00",
            "EUR",
        ],
        [
            "C-100",
            "Data centre move",
            "Globex",
            "Go-live",
            "2027-06-30",
            "mike@acme.test",
            "4,000.00",
            "EUR",
        ],
        ["C-200", "Support renewal", "Initech", "Renewal notice", "2027-09-01", "", "", "EUR"],
    ]
