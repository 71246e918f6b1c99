"""Recurring obligations over the API: a series makes real milestones; occurrences are edited
one at a time or from one on."""

from __future__ import annotations

import pytest

from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone, MilestoneSeries
from tests.api.conftest import ApiClient, url
from tests.conftest import World

pytestmark = pytest.mark.django_db

MONTHLY = {
    "title": "Monthly report",
    "rrule": "FREQ=MONTHLY;BYMONTHDAY=-1",
    "starts_on": "2027-01-01",
    "roll": "preceding",
    "window_days": 90,
}


@pytest.fixture
def series(as_manager: ApiClient, contract: Contract, world: World, frozen_today) -> dict:
    body = {**MONTHLY, "owner_id": world.user("member").pk, "payment_amount": "250"}
    response = as_manager.post(url("contract-series-create", contract_id=contract.pk), body)
    assert response.status_code == 201, response.json()
    return response.json()


def test_create_generates_occurrences_as_milestones(series: dict, contract: Contract) -> None:
    assert series["rrule"] == "FREQ=MONTHLY;BYMONTHDAY=-1"
    assert (series["starts_on"], series["ends_on"]) == ("2027-01-01", None)
    assert series["generated_until"] == "2027-05-02"  # 1 Feb + 90 days
    assert series["payment_amount"] == "250.00"
    assert [(o["occurrence_date"], o["due_date"]) for o in series["occurrences"]] == [
        ("2027-01-31", "2027-01-29"),  # a Sunday, rolled to Friday
        ("2027-02-28", "2027-02-26"),
        ("2027-03-31", "2027-03-31"),
        ("2027-04-30", "2027-04-30"),
    ]
    first = Milestone.objects.get(pk=series["occurrences"][0]["id"])
    assert first.contract_id == contract.pk and first.series_id == series["id"]
    assert first.title == "Monthly report (2027-01-31)"


def test_list_and_read(as_viewer: ApiClient, series: dict, contract: Contract) -> None:
    listed = as_viewer.get(url("contract-series-list", contract_id=contract.pk)).json()
    assert [s["id"] for s in listed["items"]] == [series["id"]] and listed["count"] == 1
    one = as_viewer.get(url("series-detail", series_id=series["id"]))
    assert one.status_code == 200 and len(one.json()["occurrences"]) == 4
    milestone = as_viewer.get(url("milestone-detail", milestone_id=series["occurrences"][1]["id"]))
    body = milestone.json()
    assert (body["series_id"], body["occurrence_date"], body["detached"]) == (
        series["id"],
        "2027-02-28",
        False,
    )


def test_edit_this_occurrence_only(as_member: ApiClient, series: dict) -> None:
    first = series["occurrences"][0]["id"]
    response = as_member.patch(
        url("milestone-occurrence-update", milestone_id=first),
        {"scope": "this", "title": "January report", "version": 1},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "January report" and response.json()["detached"] is True
    others = Milestone.objects.filter(series_id=series["id"]).exclude(pk=first)
    assert not any(m.detached for m in others)


def test_edit_this_and_following_starts_a_new_series(as_manager: ApiClient, series: dict) -> None:
    third = series["occurrences"][2]
    response = as_manager.patch(
        url("milestone-occurrence-update", milestone_id=third["id"]),
        {"scope": "following", "payment_amount": "300", "reason": "new rate", "version": 1},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["occurrence_date"] == "2027-03-31"
    assert response.json()["payment_amount"] == "300.00"
    old, new = MilestoneSeries.objects.order_by("pk")
    assert old.ends_on.isoformat() == "2027-03-30" and new.starts_on.isoformat() == "2027-03-31"
    amounts = Milestone.objects.order_by("occurrence_date").values_list("payment_amount", flat=True)
    assert [str(a) for a in amounts] == ["250.00", "250.00", "300.00", "300.00"]


def test_a_stale_version_is_409_for_either_scope(as_manager: ApiClient, series: dict) -> None:
    first = series["occurrences"][0]["id"]
    for scope in ("this", "following"):
        response = as_manager.patch(
            url("milestone-occurrence-update", milestone_id=first),
            {"scope": scope, "title": "Late", "version": 7},
        )
        assert response.status_code == 409, scope
    assert MilestoneSeries.objects.count() == 1


def test_scope_must_be_known_and_the_milestone_an_occurrence(
    as_manager: ApiClient, series: dict, contract: Contract
) -> None:
    first = series["occurrences"][0]["id"]
    response = as_manager.patch(
        url("milestone-occurrence-update", milestone_id=first), {"scope": "all", "title": "x"}
    )
    assert response.status_code == 422 and "scope" in response.json()["errors"]
    single = as_manager.post(
        url("contract-milestone-create", contract_id=contract.pk), {"title": "One-off"}
    ).json()
    response = as_manager.patch(
        url("milestone-occurrence-update", milestone_id=single["id"]),
        {"scope": "this", "title": "x"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "scope": ["this milestone is not part of a recurring series"]
    }


def test_members_edit_their_occurrence_but_not_the_series(
    as_member: ApiClient, series: dict, contract: Contract
) -> None:
    first = series["occurrences"][0]["id"]
    response = as_member.patch(
        url("milestone-occurrence-update", milestone_id=first),
        {"scope": "following", "title": "Mine now"},
    )
    assert response.status_code == 403
    response = as_member.post(url("contract-series-create", contract_id=contract.pk), MONTHLY)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"rrule": "FREQ=HOURLY"}, "rrule"),
        ({"window_days": 2}, "window_days"),
        ({"roll": "sideways"}, "roll"),
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"kind": "nonsense"}, "kind"),
        ({"owner_id": 10**9}, "owner_id"),
    ],
)
def test_bad_series_are_422_naming_the_field(
    as_manager: ApiClient, contract: Contract, body: dict, field: str
) -> None:
    response = as_manager.post(
        url("contract-series-create", contract_id=contract.pk), {**MONTHLY, **body}
    )
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not MilestoneSeries.objects.exists()


def test_an_owner_from_another_organisation_is_refused(
    as_manager: ApiClient, contract: Contract, world: World
) -> None:
    response = as_manager.post(
        url("contract-series-create", contract_id=contract.pk),
        {**MONTHLY, "owner_id": world.outsider.pk},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"owner_id": ["is not a member of this organisation"]}
