"""Invitations by e-mail: an admin invites (a guest with their party), the person sets a
password and joins; links expire, can be revoked, and work once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from pactline.accounts import invitations
from pactline.accounts.models import Invitation, Membership, User
from pactline.activity.models import Event
from pactline.errors import Forbidden, ValidationFailed
from tests.conftest import World

pytestmark = pytest.mark.django_db


def invite(capture, world: World, email: str, role: str, party=None) -> str:
    with capture(execute=True):
        invitations.invite(world.actor("admin"), email, role, party.pk if party else None)
    message = mail.outbox[-1]
    assert message.to == [email]
    return re.search(r"/invitations/(\S+)/", message.body).group(1)


def test_a_guest_is_invited_sets_a_password_and_sees_their_portal(
    world: World, contract, django_capture_on_commit_callbacks
) -> None:
    world.add_guest()
    party = world.guest_party
    contract.parties.add(party)
    token = invite(django_capture_on_commit_callbacks, world, "ann@vendor.test", "guest", party)
    assert "guest of Globex Vendor" in mail.outbox[-1].body
    client = Client()
    page = client.get(reverse("invitation-accept", args=[token]))
    assert page.status_code == 200 and "Set password and join" in page.content.decode()
    response = client.post(
        reverse("invitation-accept", args=[token]),
        {"name": "Ann", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("contract-list")
    membership = Membership.objects.get(user__email="ann@vendor.test")
    assert (membership.role, membership.party) == ("guest", party)
    assert client.get(reverse("contract-list")).status_code == 200  # signed in
    assert Event.objects.filter(verb="joined").exists()
    assert client.get(reverse("invitation-accept", args=[token])).status_code == 404  # used


def test_password_rules_and_mismatch(world: World, django_capture_on_commit_callbacks) -> None:
    token = invite(django_capture_on_commit_callbacks, world, "bo@acme.test", "member")
    client = Client()
    target = reverse("invitation-accept", args=[token])
    response = client.post(target, {"password1": "short", "password2": "short"})
    assert response.status_code == 422
    response = client.post(target, {"password1": "long-enough-1", "password2": "long-enough-2"})
    assert response.status_code == 422
    assert not User.objects.filter(email="bo@acme.test").exists()


def test_someone_with_an_account_signs_in_to_accept(
    world: World, django_capture_on_commit_callbacks
) -> None:
    token = invite(django_capture_on_commit_callbacks, world, "rita@rival.test", "viewer")
    client = Client()
    page = client.get(reverse("invitation-accept", args=[token])).content.decode()
    assert "Sign in as rita@rival.test" in page
    client.force_login(world.outsider)
    response = client.post(reverse("invitation-accept", args=[token]))
    assert response.status_code == 302
    assert Membership.objects.get(user=world.outsider, organisation=world.acme).role == "viewer"


def test_rules_of_inviting(world: World) -> None:
    with pytest.raises(Forbidden):
        invitations.invite(world.actor("manager"), "x@acme.test", "member")
    admin = world.actor("admin")
    for email, role, party, field in [
        ("not-an-address", "member", None, "email"),
        ("x@acme.test", "owner", None, "role"),  # above the admin's own role
        ("x@acme.test", "guest", None, "party_id"),
        ("x@acme.test", "member", world.guest_party.pk, "party_id"),
        ("mike@acme.test", "viewer", None, "email"),  # a member already
    ]:
        with pytest.raises(ValidationFailed) as refused:
            invitations.invite(admin, email, role, party)
        assert field in refused.value.errors, (email, role)


def test_expired_and_revoked_invitations(world: World, django_capture_on_commit_callbacks) -> None:
    token = invite(django_capture_on_commit_callbacks, world, "cy@acme.test", "member")
    client = Client()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=15)):
        assert client.get(reverse("invitation-accept", args=[token])).status_code == 404
    invitations.revoke_invitation(world.actor("admin"), Invitation.objects.get())
    assert client.get(reverse("invitation-accept", args=[token])).status_code == 404


def test_members_page(world: World) -> None:
    client = Client()
    client.force_login(world.user("admin"))
    page = client.get(reverse("member-list")).content.decode()
    assert "mike@acme.test" in page
    response = client.post(
        reverse("member-list"), {"email": "dee@acme.test", "role": "viewer", "party": ""}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().email == "dee@acme.test"
    response = client.post(reverse("member-list"), {"email": "e@acme.test", "role": "guest"})
    assert response.status_code == 422
    assert "a guest belongs to a party" in response.content.decode().lower()
