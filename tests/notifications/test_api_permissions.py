"""Every route of the notifications API, for every role; outsiders get 404 and change nothing.

The tables live in api_tables.py; a meta-test fails when a route is missing from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from pactline.activity.models import Event
from pactline.api import api
from pactline.notifications.models import (
    Delivery,
    Notification,
    ReminderPolicy,
    Subscription,
    Watch,
)
from tests.api.conftest import ApiClient, url
from tests.conftest import ROLES, World
from tests.factories import MilestoneFactory
from tests.notifications.api_tables import OBJECT_ROUTES, ROUTES

pytestmark = pytest.mark.django_db
RANK = {role: i for i, role in enumerate(("viewer", "member", "manager", "admin", "owner"))}


@dataclass
class Things:
    contract: int
    milestone: int
    webhook: int
    delivery: int
    notes: dict[str, int]
    watches: dict[str, int]


@pytest.fixture
def things(world: World, contract, clock) -> Things:
    milestone = MilestoneFactory(contract=contract, owner=world.user("member"))
    sub = Subscription.objects.create(
        organisation=world.acme, name="Hook", url="http://127.0.0.1:9/", secret="s"
    )
    delivery = Delivery.objects.create(
        organisation=world.acme, key="k", channel="webhook", subscription=sub, status="failed"
    )
    ReminderPolicy.objects.create(organisation=world.acme, contract=contract)
    ReminderPolicy.objects.create(organisation=world.acme, contract=contract, milestone=milestone)
    notes, watches = {}, {}
    for role in (*ROLES, "outsider"):
        org = world.rival if role == "outsider" else world.acme
        user = world.user(role)
        notes[role] = Notification.objects.create(
            organisation=org, user=user, topic="x", title="t"
        ).pk
        if role != "outsider":
            watches[role] = Watch.objects.create(organisation=org, user=user, contract=contract).pk
    return Things(contract.pk, milestone.pk, sub.pk, delivery.pk, notes, watches)


def kwargs_for(name: str, t: Things, role: str) -> dict[str, int]:
    if name == "notification-read":
        return {"notification_id": t.notes[role if role != "outsider" else "member"]}
    if name == "watch-delete":
        return {"watch_id": t.watches.get(role, t.watches["member"])}
    if name.startswith("contract-"):
        return {"contract_id": t.contract}
    if name.startswith("milestone-"):
        return {"milestone_id": t.milestone}
    if name == "webhook-redeliver":
        return {"webhook_id": t.webhook, "delivery_id": t.delivery}
    if name.startswith("webhook-") and name not in ("webhook-list", "webhook-create"):
        return {"webhook_id": t.webhook}
    return {}


def call(client: ApiClient, name: str, t: Things, kwargs: dict[str, int]) -> Any:
    method, _, body = ROUTES[name]
    target = url(name, **kwargs)
    if body == "watch":
        body = {"milestone_id": t.milestone}
    if method == "get":
        return client.get(target)
    if method == "delete":
        return client.delete(target)
    return client._send(method, target, body if body is not None else {})


def api_operations() -> list[tuple[str, str, str]]:
    """The operations whose handlers live in pactline.notifications."""
    api.urls  # noqa: B018 (binds nested routers)
    return [
        (op.url_name, path, method)
        for _prefix, router in api._routers
        for path, view in router.path_operations.items()
        for op in view.operations
        for method in op.methods
        if op.view_func.__module__.startswith("pactline.notifications")
    ]


def test_every_route_of_this_app_is_in_the_table() -> None:
    found = api_operations()
    assert len(found) >= len(ROUTES)
    for url_name, path, method in found:
        assert url_name in ROUTES, f"{method} {path} ({url_name}) has no permission row"
        assert ROUTES[url_name][0] == method.lower(), url_name
        assert (url_name in OBJECT_ROUTES) == ("{" in path), url_name


@pytest.mark.parametrize("role", list(RANK))
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_roles(api_as, things: Things, name: str, role: str) -> None:
    response = call(api_as(role), name, things, kwargs_for(name, things, role))
    if RANK[role] >= RANK[ROUTES[name][1]]:
        assert response.status_code in (200, 201, 202, 204), (name, role, response.content)
    else:
        assert response.status_code == 403, (name, role, response.content)


def snapshot() -> tuple[Any, ...]:
    return (
        list(Subscription.objects.values_list("pk", "name", "active", "version")),
        list(Notification.objects.values_list("pk", "read_at")),
        list(Watch.objects.values_list("pk")),
        list(ReminderPolicy.objects.values_list("pk", "version", "send_hour")),
        list(Delivery.objects.values_list("pk", "status")),
        Event.objects.count(),
    )


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
def test_outsider_gets_404_and_changes_nothing(api_as, things: Things, name: str) -> None:
    before = snapshot()
    response = call(api_as("outsider"), name, things, kwargs_for(name, things, "outsider"))
    assert response.status_code == 404, (name, response.content)
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
def test_unknown_ids_are_404(api_as, things: Things, name: str) -> None:
    missing = {key: 10**12 for key in kwargs_for(name, things, "owner")}
    assert call(api_as("owner"), name, things, missing).status_code == 404, name


def test_lists_show_only_your_own(api_as, things: Things) -> None:
    mine = api_as("member").get(url("notification-list")).json()
    assert [n["id"] for n in mine["items"]] == [things.notes["member"]]
    assert api_as("outsider").get(url("webhook-list")).json()["count"] == 0
    assert api_as("member").get(url("watch-list")).json()["count"] == 1
