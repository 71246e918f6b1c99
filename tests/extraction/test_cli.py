"""The batch CSV: header, ISO dates, "perpetual", empty cells for unknown or redacted values."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pactline.extraction.cli import COLUMNS, run


def test_csv_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dated = tmp_path / "dated.txt"
    dated.write_text(
        'This Agreement is entered into as of July 15, 2010 (the "Effective Date") by A and B. '
        "This Agreement shall commence on the Effective Date and shall remain in effect for a "
        "period of 5 years. Thereafter, this Agreement shall be renewed automatically on a five "
        "(5) year basis, unless one party notifies the other at least ninety (90) days prior to "
        "the expiration of the then current term.",
        encoding="utf-8",
    )
    open_ended = tmp_path / "open.txt"
    open_ended.write_text(
        "This Marketing Agreement is made as of September __, 2018 between A and B. This "
        "Agreement shall continue indefinitely unless sooner terminated.",
        encoding="utf-8",
    )
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    out = tmp_path / "out.csv"
    failures = run([dated, open_ended, scan], out)
    assert failures == 1
    assert "scan.pdf" in capsys.readouterr().err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows == [
        {"filename": "dated.txt", "agreement_date": "2010-07-15", "effective_date": "2010-07-15",
         "expiration_date": "2015-07-15", "renewal_term": "successive 5 years",
         "notice_period": "90 days"},
        {"filename": "open.txt", "agreement_date": "", "effective_date": "",
         "expiration_date": "perpetual", "renewal_term": "", "notice_period": ""},
        {"filename": "scan.pdf", "agreement_date": "", "effective_date": "",
         "expiration_date": "", "renewal_term": "", "notice_period": ""},
    ]  # fmt: skip


def test_csv_to_an_open_stream() -> None:
    buffer = io.StringIO()
    assert run([], buffer) == 0
    assert buffer.getvalue() == ",".join(COLUMNS) + "\n"


def test_pactline_extract_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pactline.cli import main

    contract = tmp_path / "c.txt"
    contract.write_text("This Agreement is made on 26 September 2019 by A and B.", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["extract", str(contract), "--csv", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[1] == "c.txt,2019-09-26,,,,"
    assert main(["extract", str(tmp_path / "missing.pdf")]) == 1
    assert "could not be read" in capsys.readouterr().err
