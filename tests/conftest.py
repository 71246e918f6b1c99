"""Named personas, so tests read like stories.

Organisation "Acme" has one person per role: olivia (owner), adam (admin), maria (manager),
mike (member), vera (viewer). "Rival" is another organisation with its own owner, rita; she
must never see Acme's data. Passwords are all "secret-pass".

gus (gus@vendor.test) is a guest of Acme's vendor "Globex Vendor": he sees only contracts that
party is a party to, and only milestones shared with guests. He (and his party) are created the
first time a test asks for the "guest" persona, so other tests see the organisation unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from pactline.accounts.models import Membership, Organisation, User
from pactline.accounts.permissions import Actor
from pactline.contracts.models import Party
from tests.factories import (
    ContractFactory,
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    UserFactory,
)

PASSWORD = "secret-pass"
ROLES = ("owner", "admin", "manager", "member", "viewer")
PERSONA_EMAIL = {
    "owner": "olivia@acme.test",
    "admin": "adam@acme.test",
    "manager": "maria@acme.test",
    "member": "mike@acme.test",
    "viewer": "vera@acme.test",
}
GUEST_EMAIL = "gus@vendor.test"
GUEST_PARTY = "Globex Vendor"


@dataclass
class World:
    acme: Organisation
    rival: Organisation
    users: dict[str, User]
    outsider: User

    def actor(self, role: str) -> Actor:
        if role == "outsider":
            return Actor.for_user(self.outsider, self.rival)
        return Actor.for_user(self.user(role), self.acme)

    def user(self, role: str) -> User:
        if role == "guest":
            self.add_guest()
        return self.outsider if role == "outsider" else self.users[role]

    def add_guest(self) -> User:
        """gus, a guest of the vendor "Globex Vendor" (created on first use)."""
        if "guest" not in self.users:
            party = PartyFactory(organisation=self.acme, name=GUEST_PARTY, kind="vendor")
            user = UserFactory(email=GUEST_EMAIL, name="Gus")
            MembershipFactory(user=user, organisation=self.acme, role="guest", party=party)
            self.users["guest"] = user
        return self.users["guest"]

    @property
    def guest_party(self) -> Party:
        self.add_guest()
        return Party.objects.get(organisation=self.acme, name=GUEST_PARTY)


@pytest.fixture(autouse=True, scope="session")
def _task_queue_in_memory():
    """Tasks enqueued after a test's commit stay in memory, never in var/huey.sqlite3 (where a
    developer's worker would pick them up). Tests run tasks directly or in worker processes."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    HUEY.storage = MemoryStorage(HUEY.name)
    yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Argon2's deliberate slowness buys nothing in tests (production keeps argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """Every test starts with no failures counted (all tests come from 127.0.0.1) and no
    stored API answers."""
    from django.core.cache import cache

    from pactline import api_cache

    cache.clear()
    api_cache.store().clear()  # ids repeat between tests: no answer from an earlier one


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
def guest(world: World) -> Actor:
    return world.actor("guest")


@pytest.fixture
def contract(world: World):
    return ContractFactory(organisation=world.acme, number="ACME-001", title="Billing platform")


@pytest.fixture
def frozen_today():
    """The clock stands at 2027-02-01 10:00 UTC (a Monday) for the whole test."""
    with time_machine.travel(dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


__all__ = ["PASSWORD", "ROLES", "Membership", "World"]
