"""Hostile and broken files: each gets a clear answer, and nothing is written."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from pactline.contracts.models import Contract
from pactline.transfer.importing import ImportOptions, ImportProblems, commit_import, plan_import
from tests.transfer.conftest import HEADER, csv_bytes, xlsx_bytes

GOOD = ["C-1", "Fit-out", "Globex", "Kick-off", "2027-03-01", "", "", "EUR"]


def refused(manager, data, options=None, match=""):
    preview = plan_import(manager, data, options or ImportOptions())
    assert not preview.ok
    reasons = " | ".join(str(p) for p in preview.problems)
    assert match.lower() in reasons.lower(), reasons
    with pytest.raises(ImportProblems):
        commit_import(manager, preview)
    assert Contract.objects.count() == 0
    return preview


def test_unclosed_quote(manager):
    data = csv_bytes([HEADER, GOOD]) + b'C-2,"Unclosed title,Globex,M,2027-01-01\r\nC-3,x,y\r\n'
    refused(manager, data, match="malformed CSV after row 2: unexpected end of data")


def test_stray_quote_inside_a_field(manager):
    data = csv_bytes([HEADER]) + b'C-2,"Half" quoted,Globex,M,2027-01-01,,,\r\n'
    refused(manager, data, match="malformed CSV")


def test_binary_named_csv(manager):
    refused(
        manager,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10,
        ImportOptions(filename="x.csv"),
        match="not a text file",
    )


def test_xlsx_that_is_not_a_zip(manager):
    refused(
        manager,
        b"Contract number,Title\r\nC-1,x\r\n",
        ImportOptions(filename="plan.xlsx"),
        match="not an XLSX workbook (it is not a zip archive)",
    )


def test_old_xls_files(manager):
    refused(
        manager,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        ImportOptions(filename="plan.xls"),
        match="old Excel (.xls)",
    )


def test_a_zip_that_is_not_a_workbook(manager):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    refused(manager, out.getvalue(), match="not an Excel workbook")


def test_zip_bomb_by_ratio(manager):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    assert len(out.getvalue()) < 100_000
    refused(manager, out.getvalue(), match="zip bomb")


def test_zip_bomb_by_total_size(manager, settings):
    settings.PACTLINE_IMPORT_MAX_UNZIPPED = 50_000
    book = xlsx_bytes({"Plan": [HEADER] + [GOOD] * 2000})
    refused(manager, book, match="expands to")


def test_formulas_in_xlsx_are_refused(manager):
    book = xlsx_bytes({"Plan": [HEADER, [*GOOD[:6], "=SUM(1,2)", "EUR"]]})
    preview = refused(manager, book, match="is a formula")
    assert (preview.problems[0].row, preview.problems[0].column) == (2, "Amount")


def test_formulas_in_csv_are_refused(manager):
    row = ["C-1", '=HYPERLINK("http://evil","x")', "", "M", "2027-01-01", "", "", ""]
    refused(manager, csv_bytes([HEADER, row]), match="formulas are not evaluated")


def test_a_million_empty_rows_stop_the_reading(manager):
    data = csv_bytes([HEADER, GOOD]) + b",,,,,,,\r\n" * 1_000_000
    started = time.monotonic()
    preview = plan_import(manager, data)
    assert time.monotonic() - started < 5
    assert preview.ok, preview.problems
    assert preview.counts()["milestones"]["create"] == 1
    assert any("1,000 empty rows in a row" in n for n in preview.notes)


def test_only_empty_rows_is_no_data(manager):
    refused(manager, csv_bytes([HEADER]) + b"\r\n" * 1_000_000, match="no data rows")


def test_empty_rows_in_xlsx(manager, settings):
    settings.PACTLINE_IMPORT_MAX_EMPTY_ROWS = 50
    rows = [HEADER, GOOD] + [[""] * 8] * 200 + [["C-9", "Late", "", "Lost", "2027-01-01"]]
    preview = plan_import(manager, xlsx_bytes({"Plan": rows}))
    assert preview.counts()["contracts"]["create"] == 1
    assert any("50 empty rows" in n for n in preview.notes)


def test_too_many_rows_refuse_the_file(manager, settings):
    settings.PACTLINE_IMPORT_MAX_ROWS = 10
    rows = [HEADER] + [[*GOOD[:3], f"M{i}", *GOOD[4:]] for i in range(11)]
    refused(manager, csv_bytes(rows), match="more than 10 data rows")


def test_huge_cells(manager):
    row = [*GOOD[:3], "x" * 40_000, *GOOD[4:]]
    preview = refused(manager, csv_bytes([HEADER, row]), match="40,000 characters")
    assert preview.problems[0].column == "Milestone"


def test_a_cell_beyond_the_csv_field_limit(manager):
    row = [*GOOD[:3], "x" * 200_000, *GOOD[4:]]
    refused(manager, csv_bytes([HEADER, row]), match="field larger than field limit")


def test_too_large_a_file(manager, settings):
    settings.PACTLINE_IMPORT_MAX_BYTES = 100
    refused(manager, csv_bytes([HEADER, GOOD, GOOD]), match="the limit is 100")


def test_empty_file(manager):
    refused(manager, b"", match="empty")


def test_too_many_columns(manager, settings):
    settings.PACTLINE_IMPORT_MAX_COLUMNS = 5
    refused(manager, csv_bytes([HEADER, GOOD]), match="at most 5 are read")


def test_the_problem_list_is_bounded(manager, settings):
    settings.PACTLINE_IMPORT_MAX_PROBLEMS = 5
    rows = [HEADER] + [[*GOOD[:3], f"M{i}", "bad date", *GOOD[5:]] for i in range(20)]
    preview = plan_import(manager, csv_bytes(rows))
    assert len(preview.problems) == 5
    assert preview.problems_dropped == 15


@pytest.mark.parametrize("encoding", ["base64", "rot13", "idna", "punycode", "undefined", "zip"])
def test_a_codec_that_is_not_a_file_encoding_is_refused(manager, encoding):
    preview = plan_import(manager, csv_bytes([HEADER, GOOD]), ImportOptions(encoding=encoding))
    [problem] = preview.problems
    assert "is not a text encoding" in problem.reason
