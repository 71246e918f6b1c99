"""The milestone types API's routes and the template preview, for the shared meta-tests
(tests/api/test_openapi.py, test_roles.py and test_tenancy.py import these tables) and for this
app's own permission test
(tests/milestones/test_type_permissions.py: every route, every role, an outsider)."""

from __future__ import annotations

PATHS = {
    "/api/v1/milestone-types": {"get", "post"},
    "/api/v1/milestone-types/{type_id}": {"get", "patch", "delete"},
    "/api/v1/templates/preview": {"post"},
}

# url_name -> (method, needs a type id, body, least role)
ROUTES: dict[str, tuple[str, bool, object, str]] = {
    "milestone-type-list": ("get", False, None, "viewer"),
    "milestone-type-create": ("post", False, {"key": "site_visit", "name": "Site visit"}, "admin"),
    "milestone-type-detail": ("get", True, None, "viewer"),
    "milestone-type-update": ("patch", True, {"name": "Renamed"}, "admin"),
    "milestone-type-delete": ("delete", True, None, "admin"),
    "template-preview": (
        "post",
        False,
        {
            "items": [
                {"title": "Kick-off"},
                {"title": "Design", "anchor": "milestone", "anchor_item": 0, "offset": 10},
            ],
            "start_on": "2027-03-01",
        },
        "manager",
    ),
}
WRITE_ROUTES = {name for name, (method, *_) in ROUTES.items() if method != "get"}
