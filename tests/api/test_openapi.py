"""The OpenAPI document loads, lists every path, and documents auth and errors."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.api_tables import PATHS as ACCESS_PATHS
from tests.customfields.tables import PATHS as CUSTOM_FIELD_PATHS
from tests.milestones.api_tables import PATHS as MILESTONE_TYPE_PATHS
from tests.notifications.api_tables import PATHS as NOTIFICATION_PATHS
from tests.reports.api_tables import PATHS as REPORT_PATHS
from tests.review.helpers import PATHS as REVIEW_PATHS
from tests.savedviews.tables import PATHS as SAVED_VIEW_PATHS

pytestmark = pytest.mark.django_db

EXPECTED_PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/parties": {"get", "post"},
    "/api/v1/parties/{party_id}": {"get", "patch", "delete"},
    "/api/v1/parties/{party_id}/contacts": {"get", "post"},
    "/api/v1/parties/{party_id}/contacts/{contact_id}": {"get", "patch", "delete"},
    "/api/v1/contracts": {"get", "post"},
    "/api/v1/contracts/{contract_id}": {"get", "patch", "delete"},
    "/api/v1/contracts/{contract_id}/close": {"post"},
    "/api/v1/contracts/{contract_id}/apply-template": {"post"},
    "/api/v1/contracts/{contract_id}/milestones": {"get", "post"},
    "/api/v1/contracts/{contract_id}/milestones/reorder": {"post"},
    "/api/v1/milestones": {"get", "post"},
    "/api/v1/milestones/{milestone_id}": {"get", "patch", "delete"},
    "/api/v1/milestones/{milestone_id}/transition": {"post"},
    "/api/v1/milestones/{milestone_id}/checklist": {"get", "post"},
    "/api/v1/checklist-items/{item_id}": {"get", "patch", "delete"},
    "/api/v1/milestones/{milestone_id}/dependencies": {"get", "post"},
    "/api/v1/dependencies/{dependency_id}": {"get", "delete"},
    "/api/v1/contracts/{contract_id}/what-if": {"post"},
    "/api/v1/contracts/{contract_id}/what-if/apply": {"post"},
    "/api/v1/contracts/{contract_id}/series": {"get", "post"},
    "/api/v1/series/{series_id}": {"get"},
    "/api/v1/milestones/{milestone_id}/occurrence": {"patch"},
    "/api/v1/templates": {"get", "post"},
    "/api/v1/templates/{template_id}": {"get", "patch", "delete"},
    "/api/v1/events": {"get"},
    "/api/v1/events/{event_id}": {"get"},
    "/api/v1/imports": {"post"},
    "/api/v1/imports/{import_id}/commit": {"post"},
    "/api/v1/export": {"get"},
    "/api/v1/import-mappings": {"get", "post"},
    "/api/v1/import-mappings/{mapping_id}": {"delete"},
    "/api/v1/feeds": {"get", "post"},
    "/api/v1/feeds/{feed_id}": {"delete"},
    "/api/v1/closures": {"get", "post"},
    "/api/v1/closures/import": {"post"},
    "/api/v1/closures/{closure_id}": {"delete"},
}


EXPECTED_PATHS.update(NOTIFICATION_PATHS)  # reminders and notifications (issue 4)
EXPECTED_PATHS.update(REPORT_PATHS)  # dashboard, analytics, cash flow, money (issue 6)
EXPECTED_PATHS.update(REVIEW_PATHS)  # key dates from the contract text (issue 11)
EXPECTED_PATHS.update(ACCESS_PATHS)  # access and collaboration (issue 5)
EXPECTED_PATHS.update(SAVED_VIEW_PATHS)  # saved views of lists (issue 8)
EXPECTED_PATHS.update(CUSTOM_FIELD_PATHS)  # custom field definitions (issue 8)
EXPECTED_PATHS.update(MILESTONE_TYPE_PATHS)  # milestone types (issue 8)


@pytest.fixture
def document() -> dict:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_document_lists_every_path(document: dict) -> None:
    assert document["openapi"].startswith("3.")
    paths = {path: set(ops) for path, ops in document["paths"].items()}
    assert paths == EXPECTED_PATHS


def test_every_operation_has_a_summary_and_documented_errors(document: dict) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert "401" in operation["responses"], where
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorOut"}, where
            if "{" in path:
                assert "404" in operation["responses"], where
            if method in {"post", "patch", "delete"}:
                assert "403" in operation["responses"], where
            if method == "patch":
                assert "409" in operation["responses"], where


def test_both_auth_schemes_are_documented(document: dict) -> None:
    schemes = document["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("scheme", s.get("in"))) for s in schemes.values()}
    assert kinds == {("http", "bearer"), ("apiKey", "cookie")}


def test_input_schemas_forbid_unknown_fields(document: dict) -> None:
    schemas = document["components"]["schemas"]
    for name in (
        "ContractIn",
        "ContractPatch",
        "MilestoneIn",
        "MilestonePatch",
        "TransitionIn",
        "DependencyIn",
        "WhatIfIn",
        "WhatIfApplyIn",
        "MilestoneChangeIn",
        "SeriesIn",
        "OccurrencePatch",
        "TemplateItemIn",
    ):
        assert schemas[name].get("additionalProperties") is False, name


def test_docs_page_loads() -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
