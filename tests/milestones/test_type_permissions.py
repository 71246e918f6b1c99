"""Every milestone-type route (and the template preview) for every role; another
organisation's type is a 404."""

from __future__ import annotations

import pytest

from pactline.milestones import services
from pactline.milestones.models import MilestoneType
from tests.api.conftest import url
from tests.milestones.api_tables import ROUTES

pytestmark = pytest.mark.django_db
RANK = {"viewer": 0, "member": 1, "manager": 2, "admin": 3, "owner": 4}


def _call(client, name: str, type_id: int | None):  # type: ignore[no-untyped-def]
    method, needs_id, body, _ = ROUTES[name]
    target = url(name, type_id=type_id) if needs_id else url(name)
    call = getattr(client, method)
    return call(target, body) if body else call(target)


@pytest.mark.parametrize("role", list(RANK))
@pytest.mark.parametrize("name", list(ROUTES))
def test_every_route_for_every_role(api_as, world, name: str, role: str) -> None:
    unused = services.create_type(world.actor("admin"), {"key": "unused", "name": "Unused"})
    response = _call(api_as(role), name, unused.pk)
    if RANK[role] >= RANK[ROUTES[name][3]]:
        assert response.status_code in (200, 201, 204), (name, role, response.content)
    else:
        assert response.status_code == 403, (name, role, response.content)


@pytest.mark.parametrize("name", [n for n, (_, needs_id, _, _) in ROUTES.items() if needs_id])
def test_another_organisations_type_is_not_found(api_as, world, name: str) -> None:
    theirs = MilestoneType.objects.filter(organisation=world.rival).first()
    before = list(MilestoneType.objects.values_list("pk", "name", "version"))
    response = _call(api_as("admin"), name, theirs.pk)
    assert response.status_code == 404
    assert list(MilestoneType.objects.values_list("pk", "name", "version")) == before


def test_lists_show_only_the_organisations_types(api_as, world) -> None:
    items = api_as("outsider").get(url("milestone-type-list"), {"limit": 100}).json()["items"]
    ours = set(MilestoneType.objects.filter(organisation=world.acme).values_list("pk", flat=True))
    assert items and not {t["id"] for t in items} & ours


def test_the_template_preview_gives_dates_and_saves_nothing(api_as, world) -> None:
    from pactline.milestones.models import MilestoneTemplate

    body = ROUTES["template-preview"][2]
    rows = api_as("manager").post(url("template-preview"), body).json()
    assert [(r["title"], r["due_date"]) for r in rows] == [
        ("Kick-off", "2027-03-01"),
        ("Design", "2027-03-15"),
    ]
    assert "Kick-off (2027-03-01) + 10 working days" in rows[1]["trace"]
    bad = api_as("manager").post(
        url("template-preview"),
        {
            "items": [{"title": "A", "anchor": "milestone", "anchor_item": 0}],
            "start_on": "2027-03-01",
        },
    )
    assert bad.status_code == 422 and "items.0.anchor_item" in bad.json()["errors"]
    assert not MilestoneTemplate.objects.filter(organisation=world.acme).exists()
