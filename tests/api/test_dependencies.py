"""Dependencies over the API: links with a lag push successors, cycles are named, rules read."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract
from pactline.milestones import services
from pactline.milestones.models import Dependency, Milestone
from tests.api.conftest import ApiClient, url
from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(manager: Actor, contract: Contract) -> tuple[Milestone, Milestone]:
    design = services.create_milestone(
        manager, contract, {"title": "Approve design", "due_date": dt.date(2027, 3, 10)}
    )
    build = services.create_milestone(
        manager, contract, {"title": "Start build", "due_date": dt.date(2027, 3, 11)}
    )
    return design, build


def test_link_pushes_the_successor_and_lists_both_ways(as_manager: ApiClient, pair) -> None:
    design, build = pair
    response = as_manager.post(
        url("milestone-dependency-create", milestone_id=build.pk),
        {"predecessor_id": design.pk, "lag": 3, "lag_unit": "working_days"},
    )
    assert response.status_code == 201, response.json()
    link = response.json()
    assert link == {
        "id": link["id"],
        "predecessor_id": design.pk,
        "predecessor_title": "Approve design",
        "successor_id": build.pk,
        "successor_title": "Start build",
        "lag": 3,
        "lag_unit": "working_days",
        "created_at": link["created_at"],
    }
    moved = as_manager.get(url("milestone-detail", milestone_id=build.pk)).json()
    assert moved["due_date"] == "2027-03-15"
    assert moved["computed_due_date"] == "2027-03-15"
    assert "pushed to 2027-03-15 by Approve design" in moved["due_date_trace"]
    assert moved["baseline_due_date"] == "2027-03-11" and moved["slip_days"] == 4
    for milestone in (design, build):
        listed = as_manager.get(url("milestone-dependency-list", milestone_id=milestone.pk))
        assert [d["id"] for d in listed.json()["items"]] == [link["id"]]
    detail = as_manager.get(url("dependency-detail", dependency_id=link["id"]))
    assert detail.json()["lag"] == 3


def test_a_cycle_is_refused_naming_it(as_manager: ApiClient, manager: Actor, pair) -> None:
    design, build = pair
    services.add_dependency(manager, build, design.pk)
    response = as_manager.post(
        url("milestone-dependency-create", milestone_id=design.pk), {"predecessor_id": build.pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "predecessor_id": [
            "would make a dependency cycle: Approve design -> Start build -> Approve design"
        ]
    }
    assert Dependency.objects.count() == 1


def test_a_rule_anchor_cycle_is_refused_on_the_anchor_field(
    as_manager: ApiClient, manager: Actor, pair
) -> None:
    design, build = pair
    services.add_dependency(manager, build, design.pk)
    response = as_manager.patch(
        url("milestone-update", milestone_id=design.pk),
        {"due_anchor": "milestone", "anchor_milestone_id": build.pk, "reason": "loop"},
    )
    assert response.status_code == 422
    assert "dependency cycle" in response.json()["errors"]["anchor_milestone_id"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"predecessor_id": 10**9}, "predecessor_id"),
        ({"predecessor_id": 1, "lag_unit": "weeks"}, "lag_unit"),
        ({"predecessor_id": 1, "lag": 10**7}, "lag"),
        ({"predecessor_id": 1, "extra": 1}, "extra"),
    ],
)
def test_bad_links_are_422_naming_the_field(
    as_manager: ApiClient, pair, body: dict, field: str
) -> None:
    _, build = pair
    response = as_manager.post(url("milestone-dependency-create", milestone_id=build.pk), body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_a_milestone_of_another_contract_cannot_be_a_predecessor(
    as_manager: ApiClient, world: World, pair
) -> None:
    _, build = pair
    elsewhere = MilestoneFactory(contract=ContractFactory(organisation=world.acme))
    response = as_manager.post(
        url("milestone-dependency-create", milestone_id=build.pk),
        {"predecessor_id": elsewhere.pk},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "predecessor_id": ["must be a milestone of the same contract"]
    }


def test_removing_the_link_moves_the_successor_back(
    as_manager: ApiClient, manager: Actor, pair
) -> None:
    design, build = pair
    link = services.add_dependency(manager, build, design.pk, lag=3)
    response = as_manager.delete(url("dependency-delete", dependency_id=link.pk))
    assert response.status_code == 204
    assert not Dependency.objects.exists()
    build.refresh_from_db()
    assert build.due_date == dt.date(2027, 3, 11)


def test_members_read_links_but_do_not_change_them(
    as_member: ApiClient, manager: Actor, pair
) -> None:
    design, build = pair
    link = services.add_dependency(manager, build, design.pk)
    assert (
        as_member.get(url("milestone-dependency-list", milestone_id=build.pk)).json()["count"] == 1
    )
    assert as_member.delete(url("dependency-delete", dependency_id=link.pk)).status_code == 403
    response = as_member.post(
        url("milestone-dependency-create", milestone_id=design.pk), {"predecessor_id": build.pk}
    )
    assert response.status_code == 403
