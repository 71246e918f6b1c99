"""Who may do what with saved views, on the web and in the API: every route, every role, the
guest and another organisation's people. The tables are in tables.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pactline.activity.models import Event
from pactline.savedviews import services
from pactline.savedviews.models import SavedView
from pactline.savedviews.urls import urlpatterns
from tests.api.conftest import ApiClient, make_token, url
from tests.conftest import ROLES, World
from tests.savedviews.tables import ROUTES, WEB

pytestmark = pytest.mark.django_db
RANK = {role: i for i, role in enumerate(("viewer", "member", "manager", "admin", "owner"))}


def test_every_page_has_a_row() -> None:
    assert {p.name for p in urlpatterns} == set(WEB)


def test_every_api_route_has_a_row() -> None:
    from tests.api.test_tenancy import api_operations

    ours = {name for name, path, _ in api_operations() if path.startswith("/saved-views")}
    assert ours == set(ROUTES)


def api(world: World, role: str) -> ApiClient:
    org = world.rival if role == "outsider" else world.acme
    return ApiClient(make_token(world.user(role), org))


def own_view(world: World, role: str, name: str = "Mine") -> SavedView:
    return services.create_view(world.actor(role), {"list": "contracts", "name": name})


# --- web --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "guest"])
def test_web_pages_for_every_role(role: str, world: World, login, contract) -> None:
    client = login(role)
    listing = client.get(reverse("saved-view-list"))
    export = client.get(reverse("list-export", args=["contracts"]), {"format": "csv"})
    saved = client.post(reverse("saved-view-create"), {"list": "contracts", "name": "N"})
    if role == "guest":
        assert listing.status_code == 403 and saved.status_code == 403
        assert export.status_code == 200  # the contracts they see, like their list page
        return
    assert listing.status_code == 200 and export.status_code == 200
    assert saved.status_code == 302
    view = SavedView.objects.get(owner=world.user(role), name="N")
    for name, data in (
        ("saved-view-default", {}),
        ("saved-view-edit", {"name": "Renamed"}),
        ("saved-view-delete", {}),
    ):
        assert client.post(reverse(name, args=[view.pk]), data).status_code == 302, name
        assert client.get(reverse(name, args=[view.pk])).status_code == 405, name


@pytest.mark.parametrize("role", ROLES)
def test_someone_elses_views(role: str, world: World, login) -> None:
    """Private views of others are not there; shared ones are changed by their owner only and
    deleted by their owner or an admin."""
    author = "manager" if role != "manager" else "owner"
    private = own_view(world, author, "Private")
    shared = services.create_view(
        world.actor(author), {"list": "contracts", "name": "Shared", "shared": True}
    )
    client = login(role)
    for name in ("saved-view-edit", "saved-view-delete", "saved-view-default"):
        assert client.post(reverse(name, args=[private.pk]), {"name": "x"}).status_code == 404
    assert (
        client.post(reverse("saved-view-edit", args=[shared.pk]), {"name": "x"}).status_code == 403
    )
    assert client.post(reverse("saved-view-default", args=[shared.pk])).status_code == 302
    deleted = client.post(reverse("saved-view-delete", args=[shared.pk]))
    assert deleted.status_code == (302 if RANK[role] >= RANK["admin"] else 403)


def test_outsiders_find_nothing_on_the_web(world: World, login) -> None:
    view = own_view(world, "manager")
    client = login("outsider")
    for name in ("saved-view-edit", "saved-view-delete", "saved-view-default"):
        assert client.post(reverse(name, args=[view.pk]), {"name": "x"}).status_code == 404
    assert "Mine" not in client.get(reverse("saved-view-list")).content.decode()
    assert SavedView.objects.get(pk=view.pk).name == "Mine"


# --- API --------------------------------------------------------------------------------------


def _call(client: ApiClient, name: str, view_id: int | None) -> Any:
    method, needs_id, body = ROUTES[name]
    target = url(name, view_id=view_id) if needs_id else url(name)
    call = getattr(client, method)
    return call(target, body) if body is not None else call(target)


@pytest.mark.parametrize("role", ROLES)
def test_api_on_own_views_for_every_role(role: str, world: World) -> None:
    client = api(world, role)
    for name in ROUTES:
        view = own_view(world, role, f"V-{name}")
        response = _call(client, name, view.pk)
        assert response.status_code in (200, 201, 204), (name, response.content)


def test_api_guest_has_no_views(world: World) -> None:
    client = api(world, "guest")  # guests reach only the API operations named for them
    assert client.get(url("saved-view-list")).status_code == 403
    response = client.post(url("saved-view-create"), {"list": "contracts", "name": "G"})
    assert response.status_code == 403


@pytest.mark.parametrize("name", sorted(n for n, (_, needs_id, _) in ROUTES.items() if needs_id))
def test_api_outsider_gets_404_and_changes_nothing(name: str, world: World) -> None:
    view = own_view(world, "manager")
    shared = services.create_view(
        world.actor("manager"), {"list": "contracts", "name": "S", "shared": True}
    )
    events = Event.objects.count()
    client = api(world, "outsider")
    for target in (view, shared):
        response = _call(client, name, target.pk)
        assert response.status_code == 404, response.content
        assert set(response.json()) == {"detail", "errors"}
    assert Event.objects.count() == events
    assert SavedView.objects.filter(organisation=world.acme).count() == 2
    assert _call(api(world, "owner"), name, 10**12).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_api_sharing_needs_a_manager(role: str, world: World) -> None:
    response = api(world, role).post(
        url("saved-view-create"), {"list": "contracts", "name": "S", "shared": True}
    )
    assert response.status_code == (201 if RANK[role] >= RANK["manager"] else 403)


@pytest.mark.parametrize("role", ROLES)
def test_api_someone_elses_shared_view(role: str, world: World) -> None:
    author = "manager" if role != "manager" else "owner"
    shared = services.create_view(
        world.actor(author), {"list": "contracts", "name": "S", "shared": True}
    )
    client = api(world, role)
    assert client.get(url("saved-view-detail", view_id=shared.pk)).status_code == 200
    changed = client.patch(url("saved-view-update", view_id=shared.pk), {"name": "x"})
    assert changed.status_code == 403
    made_default = client.patch(url("saved-view-update", view_id=shared.pk), {"default": True})
    assert made_default.status_code == 200 and made_default.json()["is_default"]
    deleted = client.delete(url("saved-view-delete", view_id=shared.pk))
    assert deleted.status_code == (204 if RANK[role] >= RANK["admin"] else 403)
