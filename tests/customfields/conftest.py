"""Custom field tests: an organisation (world.acme) with one field of each type."""

from __future__ import annotations

from typing import Any

import pytest

from pactline.customfields import services
from pactline.customfields.models import CustomField
from tests.api.conftest import ApiClient, api_as, as_manager, as_owner, make_token  # noqa: F401
from tests.conftest import World

ALL_TYPES: list[dict[str, Any]] = [
    {"key": "po_number", "label": "PO number", "field_type": "text", "regex": r"PO-\d+"},
    {"key": "notes_long", "label": "Long notes", "field_type": "long_text"},
    {
        "key": "risk_score",
        "label": "Risk score",
        "field_type": "number",
        "min_value": "0",
        "max_value": "10",
    },
    {"key": "budget", "label": "Budget", "field_type": "money", "min_value": "0"},
    {"key": "review_on", "label": "Review on", "field_type": "date", "min_value": "2020-01-01"},
    {"key": "audited", "label": "Audited", "field_type": "boolean"},
    {"key": "risk", "label": "Risk", "field_type": "choice", "choices": ["low", "medium", "high"]},
    {
        "key": "regions",
        "label": "Regions",
        "field_type": "multi_choice",
        "choices": ["eu", "us", "apac"],
    },
    {"key": "reviewer", "label": "Reviewer", "field_type": "user"},
    {"key": "portal", "label": "Portal", "field_type": "url"},
]


def define(world: World, object_type: str = "contract", **fields: Any) -> CustomField:
    return services.create_field(world.actor("owner"), {"object_type": object_type, **fields})


@pytest.fixture
def all_fields(world: World) -> list[CustomField]:
    return [define(world, "contract", **spec) for spec in ALL_TYPES]


@pytest.fixture
def api(world: World) -> Any:
    def build(role: str) -> ApiClient:
        return ApiClient(make_token(world.user(role), world.acme))

    return build
