"""What-if from the edit forms: "Preview the effect" (htmx fragment or page), then "Apply"
exactly what was previewed, or a 409 with the preview again when the contract changed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from pactline.activity.models import Event
from pactline.milestones import services
from pactline.milestones.models import Milestone
from tests.web.conftest import text
from tests.web.test_contracts import edit_form
from tests.web.test_milestones import milestone_form

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def chain(manager, contract) -> list[Milestone]:
    """Design (fixed 1 March) -> Build (10 working days after) -> Test (5 after, pays 5000)."""
    design = services.create_milestone(
        manager, contract, {"title": "Design", "due_date": dt.date(2027, 3, 1)}
    )
    build = services.create_milestone(
        manager,
        contract,
        {
            "title": "Build",
            "due_anchor": "milestone",
            "anchor_milestone_id": design.pk,
            "due_offset": 10,
            "due_unit": "working_days",
        },
    )
    test = services.create_milestone(
        manager,
        contract,
        {
            "title": "Test",
            "due_anchor": "milestone",
            "anchor_milestone_id": build.pk,
            "due_offset": 5,
            "due_unit": "working_days",
            "payment_amount": "5000",
        },
    )
    return [design, build, test]


def dates() -> dict[str, dt.date]:
    return dict(Milestone.objects.values_list("title", "due_date"))


def preview(client, m: Milestone, **changes: object):
    return client.post(
        reverse("milestone-what-if", args=[m.pk]), milestone_form(m, **changes), headers=HTMX
    )


def apply_data(body: str, reason: str = "design slipped") -> dict[str, str]:
    """The Apply form's hidden fields as the page holds them."""

    def value(name: str) -> str:
        start = body.index(f'name="{name}" value="') + len(f'name="{name}" value="')
        return body[start : body.index('"', start)].replace("&quot;", '"')

    return {"proposal": value("proposal"), "basis": value("basis"), "reason": reason}


def test_edit_form_offers_the_preview_to_managers_only(login, chain, world):
    body = text(login("manager").get(reverse("milestone-edit", args=[chain[0].pk])))
    assert "Preview the effect" in body and 'id="what-if"' in body
    Milestone.objects.filter(pk=chain[0].pk).update(owner=world.user("member"))
    body = text(login("member").get(reverse("milestone-edit", args=[chain[0].pk])))
    assert "Preview the effect" not in body


def test_preview_lists_downstream_moves_and_payments_without_saving(login, chain):
    before, events = dates(), Event.objects.count()
    response = preview(login("manager"), chain[0], due_date="2027-03-05", reason="late spec")
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body  # the fragment, for htmx
    assert "Milestones whose dates would move (3)" in body
    test_row = body[body.index(">Test</a>") :][:900]
    assert "22 Mar 2027" in test_row and "26 Mar 2027" in test_row
    assert "2027-03-26 = Build (2027-03-19) + 5 working days" in test_row
    assert "Payments whose dates would move (1)" in body and "5,000.00 EUR" in body
    assert 'name="basis"' in body and "late spec</textarea>" in body
    assert dates() == before and Event.objects.count() == events


def test_preview_without_script_is_a_page(login, chain):
    response = login("manager").post(
        reverse("milestone-what-if", args=[chain[0].pk]),
        milestone_form(chain[0], due_date="2027-03-05"),
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and "What the change would move" in body


def test_nothing_to_preview_says_what_can_be(login, chain):
    body = text(preview(login("manager"), chain[0], title="Design sign-off"))
    assert "Change the fixed due date or the date set by hand" in body
    assert 'name="basis"' not in body


def test_an_invalid_form_is_422_naming_the_problem(login, chain):
    response = preview(login("manager"), chain[0], due_date="2027-02-30")
    assert response.status_code == 422
    assert "Fixed due date: Enter a valid date." in text(response)


def test_apply_commits_exactly_the_preview(login, chain):
    client = login("manager")
    body = text(preview(client, chain[1], due_override="2027-03-22", reason="team away"))
    response = client.post(
        reverse("milestone-what-if-apply", args=[chain[1].pk]), apply_data(body, "team away")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("milestone-detail", args=[chain[1].pk])
    assert dates() == {
        "Design": dt.date(2027, 3, 1),
        "Build": dt.date(2027, 3, 22),
        "Test": dt.date(2027, 3, 29),
    }
    build = Milestone.objects.get(title="Build")
    assert build.due_override_reason == "team away"
    page = text(client.get(response["Location"]))
    assert "Change applied: 2 milestone dates moved." in page


def test_apply_after_someone_changed_the_contract_is_409_with_a_fresh_preview(
    login, manager, chain
):
    client = login("manager")
    body = text(preview(client, chain[0], due_date="2027-03-05"))
    services.update_milestone(manager, chain[2], {"payment_amount": "6000"}, None)
    before = dates()
    response = client.post(reverse("milestone-what-if-apply", args=[chain[0].pk]), apply_data(body))
    assert response.status_code == 409
    page = text(response)
    assert "The contract changed after your preview, so nothing was applied" in page
    assert "6,000.00 EUR" in page  # previewed again, as things stand now
    assert apply_data(page)["basis"] != apply_data(body)["basis"]
    assert dates() == before


def test_apply_needs_a_reason_on_the_reason_field(login, chain):
    client = login("manager")
    body = text(preview(client, chain[0], due_date="2027-03-05"))
    response = client.post(
        reverse("milestone-what-if-apply", args=[chain[0].pk]), apply_data(body, reason="")
    )
    assert response.status_code == 422
    page = text(response)
    assert "This field is required." in page[page.index('id="whatif_reason_error"') :][:300]
    assert "Milestones whose dates would move (3)" in page


def test_a_tampered_proposal_is_refused(login, chain):
    client = login("manager")
    body = text(preview(client, chain[0], due_date="2027-03-05"))
    data = apply_data(body)
    data["proposal"] = json.dumps({"milestones": [{"id": chain[0].pk, "due_date": "soon"}]})
    response = client.post(reverse("milestone-what-if-apply", args=[chain[0].pk]), data)
    assert response.status_code == 422
    assert "preview again" in text(response)


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_may_not_preview_or_apply(login, chain, world, role):
    Milestone.objects.filter(pk=chain[0].pk).update(owner=world.user("member"))
    client = login(role)
    assert preview(client, chain[0], due_date="2027-03-05").status_code == 403
    response = client.post(
        reverse("milestone-what-if-apply", args=[chain[0].pk]),
        {"proposal": "{}", "basis": "x", "reason": "r"},
    )
    assert response.status_code == 403


def test_contract_dates_are_previewed_and_applied(login, manager, contract):
    services.create_milestone(
        manager,
        contract,
        {
            "title": "Kick-off",
            "due_anchor": "contract_start",
            "due_offset": 5,
            "due_unit": "working_days",
        },
    )
    client = login("manager")
    assert "Preview the effect" in text(client.get(reverse("contract-edit", args=[contract.pk])))
    response = client.post(
        reverse("contract-what-if", args=[contract.pk]),
        edit_form(contract, start_on="2027-01-11"),
        headers=HTMX,
    )
    body = text(response)
    assert response.status_code == 200, body
    row = body[body.index(">Kick-off</a>") :][:600]
    assert "11 Jan 2027" in row and "18 Jan 2027" in row
    response = client.post(
        reverse("contract-what-if-apply", args=[contract.pk]), apply_data(body, "start moved")
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.start_on == dt.date(2027, 1, 11)
    assert dates() == {"Kick-off": dt.date(2027, 1, 18)}


def test_contract_preview_without_date_changes_says_so(login, contract):
    response = login("manager").post(
        reverse("contract-what-if", args=[contract.pk]), edit_form(contract), headers=HTMX
    )
    assert "Change the start, end or signature date" in text(response)
