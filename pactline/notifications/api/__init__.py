"""REST API of reminders and notifications; pactline.api mounts `notifications` under /v1/."""

from ninja import Router

from pactline.notifications.api import inbox, people, policies, webhooks

notifications = Router()
for child in (inbox.router, policies.router, webhooks.router, people.router):
    notifications.add_router("", child)

__all__ = ["notifications"]
