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
    "agreement_date": (0.95, 0.87, 0.15),
    "effective_date": (0.95, 0.88, 0.15),
    "expiration_date": (0.89, 0.75, 0.08),
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
