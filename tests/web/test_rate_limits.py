"""Rate limits on guessable credentials: sign-in, API tokens, signed links and feed URLs.

With a limit of 3 failures per window, the 4th attempt from the same address gets 429 with a
clear message and Retry-After; a good request from another address is unaffected."""

from __future__ import annotations

import pytest
from django.test import Client

from pactline.accounts.models import Membership
from pactline.accounts.services import create_token
from pactline.transfer.services import create_feed
from tests.conftest import PASSWORD

ATTACKER = "203.0.113.7"
SOMEONE_ELSE = "198.51.100.20"


@pytest.fixture(autouse=True)
def three_failures_per_hour(settings):
    # An hour-long window so a test never straddles a window's end.
    settings.PACTLINE_RATE_LIMITS = {"sign-in": "3/h", "api-token": "3/h", "link": "3/h"}


def test_sign_in_after_three_failures_answers_429(world):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    emails = [world.user(role).email for role in ("viewer", "member", "manager")]
    for email in emails:  # a different account each time: django-axes alone would not stop it
        response = attacker.post("/login/", {"username": email, "password": "wrong"})
        assert response.status_code == 200
    response = attacker.post("/login/", {"username": emails[0], "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert int(response["Retry-After"]) > 0

    other = Client(REMOTE_ADDR=SOMEONE_ELSE)
    response = other.post("/login/", {"username": emails[0], "password": PASSWORD})
    assert response.status_code == 302


def test_successful_sign_ins_are_never_limited(world):
    for _ in range(5):
        client = Client(REMOTE_ADDR=ATTACKER)
        response = client.post(
            "/login/", {"username": world.user("viewer").email, "password": PASSWORD}
        )
        assert response.status_code == 302


def test_wrong_api_tokens_answer_429_after_the_limit(world):
    membership = Membership.objects.get(user=world.user("viewer"), organisation=world.acme)
    _, raw = create_token(membership, "good")
    for guess in ("a" * 40, "b" * 40, "c" * 40):
        response = Client(REMOTE_ADDR=ATTACKER).get(
            "/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {guess}"
        )
        assert response.status_code == 401
    response = Client(REMOTE_ADDR=ATTACKER).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 429
    assert "too many failed attempts" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0

    response = Client(REMOTE_ADDR=SOMEONE_ELSE).get(
        "/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200


def test_good_api_tokens_are_never_limited(world):
    membership = Membership.objects.get(user=world.user("viewer"), organisation=world.acme)
    _, raw = create_token(membership, "good")
    client = Client(REMOTE_ADDR=ATTACKER, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert all(client.get("/api/v1/me").status_code == 200 for _ in range(6))


@pytest.mark.parametrize(
    "path", ["/l/guess/", "/c/guess/", "/invitations/guess/", "/feeds/guess.ics"]
)
def test_guessing_signed_links_answers_429_after_the_limit(path, world):
    for _ in range(3):
        status = Client(REMOTE_ADDR=ATTACKER).get(path).status_code
        assert status in (400, 404, 410)
    response = Client(REMOTE_ADDR=ATTACKER).get(path)
    assert response.status_code == 429
    assert "too many failed attempts" in response.content.decode().lower()


def test_signed_link_kinds_share_one_budget_and_others_are_unaffected(world):
    member = world.actor("member")
    _, raw = create_feed(member, "mine")
    for path in ("/l/guess/", "/c/guess/", "/feeds/guess.ics"):
        Client(REMOTE_ADDR=ATTACKER).get(path)
    assert Client(REMOTE_ADDR=ATTACKER).get(f"/feeds/{raw}.ics").status_code == 429
    assert Client(REMOTE_ADDR=SOMEONE_ELSE).get(f"/feeds/{raw}.ics").status_code == 200


def test_behind_a_proxy_the_forwarded_address_is_the_client(world, settings):
    settings.PACTLINE_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(3):
        Client(**proxy, HTTP_X_FORWARDED_FOR=f"10.0.0.1, {ATTACKER}").get("/l/guess/")
    blocked = Client(**proxy, HTTP_X_FORWARDED_FOR=ATTACKER).get("/l/guess/")
    assert blocked.status_code == 429
    other = Client(**proxy, HTTP_X_FORWARDED_FOR=SOMEONE_ELSE).get("/l/guess/")
    assert other.status_code == 400
