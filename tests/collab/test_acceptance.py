"""The acceptance workflow: submit with deliverables and a note, reject with a reason,
resubmit, accept (the approver or a manager only); the page shows the whole exchange, and an
accepted payment milestone becomes invoiceable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pactline.collab import services
from pactline.collab.models import DocumentVersion
from pactline.errors import Forbidden, ValidationFailed
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone
from tests.conftest import World
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def milestone(contract, world: World) -> Milestone:
    return MilestoneFactory(
        contract=contract,
        title="User acceptance testing",
        kind="payment",
        payment_amount=Decimal("20000.00"),
        owner=world.user("member"),
        approver=world.user("admin"),
        status="in_progress",
    )


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_whole_exchange(world: World, milestone: Milestone, frozen_today) -> None:
    member, approver = world.actor("member"), world.actor("admin")
    services.submit_for_acceptance(member, milestone, "Test report attached", [pdf("report.pdf")])
    milestone.refresh_from_db()
    assert milestone.status == "submitted"
    with pytest.raises(ValidationFailed) as no_reason:
        milestone_services.transition(approver, milestone, "rejected", note="  ")
    assert no_reason.value.errors["note"] == ["a rejection needs a reason"]
    milestone_services.transition(approver, milestone, "rejected", note="Three tests fail")
    milestone.refresh_from_db()
    services.submit_for_acceptance(member, milestone, "Fixed", [pdf("report-v2.pdf")])
    milestone.refresh_from_db()
    with pytest.raises(Forbidden):
        milestone_services.transition(world.actor("viewer"), milestone, "accepted")
    with pytest.raises(Forbidden):
        milestone_services.transition(
            member, milestone, "accepted"
        )  # the owner is not the approver
    milestone_services.transition(approver, milestone, "accepted")
    milestone.refresh_from_db()
    assert milestone.status == "accepted"
    assert milestone.invoiceable_on == dt.date(2027, 2, 1)
    assert DocumentVersion.objects.count() == 2

    client = Client()
    client.force_login(world.user("viewer"))
    page = client.get(reverse("milestone-detail", args=[milestone.pk])).content.decode()
    exchange = page[page.index('id="acceptance"') :]
    order = [exchange.index(s) for s in ("Test report attached", "Three tests fail", "Fixed")]
    assert order == sorted(order)
    assert "report.pdf" in exchange and "report-v2.pdf" in exchange
    assert "Reason: Three tests fail" in exchange
    assert exchange.count("<strong>Submitted</strong>") == 2
    assert "<strong>Accepted</strong>" in exchange and "<strong>Rejected</strong>" in exchange


def test_a_manager_may_decide_too(world: World, milestone: Milestone) -> None:
    milestone_services.transition(world.actor("member"), milestone, "submitted")
    milestone.refresh_from_db()
    milestone_services.transition(world.actor("manager"), milestone, "accepted")


def test_reopening_takes_invoiceable_back(world: World, milestone: Milestone) -> None:
    milestone_services.transition(world.actor("member"), milestone, "submitted")
    milestone.refresh_from_db()
    milestone_services.transition(world.actor("admin"), milestone, "accepted")
    milestone.refresh_from_db()
    assert milestone.invoiceable_on is not None
    milestone_services.transition(world.actor("manager"), milestone, "in_progress")
    milestone.refresh_from_db()
    assert milestone.invoiceable_on is None


def test_nothing_is_stored_for_a_submission_that_cannot_happen(world: World, milestone) -> None:
    Milestone.objects.filter(pk=milestone.pk).update(status="planned")
    milestone.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.submit_for_acceptance(world.actor("member"), milestone, "", [pdf("early.pdf")])
    assert not DocumentVersion.objects.exists()


def test_submit_page_with_files(world: World, milestone: Milestone) -> None:
    client = Client()
    client.force_login(world.user("member"))
    response = client.post(
        reverse("milestone-submit", args=[milestone.pk]),
        {"note": "Here", "files": [pdf("a.pdf"), pdf("b.pdf")], "version": milestone.version},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "submitted"
    assert sorted(DocumentVersion.objects.values_list("filename", flat=True)) == ["a.pdf", "b.pdf"]
    response = client.post(
        reverse("milestone-submit", args=[milestone.pk]), {"note": "again", "version": 1}
    )
    assert response.status_code == 302  # not possible now: said as a message
    assert "Not submitted" in client.get(response["Location"]).content.decode()
