"""`pactline import` and `pactline export`."""

from __future__ import annotations

from pactline.cli import main
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from tests.transfer.conftest import csv_bytes


def test_import_is_a_dry_run_until_commit(manager, sheet_rows, tmp_path, capsys):
    path = tmp_path / "q1.csv"
    path.write_bytes(csv_bytes(sheet_rows))
    assert main(["import", str(path), "--org", "Acme", "--as", "maria@acme.test"]) == 0
    out = capsys.readouterr().out
    assert "Read q1.csv (CSV, UTF-8, delimiter ','): 3 rows" in out
    assert "Contracts: 2 to create, 0 to update, 0 unchanged" in out
    assert "Milestones: 3 to create" in out
    assert "Dry run: nothing was written" in out
    assert Contract.objects.count() == 0
    assert main(["import", str(path), "--as", "maria@acme.test", "--commit"]) == 0
    assert "Imported: contracts 2 created" in capsys.readouterr().out
    assert Milestone.objects.count() == 3


def test_import_problems_exit_non_zero(manager, sheet_rows, tmp_path, capsys):
    sheet_rows[1][4] = "31/02/2027"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(sheet_rows))
    assert main(["import", str(path), "--as", "maria@acme.test", "--commit"]) == 1
    captured = capsys.readouterr()
    assert "row 2, column 'Due date', value '31/02/2027': is not a valid date" in captured.out
    assert "pactline: error: 1 problem(s); nothing was written" in captured.err
    assert Contract.objects.count() == 0


def test_import_date_order_option(manager, tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_bytes(
        csv_bytes([["Contract", "Title", "Milestone", "Due"], ["C-1", "T", "M", "03/04/2027"]])
    )
    assert main(["import", str(path), "--as", "maria@acme.test"]) == 1
    assert "choose the date order" in capsys.readouterr().out
    assert (
        main(["import", str(path), "--as", "maria@acme.test", "--date-order", "dmy", "--commit"])
        == 0
    )
    assert str(Milestone.objects.get().due_date) == "2027-04-03"


def test_import_needs_a_manager(world, sheet_rows, tmp_path, capsys):
    path = tmp_path / "q1.csv"
    path.write_bytes(csv_bytes(sheet_rows))
    assert main(["import", str(path), "--as", "mike@acme.test"]) == 1
    assert (
        "mike@acme.test is member of Acme; this needs manager or above" in capsys.readouterr().err
    )
    assert main(["import", str(path), "--as", "rita@rival.test", "--org", "Acme"]) == 1
    assert "not a member of Acme" in capsys.readouterr().err
    assert main(["import", str(path)]) == 1
    assert "--as EMAIL" in capsys.readouterr().err


def test_export_then_reimport(manager, sheet_rows, tmp_path, capsys):
    source = tmp_path / "q1.csv"
    source.write_bytes(csv_bytes(sheet_rows))
    main(["import", str(source), "--as", "maria@acme.test", "--commit"])
    for fmt in ("xlsx", "csv"):
        target = tmp_path / f"out.{fmt}"
        assert main(["export", "--as", "vera@acme.test", "-o", str(target)]) == 0
        assert f"({fmt.upper()}," in capsys.readouterr().out
        assert main(["import", str(target), "--as", "maria@acme.test"]) == 0
        assert "Milestones: 0 to create, 0 to update, 3 unchanged" in capsys.readouterr().out
