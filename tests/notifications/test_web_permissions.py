"""The permission matrix of the notifications pages: every URL, method and role.

A meta-test fails when a page of pactline.notifications.urls has no row in api_tables.WEB.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from pactline.notifications import links, mailbox
from pactline.notifications.channels.email.backend import EmlFileBackend
from pactline.notifications.models import Delivery, Notification, Subscription
from pactline.notifications.urls import urlpatterns
from tests.conftest import ROLES, World
from tests.factories import MilestoneFactory
from tests.notifications.api_tables import WEB

pytestmark = pytest.mark.django_db
RANK = {role: i for i, role in enumerate(("viewer", "member", "manager", "admin", "owner"))}


def test_every_page_has_a_row() -> None:
    names = {p.name for p in urlpatterns}
    assert names == set(WEB)


@pytest.fixture
def objects(world: World, contract, clock, settings) -> dict[str, Any]:
    milestone = MilestoneFactory(contract=contract, owner=world.user("member"))
    sub = Subscription.objects.create(
        organisation=world.acme, name="Hook", url="http://127.0.0.1:9/", secret="s"
    )
    delivery = Delivery.objects.create(
        organisation=world.acme, key="k", channel="webhook", subscription=sub, status="failed"
    )
    mail = EmailMessage("Hello", "Body", to=["mike@acme.test"])
    mail.extra_headers["X-Pactline-Organisation"] = str(world.acme.pk)
    EmlFileBackend().send_messages([mail])
    notes = {
        role: Notification.objects.create(
            organisation=world.rival if role == "outsider" else world.acme,
            user=world.user(role),
            topic="x",
            title="t",
        ).pk
        for role in (*ROLES, "outsider")
    }
    token = links.make_url(world.user("member").pk, world.acme.pk, milestone.pk, "snooze", 3)
    return {
        "contract": contract.pk,
        "milestone": milestone.pk,
        "subscription": sub.pk,
        "delivery": delivery.pk,
        "mail": mailbox.listing(world.acme.pk)[0].name,
        "notes": notes,
        "link": token.rstrip("/").rsplit("/", 1)[1],
    }


def url_of(name: str, objects: dict[str, Any], role: str) -> str:
    kind = WEB[name][1]
    if kind is None:
        return reverse(name)
    if kind == "notification":
        mine = objects["notes"]["member" if role in ("outsider", "anonymous") else role]
        return reverse(name, args=[mine])
    return reverse(name, args=[objects[kind]])


CASES = [
    (name, method, role)
    for name, (rules, _) in WEB.items()
    if rules != "public"
    for method in rules  # type: ignore[union-attr]
    for role in ("anonymous", *RANK, "outsider")
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_permission(name: str, method: str, role: str, world: World, objects) -> None:
    rules, kind = WEB[name]
    least = rules[method]  # type: ignore[index]
    client = Client()
    if role != "anonymous":
        client.force_login(world.user(role))
    response = getattr(client, method)(url_of(name, objects, role))
    status, location = response.status_code, response.get("Location", "")
    if role == "anonymous":
        assert status == 302 and location.startswith(reverse("login")), status
    elif role == "outsider":
        if kind is None:
            return  # a collection: the outsider sees their own organisation's
        assert status == 404, status
    elif RANK[role] >= RANK[least]:
        assert status in (200, 302, 409, 422), status
        assert not location.startswith(reverse("login"))
    else:
        assert status == 403, status


@pytest.mark.parametrize(
    "name", [n for n, (r, _) in WEB.items() if r != "public" and "get" not in r]
)
def test_post_only_pages_refuse_get(name: str, world: World, objects) -> None:
    client = Client()
    client.force_login(world.user("owner"))
    assert client.get(url_of(name, objects, "owner")).status_code == 405


def test_the_link_page_needs_no_sign_in(objects) -> None:
    page = Client().get(reverse("link-action", args=[objects["link"]]))
    assert page.status_code == 200
