"""What every spreadsheet reader produces: a header row and a stream of bounded data rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from pactline.transfer.importing.mapping import suggest_field
from pactline.transfer.importing.types import ImportRefused
from pactline.transfer.importing.values import EXCEL_EPOCH
from pactline.transfer.limits import limit

Cell = object
RawRows = Iterable[tuple[int, list[Cell]]]
HEADER_SEARCH_ROWS = 20


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Cell]]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    epoch: datetime = EXCEL_EPOCH
    notes: list[str] = field(default_factory=list)


def is_empty(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def looks_like_header(cells: list[Cell], known: set[str]) -> bool:
    """At least two text cells, one of them a header we know (or one the mapping names)."""
    texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
    return len(texts) >= 2 and any(t in known or suggest_field(t) for t in texts)


def find_header(rows: RawRows, known: set[str]) -> tuple[int, list[str], Iterator] | None:
    """The header row among the first rows, and an iterator over the rows after it."""
    iterator = iter(rows)
    for row_no, cells in iterator:
        if looks_like_header(cells, known):
            headers = [("" if c is None else str(c)).strip() for c in cells]
            while headers and not headers[-1]:
                headers.pop()
            return row_no, _unique(headers), iterator
        if row_no >= HEADER_SEARCH_ROWS:
            return None
    return None


def _unique(headers: list[str]) -> list[str]:
    """Blank headers become "Column N"; repeated ones get " (2)"."""
    seen: dict[str, int] = {}
    out = []
    for index, header in enumerate(headers, start=1):
        name = header or f"Column {index}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def bounded(
    rows: Iterator[tuple[int, list[Cell]]], width: int, note: Callable[[str], None]
) -> Iterator[tuple[int, list[Cell]]]:
    """Data rows cut to the header's width; empty rows skipped; bounded in number.

    A long run of empty rows ends the reading (a sheet formatted down to row 1,048,576);
    more data rows than the limit refuse the file rather than import part of it.
    """
    max_rows = limit("PACTLINE_IMPORT_MAX_ROWS")
    max_empty = limit("PACTLINE_IMPORT_MAX_EMPTY_ROWS")
    empty = data = 0
    for row_no, cells in rows:
        cells = cells[:width]
        if is_empty(cells):
            empty += 1
            if empty >= max_empty:
                note(f"stopped reading at row {row_no}: {max_empty:,} empty rows in a row")
                return
            continue
        empty = 0
        data += 1
        if data > max_rows:
            raise ImportRefused(
                f"more than {max_rows:,} data rows; split the file and import the parts", row_no
            )
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        yield row_no, cells


def make_table(rows: RawRows, known: set[str], what: str, **meta: object) -> Table:
    found = find_header(rows, known)
    if found is None:
        raise ImportRefused(
            f"no header row found in the first {HEADER_SEARCH_ROWS} rows of {what}: the first "
            "row should name the columns (contract number, milestone, due date...)"
        )
    header_row, headers, rest = found
    if len(headers) > limit("PACTLINE_IMPORT_MAX_COLUMNS"):
        raise ImportRefused(
            f"{len(headers)} columns; at most {limit('PACTLINE_IMPORT_MAX_COLUMNS')} are read",
            header_row,
        )
    table = Table(headers=headers, header_row=header_row, rows=iter(()), **meta)  # type: ignore[arg-type]
    table.rows = bounded(chain(rest), len(headers), table.notes.append)
    return table
