"""Writes of the transfer app: saved import mappings and calendar feed tokens."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import Role, hash_token
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import record
from pactline.contracts.models import Contract
from pactline.errors import NotFound, ValidationFailed
from pactline.transfer.importing.mapping import mapping_errors
from pactline.transfer.models import FeedScope, FeedToken, ImportMapping
from pactline.validation import Errors, check_required_text

FEED_PREFIX = "plf_"


# --- saved mappings ---------------------------------------------------------------------------


@transaction.atomic
def save_mapping(actor: Actor, name: str, mapping: Mapping[str, str]) -> ImportMapping:
    """Create or replace the organisation's mapping called `name`."""
    require(permissions.can_manage_contracts(actor), "only managers and above save mappings")
    errors = Errors()
    check_required_text(errors, "name", name, 100)
    for message in mapping_errors(mapping):
        errors.add("mapping", message)
    errors.raise_if_any()
    clean = {str(h): str(f) for h, f in mapping.items() if f}
    saved, created = ImportMapping.objects.get_or_create(
        organisation=actor.organisation,
        name=name.strip(),
        defaults={"mapping": clean, "created_by": actor.user},
    )
    if not created:
        if saved.mapping == clean:
            return saved
        before = saved.mapping
        saved.mapping = clean
        saved.version += 1
        saved.updated_at = timezone.now()
        saved.save()
        record(
            actor,
            "updated",
            saved,
            summary=f"Import mapping {saved.name!r} updated",
            changes={"mapping": {"before": before, "after": clean}},
        )
    else:
        record(
            actor,
            "created",
            saved,
            summary=f"Import mapping {saved.name!r} saved",
            changes={"mapping": {"before": None, "after": clean}},
        )
    return saved


@transaction.atomic
def delete_mapping(actor: Actor, saved: ImportMapping) -> None:
    require(permissions.can_manage_contracts(actor), "only managers and above delete mappings")
    if saved.organisation_id != actor.organisation.pk:
        raise NotFound("mapping not found")
    record(actor, "deleted", saved, summary=f"Import mapping {saved.name!r} deleted")
    saved.delete()


# --- feed tokens ------------------------------------------------------------------------------


@transaction.atomic
def create_feed(
    actor: Actor, scope: str, contract: Contract | None = None
) -> tuple[FeedToken, str]:
    """A new secret feed URL for the actor; the raw secret is returned once, never stored."""
    if actor.user is None:
        raise ValidationFailed.one("user", "feeds belong to a person")
    if scope not in FeedScope.values:
        raise ValidationFailed.one("scope", f"must be one of {', '.join(FeedScope.values)}")
    if scope == FeedScope.CONTRACT:
        if contract is None:
            raise ValidationFailed.one("contract", "is required for a contract feed")
        contract = permissions.get_visible(
            permissions.visible_contracts(actor), contract.pk, "contract"
        )
    else:
        contract = None
    raw = FEED_PREFIX + secrets.token_urlsafe(32)
    token = FeedToken.objects.create(
        organisation=actor.organisation,
        user=actor.user,
        scope=scope,
        contract=contract,
        token_hash=hash_token(raw),
        hint=raw[: len(FEED_PREFIX) + 4],
    )
    record(
        actor,
        "feed_created",
        token,
        contract_id=contract.pk if contract else None,
        summary=f"Calendar feed created: {token.get_scope_display()}"
        + (f" {contract.number}" if contract else ""),
    )
    return token, raw


@transaction.atomic
def revoke_feed(actor: Actor, token: FeedToken) -> FeedToken:
    """Revoke a feed: your own, or anyone's in the organisation as an admin."""
    if token.organisation_id != actor.organisation.pk:
        raise NotFound("feed not found")
    own = actor.user_id is not None and token.user_id == actor.user_id
    if not own:
        require(permissions.at_least(actor, Role.ADMIN), "only admins revoke others' feeds")
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor,
        "feed_revoked",
        token,
        contract_id=token.contract_id,
        summary=f"Calendar feed revoked: {token.get_scope_display()} ({token.hint}…)",
    )
    return token


def feeds_of(actor: Actor) -> list[FeedToken]:
    """The actor's own active feeds."""
    return list(
        FeedToken.objects.filter(
            organisation=actor.organisation, user_id=actor.user_id, revoked_at__isnull=True
        ).select_related("contract")
    )


def find_feed(raw: str) -> FeedToken | None:
    """The active feed token for a raw secret, or None."""
    if not raw.startswith(FEED_PREFIX) or len(raw) > 100:
        return None
    return (
        FeedToken.objects.select_related("organisation", "user", "contract")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
