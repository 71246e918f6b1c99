"""Signed links for contacts without an account: one milestone, one purpose, an expiry and
revocation; every action through a link is an event naming the contact."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pactline.activity.models import Event
from pactline.collab import services
from pactline.collab.models import ContactLink, LinkPurpose
from pactline.contracts.models import Contact
from pactline.errors import Forbidden, ValidationFailed
from pactline.milestones.models import Milestone
from tests.conftest import World
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gina(world: World, contract) -> Contact:
    contract.parties.add(world.guest_party)
    return Contact.objects.create(party=world.guest_party, name="Gina", email="gina@vendor.test")


@pytest.fixture
def milestone(contract, world: World) -> Milestone:
    return MilestoneFactory(
        contract=contract,
        title="Design delivered",
        owner=world.user("member"),
        approver=world.user("manager"),
        status="in_progress",
    )


def sent_link(django_capture_on_commit_callbacks, world, milestone, gina, purpose) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        services.create_link(world.actor("manager"), milestone, gina, purpose, 7)
    message = mail.outbox[-1]
    assert message.to == ["gina@vendor.test"]
    return re.search(r"https?://\S+/c/(\S+)/", message.body).group(1)


def test_a_contact_submits_a_deliverable_through_the_link(
    world, milestone, gina, django_capture_on_commit_callbacks
) -> None:
    token = sent_link(django_capture_on_commit_callbacks, world, milestone, gina, "submit")
    client = Client()  # no account, not signed in
    page = client.get(reverse("contact-link", args=[token]))
    assert page.status_code == 200 and "Design delivered" in page.content.decode()
    upload = SimpleUploadedFile("design.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = client.post(
        reverse("contact-link", args=[token]),
        {"note": "Final design", "files": [upload], "version": milestone.version},
    )
    assert response.status_code == 200, response.content.decode()
    assert "is now submitted" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == "submitted"
    event = Event.objects.filter(verb="status_changed").first()
    assert event.actor_id is None
    assert event.actor_label == "Gina <gina@vendor.test> (signed link)"
    upload_event = Event.objects.get(verb="document_uploaded")
    assert upload_event.actor_label.startswith("Gina <gina@vendor.test>")
    assert ContactLink.objects.get().last_used_at is not None


def test_a_contact_decides_and_a_rejection_needs_a_reason(
    world, milestone, gina, django_capture_on_commit_callbacks
) -> None:
    Milestone.objects.filter(pk=milestone.pk).update(status="submitted")
    token = sent_link(django_capture_on_commit_callbacks, world, milestone, gina, "decide")
    client = Client()
    target = reverse("contact-link", args=[token])
    response = client.post(target, {"decision": "rejected", "note": ""})
    assert response.status_code == 422 and "needs a reason" in response.content.decode()
    response = client.post(target, {"decision": "rejected", "note": "Logo is wrong"})
    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.status == "rejected"
    event = Event.objects.filter(verb="status_changed").first()
    assert "Gina" in event.actor_label and event.changes["note"]["after"] == "Logo is wrong"
    # a decide link cannot submit, and there is nothing to decide now
    assert client.post(target, {"decision": "accepted"}).status_code == 200
    milestone.refresh_from_db()
    assert milestone.status == "rejected"


def test_expired_revoked_and_unknown_links_are_404(
    world, milestone, gina, django_capture_on_commit_callbacks
) -> None:
    token = sent_link(django_capture_on_commit_callbacks, world, milestone, gina, "submit")
    client = Client()
    assert client.get(reverse("contact-link", args=["plc_nope"])).status_code == 404
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
        assert client.get(reverse("contact-link", args=[token])).status_code == 404
    link = ContactLink.objects.get()
    services.revoke_link(world.actor("manager"), link)
    assert client.get(reverse("contact-link", args=[token])).status_code == 404
    assert Event.objects.filter(verb="link_revoked").exists()


def test_only_managers_send_links_to_the_contract_s_contacts(world, milestone, gina) -> None:
    with pytest.raises(Forbidden):
        services.create_link(world.actor("member"), milestone, gina, LinkPurpose.SUBMIT)
    stranger = Contact.objects.create(
        party=world.guest_party.__class__.objects.create(organisation=world.acme, name="Other"),
        name="Sam",
        email="sam@other.test",
    )
    with pytest.raises(ValidationFailed):
        services.create_link(world.actor("manager"), milestone, stranger, LinkPurpose.SUBMIT)
    assert not ContactLink.objects.exists()


def test_the_contact_downloads_only_the_milestone_s_files(
    world, milestone, gina, django_capture_on_commit_callbacks
) -> None:
    Milestone.objects.filter(pk=milestone.pk).update(status="submitted")
    version = services.upload_document(
        world.actor("member"),
        milestone.contract,
        SimpleUploadedFile("spec.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
        milestone=milestone,
    )
    other = services.upload_document(
        world.actor("manager"),
        milestone.contract,
        SimpleUploadedFile("contract.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
    )
    token = sent_link(django_capture_on_commit_callbacks, world, milestone, gina, "decide")
    client = Client()
    ok = client.get(reverse("contact-link-download", args=[token, version.pk]))
    assert ok.status_code == 200 and ok["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("contact-link-download", args=[token, other.pk])).status_code == 404
