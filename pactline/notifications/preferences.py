"""Who hears about what, how: each person's choice per topic, with defaults."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pactline.notifications.models import EmailMode, Preference, Topic

# Without a saved choice: the things that need you come at once; what you watch, once a day.
DEFAULTS: dict[str, tuple[str, bool]] = {
    Topic.REMINDER: (EmailMode.IMMEDIATE, True),
    Topic.ESCALATION: (EmailMode.IMMEDIATE, True),
    Topic.ASSIGNMENT: (EmailMode.IMMEDIATE, True),
    Topic.APPROVAL: (EmailMode.IMMEDIATE, True),
    Topic.ACTIVITY: (EmailMode.DAILY, True),
    Topic.ADMIN: (EmailMode.IMMEDIATE, True),
}


@dataclass(frozen=True)
class Choice:
    topic: str
    email: str
    in_app: bool

    @property
    def any(self) -> bool:
        return self.in_app or self.email != EmailMode.OFF


class Preferences:
    """Choices of many users at once: `index.of(user_id, topic)`."""

    def __init__(self, rows: Iterable[Preference]) -> None:
        self.saved = {(p.user_id, p.topic): Choice(p.topic, p.email, p.in_app) for p in rows}

    @classmethod
    def load(cls, user_ids: Iterable[int]) -> Preferences:
        return cls(Preference.objects.filter(user_id__in=set(user_ids)))

    def of(self, user_id: int, topic: str) -> Choice:
        found = self.saved.get((user_id, topic))
        if found is not None:
            return found
        email, in_app = DEFAULTS[topic]
        return Choice(topic, email, in_app)


def choices_of(user_id: int) -> list[Choice]:
    prefs = Preferences.load([user_id])
    return [prefs.of(user_id, topic) for topic in Topic.values]
