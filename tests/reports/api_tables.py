"""The reports API's routes, for the shared meta-tests of tests/api (OpenAPI paths, tenancy,
roles) and this app's own permission tests (tests/reports/test_permissions.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

PATHS = {
    "/api/v1/dashboard": {"get"},
    "/api/v1/analytics": {"get"},
    "/api/v1/cash-flow": {"get"},
    "/api/v1/milestones/{milestone_id}/payment": {"post"},
    "/api/v1/milestones/{milestone_id}/penalty": {"get"},
    "/api/v1/milestones/{milestone_id}/waivers": {"post"},
    "/api/v1/waivers/{waiver_id}": {"delete"},
}

COLLECTION_ROUTES = {"dashboard", "analytics", "cash-flow"}
WRITE_ROUTES = {"milestone-payment", "milestone-waiver-create", "waiver-delete"}


def waiver_on(milestone_id: int) -> int:
    """A waiver on the milestone (given penalty terms first)."""
    from pactline.milestones.models import Milestone
    from pactline.reports.models import PenaltyWaiver

    m = Milestone.objects.get(pk=milestone_id)
    Milestone.objects.filter(pk=m.pk).update(penalty_kind="fixed", penalty_rate=Decimal("10"))
    return PenaltyWaiver.objects.create(
        organisation_id=m.organisation_id, contract_id=m.contract_id, milestone=m, reason="r"
    ).pk


# url_name -> (method, path kwargs from tests/api/test_tenancy.Acme, body)
OBJECT_ROUTES: dict[str, tuple[str, Any, Any]] = {
    "milestone-payment": (
        "post",
        lambda a: {"milestone_id": a.milestone},
        {"invoiced_on": "2027-01-04"},
    ),
    "milestone-penalty": ("get", lambda a: {"milestone_id": a.milestone}, None),
    "milestone-waiver-create": (
        "post",
        lambda a: {"milestone_id": a.milestone},
        {"reason": "goodwill"},
    ),
    "waiver-delete": ("delete", lambda a: {"waiver_id": waiver_on(a.milestone)}, None),
}
