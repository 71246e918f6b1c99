"""Contract and party operations through the services."""

from datetime import date
from decimal import Decimal

import pytest

from pactline.activity.models import Event
from pactline.contracts import services
from pactline.contracts.models import Contract
from pactline.errors import Conflict, Forbidden, ValidationFailed


def test_create_contract_records_an_event_with_the_values(manager):
    party = services.create_party(manager, {"name": "Contoso", "kind": "vendor"})
    contract = services.create_contract(
        manager,
        {
            "number": "C-1",
            "title": "Warehouse",
            "value": "1250000.50",
            "currency": "usd",
            "party_ids": [party.pk],
            "tags": ["construction", " construction ", "phase 1"],
        },
    )
    assert contract.value == Decimal("1250000.50") and contract.currency == "USD"
    assert sorted(contract.tags.values_list("name", flat=True)) == ["construction", "phase 1"]
    assert contract.owner == manager.user
    event = Event.objects.get(subject_type="contract", subject_id=contract.pk)
    assert event.verb == "created" and event.actor == manager.user
    assert event.changes["number"] == {"before": None, "after": "C-1"}


def test_contract_number_is_unique_within_the_organisation_only(manager, outsider):
    services.create_contract(manager, {"number": "C-1", "title": "A"})
    with pytest.raises(ValidationFailed) as err:
        services.create_contract(manager, {"number": "C-1", "title": "B"})
    assert "already used" in err.value.errors["number"][0]
    services.create_contract(outsider, {"number": "C-1", "title": "Theirs"})
    assert Contract.objects.filter(number="C-1").count() == 2


def test_bad_values_are_named(manager):
    with pytest.raises(ValidationFailed) as err:
        services.create_contract(
            manager,
            {
                "number": "",
                "title": "X",
                "currency": "EURO",
                "time_zone": "Mars/Olympus",
                "value": Decimal("-1"),
                "start_on": date(2027, 5, 1),
                "end_on": date(2027, 4, 1),
                "calendar_country": "ZZ",
            },
        )
    assert set(err.value.errors) == {
        "number",
        "currency",
        "time_zone",
        "value",
        "end_on",
        "calendar_country",
    }
    assert not Contract.objects.exists()


def test_parties_of_another_organisation_cannot_be_attached(manager, outsider):
    theirs = services.create_party(outsider, {"name": "Secret supplier"})
    with pytest.raises(ValidationFailed) as err:
        services.create_contract(manager, {"number": "C-9", "title": "X", "party_ids": [theirs.pk]})
    assert "party_ids" in err.value.errors


def test_roles(member, viewer, manager):
    for actor in (member, viewer):
        with pytest.raises(Forbidden):
            services.create_contract(actor, {"number": "C-1", "title": "X"})
    contract = services.create_contract(manager, {"number": "C-1", "title": "X"})
    with pytest.raises(Forbidden):
        services.delete_contract(manager, contract)


def test_close_and_conflict(manager):
    contract = services.create_contract(manager, {"number": "C-1", "title": "X"})
    services.close_contract(manager, contract, "completed", 1)
    with pytest.raises(Conflict):
        services.update_contract(manager, contract, {"title": "Y"}, 1)
    contract.refresh_from_db()
    assert (contract.status, contract.title, contract.version) == ("completed", "X", 2)
    with pytest.raises(ValidationFailed):
        services.close_contract(manager, contract, "active", 2)


def test_party_with_contracts_cannot_be_deleted(manager):
    party = services.create_party(manager, {"name": "Contoso"})
    services.create_contract(manager, {"number": "C-1", "title": "X", "party_ids": [party.pk]})
    with pytest.raises(ValidationFailed):
        services.delete_party(manager, party)
    contact = services.add_contact(manager, party, {"name": "Carl", "email": "carl@contoso.test"})
    with pytest.raises(ValidationFailed) as err:
        services.update_contact(manager, contact, {"email": "not-an-address"})
    assert "email" in err.value.errors
