"""Every write of the notifications app goes through here, with its event."""

from pactline.notifications.services.links import open_link, use_link
from pactline.notifications.services.people import (
    acknowledge,
    complete,
    mark_all_read,
    mark_read,
    set_preferences,
    snooze,
    unwatch,
    watch,
)
from pactline.notifications.services.policies import clear_policy, set_policy
from pactline.notifications.services.subscriptions import (
    create_subscription,
    delete_subscription,
    ping,
    redeliver,
    rotate_secret,
    update_subscription,
)

__all__ = [
    "acknowledge",
    "clear_policy",
    "complete",
    "create_subscription",
    "delete_subscription",
    "mark_all_read",
    "mark_read",
    "open_link",
    "ping",
    "redeliver",
    "rotate_secret",
    "set_policy",
    "set_preferences",
    "snooze",
    "unwatch",
    "update_subscription",
    "use_link",
    "watch",
]
