"""The import as a user lives it: preview, commit, re-import, update, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pactline.activity.models import Event
from pactline.contracts.models import Contract, Party
from pactline.errors import Forbidden
from pactline.milestones.models import Milestone
from pactline.transfer.importing import ImportOptions, ImportProblems, commit_import, plan_import
from tests.factories import ContractFactory, MilestoneFactory
from tests.transfer.conftest import HEADER, csv_bytes


def counts():
    return Contract.objects.count(), Milestone.objects.count(), Party.objects.count()


def test_the_dry_run_writes_nothing(manager, sheet_rows):
    before = (*counts(), Event.objects.count())
    preview = plan_import(manager, csv_bytes(sheet_rows))
    assert preview.ok, preview.problems
    assert preview.counts() == {
        "contracts": {"create": 2, "update": 0, "unchanged": 0},
        "milestones": {"create": 3, "update": 0, "unchanged": 0},
        "parties": {"create": 2},
    }
    assert (*counts(), Event.objects.count()) == before


def test_commit_creates_through_the_services(manager, world, sheet_rows):
    result = commit_import(manager, csv_bytes(sheet_rows), ImportOptions(filename="q1.csv"))
    assert result.created == {"contracts": 2, "milestones": 3, "parties": 2}
    contract = Contract.objects.get(number="C-100")
    assert contract.title == "Data centre move"
    assert [p.name for p in contract.parties.all()] == ["Globex"]
    assert contract.parties.get().kind == "vendor"
    golive = Milestone.objects.get(title="Go-live")
    assert golive.due_date == date(2027, 6, 30)
    assert golive.owner == world.users["member"]
    assert golive.payment_amount == Decimal("4000.00")
    assert golive.baseline_due_date == date(2027, 6, 30)
    # the audit trail has every creation, and one event for the import itself
    verbs = list(Event.objects.filter(organisation=world.acme).values_list("verb", flat=True))
    assert verbs.count("created") == 2 + 3 + 2
    assert Event.objects.get(verb="imported").summary.startswith("Imported q1.csv")


def test_reimporting_the_same_file_changes_nothing(manager, sheet_rows):
    commit_import(manager, csv_bytes(sheet_rows))
    events = Event.objects.count()
    preview = plan_import(manager, csv_bytes(sheet_rows))
    assert preview.counts()["contracts"] == {"create": 0, "update": 0, "unchanged": 2}
    assert preview.counts()["milestones"] == {"create": 0, "update": 0, "unchanged": 3}
    result = commit_import(manager, preview)
    assert result.unchanged == {"contracts": 2, "milestones": 3}
    assert Event.objects.count() == events


def test_a_changed_cell_is_an_update_with_a_diff(manager, sheet_rows):
    commit_import(manager, csv_bytes(sheet_rows))
    sheet_rows[2][4] = "2027-07-15"
    sheet_rows[2][6] = "4,500.00"
    preview = plan_import(manager, csv_bytes(sheet_rows), ImportOptions(filename="v2.csv"))
    [update] = [m for m in preview.milestones if m.action == "update"]
    assert update.row == 3
    assert (
        update.describe() == "due_date: 2027-06-30 → 2027-07-15; payment_amount: 4000.00 → 4500.00"
    )
    commit_import(manager, preview)
    golive = Milestone.objects.get(title="Go-live")
    assert golive.due_date == date(2027, 7, 15)
    assert golive.baseline_due_date == date(2027, 6, 30)  # the baseline stays
    event = Event.objects.filter(subject_id=golive.pk, verb="rescheduled").get()
    assert "imported from v2.csv" in event.summary


def test_rows_match_by_external_id(manager, world):
    contract = ContractFactory(organisation=world.acme, number="OLD-1", external_id="ERP-9")
    milestone = MilestoneFactory(contract=contract, title="Design", external_id="T-1")
    rows = [
        ["Contract id", "Contract number", "Milestone id", "Milestone", "Due date"],
        ["ERP-9", "NEW-1", "T-1", "Design approval", "2027-05-05"],
    ]
    preview = plan_import(manager, csv_bytes(rows))
    assert preview.mapping["Contract id"] == "contract_external_id"
    assert preview.mapping["Milestone id"] == "milestone_external_id"
    assert [c.action for c in preview.contracts] == ["update"]
    assert preview.contracts[0].changes == {"number": ("OLD-1", "NEW-1")}
    commit_import(manager, preview)
    milestone.refresh_from_db()
    contract.refresh_from_db()
    assert contract.number == "NEW-1"
    assert (milestone.title, milestone.due_date) == ("Design approval", date(2027, 5, 5))


def test_milestones_match_by_contract_number_and_title(manager, world):
    contract = ContractFactory(organisation=world.acme, number="C-5")
    milestone = MilestoneFactory(contract=contract, title="Go-live", due_date=date(2027, 3, 1))
    rows = [
        ["Contract", "Milestone", "Deadline"],
        ["C-5", "Go-live", "2027-03-01"],
        ["C-5", "Handover", "2027-04-01"],
    ]
    preview = plan_import(manager, csv_bytes(rows))
    actions = {c.label: c.action for c in preview.milestones}
    assert actions == {"C-5 / Go-live": "unchanged", "C-5 / Handover": "create"}
    commit_import(manager, preview)
    assert contract.milestones.count() == 2
    milestone.refresh_from_db()
    assert milestone.version == 1


def test_one_bad_row_means_nothing_is_written(manager, sheet_rows):
    sheet_rows.append(["C-300", "Broken", "", "Sign-off", "31/02/2027", "", "", ""])
    before = counts()
    preview = plan_import(manager, csv_bytes(sheet_rows))
    assert not preview.ok
    [problem] = preview.problems
    assert (problem.row, problem.column, problem.value) == (5, "Due date", "31/02/2027")
    assert "not a valid date" in problem.reason
    with pytest.raises(ImportProblems, match="1 problem"):
        commit_import(manager, preview)
    assert counts() == before


def test_a_service_refusal_mid_commit_rolls_everything_back(manager, sheet_rows, monkeypatch):
    from pactline.errors import ValidationFailed
    from pactline.milestones import services

    real = services.create_milestone

    def refuse_the_third(actor, contract, data):
        if data["title"] == "Renewal notice":
            raise ValidationFailed.one("title", "refused for the test")
        return real(actor, contract, data)

    monkeypatch.setattr(services, "create_milestone", refuse_the_third)
    before = (*counts(), Event.objects.count())
    with pytest.raises(ImportProblems, match=r"row 4 \(C-200 / Renewal notice\)"):
        commit_import(manager, csv_bytes(sheet_rows))
    assert (*counts(), Event.objects.count()) == before


def test_problems_name_row_column_value_and_reason(manager):
    rows = [
        HEADER,
        ["C-1", "A", "", "M1", "2027-01-01", "nobody@acme.test", "", ""],
        ["C-1", "A", "", "M2", "2027-01-01", "", "12abc", "EUR"],
        ["", "", "", "M3", "2027-01-01", "", "", ""],
        ["C-2", "", "", "M4", "2027-01-01", "", "", ""],
        ["C-1", "B", "", "M5", "2027-01-01", "", "", ""],
    ]
    preview = plan_import(manager, csv_bytes(rows))
    got = {(p.row, p.column): (p.value, p.reason) for p in preview.problems}
    assert got[(3, "Amount")][0] == "12abc"
    assert "not an amount" in got[(3, "Amount")][1]
    assert "no member of Acme" in got[(2, "Owner")][1]
    assert got[(6, "Contract title")] == ("B", "differs from row 2 (A) for the same contract")
    assert "no contract number" in got[(4, "Contract number")][1]
    assert "needs a title" in got[(5, "Contract title")][1]


def test_duplicate_milestones_in_the_file(manager):
    rows = [
        ["Contract", "Title", "Milestone", "Due"],
        ["C-1", "A", "M", "2027-01-01"],
        ["C-1", "A", "M", "2027-02-01"],
    ]
    preview = plan_import(manager, csv_bytes(rows))
    assert "already on row 2" in preview.problems[0].reason


def test_statuses_move_through_allowed_transitions(manager, world):
    rows = [
        ["Contract", "Title", "Milestone", "Due", "Approver", "Status"],
        ["C-1", "A", "Design", "2027-01-01", "maria@acme.test", "Accepted"],
        ["C-1", "A", "Build", "2027-02-01", "", "done"],
    ]
    commit_import(manager, csv_bytes(rows))
    assert Milestone.objects.get(title="Design").status == "accepted"
    assert Milestone.objects.get(title="Build").status == "done"
    rows[2][5] = "Submitted"  # needs an approver
    preview = plan_import(manager, csv_bytes(rows))
    assert "without an approver" in preview.problems[0].reason


def test_currency_from_the_amount_symbol(manager):
    rows = [["Contract", "Title", "Milestone", "Payment"], ["C-1", "A", "Deposit", "$5,000"]]
    commit_import(manager, csv_bytes(rows))
    assert Contract.objects.get(number="C-1").currency == "USD"
    rows.append(["C-1", "A", "Balance", "€5,000"])
    preview = plan_import(manager, csv_bytes(rows))
    assert "the contract's currency is USD" in preview.problems[0].reason


def test_members_and_viewers_may_not_import(member, viewer, sheet_rows):
    for actor in (member, viewer):
        with pytest.raises(Forbidden):
            plan_import(actor, csv_bytes(sheet_rows))


def test_other_organisations_are_invisible(manager, outsider, world):
    ContractFactory(organisation=world.rival, number="C-100", title="Rival's")
    rows = [["Contract", "Title", "Milestone"], ["C-100", "Ours", "M"]]
    preview = plan_import(manager, csv_bytes(rows))
    assert preview.contracts[0].action == "create"
    rows = [
        ["Pactline contract id", "Contract"],
        [str(Contract.objects.get(organisation=world.rival).pk), "C-100"],
    ]
    preview = plan_import(manager, csv_bytes(rows))
    assert "no contract of this organisation" in preview.problems[0].reason


def test_a_preview_of_another_organisation_is_refused(manager, outsider, sheet_rows):
    preview = plan_import(manager, csv_bytes(sheet_rows))
    with pytest.raises(ImportProblems, match="another organisation"):
        commit_import(outsider, preview)


def test_a_stale_preview_fails_with_nothing_written(manager, world, sheet_rows):
    commit_import(manager, csv_bytes(sheet_rows))
    sheet_rows[1][4] = "2027-03-02"
    sheet_rows[2][4] = "2027-07-01"
    preview = plan_import(manager, csv_bytes(sheet_rows))
    from pactline.milestones.services import update_milestone

    kickoff = Milestone.objects.get(title="Kick-off")
    update_milestone(manager, kickoff, {"description": "edited meanwhile"}, None)
    from pactline.errors import Conflict

    with pytest.raises(Conflict, match="changed since the preview"):
        commit_import(manager, preview)
    assert Milestone.objects.get(title="Go-live").due_date == date(2027, 6, 30)


def test_progress_is_reported(manager, sheet_rows):
    seen = []
    rows = sheet_rows + [["C-9", "Big", "", f"M{i}", "2027-01-01", "", "", ""] for i in range(2500)]
    plan_import(manager, csv_bytes(rows), progress=seen.append)
    assert seen[:2] == [1000, 2000]
    assert seen[-1] == len(rows) - 1


def test_fingerprint_guards_what_the_user_saw(manager, sheet_rows):
    from pactline.errors import Conflict

    shown = plan_import(manager, csv_bytes(sheet_rows)).fingerprint()
    sheet_rows[1][4] = "2027-03-05"
    with pytest.raises(Conflict, match="differs from the preview"):
        commit_import(manager, csv_bytes(sheet_rows), expect_fingerprint=shown)
    assert Contract.objects.count() == 0


def test_preview_serialises_for_pages_and_api(manager, sheet_rows):
    data = plan_import(manager, csv_bytes(sheet_rows)).to_dict()
    assert data["ok"] is True
    assert data["counts"]["milestones"]["create"] == 3
    assert data["milestones"][0]["data"]["due_date"] == "2027-03-01"


def test_a_number_held_by_a_hidden_restricted_contract_is_refused_without_saying_why(
    manager, world
):
    """A restricted contract the importer is not named on does not exist for them: a row with
    its number (new, or a rename onto it) fails in the preview with the same neutral words as a
    rename onto a visible contract's number, and nothing of the hidden contract shows."""
    from pactline.contracts import services

    owner = world.actor("owner")
    hidden = ContractFactory(organisation=world.acme, number="SEC-9", title="Merger advice")
    services.update_contract(owner, hidden, {"restricted": True}, None)
    ContractFactory(organisation=world.acme, number="OPEN-1", external_id="ERP-1")
    ContractFactory(organisation=world.acme, number="OPEN-2", external_id="ERP-2")
    rows = [
        ["Contract id", "Contract number", "Contract title", "Milestone", "Due date"],
        ["", "SEC-9", "Mine", "Kick-off", "2027-05-05"],
        ["ERP-1", "SEC-9", "", "Design", "2027-05-05"],
        ["ERP-2", "OPEN-1", "", "Design", "2027-05-05"],
    ]
    preview = plan_import(manager, csv_bytes(rows))
    got = {p.row: (p.column, p.value, p.reason) for p in preview.problems}
    neutral = "this contract number is not available; choose another"
    assert got == {
        2: ("Contract number", "SEC-9", neutral),
        3: ("Contract number", "SEC-9", neutral),
        4: ("Contract number", "OPEN-1", neutral),
    }
    text = repr(preview.problems)
    assert "Merger" not in text and "restricted" not in text and "already" not in text
    with pytest.raises(ImportProblems):
        commit_import(manager, csv_bytes(rows))
    assert Contract.objects.filter(number="SEC-9").count() == 1
