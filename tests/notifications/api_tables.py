"""The notifications API's routes, for the shared meta-tests of tests/api (which import these
tables so every route of this app must be listed) and for this app's own role and tenancy
tests (tests/notifications/test_api_permissions.py)."""

from __future__ import annotations

# OpenAPI paths and methods (tests/api/test_openapi.py).
PATHS = {
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/unread-count": {"get"},
    "/api/v1/notifications/{notification_id}/read": {"post"},
    "/api/v1/notifications/read-all": {"post"},
    "/api/v1/reminder-policy": {"get", "put"},
    "/api/v1/contracts/{contract_id}/reminder-policy": {"get", "put", "delete"},
    "/api/v1/milestones/{milestone_id}/reminder-policy": {"get", "put", "delete"},
    "/api/v1/webhooks": {"get", "post"},
    "/api/v1/webhooks/{webhook_id}": {"get", "patch", "delete"},
    "/api/v1/webhooks/{webhook_id}/ping": {"post"},
    "/api/v1/webhooks/{webhook_id}/deliveries": {"get"},
    "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": {"post"},
    "/api/v1/watches": {"get", "post"},
    "/api/v1/watches/{watch_id}": {"delete"},
    "/api/v1/preferences": {"get", "put"},
    "/api/v1/milestones/{milestone_id}/snooze": {"post"},
    "/api/v1/milestones/{milestone_id}/acknowledge": {"post"},
}

# url_name -> (method, least role, body). Personal routes act on the caller's own objects.
ROUTES: dict[str, tuple[str, str, object]] = {
    "notification-list": ("get", "viewer", None),
    "notification-unread-count": ("get", "viewer", None),
    "notification-read": ("post", "viewer", {}),
    "notification-read-all": ("post", "viewer", {}),
    "reminder-policy-detail": ("get", "viewer", None),
    "reminder-policy-update": ("put", "admin", {"days_before": [10, 2]}),
    "contract-reminder-policy-detail": ("get", "viewer", None),
    "contract-reminder-policy-update": ("put", "manager", {"send_hour": 8}),
    "contract-reminder-policy-delete": ("delete", "manager", None),
    "milestone-reminder-policy-detail": ("get", "viewer", None),
    "milestone-reminder-policy-update": ("put", "manager", {"on_due_date": False}),
    "milestone-reminder-policy-delete": ("delete", "manager", None),
    "webhook-list": ("get", "admin", None),
    "webhook-create": ("post", "admin", {"name": "Ours", "url": "http://127.0.0.1:9/hook"}),
    "webhook-detail": ("get", "admin", None),
    "webhook-update": ("patch", "admin", {"name": "Renamed"}),
    "webhook-delete": ("delete", "admin", None),
    "webhook-ping": ("post", "admin", {}),
    "webhook-delivery-list": ("get", "admin", None),
    "webhook-redeliver": ("post", "admin", {}),
    "watch-list": ("get", "viewer", None),
    "watch-create": ("post", "viewer", "watch"),
    "watch-delete": ("delete", "viewer", None),
    "preference-list": ("get", "viewer", None),
    "preference-update": ("put", "viewer", [{"topic": "activity", "email": "weekly"}]),
    "milestone-snooze": ("post", "viewer", {"until": "2027-02-20"}),
    "milestone-acknowledge": ("post", "viewer", {}),
}

# Routes naming an object of the organisation in their path (404 for outsiders).
OBJECT_ROUTES = {name for name, (_, _, _) in ROUTES.items()} - {
    "notification-list",
    "notification-unread-count",
    "notification-read-all",
    "reminder-policy-detail",
    "reminder-policy-update",
    "webhook-list",
    "webhook-create",
    "watch-list",
    "watch-create",
    "preference-list",
    "preference-update",
}
WRITE_ROUTES = {name for name, (method, _, _) in ROUTES.items() if method != "get"}

# Web pages: name -> ({method: least role} or "public", kind of object behind <pk>).
WEB: dict[str, tuple[dict[str, str] | str, str | None]] = {
    "notification-inbox": ({"get": "viewer"}, None),
    "notification-unread": ({"get": "viewer"}, None),
    "notification-read": ({"post": "viewer"}, "notification"),
    "notification-read-all": ({"post": "viewer"}, None),
    "notification-preferences": ({"get": "viewer", "post": "viewer"}, None),
    "reminder-policy-org": ({"get": "admin", "post": "admin"}, None),
    "webhook-list": ({"get": "admin"}, None),
    "webhook-create": ({"get": "admin", "post": "admin"}, None),
    "webhook-detail": ({"get": "admin"}, "subscription"),
    "webhook-edit": ({"get": "admin", "post": "admin"}, "subscription"),
    "webhook-delete": ({"get": "admin", "post": "admin"}, "subscription"),
    "webhook-ping": ({"post": "admin"}, "subscription"),
    "webhook-rotate": ({"post": "admin"}, "subscription"),
    "delivery-redeliver": ({"post": "admin"}, "delivery"),
    "sent-mail-list": ({"get": "admin"}, None),
    "sent-mail-detail": ({"get": "admin"}, "mail"),
    "contract-reminders": ({"get": "viewer", "post": "manager"}, "contract"),
    "contract-reminders-clear": ({"post": "manager"}, "contract"),
    "contract-notice": ({"post": "manager"}, "contract"),
    "contract-watch": ({"post": "viewer"}, "contract"),
    "milestone-reminders": ({"get": "viewer", "post": "manager"}, "milestone"),
    "milestone-reminders-clear": ({"post": "manager"}, "milestone"),
    "milestone-watch": ({"post": "viewer"}, "milestone"),
    "milestone-snooze": ({"post": "viewer"}, "milestone"),
    "milestone-acknowledge": ({"post": "viewer"}, "milestone"),
    "link-action": ("public", "link"),
}
