"""Milestone templates over the API, and applying one to a contract."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract
from pactline.milestones import services
from pactline.milestones.models import Milestone, MilestoneTemplate
from tests.api.conftest import ApiClient, url
from tests.conftest import World

pytestmark = pytest.mark.django_db

STANDARD_TITLES = [
    "Project initiation",
    "Design approval",
    "Development complete",
    "User acceptance testing",
    "Deployment and go-live",
    "Completion",
]


@pytest.fixture
def standard() -> MilestoneTemplate:
    return MilestoneTemplate.objects.get(builtin_key="standard-delivery")


@pytest.fixture
def own_template(manager: Actor) -> MilestoneTemplate:
    return services.create_template(
        manager,
        "Small job",
        "two steps",
        [{"title": "Start", "offset": 0}, {"title": "Finish", "offset": 10, "checklist": ["Bill"]}],
    )


def test_list_includes_the_builtin_template(as_viewer: ApiClient, standard) -> None:
    response = as_viewer.get(url("template-list"))
    assert response.status_code == 200
    builtin = next(t for t in response.json()["items"] if t["id"] == standard.pk)
    assert builtin["builtin"] is True
    assert builtin["builtin_key"] == "standard-delivery"
    assert [i["title"] for i in builtin["items"]] == STANDARD_TITLES
    assert builtin["items"][0]["checklist"][0] == "Kick-off meeting held"
    assert builtin["items"][0]["payment_share"] == "10.000"


def test_create_get_update_delete(as_manager: ApiClient) -> None:
    response = as_manager.post(
        url("template-create"),
        {
            "name": "Audit",
            "items": [
                {
                    "title": "Fieldwork",
                    "kind": "deliverable",
                    "offset": 15,
                    "unit": "calendar_days",
                    "checklist": ["Sample drawn"],
                },
                {"title": "Report", "kind": "report", "anchor": "contract_end", "offset": -5},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["builtin"] is False
    assert [i["title"] for i in created["items"]] == ["Fieldwork", "Report"]
    assert created["items"][0]["checklist"] == ["Sample drawn"]
    target = url("template-detail", template_id=created["id"])
    assert as_manager.get(target).json()["name"] == "Audit"

    response = as_manager.patch(
        url("template-update", template_id=created["id"]), {"name": "Audit 2027", "version": 1}
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("Audit 2027", 2)
    assert len(response.json()["items"]) == 2, "items stay unless sent"

    stale = as_manager.patch(
        url("template-update", template_id=created["id"]), {"items": [], "version": 1}
    )
    assert stale.status_code == 409
    assert MilestoneTemplate.objects.get(pk=created["id"]).items.count() == 2

    assert as_manager.delete(url("template-delete", template_id=created["id"])).status_code == 204
    assert as_manager.get(target).status_code == 404


def test_item_errors_name_the_item_field(as_manager: ApiClient) -> None:
    response = as_manager.post(
        url("template-create"),
        {"name": "Broken", "items": [{"title": "ok"}, {"title": "x", "anchor": "milestone"}]},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["items.1.anchor_item"]
    response = as_manager.post(
        url("template-create"), {"name": "Broken", "items": [{"kind": "deliverable"}]}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["items.0.title"]


def test_builtin_templates_are_read_only(as_owner: ApiClient, standard) -> None:
    response = as_owner.patch(url("template-update", template_id=standard.pk), {"name": "Mine"})
    assert response.status_code == 403
    assert as_owner.delete(url("template-delete", template_id=standard.pk)).status_code == 403
    standard.refresh_from_db()
    assert standard.name == "Standard delivery project"


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_only_managers_manage_templates(api_as, own_template, role: str) -> None:
    client = api_as(role)
    assert client.post(url("template-create"), {"name": "Nope"}).status_code == 403
    target = url("template-update", template_id=own_template.pk)
    assert client.patch(target, {"name": "Nope"}).status_code == 403
    assert client.delete(url("template-delete", template_id=own_template.pk)).status_code == 403


def test_apply_the_standard_template(
    as_manager: ApiClient, contract: Contract, standard, frozen_today
) -> None:
    response = as_manager.post(
        url("contract-apply-template", contract_id=contract.pk), {"template_id": standard.pk}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["count"] == 6
    assert [m["title"] for m in body["items"]] == STANDARD_TITLES
    assert [m["kind"] for m in body["items"]] == [
        "initiation",
        "design_approval",
        "development_complete",
        "user_acceptance",
        "go_live",
        "completion",
    ]
    assert body["items"][0]["due_date"] == "2027-01-11"
    assert all(m["checklist_total"] == 3 for m in body["items"])
    assert sum(int(m["payment_amount"].split(".")[0]) for m in body["items"]) == 100000
    assert Milestone.objects.filter(contract=contract).count() == 6
    due = [dt.date.fromisoformat(m["due_date"]) for m in body["items"]]
    assert due == sorted(due)


def test_apply_an_unknown_template_is_422(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.post(
        url("contract-apply-template", contract_id=contract.pk), {"template_id": 99999}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["template_id"]


def test_apply_another_organisations_template_is_422(
    as_manager: ApiClient, contract: Contract, outsider: Actor
) -> None:
    theirs = services.create_template(outsider, "Rival plan", "", [{"title": "Spy"}])
    response = as_manager.post(
        url("contract-apply-template", contract_id=contract.pk), {"template_id": theirs.pk}
    )
    assert response.status_code == 422
    assert not Milestone.objects.filter(contract=contract).exists()


def test_viewer_cannot_apply(as_viewer: ApiClient, contract: Contract, standard) -> None:
    response = as_viewer.post(
        url("contract-apply-template", contract_id=contract.pk), {"template_id": standard.pk}
    )
    assert response.status_code == 403


def test_an_organisations_template_is_invisible_to_others(
    as_outsider: ApiClient, own_template, world: World
) -> None:
    names = [t["name"] for t in as_outsider.get(url("template-list")).json()["items"]]
    assert names == ["Standard delivery project"]
