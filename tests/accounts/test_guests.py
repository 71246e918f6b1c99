"""Guests of a counterparty: they see contracts of their party and the milestones shared with
them; they comment, upload deliverables and submit for acceptance, and do nothing else."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pactline.accounts import permissions
from pactline.activity.queries import events_for
from pactline.collab import services as collab
from pactline.contracts.models import Contract
from pactline.errors import Forbidden
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone
from tests.api.conftest import ApiClient, make_token, url
from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%minimal\n"


@pytest.fixture
def vendor_contract(world: World, contract: Contract) -> Contract:
    contract.parties.add(world.guest_party)
    return contract


@pytest.fixture
def shared(world: World, vendor_contract: Contract) -> Milestone:
    return MilestoneFactory(
        contract=vendor_contract,
        title="Design delivered",
        shared_with_guests=True,
        owner=world.user("member"),
        approver=world.user("manager"),
        status="in_progress",
    )


@pytest.fixture
def internal(vendor_contract: Contract) -> Milestone:
    return MilestoneFactory(contract=vendor_contract, title="Internal budget review")


@pytest.fixture
def other_contract(world: World) -> Contract:
    return ContractFactory(organisation=world.acme, number="ACME-OTHER", title="Not theirs")


def guest_web(world: World) -> Client:
    client = Client()
    client.force_login(world.user("guest"))
    return client


def test_guest_sees_only_their_party_s_contracts_and_shared_milestones(
    world: World, shared, internal, other_contract
) -> None:
    guest = world.actor("guest")
    assert list(permissions.visible_contracts(guest)) == [shared.contract]
    assert list(permissions.visible_milestones(guest)) == [shared]
    assert list(permissions.visible_parties(guest)) == [world.guest_party]
    assert not permissions.visible_templates(guest).exists()


def test_guest_pages(world: World, shared, internal, other_contract) -> None:
    client = guest_web(world)
    listing = client.get(reverse("contract-list")).content.decode()
    assert "ACME-001" in listing and "ACME-OTHER" not in listing
    page = client.get(reverse("contract-detail", args=[shared.contract_id])).content.decode()
    assert "Design delivered" in page and "Internal budget review" not in page
    assert client.get(reverse("milestone-detail", args=[shared.pk])).status_code == 200
    assert client.get(reverse("milestone-detail", args=[internal.pk])).status_code == 404
    assert client.get(reverse("contract-detail", args=[other_contract.pk])).status_code == 404
    for name in ("template-list", "party-list", "import", "feed-list", "token-list"):
        assert client.get(reverse(name)).status_code == 403, name


def test_guest_comments_uploads_and_submits(world: World, shared: Milestone) -> None:
    guest = world.actor("guest")
    comment = collab.add_comment(guest, shared.contract, "Ready for review", milestone=shared)
    assert comment.author == world.user("guest")
    upload = SimpleUploadedFile("design.pdf", PDF, content_type="application/pdf")
    submitted = collab.submit_for_acceptance(guest, shared, "Design attached", [upload])
    assert submitted.status == "submitted"
    event = events_for(world.actor("owner")).filter(verb="status_changed").first()
    assert event.actor == world.user("guest")
    assert event.changes["deliverables"]["after"][0]["filename"] == "design.pdf"
    assert event.changes["note"]["after"] == "Design attached"


def test_guest_does_nothing_else(world: World, shared: Milestone, vendor_contract) -> None:
    guest = world.actor("guest")
    with pytest.raises(Forbidden):
        milestone_services.transition(guest, shared, "cancelled")
    with pytest.raises(Forbidden):
        milestone_services.update_milestone(guest, shared, {"title": "Renamed"}, None)
    with pytest.raises(Forbidden):
        collab.add_comment(guest, vendor_contract, "Contract-level is internal")
    milestone_services.transition(world.actor("member"), shared, "submitted")
    shared.refresh_from_db()
    with pytest.raises(Forbidden):
        milestone_services.transition(guest, shared, "accepted")


def test_guest_history_shows_only_their_milestones(world: World, shared, internal) -> None:
    milestone_services.update_milestone(world.actor("manager"), internal, {"title": "Secret"}, None)
    milestone_services.update_milestone(world.actor("manager"), shared, {"title": "Design"}, None)
    seen = {e.subject_id for e in events_for(world.actor("guest"))}
    assert seen == {shared.pk}


def test_guest_api_is_an_allow_list(world: World, shared: Milestone, internal) -> None:
    client = ApiClient(make_token(world.user("guest"), world.acme))
    assert client.get(url("contract-list")).json()["count"] == 1
    assert [m["id"] for m in client.get(url("milestone-list")).json()["items"]] == [shared.pk]
    assert client.get(url("milestone-detail", milestone_id=internal.pk)).status_code == 404
    assert client.get(url("template-list")).status_code == 403
    target = url("milestone-transition", milestone_id=shared.pk)
    response = client.post(target, {"status": "submitted"})
    assert response.status_code == 200, response.json()


def test_guests_have_an_inbox(world: World) -> None:
    from tests.accounts.web_tables import GUEST_OTHER_PAGES

    client = guest_web(world)
    for name, (method, _kind) in GUEST_OTHER_PAGES.items():
        response = getattr(client, method)(reverse(name))
        assert response.status_code in (200, 302), name
    assert client.get(reverse("notification-inbox")).status_code == 200


def test_guests_watch_and_unwatch_what_they_see(
    world: World, shared: Milestone, internal, vendor_contract, other_contract
) -> None:
    from pactline.notifications.models import Watch

    client = guest_web(world)
    detail = client.get(reverse("milestone-detail", args=[shared.pk])).content.decode()
    assert "Watch this milestone" in detail and "Snooze" not in detail
    assert client.post(reverse("milestone-watch", args=[shared.pk])).status_code == 302
    assert client.post(reverse("contract-watch", args=[vendor_contract.pk])).status_code == 302
    gus = world.user("guest")
    assert Watch.objects.filter(user=gus).count() == 2
    assert client.post(reverse("milestone-watch", args=[shared.pk])).status_code == 302
    assert Watch.objects.filter(user=gus).count() == 1  # the second press stops watching
    assert client.post(reverse("milestone-watch", args=[internal.pk])).status_code == 404
    assert client.post(reverse("contract-watch", args=[other_contract.pk])).status_code == 404

    api = ApiClient(make_token(gus, world.acme))
    made = api.post(url("watch-create"), {"milestone_id": shared.pk})
    assert made.status_code == 201, made.json()
    assert api.get(url("watch-list")).json()["count"] == 2
    refused = api.post(url("watch-create"), {"milestone_id": internal.pk})
    assert refused.status_code == 422 and "milestone_id" in str(refused.json())
    assert api.delete(url("watch-delete", watch_id=made.json()["id"])).status_code == 204
    assert api.get(url("watch-list")).json()["count"] == 1
