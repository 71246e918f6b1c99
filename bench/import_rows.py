"""Spreadsheet import: parse-and-validate (the dry run) of 100,000 milestone rows.

    .venv/bin/python bench/import_rows.py [--rows 100000] [--runs 3] [--commit 0] [--xlsx]

Works in a temporary data directory (its own SQLite database): writes a CSV of `--rows`
milestone rows (10 per contract, day-first dates, thousands separators, owners by e-mail),
then times `plan_import` on it and prints the median rows per second (`--xlsx`: the same rows
as a workbook). `--commit N` also times
writing the first N rows through the services (one transaction). Target: 10,000 rows/s.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET = 10_000
HEADER = [
    "Contract number",
    "Contract title",
    "Vendor",
    "Contract value",
    "Currency",
    "Start date",
    "End date",
    "Milestone",
    "Due date",
    "Owner",
    "Amount",
    "Status",
]


def setup(data_dir: str) -> None:
    os.environ["PACTLINE_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactline.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def make_actor():  # type: ignore[no-untyped-def]
    from pactline.accounts.models import Membership, Organisation, User
    from pactline.accounts.permissions import Actor

    org = Organisation.objects.create(name="Bench", slug="bench")
    owners = []
    for i in range(20):
        user = User.objects.create_user(f"owner{i}@bench.test")
        Membership.objects.create(user=user, organisation=org, role="manager")
        owners.append(user.email)
    return Actor.for_user(User.objects.get(email="owner0@bench.test"), org), owners


def write_csv(path: Path, rows: int, owners: list[str]) -> None:
    start = date(2027, 1, 4)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            c, m = divmod(i, 10)
            due = start + timedelta(days=(c * 7 + m * 30) % 1500)
            writer.writerow(
                [
                    f"BENCH-{c:06d}",
                    f"Contract {c}",
                    f"Vendor {c % 500}",
                    "1.234.567,00",
                    "EUR",
                    start.strftime("%d/%m/%Y"),
                    "31/12/2031",
                    f"Milestone {m + 1}",
                    due.strftime("%d/%m/%Y"),
                    owners[i % len(owners)],
                    f"{(m + 1) * 1000:,}".replace(",", ".") + ",50",
                    "planned",
                ]
            )


def to_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Milestones")
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    target = path.with_suffix(".xlsx")
    book.save(target)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commit", type=int, default=0, metavar="N")
    parser.add_argument("--xlsx", action="store_true", help="read an XLSX workbook instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        from pactline.transfer.importing import ImportOptions, commit_import, plan_import

        actor, owners = make_actor()
        path = Path(tmp) / "milestones.csv"
        write_csv(path, args.rows, owners)
        if args.xlsx:
            path = to_xlsx(path)
        print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB {path.suffix[1:].upper()}")
        rates = []
        for run in range(args.runs):
            started = time.perf_counter()
            preview = plan_import(actor, path, ImportOptions(date_order="auto"))
            elapsed = time.perf_counter() - started
            assert preview.ok, preview.problems[:3]
            rates.append(args.rows / elapsed)
            print(
                f"run {run + 1}: {elapsed:.2f} s, {rates[-1]:,.0f} rows/s "
                f"({preview.counts()['milestones']['create']:,} milestones to create)"
            )
            del preview  # one preview alive at a time, for the memory figure
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of the process: {peak:,.0f} MiB")
        median = statistics.median(rates)
        verdict = "meets" if median >= TARGET else "MISSES"
        print(
            f"plan (parse + validate): median {median:,.0f} rows/s; {verdict} the target "
            f"of {TARGET:,}"
        )
        if args.commit:
            small = Path(tmp) / "commit.csv"
            write_csv(small, args.commit, owners)
            started = time.perf_counter()
            commit_import(actor, small)
            elapsed = time.perf_counter() - started
            print(
                f"commit of {args.commit:,} rows through the services: {elapsed:.1f} s, "
                f"{args.commit / elapsed:,.0f} rows/s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
