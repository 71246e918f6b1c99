"""Restricted contracts exist only for their named members and the admins and owners: lists,
search, lookups, milestones, events, exports, feeds and the API all agree."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pactline.accounts import permissions
from pactline.activity.queries import events_for
from pactline.contracts import services
from pactline.contracts.models import Contract
from pactline.errors import Forbidden
from tests.api.conftest import ApiClient, make_token, url
from tests.conftest import World
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(world: World, manager) -> Contract:
    """ACME-SECRET, restricted by maria (manager), who is named on it by restricting it."""
    contract = services.create_contract(
        manager, {"number": "ACME-SECRET", "title": "Merger advice"}
    )
    MilestoneFactory(contract=contract, title="Due diligence")
    return services.update_contract(manager, contract, {"restricted": True}, None)


def web(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


def test_restricting_names_the_manager_who_restricts(secret: Contract, world: World) -> None:
    assert list(secret.members.values_list("user__email", flat=True)) == ["maria@acme.test"]


@pytest.mark.parametrize(
    ("role", "sees"),
    [("owner", True), ("admin", True), ("manager", True), ("member", False), ("viewer", False)],
)
def test_who_sees_a_restricted_contract(secret: Contract, world: World, role: str, sees) -> None:
    actor = world.actor(role)
    assert permissions.visible_contracts(actor).filter(pk=secret.pk).exists() is sees
    assert permissions.visible_milestones(actor).filter(contract=secret).exists() is sees
    assert events_for(actor).filter(contract_id=secret.pk).exists() is sees
    client = web(world, role)
    page = client.get(reverse("contract-detail", args=[secret.pk]))
    assert page.status_code == (200 if sees else 404)
    listed = client.get(reverse("contract-list"), {"q": "Merger"})
    assert ("ACME-SECRET" in listed.content.decode()) is sees


def test_a_named_member_sees_it_and_loses_it_when_removed(
    secret: Contract, world: World, manager
) -> None:
    member = world.actor("member")
    services.add_contract_member(manager, secret, world.user("member").pk)
    assert permissions.visible_contracts(member).filter(pk=secret.pk).exists()
    services.remove_contract_member(manager, secret, world.user("member").pk)
    assert not permissions.visible_contracts(member).filter(pk=secret.pk).exists()


def test_only_managers_name_members(secret: Contract, world: World) -> None:
    admin = world.actor("admin")
    services.add_contract_member(admin, secret, world.user("member").pk)
    with pytest.raises(Forbidden):
        services.remove_contract_member(world.actor("member"), secret, world.user("member").pk)


def test_api_and_exports_do_not_show_it(secret: Contract, world: World, contract) -> None:
    client = ApiClient(make_token(world.user("member"), world.acme))
    assert client.get(url("contract-detail", contract_id=secret.pk)).status_code == 404
    assert client.get(url("contract-list"), {"q": "SECRET"}).json()["count"] == 0
    milestones = client.get(url("milestone-list")).json()["items"]
    assert all(m["contract_id"] != secret.pk for m in milestones)
    assert client.get(url("event-list"), {"contract_id": secret.pk}).json()["count"] == 0
    export = web(world, "member").get(reverse("contract-export"), {"format": "csv"})
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert b"ACME-001" in body and b"ACME-SECRET" not in body


def test_the_number_stays_taken(secret: Contract, world: World, manager) -> None:
    """A manager not named on it cannot create a second ACME-SECRET (the number is unique)."""
    services.remove_contract_member(manager, secret, world.user("manager").pk)
    from pactline.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.create_contract(manager, {"number": "ACME-SECRET", "title": "Again"})


def test_restricted_contract_pages_for_members(secret: Contract, world: World) -> None:
    owner = web(world, "owner")
    page = owner.get(reverse("contract-detail", args=[secret.pk])).content.decode()
    assert "Restricted" in page and "maria@acme.test" in page
    response = owner.post(
        reverse("contract-member-add", args=[secret.pk]), {"user": world.user("viewer").pk}
    )
    assert response.status_code == 302
    assert web(world, "viewer").get(reverse("contract-detail", args=[secret.pk])).status_code == 200
    response = owner.post(
        reverse("contract-access", args=[secret.pk]), {"restricted": "0", "version": ""}
    )
    assert response.status_code == 302
    assert web(world, "member").get(reverse("contract-detail", args=[secret.pk])).status_code == 200


def test_a_deleted_restricted_contracts_history_stays_restricted(
    secret: Contract, world: World, manager
) -> None:
    """Its events keep the contract id; once it is gone they stay hidden from the people who
    were not named on it (feed, API, export), and stay visible to those who were."""
    gone = secret.pk
    services.delete_contract(world.actor("admin"), secret)
    for role, sees in (("member", False), ("viewer", False), ("manager", True), ("admin", True)):
        actor = world.actor(role)
        assert events_for(actor).filter(contract_id=gone).exists() is sees, role
    client = ApiClient(make_token(world.user("member"), world.acme))
    events = client.get(url("event-list"), {"limit": 200}).json()["items"]
    assert not any("ACME-SECRET" in (e["summary"] or "") for e in events)
    feed = web(world, "member").get(reverse("activity-feed")).content.decode()
    assert "ACME-SECRET" not in feed and "Merger advice" not in feed
    named = ApiClient(make_token(world.user("manager"), world.acme))
    events = named.get(url("event-list"), {"limit": 200}).json()["items"]
    assert any(e["summary"] == "Contract ACME-SECRET deleted" for e in events)
