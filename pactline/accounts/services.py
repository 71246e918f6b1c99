"""Operations on accounts: API tokens (the raw value is returned once, only its hash is kept)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pactline.accounts.models import ApiToken, Membership, TokenScope, User, hash_token
from pactline.errors import NotFound, ValidationFailed

# Writing last_used_at on every API call would turn each read into a write; once a minute is
# precise enough to tell a live token from a forgotten one.
TOKEN_USE_PRECISION = timedelta(minutes=1)


@transaction.atomic
def create_token(
    membership: Membership,
    name: str = "token",
    expires_at: datetime | None = None,
    scopes: str = TokenScope.READ_WRITE,
) -> tuple[ApiToken, str]:
    if not name.strip() or len(name) > 100:
        raise ValidationFailed.one("name", "must be 1 to 100 characters")
    if scopes not in TokenScope.values:
        raise ValidationFailed.one("scopes", f"must be one of {', '.join(TokenScope.values)}")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed.one("expires_at", "must be in the future")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=membership.user,
        organisation=membership.organisation,
        name=name.strip(),
        token_hash=hash_token(raw),
        hint=raw[:8],
        expires_at=expires_at,
        scopes=scopes,
    )
    return token, raw


def create_token_for_email(email: str, org_name: str | None, name: str = "cli") -> str:
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        raise NotFound(f"no user with e-mail {email}")
    memberships = Membership.objects.select_related("organisation", "user").filter(user=user)
    if org_name:
        memberships = memberships.filter(organisation__name=org_name)
    membership = memberships.order_by("created_at", "pk").first()
    if membership is None:
        where = f" in organisation {org_name!r}" if org_name else ""
        raise NotFound(f"{email} is not a member of any organisation{where}")
    _, raw = create_token(membership, name)
    return raw


def note_token_use(token: ApiToken) -> None:
    """Stamp `last_used_at`, at most once a minute; the conditional UPDATE makes concurrent
    requests of one token write once, without a lock."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_PRECISION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_USE_PRECISION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
