"""Custom fields in spreadsheets: exported as typed columns, imported by label or key, bad
cells reported naming the column, and an export re-imports unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.transfer.export import export_workbook
from pactline.transfer.importing import ImportOptions, commit_import, plan_import
from tests.conftest import World
from tests.customfields.conftest import define
from tests.factories import ContractFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(world: World) -> None:
    define(world, key="cost_centre", label="Cost centre", field_type="text")
    define(world, key="budget", label="Budget", field_type="money")
    define(world, key="risk", label="Risk", field_type="choice", choices=["low", "high"])
    define(world, "milestone", key="gate", label="Gate", field_type="number", max_value="10")
    define(world, "milestone", key="signed_off", label="Signed off on", field_type="date")


def _csv(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


def test_import_by_label_or_key_and_commit(world: World, fields: None, manager) -> None:
    data = _csv(
        "Contract number,Contract title,Cost centre,budget,RISK,Milestone,Gate,Signed off on\n"
        "C-1,One,CC-7,1200 USD,High,Design,3,2027-01-31\n"
    )
    preview = plan_import(manager, data, ImportOptions(filename="in.csv"))
    assert preview.ok, preview.problems
    assert preview.mapping["Cost centre"] == "cf.contract.cost_centre"
    assert preview.mapping["budget"] == "cf.contract.budget"  # our "budget" alias gives way
    commit_import(manager, preview)
    contract = Contract.objects.get(number="C-1")
    assert contract.custom_fields == {
        "cost_centre": "CC-7",
        "budget": {"amount": "1200.00", "currency": "USD"},
        "risk": "high",
    }
    assert Milestone.objects.get(title="Design").custom_fields == {
        "gate": "3",
        "signed_off": "2027-01-31",
    }


def test_bad_cells_name_the_column(world: World, fields: None, manager) -> None:
    data = _csv("Contract number,Contract title,Risk,Milestone,Gate\nC-1,One,extreme,Design,11\n")
    preview = plan_import(manager, data, ImportOptions(filename="in.csv"))
    assert not preview.ok
    problems = {p.column: p.reason for p in preview.problems}
    assert "not one of the choices" in problems["Risk"]
    assert "at most 10" in problems["Gate"]
    assert not Contract.objects.filter(number="C-1").exists()


def test_export_has_typed_columns_and_reimports_unchanged(
    world: World, fields: None, manager
) -> None:
    contract = ContractFactory(
        organisation=world.acme,
        number="C-1",
        custom_fields={"cost_centre": "=SUM(A1)", "budget": {"amount": "10.50", "currency": "EUR"}},
    )
    MilestoneFactory(contract=contract, title="Design", custom_fields={"gate": "2.5"})
    book = load_workbook(io.BytesIO(export_workbook(manager)))["Milestones"]
    rows = list(book.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[-5:] == ["Cost centre", "Budget", "Risk", "Gate", "Signed off on"]
    row = dict(zip(header, rows[1], strict=True))
    assert row["Gate"] == 2.5  # a number cell
    assert row["Cost centre"] == "'=SUM(A1)"  # never a formula
    assert row["Budget"] == "10.50 EUR"
    text = export_workbook(manager, format="csv").decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text)))[-1] == "Signed off on"
    for fmt in ("xlsx", "csv"):
        preview = plan_import(
            manager, export_workbook(manager, format=fmt), ImportOptions(filename=f"e.{fmt}")
        )
        assert preview.ok, preview.problems
        assert preview.counts()["contracts"]["unchanged"] == 1, fmt
        assert preview.counts()["milestones"]["unchanged"] == 1, fmt


def test_edited_export_updates_values(world: World, fields: None, manager) -> None:
    contract = ContractFactory(organisation=world.acme, number="C-1")
    MilestoneFactory(contract=contract, title="Design", custom_fields={"gate": "2"})
    book = load_workbook(io.BytesIO(export_workbook(manager)))
    sheet = book["Milestones"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Gate") + 1, value=7)
    sheet.cell(row=2, column=header.index("Risk") + 1, value="low")
    out = io.BytesIO()
    book.save(out)
    preview = plan_import(manager, out.getvalue(), ImportOptions(filename="e.xlsx"))
    assert preview.ok, preview.problems
    described = {c.label: c.describe() for c in preview.contracts + preview.milestones}
    assert "custom_fields.gate: 2 → 7" in described["C-1 / Design"]
    commit_import(manager, preview)
    assert Milestone.objects.get(title="Design").custom_fields == {"gate": "7"}
    assert Contract.objects.get(number="C-1").custom_fields == {"risk": "low"}


def test_required_field_for_new_rows_only(world: World, manager) -> None:
    define(world, key="cost_centre", label="Cost centre", field_type="text", required=True)
    ContractFactory(organisation=world.acme, number="OLD-1", title="Old")
    data = _csv("Contract number,Contract title\nOLD-1,Old renamed\nNEW-1,New\n")
    preview = plan_import(manager, data, ImportOptions(filename="in.csv"))
    assert [(p.row, p.column) for p in preview.problems] == [(3, "Cost centre")]
    fixed = _csv("Contract number,Contract title,Cost centre\nOLD-1,Old renamed,\nNEW-1,New,CC-1\n")
    preview = plan_import(manager, fixed, ImportOptions(filename="in.csv"))
    assert preview.ok, preview.problems
    commit_import(manager, preview)
    assert Contract.objects.get(number="OLD-1").title == "Old renamed"
    assert Contract.objects.get(number="NEW-1").custom_fields == {"cost_centre": "CC-1"}
