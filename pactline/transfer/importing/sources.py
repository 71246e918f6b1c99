"""The file an import reads: a path, bytes, or an uploaded file; and what format it is."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pactline.transfer.importing.types import ImportRefused
from pactline.transfer.limits import limit

Source = str | os.PathLike[str] | bytes | IO[bytes]
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xml": "mspdi",
    ".gan": "gan",
}


def source_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return Path(str(getattr(source, "name", "") or "")).name


@contextmanager
def opened(source: Source) -> Iterator[IO[bytes]]:
    """A seekable binary file, size-checked; closed afterwards only if we opened it."""
    if isinstance(source, bytes):
        handle: IO[bytes] = io.BytesIO(source)
        own = True
    elif isinstance(source, str | os.PathLike):
        try:
            handle = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise ImportRefused(f"cannot open {source_name(source)}: {exc.strerror}") from None
        own = True
    else:
        handle, own = source, False
        if hasattr(handle, "open") and getattr(handle, "closed", False):
            handle.open("rb")  # Django's UploadedFile
    try:
        if not handle.seekable():
            handle = io.BytesIO(handle.read(limit("PACTLINE_IMPORT_MAX_BYTES") + 1))
        handle.seek(0, io.SEEK_END)
        size = handle.tell()
        handle.seek(0)
        maximum = limit("PACTLINE_IMPORT_MAX_BYTES")
        if size > maximum:
            raise ImportRefused(f"the file is {size:,} bytes; the limit is {maximum:,}")
        if size == 0:
            raise ImportRefused("the file is empty")
        yield handle
    finally:
        if own:
            handle.close()


def sniff_format(handle: IO[bytes], filename: str) -> str:
    """csv, xlsx, mspdi or gan: from the first bytes, then from the file name."""
    head = handle.read(2048)
    handle.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        if b"schemas.microsoft.com/project" in head.lower() or b"<project xmlns" in text:
            return "mspdi"
        if b"<project" in text:
            return "gan"
    ext = EXTENSIONS.get(Path(filename).suffix.lower())
    if ext == "xlsx":
        return "xlsx"  # named .xlsx but not a zip: the xlsx reader says so clearly
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            "this is an old Excel (.xls) or other OLE file; save it as .xlsx or CSV"
        )
    return ext if ext in ("mspdi", "gan") else "csv"
