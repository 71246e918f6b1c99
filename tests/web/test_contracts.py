"""Creating, editing, closing and deleting contracts; the contract page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pactline.activity.models import Event
from pactline.contracts import services
from pactline.contracts.models import Contract
from pactline.milestones.models import ChecklistItem, Milestone
from tests.factories import MilestoneFactory, PartyFactory
from tests.web.conftest import text


@pytest.fixture
def globex(world):
    return PartyFactory(organisation=world.acme, name="Globex")


def contract_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "number": "ACME-010",
        "title": "Payments platform",
        "owner": "",
        "value": "200000",
        "currency": "eur",
        "signed_on": "2027-01-20",
        "start_on": "2027-02-01",
        "end_on": "2027-12-31",
        "time_zone": "Europe/London",
        "calendar_country": "GB",
        "calendar_subdivision": "ENG",
        "status": "active",
        "tags": "it, priority, it",
        "description": "Line one\r\nLine two",
        "template": "",
        "workweek": ["0", "1", "2", "3", "4"],
    }
    data.update(overrides)
    return data


def edit_form(contract: Contract, **overrides: object) -> dict[str, object]:
    data = contract_form(
        number=contract.number,
        title=contract.title,
        value=str(contract.value),
        currency=contract.currency,
        start_on=contract.start_on.isoformat(),
        end_on=contract.end_on.isoformat(),
        signed_on="",
        calendar_country="",
        calendar_subdivision="",
        tags="",
        description="",
        status=contract.status,
        time_zone=contract.time_zone,
        version=contract.version,
    )
    del data["template"]
    data.update(overrides)
    return data


def test_new_contract_form_offers_the_builtin_template(login, standard_template):
    response = login("manager").get(reverse("contract-create"))
    body = text(response)
    assert response.status_code == 200
    assert "Standard delivery project" in body
    assert f'<option value="{standard_template.pk}" selected>' in body
    assert 'type="date"' in body and 'name="signed_on"' in body
    assert '<option value="Europe/London" selected>' in body


def test_create_contract_from_the_builtin_template(
    login, world, globex, standard_template, frozen_today
):
    data = contract_form(
        parties=[globex.pk], owner=world.user("manager").pk, template=standard_template.pk
    )
    client = login("manager")
    response = client.post(reverse("contract-create"), data)
    assert response.status_code == 302
    contract = Contract.objects.get(number="ACME-010")
    assert response["Location"] == reverse("contract-detail", args=[contract.pk])
    assert contract.organisation == world.acme
    assert contract.currency == "EUR"
    assert contract.description == "Line one\nLine two"
    assert sorted(contract.tags.values_list("name", flat=True)) == ["it", "priority"]
    assert list(contract.parties.all()) == [globex]
    milestones = list(contract.milestones.order_by("position"))
    assert len(milestones) == 6
    assert milestones[0].title == "Project initiation"
    assert milestones[0].payment_amount == Decimal("20000.00")
    assert all(m.due_date is not None for m in milestones)
    assert ChecklistItem.objects.filter(milestone__contract=contract).count() == 18
    page = client.get(response["Location"])
    assert "Contract ACME-010 created." in text(page)
    assert "Deployment and go-live" in text(page)


def test_create_contract_without_template_has_no_milestones(login):
    response = login("manager").post(reverse("contract-create"), contract_form())
    assert response.status_code == 302
    assert Milestone.objects.filter(contract__number="ACME-010").count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_on": "2027-01-01"}, "end_on", "Must not be before the start date"),
        ({"currency": "XYZ"}, "currency", "is not an ISO 4217 currency code"),
        ({"calendar_subdivision": "ZZ"}, "calendar_subdivision", "is not a subdivision of GB"),
        ({"number": "ACME-001"}, "number", "is already used"),
        ({"title": ""}, "title", "This field is required"),
        ({"value": "-5"}, "value", "greater than or equal to 0"),
    ],
)
def test_validation_errors_render_on_the_field_with_422(login, contract, overrides, field, message):
    response = login("manager").post(reverse("contract-create"), contract_form(**overrides))
    assert response.status_code == 422
    body = text(response)
    error_list = body[body.index(f'id="id_{field}_error"') :]
    assert message in error_list[:400]
    assert 'aria-invalid="true"' in body
    assert not Contract.objects.filter(number="ACME-010").exists()


def test_edit_contract(login, contract):
    response = login("manager").post(
        reverse("contract-edit", args=[contract.pk]),
        edit_form(contract, title="Billing platform v2", tags="finance"),
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "Billing platform v2"
    assert contract.version == 2
    assert list(contract.tags.values_list("name", flat=True)) == ["finance"]
    assert Event.objects.filter(contract_id=contract.pk, verb="updated").exists()


def test_saving_an_unchanged_form_records_nothing(login, contract):
    response = login("manager").post(
        reverse("contract-edit", args=[contract.pk]), edit_form(contract)
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.version == 1
    assert not Event.objects.filter(contract_id=contract.pk).exists()


def test_edit_with_a_stale_version_is_a_conflict(login, contract, manager):
    client = login("manager")
    form = edit_form(contract, title="My change")
    services.update_contract(manager, contract, {"title": "Their change"}, expected_version=1)
    response = client.post(reverse("contract-edit", args=[contract.pk]), form)
    assert response.status_code == 409
    assert "changed by someone else" in text(response)
    contract.refresh_from_db()
    assert contract.title == "Their change"


def test_close_contract(login, contract):
    response = login("manager").post(
        reverse("contract-close", args=[contract.pk]),
        {"status": "completed", "version": contract.version},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == "completed"
    assert Event.objects.filter(contract_id=contract.pk, verb="status_changed").exists()


def test_close_with_stale_version_is_409(login, contract, manager):
    services.update_contract(manager, contract, {"title": "Changed"}, expected_version=1)
    response = login("manager").post(
        reverse("contract-close", args=[contract.pk]), {"status": "terminated", "version": 1}
    )
    assert response.status_code == 409
    assert "changed by someone else" in text(response)


def test_close_requires_get_to_be_refused(login, contract):
    assert login("manager").get(reverse("contract-close", args=[contract.pk])).status_code == 405


def test_only_admins_delete_contracts(login, contract):
    url = reverse("contract-delete", args=[contract.pk])
    assert login("manager").post(url).status_code == 403
    assert login("admin").get(url).status_code == 200
    response = login("admin").post(url)
    assert response.status_code == 302
    assert not Contract.objects.filter(pk=contract.pk).exists()


def test_buttons_follow_the_role(login, contract):
    url = reverse("contract-detail", args=[contract.pk])
    viewer = text(login("viewer").get(url))
    assert "Edit contract" not in viewer and "Add milestone" not in viewer
    assert "Close contract" not in viewer and "Apply template" not in viewer
    manager = text(login("manager").get(url))
    assert "Edit contract" in manager and "Add milestone" in manager
    assert "Close contract" in manager and "Apply template" in manager
    assert reverse("contract-delete", args=[contract.pk]) not in manager
    assert reverse("contract-delete", args=[contract.pk]) in text(login("admin").get(url))


def test_viewer_and_member_may_not_create_or_edit(login, contract):
    for role in ("viewer", "member"):
        client = login(role)
        assert client.get(reverse("contract-create")).status_code == 403
        assert client.post(reverse("contract-create"), contract_form()).status_code == 403
        assert (
            client.post(
                reverse("contract-edit", args=[contract.pk]), edit_form(contract, title="Hacked")
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("contract-close", args=[contract.pk]), {"status": "completed"}
            ).status_code
            == 403
        )
    contract.refresh_from_db()
    assert contract.title == "Billing platform"
    assert contract.status == "active"


def test_contract_page_shows_facts_milestones_timeline(
    login, contract, world, globex, frozen_today
):
    contract.parties.add(globex)
    MilestoneFactory(
        contract=contract,
        title="Kick-off",
        due_date=dt.date(2027, 1, 15),
        owner=world.user("member"),
        position=0,
    )
    MilestoneFactory(
        contract=contract,
        title="Go-live",
        due_date=dt.date(2027, 6, 1),
        baseline_due_date=dt.date(2027, 5, 1),
        position=1,
    )
    body = text(login("viewer").get(reverse("contract-detail", args=[contract.pk])))
    assert "ACME-001 · Billing platform" in body
    assert "Globex" in body and "100,000.00 EUR" in body
    assert "Kick-off" in body and "Mike" in body
    assert 'class="badge health-overdue">Overdue<' in body
    assert "baseline 1 May 2027 (+31 days)" in body
    assert 'class="today-line"' in body
    assert 'class="marker late"' in body and 'fill="#d92d20"' in body
    assert 'role="img" aria-label="Timeline of ACME-001: 2 milestones, 1 late' in body
    assert 'class="baseline"' in body


def test_timeline_svg_endpoint(login, contract, frozen_today):
    MilestoneFactory(contract=contract, title="Kick-off", due_date=dt.date(2027, 1, 15))
    response = login("viewer").get(reverse("contract-timeline", args=[contract.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg")


def test_history_shows_who_what_when_and_changes(login, contract, manager):
    services.update_contract(
        manager, contract, {"title": "Billing platform v2"}, expected_version=1
    )
    body = text(login("viewer").get(reverse("contract-detail", args=[contract.pk])))
    history = body[body.index('id="history-heading"') :]
    assert "Contract ACME-001 updated" in history
    assert "Maria" in history
    assert "<time datetime=" in history
    assert "Billing platform v2" in history and ">Billing platform<" in history
    full = login("viewer").get(reverse("contract-history", args=[contract.pk]))
    assert "Contract ACME-001 updated" in text(full)


def test_another_organisations_contract_is_404(login, contract):
    client = login("outsider")
    for name in (
        "contract-detail",
        "contract-edit",
        "contract-history",
        "contract-timeline",
        "contract-delete",
        "milestone-create",
        "contract-apply-template",
        "contract-save-template",
    ):
        assert client.get(reverse(name, args=[contract.pk])).status_code == 404, name
    assert (
        client.post(
            reverse("contract-close", args=[contract.pk]), {"status": "completed"}
        ).status_code
        == 404
    )


def test_working_week_checkboxes_set_the_workweek(login, contract):
    client = login("manager")
    body = text(client.get(reverse("contract-edit", args=[contract.pk])))
    assert "Working week" in body
    for day in ("Mon", "Sun"):
        assert f">{day}</label>" in body or f"{day}</label>" in body
    response = client.post(
        reverse("contract-edit", args=[contract.pk]),
        edit_form(contract, workweek=["0", "1", "2", "3"]),
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.workweek == 15  # Mon-Thu
    page = text(client.get(reverse("contract-detail", args=[contract.pk])))
    assert "Mon, Tue, Wed, Thu" in page
    response = client.post(
        reverse("contract-edit", args=[contract.pk]), edit_form(contract, workweek=[])
    )
    assert response.status_code == 422
    error = text(response)
    assert "Must name at least one working day" in error[error.index('id="id_workweek_error"') :]
