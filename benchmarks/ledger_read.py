"""Benchmark: read and check a 1,000,000-row bills CSV; print rows/s and peak memory (RSS).

Run: PYTHONPATH=src python benchmarks/ledger_read.py [ROWS]
The file is made in a temporary folder by a child process: 2,000 enterprises x 500 months, Chinese names and
districts, thousands separators, as a clerk's export would have them.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
import tomllib
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ecocomp.ledgers.ledger import read_ledger
from ecocomp.places import Places
from ecocomp.tariffs.models import PlacesTable

ROOT = Path(__file__).parents[1]
DISTRICTS = ["昆山市", "常熟市", "张家港市", "太仓市", "吴中区", "相城区", "姑苏区", "吴江区", "虎丘区"]


def make_bills(path: Path, rows: int) -> None:
    """A bills CSV with `rows` rows (one per enterprise and month)."""
    rng = np.random.default_rng(7)
    index = np.arange(rows)
    enterprises = 2000
    month = index // enterprises
    months = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(int(month.max()) + 1)]
    kwh = rng.integers(0, 10_000_000, rows) / 100
    table = pa.table(
        {
            "企业名称": pa.array([f"苏州第{i}制造有限公司" for i in range(enterprises)]).take(
                index % enterprises
            ),
            "区县": pa.array(DISTRICTS).take(index % len(DISTRICTS)),
            "月份": pa.array(months).take(month),
            "用电量": pa.array([f"{v:,.2f}" for v in kwh]),
            "用水量": pa.array(rng.integers(0, 100_000, rows).astype(str)),
        }
    )
    pacsv.write_csv(table, path)


def main() -> None:
    if sys.argv[1:2] == ["--make"]:  # child process: keeps the reader's memory figure clean
        make_bills(Path(sys.argv[2]), int(sys.argv[3]))
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with (ROOT / "tariffs/places/jiangsu-places.toml").open("rb") as handle:
        places = Places.from_table(PlacesTable.model_validate(tomllib.load(handle, parse_float=Decimal)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bills.csv"
        subprocess.run([sys.executable, __file__, "--make", str(path), str(rows)], check=True)
        size = path.stat().st_size
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        ledger = read_ledger("bills", path, places=places)
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    assert ledger.rows_read == rows and ledger.rows_accepted == rows, ledger.issues[:5]
    print(f"rows: {rows:,}  file: {size / 1e6:.1f} MB  issues: {len(ledger.issues)}")
    print(f"read and check: {seconds:.2f} s, {rows / seconds:,.0f} rows/s")
    print(f"peak RSS: {peak / 1024:.0f} MiB (before reading: {before / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
