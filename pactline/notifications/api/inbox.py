"""The notification inbox of the person calling."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from pactline.accounts import permissions
from pactline.api_auth import actor_of
from pactline.api_common import (
    LIST_ERRORS,
    WRITE_ERRORS,
    Page,
    PageParams,
    get_or_404,
    paginate,
)
from pactline.notifications import services
from pactline.notifications.api.schemas import CountOut, NotificationFilter, NotificationOut
from pactline.notifications.models import Notification

router = Router(tags=["notifications"])


@router.get(
    "/notifications",
    response={200: Page[NotificationOut], **LIST_ERRORS},
    url_name="notification-list",
    summary="List your notifications, newest first",
)
def list_notifications(
    request: HttpRequest, filters: Query[NotificationFilter], page: Query[PageParams]
) -> dict[str, Any]:
    items = permissions.own_notifications(actor_of(request))
    if filters.unread is True:
        items = items.filter(read_at__isnull=True)
    elif filters.unread is False:
        items = items.filter(read_at__isnull=False)
    return paginate(items, page)


@router.get(
    "/notifications/unread-count",
    response={200: CountOut, **LIST_ERRORS},
    url_name="notification-unread-count",
    summary="How many of your notifications are unread",
)
def unread_count(request: HttpRequest) -> dict[str, int]:
    qs = permissions.own_notifications(actor_of(request)).filter(read_at__isnull=True)
    return {"count": qs.count()}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **WRITE_ERRORS},
    url_name="notification-read",
    summary="Mark one notification read",
)
def read(request: HttpRequest, notification_id: int) -> Notification:
    actor = actor_of(request)
    item = get_or_404(permissions.own_notifications(actor), notification_id, "notification")
    return services.mark_read(actor, item)


@router.post(
    "/notifications/read-all",
    response={200: CountOut, **WRITE_ERRORS},
    url_name="notification-read-all",
    summary="Mark all your notifications read",
)
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"count": services.mark_all_read(actor_of(request))}
