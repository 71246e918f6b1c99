"""Your personal API tokens in this organisation: list (with last use), create (the value is
in the answer, once), revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from pactline.accounts import tokens
from pactline.accounts.models import ApiToken, TokenScope
from pactline.api_auth import actor_of
from pactline.api_common import CREATE_ERRORS, DELETE_ERRORS, InSchema, error_responses, get_or_404

router = Router(tags=["tokens"])


class TokenIn(InSchema):
    name: str = Field(min_length=1, max_length=100)
    scopes: TokenScope = Field(TokenScope.READ, description='"read" or "read write"')
    days: int | None = Field(90, ge=1, le=732, description="expires after; null: never")


class TokenOut(Schema):
    id: int
    name: str
    hint: str = Field(description="the first characters, to recognise it")
    scopes: list[str] = Field(alias="scope_list")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool = Field(alias="is_active")


class TokenCreatedOut(TokenOut):
    token: str = Field(description="the token itself: shown this once, store it now")


@router.get(
    "/tokens",
    response={200: list[TokenOut], **error_responses(401, 422)},
    url_name="token-list",
    summary="List your API tokens",
)
def list_tokens(request: HttpRequest) -> Any:
    return tokens.own_tokens(actor_of(request))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **CREATE_ERRORS},
    url_name="token-create",
    summary="Create an API token (read-only unless you ask for write)",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[ApiToken]:
    actor = actor_of(request)
    token, raw = tokens.issue_token(actor, payload.name, payload.scopes, payload.days)
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="token-delete",
    summary="Revoke one of your tokens",
)
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    actor = actor_of(request)
    tokens.revoke_token(actor, get_or_404(tokens.own_tokens(actor), token_id, "token"))
    return Status(204, None)
