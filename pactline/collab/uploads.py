"""Checks on uploaded files before anything is stored: a safe file name, an allowed type whose
content matches its extension (magic numbers, or clean UTF-8 text), and a size limit.

The limits come from settings: PACTLINE_MAX_UPLOAD_MB and PACTLINE_ALLOWED_UPLOAD_TYPES (file
extensions). Types a browser would run (HTML, SVG, scripts) are never allowed."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from pactline.validation import Errors

ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
TEXT = None  # no magic number: must be UTF-8 text without NUL bytes
# extension -> (content type we serve it as, magic numbers its content starts with)
KNOWN_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", ZIP),
    "zip": ("application/zip", ZIP),
    "doc": ("application/msword", OLE),
    "xls": ("application/vnd.ms-excel", OLE),
    "txt": ("text/plain; charset=utf-8", TEXT),
    "csv": ("text/csv; charset=utf-8", TEXT),
    "md": ("text/markdown; charset=utf-8", TEXT),
}
# Declared types that a browser renders or runs: refused whatever the extension says.
ACTIVE_TYPES = re.compile(
    r"^(text/html|application/xhtml\+xml|image/svg\+xml|text/javascript|application/javascript"
    r"|application/ecmascript|text/xml|application/xml|application/x-msdownload)\b",
    re.IGNORECASE,
)
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}
WINDOWS_RESERVED |= {f"lpt{i}" for i in range(1, 10)}
MAX_STEM, MAX_EXTENSION = 120, 10
SNIFF_BYTES = 64 * 1024


def allowed_extensions() -> list[str]:
    return [e for e in settings.PACTLINE_ALLOWED_UPLOAD_TYPES if e in KNOWN_TYPES]


def max_upload_bytes() -> int:
    return int(settings.PACTLINE_MAX_UPLOAD_MB * 1024 * 1024)


def safe_filename(name: str) -> str:
    """The last path component, normalised, with only letters, digits, ` ._-()`; never empty,
    never hidden, never a path, never a Windows device name."""
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = re.sub(r"[^\w .()-]", "_", name)
    name = re.sub(r"_{2,}", "_", re.sub(r"\s+", " ", name)).strip(" ._")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem.strip(" ._")[:MAX_STEM] or "file"
    if stem.lower() in WINDOWS_RESERVED:
        stem = f"_{stem}"
    extension = extension.lower()[:MAX_EXTENSION]
    return f"{stem}.{extension}" if extension else stem


def extension_of(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def _is_text(head: bytes, complete: bool) -> bool:
    if b"\x00" in head:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=complete)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    size: int


def check_upload(name: str, declared_type: str, size: int, stream: IO[bytes]) -> CheckedUpload:
    """Refuse what must not be stored (ValidationFailed on `file`); reads the first 64 KiB."""
    errors = Errors()
    filename = safe_filename(name)
    extension = extension_of(filename)
    allowed = allowed_extensions()
    if size <= 0:
        errors.add("file", "is empty")
    elif size > max_upload_bytes():
        errors.add("file", f"is larger than the limit of {settings.PACTLINE_MAX_UPLOAD_MB} MB")
    if extension not in allowed:
        errors.add(
            "file", f"type .{extension or '?'} is not allowed (allowed: {', '.join(allowed)})"
        )
    elif ACTIVE_TYPES.match(declared_type or ""):
        errors.add("file", f"content type {declared_type} is not allowed")
    if errors:
        errors.raise_if_any()
    content_type, magic = KNOWN_TYPES[extension]
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    matches = (
        _is_text(head, complete=size <= SNIFF_BYTES)
        if magic is None
        else any(head.startswith(m) for m in magic)
    )
    if not matches:
        errors.add("file", f"the content is not a .{extension} file")
    errors.raise_if_any()
    return CheckedUpload(filename=filename, content_type=content_type, size=size)
