"""Bearer tokens and the browser session both end in an Actor; everything else is a 401."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from pactline.accounts.middleware import SESSION_KEY
from pactline.accounts.models import ApiToken, Membership
from tests.api.conftest import ApiClient, make_token, url
from tests.conftest import World
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def assert_unauthorised(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"detail", "errors"}


def test_no_credentials_is_401(world: World) -> None:
    assert_unauthorised(ApiClient().get(url("me")))
    assert_unauthorised(ApiClient().get(url("contract-list")))


def test_writes_without_credentials_are_401_not_a_csrf_failure(world: World) -> None:
    client = ApiClient(client=Client(enforce_csrf_checks=True))
    assert_unauthorised(client.post(url("party-create"), {"name": "Anonymous"}))
    assert_unauthorised(client.delete(url("contract-delete", contract_id=1)))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nope",
        "Bearer ",
        "Bearer pl_" + "x" * 2000,
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer",
    ],
)
def test_bad_authorization_header_is_401(world: World, header: str) -> None:
    assert_unauthorised(Client().get(url("me"), headers={"Authorization": header}))


def test_valid_token_acts_as_its_user_in_its_organisation(as_manager: ApiClient) -> None:
    response = as_manager.get(url("me"))
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == "maria@acme.test"
    assert body["organisation"]["slug"] == "acme"
    assert body["role"] == "manager"


def test_revoked_token_is_401(world: World) -> None:
    raw = make_token(world.user("manager"), world.acme, revoked_at=timezone.now())
    assert_unauthorised(ApiClient(raw).get(url("me")))


def test_expired_token_is_401(world: World) -> None:
    past = timezone.now() - dt.timedelta(seconds=1)
    raw = make_token(world.user("manager"), world.acme, expires_at=past)
    assert_unauthorised(ApiClient(raw).get(url("me")))


def test_token_that_has_not_expired_yet_works(world: World) -> None:
    future = timezone.now() + dt.timedelta(days=1)
    raw = make_token(world.user("manager"), world.acme, expires_at=future)
    assert ApiClient(raw).get(url("me")).status_code == 200


def test_token_fails_once_its_user_leaves_the_organisation(world: World) -> None:
    raw = make_token(world.user("member"), world.acme)
    assert ApiClient(raw).get(url("me")).status_code == 200
    Membership.objects.filter(user=world.user("member"), organisation=world.acme).delete()
    assert_unauthorised(ApiClient(raw).get(url("me")))


def test_token_of_a_deactivated_user_is_401(world: World) -> None:
    raw = make_token(world.user("member"), world.acme)
    world.user("member").is_active = False
    world.user("member").save()
    assert_unauthorised(ApiClient(raw).get(url("me")))


def test_token_for_an_organisation_the_user_never_joined_is_401(world: World) -> None:
    raw = make_token(world.user("owner"), world.rival)
    assert_unauthorised(ApiClient(raw).get(url("me")))


def test_last_used_at_is_written_at_most_once_a_minute(world: World) -> None:
    start = dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        raw = make_token(world.user("viewer"), world.acme)
        client = ApiClient(raw)
        client.get(url("me"))
        token = ApiToken.objects.get()
        assert token.last_used_at == start
        clock.shift(dt.timedelta(seconds=30))
        client.get(url("me"))
        token.refresh_from_db()
        assert token.last_used_at == start
        clock.shift(dt.timedelta(seconds=31))
        client.get(url("me"))
        token.refresh_from_db()
        assert token.last_used_at == start + dt.timedelta(seconds=61)


def test_a_bad_bearer_token_is_not_rescued_by_a_session(world: World) -> None:
    client = Client()
    client.force_login(world.user("owner"))
    assert_unauthorised(client.get(url("me"), headers={"Authorization": "Bearer wrong"}))


# --- session ----------------------------------------------------------------------------------


def session_client(world: World, role: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user(role))
    return client


def test_session_reads_without_csrf(world: World) -> None:
    client = session_client(world, "viewer")
    response = client.get(url("me"))
    assert response.status_code == 200
    assert response.json()["role"] == "viewer"
    assert "csrftoken" in response.cookies, "the browser gets a CSRF cookie for later writes"


def test_session_write_without_csrf_token_is_403(world: World) -> None:
    client = session_client(world, "manager")
    client.get(url("me"))
    response = client.post(
        url("party-create"), {"name": "Initech"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_write_with_csrf_token_works(world: World) -> None:
    client = session_client(world, "manager")
    csrf = client.get(url("me")).cookies["csrftoken"].value
    response = client.post(
        url("party-create"),
        {"name": "Initech"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Initech"


def test_session_uses_the_organisation_chosen_in_the_session(world: World) -> None:
    MembershipFactory(user=world.user("viewer"), organisation=world.rival, role="manager")
    client = session_client(world, "viewer")
    session = client.session
    session[SESSION_KEY] = world.rival.pk
    session.save()
    body = client.get(url("me")).json()
    assert (body["organisation"]["slug"], body["role"]) == ("rival", "manager")


def test_session_of_a_user_without_organisation_is_401(world: World) -> None:
    Membership.objects.filter(user=world.user("viewer")).delete()
    assert_unauthorised(session_client(world, "viewer").get(url("me")))


def test_anonymous_session_cookie_is_401(world: World) -> None:
    client = Client()
    client.cookies["sessionid"] = "not-a-session"
    assert_unauthorised(client.get(url("contract-list")))
