"""Contract date extraction on the CUAD development sample: scores and speed.

    .venv/bin/python bench/extract_cuad.py [--runs 5] [--out var/cuad-extract.csv]

Finds the data at ../shared/data/cuad-dev next to the repository (or $CUAD_DIR), writes the
extractor's CSV, runs the sample's own score.py on it and prints the scores, then times the
extraction of every contract (text already in memory, one core) and prints the median
contracts per second over several runs. Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pactline.extraction.cli import csv_row, write_rows  # noqa: E402
from pactline.extraction.engine import extract  # noqa: E402
from pactline.extraction.readers import read_document  # noqa: E402


def data_dir() -> Path:
    return Path(os.environ.get("CUAD_DIR") or ROOT.parent / "shared" / "data" / "cuad-dev")


def load(data: Path) -> list[tuple[str, str]]:
    """(gold file name, contract text) for every contract the gold file lists."""
    with open(data / "gold.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [(row["filename"], read_document(data / row["txt_path"])) for row in rows]


def write_csv(contracts: list[tuple[str, str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        write_rows((csv_row(name, extract(text)) for name, text in contracts), handle)


def speed(contracts: list[tuple[str, str]], runs: int) -> float:
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        for _, text in contracts:
            extract(text)
        rates.append(len(contracts) / (time.perf_counter() - started))
    return statistics.median(rates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "cuad-extract.csv")
    args = parser.parse_args(argv)
    data = data_dir()
    if not (data / "gold.csv").is_file():
        print(f"CUAD dev data not found at {data} (set CUAD_DIR): nothing to benchmark")
        return 0
    contracts = load(data)
    write_csv(contracts, args.out)
    subprocess.run([sys.executable, "score.py", "gold.csv", str(args.out.resolve())],
                   cwd=data, check=True)  # fmt: skip
    rate = speed(contracts, args.runs)
    print(f"speed: {rate:.0f} contracts/second (median of {args.runs} runs, one core, "
          f"{len(contracts)} contracts)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
