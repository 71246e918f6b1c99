"""Reading the embedded mail directory (DATA_DIR/mail) for the "Sent mail" page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings

NAME = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{12}\.eml$")
MAX_LISTED = 200


@dataclass(frozen=True)
class Mail:
    name: str
    subject: str
    to: str
    date: datetime | None
    organisation_id: int | None
    text: str = ""
    html: str = ""


def embedded() -> bool:
    return settings.EMAIL_BACKEND.endswith("EmlFileBackend")


def folder() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


def _parse(path: Path, body: bool) -> Mail:
    with path.open("rb") as handle:
        msg: EmailMessage = BytesParser(policy=policy.default).parse(handle)  # type: ignore[assignment]
    org = msg.get("X-Pactline-Organisation", "")
    try:
        when = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError):
        when = None
    text = html = ""
    if body:
        plain = msg.get_body(preferencelist=("plain",))
        rich = msg.get_body(preferencelist=("html",))
        text = plain.get_content() if plain is not None else ""
        html = rich.get_content() if rich is not None else ""
    return Mail(
        name=path.name,
        subject=str(msg.get("Subject", "")),
        to=str(msg.get("To", "")),
        date=when,
        organisation_id=int(org) if str(org).isdigit() else None,
        text=text,
        html=html,
    )


def listing(organisation_id: int) -> list[Mail]:
    """The newest messages of one organisation (the folder is shared by all of them)."""
    if not folder().is_dir():
        return []
    names = sorted((p for p in folder().iterdir() if NAME.match(p.name)), reverse=True)
    out = []
    for path in names:
        mail = _parse(path, body=False)
        if mail.organisation_id == organisation_id:
            out.append(mail)
            if len(out) >= MAX_LISTED:
                break
    return out


def read(organisation_id: int, name: str) -> Mail | None:
    if not NAME.match(name):
        return None
    path = folder() / name
    if not path.is_file():
        return None
    mail = _parse(path, body=True)
    return mail if mail.organisation_id == organisation_id else None
