"""Signed, expiring, single-use action links for e-mails: "mark done", "snooze 3 days".

The link carries who, which milestone, which action and a random id, signed with SECRET_KEY
(django.core.signing) and timestamped; it expires after PACTLINE_LINK_MAX_AGE_DAYS, and its id
is stored when used, so a second use is refused. Opening a link only shows a page with a
button: mail scanners that fetch links never act.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from pactline.notifications.messages import absolute

SALT = "pactline.notifications.link"
ACTIONS = ("done", "snooze")


class LinkError(Exception):
    """A link that cannot be used: `reason` is invalid, expired or used."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Link:
    link_id: str
    user_id: int
    organisation_id: int
    milestone_id: int
    action: str
    days: int = 0


def make_token(link: Link) -> str:
    data = {
        "l": link.link_id,
        "u": link.user_id,
        "o": link.organisation_id,
        "m": link.milestone_id,
        "a": link.action,
        "d": link.days,
    }
    return signing.dumps(data, salt=SALT, compress=True)


def make_url(
    user_id: int, organisation_id: int, milestone_id: int, action: str, days: int = 0
) -> str:
    link = Link(secrets.token_hex(16), user_id, organisation_id, milestone_id, action, days)
    return absolute(reverse("link-action", args=[make_token(link)]))


def read_token(token: str) -> Link:
    max_age = timedelta(days=settings.PACTLINE_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkError("expired", "This link has expired. Open the milestone instead.") from None
    except signing.BadSignature:
        raise LinkError("invalid", "This link is not valid.") from None
    try:
        link = Link(
            str(data["l"]),
            int(data["u"]),
            int(data["o"]),
            int(data["m"]),
            str(data["a"]),
            int(data.get("d", 0)),
        )
    except (KeyError, TypeError, ValueError):
        raise LinkError("invalid", "This link is not valid.") from None
    if link.action not in ACTIONS or not 0 <= link.days <= 366:
        raise LinkError("invalid", "This link is not valid.")
    return link
