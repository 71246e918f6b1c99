"""The services alone: batch rewrites, reordering, definition checks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pactline.contracts.models import Contract
from pactline.customfields import services
from pactline.errors import ValidationFailed
from tests.conftest import World
from tests.customfields.conftest import define
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_rename_rewrites_rows_in_batches(world: World, monkeypatch) -> None:
    monkeypatch.setattr(services, "BATCH", 2)
    field = define(world, key="cc", label="CC", field_type="text")
    for i in range(5):
        ContractFactory(organisation=world.acme, custom_fields={"cc": f"v{i}", "other": 1})
    ContractFactory(organisation=world.rival, custom_fields={"cc": "theirs"})
    with CaptureQueriesContext(connection) as ctx:
        services.update_field(world.actor("owner"), field, {"key": "cost_centre"}, None)
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert sum("contracts_contract" in sql for sql in updates) == 3  # 5 rows, 2 per batch
    mine = Contract.objects.filter(organisation=world.acme).order_by("pk")
    assert [c.custom_fields for c in mine] == [
        {"cost_centre": f"v{i}", "other": 1} for i in range(5)
    ]
    assert Contract.objects.get(organisation=world.rival).custom_fields == {"cc": "theirs"}


def test_reorder_needs_every_field_once(world: World) -> None:
    a = define(world, key="a", label="A", field_type="text")
    b = define(world, key="b", label="B", field_type="text")
    owner = world.actor("owner")
    assert [f.key for f in services.reorder_fields(owner, "contract", [b.pk, a.pk])] == ["b", "a"]
    assert [f.key for f in services.fields_for(world.acme, "contract")] == ["b", "a"]
    with pytest.raises(ValidationFailed):
        services.reorder_fields(owner, "contract", [a.pk])


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"field_type": "choice"}, "choices"),
        ({"field_type": "text", "min_value": "1"}, "min_value"),
        ({"field_type": "number", "min_value": "5", "max_value": "1"}, "max_value"),
        ({"field_type": "date", "min_value": "soon"}, "min_value"),
        ({"field_type": "text", "regex": "a{99999999999}"}, "regex"),
        ({"field_type": "text", "remind_days_before": 3}, "remind_days_before"),
        ({"field_type": "number", "default": "many"}, "default"),
        ({"field_type": "multi_choice", "choices": ["a", "A"]}, "choices"),
        ({"field_type": "sparkles"}, "field_type"),
    ],
)
def test_bad_definitions_name_the_field(world: World, spec: dict, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        define(world, key="x", label="X", **spec)
    assert field in caught.value.errors


def test_type_never_changes_and_keys_are_unique(world: World) -> None:
    field = define(world, key="x", label="X", field_type="text")
    owner = world.actor("owner")
    with pytest.raises(ValidationFailed) as caught:
        services.update_field(owner, field, {"field_type": "number"}, None)
    assert "field_type" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        define(world, key="x", label="Again", field_type="text")
    assert "key" in caught.value.errors
    define(world, "milestone", key="x", label="Same key, other type", field_type="text")
