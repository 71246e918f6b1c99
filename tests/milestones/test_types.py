"""Milestone types as the organisation's data: seeded, validated, their defaults applied, named
in reports, exports and imports, archived rather than deleted when in use."""

from __future__ import annotations

import pytest
from django.test import Client

from pactline.accounts.models import Organisation
from pactline.milestones import services
from pactline.milestones.models import ChecklistItem, MilestoneKind, MilestoneType
from pactline.notifications.models import ReminderPolicy
from tests.api.conftest import url
from tests.conftest import World
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_every_new_organisation_starts_with_the_common_types(db) -> None:
    org = Organisation.objects.create(name="Newco", slug="newco")
    keys = list(MilestoneType.objects.filter(organisation=org).values_list("key", flat=True))
    assert keys == MilestoneKind.values
    go_live = MilestoneType.objects.get(organisation=org, key="go_live")
    assert go_live.name == "Deployment and go-live" and go_live.colour.startswith("#")


def test_a_new_milestone_gets_its_types_checklist_and_reminders(api_as, world, contract) -> None:
    admin = api_as("admin")
    response = admin.post(
        url("milestone-type-create"),
        {
            "key": "site_visit",
            "name": "Site visit",
            "colour": "#ff8800",
            "default_checklist": ["Book the visit", "Write the visit report"],
            "default_reminders": {"days_before": [3, 1], "on_due_date": False},
        },
    )
    assert response.status_code == 201, response.json()
    created = api_as("manager").post(
        url("contract-milestone-create", contract_id=contract.pk),
        {"title": "Visit the plant", "kind": "site_visit", "due_date": "2027-05-03"},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["kind"] == "site_visit"
    titles = list(
        ChecklistItem.objects.filter(milestone_id=body["id"]).values_list("title", flat=True)
    )
    assert titles == ["Book the visit", "Write the visit report"]
    policy = ReminderPolicy.objects.get(milestone_id=body["id"])
    assert policy.days_before == [3, 1] and policy.on_due_date is False
    # A checklist given explicitly wins over the type's.
    own = api_as("manager").post(
        url("contract-milestone-create", contract_id=contract.pk),
        {"title": "Second visit", "kind": "site_visit", "checklist": ["Only this"]},
    )
    titles = ChecklistItem.objects.filter(milestone_id=own.json()["id"]).values_list(
        "title", flat=True
    )
    assert list(titles) == ["Only this"]


def test_kinds_are_checked_against_the_organisations_types(api_as, world, contract) -> None:
    manager = api_as("manager")
    bad = manager.post(
        url("contract-milestone-create", contract_id=contract.pk), {"title": "X", "kind": "nope"}
    )
    assert bad.status_code == 422
    assert "kind" in bad.json()["errors"]
    # Another organisation's type is not ours.
    services.create_type(world.actor("outsider"), {"key": "rival_only", "name": "Rival's"})
    theirs = manager.post(
        url("contract-milestone-create", contract_id=contract.pk),
        {"title": "X", "kind": "rival_only"},
    )
    assert theirs.status_code == 422 and "kind" in theirs.json()["errors"]


def test_a_type_in_use_is_archived_not_deleted(api_as, world, contract) -> None:
    admin = api_as("admin")
    report = MilestoneType.objects.get(organisation=world.acme, key="report")
    m = MilestoneFactory(contract=contract, kind="report")
    refused = admin.delete(url("milestone-type-delete", type_id=report.pk))
    assert refused.status_code == 422
    message = " ".join(refused.json()["errors"]["key"])
    assert "in use (1 milestones)" in message and "archive it instead" in message
    archived = admin.patch(url("milestone-type-update", type_id=report.pk), {"archived": True})
    assert archived.status_code == 200 and archived.json()["archived"] is True
    # Not offered for new milestones any more...
    manager = api_as("manager")
    new = manager.post(
        url("contract-milestone-create", contract_id=contract.pk), {"title": "R", "kind": "report"}
    )
    assert new.status_code == 422 and "kind" in new.json()["errors"]
    # ...but the milestone that has it keeps it while other fields change.
    changed = manager.patch(url("milestone-update", milestone_id=m.pk), {"title": "Renamed"})
    assert changed.status_code == 200 and changed.json()["kind"] == "report"
    listed = admin.get(url("milestone-type-list"), {"archived": True}).json()["items"]
    assert [t["key"] for t in listed] == ["report"]
    # An unused type can go.
    unused = MilestoneType.objects.get(organisation=world.acme, key="deliverable")
    assert admin.delete(url("milestone-type-delete", type_id=unused.pk)).status_code == 204


def test_the_key_is_fixed_and_input_is_checked(api_as, world) -> None:
    admin = api_as("admin")
    t = MilestoneType.objects.get(organisation=world.acme, key="payment")
    moved = admin.patch(url("milestone-type-update", type_id=t.pk), {"key": "money"})
    assert moved.status_code == 422 and "key" in moved.json()["errors"]
    bad = admin.post(
        url("milestone-type-create"),
        {
            "key": "Bad Key",
            "name": "Payment",
            "colour": "red",
            "default_reminders": {"days_before": [999]},
        },
    )
    assert bad.status_code == 422
    errors = bad.json()["errors"]
    assert {"key", "name", "colour", "default_reminders.days_before"} <= set(errors)
    custom = MilestoneType.objects.get(organisation=world.acme, key="custom")
    no = admin.patch(url("milestone-type-update", type_id=custom.pk), {"archived": True})
    assert no.status_code == 422


def test_only_admins_define_types(api_as, world) -> None:
    response = api_as("manager").post(url("milestone-type-create"), {"key": "x", "name": "X"})
    assert response.status_code == 403
    assert api_as("viewer").get(url("milestone-type-list")).status_code == 200


def test_reports_exports_and_lists_use_the_types_name(world: World, contract, login) -> None:
    admin = world.actor("admin")
    payment = MilestoneType.objects.get(organisation=world.acme, key="payment")
    services.update_type(admin, payment, {"name": "Invoice run", "colour": "#123456"}, None)
    MilestoneFactory(contract=contract, kind="payment", title="First invoice")
    client: Client = login("viewer")
    page = client.get("/milestones/").content.decode()
    assert "Invoice run" in page and "#123456" in page
    csv = client.get("/milestones/?format=csv").content.decode()
    assert "Invoice run" in csv
    detail = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "Invoice run" in detail


def test_the_types_pages(world: World, login) -> None:
    admin: Client = login("admin")
    listing = admin.get("/settings/milestone-types/")
    assert listing.status_code == 200 and "Deployment and go-live" in listing.content.decode()
    created = admin.post(
        "/settings/milestone-types/new/",
        {
            "name": "Audit",
            "key": "audit",
            "colour": "#aa0000",
            "default_checklist": "Collect evidence\nFile report",
            "own_reminders": "on",
            "reminder_days": "10, 2",
            "reminder_on_due_date": "on",
        },
    )
    assert created.status_code == 302
    audit = MilestoneType.objects.get(organisation=world.acme, key="audit")
    assert audit.default_checklist == ["Collect evidence", "File report"]
    assert audit.default_reminders["days_before"] == [10, 2]
    bad = admin.post(f"/settings/milestone-types/{audit.pk}/edit/", {"name": "", "colour": "x"})
    assert bad.status_code == 422
    archived = admin.post(f"/settings/milestone-types/{audit.pk}/archive/", {"archived": "1"})
    assert archived.status_code == 302
    audit.refresh_from_db()
    assert audit.archived
    assert login("manager").get("/settings/milestone-types/").status_code == 403


def test_imports_match_the_organisations_type_names(world: World) -> None:
    from pactline.milestones.models import Milestone
    from pactline.transfer.importing import commit_import, plan_import
    from tests.transfer.conftest import csv_bytes

    admin, manager = world.actor("admin"), world.actor("manager")
    services.create_type(admin, {"key": "site_visit", "name": "Site visit"})
    rows = [
        ["Contract number", "Contract title", "Milestone", "Type", "Due date"],
        ["C-1", "Fit-out", "Visit", "Site visit", "2027-03-01"],
        ["C-1", "Fit-out", "Acceptance", "UAT", "2027-04-01"],
        ["C-1", "Fit-out", "Other", "Gardening", "2027-05-01"],
    ]
    preview = plan_import(manager, csv_bytes(rows))
    assert [p.row for p in preview.problems] == [4]
    assert "is not one of" in str(preview.problems[0]) and "site_visit" in str(preview.problems[0])
    commit_import(manager, csv_bytes(rows[:3]))
    kinds = dict(Milestone.objects.values_list("title", "kind"))
    assert kinds == {"Visit": "site_visit", "Acceptance": "user_acceptance"}
