"""Export, edit offline, re-import: a diff, conflicts per row, and an override."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pactline.contracts.services import update_contract
from pactline.milestones.models import Milestone
from pactline.milestones.services import update_milestone
from pactline.transfer.export import COLUMNS, export_workbook
from pactline.transfer.importing import ImportOptions, ImportProblems, commit_import, plan_import
from tests.factories import ContractFactory, MilestoneFactory, PartyFactory


@pytest.fixture
def portfolio(world, frozen_today):
    globex = PartyFactory(organisation=world.acme, name="Globex")
    contract = ContractFactory(
        organisation=world.acme,
        number="C-1",
        title="Fit-out",
        owner=world.users["manager"],
        external_id="ERP-1",
    )
    contract.parties.add(globex)
    MilestoneFactory(
        contract=contract,
        title="Design",
        due_date=date(2027, 3, 1),
        owner=world.users["member"],
        payment_amount=Decimal("2500.50"),
    )
    MilestoneFactory(
        contract=contract, title="Go-live", due_date=date(2027, 6, 1), status="in_progress"
    )
    ContractFactory(organisation=world.acme, number="C-2", title="Empty one")
    ContractFactory(organisation=world.rival, number="R-1", title="Rival's secret")
    return contract


def sheet(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return book["Milestones"]


def col(name: str) -> int:
    return COLUMNS.index(name)


def edited(data: bytes, changes: dict[tuple[int, str], object]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    ws = book["Milestones"]
    for (row, name), value in changes.items():
        ws.cell(row=row, column=col(name) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_export_layout_and_types(manager, portfolio):
    ws = sheet(export_workbook(manager))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][col("contract_number")] == "Contract number"
    assert ws.freeze_panes == "A2"
    numbers = [r[col("contract_number")] for r in rows[1:]]
    assert numbers == ["C-1", "C-1", "C-2"]  # no other organisation's contract
    design = rows[1]
    assert design[col("due_date")] == datetime(2027, 3, 1)
    assert design[col("amount")] == 2500.5
    assert design[col("owner")] == "mike@acme.test"
    assert design[col("party")] == "Globex"
    assert design[col("milestone_status")] == "Planned"
    assert design[col("contract_version")] == 1
    assert design[col("contract_external_id")] == "ERP-1"
    assert ws.cell(row=2, column=col("due_date") + 1).is_date
    assert rows[3][col("milestone_title")] is None


def test_reimporting_an_export_changes_nothing(manager, portfolio):
    for fmt in ("xlsx", "csv"):
        preview = plan_import(
            manager, export_workbook(manager, format=fmt), ImportOptions(filename=f"export.{fmt}")
        )
        assert preview.ok, preview.problems
        assert preview.counts()["contracts"] == {"create": 0, "update": 0, "unchanged": 2}
        assert preview.counts()["milestones"] == {"create": 0, "update": 0, "unchanged": 2}


def test_an_edited_export_shows_a_diff_and_applies(manager, portfolio):
    data = edited(
        export_workbook(manager),
        {
            (2, "due_date"): datetime(2027, 3, 8),
            (2, "contract_title"): "Fit-out phase 1",
            (3, "contract_title"): "Fit-out phase 1",
            (3, "milestone_status"): "Done",
        },
    )
    preview = plan_import(manager, data)
    assert preview.ok, preview.problems
    changes = {
        c.label: c.describe()
        for c in preview.contracts + preview.milestones
        if c.action == "update"
    }
    assert changes == {
        "C-1": "title: Fit-out → Fit-out phase 1",
        "C-1 / Design": "due_date: 2027-03-01 → 2027-03-08",
        "C-1 / Go-live": "status: in_progress → done",
    }
    assert preview.conflicts == []
    commit_import(manager, preview)
    assert Milestone.objects.get(title="Design").due_date == date(2027, 3, 8)
    assert Milestone.objects.get(title="Go-live").status == "done"


def test_rows_changed_in_the_app_since_the_export_are_conflicts(manager, portfolio):
    exported = export_workbook(manager)
    design = Milestone.objects.get(title="Design")
    update_milestone(manager, design, {"title": "Design sign-off"}, design.version)
    update_contract(manager, portfolio, {"description": "changed in the app"}, portfolio.version)
    data = edited(exported, {(2, "due_date"): datetime(2027, 3, 8)})
    preview = plan_import(manager, data)
    assert preview.ok
    conflicts = {(c.row, c.kind): c for c in preview.conflicts}
    milestone = conflicts[(2, "milestone")]
    assert (milestone.version_in_file, milestone.version_now) == (1, 2)
    assert "title: Design sign-off → Design" in milestone.changes
    assert "due_date: 2027-03-01 → 2027-03-08" in milestone.changes
    assert (2, "contract") not in conflicts  # the file's contract values equal the app's
    with pytest.raises(ImportProblems, match="changed in the app since the export"):
        commit_import(manager, preview)
    assert Milestone.objects.get(pk=design.pk).title == "Design sign-off"
    preview.options.override_conflicts = True
    commit_import(manager, preview)
    design.refresh_from_db()
    assert (design.title, design.due_date) == ("Design", date(2027, 3, 8))


def test_override_as_an_option(manager, portfolio):
    exported = export_workbook(manager)
    design = Milestone.objects.get(title="Design")
    update_milestone(manager, design, {"description": "meanwhile"}, design.version)
    data = edited(exported, {(2, "milestone_description"): "offline"})
    with pytest.raises(ImportProblems):
        commit_import(manager, data)
    commit_import(manager, data, ImportOptions(override_conflicts=True))
    design.refresh_from_db()
    assert design.description == "offline"


def test_formula_like_text_is_neutralised(manager, world, portfolio):
    MilestoneFactory(contract=portfolio, title='=HYPERLINK("http://evil","click")')
    MilestoneFactory(contract=portfolio, title="-5% discount")
    MilestoneFactory(contract=portfolio, title="@import")
    MilestoneFactory(contract=portfolio, title="+1 extra")
    data = export_workbook(manager)
    ws = sheet(data)
    titles = {c.value for c in ws[chr(ord("A") + col("milestone_title"))]}
    assert '\'=HYPERLINK("http://evil","click")' in titles
    assert {"'-5% discount", "'@import", "'+1 extra"} <= titles
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    text = export_workbook(manager, format="csv").decode("utf-8-sig")
    csv_titles = {r[col("milestone_title")] for r in csv.reader(io.StringIO(text))}
    assert '\'=HYPERLINK("http://evil","click")' in csv_titles
    # and the importer reads them back as they were
    for fmt in ("xlsx", "csv"):
        preview = plan_import(manager, export_workbook(manager, format=fmt))
        assert preview.ok, preview.problems
        assert preview.counts()["milestones"]["unchanged"] == 6


def test_csv_export_is_excel_friendly(manager, portfolio):
    data = export_workbook(manager, format="csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][col("due_date")] == "2027-03-01"
    assert rows[1][col("amount")] == "2500.50"


def test_export_of_a_queryset_stays_within_the_organisation(manager, portfolio, world):
    from pactline.contracts.models import Contract

    ws = sheet(export_workbook(manager, Contract.objects.filter(number__in=["C-2", "R-1"])))
    numbers = [r[col("contract_number")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert numbers == ["C-2"]
