"""Regression guard on the CUAD development sample (skipped when the data is absent).

The floors are the dev-set scores reached when the engine was written, minus a small margin;
raise them when the engine improves, never lower them to make a change pass.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from bench.extract_cuad import data_dir, load, write_csv

# field -> (precision, recall, false positives on empty gold) at least / at most
FLOORS = {
    "agreement_date": (0.95, 0.89, 0.15),
    "effective_date": (0.96, 0.92, 0.12),
    "expiration_date": (0.92, 0.87, 0.08),
    "renewal_term": (0.82, 0.79, 0.08),
    "notice_period": (0.90, 0.82, 0.05),
}


def _scores(gold: Path, out: Path) -> dict[str, tuple[float, float, float]]:
    spec = importlib.util.spec_from_file_location("cuad_score", gold.parent / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    printed = io.StringIO()
    with redirect_stdout(printed):
        module.main(str(gold), str(out))
    scores = {}
    for line in printed.getvalue().splitlines()[1:]:
        parts = line.split()
        numbers = {k: v for k, v in (p.split("=", 1) for p in parts if "=" in p)}
        fp_on_empty = line.split("(")[-1].rstrip(")").split(")")[0]
        scores[parts[0]] = (float(numbers["P"]), float(numbers["R"]), float(fp_on_empty))
    return scores


def test_dev_set_scores_stay_above_their_floors(tmp_path: Path) -> None:
    data = data_dir()
    if not (data / "gold.csv").is_file():
        pytest.skip(f"CUAD dev data not found at {data}")
    out = tmp_path / "out.csv"
    write_csv(load(data), out)
    with open(out, encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 100
    scores = _scores(data / "gold.csv", out)
    for field, (precision, recall, false_positive) in FLOORS.items():
        p, r, fp = scores[field]
        assert p >= precision and r >= recall and fp <= false_positive, (field, scores[field])


def test_bench_exits_cleanly_without_data(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:  # fmt: skip
    from bench import extract_cuad

    monkeypatch.setenv("CUAD_DIR", str(tmp_path / "nowhere"))
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert extract_cuad.main([]) == 0
    assert "not found" in printed.getvalue()
    assert "bench.extract_cuad" in sys.modules


def test_cross_validation_reports_folds_and_lists_errors(tmp_path: Path) -> None:
    """`--cv K --failures` on a two-contract sample: per-fold scores, their mean, and the
    contract whose answer is wrong, named with its fold."""
    from bench import extract_cuad

    real = data_dir()
    if not (real / "score.py").is_file():
        pytest.skip(f"CUAD dev data not found at {real}")
    (tmp_path / "contracts").mkdir()
    (tmp_path / "score.py").write_text((real / "score.py").read_text(encoding="utf-8"))
    texts = {
        "a": 'This Agreement is made as of May 8, 2014 (the "Effective Date") by and between A '
        "and B. The term of this Agreement shall be two (2) years from the Effective Date.",
        "b": "This Agreement is made on June 1, 2020 by and between C and D.",
    }
    rows = []
    for name, text in texts.items():
        (tmp_path / "contracts" / f"{name}.txt").write_text(text, encoding="utf-8")
        rows.append({"filename": f"{name}.pdf", "txt_path": f"contracts/{name}.txt"})
    rows[0].update({"Agreement Date-Answer": "5/8/2014", "Expiration Date-Answer": "5/8/2016"})
    rows[1].update({"Agreement Date-Answer": "6/2/2020"})  # wrong on purpose
    columns = ["filename", "txt_path"] + [column for _, column, _ in extract_cuad.FIELDS]
    with open(tmp_path / "gold.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(printed):
        patch.setenv("CUAD_DIR", str(tmp_path))
        assert extract_cuad.main(["--cv", "2", "--failures"]) == 0
    out = printed.getvalue()
    assert "2-fold scores" in out and "\nmean " in out and "\nheld-out " in out
    wrong = [line for line in out.splitlines() if line.startswith("[") and " wrong " in line]
    assert len(wrong) == 1 and "b.pdf" in wrong[0] and "2020-06-01" in wrong[0]
    assert extract_cuad.fold_of("b.pdf", 2) in (0, 1)
