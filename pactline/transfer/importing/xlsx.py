"""XLSX: a zip checked for bombs before openpyxl opens it, then read-only streaming.

Formula cells come out as `Formula` values, which the importer refuses: the importer does not
evaluate formulas, and a cached result may be stale or missing.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from pactline.transfer.importing.table import HEADER_SEARCH_ROWS, Table, find_header, make_table
from pactline.transfer.importing.types import ImportRefused
from pactline.transfer.importing.values import Formula
from pactline.transfer.limits import limit

MIB = 1024 * 1024


def check_zip(handle: IO[bytes]) -> None:
    """Refuse what is not a workbook, or would expand far beyond its size (a zip bomb)."""
    if not zipfile.is_zipfile(handle):
        handle.seek(0)
        raise ImportRefused(
            "this is not an XLSX workbook (it is not a zip archive); if it is "
            "an old .xls file, save it as .xlsx or CSV"
        )
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused(f"the workbook is damaged: {exc}") from None
    finally:
        handle.seek(0)
    if len(members) > limit("PACTLINE_IMPORT_MAX_ZIP_MEMBERS"):
        raise ImportRefused(f"the workbook holds {len(members):,} files; refused as unsafe")
    total = sum(m.file_size for m in members)
    if total > limit("PACTLINE_IMPORT_MAX_UNZIPPED"):
        raise ImportRefused(
            f"the workbook expands to {total // MIB:,} MiB; the limit is "
            f"{limit('PACTLINE_IMPORT_MAX_UNZIPPED') // MIB:,} MiB (a zip bomb?)"
        )
    ratio = limit("PACTLINE_IMPORT_MAX_ZIP_RATIO")
    for m in members:
        if m.file_size > MIB and m.file_size > ratio * max(m.compress_size, 1):
            raise ImportRefused(
                f"{m.filename} expands {m.file_size // max(m.compress_size, 1):,} times; "
                f"more than {ratio} times is refused as a zip bomb"
            )
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise ImportRefused("this zip archive is not an Excel workbook (no xl/workbook.xml)")


def _cells(sheet: Any, width: int) -> Iterator[tuple[int, list[object]]]:
    """Rows as lists of at most `width` values; formula cells as `Formula`.

    No `max_col` for openpyxl: it would pad every row with empty cells up to it.
    """
    for row_no, row in enumerate(sheet.iter_rows(), start=1):
        cells: list[object] = []
        for cell in row[:width]:
            value = cell.value
            if value.__class__ is str and cell.data_type == "f":
                value = Formula(value)
            cells.append(value)
        yield row_no, cells


def read_xlsx(handle: IO[bytes], sheet_name: str | None, known: set[str]) -> Table:
    check_zip(handle)
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=False, keep_links=False)
        except Exception as exc:  # openpyxl raises many kinds on a broken workbook
            raise ImportRefused(f"the workbook cannot be read: {exc}") from None
    names = book.sheetnames
    if sheet_name is not None:
        match = [n for n in names if n.strip().lower() == sheet_name.strip().lower()]
        if not match:
            raise ImportRefused(
                f"no sheet named {sheet_name!r}; the sheets are: " + ", ".join(names)
            )
        candidates = match
    else:
        candidates = names
    for name in candidates:
        sheet = book[name]
        if not hasattr(sheet, "iter_rows"):
            continue  # a chart sheet
        sheet.reset_dimensions()  # read every row, whatever the stored dimension says
        if find_header(_cells(sheet, 200), known) is None:
            continue
        table = make_table(
            _cells(sheet, limit("PACTLINE_IMPORT_MAX_COLUMNS") + 1),
            known,
            f"sheet {name!r}",
            sheet=name,
            sheets=list(names),
            epoch=book.epoch,
        )
        if len(names) > 1:
            table.notes.append(
                f"read sheet {name!r} (the workbook has {len(names)} sheets; "
                "choose another by name)"
            )
        return table
    raise ImportRefused(
        f"no sheet has a header row in its first {HEADER_SEARCH_ROWS} rows; "
        "the sheets are: " + ", ".join(names)
    )
