"""Every list and report as CSV, XLSX or PDF.

A table is described once (columns with a kind: text, int, date, money, percent) and written
in either format: XLSX with typed cells (dates as dates, money as numbers in the row's currency
format), a frozen header and an autofilter; CSV as UTF-8 with a BOM, ISO dates, and text that a
spreadsheet would run as a formula (= + - @, tab, carriage return) prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 200_000


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    kind: str = "text"  # text, int, date, money, percent, float
    currency: Callable[[Any], str] | None = None
    width: int = 16


def neutralise(text: str) -> str:
    """OWASP's advice against CSV injection: a leading quote keeps a formula as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (int, float)):
        return value
    return neutralise(str(value))


def csv_bytes(columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(c.header) for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(c.value(row)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def money_format(currency: str) -> str:
    safe = "".join(ch for ch in currency if ch.isalnum())[:3]
    return f'#,##0.00 "{safe}"' if safe else "#,##0.00"


def xlsx_bytes(columns: Sequence[Column], rows: Iterable[Any], sheet: str = "Report") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=False)
    ws = book.active
    ws.title = sheet[:31]
    ws.append([c.header for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_xlsx_value(c, row) for c in columns])
        current = ws.max_row
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=current, column=index)
            if column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
            elif column.kind == "money":
                currency = column.currency(row) if column.currency else ""
                cell.number_format = money_format(currency)
            elif column.kind == "percent":
                cell.number_format = "0.0%"
            elif column.kind == "text":
                cell.data_type = "s"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(column: Column, row: Any) -> Any:
    value = column.value(row)
    if value is None:
        return None
    if column.kind == "money":
        return Decimal(value)
    if column.kind == "text":
        return str(value)  # written as text, so a leading = is never a formula
    return value


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(
    fmt: str, name: str, columns: Sequence[Column], rows: Iterable[Any]
) -> HttpResponse:
    """`fmt` "csv" or "xlsx": the table as a download named `name`.csv/.xlsx."""
    if fmt == "xlsx":
        return download(xlsx_bytes(columns, rows, name), f"{name}.xlsx", XLSX_TYPE)
    return download(csv_bytes(columns, rows), f"{name}.csv", "text/csv; charset=utf-8")


def pdf_bytes(html: str, base_url: str | None = None) -> bytes:
    """An HTML page (with inline SVG charts) printed to PDF by WeasyPrint."""
    from weasyprint import HTML

    return bytes(HTML(string=html, base_url=base_url).write_pdf())
