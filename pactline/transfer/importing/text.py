"""CSV: encoding (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252, Latin-1),
delimiter (, ; tab |) and a strict, streaming reader."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import IO

from pactline.transfer.importing.table import Table, make_table
from pactline.transfer.importing.types import ImportRefused

DELIMITERS = (",", ";", "\t", "|")
SAMPLE = 64 * 1024
CHUNK = 1024 * 1024
# Bytes Windows-1252 leaves undefined: a file holding them is Latin-1 (ISO 8859-1).
CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
NOT_FILES = frozenset({"idna", "punycode", "undefined"})  # text codecs, not file encodings
NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with BOM)",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1 (ISO 8859-1)",
}


def text_encoding(name: str) -> str:
    """The codec name of an encoding a text file can be in; ImportRefused for anything else
    (unknown names, and codecs such as base64, rot13 or idna that are not file encodings)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ImportRefused(f"{name!r} is not an encoding (try utf-8, cp1252, latin-1)") from None
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_FILES:
        raise ImportRefused(f"{name!r} is not a text encoding (try utf-8, cp1252, latin-1)")
    return info.name


def detect_encoding(handle: IO[bytes], chosen: str | None) -> tuple[str, str | None]:
    """The encoding to read with, and a note when it was guessed rather than certain."""
    head = handle.read(4)
    handle.seek(0)
    for bom, name in BOMS:
        if head.startswith(bom):
            return name, None
    if chosen:
        return text_encoding(chosen), None
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid_utf8 = True
    while chunk := handle.read(CHUNK):
        if b"\x00" in chunk:
            handle.seek(0)
            raise ImportRefused(
                "this is not a text file (it contains NUL bytes); export the sheet as CSV or XLSX"
            )
        if valid_utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                valid_utf8 = False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        valid_utf8 = False
    handle.seek(0)
    if valid_utf8:
        return "utf-8", None
    holes = False
    while not holes and (chunk := handle.read(CHUNK)):
        holes = any(bytes([b]) in chunk for b in CP1252_HOLES)
    handle.seek(0)
    name = "latin-1" if holes else "cp1252"
    return name, (
        f"the file is not UTF-8; read as {NAMES[name]}. If accented letters look "
        "wrong, choose the encoding."
    )


def sniff_delimiter(sample: str) -> str:
    """The candidate that splits the first lines into the same, largest number of fields."""
    lines = sample.splitlines()
    if len(sample) >= SAMPLE and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    lines = [line for line in lines[:50] if line.strip()]
    best, best_score = ",", 0.0
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        if modal < 2:
            continue
        score = counts.count(modal) / len(counts) * (1 + modal / 100)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _records(reader: Iterator[list[str]], encoding: str) -> Iterator[tuple[int, list[object]]]:
    row_no = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRefused(
                f'malformed CSV after row {row_no}: {exc} (is a quote " left open?)', row_no + 1
            ) from None
        except UnicodeError:  # decoding failed (any codec's flavour of it)
            raise ImportRefused(
                f"the file is not valid {NAMES.get(encoding, encoding)} after row {row_no}; "
                "choose its encoding (for example cp1252 or latin-1)",
                row_no + 1,
            ) from None
        row_no += 1
        yield row_no, list(fields)


def read_csv(
    handle: IO[bytes], encoding: str | None, delimiter: str | None, known: set[str]
) -> Table:
    name, note = detect_encoding(handle, encoding)
    sample = handle.read(SAMPLE).decode(name, errors="replace").lstrip("\ufeff")
    handle.seek(0)
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise ImportRefused("the delimiter must be one character (for example , ; | or tab)")
    chosen = delimiter or sniff_delimiter(sample)
    raw = io.BufferedReader(_Unclosable(handle), buffer_size=CHUNK)
    stream = io.TextIOWrapper(raw, encoding=name, errors="strict", newline="")
    reader = csv.reader(stream, delimiter=chosen, strict=True)
    table = make_table(
        _records(reader, name), known, "the file", encoding=NAMES.get(name, name), delimiter=chosen
    )
    if note:
        table.notes.append(note)
    return table


class _Unclosable(io.RawIOBase):
    """Lets a TextIOWrapper read a file it must not close."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
