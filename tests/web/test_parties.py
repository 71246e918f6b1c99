"""Parties and their contacts: list, create, edit, delete, party page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pactline.contracts import services
from pactline.contracts.models import Contact, Party
from tests.factories import PartyFactory
from tests.web.conftest import text


@pytest.fixture
def globex(world):
    return PartyFactory(
        organisation=world.acme, name="Globex", kind="vendor", registration_number="HRB 123"
    )


@pytest.fixture
def contact(globex):
    return Contact.objects.create(
        party=globex, name="Gina Lopez", email="gina@globex.test", role="Project lead"
    )


def party_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Initech",
        "kind": "client",
        "registration_number": "",
        "website": "https://initech.test",
        "address": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_party_list_and_search(login, globex, contract, world):
    contract.parties.add(globex)
    PartyFactory(organisation=world.acme, name="Initech")
    PartyFactory(organisation=world.rival, name="Rival Supplies")
    client = login("viewer")
    body = text(client.get(reverse("party-list")))
    assert "Globex" in body and "Initech" in body and "Rival Supplies" not in body
    assert "New party" not in body
    searched = text(client.get(reverse("party-list"), {"q": "HRB"}))
    assert "Globex" in searched and "Initech" not in searched


def test_create_party(login):
    client = login("manager")
    assert client.get(reverse("party-create")).status_code == 200
    response = client.post(reverse("party-create"), party_form())
    assert response.status_code == 302
    party = Party.objects.get(name="Initech")
    assert response["Location"] == reverse("party-detail", args=[party.pk])
    assert "Party Initech created." in text(client.get(response["Location"]))


def test_party_validation_errors(login, globex):
    client = login("manager")
    response = client.post(reverse("party-create"), party_form(name="Globex"))
    assert response.status_code == 422
    assert "already exists" in text(response)
    response = client.post(reverse("party-create"), party_form(website="ftp://x"))
    assert response.status_code == 422
    body = text(response)
    assert "Must start with http" in body[body.index('id="id_website_error"') :][:300]


def test_edit_party_and_conflict(login, globex, manager):
    client = login("manager")
    url = reverse("party-edit", args=[globex.pk])
    data = party_form(name="Globex Corp", version=globex.version)
    response = client.post(url, data)
    assert response.status_code == 302
    globex.refresh_from_db()
    assert globex.name == "Globex Corp" and globex.version == 2
    response = client.post(url, party_form(name="Globex Ltd", version=1))
    assert response.status_code == 409
    assert "changed by someone else" in text(response)


def test_delete_party(login, globex, contract, world):
    contract.parties.add(globex)
    client = login("manager")
    response = client.post(reverse("party-delete", args=[globex.pk]))
    assert response.status_code == 422
    assert "is named on contracts" in text(response)
    spare = PartyFactory(organisation=world.acme, name="Spare")
    assert client.get(reverse("party-delete", args=[spare.pk])).status_code == 200
    assert client.post(reverse("party-delete", args=[spare.pk])).status_code == 302
    assert not Party.objects.filter(pk=spare.pk).exists()


def test_party_page_lists_contacts_and_contracts(login, globex, contact, contract):
    contract.parties.add(globex)
    body = text(login("viewer").get(reverse("party-detail", args=[globex.pk])))
    assert "Gina Lopez" in body and "mailto:gina@globex.test" in body
    assert "ACME-001" in body
    assert "Add contact" not in body and "Edit party" not in body
    body = text(login("manager").get(reverse("party-detail", args=[globex.pk])))
    assert "Add contact" in body and "Edit party" in body


def test_contacts_crud(login, globex):
    client = login("manager")
    url = reverse("contact-create", args=[globex.pk])
    bad = client.post(url, {"name": "Hank", "email": "not-an-email"})
    assert bad.status_code == 422
    assert "Enter a valid email address" in text(bad)
    response = client.post(url, {"name": "Hank", "email": "hank@globex.test", "role": "CFO"})
    assert response.status_code == 302
    hank = Contact.objects.get(name="Hank")
    response = client.post(
        reverse("contact-edit", args=[hank.pk]),
        {"name": "Hank Scorpio", "email": "hank@globex.test", "phone": "+1"},
    )
    assert response.status_code == 302
    hank.refresh_from_db()
    assert hank.name == "Hank Scorpio" and hank.phone == "+1"
    assert client.post(reverse("contact-delete", args=[hank.pk])).status_code == 302
    assert not Contact.objects.filter(pk=hank.pk).exists()
    history = text(client.get(reverse("party-detail", args=[globex.pk])))
    assert "Contact Hank added to Globex" in history


def test_viewers_and_members_may_not_change_parties(login, globex, contact):
    for role in ("viewer", "member"):
        client = login(role)
        assert client.get(reverse("party-create")).status_code == 403
        assert client.post(reverse("party-create"), party_form()).status_code == 403
        assert (
            client.post(reverse("party-edit", args=[globex.pk]), party_form(name="X")).status_code
            == 403
        )
        assert client.post(reverse("party-delete", args=[globex.pk])).status_code == 403
        assert (
            client.post(reverse("contact-create", args=[globex.pk]), {"name": "Y"}).status_code
            == 403
        )
        assert (
            client.post(reverse("contact-edit", args=[contact.pk]), {"name": "Y"}).status_code
            == 403
        )
        assert client.post(reverse("contact-delete", args=[contact.pk])).status_code == 403
    assert Party.objects.filter(name="Globex").exists()
    assert Contact.objects.filter(name="Gina Lopez").exists()


def test_another_organisations_parties_are_404(login, globex, contact):
    client = login("outsider")
    for name, pk in (
        ("party-detail", globex.pk),
        ("party-edit", globex.pk),
        ("party-delete", globex.pk),
        ("contact-create", globex.pk),
        ("contact-edit", contact.pk),
        ("contact-delete", contact.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.post(reverse("contact-delete", args=[contact.pk])).status_code == 404


def test_contact_update_goes_through_services(login, globex, contact, manager):
    services.update_contact(manager, contact, {"role": "Sponsor"})
    body = text(login("viewer").get(reverse("party-detail", args=[globex.pk])))
    assert "Sponsor" in body
