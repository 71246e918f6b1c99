"""The web permission matrix of access and collaboration pages, for every role and the guest;
the guest's column of the main matrix; and restricted contracts, which are a 404 on every page
about them for people not named on them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pactline.accounts import invitations, tokens
from pactline.collab import services as collab
from pactline.collab.models import LinkPurpose
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contact, Contract
from pactline.milestones.models import Milestone
from tests.accounts.web_tables import GUEST_PAGES, PAGES
from tests.conftest import World
from tests.factories import MilestoneFactory
from tests.web import test_permission_matrix as main

ROLES = ("viewer", "member", "manager", "admin", "owner")
RANK = {role: i for i, role in enumerate(ROLES)}
ALLOWED = (200, 204, 302, 409, 422)
CONTRACT_KINDS = {
    "contract",
    "milestone",
    "checklist",
    "dependency",
    "comment",
    "document",
    "version",
    "link",
    "contract-member",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def access_objects(world: World, contract: Contract) -> dict[str, Any]:
    """A vendor contract with a shared milestone mike (member) owns and maria approves, his
    comment on it, a deliverable, a link to the vendor's contact, an invitation, a named
    member (vera) and a token."""
    manager = world.actor("manager")
    contract.parties.add(world.guest_party)
    milestone = MilestoneFactory(
        contract=contract,
        owner=world.user("member"),
        approver=world.user("manager"),
        status="in_progress",
        shared_with_guests=True,
    )
    member = world.actor("member")
    comment = collab.add_comment(member, contract, "First draft is up", milestone=milestone)
    upload = SimpleUploadedFile("spec.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    version = collab.upload_document(member, contract, upload, milestone=milestone)
    contact = Contact.objects.create(party=world.guest_party, name="Gina", email="gina@vendor.test")
    link, _ = collab.create_link(manager, milestone, contact, LinkPurpose.SUBMIT)
    invitation, _ = invitations.invite(world.actor("admin"), "new@acme.test", "member")
    contract_services.add_contract_member(manager, contract, world.user("viewer").pk)
    tokens.issue_token(world.actor("viewer"), "cli")
    return {
        "contract": contract.pk,
        "milestone": milestone.pk,
        "comment": comment.pk,
        "document": version.document_id,
        "version": version.pk,
        "link": link.pk,
        "invitation": invitation.pk,
        "contract-member": (contract.pk, world.user("viewer").pk),
    }


def page_url(name: str, kind: str | None, things: dict[str, Any]) -> str:
    if kind is None:
        return reverse(name)
    value = things[kind]
    return reverse(name, args=list(value) if isinstance(value, tuple) else [value])


def allowed(who: str | frozenset[str], role: str) -> bool:
    if isinstance(who, frozenset):
        return role in who
    return RANK[role] >= RANK[who]


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.user(role))
    return client


CASES = [
    (name, method, role)
    for name, (methods, _, _, _) in PAGES.items()
    for method in methods
    for role in ("anonymous", *ROLES, "guest", "outsider")
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_access_pages(name: str, method: str, role: str, world: World, access_objects) -> None:
    _, who, kind, guest = PAGES[name]
    response = getattr(client_for(world, role), method)(page_url(name, kind, access_objects))
    status, location = response.status_code, response.get("Location", "")
    if role == "anonymous":
        assert status == 302 and location.startswith(reverse("login")), status
    elif role == "outsider":
        if kind is not None:  # a collection shows the outsider their own organisation's
            assert status == 404, status
    elif role == "guest":
        assert status in (ALLOWED if guest == "ok" else (guest,)), status
    elif allowed(who, role):
        assert status in ALLOWED, status
        assert not location.startswith(reverse("login"))
    else:
        assert status == 403, status


@pytest.mark.parametrize("name", [n for n, (m, _, _, _) in PAGES.items() if "get" not in m])
def test_post_only_pages_refuse_get(name: str, world: World, access_objects) -> None:
    kind = PAGES[name][2]
    response = client_for(world, "owner").get(page_url(name, kind, access_objects))
    assert response.status_code == 405


# --- the guest's column of the main matrix ----------------------------------------------------

MAIN_CASES = [(name, method) for name, (methods, _, _) in main.MATRIX.items() for method in methods]


@pytest.fixture
def guest_objects(world: World, objects: dict[str, int]) -> dict[str, int]:
    """The main matrix's objects, with the contract a vendor contract of the guest's party and
    the member's milestone shared with guests."""
    Contract.objects.get(pk=objects["contract"]).parties.add(world.guest_party)
    Milestone.objects.filter(pk=objects["milestone"]).update(shared_with_guests=True)
    return objects


@pytest.mark.parametrize(("name", "method"), MAIN_CASES)
def test_guest_column_of_the_main_matrix(
    name: str, method: str, world: World, guest_objects
) -> None:
    response = getattr(client_for(world, "guest"), method)(main.url_of(name, guest_objects))
    expected = GUEST_PAGES.get(name, 403)
    if main.MATRIX[name][1] == "public":
        assert response.status_code < 500
    elif expected == "ok":
        assert response.status_code in ALLOWED, response.status_code
    else:
        assert response.status_code == expected, response.status_code


# --- restricted contracts ---------------------------------------------------------------------

RESTRICTED_CASES = [
    (name, method, role)
    for name, (methods, least, kind) in main.MATRIX.items()
    if kind in CONTRACT_KINDS
    for method in methods
    for role in ("viewer", "member", "manager", "admin")
]


@pytest.mark.parametrize(("name", "method", "role"), RESTRICTED_CASES)
def test_restricted_contract_pages_are_404_unless_named(
    name: str, method: str, role: str, world: World, objects: dict[str, int]
) -> None:
    """Nobody is named on the contract: below admin, every page about it does not exist."""
    Contract.objects.filter(pk=objects["contract"]).update(restricted=True)
    response = getattr(client_for(world, role), method)(main.url_of(name, objects))
    least = main.MATRIX[name][1]
    if role == "admin":
        expected = ALLOWED if main.RANK["admin"] >= main.RANK[least] else (403,)
        assert response.status_code in expected, response.status_code
    else:
        assert response.status_code == 404, response.status_code


@pytest.mark.parametrize(
    ("name", "method"),
    [
        (name, method)
        for name, (methods, _, kind, _) in PAGES.items()
        if kind in CONTRACT_KINDS
        for method in methods
    ],
)
def test_restricted_access_pages_are_404_for_people_not_named(
    name: str, method: str, world: World, access_objects
) -> None:
    """vera (viewer) is named; mike (member) is not, although he owns the milestone."""
    Contract.objects.filter(pk=access_objects["contract"]).update(restricted=True)
    kind = PAGES[name][2]
    response = getattr(client_for(world, "member"), method)(page_url(name, kind, access_objects))
    assert response.status_code == 404, response.status_code
    response = getattr(client_for(world, "guest"), method)(page_url(name, kind, access_objects))
    assert response.status_code in (403, 404), response.status_code
