"""Inviting people by e-mail: an admin names an address, a role (a guest: with a party); the
person follows the link, sets a password (or signs in, when they have an account) and joins.
Only the token's SHA-256 is stored; the raw link goes out once, in the e-mail."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import (
    ROLE_RANK,
    Invitation,
    Membership,
    Role,
    User,
    hash_token,
)
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import record
from pactline.errors import Conflict, ValidationFailed
from pactline.validation import Errors

PREFIX = "pli_"
MAX_TOKEN_LENGTH = 200


def _check(actor: Actor, email: str, role: str, party_id: int | None) -> Errors:
    errors = Errors()
    try:
        validate_email(email)
    except ValidationError:
        errors.add("email", f"{email!r} is not an e-mail address")
    if role not in Role.values:
        errors.add("role", f"must be one of {', '.join(Role.values)}")
    elif ROLE_RANK[Role(role)] > actor.rank:
        errors.add("role", "you cannot give a role above your own")
    if role == Role.GUEST:
        if party_id is None:
            errors.add("party_id", "a guest belongs to a party: choose one")
        elif not permissions.visible_parties(actor).filter(pk=party_id).exists():
            errors.add("party_id", "no such party")
    elif party_id is not None:
        errors.add("party_id", "only guests belong to a party")
    if Membership.objects.filter(organisation=actor.organisation, user__email=email).exists():
        errors.add("email", "is already a member of this organisation")
    return errors


def invitation_url(raw: str) -> str:
    return settings.BASE_URL + reverse("invitation-accept", args=[raw])


@transaction.atomic
def invite(
    actor: Actor, email: str, role: str, party_id: int | None = None
) -> tuple[Invitation, str]:
    require(permissions.can_manage_members(actor), "only admins and owners invite people")
    email = (email or "").strip().lower()
    _check(actor, email, role, party_id).raise_if_any()
    raw = PREFIX + secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=actor.organisation,
        email=email,
        role=role,
        party_id=party_id if role == Role.GUEST else None,
        token_hash=hash_token(raw),
        invited_by=actor.user,
        expires_at=timezone.now() + timedelta(days=settings.PACTLINE_INVITATION_DAYS),
    )
    party = f" of {invitation.party.name}" if invitation.party_id else ""
    record(
        actor,
        "invited",
        invitation,
        summary=f"{actor.name} invited {email} as {role}{party}",
        changes={
            "email": {"before": None, "after": email},
            "role": {"before": None, "after": role},
            "party_id": {"before": None, "after": invitation.party_id},
        },
    )
    transaction.on_commit(lambda: _send(invitation, raw))
    return invitation, raw


def _send(invitation: Invitation, raw: str) -> None:
    who = invitation.invited_by.display_name if invitation.invited_by else "Someone"
    as_what = (
        f"a guest of {invitation.party.name}" if invitation.party_id else f"a {invitation.role}"
    )
    body = (
        f"{who} invites you to {invitation.organisation.name} on Pactline, as {as_what}.\n\n"
        f"Accept the invitation (valid until {invitation.expires_at:%d %b %Y}):\n"
        f"{invitation_url(raw)}\n"
    )
    send_mail(
        f"Invitation to {invitation.organisation.name} on Pactline", body, None, [invitation.email]
    )


@transaction.atomic
def revoke_invitation(actor: Actor, invitation: Invitation) -> Invitation:
    require(permissions.can_manage_members(actor), "only admins and owners manage invitations")
    if invitation.accepted_at is not None:
        raise Conflict("this invitation was accepted already")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(
            actor,
            "invitation_revoked",
            invitation,
            summary=f"{actor.name} revoked the invitation of {invitation.email}",
        )
    return invitation


def find_invitation(raw: str) -> Invitation | None:
    """The open invitation a raw token stands for; unknown, used, revoked, expired: None."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    invitation = (
        Invitation.objects.select_related("organisation", "party")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


def _new_user(invitation: Invitation, name: str, password: str) -> User:
    errors = Errors()
    if len(name) > 150:
        errors.add("name", "must be at most 150 characters")
    user = User(email=invitation.email, name=name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", message)
    errors.raise_if_any()
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def accept_invitation(
    invitation: Invitation, user: User | None = None, name: str = "", password: str = ""
) -> Membership:
    """Join: as `user` (signed in with the invited address), or as a new user with a password."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise Conflict("this invitation is no longer valid")
    existing = User.objects.filter(email=invitation.email).first()
    if user is None:
        if existing is not None:
            raise ValidationFailed.one("email", "has an account: sign in to accept")
        user = _new_user(invitation, name, password)
    elif user.email != invitation.email:
        raise ValidationFailed.one("email", f"this invitation is for {invitation.email}")
    membership, _created = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": invitation.role, "party_id": invitation.party_id},
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership.user = user
    record(
        Actor.for_membership(membership),
        "joined",
        invitation,
        summary=f"{user.email} accepted the invitation and joined as {membership.role}",
        changes={"role": {"before": None, "after": membership.role}},
    )
    return membership
