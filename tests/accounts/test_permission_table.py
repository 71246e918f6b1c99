"""docs/permissions.md is the source of the permission rules: every cell of its table is
checked against the function it names, and every `can_*` function must have a row."""

from __future__ import annotations

import inspect
from pathlib import Path
from types import SimpleNamespace

import pytest

from pactline.accounts import permissions
from pactline.accounts.models import Organisation, Role, User
from pactline.accounts.permissions import Actor

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
ROLE_COLUMNS = ("owner", "admin", "manager", "member", "viewer", "guest")
RELATIONS = ("own", "approver")  # besides none: the relation that may allow an action
ME, SOMEONE_ELSE = 1, 2


def table() -> dict[str, dict[str, str]]:
    """{function name: {role: cell}} from the table whose header names the roles."""
    rows: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    for line in DOC.read_text().splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set(cells) <= {"---", ""} or "function" not in header:
            continue
        row = dict(zip(header, cells, strict=True))
        name = row["function"].strip("`")
        assert name not in rows, f"{name} has two rows"
        rows[name] = {role: row[role].lower() for role in ROLE_COLUMNS}
    return rows


def allowed_relations(cell: str) -> set[str]:
    """The relations under which the cell allows the action ("none" = no relation)."""
    if cell == "yes":
        return {"none", *RELATIONS}
    if cell == "no":
        return set()
    relations = {part.strip() for part in cell.split(",")}
    unknown = relations - set(RELATIONS)
    assert not unknown, f"unknown cell value {cell!r}"
    return relations


def actor(role: str) -> Actor:
    user = User(pk=ME, email="me@example.test")
    party_id = 7 if role == "guest" else None
    return Actor(organisation=Organisation(pk=1), user=user, role=Role(role), party_id=party_id)


def target(relation: str) -> SimpleNamespace:
    """An object standing for a milestone, contract or comment, related to the actor or not."""
    return SimpleNamespace(
        pk=10,
        owner_id=ME if relation == "own" else SOMEONE_ELSE,
        author_id=ME if relation == "own" else SOMEONE_ELSE,
        approver_id=ME if relation == "approver" else SOMEONE_ELSE,
        shared_with_guests=True,
    )


def answer(function_name: str, role: str, relation: str) -> bool:
    function = getattr(permissions, function_name)
    params = list(inspect.signature(function).parameters)
    args = [target(relation) for _ in params[1:]]
    return bool(function(actor(role), *args))


def question_functions() -> list[str]:
    return sorted(
        name
        for name, value in vars(permissions).items()
        if name.startswith("can_") and inspect.isfunction(value)
    )


def test_the_table_lists_every_permission_function_and_nothing_else() -> None:
    documented = set(table())
    assert set(question_functions()) - documented == set(), "functions missing from the table"
    assert documented - set(question_functions()) == set(), "rows naming no function"


def test_the_table_names_every_role() -> None:
    assert set(ROLE_COLUMNS) == set(Role.values)


@pytest.mark.parametrize("function_name", sorted(table()))
@pytest.mark.parametrize("role", ROLE_COLUMNS)
def test_each_cell_matches_the_code(function_name: str, role: str) -> None:
    expected = allowed_relations(table()[function_name][role])
    actual = {rel for rel in ("none", *RELATIONS) if answer(function_name, role, rel)}
    assert actual == expected, f"{function_name} for {role}: code allows {sorted(actual)}"
