"""The permission matrix: every write, for every role. Services decide; the API answers 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from pactline.accounts.permissions import Actor
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contract
from pactline.milestones import services as milestone_services
from pactline.milestones.models import MilestoneTemplate
from tests.api.conftest import url
from tests.conftest import World
from tests.factories import ChecklistItemFactory, MilestoneFactory

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


@pytest.fixture
def objects(world: World, contract: Contract, manager: Actor) -> Objects:
    party = contract_services.create_party(manager, {"name": "Initech"})
    contact = contract_services.add_contact(manager, party, {"name": "Peter"})
    own = MilestoneFactory(contract=contract, owner=world.user("member"))
    others = MilestoneFactory(contract=contract, owner=world.user("manager"))
    template = milestone_services.create_template(manager, "Ours", "", [{"title": "One"}])
    builtin = MilestoneTemplate.objects.get(builtin_key="standard-delivery")
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
    )


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
        lambda o: {"ids": [o.others, o.own]},
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
    ]:
        assert client.get(url(name, **kwargs)).status_code == 200, (role, name)


def test_every_write_route_is_in_the_matrix() -> None:
    from tests.api.test_tenancy import api_operations

    covered = {url_name for url_name, *_ in WRITES.values()}
    for url_name, path, method in api_operations():
        if method != "GET":
            assert url_name in covered, f"{method} {path} ({url_name}) has no permission test"
