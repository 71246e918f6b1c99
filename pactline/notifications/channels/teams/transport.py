"""A Teams incoming-webhook message: an Adaptive Card with a fact set and a link."""

from __future__ import annotations

import json
from typing import Any

from pactline.notifications.channels.common import chat_message
from pactline.notifications.channels.registry import Outcome
from pactline.notifications.http import post
from pactline.notifications.models import Delivery


def teams_body(message: dict[str, Any]) -> dict[str, Any]:
    chat = chat_message(message)
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": chat.headline, "weight": "Bolder", "wrap": True}
    ]
    if chat.facts:
        body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in chat.facts]})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if chat.url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Pactline", "url": chat.url}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def notify(message: dict[str, Any], delivery: Delivery) -> Outcome:
    assert delivery.subscription is not None
    body = json.dumps(teams_body(message)).encode()
    answer = post(delivery.subscription.url, body, {"Content-Type": "application/json"})
    return Outcome(status_code=answer.status_code, detail=answer.text[:200])
