"""Web test helpers: a signed-in client per persona, and a contract with milestones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from pactline.milestones.builtin import STANDARD_DELIVERY
from pactline.milestones.models import MilestoneTemplate
from tests.conftest import World
from tests.factories import ChecklistItemFactory, MilestoneFactory


@pytest.fixture
def login(world: World) -> Callable[[str], Client]:
    """login("manager") -> a test client signed in as that persona."""

    def _login(role: str) -> Client:
        client = Client()
        client.force_login(world.user(role))
        return client

    return _login


@pytest.fixture
def standard_template(db) -> MilestoneTemplate:
    return MilestoneTemplate.objects.get(builtin_key=STANDARD_DELIVERY)


@pytest.fixture
def milestone(contract, world: World):
    """A milestone of ACME-001 owned by mike (member), due 2027-03-01, two checklist items."""
    m = MilestoneFactory(
        contract=contract,
        title="Design approval",
        owner=world.user("member"),
        due_date=dt.date(2027, 3, 1),
    )
    ChecklistItemFactory(milestone=m, title="Design delivered", position=0)
    ChecklistItemFactory(milestone=m, title="Design reviewed", position=1)
    return m


def text(response) -> str:
    return response.content.decode()
