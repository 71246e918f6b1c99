"""The web pages of access and collaboration, for the shared meta-test of
tests/web/test_permission_matrix.py (which must know every URL) and for
tests/accounts/test_web_permissions.py, which runs them for every role and the guest.

name -> (methods, who may: the least role or a set of roles, kind of object behind the URL,
what the guest gets: "ok", 403 or 404)."""

from __future__ import annotations

OWN = frozenset({"member"})  # the object belongs to mike (member)
OWN_OR_ADMIN = frozenset({"member", "admin", "owner"})

PAGES: dict[str, tuple[tuple[str, ...], str | frozenset[str], str | None, object]] = {
    # comments
    "contract-comment-add": (("post",), "viewer", "contract", 403),
    "milestone-comment-add": (("post",), "viewer", "milestone", "ok"),
    "comment-edit": (("get", "post"), OWN, "comment", 403),
    "comment-delete": (("post",), OWN_OR_ADMIN, "comment", 403),
    "comment-history": (("get",), "viewer", "comment", "ok"),
    # documents and submissions
    "contract-document-add": (("post",), "manager", "contract", 403),
    "milestone-document-add": (("post",), "member", "milestone", "ok"),
    "document-detail": (("get",), "viewer", "document", "ok"),
    "document-download": (("get",), "viewer", "version", "ok"),
    "milestone-submit": (("post",), "member", "milestone", "ok"),
    "contact-link-create": (("post",), "manager", "milestone", 403),
    "contact-link-revoke": (("post",), "manager", "link", 403),
    # access to a contract, people, tokens
    "contract-access": (("post",), "manager", "contract", 403),
    "contract-member-add": (("post",), "manager", "contract", 403),
    "contract-member-remove": (("post",), "manager", "contract-member", 403),
    "member-list": (("get", "post"), "admin", None, 403),
    "invitation-revoke": (("post",), "admin", "invitation", 403),
    "token-list": (("get", "post"), "viewer", None, 403),
    "two-factor": (("get", "post"), "viewer", None, "ok"),
    # the event log
    "audit-list": (("get",), "admin", None, 403),
    "audit-export-csv": (("get",), "admin", None, 403),
    "audit-export-jsonl": (("get",), "admin", None, 403),
    "activity-feed": (("get",), "viewer", None, "ok"),
    "contract-live": (("get",), "viewer", "contract", "ok"),
}

# The link in the URL is the credential (tests/collab/test_contact_links.py and
# tests/accounts/test_invitations.py); a token is revoked by its owner only (test_tokens.py).
TOKEN_PAGES = {"contact-link", "contact-link-download", "invitation-accept", "token-revoke"}
# Public pages of the password reset and the sign-in code (tests/accounts/test_signin.py).
TOKEN_PAGES |= {
    "login-verify",
    "password-reset",
    "password-reset-done",
    "password-reset-confirm",
    "password-reset-complete",
}

# Pages of tests/web/test_permission_matrix.py's MATRIX that guests reach (the rest: 403).
GUEST_PAGES: dict[str, object] = {
    "login": "ok",
    "logout": "ok",
    "home": "ok",  # a redirect to their contracts
    "org-switch": "ok",
    "contract-list": "ok",
    "contract-detail": "ok",
    "contract-history": "ok",
    "contract-timeline": "ok",
    "milestone-detail": "ok",
    "milestone-status": "ok",  # only "submitted" is possible for them; the service decides
}
# Pages of other apps' matrices that guests reach: their own inbox and preferences.
GUEST_OTHER_PAGES = {
    "notification-inbox": ("get", None),
    "notification-unread": ("get", None),
    "notification-read-all": ("post", None),
    "notification-preferences": ("get", None),
}
