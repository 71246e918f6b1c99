"""The permission matrix: every write, for every role. Services decide; the API answers 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from pactline.accounts.permissions import Actor
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contract
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone, MilestoneTemplate
from tests.accounts.api_tables import WRITE_ROUTES as ACCESS_WRITES
from tests.api.conftest import url
from tests.conftest import World
from tests.customfields.tables import WRITE_ROUTES as CUSTOM_FIELD_WRITES
from tests.factories import ChecklistItemFactory, MilestoneFactory
from tests.milestones.api_tables import WRITE_ROUTES as MILESTONE_TYPE_WRITES
from tests.notifications.api_tables import WRITE_ROUTES as NOTIFICATION_WRITES
from tests.reports.api_tables import WRITE_ROUTES as REPORT_WRITES
from tests.review import helpers as review
from tests.savedviews.tables import WRITE_ROUTES as SAVED_VIEW_WRITES
from tests.transfer import helpers as transfer

pytestmark = pytest.mark.django_db

RANK = {"viewer": 0, "member": 1, "manager": 2, "admin": 3, "owner": 4}


@dataclass
class Objects:
    party: int
    contact: int
    contract: int
    own: int  # the member's milestone
    others: int  # the manager's milestone
    own_item: int
    others_item: int
    template: int
    builtin: int
    dependency: int  # the manager's milestone follows the member's
    occurrence: int  # of a monthly report the member owns


@pytest.fixture
def objects(world: World, contract: Contract, manager: Actor) -> Objects:
    party = contract_services.create_party(manager, {"name": "Initech"})
    contact = contract_services.add_contact(manager, party, {"name": "Peter"})
    own = MilestoneFactory(contract=contract, owner=world.user("member"))
    others = MilestoneFactory(contract=contract, owner=world.user("manager"))
    template = milestone_services.create_template(manager, "Ours", "", [{"title": "One"}])
    builtin = MilestoneTemplate.objects.get(builtin_key="standard-delivery")
    series = milestone_services.create_series(
        manager,
        contract,
        {
            "title": "Report",
            "rrule": "FREQ=MONTHLY",
            "owner_id": world.user("member").pk,
            "window_days": 3660,
        },
    )
    return Objects(
        party=party.pk,
        contact=contact.pk,
        contract=contract.pk,
        own=own.pk,
        others=others.pk,
        own_item=ChecklistItemFactory(milestone=own).pk,
        others_item=ChecklistItemFactory(milestone=others).pk,
        template=template.pk,
        builtin=builtin.pk,
        dependency=milestone_services.add_dependency(manager, others, own.pk).pk,
        occurrence=series.items.order_by("occurrence_date").first().pk,
    )


def _occurrences(o: Objects) -> list[int]:
    return list(Milestone.objects.filter(series__isnull=False).values_list("pk", flat=True))


def _what_if(o: Objects) -> dict[str, Any]:
    return {"milestones": [{"id": o.own, "due_date": "2027-03-08"}]}


def _applied(o: Objects) -> dict[str, Any]:
    basis = milestone_services.basis_of(Contract.objects.get(pk=o.contract))
    return {**_what_if(o), "basis": basis, "reason": "client asked"}


def _party(o: Objects) -> dict[str, int]:
    return {"party_id": o.party}


def _contact(o: Objects) -> dict[str, int]:
    return {"party_id": o.party, "contact_id": o.contact}


def _contract(o: Objects) -> dict[str, int]:
    return {"contract_id": o.contract}


# name -> (url_name, method, path kwargs, body, least role allowed)
WRITES: dict[str, tuple[str, str, Any, Any, str]] = {
    "create party": ("party-create", "post", None, {"name": "New"}, "manager"),
    "change party": ("party-update", "patch", _party, {"notes": "n"}, "manager"),
    "delete party": ("party-delete", "delete", _party, None, "manager"),
    "add contact": ("contact-create", "post", _party, {"name": "Ann"}, "manager"),
    "change contact": ("contact-update", "patch", _contact, {"role": "PM"}, "manager"),
    "remove contact": ("contact-delete", "delete", _contact, None, "manager"),
    "create contract": ("contract-create", "post", None, {"number": "N", "title": "T"}, "manager"),
    "change contract": ("contract-update", "patch", _contract, {"title": "T2"}, "manager"),
    "close contract": ("contract-close", "post", _contract, {"status": "completed"}, "manager"),
    "delete contract": ("contract-delete", "delete", _contract, None, "admin"),
    "add milestone": ("contract-milestone-create", "post", _contract, {"title": "M"}, "manager"),
    "add milestone (flat)": (
        "milestone-create",
        "post",
        None,
        lambda o: {"contract_id": o.contract, "title": "M"},
        "manager",
    ),
    "reorder": (
        "contract-milestone-reorder",
        "post",
        _contract,
        lambda o: {"ids": [o.others, o.own, *_occurrences(o)]},
        "manager",
    ),
    "apply template": (
        "contract-apply-template",
        "post",
        _contract,
        lambda o: {"template_id": o.builtin},
        "manager",
    ),
    "change own milestone": (
        "milestone-update",
        "patch",
        lambda o: {"milestone_id": o.own},
        {"title": "x"},
        "member",
    ),
    "change others' milestone": (
        "milestone-update",
        "patch",
        lambda o: {"milestone_id": o.others},
        {"title": "x"},
        "manager",
    ),
    "move own milestone": (
        "milestone-transition",
        "post",
        lambda o: {"milestone_id": o.own},
        {"status": "in_progress"},
        "member",
    ),
    "move others' milestone": (
        "milestone-transition",
        "post",
        lambda o: {"milestone_id": o.others},
        {"status": "in_progress"},
        "manager",
    ),
    "delete milestone": (
        "milestone-delete",
        "delete",
        lambda o: {"milestone_id": o.own},
        None,
        "manager",
    ),
    "add to own checklist": (
        "checklist-create",
        "post",
        lambda o: {"milestone_id": o.own},
        {"title": "c"},
        "member",
    ),
    "add to others' checklist": (
        "checklist-create",
        "post",
        lambda o: {"milestone_id": o.others},
        {"title": "c"},
        "manager",
    ),
    "tick own item": (
        "checklist-item-update",
        "patch",
        lambda o: {"item_id": o.own_item},
        {"done": True},
        "member",
    ),
    "tick others' item": (
        "checklist-item-update",
        "patch",
        lambda o: {"item_id": o.others_item},
        {"done": True},
        "manager",
    ),
    "remove own item": (
        "checklist-item-delete",
        "delete",
        lambda o: {"item_id": o.own_item},
        None,
        "member",
    ),
    "create template": ("template-create", "post", None, {"name": "Mine"}, "manager"),
    "change template": (
        "template-update",
        "patch",
        lambda o: {"template_id": o.template},
        {"name": "x"},
        "manager",
    ),
    "delete template": (
        "template-delete",
        "delete",
        lambda o: {"template_id": o.template},
        None,
        "manager",
    ),
    "link milestones": (
        "milestone-dependency-create",
        "post",
        lambda o: {"milestone_id": o.own},
        lambda o: {"predecessor_id": o.occurrence, "lag": 2},
        "manager",
    ),
    "unlink milestones": (
        "dependency-delete",
        "delete",
        lambda o: {"dependency_id": o.dependency},
        None,
        "manager",
    ),
    "preview a what-if": ("contract-what-if", "post", _contract, _what_if, "manager"),
    "apply a what-if": ("contract-what-if-apply", "post", _contract, _applied, "manager"),
    "add a recurring obligation": (
        "contract-series-create",
        "post",
        _contract,
        {"title": "Insurance certificate", "rrule": "FREQ=YEARLY"},
        "manager",
    ),
    "change own occurrence only": (
        "milestone-occurrence-update",
        "patch",
        lambda o: {"milestone_id": o.occurrence},
        {"scope": "this", "title": "January report"},
        "member",
    ),
    "change own occurrence and following": (
        "milestone-occurrence-update",
        "patch",
        lambda o: {"milestone_id": o.occurrence},
        {"scope": "following", "title": "Monthly status report"},
        "manager",
    ),
    # import, export, feeds, closure days (objects from tests/transfer/helpers.py)
    "upload an import": (
        "import-create",
        "post",
        None,
        {"filename": "table.csv", "content_base64": transfer.SMALL_CSV_BASE64},
        "manager",
    ),
    "commit an import (only its uploader, here the owner)": (
        "import-commit",
        "post",
        lambda o: {"import_id": transfer.staged_import(o.contract, "owner")},
        None,
        "owner",
    ),
    "save an import mapping": (
        "import-mapping-create",
        "post",
        None,
        {"name": "Ours", "mapping": {"Ref": "contract_number"}},
        "manager",
    ),
    "delete an import mapping": (
        "import-mapping-delete",
        "delete",
        lambda o: {"mapping_id": transfer.saved_mapping(o.contract)},
        None,
        "manager",
    ),
    "create a calendar feed": ("feed-create", "post", None, {"scope": "mine"}, "viewer"),
    "revoke the owner's feed": (
        "feed-delete",
        "delete",
        lambda o: {"feed_id": transfer.owners_feed(o.contract)},
        None,
        "admin",
    ),
    "add a closure day": (
        "closure-create",
        "post",
        None,
        {"date": "2027-12-24", "name": "Christmas"},
        "admin",
    ),
    "remove a closure day": (
        "closure-delete",
        "delete",
        lambda o: {"closure_id": transfer.closure_day(o.contract)},
        None,
        "admin",
    ),
    "import closure days": ("closure-import", "post", None, {"ics": transfer.ICS}, "admin"),
    # key dates from the contract text (tests/review/helpers.py)
    "read key dates from the contract text": (
        "contract-extraction-create",
        "post",
        _contract,
        {"text": review.CONTRACT_TEXT},
        "manager",
    ),
    "accept a proposed date": (
        "proposal-accept",
        "post",
        lambda o: {"proposal_id": review.quiet_proposal(o.contract)},
        None,
        "manager",
    ),
    "reject a proposed date": (
        "proposal-reject",
        "post",
        lambda o: {"proposal_id": review.quiet_proposal(o.contract)},
        {"reason": "not in this contract"},
        "manager",
    ),
}


@pytest.mark.parametrize("role", list(RANK))
@pytest.mark.parametrize("action", list(WRITES))
def test_permission_matrix(api_as, objects: Objects, action: str, role: str) -> None:
    url_name, method, kwargs, body, least = WRITES[action]
    target = url(url_name, **(kwargs(objects) if kwargs else {}))
    payload = body(objects) if callable(body) else body
    client = api_as(role)
    response = (
        getattr(client, method)(target, payload) if payload else getattr(client, method)(target)
    )
    if RANK[role] >= RANK[least]:
        assert response.status_code in (200, 201, 204), (action, role, response.json())
    else:
        assert response.status_code == 403, (action, role, response.content)
        assert response.json()["detail"]


@pytest.mark.parametrize("role", list(RANK))
def test_every_role_reads(api_as, objects: Objects, role: str) -> None:
    client = api_as(role)
    for name, kwargs in [
        ("contract-detail", _contract(objects)),
        ("milestone-detail", {"milestone_id": objects.others}),
        ("party-detail", _party(objects)),
        ("template-detail", {"template_id": objects.template}),
        ("milestone-list", {}),
        ("event-list", {}),
        ("milestone-dependency-list", {"milestone_id": objects.others}),
        ("dependency-detail", {"dependency_id": objects.dependency}),
        ("contract-series-list", _contract(objects)),
    ]:
        assert client.get(url(name, **kwargs)).status_code == 200, (role, name)


def test_every_write_route_is_in_the_matrix() -> None:
    from tests.api.test_tenancy import api_operations

    covered = {url_name for url_name, *_ in WRITES.values()}
    covered |= NOTIFICATION_WRITES  # tests/notifications/test_api_permissions.py
    covered |= ACCESS_WRITES  # tests/accounts/test_api_permissions.py
    covered |= REPORT_WRITES  # tests/reports/test_permissions.py
    covered |= SAVED_VIEW_WRITES  # tests/savedviews/test_permissions.py
    covered |= CUSTOM_FIELD_WRITES  # tests/customfields/test_permissions.py
    covered |= MILESTONE_TYPE_WRITES  # tests/milestones/test_type_permissions.py
    for url_name, path, method in api_operations():
        if method != "GET":
            assert url_name in covered, f"{method} {path} ({url_name}) has no permission test"
