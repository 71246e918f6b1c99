"""Webhooks to a real HTTP receiver on loopback: signed, retried with backoff, in order,
disabled after persistent failure with a notice to admins, redelivered by hand; Slack and
Teams formats; and the guard against private addresses."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.activity.models import Event
from pactline.errors import ValidationFailed
from pactline.milestones import services as milestone_services
from pactline.notifications import http, services
from pactline.notifications.channels.registry import DeliveryError
from pactline.notifications.models import Delivery, Notification, Subscription
from pactline.notifications.reminders import schedule
from tests.factories import MilestoneFactory
from tests.notifications.conftest import deliver, work

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def hook(world, receiver, clock) -> Subscription:
    admin = world.actor("admin")
    sub = services.create_subscription(
        admin, {"name": "ERP", "url": receiver.url, "event_types": ["milestone.*"]}
    )
    receiver.secret = sub.secret
    return sub


def three_events(world, contract) -> None:
    manager, member = world.actor("manager"), world.actor("member")
    m = milestone_services.create_milestone(
        manager,
        contract,
        {"title": "Go-live", "due_date": dt.date(2027, 6, 1), "owner_id": world.user("member").pk},
    )
    m = milestone_services.transition(member, m, "in_progress")
    milestone_services.update_milestone(member, m, {"description": "cut-over plan"}, None)


def test_retries_back_off_and_keep_the_order(hook, receiver, world, contract, clock) -> None:
    receiver.fail_first = 2
    three_events(world, contract)
    work()
    assert len(receiver.hits) == 1  # the first failed; the others wait behind it
    first = Delivery.objects.filter(subscription=hook).order_by("pk").first()
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.next_attempt_at == dt.datetime(2027, 2, 1, 10, 1, tzinfo=UTC)
    clock.shift(dt.timedelta(seconds=30))
    work()
    assert len(receiver.hits) == 1  # not yet due
    clock.shift(dt.timedelta(seconds=31))
    work()
    assert len(receiver.hits) == 2
    first.refresh_from_db()
    assert first.next_attempt_at == dt.datetime(2027, 2, 1, 10, 3, 1, tzinfo=UTC)  # 2 min
    clock.shift(dt.timedelta(minutes=2))
    work()
    types = [h.json["type"] for h in receiver.accepted]
    assert types == ["milestone.created", "milestone.status_changed", "milestone.updated"]
    ids = [h.json["id"] for h in receiver.accepted]
    assert ids == sorted(ids)
    assert all(h.signed_ok for h in receiver.hits)
    assert receiver.hits[0].headers["X-Pactline-Event"] == "milestone.created"
    attempts = list(first.attempt_rows.order_by("number").values_list("ok", "status_code"))
    assert attempts == [(False, 500), (False, 500), (True, 200)]
    assert Delivery.objects.filter(subscription=hook, status="sent").count() == 3
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0


def test_the_payload_schema(hook, receiver, world, contract, clock) -> None:
    three_events(world, contract)
    work()
    body = receiver.accepted[0].json
    assert set(body) == {
        "id",
        "type",
        "api_version",
        "created_at",
        "organisation",
        "seq",
        "actor",
        "subject",
        "contract_id",
        "summary",
        "changes",
        "data",
    }
    event = Event.objects.get(pk=body["id"])
    assert body["seq"] == event.seq and body["subject"]["type"] == "milestone"
    assert body["organisation"] == {"id": world.acme.pk, "name": "Acme"}
    assert body["data"]["milestone"]["title"] == "Go-live"
    assert body["data"]["contract"]["number"] == "ACME-001"
    assert body["changes"]["title"] == {"before": None, "after": "Go-live"}


def test_a_bad_signature_is_what_the_receiver_sees_with_the_wrong_secret(
    hook, receiver, world, contract, clock
) -> None:
    receiver.secret = "not-the-secret"
    three_events(world, contract)
    work()
    assert receiver.hits[0].signed_ok is False and receiver.hits[0].status == 401
    assert Delivery.objects.filter(subscription=hook, status="pending").count() == 3


def test_persistent_failure_disables_and_tells_the_admins(
    hook, receiver, world, contract, clock, settings
) -> None:
    settings.PACTLINE_WEBHOOK_DISABLE_AFTER = 4
    receiver.fail_first = 1000
    three_events(world, contract)
    for _ in range(6):
        work()
        clock.shift(dt.timedelta(hours=1))
    hook.refresh_from_db()
    assert not hook.active and "4 failed attempts" in hook.disabled_reason
    assert len(receiver.hits) == 4
    assert Event.objects.filter(verb="disabled", subject_type="subscription").count() == 1
    told = set(Notification.objects.filter(topic="admin").values_list("user__email", flat=True))
    assert told == {"adam@acme.test", "olivia@acme.test"}
    mails = Delivery.objects.filter(topic="admin", channel="email")
    assert mails.count() == 2 and set(mails.values_list("status", flat=True)) == {"sent"}
    # Fixed on the other side; an admin switches it on again: the backlog goes out in order.
    receiver.fail_first = 0
    services.update_subscription(world.actor("admin"), hook, {"active": True}, None)
    clock.shift(dt.timedelta(hours=5))
    work()
    assert [h.json["type"] for h in receiver.accepted] == [
        "milestone.created",
        "milestone.status_changed",
        "milestone.updated",
    ]


def test_redeliver_by_hand(hook, receiver, world, contract, clock) -> None:
    three_events(world, contract)
    work()
    first = Delivery.objects.filter(subscription=hook).order_by("pk").first()
    services.redeliver(world.actor("admin"), first)
    deliver()
    assert len(receiver.accepted) == 4
    assert receiver.accepted[-1].json["id"] == receiver.accepted[0].json["id"]
    assert first.attempt_rows.count() == 2
    assert Event.objects.filter(verb="redelivered").count() == 1


def test_private_addresses_are_refused(world, receiver, contract, clock, settings) -> None:
    # Saved while allowed; the setting is turned off later: deliveries are refused then.
    sub = services.create_subscription(world.actor("admin"), {"name": "Local", "url": receiver.url})
    settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS = False
    three_events(world, contract)
    work()
    assert receiver.hits == []
    failed = Delivery.objects.filter(subscription=sub).order_by("pk").first()
    assert failed.status == "failed"  # permanent: no retry
    assert "private or local address (127.0.0.1)" in failed.last_error


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:10.0.0.1", False),
        ("0.0.0.0", False),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_address_guard(address: str, allowed: bool, settings) -> None:
    settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS = False
    assert http.address_allowed(address) is allowed


def test_names_resolving_to_loopback_are_refused(settings) -> None:
    settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS = False
    with pytest.raises(DeliveryError) as caught:
        http.post("http://localhost:9/x", b"{}", {})
    assert caught.value.permanent


def test_redirects_are_not_followed(receiver) -> None:
    receiver.fail_first, receiver.fail_status = 1, 302
    with pytest.raises(DeliveryError) as caught:
        http.post(receiver.url, b"{}", {})
    assert "redirects are not followed" in caught.value.message
    assert caught.value.status_code == 302 and not caught.value.permanent


def test_gone_is_permanent(receiver) -> None:
    receiver.fail_first, receiver.fail_status = 1, 410
    with pytest.raises(DeliveryError) as caught:
        http.post(receiver.url, b"{}", {})
    assert caught.value.permanent


@pytest.mark.parametrize("channel", ["slack", "teams"])
def test_chat_gets_reminders_with_the_facts(channel, world, receiver, contract, clock) -> None:
    owner = world.user("member")
    owner.name = "Mike Member"
    owner.save()
    services.create_subscription(
        world.actor("admin"),
        {"channel": channel, "name": "Team", "url": receiver.url, "contract_id": contract.pk},
    )
    m = MilestoneFactory(
        contract=contract, title="Design approval", owner=owner, due_date=dt.date(2027, 2, 8)
    )
    schedule.refresh_milestones([m.pk])
    work()
    assert len(receiver.accepted) == 1  # the reminder only: chat gets no routine changes
    body = receiver.accepted[0].json
    text = str(body)
    for fact in (
        "Design approval",
        "ACME-001 Billing platform",
        "2027-02-08",
        "Mike Member",
        f"http://testserver/milestones/{m.pk}/",
    ):
        assert fact in text, fact
    if channel == "slack":
        assert body["text"].startswith("Design approval is due in 7 days")
        assert body["blocks"][1]["fields"][0]["text"] == "*Milestone*\nDesign approval"
    else:
        card = body["attachments"][0]["content"]
        assert card["type"] == "AdaptiveCard" and card["body"][1]["type"] == "FactSet"


def test_chat_for_another_contract_hears_nothing(world, receiver, contract, clock) -> None:
    from tests.factories import ContractFactory

    other = ContractFactory(organisation=world.acme, number="ACME-009")
    services.create_subscription(
        world.actor("admin"),
        {"channel": "slack", "name": "Other", "url": receiver.url, "contract_id": other.pk},
    )
    m = MilestoneFactory(
        contract=contract, owner=world.user("member"), due_date=dt.date(2027, 2, 8)
    )
    schedule.refresh_milestones([m.pk])
    work()
    assert receiver.hits == []


def test_ping(hook, receiver, world, clock) -> None:
    services.ping(world.actor("admin"), hook)
    deliver()
    assert receiver.accepted[0].json["type"] == "subscription.pinged"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "https://api.localhost/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
    ],
)
def test_local_urls_are_refused_when_saved(url: str, world, settings) -> None:
    settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS = False
    with pytest.raises(ValidationFailed) as caught:
        services.create_subscription(world.actor("admin"), {"name": "Local", "url": url})
    assert "private or local address" in caught.value.errors["url"][0]


def test_local_urls_are_refused_by_the_api_with_422(world, settings) -> None:
    from django.test import Client

    from pactline.accounts.models import Membership
    from pactline.accounts.services import create_token

    settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS = False
    admin = Membership.objects.get(user=world.user("admin"), organisation=world.acme)
    _, raw = create_token(admin, "ci")
    response = Client().post(
        "/api/v1/webhooks",
        {"name": "Metadata", "url": "http://169.254.169.254/"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422, response.content
    assert "private or local address" in response.json()["errors"]["url"][0]


def test_public_urls_are_saved(world, settings) -> None:
    settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS = False
    sub = services.create_subscription(
        world.actor("admin"), {"name": "Public", "url": "https://hooks.example.com/pactline"}
    )
    assert sub.pk


def test_redirects_to_a_local_address_are_not_followed(receiver) -> None:
    """Even with local addresses allowed (the receiver is on loopback), a 3xx is a failed
    attempt: its Location (here the cloud metadata address) is never requested."""
    receiver.fail_first, receiver.fail_status = 1, 307
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    with pytest.raises(DeliveryError) as caught:
        http.post(receiver.url, b"{}", {})
    assert caught.value.status_code == 307 and "not followed" in caught.value.message
    assert [h.path for h in receiver.hits] == ["/hook"]
