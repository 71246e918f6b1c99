"""Saved views' routes, for the shared meta-tests (tests/api/test_openapi.py, test_roles.py,
test_tenancy.py, tests/web/test_permission_matrix.py import these tables, so every route of
pactline.savedviews must be listed) and for this app's own permission tests
(tests/savedviews/test_permissions.py)."""

from __future__ import annotations

# OpenAPI paths and methods.
PATHS = {
    "/api/v1/saved-views": {"get", "post"},
    "/api/v1/saved-views/{view_id}": {"get", "patch", "delete"},
    "/api/v1/saved-views/{view_id}/rows": {"get"},
}

# API: url_name -> (method, needs a view id, body). Tested for every role, the guest and an
# outsider in tests/savedviews/test_permissions.py.
ROUTES: dict[str, tuple[str, bool, object]] = {
    "saved-view-list": ("get", False, None),
    "saved-view-create": ("post", False, {"list": "contracts", "name": "Mine"}),
    "saved-view-detail": ("get", True, None),
    "saved-view-update": ("patch", True, {"name": "Renamed"}),
    "saved-view-delete": ("delete", True, None),
    "saved-view-rows": ("get", True, None),
}
WRITE_ROUTES = {name for name, (method, _, _) in ROUTES.items() if method != "get"}

# Web pages: name -> (methods, least role).
WEB: dict[str, tuple[tuple[str, ...], str]] = {
    "saved-view-list": (("get",), "viewer"),
    "saved-view-create": (("post",), "viewer"),
    "saved-view-edit": (("post",), "viewer"),  # its owner
    "saved-view-delete": (("post",), "viewer"),  # its owner (admins: shared views)
    "saved-view-default": (("post",), "viewer"),
    "list-export": (("get",), "viewer"),
}
