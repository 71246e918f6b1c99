"""REST API about the caller: who they are, in which organisation, with which role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from pactline.api_auth import actor_of
from pactline.api_common import error_responses

me = Router(tags=["me"])


class UserOut(Schema):
    id: int
    email: str
    name: str
    time_zone: str


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    default_time_zone: str
    default_currency: str


class MeOut(Schema):
    user: UserOut
    organisation: OrganisationOut
    role: str


@me.get(
    "/me",
    response={200: MeOut, **error_responses(401)},
    url_name="me",
    summary="Who am I: user, organisation and role",
)
def get_me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    return {"user": actor.user, "organisation": actor.organisation, "role": str(actor.role)}
