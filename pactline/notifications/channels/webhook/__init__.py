"""Webhooks: signed JSON to an organisation's endpoint."""

from pactline.notifications.channels.registry import Channel, register
from pactline.notifications.channels.webhook.transport import notify
from pactline.notifications.http import check_url

register(
    Channel(
        name="webhook",
        label="Webhook",
        notify=notify,
        validate_url=check_url,
        help_text="JSON POST signed with HMAC-SHA256 (X-Pactline-Signature); see docs/api.md.",
    )
)
