"""Property-based fuzzing of every API operation from its own OpenAPI document.

Schemathesis generates requests (valid and invalid) for every operation; whatever it sends,
the API must never answer 5xx and every answer must match the documented schema and status
codes. The number of examples per operation is bounded (PACTLINE_FUZZ_EXAMPLES, default 5) to
keep the suite quick; raise it for a deeper run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from pactline.wsgi import application
from tests.api.conftest import make_token
from tests.factories import MilestoneFactory

EXAMPLES = int(os.environ.get("PACTLINE_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def fuzz(operation, headers: dict[str, str]) -> list[str]:
    """Run one operation's examples; the failures, one line each."""
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case) -> None:
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # a check failed: schemathesis raises a group of failures
            detail = " | ".join(str(e).splitlines()[0] for e in getattr(exc, "exceptions", [exc]))
            failures.append(f"{operation.label}: {detail[:300]}")

    run()
    return failures


@pytest.fixture
def keep_test_connection():
    """The raw WSGI app closes the database connection after each request, as it should in
    production; inside a test's transaction it must not (Django's test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_no_5xx_and_every_answer_matches_the_schema(world, contract, keep_test_connection):
    MilestoneFactory(contract=contract)  # something for generated ids to hit now and then
    headers = {"Authorization": f"Bearer {make_token(world.user('owner'), world.acme)}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60
    failures = [line for op in operations for line in fuzz(op, headers)]
    assert failures == []
