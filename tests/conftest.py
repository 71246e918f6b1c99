"""Named personas, so tests read like stories.

Organisation "Acme" has one person per role: olivia (owner), adam (admin), maria (manager),
mike (member), vera (viewer). "Rival" is another organisation with its own owner, rita; she
must never see Acme's data. Passwords are all "secret-pass".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from pactline.accounts.models import Membership, Organisation, User
from pactline.accounts.permissions import Actor
from tests.factories import ContractFactory, MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "secret-pass"
ROLES = ("owner", "admin", "manager", "member", "viewer")
PERSONA_EMAIL = {
    "owner": "olivia@acme.test",
    "admin": "adam@acme.test",
    "manager": "maria@acme.test",
    "member": "mike@acme.test",
    "viewer": "vera@acme.test",
}


@dataclass
class World:
    acme: Organisation
    rival: Organisation
    users: dict[str, User]
    outsider: User

    def actor(self, role: str) -> Actor:
        if role == "outsider":
            return Actor.for_user(self.outsider, self.rival)
        return Actor.for_user(self.users[role], self.acme)

    def user(self, role: str) -> User:
        return self.outsider if role == "outsider" else self.users[role]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Argon2's deliberate slowness buys nothing in tests (production keeps argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory) -> None:
    """Uploaded files (staged imports) go to a temporary directory, never into ./var."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def world(db) -> World:
    acme = OrganisationFactory(name="Acme", slug="acme", default_time_zone="Europe/London")
    rival = OrganisationFactory(name="Rival", slug="rival")
    users = {}
    for role in ROLES:
        user = UserFactory(email=PERSONA_EMAIL[role])
        MembershipFactory(user=user, organisation=acme, role=role)
        users[role] = user
    outsider = UserFactory(email="rita@rival.test")
    MembershipFactory(user=outsider, organisation=rival, role="owner")
    return World(acme=acme, rival=rival, users=users, outsider=outsider)


@pytest.fixture
def owner(world: World) -> Actor:
    return world.actor("owner")


@pytest.fixture
def manager(world: World) -> Actor:
    return world.actor("manager")


@pytest.fixture
def member(world: World) -> Actor:
    return world.actor("member")


@pytest.fixture
def viewer(world: World) -> Actor:
    return world.actor("viewer")


@pytest.fixture
def outsider(world: World) -> Actor:
    return world.actor("outsider")


@pytest.fixture
def contract(world: World):
    return ContractFactory(organisation=world.acme, number="ACME-001", title="Billing platform")


@pytest.fixture
def frozen_today():
    """The clock stands at 2027-02-01 10:00 UTC (a Monday) for the whole test."""
    with time_machine.travel(dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


__all__ = ["PASSWORD", "ROLES", "Membership", "World"]
