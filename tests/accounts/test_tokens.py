"""Personal API tokens: scopes (a read token only reads), expiry, last use, revocation; the web
page shows a new token once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from pactline.accounts import tokens
from pactline.accounts.models import ApiToken
from pactline.activity.models import Event
from pactline.errors import Forbidden, ValidationFailed
from tests.api.conftest import ApiClient, url
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_read_token_reads_and_may_not_write(world: World, contract) -> None:
    _token, raw = tokens.issue_token(world.actor("manager"), "dashboards", "read")
    client = ApiClient(raw)
    assert client.get(url("contract-list")).status_code == 200
    response = client.patch(url("contract-update", contract_id=contract.pk), {"title": "New"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert client.post(url("party-create"), {"name": "X"}).status_code == 403
    assert client.delete(url("contract-delete", contract_id=contract.pk)).status_code == 403
    contract.refresh_from_db()
    assert contract.title == "Billing platform"


def test_a_read_write_token_acts_with_its_owner_s_role(world: World, contract) -> None:
    _token, raw = tokens.issue_token(world.actor("manager"), "sync", "read write")
    response = ApiClient(raw).patch(url("contract-update", contract_id=contract.pk), {"title": "N"})
    assert response.status_code == 200
    _token, raw = tokens.issue_token(world.actor("viewer"), "sync", "read write")
    response = ApiClient(raw).patch(url("contract-update", contract_id=contract.pk), {"title": "M"})
    assert response.status_code == 403


def test_expiry_revocation_and_last_use(world: World) -> None:
    token, raw = tokens.issue_token(world.actor("viewer"), "short", "read", days=1)
    client = ApiClient(raw)
    assert client.get(url("me")).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=2)):
        assert client.get(url("me")).status_code == 401
    tokens.revoke_token(world.actor("viewer"), token)
    assert client.get(url("me")).status_code == 401
    verbs = list(Event.objects.filter(subject_type="apitoken").values_list("verb", flat=True))
    assert sorted(verbs) == ["token_created", "token_revoked"]


def test_rules(world: World) -> None:
    with pytest.raises(Forbidden):
        tokens.issue_token(world.actor("guest"), "portal")
    with pytest.raises(ValidationFailed):
        tokens.issue_token(world.actor("viewer"), "x", "admin")
    with pytest.raises(ValidationFailed):
        tokens.issue_token(world.actor("viewer"), "x", days=0)
    with pytest.raises(ValidationFailed):
        tokens.issue_token(world.actor("viewer"), "")


def test_the_api_creates_lists_and_revokes(world: World, api_as) -> None:
    client = api_as("member")
    made = client.post(url("token-create"), {"name": "ci", "scopes": "read write", "days": 30})
    assert made.status_code == 201
    body = made.json()
    assert body["token"].startswith("pl_") and body["scopes"] == ["read", "write"]
    listed = client.get(url("token-list")).json()
    assert body["id"] in [t["id"] for t in listed] and all("token" not in t for t in listed)
    new_client = ApiClient(body["token"])
    assert new_client.get(url("me")).json()["role"] == "member"
    assert client.delete(url("token-delete", token_id=body["id"])).status_code == 204
    assert new_client.get(url("me")).status_code == 401


def test_a_read_token_cannot_create_tokens(world: World) -> None:
    _token, raw = tokens.issue_token(world.actor("owner"), "ro", "read")
    assert ApiClient(raw).post(url("token-create"), {"name": "escalate"}).status_code == 403


def test_the_page_shows_a_new_token_once(world: World) -> None:
    client = Client()
    client.force_login(world.user("viewer"))
    response = client.post(
        reverse("token-list"), {"name": "laptop", "scopes": "read", "days": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.user("viewer"))
    page = response.content.decode()
    assert token.hint in page and 'class="token-value"' in page
    assert response["Cache-Control"].startswith("max-age=0")
    again = client.get(reverse("token-list")).content.decode()
    assert 'class="token-value"' not in again and "never" in again  # last used: never
    assert client.post(reverse("token-revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = Client()
    other.force_login(world.user("owner"))
    assert other.post(reverse("token-revoke", args=[token.pk])).status_code == 404
