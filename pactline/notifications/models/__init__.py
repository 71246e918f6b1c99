"""Reminder policies, watches, preferences, subscriptions, deliveries and the in-app inbox."""

from pactline.notifications.models.delivery import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    OutboxCursor,
    Subscription,
)
from pactline.notifications.models.inbox import Notification, UsedLink
from pactline.notifications.models.policy import (
    EmailMode,
    Preference,
    ReminderPolicy,
    ReminderState,
    Topic,
    Watch,
)
from pactline.notifications.models.reminder import Reminder

__all__ = [
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatus",
    "EmailMode",
    "Notification",
    "OutboxCursor",
    "Preference",
    "Reminder",
    "ReminderPolicy",
    "ReminderState",
    "Subscription",
    "Topic",
    "UsedLink",
    "Watch",
]
