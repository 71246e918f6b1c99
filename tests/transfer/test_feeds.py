"""Calendar feeds: secret URLs, permissions at request time, valid iCalendar."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
import vobject
from django.test import Client

from pactline.accounts.models import Membership
from pactline.errors import Forbidden, NotFound, ValidationFailed
from pactline.milestones.services import transition, update_milestone
from pactline.transfer.models import FeedToken
from pactline.transfer.services import create_feed, feeds_of, revoke_feed
from tests.factories import ContractFactory, MilestoneFactory


@pytest.fixture
def plan(world, contract, frozen_today):
    users = world.users
    other = ContractFactory(organisation=world.acme, number="ACME-002", title="Second")
    rival = ContractFactory(organisation=world.rival, number="R-1", title="Rival")
    return {
        "mine": MilestoneFactory(
            contract=contract,
            title="Design, review; sign-off",
            owner=users["member"],
            due_date=date(2027, 3, 1),
            description="Line one\nLine two " + "long " * 40,
        ),
        "approve": MilestoneFactory(
            contract=other,
            title="Acceptance",
            owner=users["manager"],
            approver=users["member"],
            due_date=date(2027, 4, 1),
        ),
        "others": MilestoneFactory(
            contract=contract, title="Go-live", owner=users["manager"], due_date=date(2027, 5, 1)
        ),
        "cancelled": MilestoneFactory(
            contract=contract,
            title="Dropped",
            status="cancelled",
            owner=users["member"],
            due_date=date(2027, 6, 1),
        ),
        "undated": MilestoneFactory(contract=contract, title="Someday", due_date=None),
        "rival": MilestoneFactory(contract=rival, title="Rival thing", due_date=date(2027, 3, 3)),
    }


def fetch(raw: str, status: int = 200) -> bytes:
    response = Client().get(f"/feeds/{raw}.ics")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def events(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_my_milestones_feed(member, plan, settings):
    _, raw = create_feed(member, "mine")
    body = fetch(raw)
    got = events(body)
    assert set(got) == {"ACME-001: Design, review; sign-off", "ACME-002: Acceptance"}
    event = got["ACME-001: Design, review; sign-off"]
    milestone = plan["mine"]
    assert str(event["uid"]) == f"milestone-{milestone.pk}@127.0.0.1"
    assert event.decoded("dtstart") == date(2027, 3, 1)
    assert event.decoded("dtend") == date(2027, 3, 2)
    assert b"DTSTART;VALUE=DATE:20270301" in body
    assert event["sequence"] == 1
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["url"]) == f"{settings.BASE_URL}/milestones/{milestone.pk}/"
    assert "Line one\nLine two" in str(event["description"])
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(hours=-15)
    assert max(len(line) for line in body.split(b"\r\n")) <= 75  # folded


def test_feeds_parse_with_vobject(member, plan):
    _, raw = create_feed(member, "mine")
    parsed = vobject.readOne(fetch(raw).decode("utf-8"))
    summaries = sorted(e.summary.value for e in parsed.vevent_list)
    assert summaries == ["ACME-001: Design, review; sign-off", "ACME-002: Acceptance"]
    first = next(e for e in parsed.vevent_list if e.summary.value.startswith("ACME-001"))
    assert first.dtstart.value == date(2027, 3, 1)
    assert first.description.value.startswith("Contract: ACME-001")
    assert first.valarm.trigger.value == timedelta(hours=-15)


def test_organisation_feed_of_a_viewer_stays_in_the_organisation(viewer, plan):
    _, raw = create_feed(viewer, "organisation")
    got = events(fetch(raw))
    assert set(got) == {
        "ACME-001: Design, review; sign-off",
        "ACME-002: Acceptance",
        "ACME-001: Go-live",
    }  # no cancelled, undated or Rival milestone


def test_contract_feed(manager, plan, contract, outsider):
    _, raw = create_feed(manager, "contract", contract)
    assert set(events(fetch(raw))) == {"ACME-001: Design, review; sign-off", "ACME-001: Go-live"}
    with pytest.raises(NotFound):
        create_feed(outsider, "contract", contract)
    with pytest.raises(ValidationFailed):
        create_feed(manager, "contract")
    with pytest.raises(ValidationFailed):
        create_feed(manager, "everything")


def test_unknown_and_revoked_feeds_are_404(member, plan):
    token, raw = create_feed(member, "mine")
    fetch("plf_nothing-here", 404)
    fetch(raw[:-1] + ("A" if raw[-1] != "A" else "B"), 404)
    revoke_feed(member, token)
    fetch(raw, 404)
    assert feeds_of(member) == []


def test_only_the_hash_is_stored(member, plan):
    token, raw = create_feed(member, "mine")
    assert raw.startswith("plf_") and len(raw) > 40
    assert token.token_hash != raw and len(token.token_hash) == 64
    assert not FeedToken.objects.filter(token_hash=raw).exists()
    assert raw not in str(list(FeedToken.objects.values()))


def test_losing_membership_closes_the_feed(member, plan, world):
    _, raw = create_feed(member, "organisation")
    fetch(raw)
    Membership.objects.filter(user=world.users["member"], organisation=world.acme).delete()
    fetch(raw, 404)


def test_a_deactivated_user_closes_the_feed(member, plan, world):
    _, raw = create_feed(member, "mine")
    world.users["member"].is_active = False
    world.users["member"].save()
    fetch(raw, 404)


def test_cancelled_milestones_leave_the_feed(manager, plan):
    _, raw = create_feed(manager, "organisation")
    assert "ACME-001: Go-live" in events(fetch(raw))
    transition(manager, plan["others"], "cancelled")
    assert "ACME-001: Go-live" not in events(fetch(raw))


def test_sequence_follows_the_version(manager, plan):
    _, raw = create_feed(manager, "organisation")
    before = events(fetch(raw))["ACME-001: Go-live"]
    update_milestone(
        manager, plan["others"], {"due_date": date(2027, 5, 8)}, None, reason="vendor late"
    )
    after = events(fetch(raw))["ACME-001: Go-live"]
    assert after["uid"] == before["uid"]
    assert after["sequence"] > before["sequence"]
    assert after.decoded("dtstart") == date(2027, 5, 8)


def test_done_milestones_stay_without_a_reminder(manager, plan):
    transition(manager, plan["others"], "done")
    _, raw = create_feed(manager, "organisation")
    event = events(fetch(raw))["✓ ACME-001: Go-live"]
    assert event.walk("VALARM") == []


def test_revoking_someone_elses_feed(member, manager, world, plan):
    token, _ = create_feed(member, "mine")
    with pytest.raises(Forbidden):
        revoke_feed(manager, token)
    revoke_feed(world.actor("admin"), token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(NotFound):
        revoke_feed(world.actor("outsider"), token)


def test_head_requests_work_and_posts_do_not(member, plan):
    _, raw = create_feed(member, "mine")
    assert Client().head(f"/feeds/{raw}.ics").status_code == 200
    assert Client().post(f"/feeds/{raw}.ics").status_code == 405
