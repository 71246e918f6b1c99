"""Custom fields' API routes, for the shared meta-tests (tests/api/test_openapi.py,
test_roles.py and test_tenancy.py import these tables) and for this app's own permission test
(tests/customfields/test_permissions.py: every route, every role, the guest, an outsider)."""

from __future__ import annotations

PATHS = {
    "/api/v1/custom-fields": {"get", "post"},
    "/api/v1/custom-fields/reorder": {"post"},
    "/api/v1/custom-fields/{field_id}": {"get", "patch", "delete"},
}

# url_name -> (method, needs a field id, body, least role)
ROUTES: dict[str, tuple[str, bool, object, str]] = {
    "custom-field-list": ("get", False, None, "viewer"),
    "custom-field-create": (
        "post",
        False,
        {"object_type": "contract", "key": "new_one", "label": "New", "field_type": "text"},
        "admin",
    ),
    "custom-field-reorder": ("post", False, "reorder", "admin"),
    "custom-field-detail": ("get", True, None, "viewer"),
    "custom-field-update": ("patch", True, {"label": "Renamed"}, "admin"),
    "custom-field-delete": ("delete", True, None, "admin"),
}
WRITE_ROUTES = {name for name, (method, *_) in ROUTES.items() if method != "get"}
