"""Milestone pages: status buttons, checklist (htmx), editing with reasons, order, delete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pactline.activity.models import Event
from pactline.milestones import services
from pactline.milestones.models import ChecklistItem, Milestone
from tests.factories import MilestoneFactory
from tests.web.conftest import text


def milestone_form(m: Milestone, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": m.title,
        "kind": m.kind,
        "owner": m.owner_id or "",
        "approver": m.approver_id or "",
        "due_anchor": m.due_anchor,
        "due_date": m.due_fixed.isoformat() if m.due_fixed else "",
        "due_offset": m.due_offset,
        "due_unit": m.due_unit,
        "due_period_end": m.due_period_end,
        "due_roll": m.due_roll,
        "due_override": m.due_override.isoformat() if m.due_override else "",
        "anchor_milestone": m.anchor_milestone_id or "",
        "payment_amount": "",
        "payment_share": "",
        "description": m.description,
        "reason": "",
        "version": m.version,
    }
    data.update(overrides)
    return data


def status_url(m: Milestone) -> str:
    return reverse("milestone-status", args=[m.pk])


def detail(client, m: Milestone) -> str:
    return text(client.get(reverse("milestone-detail", args=[m.pk])))


# --- page and status buttons ------------------------------------------------------------------


def test_milestone_page_shows_facts_trace_checklist(login, milestone, frozen_today):
    body = detail(login("viewer"), milestone)
    assert "Design approval" in body and "ACME-001" in body
    assert "Mike" in body
    assert "Monday 1 Mar 2027" in body
    assert "2 of 2" not in body and "0 of 2 done" in body
    assert "Design delivered" in body
    assert "How the due date is computed" in body


def test_viewer_sees_no_status_buttons_and_is_refused(login, milestone):
    client = login("viewer")
    body = detail(client, milestone)
    assert "Start work" not in body and "Mark done" not in body
    assert 'name="status"' not in body
    response = client.post(status_url(milestone), {"status": "in_progress", "version": 1})
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.status == "planned"


def test_member_changes_status_of_own_milestone(login, milestone):
    client = login("member")
    body = detail(client, milestone)
    assert "Start work" in body and "Mark done" in body and "Cancel milestone" in body
    assert "Accept" not in body
    response = client.post(status_url(milestone), {"status": "in_progress", "version": 1})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "in_progress"
    assert "is now in progress" in detail(client, milestone)


def test_member_may_not_touch_someone_elses_milestone(login, contract, world):
    other = MilestoneFactory(contract=contract, owner=world.user("manager"))
    client = login("member")
    body = detail(client, other)
    assert "Start work" not in body and "Edit milestone" not in body
    assert client.post(status_url(other), {"status": "in_progress"}).status_code == 403
    assert client.get(reverse("milestone-edit", args=[other.pk])).status_code == 403


def test_acceptance_flow_with_approver(login, milestone, world, frozen_today):
    Milestone.objects.filter(pk=milestone.pk).update(approver=world.user("manager"))
    member, manager = login("member"), login("manager")
    assert member.post(status_url(milestone), {"status": "in_progress"}).status_code == 302
    body = detail(member, milestone)
    assert "Submit for acceptance" in body
    assert "Mark done" not in body  # with an approver, done comes after acceptance
    assert member.post(status_url(milestone), {"status": "submitted"}).status_code == 302
    assert "Accept" not in detail(member, milestone)
    assert member.post(status_url(milestone), {"status": "accepted"}).status_code == 403
    body = detail(manager, milestone)
    assert ">Accept<" in body and ">Reject<" in body
    response = manager.post(
        status_url(milestone), {"status": "accepted", "completed_on": "2027-01-29"}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "accepted"
    assert milestone.completed_on == dt.date(2027, 1, 29)


def test_rejection_needs_a_reason(login, milestone, world):
    Milestone.objects.filter(pk=milestone.pk).update(
        approver=world.user("manager"), status="submitted"
    )
    client = login("manager")
    response = client.post(status_url(milestone), {"status": "rejected", "note": ""})
    assert response.status_code == 422
    body = text(response)
    assert "A rejection needs a reason" in body[body.index('id="status_note_error"') :][:300]
    response = client.post(
        status_url(milestone), {"status": "rejected", "note": "Diagrams missing"}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "rejected"
    assert "Diagrams missing" in Event.objects.filter(verb="status_changed").first().summary


def test_completion_date_in_the_future_is_refused(login, milestone, frozen_today):
    response = login("member").post(
        status_url(milestone), {"status": "done", "completed_on": "2027-05-01"}
    )
    assert response.status_code == 422
    assert "Must not be in the future" in text(response)


def test_impossible_transition_is_422_not_500(login, milestone):
    client = login("manager")
    response = client.post(status_url(milestone), {"status": "accepted"})
    assert response.status_code == 422
    assert "Cannot go from planned to accepted" in text(response)
    assert client.post(status_url(milestone), {"status": "bogus"}).status_code == 422


def test_status_change_with_stale_version_is_409(login, milestone, manager):
    services.transition(manager, milestone, "in_progress")
    response = login("manager").post(status_url(milestone), {"status": "done", "version": 1})
    assert response.status_code == 409
    assert "changed by someone else" in text(response)


# --- checklist --------------------------------------------------------------------------------


def test_htmx_toggle_returns_only_the_checklist(login, milestone, world):
    item = milestone.checklist.first()
    response = login("member").post(
        reverse("checklist-toggle", args=[item.pk]), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert body.strip().startswith('<div id="checklist">')
    assert 'aria-pressed="true"' in body
    assert "1 of 2 done" in body
    item.refresh_from_db()
    assert item.done and item.done_by == world.user("member")
    again = login("member").post(
        reverse("checklist-toggle", args=[item.pk]), {"done": "0"}, HTTP_HX_REQUEST="true"
    )
    assert "0 of 2 done" in text(again)
    item.refresh_from_db()
    assert not item.done


def test_toggle_without_javascript_redirects_back(login, milestone):
    item = milestone.checklist.first()
    response = login("member").post(reverse("checklist-toggle", args=[item.pk]), {"done": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("milestone-detail", args=[milestone.pk]) + "#checklist"


def test_add_and_remove_checklist_items(login, milestone):
    client = login("member")
    url = reverse("checklist-add", args=[milestone.pk])
    response = client.post(url, {"title": "Client sign-off"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Client sign-off" in text(response)
    empty = client.post(url, {"title": "  "}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422
    assert "This field is required" in text(empty)
    item = ChecklistItem.objects.get(title="Client sign-off")
    response = client.post(reverse("checklist-delete", args=[item.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Client sign-off" not in text(response)
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()


def test_checklist_is_read_only_for_viewers(login, milestone):
    item = milestone.checklist.first()
    client = login("viewer")
    assert "checklist-toggle" not in detail(client, milestone)
    assert reverse("checklist-toggle", args=[item.pk]) not in detail(client, milestone)
    response = client.post(reverse("checklist-toggle", args=[item.pk]), {"done": "1"})
    assert response.status_code == 403
    assert (
        client.post(reverse("checklist-add", args=[milestone.pk]), {"title": "x"}).status_code
        == 403
    )
    item.refresh_from_db()
    assert not item.done


# --- create and edit --------------------------------------------------------------------------


def test_create_milestone_with_a_working_day_rule(login, contract, frozen_today):
    client = login("manager")
    response = client.post(
        reverse("milestone-create", args=[contract.pk]),
        {
            "title": "Design review",
            "kind": "design_approval",
            "owner": "",
            "approver": "",
            "due_anchor": "contract_start",
            "due_offset": "10",
            "due_unit": "working_days",
            "due_date": "",
            "anchor_milestone": "",
            "payment_share": "20",
            "payment_amount": "",
            "description": "",
            "checklist": "Agenda sent\r\n\r\nMinutes written\r\n",
        },
    )
    assert response.status_code == 302
    m = Milestone.objects.get(title="Design review")
    assert m.due_date == dt.date(2027, 1, 18)  # 4 Jan + 10 working days
    assert m.baseline_due_date == m.due_date
    assert str(m.payment_amount) == "20000.00"
    assert list(m.checklist.values_list("title", flat=True)) == ["Agenda sent", "Minutes written"]
    body = detail(client, m)
    assert "contract start (2027-01-04) + 10 working days" in body


def test_milestone_anchor_needs_a_milestone(login, contract):
    response = login("manager").post(
        reverse("milestone-create", args=[contract.pk]),
        {
            "title": "Follow-up",
            "kind": "custom",
            "due_anchor": "milestone",
            "due_offset": "5",
            "due_unit": "calendar_days",
            "anchor_milestone": "",
        },
    )
    assert response.status_code == 422
    body = text(response)
    assert (
        "Is required when the due date follows a milestone"
        in body[body.index('id="id_anchor_milestone_error"') :][:300]
    )


def test_amount_and_share_together_are_refused(login, contract):
    response = login("manager").post(
        reverse("milestone-create", args=[contract.pk]),
        {
            "title": "Pay",
            "kind": "payment",
            "due_anchor": "absolute",
            "due_date": "2027-04-01",
            "due_unit": "calendar_days",
            "payment_amount": "100",
            "payment_share": "10",
        },
    )
    assert response.status_code == 422
    assert "either an amount or a share" in text(response)


def test_reschedule_requires_a_reason_and_keeps_the_baseline(login, milestone):
    client = login("member")
    url = reverse("milestone-edit", args=[milestone.pk])
    form = client.get(url)
    assert "Baseline" in text(form) and 'name="reason"' in text(form)
    response = client.post(url, milestone_form(milestone, due_date="2027-03-15"))
    assert response.status_code == 422
    body = text(response)
    assert "Say why the due date moves" in body[body.index('id="id_reason_error"') :][:300]
    milestone.refresh_from_db()
    assert milestone.due_date == dt.date(2027, 3, 1)
    response = client.post(
        url, milestone_form(milestone, due_date="2027-03-15", reason="Client asked for more time")
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.due_date == dt.date(2027, 3, 15)
    assert milestone.baseline_due_date == dt.date(2027, 3, 1)
    event = Event.objects.get(subject_id=milestone.pk, verb="rescheduled")
    assert "Client asked for more time" in event.summary
    page = detail(client, milestone)
    assert "+14 days" in page and "Client asked for more time" in page


def test_member_cannot_reassign_own_milestone(login, milestone, world):
    client = login("member")
    body = text(client.get(reverse("milestone-edit", args=[milestone.pk])))
    assert 'name="owner" disabled' in body or ('name="owner"' in body and "disabled" in body)
    response = client.post(
        reverse("milestone-edit", args=[milestone.pk]),
        milestone_form(milestone, title="Design sign-off", owner=world.user("viewer").pk),
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.title == "Design sign-off"
    assert milestone.owner == world.user("member")


def test_edit_with_stale_version_is_409(login, milestone, manager):
    services.update_milestone(manager, milestone, {"title": "Renamed"}, expected_version=1)
    response = login("manager").post(
        reverse("milestone-edit", args=[milestone.pk]),
        milestone_form(milestone, title="Mine", version=1),
    )
    assert response.status_code == 409
    assert "changed by someone else" in text(response)


# --- order and delete -------------------------------------------------------------------------


def test_move_milestones_up_and_down(login, contract):
    first = MilestoneFactory(contract=contract, title="First", position=0)
    second = MilestoneFactory(contract=contract, title="Second", position=1)
    client = login("manager")
    response = client.post(reverse("milestone-move", args=[first.pk]), {"direction": "down"})
    assert response.status_code == 302
    order = list(contract.milestones.order_by("position").values_list("title", flat=True))
    assert order == ["Second", "First"]
    client.post(reverse("milestone-move", args=[first.pk]), {"direction": "up"})
    order = list(contract.milestones.order_by("position").values_list("title", flat=True))
    assert order == ["First", "Second"]
    assert (
        login("member")
        .post(reverse("milestone-move", args=[second.pk]), {"direction": "up"})
        .status_code
        == 403
    )
    assert (
        client.post(
            reverse("milestone-move", args=[second.pk]), {"direction": "sideways"}
        ).status_code
        == 422
    )


def test_delete_milestone_managers_only(login, milestone):
    url = reverse("milestone-delete", args=[milestone.pk])
    assert login("member").post(url).status_code == 403
    assert "Delete" not in detail(login("member"), milestone).split("Edit milestone")[-1][:200]
    response = login("manager").post(url)
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_cannot_delete_a_milestone_others_follow(login, contract, manager):
    base = services.create_milestone(
        manager, contract, {"title": "Base", "due_date": dt.date(2027, 3, 1)}
    )
    services.create_milestone(
        manager,
        contract,
        {
            "title": "Follower",
            "due_anchor": "milestone",
            "anchor_milestone_id": base.pk,
            "due_offset": 3,
        },
    )
    response = login("manager").post(reverse("milestone-delete", args=[base.pk]))
    assert response.status_code == 422
    assert "Follower" in text(response)


@pytest.mark.parametrize("name", ["milestone-detail", "milestone-edit", "milestone-delete"])
def test_another_organisations_milestone_is_404(login, milestone, name):
    assert login("outsider").get(reverse(name, args=[milestone.pk])).status_code == 404


def test_another_organisations_checklist_is_404(login, milestone):
    item = milestone.checklist.first()
    client = login("outsider")
    assert (
        client.post(reverse("checklist-toggle", args=[item.pk]), {"done": "1"}).status_code == 404
    )
    assert client.post(reverse("checklist-delete", args=[item.pk])).status_code == 404
    assert client.post(status_url(milestone), {"status": "in_progress"}).status_code == 404
