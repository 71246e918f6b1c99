"""The dependencies panel of the milestone page: what it follows, what follows it, add and
remove links; a cycle is named on the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pactline.milestones import services
from pactline.milestones.models import Dependency, Milestone
from tests.factories import ContractFactory, MilestoneFactory
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(manager, contract) -> tuple[Milestone, Milestone]:
    design = services.create_milestone(
        manager, contract, {"title": "Approve design", "due_date": dt.date(2027, 3, 10)}
    )
    build = services.create_milestone(
        manager, contract, {"title": "Start build", "due_date": dt.date(2027, 3, 11)}
    )
    return design, build


def add_url(m: Milestone) -> str:
    return reverse("dependency-add", args=[m.pk])


def page(client, m: Milestone) -> str:
    return text(client.get(reverse("milestone-detail", args=[m.pk])))


def test_add_a_link_with_lag_and_see_it_both_ways(login, pair):
    design, build = pair
    client = login("manager")
    response = client.post(
        add_url(build), {"predecessor": design.pk, "lag": "3", "lag_unit": "working_days"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#dependencies")
    build.refresh_from_db()
    assert build.due_date == dt.date(2027, 3, 15)
    body = page(client, build)
    follows = body[body.index("<h3>Follows</h3>") : body.index("<h3>Followed by</h3>")]
    assert "Approve design" in follows and "+ 3 working days" in follows
    assert "now follows Approve design" in body
    assert "pushed to 2027-03-15 by Approve design" in body
    followed = page(client, design)
    followed = followed[followed.index("<h3>Followed by</h3>") :][:800]
    assert "Start build" in followed


def test_a_cycle_is_shown_on_the_field(login, manager, pair):
    design, build = pair
    services.add_dependency(manager, build, design.pk)
    response = login("manager").post(
        add_url(design), {"predecessor": build.pk, "lag": "0", "lag_unit": "working_days"}
    )
    assert response.status_code == 422
    body = text(response)
    error = body[body.index('id="dependency_predecessor_error"') :][:300]
    assert (
        "Would make a dependency cycle: Approve design -&gt; Start build -&gt; Approve design"
        in error
    )
    assert Dependency.objects.count() == 1


def test_only_milestones_of_the_same_contract_are_offered(login, world, pair):
    _, build = pair
    MilestoneFactory(contract=ContractFactory(organisation=world.acme), title="Elsewhere")
    body = page(login("manager"), build)
    choices = body[body.index('id="dependency_predecessor"') :][:400]
    assert "Approve design" in choices and "Elsewhere" not in choices
    assert "Start build</option>" not in choices  # not itself


def test_bad_lag_is_422_on_its_field(login, pair):
    design, build = pair
    response = login("manager").post(
        add_url(build), {"predecessor": design.pk, "lag": "soon", "lag_unit": "weeks"}
    )
    assert response.status_code == 422
    body = text(response)
    assert 'id="dependency_lag_error"' in body and 'id="dependency_lag_unit_error"' in body


def test_remove_a_link_moves_the_successor_back(login, manager, pair):
    design, build = pair
    link = services.add_dependency(manager, build, design.pk, lag=3)
    client = login("manager")
    response = client.post(
        reverse("dependency-remove", args=[link.pk]),
        {"next": reverse("milestone-detail", args=[design.pk]) + "#dependencies"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("milestone-detail", args=[design.pk]) + "#dependencies"
    assert not Dependency.objects.exists()
    build.refresh_from_db()
    assert build.due_date == dt.date(2027, 3, 11)


def test_members_see_links_but_no_controls_and_are_refused(login, manager, world, pair):
    design, build = pair
    link = services.add_dependency(manager, build, design.pk)
    Milestone.objects.filter(pk=build.pk).update(owner=world.user("member"))
    client = login("member")
    body = page(client, build)
    assert "Approve design" in body
    assert "Add dependency" not in body and "dependency-remove" not in body
    assert f'action="{reverse("dependency-remove", args=[link.pk])}"' not in body
    response = client.post(add_url(build), {"predecessor": design.pk, "lag": "0"})
    assert response.status_code == 403
    assert client.post(reverse("dependency-remove", args=[link.pk])).status_code == 403
    assert Dependency.objects.count() == 1
