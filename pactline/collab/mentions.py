"""@mentions in comments: `@mike` names the person whose e-mail address starts with `mike@`,
or whose name, without spaces, is `mike` (`@MariaManager`), or whose first name is `maria` when
only one person has it. Only people who can see the comment are mentioned."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pactline.accounts.models import Membership, User
from pactline.accounts.permissions import Actor

MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._+-]{0,63})")
MAX_MENTIONS = 20


def handles(text: str) -> list[str]:
    """The @handles written in `text`, in order, without repeats; code spans do not count."""
    text = re.sub(r"```.*?```|`[^`\n]*`", " ", text, flags=re.DOTALL)
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).rstrip(".").lower(), None)
    return list(seen)[:MAX_MENTIONS]


def _keys(user: User) -> tuple[str, str, str]:
    name = (user.name or "").strip().lower()
    return user.email.split("@")[0].lower(), name.replace(" ", ""), name.split(" ")[0]


def resolve(memberships: Iterable[Membership], wanted: list[str]) -> list[Membership]:
    """The memberships the handles name; an ambiguous first name names nobody."""
    people = list(memberships)
    found: dict[int, Membership] = {}
    for handle in wanted:
        exact = [m for m in people if handle in _keys(m.user)[:2]]
        first = [m for m in people if _keys(m.user)[2] == handle]
        match = exact if len(exact) == 1 else first if len(first) == 1 else []
        for membership in match:
            found.setdefault(membership.user_id, membership)
    return list(found.values())


def mentioned_people(actor: Actor, text: str) -> list[Membership]:
    wanted = handles(text)
    if not wanted:
        return []
    memberships = Membership.objects.select_related("user", "organisation").filter(
        organisation=actor.organisation, user__is_active=True
    )
    return resolve(memberships, wanted)
