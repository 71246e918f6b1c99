"""Signed e-mail links: valid ones act once (recorded as events); expired, reused, tampered
and orphaned ones are refused and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from pactline.activity.models import Event
from pactline.milestones.models import Milestone
from pactline.notifications import links
from pactline.notifications.models import ReminderState, UsedLink
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone(world, contract):
    return MilestoneFactory(
        contract=contract, owner=world.user("member"), due_date=dt.date(2027, 2, 8)
    )


def path_of(world, milestone, action: str, days: int = 0) -> str:
    full = links.make_url(world.user("member").pk, world.acme.pk, milestone.pk, action, days)
    return full.removeprefix("http://testserver")


def test_valid_snooze_link_records_the_event(world, milestone, clock) -> None:
    path = path_of(world, milestone, "snooze", 3)
    assert Client().post(path).status_code == 200
    state = ReminderState.objects.get(milestone=milestone, user=world.user("member"))
    assert state.snoozed_until == dt.date(2027, 2, 4)
    event = Event.objects.get(verb="snoozed", subject_id=milestone.pk)
    assert event.actor_id == world.user("member").pk and "e-mail link" in event.summary


def test_expired_link_is_refused(world, milestone, clock, settings) -> None:
    path = path_of(world, milestone, "done")
    clock.shift(dt.timedelta(days=settings.PACTLINE_LINK_MAX_AGE_DAYS, seconds=1))
    for method in ("get", "post"):
        answer = getattr(Client(), method)(path)
        assert answer.status_code == 410 and "expired" in answer.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).status == "planned"


def test_reused_link_is_refused(world, milestone, clock) -> None:
    path = path_of(world, milestone, "snooze", 3)
    assert Client().post(path).status_code == 200
    second = Client().post(path)
    assert second.status_code == 410 and "used already" in second.content.decode()
    assert Client().get(path).status_code == 410
    assert Event.objects.filter(verb="snoozed").count() == 1
    assert UsedLink.objects.count() == 1


@pytest.mark.parametrize("damage", ["flip", "other-action", "other-milestone", "garbage"])
def test_tampered_link_is_refused(world, milestone, clock, damage: str) -> None:
    token = path_of(world, milestone, "snooze", 3).split("/")[2]
    if damage == "flip":
        token = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    elif damage == "other-action":
        _data, rest = token.split(":", 1)
        token = (
            links.make_token(
                links.Link("x" * 32, world.user("member").pk, world.acme.pk, milestone.pk, "done")
            )[:-4]
            + rest[-4:]
        )
    elif damage == "other-milestone":
        payload = token.split(":")
        payload[0] = payload[0][::-1]
        token = ":".join(payload)
    else:
        token = "not-a-token"
    answer = Client().post(reverse("link-action", args=[token]))
    assert answer.status_code == 400 and "not valid" in answer.content.decode()
    assert not Event.objects.filter(verb__in=["snoozed", "status_changed"]).exists()


def test_a_link_of_someone_who_left_is_refused(world, milestone, clock) -> None:
    path = path_of(world, milestone, "done")
    world.user("member").memberships.all().delete()
    assert Client().post(path).status_code == 400
    assert Milestone.objects.get(pk=milestone.pk).status == "planned"


def test_mark_done_on_a_milestone_with_an_approver_submits_it(world, milestone, clock) -> None:
    milestone.approver = world.user("manager")
    milestone.save()
    assert Client().post(path_of(world, milestone, "done")).status_code == 200
    assert Milestone.objects.get(pk=milestone.pk).status == "submitted"


def test_a_refused_action_does_not_use_the_link(world, milestone, clock) -> None:
    milestone.status = "cancelled"
    milestone.save()
    path = path_of(world, milestone, "done")
    assert Client().post(path).status_code == 422
    assert not UsedLink.objects.exists()
