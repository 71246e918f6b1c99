"""Column mapping (suggested, edited, saved) and the date-order decision."""

from __future__ import annotations

from datetime import date

import pytest

from pactline.errors import Forbidden, ValidationFailed
from pactline.transfer.importing import ImportOptions, plan_import, suggest_mapping
from pactline.transfer.importing.mapping import mapping_errors
from pactline.transfer.models import ImportMapping
from pactline.transfer.services import delete_mapping, save_mapping
from tests.transfer.conftest import csv_bytes


def test_suggestions_ignore_case_spacing_and_punctuation():
    headers = [
        "CONTRACT_NO",
        "Contract Title",
        "Supplier",
        "Milestone name",
        "Due-Date",
        "Owner (e-mail)",
        "Approved by",
        "Payment",
        "Ccy",
        "Status",
        "Start",
        "Expiry date",
        "Task ID",
        "Whatever",
    ]
    assert suggest_mapping(headers) == {
        "CONTRACT_NO": "contract_number",
        "Contract Title": "contract_title",
        "Supplier": "party",
        "Milestone name": "milestone_title",
        "Due-Date": "due_date",
        "Owner (e-mail)": "owner",
        "Approved by": "approver",
        "Payment": "amount",
        "Ccy": "currency",
        "Status": "milestone_status",
        "Start": "start_date",
        "Expiry date": "end_date",
        "Task ID": "milestone_external_id",
    }


def test_each_field_is_suggested_once_but_parties_many_times():
    mapping = suggest_mapping(["Contract", "Deadline", "Due date", "Vendor", "Client"])
    assert mapping == {
        "Contract": "contract_number",
        "Deadline": "due_date",
        "Vendor": "party",
        "Client": "party",
    }


def test_party_kind_follows_the_header(manager):
    rows = [["Contract", "Title", "Client", "Vendor"], ["C-1", "Fit-out", "Acme Retail", "BuildCo"]]
    preview = plan_import(manager, csv_bytes(rows))
    assert preview.new_parties == {"Acme Retail": "client", "BuildCo": "vendor"}


def test_mapping_errors():
    assert mapping_errors({"A": "due_date"}) == [
        "map a column to the contract number (or a contract id)"
    ]
    assert "'bogus' is not a field" in mapping_errors({"A": "bogus"})[0]
    assert (
        "fed by both 'A' and 'B'"
        in mapping_errors({"A": "contract_number", "B": "contract_number"})[0]
    )
    assert mapping_errors({"A": "contract_number", "B": ""}) == []
    assert mapping_errors({"X": "contract_number"}, ["A"]) == ["column 'X' is not in the file"]


def test_an_edited_mapping_overrides_the_suggestion(manager):
    rows = [["Ref", "Name", "When", "Notes"], ["C-1", "Fit-out", "2027-01-05", "keep out"]]
    mapping = {
        "Ref": "contract_number",
        "Name": "contract_title",
        "When": "start_date",
        "Notes": "",
    }
    preview = plan_import(manager, csv_bytes(rows), ImportOptions(mapping=mapping))
    assert preview.ok, preview.problems
    assert preview.unmapped == ["Notes"]
    assert preview.contracts[0].data["start_on"] == date(2027, 1, 5)


def test_a_broken_mapping_is_a_clear_problem(manager):
    rows = [["Ref", "Name"], ["C-1", "Fit-out"]]
    preview = plan_import(manager, csv_bytes(rows), ImportOptions(mapping={"Ref": "nope"}))
    assert "column mapping does not work" in preview.problems[0].reason


def test_saved_mappings_are_reused(manager, world):
    mapping = {"Ref": "contract_number", "Name": "contract_title"}
    saved = save_mapping(manager, "ERP export", mapping)
    assert save_mapping(manager, "ERP export", mapping).version == 1
    rows = [["Ref", "Name"], ["C-1", "Fit-out"]]
    preview = plan_import(manager, csv_bytes(rows), ImportOptions(mapping_name="ERP export"))
    assert preview.ok
    assert preview.contracts[0].data["title"] == "Fit-out"
    save_mapping(manager, "ERP export", {**mapping, "Name": "contract_description"})
    saved.refresh_from_db()
    assert saved.version == 2
    missing = plan_import(manager, csv_bytes(rows), ImportOptions(mapping_name="Other"))
    assert "no saved mapping named 'Other'" in missing.problems[0].reason
    delete_mapping(manager, saved)
    assert not ImportMapping.objects.exists()


def test_saved_mappings_are_validated_and_guarded(manager, viewer, outsider):
    with pytest.raises(ValidationFailed, match="not a field"):
        save_mapping(manager, "Bad", {"A": "contract_number", "B": "nope"})
    with pytest.raises(ValidationFailed, match="name"):
        save_mapping(manager, " ", {"A": "contract_number"})
    with pytest.raises(Forbidden):
        save_mapping(viewer, "Mine", {"A": "contract_number"})
    save_mapping(manager, "Ours", {"A": "contract_number"})
    rows = [["A"], ["C-1"]]
    preview = plan_import(outsider, csv_bytes(rows), ImportOptions(mapping_name="Ours"))
    assert "no saved mapping" in preview.problems[0].reason


# --- date order -------------------------------------------------------------------------------

DATED = [["Contract", "Title", "Milestone", "Due"]]


def dated(*values):
    return csv_bytes(DATED + [["C-1", "T", f"M{i}", v] for i, v in enumerate(values)])


def due_dates(preview):
    return [m.data["due_date"] for m in preview.milestones]


def test_auto_picks_the_only_possible_order_and_says_so(manager):
    preview = plan_import(manager, dated("03/04/2027", "13/04/2027"))
    assert preview.ok, preview.problems
    assert preview.date_order == "dmy"
    assert due_dates(preview) == [date(2027, 4, 3), date(2027, 4, 13)]
    assert (
        "dates read day first (DD/MM/YYYY): row 3, column 'Due' has '13/04/2027'"
        in preview.notes[0]
    )
    preview = plan_import(manager, dated("03/04/2027", "04/13/2027"))
    assert preview.date_order == "mdy"
    assert due_dates(preview) == [date(2027, 3, 4), date(2027, 4, 13)]


def test_ambiguous_everywhere_asks_the_user(manager):
    preview = plan_import(manager, dated("03/04/2027", "05/06/2027"))
    assert not preview.ok
    [problem] = preview.problems
    assert (problem.row, problem.column, problem.value) == (2, "Due", "03/04/2027")
    assert "choose the date order" in problem.reason
    assert preview.milestones == []
    chosen = plan_import(
        manager, dated("03/04/2027", "05/06/2027"), ImportOptions(date_order="mdy")
    )
    assert due_dates(chosen) == [date(2027, 3, 4), date(2027, 5, 6)]


def test_mixed_orders_are_a_problem(manager):
    preview = plan_import(manager, dated("13/04/2027", "04/13/2027"))
    assert "dates are mixed" in preview.problems[0].reason


def test_unambiguous_dates_need_no_decision(manager):
    preview = plan_import(manager, dated("2027-04-03", "05/05/2027", "7 May 2027"))
    assert preview.ok
    assert preview.date_order is None
    assert preview.notes == []


def test_a_chosen_order_refuses_dates_it_cannot_read(manager):
    preview = plan_import(manager, dated("13/04/2027"), ImportOptions(date_order="mdy"))
    assert "not a valid date as month/day/year" in preview.problems[0].reason
