"""Who may read and define custom fields through the API: every route, every role, the guest
and another organisation's owner. The table is in tables.py."""

from __future__ import annotations

import pytest

from pactline.customfields.models import CustomField
from tests.api.conftest import ApiClient, make_token, url
from tests.conftest import ROLES, World
from tests.customfields.conftest import define
from tests.customfields.tables import ROUTES

pytestmark = pytest.mark.django_db
RANK = {role: i for i, role in enumerate(("viewer", "member", "manager", "admin", "owner"))}


def test_every_api_route_has_a_row() -> None:
    from tests.api.test_tenancy import api_operations

    ours = {name for name, path, _ in api_operations() if path.startswith("/custom-fields")}
    assert ours == set(ROUTES)


@pytest.mark.parametrize("role", [*ROLES, "guest", "outsider"])
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_for_role(name: str, role: str, world: World) -> None:
    method, with_id, body, least = ROUTES[name]
    field = define(world, key="po", label="PO", field_type="text")
    org = world.rival if role == "outsider" else world.acme
    client = ApiClient(make_token(world.user(role), org))
    if body == "reorder":
        body = {"object_type": "contract", "ids": [field.pk]}
    target = url(name, field_id=field.pk) if with_id else url(name)
    response = getattr(client, method)(target, body) if body else getattr(client, method)(target)
    status = response.status_code
    if role == "guest":
        # Guests read the definitions not hidden from them; they change nothing.
        assert status == (200 if method == "get" else 403), (status, response.content)
    elif role == "outsider":
        # Another organisation: its own (empty) collection, never Acme's field.
        if with_id:
            assert status == 404
        elif method == "get":
            assert status == 200 and response.json() == []
        elif name == "custom-field-reorder":
            assert status == 422  # Acme's field is not one of theirs
    elif RANK[role] >= RANK[least]:
        assert status in (200, 201, 204), (status, response.content)
    else:
        assert status == 403
        assert CustomField.objects.get(pk=field.pk).label == "PO"
