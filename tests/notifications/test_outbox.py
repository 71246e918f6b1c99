"""The outbox: committed events become notifications for the right people, once; the in-app
inbox with its unread count; reminder times follow changes made anywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.milestones import services as milestone_services
from pactline.notifications import outbox, services
from pactline.notifications.models import Delivery, Notification, OutboxCursor
from tests.api.conftest import url
from tests.factories import MilestoneFactory
from tests.notifications.conftest import work

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def submitted(world, contract, clock):
    member = world.actor("member")
    m = MilestoneFactory(
        contract=contract,
        title="UAT",
        owner=world.user("member"),
        approver=world.user("manager"),
        due_date=dt.date(2027, 5, 3),
    )
    m = milestone_services.transition(member, m, "in_progress")
    return milestone_services.transition(member, m, "submitted")


def test_a_submission_reaches_the_approver_once(submitted, world, clock) -> None:
    work()
    note = Notification.objects.get(user=world.user("manager"))
    assert (note.topic, note.title) == ("approval", "UAT awaits your acceptance")
    assert note.url == f"/milestones/{submitted.pk}/"
    assert not Notification.objects.filter(user=world.user("member")).exists()  # own action
    work()
    assert Notification.objects.filter(user=world.user("manager")).count() == 1
    cursor = OutboxCursor.objects.get(organisation=world.acme)
    assert cursor.last_seq == world.acme.__class__.objects.get(pk=world.acme.pk).audit_seq


def test_watchers_hear_about_changes_in_their_digest(world, contract, clock) -> None:
    viewer = world.actor("viewer")
    services.watch(viewer, contract=contract)
    m = MilestoneFactory(contract=contract, owner=world.user("member"))
    milestone_services.update_milestone(world.actor("member"), m, {"description": "x"}, None)
    work()
    vera = world.user("viewer")
    assert Notification.objects.filter(user=vera, topic="activity").count() == 1
    digest = Delivery.objects.get(recipient=vera, channel="email", topic="activity")
    assert digest.status == "batched"  # in today's daily digest (it is past 08:00 in London)


def test_new_owners_are_told(world, contract, clock) -> None:
    m = MilestoneFactory(contract=contract)
    milestone_services.update_milestone(
        world.actor("manager"), m, {"owner_id": world.user("viewer").pk}, None
    )
    work()
    note = Notification.objects.get(user=world.user("viewer"))
    assert note.topic == "assignment" and note.title.startswith("You now own")


def test_preferences_turn_channels_off(world, submitted, clock) -> None:
    services.set_preferences(
        world.actor("manager"), [{"topic": "approval", "email": "off", "in_app": False}]
    )
    work()
    assert not Delivery.objects.filter(recipient=world.user("manager")).exists()


def test_history_from_before_is_not_replayed(world, contract, clock) -> None:
    MilestoneFactory(contract=contract)
    milestone_services.update_milestone(
        world.actor("manager"),
        MilestoneFactory(contract=contract),
        {"owner_id": world.user("viewer").pk},
        None,
    )
    org = world.acme.__class__.objects.get(pk=world.acme.pk)
    OutboxCursor.objects.create(organisation=org, last_seq=org.audit_seq)  # as the migration does
    assert outbox.dispatch() == 0
    assert not Notification.objects.exists()


def test_reminder_times_follow_a_reschedule(world, contract, clock) -> None:
    m = milestone_services.create_milestone(
        world.actor("manager"),
        contract,
        {"title": "Go-live", "due_date": dt.date(2027, 3, 1), "owner_id": world.user("member").pk},
    )
    work()
    m.refresh_from_db()
    assert m.next_reminder_at == dt.datetime(2027, 2, 15, 9, tzinfo=UTC)  # 14 days before
    milestone_services.update_milestone(
        world.actor("manager"), m, {"due_date": dt.date(2027, 4, 1)}, None, reason="slipped"
    )
    work()
    m.refresh_from_db()
    assert m.next_reminder_at == dt.datetime(2027, 3, 18, 9, tzinfo=UTC)


def test_the_inbox_over_the_api(api_as, submitted, world, clock) -> None:
    work()
    client = api_as("manager")
    assert client.get(url("notification-unread-count")).json() == {"count": 1}
    items = client.get(url("notification-list"), {"unread": "true"}).json()["items"]
    assert items[0]["title"] == "UAT awaits your acceptance" and items[0]["read"] is False
    read = client.post(url("notification-read", notification_id=items[0]["id"])).json()
    assert read["read"] is True
    assert client.get(url("notification-unread-count")).json() == {"count": 0}


def test_the_inbox_page_and_badge(login, submitted, world, clock) -> None:
    work()
    page = login("manager").get("/notifications/").content.decode()
    assert "UAT awaits your acceptance" in page
    assert 'aria-label="1 unread"' in page  # the badge in the header
    client = login("manager")
    note = Notification.objects.get(user=world.user("manager"))
    opened = client.post(f"/notifications/{note.pk}/read/", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == f"/milestones/{submitted.pk}/"
    assert 'aria-label="1 unread"' not in client.get("/notifications/").content.decode()


def test_mark_all_read(login, world, contract, clock) -> None:
    for _ in range(3):
        Notification.objects.create(
            organisation=world.acme, user=world.user("viewer"), topic="activity", title="x"
        )
    client = login("viewer")
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
