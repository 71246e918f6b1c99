"""Bounds that keep a hostile or careless file from exhausting memory, disk or patience.

Each can be changed in the settings (or by `override_settings` in tests); the defaults suit
the embedded mode.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Largest file accepted, in bytes (CSV, XLSX, project plans, .ics).
    "PACTLINE_IMPORT_MAX_BYTES": 100 * 1024 * 1024,
    # Data rows per import; a bigger file is refused (split it) rather than cut short.
    "PACTLINE_IMPORT_MAX_ROWS": 200_000,
    # Reading stops after this many empty rows in a row (a sheet "used" down to row 1,048,576).
    "PACTLINE_IMPORT_MAX_EMPTY_ROWS": 1_000,
    # Characters per cell: Excel's own limit.
    "PACTLINE_IMPORT_MAX_CELL": 32_767,
    # Columns read per row.
    "PACTLINE_IMPORT_MAX_COLUMNS": 500,
    # XLSX (a zip): total uncompressed size, and the largest expansion ratio of one member.
    "PACTLINE_IMPORT_MAX_UNZIPPED": 500 * 1024 * 1024,
    "PACTLINE_IMPORT_MAX_ZIP_RATIO": 200,
    "PACTLINE_IMPORT_MAX_ZIP_MEMBERS": 10_000,
    # Problems kept in a preview; the rest are counted.
    "PACTLINE_IMPORT_MAX_PROBLEMS": 1_000,
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))
