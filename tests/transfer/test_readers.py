"""Readers: CSV in every common encoding and delimiter, XLSX with several sheets."""

from __future__ import annotations

from datetime import datetime

import pytest

from pactline.transfer.importing import ImportOptions, plan_import
from tests.transfer.conftest import HEADER, csv_bytes, xlsx_bytes

ROWS = [
    HEADER,
    ["C-100", "Café rénovation", "Société Générale", "Kick-off", "2027-03-01", "", "", "EUR"],
    ["C-100", "Café rénovation", "Société Générale", "Go-live", "2027-06-30", "", "", "EUR"],
]


def titles(preview):
    return sorted(c.data.get("title") for c in preview.contracts + preview.milestones)


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", False, "UTF-8"),
        ("utf-8", True, "UTF-8 (with BOM)"),
        ("cp1252", False, "Windows-1252"),
        ("utf-16", False, "UTF-16"),  # Python writes the BOM
    ],
)
def test_csv_encodings_are_detected(manager, encoding, bom, expected):
    preview = plan_import(manager, csv_bytes(ROWS, encoding=encoding, bom=bom))
    assert preview.ok, preview.problems
    assert preview.encoding == expected
    assert "Café rénovation" in titles(preview)
    assert preview.new_parties == {"Société Générale": "vendor"}


def test_latin1_is_told_apart_from_windows_1252(manager):
    data = csv_bytes(ROWS, encoding="latin-1").replace(b"Kick-off", b"Kick\x81off")
    preview = plan_import(manager, data)
    assert preview.encoding == "Latin-1 (ISO 8859-1)"
    assert any("not UTF-8" in n for n in preview.notes)


def test_a_chosen_encoding_wins(manager):
    preview = plan_import(
        manager, csv_bytes(ROWS, encoding="cp1252"), ImportOptions(encoding="cp1252")
    )
    assert preview.ok
    assert preview.notes == []


def test_a_wrong_chosen_encoding_is_a_clear_error(manager):
    preview = plan_import(
        manager, csv_bytes(ROWS, encoding="cp1252"), ImportOptions(encoding="utf-8")
    )
    assert not preview.ok
    assert "not valid utf-8" in preview.problems[0].reason.lower()
    assert "encoding" in preview.problems[0].reason


def test_an_unknown_encoding_is_refused(manager):
    preview = plan_import(manager, csv_bytes(ROWS), ImportOptions(encoding="klingon"))
    assert "not an encoding" in preview.problems[0].reason


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(manager, delimiter):
    rows = [[c.replace(",", "") for c in row] for row in ROWS]
    preview = plan_import(manager, csv_bytes(rows, delimiter=delimiter))
    assert preview.ok, preview.problems
    assert preview.delimiter == delimiter
    assert preview.counts()["milestones"]["create"] == 2


def test_semicolon_files_with_decimal_commas(manager):
    rows = [
        HEADER,
        ["C-1", "Fit-out", "Globex", "Payment 1", "01/03/2027", "", "1.234,56", "EUR"],
        ["C-1", "Fit-out", "Globex", "Payment 2", "15/03/2027", "", "2.000,00", "EUR"],
    ]
    preview = plan_import(manager, csv_bytes(rows, delimiter=";"))
    assert preview.ok, preview.problems
    assert preview.delimiter == ";"
    amounts = sorted(str(m.data["payment_amount"]) for m in preview.milestones)
    assert amounts == ["1234.56", "2000.00"]


def test_a_title_row_above_the_header_is_skipped(manager):
    rows = [["Contracts of 2027"], [], *ROWS]
    preview = plan_import(manager, csv_bytes(rows))
    assert preview.ok, preview.problems
    assert preview.counts()["milestones"]["create"] == 2
    assert preview.milestones[0].row == 4


def test_xlsx_reads_typed_cells(manager):
    rows = [HEADER, ["C-7", "Cloud", "Globex", "Go-live", datetime(2027, 6, 30), "", 1500.5, "EUR"]]
    preview = plan_import(manager, xlsx_bytes({"Plan": rows}), ImportOptions(filename="p.xlsx"))
    assert preview.ok, preview.problems
    assert preview.format == "xlsx"
    data = preview.milestones[0].data
    assert str(data["due_date"]) == "2027-06-30"
    assert str(data["payment_amount"]) == "1500.5"


def test_xlsx_serial_numbers_in_date_columns(manager):
    rows = [HEADER, ["C-7", "Cloud", "", "Go-live", 46115, "", "", ""]]
    preview = plan_import(manager, xlsx_bytes({"Plan": rows}))
    assert str(preview.milestones[0].data["due_date"]) == "2026-04-03"


def test_xlsx_picks_the_first_sheet_with_a_header(manager):
    book = xlsx_bytes({"Cover": [["Prepared by finance"], ["2027"]], "Data": ROWS})
    preview = plan_import(manager, book)
    assert preview.ok, preview.problems
    assert preview.sheet == "Data"
    assert any("sheet 'Data'" in n for n in preview.notes)


def test_xlsx_sheet_by_name(manager):
    other = [HEADER, ["C-9", "Other", "", "Only here", "2027-01-01", "", "", ""]]
    book = xlsx_bytes({"Data": ROWS, "Other": other})
    preview = plan_import(manager, book, ImportOptions(sheet="other"))
    assert preview.sheet == "Other"
    assert titles(preview) == ["Only here", "Other"]
    missing = plan_import(manager, book, ImportOptions(sheet="Nope"))
    assert "no sheet named 'Nope'" in missing.problems[0].reason
    assert "Data, Other" in missing.problems[0].reason


def test_a_file_without_a_header_is_refused(manager):
    preview = plan_import(manager, csv_bytes([["1", "2"], ["3", "4"]]))
    assert "no header row" in preview.problems[0].reason


def test_a_header_without_rows_is_refused(manager):
    preview = plan_import(manager, csv_bytes([HEADER]))
    assert "no data rows" in preview.problems[0].reason


def test_uploaded_file_objects_are_read(manager, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.csv", csv_bytes(ROWS))
    assert plan_import(manager, upload).options.filename == "plan.csv"
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_bytes(ROWS))
    assert plan_import(manager, path).ok
    assert plan_import(manager, str(path)).ok
