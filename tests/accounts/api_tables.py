"""The access and collaboration API routes, for the shared meta-tests of tests/api (which must
know every route) and for tests/accounts/test_api_permissions.py, which runs every route for
every role, the guest, an outsider, and a member not named on a restricted contract."""

from __future__ import annotations

PATHS = {
    "/api/v1/contracts/{contract_id}/members": {"get", "post"},
    "/api/v1/contracts/{contract_id}/members/{user_id}": {"delete"},
    "/api/v1/members": {"get"},
    "/api/v1/invitations": {"get", "post"},
    "/api/v1/invitations/{invitation_id}": {"delete"},
    "/api/v1/tokens": {"get", "post"},
    "/api/v1/tokens/{token_id}": {"delete"},
    "/api/v1/contracts/{contract_id}/comments": {"get", "post"},
    "/api/v1/milestones/{milestone_id}/comments": {"get", "post"},
    "/api/v1/comments/{comment_id}": {"get", "patch", "delete"},
    "/api/v1/contracts/{contract_id}/documents": {"get", "post"},
    "/api/v1/milestones/{milestone_id}/documents": {"get", "post"},
    "/api/v1/documents/{document_id}": {"get"},
    "/api/v1/documents/{document_id}/versions": {"post"},
    "/api/v1/document-versions/{version_id}/content": {"get"},
    "/api/v1/milestones/{milestone_id}/submit": {"post"},
    "/api/v1/milestones/{milestone_id}/contact-links": {"get", "post"},
    "/api/v1/contact-links/{link_id}": {"delete"},
    "/api/v1/events/export": {"get"},
}

OWN = frozenset({"member"})  # the object is mike's (member), or mike is its owner
OWN_OR_ADMIN = frozenset({"member", "admin", "owner"})
MULTIPART = "multipart"

# url_name -> (method, who may (least role or set), what the guest gets ("ok", 403, 404),
#              body: None, a dict (JSON), or MULTIPART (a PDF in `file`/`files`))
ROUTES: dict[str, tuple[str, str | frozenset[str], object, object]] = {
    "contract-member-list": ("get", "viewer", 403, None),
    "contract-member-create": ("post", "manager", 403, "user"),
    "contract-member-delete": ("delete", "manager", 403, None),
    "member-list": ("get", "admin", 403, None),
    "invitation-list": ("get", "admin", 403, None),
    "invitation-create": ("post", "admin", 403, {"email": "new@acme.test", "role": "viewer"}),
    "invitation-delete": ("delete", "admin", 403, None),
    "token-list": ("get", "viewer", 403, None),
    "token-create": ("post", "viewer", 403, {"name": "ci"}),
    "contract-comment-list": ("get", "viewer", 403, None),
    "contract-comment-create": ("post", "viewer", 403, {"body": "Looks good"}),
    "milestone-comment-list": ("get", "viewer", "ok", None),
    "milestone-comment-create": ("post", "viewer", "ok", {"body": "On it"}),
    "comment-detail": ("get", "viewer", "ok", None),
    "comment-update": ("patch", OWN, 403, {"body": "Edited"}),
    "comment-delete": ("delete", OWN_OR_ADMIN, 403, None),
    "contract-document-list": ("get", "viewer", 403, None),
    "contract-document-create": ("post", "manager", 403, MULTIPART),
    "milestone-document-list": ("get", "viewer", "ok", None),
    "milestone-document-create": ("post", "member", "ok", MULTIPART),
    "document-detail": ("get", "viewer", "ok", None),
    "document-version-create": ("post", "member", "ok", MULTIPART),
    "document-version-content": ("get", "viewer", "ok", None),
    "milestone-submit": ("post", "member", "ok", MULTIPART),
    "milestone-contact-link-list": ("get", "manager", 403, None),
    "milestone-contact-link-create": ("post", "manager", 403, "contact"),
    "contact-link-delete": ("delete", "manager", 403, None),
    "event-export": ("get", "admin", 403, None),
}
# Routes without an object of the organisation in their path.
COLLECTION_ROUTES = {
    "member-list",
    "invitation-list",
    "invitation-create",
    "token-list",
    "token-create",
    "event-export",
}
# A token is its owner's alone: another person gets 404 (tests/accounts/test_tokens.py).
PERSONAL_ROUTES = {"token-delete": ("delete", "/api/v1/tokens/{token_id}")}
WRITE_ROUTES = {name for name, (method, *_rest) in ROUTES.items() if method != "get"}
WRITE_ROUTES |= set(PERSONAL_ROUTES)
