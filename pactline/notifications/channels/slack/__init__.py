"""Slack: an incoming webhook of a Slack channel."""

from pactline.notifications.channels.registry import Channel, register
from pactline.notifications.channels.slack.transport import notify
from pactline.notifications.http import check_url
from pactline.notifications.subscriptions import CHAT_DEFAULT

register(
    Channel(
        name="slack",
        label="Slack",
        notify=notify,
        validate_url=check_url,
        default_event_types=CHAT_DEFAULT,
        help_text="A Slack incoming-webhook URL (https://hooks.slack.com/services/...).",
    )
)
