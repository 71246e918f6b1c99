"""Personal API tokens from the web page and the API: issue (the raw value is shown once),
list, revoke. Each step is an event, so the audit trail says who could call the API when."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import ApiToken, Membership, TokenScope
from pactline.accounts.permissions import Actor, require
from pactline.accounts.services import create_token
from pactline.activity.services import record
from pactline.errors import ValidationFailed

MAX_DAYS = 366 * 2


def own_tokens(actor: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation=actor.organisation, user_id=actor.user_id)


@transaction.atomic
def issue_token(
    actor: Actor, name: str, scopes: str = TokenScope.READ, days: int | None = 90
) -> tuple[ApiToken, str]:
    """A token of the actor in their current organisation, expiring after `days` (None:
    never). Read-only by default: write access is asked for."""
    require(permissions.can_use_api_tokens(actor), "guests do not use API tokens")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValidationFailed.one("days", f"must be from 1 to {MAX_DAYS}")
    membership = Membership.objects.select_related("user", "organisation").get(
        organisation=actor.organisation, user_id=actor.user_id
    )
    expires = timezone.now() + timedelta(days=days) if days is not None else None
    token, raw = create_token(membership, name, expires_at=expires, scopes=scopes)
    record(
        actor,
        "token_created",
        token,
        summary=f"{actor.name} created API token {token.name} ({token.scopes})",
        changes={
            "name": {"before": None, "after": token.name},
            "scopes": {"before": None, "after": token.scopes},
            "expires_at": {"before": None, "after": token.expires_at},
        },
    )
    return token, raw


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens (a token of theirs in this organisation)."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor,
        "token_revoked",
        token,
        summary=f"{actor.name} revoked API token {token.name}",
        changes={"revoked_at": {"before": None, "after": token.revoked_at}},
    )
    return token
