"""Webhook, Slack and Teams subscriptions (admins), their deliveries and attempts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Page,
    PageParams,
    check_version,
    expected_version,
    get_or_404,
    paginate,
)
from pactline.notifications import services
from pactline.notifications.api.schemas import DeliveryOut, WebhookIn, WebhookOut, WebhookPatch
from pactline.notifications.models import Delivery, Subscription

router = Router(tags=["webhooks"])
ADMINS = "only admins manage webhooks and chat integrations"
LIST_403 = {**READ_ERRORS, 403: READ_ERRORS[401]}


def _admin(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    require(permissions.can_manage_notifications(actor), ADMINS)
    return actor


def _sub(actor: Actor, webhook_id: int) -> Subscription:
    return get_or_404(permissions.visible_subscriptions(actor), webhook_id, "webhook")


@router.get(
    "/webhooks",
    response={200: Page[WebhookOut], **LIST_403},
    url_name="webhook-list",
    summary="List webhook, Slack and Teams subscriptions (admins)",
)
def list_webhooks(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(permissions.visible_subscriptions(_admin(request)).order_by("pk"), page)


@router.post(
    "/webhooks",
    response={201: WebhookOut, **CREATE_ERRORS},
    url_name="webhook-create",
    summary="Subscribe an endpoint to events (admins)",
    description="Webhooks get a signing secret; Slack and Teams default to reminders only.",
)
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Status[Subscription]:
    actor = _admin(request)
    data = payload.model_dump(exclude_unset=True)
    data.setdefault("channel", "webhook")
    return Status(201, services.create_subscription(actor, data))


@router.get(
    "/webhooks/{webhook_id}",
    response={200: WebhookOut, **LIST_403},
    url_name="webhook-detail",
    summary="Get a subscription (admins)",
)
def get_webhook(request: HttpRequest, webhook_id: int) -> Subscription:
    return _sub(_admin(request), webhook_id)


@router.patch(
    "/webhooks/{webhook_id}",
    response={200: WebhookOut, **WRITE_ERRORS},
    url_name="webhook-update",
    summary="Change a subscription; active=true switches a disabled one on (admins)",
)
def update_webhook(request: HttpRequest, webhook_id: int, payload: WebhookPatch) -> Subscription:
    actor = _admin(request)
    sub = _sub(actor, webhook_id)
    version = expected_version(request, payload.version)
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    return services.update_subscription(actor, sub, data, version)


@router.delete(
    "/webhooks/{webhook_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="webhook-delete",
    summary="Delete a subscription and its delivery history (admins)",
)
def delete_webhook(request: HttpRequest, webhook_id: int) -> Status[None]:
    actor = _admin(request)
    sub = _sub(actor, webhook_id)
    check_version(sub, request)
    services.delete_subscription(actor, sub)
    return Status(204, None)


@router.post(
    "/webhooks/{webhook_id}/ping",
    response={202: DeliveryOut, **WRITE_ERRORS},
    url_name="webhook-ping",
    summary="Queue a test message (type subscription.pinged)",
)
def ping_webhook(request: HttpRequest, webhook_id: int) -> Status[Delivery]:
    actor = _admin(request)
    return Status(202, services.ping(actor, _sub(actor, webhook_id)))


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response={200: Page[DeliveryOut], **LIST_403},
    url_name="webhook-delivery-list",
    summary="A subscription's deliveries, newest first, each with every attempt",
)
def list_deliveries(
    request: HttpRequest, webhook_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    sub = _sub(_admin(request), webhook_id)
    rows = (
        Delivery.objects.filter(subscription=sub).prefetch_related("attempt_rows").order_by("-pk")
    )
    return paginate(rows, page)


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut, **WRITE_ERRORS},
    url_name="webhook-redeliver",
    summary="Send a delivery again (it keeps its event id and body)",
)
def redeliver(request: HttpRequest, webhook_id: int, delivery_id: int) -> Status[Delivery]:
    actor = _admin(request)
    sub = _sub(actor, webhook_id)
    delivery = get_or_404(
        Delivery.objects.filter(subscription=sub).select_related("subscription"),
        delivery_id,
        "delivery",
    )
    return Status(202, services.redeliver(actor, delivery))
