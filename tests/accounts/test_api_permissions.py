"""Every access and collaboration API route, for every role, the guest and an outsider (404,
nothing changes); a member not named on a restricted contract gets 404 on every route about it,
and so on the main API's contract routes too. The tables are in api_tables.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pactline.accounts import invitations, tokens
from pactline.activity.models import Event
from pactline.collab import services as collab
from pactline.collab.models import Comment, ContactLink, Document, DocumentVersion, LinkPurpose
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contact, Contract, ContractMember
from tests.accounts.api_tables import COLLECTION_ROUTES, MULTIPART, ROUTES
from tests.api import test_tenancy as tenancy
from tests.api.conftest import ApiClient, make_token, url
from tests.conftest import World
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
ROLES = ("viewer", "member", "manager", "admin", "owner")
RANK = {role: i for i, role in enumerate(ROLES)}
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def things(world: World, contract: Contract) -> dict[str, Any]:
    manager, member = world.actor("manager"), world.actor("member")
    contract.parties.add(world.guest_party)
    milestone = MilestoneFactory(
        contract=contract,
        owner=world.user("member"),
        approver=world.user("manager"),
        status="in_progress",
        shared_with_guests=True,
    )
    comment = collab.add_comment(member, contract, "Draft is up", milestone=milestone)
    upload = SimpleUploadedFile("spec.pdf", PDF, content_type="application/pdf")
    version = collab.upload_document(member, contract, upload, milestone=milestone)
    contact = Contact.objects.create(party=world.guest_party, name="Gina", email="g@vendor.test")
    link, _ = collab.create_link(manager, milestone, contact, LinkPurpose.DECIDE)
    invitation, _ = invitations.invite(world.actor("admin"), "new@acme.test", "member")
    contract_services.add_contract_member(manager, contract, world.user("viewer").pk)
    return {
        "contract_id": contract.pk,
        "milestone_id": milestone.pk,
        "comment_id": comment.pk,
        "document_id": version.document_id,
        "version_id": version.pk,
        "link_id": link.pk,
        "invitation_id": invitation.pk,
        "user_id": world.user("viewer").pk,
        "contact_id": contact.pk,
        "owner_id": world.user("owner").pk,
    }


def route_kwargs(url_name: str, things: dict[str, Any]) -> dict[str, Any]:
    """The path parameters of the route, read from the API itself, filled from `things`."""
    path = next(p for name, p, _method in tenancy.api_operations() if name == url_name)
    params = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return {key: things[key] for key in params}


def call(client: ApiClient, url_name: str, things: dict[str, Any]) -> Any:
    method, _who, _guest, body = ROUTES[url_name]
    target = url(url_name, **route_kwargs(url_name, things))
    if body == MULTIPART:
        field = "files" if url_name == "milestone-submit" else "file"
        upload = SimpleUploadedFile("deliverable.pdf", PDF, content_type="application/pdf")
        return client.client.post(target, {field: upload}, headers=client.headers)
    if body == "user":
        body = {"user_id": things["owner_id"]}
    elif body == "contact":
        body = {"contact_id": things["contact_id"], "purpose": "submit"}
    if body is None:
        return getattr(client, method)(target)
    return getattr(client, method)(target, body)


def allowed(who: str | frozenset[str], role: str) -> bool:
    return role in who if isinstance(who, frozenset) else RANK[role] >= RANK[who]


def state() -> tuple[Any, ...]:
    return (
        list(Comment.objects.values_list("pk", "body", "deleted_at")),
        Document.objects.count(),
        DocumentVersion.objects.count(),
        list(ContactLink.objects.values_list("pk", "revoked_at")),
        ContractMember.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize("role", [*ROLES, "guest"])
@pytest.mark.parametrize("url_name", sorted(ROUTES))
def test_every_role(api_as, world: World, things, url_name: str, role: str) -> None:
    _method, who, guest, _body = ROUTES[url_name]
    response = call(api_as(role), url_name, things)
    status = response.status_code
    if role == "guest":
        expected = (200, 201, 204) if guest == "ok" else (guest,)
        assert status in expected, (status, response.content)
    elif allowed(who, role):
        assert status in (200, 201, 204), (status, response.content)
    else:
        assert status == 403, (status, response.content)


@pytest.mark.parametrize("url_name", sorted(set(ROUTES) - COLLECTION_ROUTES))
def test_outsider_gets_404_and_changes_nothing(api_as, things, url_name: str) -> None:
    before = state()
    response = call(api_as("outsider"), url_name, things)
    assert response.status_code == 404, response.content
    assert state() == before


@pytest.mark.parametrize(
    "url_name", sorted(set(ROUTES) - COLLECTION_ROUTES - {"invitation-delete"})
)
def test_restricted_contract_routes_are_404_for_people_not_named(
    api_as, things, url_name: str
) -> None:
    """vera (viewer) is named on the contract; mike (member) is not, though he owns the
    milestone; the guest is not either."""
    Contract.objects.filter(pk=things["contract_id"]).update(restricted=True)
    before = state()
    for role in ("member", "guest"):
        response = call(api_as(role), url_name, things)
        assert response.status_code in ((404,) if role == "member" else (403, 404)), role
    assert state() == before
    assert call(api_as("viewer"), "contract-member-list", things).status_code == 200


CONTRACT_PARAMS = ("contract_id", "milestone_id", "item_id", "dependency_id", "series_id")


def contract_routes() -> list[str]:
    """The tenancy table's routes about a contract or something in it (by their path)."""
    paths = {name: path for name, path, _method in tenancy.api_operations()}
    return sorted(
        name
        for name in tenancy.OBJECT_ROUTES
        if any("{" + param + "}" in paths[name] for param in CONTRACT_PARAMS)
    )


CONTRACT_ROUTES = contract_routes()


@pytest.mark.parametrize("url_name", CONTRACT_ROUTES)
def test_main_api_hides_restricted_contracts_from_people_not_named(
    world: World, acme, url_name: str
) -> None:
    """The tenancy table's routes, for a manager of the same organisation who is not named on
    the now restricted contract: 404 and nothing changes, as for another organisation."""
    Contract.objects.filter(pk=acme.contract).update(restricted=True)
    method, kwargs, body = tenancy.OBJECT_ROUTES[url_name]
    client = ApiClient(make_token(world.user("manager"), world.acme))
    before = tenancy.snapshot()
    payload = body(acme) if callable(body) else body
    target = url(url_name, **kwargs(acme))
    call_ = getattr(client, method)
    response = call_(target, payload) if payload else call_(target)
    assert response.status_code == 404, (url_name, response.content)
    assert tenancy.snapshot() == before


def test_lists_leave_restricted_contracts_out(world: World, acme) -> None:
    Contract.objects.filter(pk=acme.contract).update(restricted=True)
    client = ApiClient(make_token(world.user("member"), world.acme))
    assert client.get(url("contract-list")).json()["count"] == 0
    assert client.get(url("milestone-list")).json()["count"] == 0
    assert client.get(url("event-list"), {"contract_id": acme.contract}).json()["count"] == 0
    owner = ApiClient(make_token(world.user("owner"), world.acme))
    assert owner.get(url("contract-list")).json()["count"] == 1


def test_tokens_of_others_are_404(world: World) -> None:
    token, _ = tokens.issue_token(world.actor("viewer"), "mine")
    other = ApiClient(make_token(world.user("owner"), world.acme))
    assert other.delete(url("token-delete", token_id=token.pk)).status_code == 404
    own = ApiClient(make_token(world.user("viewer"), world.acme))
    assert own.delete(url("token-delete", token_id=token.pk)).status_code == 204
