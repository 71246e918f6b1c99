"""Saved-view fixtures: a small contract portfolio and a view per persona."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pactline.contracts.models import Tag
from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory, PartyFactory


@pytest.fixture
def portfolio(world: World, frozen_today):
    """Three contracts of Acme (one restricted), one of Rival."""
    acme = world.acme
    globex = PartyFactory(organisation=acme, name="Globex", kind="vendor")
    it = Tag.objects.create(organisation=acme, name="it")
    c1 = ContractFactory(
        organisation=acme,
        number="ACME-001",
        title="Billing platform",
        owner=world.user("manager"),
        status="active",
        value=Decimal("250000"),
        currency="EUR",
    )
    c1.parties.add(globex)
    c1.tags.add(it)
    MilestoneFactory(contract=c1, title="Kick-off", due_date=dt.date(2027, 1, 15))
    c2 = ContractFactory(
        organisation=acme,
        number="ACME-002",
        title="=HYPERLINK(evil)",
        owner=world.user("admin"),
        status="draft",
        value=Decimal("12000.50"),
        currency="EUR",
    )
    MilestoneFactory(contract=c2, title="First clean", due_date=dt.date(2027, 2, 5))
    secret = ContractFactory(
        organisation=acme,
        number="ACME-900",
        title="Secret merger",
        status="active",
        restricted=True,
    )
    ContractFactory(organisation=world.rival, number="RIV-001", title="Rival's secret")
    return {"globex": globex, "c1": c1, "c2": c2, "secret": secret}


@pytest.fixture
def login(world: World):
    """login("manager") -> a test client signed in as that persona (or "guest")."""
    from django.test import Client

    def _login(role: str) -> Client:
        client = Client()
        client.force_login(world.user(role))
        return client

    return _login
