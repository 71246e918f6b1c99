"""Who may change money, waive penalties, and subscribe; another organisation sees nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pactline.reports import services
from pactline.reports.models import PenaltyWaiver, ReportSubscription
from pactline.reports.subscriptions import send_due
from tests.api.conftest import ApiClient, make_token, url
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
RANK = {"viewer": 0, "member": 1, "manager": 2, "admin": 3, "owner": 4}


@pytest.fixture
def paying(contract, world, frozen_today):
    return MilestoneFactory(
        contract=contract,
        owner=world.user("member"),
        due_date=dt.date(2027, 1, 20),
        payment_amount=Decimal("1000.00"),
        penalty_kind="fixed",
        penalty_rate=Decimal("10"),
    )


def _client(world, role):
    client = Client()
    client.force_login(world.user(role))
    return client


@pytest.mark.parametrize("role", list(RANK))
def test_money_page_posts_need_a_manager(world, paying, role):
    response = _client(world, role).post(
        reverse("milestone-money", args=[paying.pk]),
        {"form": "payment", "invoiced_on": "2027-01-25", "version": paying.version},
    )
    paying.refresh_from_db()
    if RANK[role] >= RANK["manager"]:
        assert response.status_code == 302
        assert paying.invoiced_on == dt.date(2027, 1, 25)
        assert paying.invoiceable_on == dt.date(2027, 1, 25)
    else:
        assert response.status_code == 403
        assert paying.invoiced_on is None


@pytest.mark.parametrize("role", list(RANK))
def test_api_writes_need_a_manager(world, paying, role):
    client = ApiClient(make_token(world.user(role), world.acme))
    payment = client.post(
        url("milestone-payment", milestone_id=paying.pk), {"paid_on": "2027-01-30"}
    )
    waiver = client.post(
        url("milestone-waiver-create", milestone_id=paying.pk), {"reason": "goodwill"}
    )
    penalty = client.get(url("milestone-penalty", milestone_id=paying.pk))
    assert penalty.status_code == 200
    assert Decimal(penalty.json()["accrued"]) in (Decimal("120.00"), Decimal("0"))
    if RANK[role] >= RANK["manager"]:
        assert (payment.status_code, waiver.status_code) == (200, 201), payment.json()
    else:
        assert (payment.status_code, waiver.status_code) == (403, 403)


def test_waivers_reduce_the_penalty_and_record_events(world, paying, manager, login=None):
    from pactline.activity.models import Event
    from pactline.reports.penalties import exposure_of

    today = dt.date(2027, 2, 1)  # 12 days late x 10.00 = 120.00
    assert exposure_of(paying, paying.contract, today).accrued == Decimal("120.00")
    waiver = services.waive_penalty(manager, paying, Decimal("20"), "client delay")
    assert exposure_of(paying, paying.contract, today).accrued == Decimal("100.00")
    assert Event.objects.filter(verb="penalty_waived", subject_id=paying.pk).exists()
    response = _client(world, "member").post(reverse("waiver-delete", args=[waiver.pk]))
    assert response.status_code == 403
    response = _client(world, "outsider").post(reverse("waiver-delete", args=[waiver.pk]))
    assert response.status_code == 404
    response = _client(world, "manager").post(reverse("waiver-delete", args=[waiver.pk]))
    assert response.status_code == 302 and not PenaltyWaiver.objects.exists()


def test_payment_dates_are_checked(paying, manager):
    from pactline.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        services.record_payment(
            manager, paying, {"invoiced_on": dt.date(2027, 1, 30), "paid_on": dt.date(2027, 1, 2)}
        )
    assert "paid_on" in caught.value.errors
    with pytest.raises(ValidationFailed):
        services.record_payment(manager, paying, {"paid_on": dt.date(2027, 3, 1)})  # future


def test_acceptance_makes_a_payment_invoiceable(paying, manager):
    from pactline.milestones.services import transition

    done = transition(manager, paying, "done")
    assert done.invoiceable_on == dt.date(2027, 2, 1)
    reopened = transition(manager, done, "in_progress")
    assert reopened.invoiceable_on is None


def test_subscriptions_are_personal_and_sent_once(world, contract, frozen_today):
    viewer = _client(world, "viewer")
    response = viewer.post(
        reverse("report-subscriptions"),
        {"kind": "contract", "contract": contract.pk, "frequency": "weekly"},
    )
    assert response.status_code == 302
    sub = ReportSubscription.objects.get()
    assert sub.next_send_on == dt.date(2027, 2, 8)  # the next Monday
    assert (
        _client(world, "member")
        .post(reverse("report-subscription-delete", args=[sub.pk]))
        .status_code
        == 403
    )
    assert (
        _client(world, "outsider")
        .post(reverse("report-subscription-delete", args=[sub.pk]))
        .status_code
        == 404
    )
    assert send_due(dt.date(2027, 2, 8)) == 1
    assert send_due(dt.date(2027, 2, 8)) == 0  # claimed: not twice
    message = mail.outbox[-1]
    assert message.to == ["vera@acme.test"] and message.attachments[0][2] == "application/pdf"
    sub.refresh_from_db()
    assert sub.next_send_on == dt.date(2027, 2, 15)
    assert viewer.post(reverse("report-subscription-delete", args=[sub.pk])).status_code == 302
