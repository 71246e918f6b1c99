"""Custom fields on the web: the settings pages, fields in the contract, milestone and party
forms (bad values: 422 on the field), detail pages, and old rows after a required field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pactline.contracts.models import Contract, Party
from pactline.customfields.models import CustomField
from pactline.milestones.models import Milestone
from tests.conftest import World
from tests.customfields.conftest import define
from tests.web.conftest import login, text  # noqa: F401
from tests.web.test_contracts import contract_form, edit_form

pytestmark = pytest.mark.django_db


def test_admin_defines_edits_moves_and_deletes_fields(world: World, login) -> None:  # noqa: F811
    client = login("admin")
    assert client.get(reverse("custom-field-list")).status_code == 200
    response = client.post(
        reverse("custom-field-create"),
        {
            "object_type": "contract",
            "field_type": "choice",
            "label": "Risk",
            "key": "risk",
            "choices": "low\nhigh",
            "default": "low",
        },
    )
    assert response.status_code == 302, text(response)
    risk = CustomField.objects.get(key="risk")
    assert risk.choices == ["low", "high"] and risk.default == "low"
    bad = client.post(
        reverse("custom-field-create"),
        {"object_type": "contract", "field_type": "text", "label": "X", "key": "Not a key"},
    )
    assert bad.status_code == 422 and "lower-case letter" in text(bad)
    client.post(
        reverse("custom-field-create"),
        {"object_type": "contract", "field_type": "number", "label": "Score", "key": "score"},
    )
    client.post(reverse("custom-field-move", args=[risk.pk]), {"direction": "down"})
    keys = list(CustomField.objects.order_by("position").values_list("key", flat=True))
    assert keys == ["score", "risk"]
    edit = client.post(
        reverse("custom-field-edit", args=[risk.pk]),
        {"label": "Risk level", "key": "risk_level", "choices": "low\nhigh", "version": 1},
    )
    assert edit.status_code == 302, text(edit)
    assert CustomField.objects.get(pk=risk.pk).key == "risk_level"
    assert client.post(reverse("custom-field-delete", args=[risk.pk])).status_code == 302
    assert not CustomField.objects.filter(pk=risk.pk).exists()
    assert login("manager").get(reverse("custom-field-list")).status_code == 403


def test_contract_form_fields_and_detail(world: World, login) -> None:  # noqa: F811
    define(world, key="po", label="PO number", field_type="text", regex=r"PO-\d+")
    define(world, key="budget", label="Budget", field_type="money")
    define(world, key="audited", label="Audited", field_type="boolean")
    client = login("manager")
    page = text(client.get(reverse("contract-create")))
    assert 'name="cf_po"' in page and 'name="cf_budget_0"' in page
    bad = client.post(reverse("contract-create"), contract_form(cf_po="nope"))
    assert bad.status_code == 422
    body = text(bad)
    assert "Does not match the pattern" in body[body.index('id="id_cf_po_error"') :][:300]
    good = client.post(
        reverse("contract-create"),
        contract_form(cf_po="PO-1", cf_budget_0="99.5", cf_budget_1="usd", cf_audited="true"),
    )
    assert good.status_code == 302, text(good)
    contract = Contract.objects.get(number="ACME-010")
    assert contract.custom_fields == {
        "po": "PO-1",
        "budget": {"amount": "99.50", "currency": "USD"},
        "audited": True,
    }
    detail = text(client.get(reverse("contract-detail", args=[contract.pk])))
    assert "PO number" in detail and "99.50 USD" in detail


def test_old_rows_save_after_a_required_field_is_added(
    world: World,
    login,  # noqa: F811
    contract,
) -> None:
    define(world, key="cost_centre", label="Cost centre", field_type="text", required=True)
    client = login("manager")
    response = client.post(
        reverse("contract-edit", args=[contract.pk]), edit_form(contract, title="Renamed")
    )
    assert response.status_code == 302, text(response)
    contract.refresh_from_db()
    assert contract.title == "Renamed" and contract.custom_fields == {}
    # A new contract needs it.
    new = client.post(reverse("contract-create"), contract_form())
    assert new.status_code == 422


def test_milestone_and_party_forms(world: World, login, contract) -> None:  # noqa: F811
    define(world, "milestone", key="gate", label="Gate", field_type="number", max_value="5")
    define(world, "party", key="vat", label="VAT id", field_type="text")
    client = login("manager")
    bad = client.post(
        reverse("milestone-create", args=[contract.pk]),
        {"title": "Design", "kind": "custom", "due_anchor": "absolute", "cf_gate": "9"},
    )
    assert bad.status_code == 422
    assert "Ensure this value is less than or equal to 5" in text(bad)
    ok = client.post(
        reverse("milestone-create", args=[contract.pk]),
        {
            "title": "Design",
            "kind": "custom",
            "due_anchor": "absolute",
            "due_date": "2027-03-01",
            "due_offset": "0",
            "due_unit": "calendar_days",
            "cf_gate": "4",
        },
    )
    assert ok.status_code == 302, text(ok)
    m = Milestone.objects.get(title="Design")
    assert m.custom_fields == {"gate": "4"}
    assert "Gate" in text(client.get(reverse("milestone-detail", args=[m.pk])))
    party = client.post(
        reverse("party-create"), {"name": "Initech", "kind": "vendor", "cf_vat": "DE123"}
    )
    assert party.status_code == 302, text(party)
    assert Party.objects.get(name="Initech").custom_fields == {"vat": "DE123"}


def test_guests_do_not_see_hidden_values(world: World, login) -> None:  # noqa: F811
    define(world, key="margin", label="Margin", field_type="text", hidden_from_guests=True)
    define(world, key="portal", label="Portal", field_type="url")
    from tests.factories import ContractFactory

    contract = ContractFactory(
        organisation=world.acme,
        custom_fields={"margin": "42 percent", "portal": "https://example.com"},
    )
    contract.parties.add(world.guest_party)
    page = text(login("guest").get(reverse("contract-detail", args=[contract.pk])))
    assert "https://example.com" in page
    assert "42 percent" not in page and "Margin" not in page
