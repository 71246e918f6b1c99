"""A Slack incoming-webhook message: text for notifications, blocks for the channel."""

from __future__ import annotations

import json
from typing import Any

from pactline.notifications.channels.common import chat_message
from pactline.notifications.channels.registry import Outcome
from pactline.notifications.http import post
from pactline.notifications.models import Delivery


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(message: dict[str, Any]) -> dict[str, Any]:
    chat = chat_message(message)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{_escape(chat.headline)}*"}}
    ]
    if chat.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{_escape(k)}*\n{_escape(v)}"}
                    for k, v in chat.facts
                ],
            }
        )
    if chat.url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open in Pactline"},
                        "url": chat.url,
                    }
                ],
            }
        )
    return {"text": chat.headline, "blocks": blocks}


def notify(message: dict[str, Any], delivery: Delivery) -> Outcome:
    assert delivery.subscription is not None
    body = json.dumps(slack_body(message)).encode()
    answer = post(delivery.subscription.url, body, {"Content-Type": "application/json"})
    return Outcome(status_code=answer.status_code, detail=answer.text[:200])
