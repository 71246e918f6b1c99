"""POST the event as JSON, signed, through the one outbound HTTP helper."""

from __future__ import annotations

import json
from typing import Any

from pactline.notifications.channels.registry import DeliveryError, Outcome
from pactline.notifications.channels.webhook import signing
from pactline.notifications.http import post
from pactline.notifications.models import Delivery


def body_of(message: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed); the same for every attempt of a delivery."""
    return json.dumps(message, separators=(",", ":"), sort_keys=True).encode()


def notify(message: dict[str, Any], delivery: Delivery) -> Outcome:
    sub = delivery.subscription
    if sub is None:
        raise DeliveryError("a webhook delivery needs a subscription", permanent=True)
    body = body_of(message)
    headers = {
        "Content-Type": "application/json",
        signing.HEADER: signing.header(sub.secret, body),
        "X-Pactline-Event": str(message.get("type", "")),
        "X-Pactline-Delivery": str(delivery.pk),
    }
    answer = post(sub.url, body, headers)
    return Outcome(status_code=answer.status_code, detail=answer.text[:200])
