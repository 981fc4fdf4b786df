"""Benchmark: credit-rated surcharges on a synthetic province; prints rows/s, seconds and peak RSS.

Run: PYTHONPATH=src python benchmarks/surcharge.py [BILLS] [--sample 200000]

A child process writes bills.parquet (N bills: N/24 enterprises x 24 months, 2018-01..2019-12,
so both electricity versions and the Nanjing sewage table are in play) and ratings.parquet (per
enterprise an initial colour, a change during 2018 and a score-rated change during 2019). Then:

1. compute alone: `compute_surcharge` on the ledgers as read (rating lookup, both surcharges,
   totals), in this process: bills/s;
2. end to end: the `ecocomp surcharge` command (bills.parquet ratings.parquet -o lines.parquet
   -o summary.json) in a child process, interpreter start included: wall seconds, its peak RSS;
3. exact: a random sample of lines equals the plain-Decimal reference (tests/data/surcharge/reference.py)
   to the fen, and the JSON totals equal the sums of all the lines in the Parquet file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ecocomp.families.surcharge.compute import compute_surcharge
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.tariffs.book import TariffBook

ROOT = Path(__file__).resolve().parents[1]


def _reference() -> ModuleType:
    """The plain-Decimal reference the tests use (tests/data/surcharge/reference.py)."""
    spec = importlib.util.spec_from_file_location(
        "surcharge_reference", ROOT / "tests/data/surcharge/reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ref = _reference()

DISTRICTS = ["320583", "320581", "320582", "320585", "320506", "320507", "320508", "320509", "320505",
             "SZ-SIP", "320100", "320200", "320300", "320400", "320600", "320700", "320800", "320900",
             "321000", "321100", "321200", "321300"]  # fmt: skip
COLOURS = np.array(["green", "blue", "yellow", "red", "black"])
WEIGHTS = [0.3, 0.4, 0.15, 0.1, 0.05]
#: `ecocomp surcharge` itself, without importing the other commands (which may be mid-change).
LAUNCH = (
    "import typer; from ecocomp.families.surcharge.command import surcharge; "
    "app = typer.Typer(); app.command()(surcharge); app()"
)


def _decimal(units: np.ndarray) -> pa.Array:
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0], words[:, 1] = units, units >> 63
    return pa.Array.from_buffers(pa.decimal128(38, 2), len(units), [None, pa.py_buffer(words)])


def make(folder: Path, bills: int) -> None:
    """Write the synthetic bills and ratings ledgers (typed Parquet, as an export would have them)."""
    rng = np.random.default_rng(2018)
    firms = -(-bills // 24)
    names = pa.array([f"江苏第{i:07d}号制造有限公司" for i in range(firms)])
    firm = np.arange(bills) % firms
    month = np.arange(bills) // firms
    firsts = (np.datetime64("2018-01", "M") + np.arange(24)).astype("datetime64[D]")
    home = rng.integers(0, len(DISTRICTS), firms)
    water = np.where(rng.random(bills) < 0.1, -1, rng.integers(0, 10_000_000, bills))
    table = pa.table(
        {
            "企业名称": names.take(pa.array(firm)),
            "区县": pa.array(DISTRICTS).take(pa.array(home[firm])),
            "月份": pa.array(firsts[month], pa.date32()),
            "用电量": _decimal(rng.integers(0, 1_000_000_000, bills)),
            "用水量": pc.if_else(pa.array(water < 0), pa.scalar(None, pa.decimal128(38, 2)), _decimal(water)),
        }
    )
    pq.write_table(table, folder / "bills.parquet", row_group_size=1 << 20)
    first = rng.choice(5, firms, p=WEIGHTS)
    second = rng.choice(5, firms, p=WEIGHTS)
    score = rng.integers(0, 13, firms)
    day18 = np.datetime64("2018-01-01") + rng.integers(0, 365, firms)
    day19 = np.datetime64("2019-01-01") + rng.integers(0, 365, firms)
    start = np.concatenate([np.full(firms, np.datetime64("2017-01-01")), day18, day19])
    end = np.concatenate([day18 - 1, day19 - 1, np.full(firms, np.datetime64("NaT"), "datetime64[D]")])
    rating = np.concatenate([COLOURS[first], COLOURS[second], score.astype(str)])
    ratings = pa.table(
        {
            "企业名称": names.take(pa.array(np.tile(np.arange(firms), 3))),
            "信用等级": pa.array(rating),
            "有效期起": pa.array(start, pa.date32()),
            "有效期止": pa.array(end, pa.date32(), mask=np.isnat(end)),
        }
    )
    pq.write_table(ratings, folder / "ratings.parquet")


def run_child(args: list[str]) -> tuple[float, int]:
    """Run a child process; its wall seconds and its own peak RSS (KiB)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed")
    return seconds, usage.ru_maxrss


def check_sample(folder: Path, book: TariffBook, sample: int) -> int:
    """Lines of a random sample against the Decimal reference; the JSON totals against all lines."""
    lines = pq.read_table(folder / "lines.parquet")
    ratings = read_ledger("ratings", folder / "ratings.parquet", places=book.places).frame
    rows = np.random.default_rng(1).choice(lines.num_rows, min(sample, lines.num_rows), replace=False)
    chosen = lines.take(pa.array(np.sort(rows))).to_pylist()
    for row in chosen:  # the export contract writes months as "YYYY-MM"; the reference takes a date
        row["month"] = date.fromisoformat(f"{row['month']}-01")
    wanted = {str(r["enterprise"]) for r in chosen}
    history = ref.histories((r for r in ratings.to_dict("records") if r["enterprise"] in wanted), book)
    for row in chosen:
        for key in ("electricity", "water"):
            _, amount = ref.surcharge(row, key, history, book)
            assert amount == row[f"{key}_surcharge"], (row, key, amount)
    summary = json.loads((folder / "summary.json").read_text("utf-8"))["summary"]
    for key in ("electricity_surcharge", "water_surcharge"):
        assert Decimal(summary[key]) == (pc.sum(lines.column(key)).as_py() or Decimal(0)), key
    return len(chosen)


def main() -> None:
    if sys.argv[1:2] == ["--make"]:
        make(Path(sys.argv[2]), int(sys.argv[3]))
        return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    bills = int(args[0]) if args else 10_000_000
    sample = int(sys.argv[sys.argv.index("--sample") + 1]) if "--sample" in sys.argv else 200_000
    book = TariffBook.load(env={})
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        run_child([sys.executable, __file__, "--make", str(folder), str(bills)])
        cli = [sys.executable, "-c", LAUNCH, str(folder / "bills.parquet"),
               str(folder / "ratings.parquet"), "-o", str(folder / "lines.parquet"), "-o",
               str(folder / "summary.json")]  # fmt: skip
        seconds, child_rss = run_child(cli)
        print(f"bills: {bills:,}  machine: {os.cpu_count()} cores")
        print(
            f"end to end (CLI, Parquet to Parquet + JSON): {seconds:.1f} s, "
            f"peak RSS {child_rss / 1024:.0f} MiB"
        )
        checked = check_sample(folder, book, sample)
        print(f"exact: {checked:,} sampled lines equal the Decimal reference; JSON totals = sums of lines")
        read = {k: read_ledger(k, folder / f"{k}.parquet", places=book.places) for k in ("bills", "ratings")}
        runs = []
        for _ in range(3):  # the first run also pays the page faults of its fresh arrays
            start = time.perf_counter()
            result = compute_surcharge(read["bills"].frame, read["ratings"].frame, book=book)
            runs.append(time.perf_counter() - start)
            assert len(result.kept) == bills and not result.rejected
            del result
        compute = min(runs)
    print("compute runs: " + ", ".join(f"{r:.2f} s" for r in runs))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"compute alone (rating lookup + both surcharges + totals): {compute:.2f} s, "
        f"{bills / compute:,.0f} bills/s"
    )
    print(
        f"peak RSS of this process (reads both ledgers, checks the sample, computes): {peak / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
