"""The side-by-side benchmark (issue 16) at 2,000 bills: ecocomp, the DuckDB script and the Polars
script agree to the fen, and a peer that differs makes the benchmark fail."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "surcharge_side_by_side.py"

pytest.importorskip("duckdb")
pytest.importorskip("polars")


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("surcharge_side_by_side", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_three_implementations_agree_and_a_difference_is_found(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    args = [sys.executable, str(SCRIPT), "2000", "--rounds", "1", "--keep", str(tmp_path)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "wall s" not in line]
    assert len(rows) == 3 and all(" | yes | " in row for row in rows), done.stdout
    # one fen more on one district of the Polars peer: the comparison must report it
    summary = tmp_path / "polars" / "summary.json"
    data = json.loads(summary.read_text("utf-8"))
    first = data["by_district"][0]
    first["water_surcharge"] = str(Decimal(first["water_surcharge"]) + Decimal("0.01"))
    summary.write_text(json.dumps(data), "utf-8")
    bench = _benchmark()
    runs = [bench.Run(name, [], name, [], []) for name in ("ecocomp", "duckdb", "polars")]
    found = bench.differences(tmp_path, runs)
    assert found["ecocomp"] == [] and found["duckdb"] == []
    assert found["polars"] == [
        f"district {first['district_code']}: ecocomp "
        f"{(Decimal(first['electricity_surcharge']), Decimal(first['water_surcharge']) - Decimal('0.01'))} "
        f"!= {(Decimal(first['electricity_surcharge']), Decimal(first['water_surcharge']))}"
    ]
