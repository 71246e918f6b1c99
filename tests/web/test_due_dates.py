"""The milestone form's due-date rule (anchors, snapping, rolling, a date set by hand) and the
milestone page's schedule: rule in words, trace, provisional and at-risk markers, slip."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pactline.milestones import services
from pactline.milestones.models import Milestone
from tests.web.conftest import text
from tests.web.test_milestones import milestone_form

pytestmark = pytest.mark.django_db


def field_error(body: str, field_id: str) -> str:
    """The error text shown under one field (empty when there is none)."""
    marker = f'id="{field_id}_error"'
    return body[body.index(marker) :][:400] if marker in body else ""


@pytest.fixture
def acceptance(manager, contract) -> Milestone:
    return services.create_milestone(
        manager, contract, {"title": "Acceptance", "due_date": dt.date(2027, 1, 20)}
    )


@pytest.fixture
def invoice(manager, contract, acceptance) -> Milestone:
    """Due 30 days after Acceptance is complete: provisional until then."""
    return services.create_milestone(
        manager,
        contract,
        {
            "title": "Invoice",
            "due_anchor": "milestone_done",
            "anchor_milestone_id": acceptance.pk,
            "due_offset": 30,
        },
    )


def test_new_milestone_form_offers_every_rule_part(login, contract):
    body = text(login("manager").get(reverse("milestone-create", args=[contract.pk])))
    for label in (
        "Fixed date",
        "Contract signature",
        "Another milestone&#x27;s due date",
        "Another milestone&#x27;s completion",
        "Then snap to",
        "Last working day of the quarter",
        "If not a working day",
        "Next working day in the same month, else previous",
    ):
        assert label in body, label
    assert 'name="due_override"' not in body  # a date by hand comes later, with a reason


def test_create_with_completion_anchor_snap_and_roll(login, contract, acceptance):
    response = login("manager").post(
        reverse("milestone-create", args=[contract.pk]),
        {
            "title": "Final invoice",
            "kind": "payment",
            "due_anchor": "milestone_done",
            "anchor_milestone": acceptance.pk,
            "due_offset": "1",
            "due_unit": "months",
            "due_period_end": "month_end",
            "due_roll": "preceding",
            "due_date": "",
        },
    )
    assert response.status_code == 302, text(response)
    m = Milestone.objects.get(title="Final invoice")
    # 20 Jan + 1 month = 20 Feb, end of month = Sun 28 Feb, previous working day = Fri 26 Feb.
    assert (m.due_date, m.due_provisional) == (dt.date(2027, 2, 26), True)
    assert (m.due_period_end, m.due_roll) == ("month_end", "preceding")


def test_edit_page_shows_the_computed_date_trace_and_baseline(login, invoice):
    body = text(login("manager").get(reverse("milestone-edit", args=[invoice.pk])))
    assert "Friday 19 Feb 2027" in body
    assert "completion of Acceptance (2027-01-20) + 30 calendar days" in body
    assert "Baseline: 19 Feb 2027" in body
    assert 'name="due_override"' in body and "Reason for the change" in body
    assert 'value="milestone_done" selected' in body


def test_override_needs_a_reason_on_the_reason_field(login, acceptance):
    client = login("manager")
    target = reverse("milestone-edit", args=[acceptance.pk])
    response = client.post(target, milestone_form(acceptance, due_override="2027-01-29"))
    assert response.status_code == 422
    assert "Say why the date is set by hand" in field_error(text(response), "id_reason")
    response = client.post(
        target,
        milestone_form(acceptance, due_override="2027-01-29", reason="client on holiday"),
    )
    assert response.status_code == 302
    acceptance.refresh_from_db()
    assert (acceptance.due_date, acceptance.computed_due_date) == (
        dt.date(2027, 1, 29),
        dt.date(2027, 1, 20),
    )
    body = text(client.get(reverse("milestone-detail", args=[acceptance.pk])))
    assert "Set by hand" in body
    assert "29 Jan 2027; the rule gives 20 Jan 2027" in body
    assert "Reason: client on holiday" in body
    edit = text(client.get(target))
    assert "The rule gives 20 Jan 2027; set by hand because: client on holiday" in edit


def test_rule_errors_land_on_their_field(login, acceptance):
    response = login("manager").post(
        reverse("milestone-edit", args=[acceptance.pk]),
        milestone_form(acceptance, due_anchor="milestone_done", anchor_milestone=""),
    )
    assert response.status_code == 422
    assert "Is required when the due date follows a milestone" in field_error(
        text(response), "id_anchor_milestone"
    )


def test_a_rule_cycle_is_named_on_the_anchor_field(login, acceptance, invoice):
    response = login("manager").post(
        reverse("milestone-edit", args=[acceptance.pk]),
        milestone_form(
            acceptance, due_anchor="milestone", anchor_milestone=invoice.pk, reason="loop"
        ),
    )
    assert response.status_code == 422
    error = field_error(text(response), "id_anchor_milestone")
    assert "Would make a dependency cycle: Acceptance -&gt; Invoice -&gt; Acceptance" in error


def test_page_shows_provisional_and_rule_in_words(frozen_today, login, invoice):
    body = text(login("viewer").get(reverse("milestone-detail", args=[invoice.pk])))
    assert "Provisional until Acceptance is complete" in body
    assert "30 calendar days after the completion of Acceptance" in body
    # Acceptance (due 20 Jan) is still open on 1 Feb: its successor's forecast slips.
    assert "At risk: forecast 3 Mar 2027" in body


def test_completion_ends_the_provisional_state_and_slip_shows(
    frozen_today, login, manager, acceptance, invoice
):
    services.transition(manager, acceptance, "done", completed_on=dt.date(2027, 1, 29))
    body = text(login("viewer").get(reverse("milestone-detail", args=[invoice.pk])))
    assert "Provisional until" not in body and "At risk" not in body
    assert "Sunday 28 Feb 2027" in body
    assert "+9 days" in body  # slip against the baseline of 19 Feb


def test_contract_page_marks_provisional_and_at_risk_rows(frozen_today, login, contract, invoice):
    body = text(login("viewer").get(reverse("contract-detail", args=[contract.pk])))
    row = body[body.index(">Invoice</a>") :][:1500]
    assert "provisional" in row and "at risk: forecast 3 Mar 2027" in row
