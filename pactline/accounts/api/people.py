"""The organisation's people and invitations (admins and owners)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from pactline.accounts import invitations, permissions
from pactline.accounts.models import Invitation, Membership, Role
from pactline.accounts.permissions import require
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    Id,
    InSchema,
    error_responses,
    get_or_404,
)

router = Router(tags=["people"])
ADMINS = "only admins and owners manage the organisation's people"
LIST = error_responses(401, 403, 422)


class MemberOut(Schema):
    user_id: int
    email: str = Field(alias="user.email")
    name: str = Field(alias="user.name")
    role: str
    party_id: int | None
    created_at: datetime


class InvitationIn(InSchema):
    email: str = Field(max_length=254)
    role: Role
    party_id: Id | None = Field(None, description="required for guests: their party")


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    party_id: int | None
    invited_by_id: int | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


def _admin(request: HttpRequest) -> Any:
    actor = actor_of(request)
    require(permissions.can_manage_members(actor), ADMINS)
    return actor


@router.get(
    "/members",
    response={200: list[MemberOut], **LIST},
    url_name="member-list",
    summary="List the organisation's members with their roles",
)
def list_members(request: HttpRequest) -> Any:
    actor = _admin(request)
    return Membership.objects.filter(organisation=actor.organisation).select_related("user")


@router.get(
    "/invitations",
    response={200: list[InvitationOut], **LIST},
    url_name="invitation-list",
    summary="List invitations",
)
def list_invitations(request: HttpRequest) -> Any:
    actor = _admin(request)
    return Invitation.objects.filter(organisation=actor.organisation)


@router.post(
    "/invitations",
    response={201: InvitationOut, **CREATE_ERRORS},
    url_name="invitation-create",
    summary="Invite someone by e-mail (a guest with their party)",
    description="The e-mail carries the link; it is not in the answer.",
)
def create_invitation(request: HttpRequest, payload: InvitationIn) -> Status[Invitation]:
    actor = _admin(request)
    invitation, _raw = invitations.invite(actor, payload.email, payload.role, payload.party_id)
    return Status(201, invitation)


@router.delete(
    "/invitations/{invitation_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="invitation-delete",
    summary="Revoke an invitation",
)
def revoke_invitation(request: HttpRequest, invitation_id: int) -> Status[None]:
    actor = actor_of(request)
    qs = Invitation.objects.filter(organisation=actor.organisation)
    invitation = get_or_404(qs, invitation_id, "invitation")
    invitations.revoke_invitation(actor, invitation)
    return Status(204, None)
