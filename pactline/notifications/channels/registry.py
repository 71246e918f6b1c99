"""The channel registry that channel packages add themselves to."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pactline.notifications.models import Delivery


class DeliveryError(Exception):
    """A failed delivery. `permanent` means retrying cannot help (a bad address, a 410)."""

    def __init__(
        self, message: str, *, permanent: bool = False, status_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.status_code = status_code


@dataclass(frozen=True)
class Outcome:
    """What a successful send reports back for the attempt row."""

    status_code: int | None = None
    detail: str = ""


Notify = Callable[[dict[str, Any], "Delivery"], Outcome | None]


@dataclass(frozen=True)
class Channel:
    """A way to reach people.

    `personal` channels (e-mail, in-app) reach one user and follow the user's preferences;
    the others post to a subscription's URL (webhook, Slack, Teams). `validate_url` checks a
    subscription's URL when it is saved; `default_event_types` is what a new subscription of
    this kind receives when it names none.
    """

    name: str
    label: str
    notify: Notify
    personal: bool = False
    validate_url: Callable[[str], str | None] | None = None
    default_event_types: tuple[str, ...] = ()
    help_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    _channels[channel.name] = channel
    return channel


def get(name: str) -> Channel:
    try:
        return _channels[name]
    except KeyError:
        raise LookupError(f"no notification channel named {name!r}") from None


def all_channels() -> list[Channel]:
    return sorted(_channels.values(), key=lambda c: c.name)


def subscription_channels() -> list[Channel]:
    return [c for c in all_channels() if not c.personal]


def discover() -> None:
    """Import every channel package below this one; each registers itself."""
    from pactline.notifications import channels

    for info in pkgutil.iter_modules(channels.__path__):
        if info.ispkg:
            importlib.import_module(f"{channels.__name__}.{info.name}")
