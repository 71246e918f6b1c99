"""The OpenAPI document is valid OpenAPI, and every operation documents itself fully:
a summary, its request body, a schema for each answer, and its error answers."""

from __future__ import annotations

import pytest
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document() -> dict:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict) -> list[tuple[str, str, dict]]:
    return [
        (f"{method.upper()} {path}", method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_the_document_validates(document: dict) -> None:
    validate(document)  # raises with the first problem


def test_every_operation_has_a_summary(document: dict) -> None:
    missing = [where for where, _, op in operations(document) if not op.get("summary")]
    assert missing == []


def test_every_answer_has_a_schema(document: dict) -> None:
    missing = []
    for where, _, op in operations(document):
        successes = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        if not successes:
            missing.append(f"{where}: no success answer")
        for code, answer in successes.items():
            if code == "204":
                continue
            content = answer.get("content") or {}
            if not content or not all(body.get("schema") for body in content.values()):
                missing.append(f"{where}: answer {code} has no schema")
    assert missing == []


def test_every_operation_documents_its_errors(document: dict) -> None:
    undocumented = []
    for where, method, op in operations(document):
        errors = {code for code in op["responses"] if code[0] in "45"}
        wanted = {"401"}
        if op.get("parameters") or op.get("requestBody"):
            wanted.add("422")  # input that can be invalid
        if "{" in where:
            wanted.add("404")
        if method in {"post", "patch", "put", "delete"}:
            wanted.add("403")
        if wanted - errors:
            undocumented.append(f"{where}: {sorted(wanted - errors)}")
        for code in errors:
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, f"{where} {code}"
    assert undocumented == []


def test_every_request_body_has_a_schema(document: dict) -> None:
    missing = []
    for where, _, op in operations(document):
        content = (op.get("requestBody") or {}).get("content")
        if content is not None and not (content and all(b.get("schema") for b in content.values())):
            missing.append(where)
    assert missing == []


def test_every_parameter_has_a_schema(document: dict) -> None:
    missing = [
        f"{where}: {p['name']}"
        for where, _, op in operations(document)
        for p in op.get("parameters", [])
        if not p.get("schema")
    ]
    assert missing == []
