"""Contract date extraction on the CUAD development sample: scores and speed.

    .venv/bin/python bench/extract_cuad.py [--runs 5] [--out var/cuad-extract.csv]
    .venv/bin/python bench/extract_cuad.py --cv 5 [--failures]

Finds the data at ../shared/data/cuad-dev next to the repository (or $CUAD_DIR), writes the
extractor's CSV, runs the sample's own score.py on it and prints the scores, then times the
extraction of every contract (text already in memory, one core) and prints the median
contracts per second over several runs. Exits 0 with a message when the data is absent.

`--cv K` scores the contracts in K folds (fold = MD5 of the file name mod K, so the folds are
stable) with the same rules as score.py and prints each fold, the mean and the spread of the
held-out fold scores, and the late held-out split (MD5 mod 10 below 3, 30 contracts) on its
own. The rules have no fitted parameters: the folds measure how much the scores move from one
set of unseen contracts to another, and the development protocol (docs/decisions.md,
"Extraction rules") keeps a rule only when the failures it fixes come from more than one fold.
`--failures` lists every wrong or missing answer with its fold, for that protocol.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
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


def speed(contracts: list[tuple[str, str]], runs: int) -> tuple[float, float]:
    """Median contracts per second over `runs` passes: per second of this process's CPU time
    (one thread, so one core, whatever else the machine runs) and per second of wall time."""
    cpu, wall = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        for _, text in contracts:
            extract(text)
        cpu.append(len(contracts) / (time.process_time() - started_cpu))
        wall.append(len(contracts) / (time.perf_counter() - started))
    return statistics.median(cpu), statistics.median(wall)


FIELDS = (
    ("agreement_date", "Agreement Date-Answer", "date"),
    ("effective_date", "Effective Date-Answer", "date"),
    ("expiration_date", "Expiration Date-Answer", "date"),
    ("renewal_term", "Renewal Term-Answer", "text"),
    ("notice_period", "Notice Period to Terminate Renewal-Answer", "text"),
)


def fold_of(filename: str, folds: int) -> int:
    return int(hashlib.md5(filename.encode("utf-8")).hexdigest(), 16) % folds


def held_out(filename: str) -> bool:
    """The 30 contracts kept aside while the first rules were written (docs/performance.md)."""
    return fold_of(filename, 10) < 3


def _scorer(data: Path):
    spec = importlib.util.spec_from_file_location("cuad_score", data / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def judge(data: Path, rows: dict[str, dict[str, str]]) -> list[tuple[str, str, str, str, str]]:
    """(file name, field, gold, answer, verdict) per contract and field, verdict one of
    correct, wrong, missed, false_positive, empty, redacted; as score.py counts them."""
    score = _scorer(data)
    with open(data / "gold.csv", encoding="utf-8") as handle:
        gold = list(csv.DictReader(handle))
    out = []
    for g in gold:
        answers = rows.get(g["filename"], {})
        for field, column, kind in FIELDS:
            gv, sv = g[column].strip(), (answers.get(field) or "").strip()
            if "[" in gv:
                verdict = "redacted"
            elif not gv:
                verdict = "false_positive" if sv else "empty"
            elif not sv:
                verdict = "missed"
            elif kind == "date":
                verdict = "correct" if score.parse_date(gv) == score.parse_date(sv) else "wrong"
            else:
                verdict = "correct" if score.norm_text(gv) == score.norm_text(sv) else "wrong"
            out.append((g["filename"], field, gv, sv, verdict))
    return out


def field_scores(verdicts: list[tuple[str, str, str, str, str]]) -> dict[str, tuple[float, ...]]:
    """field -> (precision, recall, false positives on empty gold, scorable) for a subset."""
    result = {}
    for field, _, _ in FIELDS:
        mine = [v[4] for v in verdicts if v[1] == field]
        correct, wrong, missed = (mine.count(k) for k in ("correct", "wrong", "missed"))
        fp, empty = mine.count("false_positive"), mine.count("empty")
        answered, scorable = correct + wrong, correct + wrong + missed
        result[field] = (
            correct / answered if answered else 0.0,
            correct / scorable if scorable else 0.0,
            fp / (fp + empty) if fp + empty else 0.0,
            scorable,
        )
    return result


def _row(label: str, scores: dict[str, tuple[float, ...]]) -> str:
    cells = [f"{p:.2f}/{r:.2f}/{fp:.2f}" for p, r, fp, _ in scores.values()]
    return f"{label:10s} " + " ".join(f"{c:>16s}" for c in cells)


def cross_validate(data: Path, contracts: list[tuple[str, str]], folds: int,
                   failures: bool) -> None:  # fmt: skip
    rows = {name: csv_row(name, extract(text)) for name, text in contracts}
    verdicts = judge(data, rows)
    print(f"{folds}-fold scores, precision/recall/wrong-answer-rate-on-empty-gold per field")
    print(" " * 11 + " ".join(f"{f:>16s}" for f, _, _ in FIELDS))
    per_fold = []
    for k in range(folds):
        scores = field_scores([v for v in verdicts if fold_of(v[0], folds) == k])
        per_fold.append(scores)
        n = sum(1 for name, _ in contracts if fold_of(name, folds) == k)
        print(_row(f"fold {k} ({n})", scores))
    mean = {
        f: tuple(statistics.mean(s[f][i] for s in per_fold) for i in range(4)) for f, _, _ in FIELDS
    }
    spread = {
        f: tuple(statistics.pstdev(s[f][i] for s in per_fold) for i in range(4))
        for f, _, _ in FIELDS
    }
    print(_row("mean", mean))
    print(_row("std", spread))
    print(_row("held-out", field_scores([v for v in verdicts if held_out(v[0])])))
    print(_row("all 100", field_scores(verdicts)))
    if failures:
        for name, field, gold, answer, verdict in verdicts:
            if verdict in ("wrong", "missed", "false_positive"):
                print(f"[{fold_of(name, folds)}{'H' if held_out(name) else ' '}] {verdict:14s} "
                      f"{field:16s} gold={gold!r:24s} got={answer!r:24s} {name}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "cuad-extract.csv")
    parser.add_argument("--cv", type=int, metavar="K", help="score in K folds instead")
    parser.add_argument("--failures", action="store_true", help="with --cv: list the errors")
    args = parser.parse_args(argv)
    data = data_dir()
    if not (data / "gold.csv").is_file():
        print(f"CUAD dev data not found at {data} (set CUAD_DIR): nothing to benchmark")
        return 0
    contracts = load(data)
    if args.cv:
        cross_validate(data, contracts, args.cv, args.failures)
        return 0
    write_csv(contracts, args.out)
    subprocess.run([sys.executable, "score.py", "gold.csv", str(args.out.resolve())],
                   cwd=data, check=True)  # fmt: skip
    rate, wall = speed(contracts, args.runs)
    print(f"speed: {rate:.0f} contracts per CPU-second on one core ({wall:.0f} per wall-clock "
          f"second; median of {args.runs} runs, {len(contracts)} contracts)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
