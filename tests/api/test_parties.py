"""Parties and their contacts over the API."""

from __future__ import annotations

import pytest

from pactline.contracts.models import Contact, Contract, Party
from tests.api.conftest import ApiClient, url
from tests.conftest import World
from tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def test_party_lifecycle(as_manager: ApiClient) -> None:
    response = as_manager.post(
        url("party-create"), {"name": "Initech", "kind": "vendor", "website": "https://ini.tech"}
    )
    assert response.status_code == 201, response.json()
    party = response.json()
    assert (party["name"], party["kind"], party["version"]) == ("Initech", "vendor", 1)

    listed = as_manager.get(url("party-list"), {"q": "init"}).json()
    assert [p["name"] for p in listed["items"]] == ["Initech"]

    response = as_manager.patch(
        url("party-update", party_id=party["id"]), {"notes": "good payer", "version": 1}
    )
    assert response.status_code == 200
    assert (response.json()["notes"], response.json()["version"]) == ("good payer", 2)

    stale = as_manager.patch(
        url("party-update", party_id=party["id"]), {"notes": "x", "version": 1}
    )
    assert stale.status_code == 409
    assert Party.objects.get(pk=party["id"]).notes == "good payer"

    assert as_manager.delete(url("party-delete", party_id=party["id"])).status_code == 204
    assert as_manager.get(url("party-detail", party_id=party["id"])).status_code == 404


def test_party_list_filters_by_kind(as_viewer: ApiClient, world: World) -> None:
    PartyFactory(organisation=world.acme, name="Client Co", kind="client")
    PartyFactory(organisation=world.acme, name="Vendor Co", kind="vendor")
    PartyFactory(organisation=world.rival, name="Rival Co", kind="vendor")
    response = as_viewer.get(url("party-list"), {"kind": "vendor"})
    assert [p["name"] for p in response.json()["items"]] == ["Vendor Co"]
    assert response.json()["count"] == 1


def test_party_validation_names_fields(as_manager: ApiClient, world: World) -> None:
    PartyFactory(organisation=world.acme, name="Taken")
    response = as_manager.post(
        url("party-create"), {"name": "Taken", "website": "ftp://x", "kind": "client"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "website"}
    response = as_manager.post(url("party-create"), {"name": "X", "kind": "friend"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["kind"]


def test_party_named_on_a_contract_cannot_be_deleted(
    as_manager: ApiClient, contract: Contract, world: World
) -> None:
    party = PartyFactory(organisation=world.acme)
    contract.parties.add(party)
    response = as_manager.delete(url("party-delete", party_id=party.pk))
    assert response.status_code == 422
    assert Party.objects.filter(pk=party.pk).exists()


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_only_managers_manage_parties(api_as, world: World, role: str) -> None:
    party = PartyFactory(organisation=world.acme)
    client = api_as(role)
    assert client.post(url("party-create"), {"name": "No"}).status_code == 403
    assert client.patch(url("party-update", party_id=party.pk), {"name": "No"}).status_code == 403
    assert client.delete(url("party-delete", party_id=party.pk)).status_code == 403
    create_contact = url("contact-create", party_id=party.pk)
    assert client.post(create_contact, {"name": "No"}).status_code == 403
    assert client.get(url("party-detail", party_id=party.pk)).status_code == 200


def test_contacts(as_manager: ApiClient, world: World) -> None:
    party = PartyFactory(organisation=world.acme)
    base = url("contact-create", party_id=party.pk)
    response = as_manager.post(base, {"name": "Peter", "email": "peter@initech.test"})
    assert response.status_code == 201, response.json()
    contact = response.json()
    assert contact["party_id"] == party.pk

    listed = as_manager.get(url("contact-list", party_id=party.pk)).json()
    assert [c["name"] for c in listed["items"]] == ["Peter"]

    target = {"party_id": party.pk, "contact_id": contact["id"]}
    response = as_manager.patch(url("contact-update", **target), {"role": "PM"})
    assert response.status_code == 200
    assert response.json()["role"] == "PM"
    bad = as_manager.patch(url("contact-update", **target), {"email": "not-mail"})
    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["email"]

    assert as_manager.get(url("contact-detail", **target)).json()["role"] == "PM"
    assert as_manager.delete(url("contact-delete", **target)).status_code == 204
    assert not Contact.objects.exists()


def test_a_contact_is_found_only_under_its_own_party(as_manager: ApiClient, world: World) -> None:
    one, two = PartyFactory(organisation=world.acme), PartyFactory(organisation=world.acme)
    contact = Contact.objects.create(party=one, name="Joanna")
    response = as_manager.get(url("contact-detail", party_id=two.pk, contact_id=contact.pk))
    assert response.status_code == 404
