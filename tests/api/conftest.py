"""API test helpers: a JSON client per persona, authenticated with a real bearer token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pactline.accounts.models import ApiToken, Organisation, User, hash_token
from tests.conftest import World


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The personas get passwords; argon2's deliberate slowness buys nothing in API tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_token(user: User, organisation: Organisation, **fields: Any) -> str:
    """Store a token the way `pactline token create` does, and return its raw value."""
    raw = ApiToken.generate()
    ApiToken.objects.create(
        user=user, organisation=organisation, token_hash=hash_token(raw), hint=raw[:8], **fields
    )
    return raw


class ApiClient:
    """A Django test client speaking JSON, with optional bearer token."""

    def __init__(self, token: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _send(self, method: str, url: str, body: Any = None, **headers: str) -> Any:
        call = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs["data"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return call(url, **kwargs)

    def get(self, url: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(url, params or {}, headers={**self.headers, **headers})

    def post(self, url: str, body: Any = None, **headers: str) -> Any:
        return self._send("post", url, {} if body is None else body, **headers)

    def patch(self, url: str, body: Any = None, **headers: str) -> Any:
        return self._send("patch", url, {} if body is None else body, **headers)

    def delete(self, url: str, **headers: str) -> Any:
        return self._send("delete", url, **headers)


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


@pytest.fixture
def api_as(world: World) -> Callable[[str], ApiClient]:
    """api_as("member") -> a client authenticated as that persona (or "outsider")."""

    def build(role: str) -> ApiClient:
        org = world.rival if role == "outsider" else world.acme
        return ApiClient(make_token(world.user(role), org))

    return build


@pytest.fixture
def as_owner(api_as: Callable[[str], ApiClient]) -> ApiClient:
    return api_as("owner")


@pytest.fixture
def as_manager(api_as: Callable[[str], ApiClient]) -> ApiClient:
    return api_as("manager")


@pytest.fixture
def as_member(api_as: Callable[[str], ApiClient]) -> ApiClient:
    return api_as("member")


@pytest.fixture
def as_viewer(api_as: Callable[[str], ApiClient]) -> ApiClient:
    return api_as("viewer")


@pytest.fixture
def as_outsider(api_as: Callable[[str], ApiClient]) -> ApiClient:
    return api_as("outsider")
