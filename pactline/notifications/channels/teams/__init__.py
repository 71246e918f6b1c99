"""Microsoft Teams: a channel's incoming webhook (Workflows), as an Adaptive Card."""

from pactline.notifications.channels.registry import Channel, register
from pactline.notifications.channels.teams.transport import notify
from pactline.notifications.http import check_url
from pactline.notifications.subscriptions import CHAT_DEFAULT

register(
    Channel(
        name="teams",
        label="Microsoft Teams",
        notify=notify,
        validate_url=check_url,
        default_event_types=CHAT_DEFAULT,
        help_text="The URL of a Teams workflow 'When a Teams webhook request is received'.",
    )
)
