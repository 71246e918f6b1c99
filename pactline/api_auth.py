"""Authentication for the REST API: bearer tokens for programs, the session for the browser.

Both paths end in an `Actor` (who, in which organisation, with which role) that ninja stores
as `request.auth`; handlers read it with `actor_of(request)`.

- Bearer: `Authorization: Bearer <token>`. Only the SHA-256 of a token is stored. A token
  belongs to (user, organisation) and fails when revoked, expired, its user is deactivated, or
  the user is no longer a member of the organisation.
- Session: the Django session of the web UI, with the current organisation chosen exactly as
  the web does (`current_membership`). Unsafe methods need the CSRF token, because a browser
  sends the session cookie on its own.
- A token's scope: a `read` token may only read (GET, HEAD, OPTIONS); anything else is a 403.
- Guests reach only the operations in GUEST_OPERATIONS (their contracts, shared milestones,
  comments, documents, submitting, the custom-field definitions not hidden from them); every
  other operation answers them 403.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja.security import APIKeyCookie, HttpBearer

from pactline.accounts.middleware import current_membership
from pactline.accounts.models import ApiToken, Membership, hash_token
from pactline.accounts.permissions import Actor
from pactline.accounts.services import note_token_use
from pactline.errors import Forbidden
from pactline.ops import throttle

MAX_TOKEN_LENGTH = 512
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GUEST_OPERATIONS = frozenset(
    {
        "me",
        "party-list",
        "party-detail",
        "contract-list",
        "contract-detail",
        "contract-milestone-list",
        "milestone-list",
        "milestone-detail",
        "milestone-transition",
        "checklist-list",
        "checklist-item-detail",
        "event-list",
        "event-detail",
        "milestone-comment-list",
        "milestone-comment-create",
        "comment-detail",
        "comment-update",
        "comment-delete",
        "milestone-document-list",
        "milestone-document-create",
        "document-detail",
        "document-version-create",
        "document-version-content",
        "milestone-submit",
        "watch-list",
        "watch-create",
        "watch-delete",
        # the custom-field definitions not hidden from guests (their objects show the values)
        "custom-field-list",
        "custom-field-detail",
    }
)


def _find_token(raw: str) -> ApiToken | None:
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    return token


def actor_for_token(raw: str) -> Actor | None:
    """The Actor a raw bearer token stands for, or None when it must be refused."""
    token = _find_token(raw)
    if token is None:
        return None
    return _actor_of_token(token)


def _actor_of_token(token: ApiToken) -> Actor | None:
    membership = Membership.objects.filter(
        user_id=token.user_id, organisation_id=token.organisation_id
    ).first()
    if membership is None:
        return None
    membership.user = token.user
    membership.organisation = token.organisation
    note_token_use(token)
    return Actor.for_membership(membership)


def check_guest(request: HttpRequest, actor: Actor) -> None:
    """Guests are let through to their few operations only (an allow-list, like the web's)."""
    match = getattr(request, "resolver_match", None)
    if actor.is_guest and (match is None or match.url_name not in GUEST_OPERATIONS):
        raise Forbidden("guests may not use this operation")


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        throttle.check(request, "api-token")  # 429 after too many wrong tokens from one address
        found = _find_token(token.strip())
        actor = _actor_of_token(found) if found is not None else None
        if actor is None or found is None:
            throttle.failed(request, "api-token")
            return None
        if not found.can_write and request.method not in SAFE_METHODS:
            raise Forbidden("this token is read-only; changes need a token with write access")
        check_guest(request, actor)
        request.actor = actor  # type: ignore[attr-defined]
        return actor


class SessionAuth(APIKeyCookie):
    """The web UI's session; CSRF is checked (by APIKeyCookie) before the session is trusted."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Actor | None:
        # A request that names its credentials in Authorization is judged on them alone, and
        # one without a signed-in session has nothing to protect from CSRF: both get a 401.
        if request.headers.get("Authorization") or not request.user.is_authenticated:
            return None
        return super().__call__(request)  # type: ignore[no-any-return]

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        membership = current_membership(request)
        if membership is None:
            return None
        get_token(request)  # so a browser client always holds a CSRF cookie for its writes
        actor = Actor.for_membership(membership)
        check_guest(request, actor)
        request.actor = actor  # type: ignore[attr-defined]
        return actor


token_auth = TokenAuth()
session_auth = SessionAuth()
API_AUTH = [token_auth, session_auth]


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated Actor of an API request."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):  # pragma: no cover - every operation requires auth
        raise RuntimeError("API operation ran without an authenticated actor")
    return actor
