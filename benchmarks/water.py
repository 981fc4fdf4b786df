"""Benchmark: a year of water compensation for 245 sections x 12 months x 4 factors.

Run: PYTHONPATH=src python benchmarks/water.py [SECTIONS]
Writes the three ledgers (sections with a TN target for rivers, monthly monitoring, two-district
shares for every fifth section) to a temporary folder, reads them with `read_ledger`, then times
`compute_water` alone (the compute step), and the report tables. Year 2022: the 2021 version
(banded, TN assessed in the Taihu basin); year 2018 (load method, 3 factors) for comparison.
Prints rows/s, the seconds of each step and the peak RSS.
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from ecocomp.families.base import Run
from ecocomp.families.water.compute import compute_water
from ecocomp.families.water.report import water_report
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.reports.manifest import input_file
from ecocomp.tariffs.book import TariffBook

PLACES = ["320505", "320506", "320507", "320508", "320509", "320581", "320582", "320583", "320585", "320200"]
FACTORS = {"CODMn": 6.0, "NH3-N": 1.0, "TP": 0.2, "TN": 1.0}


def make(folder: Path, sections: int, year: int) -> tuple[Path, Path, Path]:
    rng = random.Random(245)
    paths = folder / f"sections-{year}.csv", folder / f"monitoring-{year}.csv", folder / f"shares-{year}.csv"
    with paths[0].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["断面编号", "断面名称", "水体类型", "流域", "目标水质", "上游", "下游", "总氮目标"])
        for i in range(sections):
            body = "湖库" if i % 7 == 0 else "河流"
            up, down = rng.sample(PLACES, 2)
            out.writerow(
                [f"S{i:03d}", f"断面{i}", body, "太湖", "III", up, down, "" if body == "湖库" else "1.5"]
            )
    with paths[1].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["断面编号", "月份", "因子", "浓度(mg/L)", "水量(万立方米)"])
        for i in range(sections):
            for month in range(1, 13):
                flow = rng.randint(500, 30000)
                for factor, target in FACTORS.items():
                    value = target * rng.uniform(0.5, 2.5)
                    out.writerow([f"S{i:03d}", f"{year}-{month:02d}", factor, f"{value:.3f}", flow])
    with paths[2].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["断面编号", "因子", "责任地区", "分担比例(%)"])
        for i in range(0, sections, 5):
            for factor in FACTORS:
                out.writerow([f"S{i:03d}", factor, "320506", "63.17"])
                out.writerow([f"S{i:03d}", factor, "SZ-SIP", "36.83"])
    return paths


def bench(book: TariffBook, folder: Path, sections: int, year: int) -> None:
    paths = make(folder, sections, year)
    start = time.perf_counter()
    ledgers = [
        read_ledger(k, p, places=book.places)
        for k, p in zip(("sections", "monitoring", "section_shares"), paths, strict=True)
    ]
    read = time.perf_counter() - start
    assert not any(led.issues for led in ledgers), [led.issues[:3] for led in ledgers]
    start = time.perf_counter()
    result = compute_water(
        ledgers[0].frame,
        ledgers[1].frame,
        start=date(year, 1, 1),
        end=date(year, 12, 1),
        book=book,
        shares=ledgers[2].frame,
    )
    compute = time.perf_counter() - start
    start = time.perf_counter()
    inputs = tuple(input_file(led.kind, led) for led in ledgers)
    water_report(Run("water", result, inputs, (), {}, {}))
    tables = time.perf_counter() - start
    rows = ledgers[1].rows_read
    assert not result.rejected, result.rejected[:3]
    print(
        f"{year}: {sections} sections, {rows:,} monitoring rows -> {len(result.lines):,} lines, "
        f"{len(result.shares):,} share rows, {len(result.excluded):,} excluded, total paid {result.paid:,.2f}"
    )
    print(
        f"  read ledgers {read:.3f} s | compute {compute:.3f} s ({rows / compute:,.0f} rows/s)"
        f" | report tables {tables:.3f} s"
    )


def main() -> None:
    sections = int(sys.argv[1]) if len(sys.argv) > 1 else 245
    book = TariffBook.load(env={})
    with tempfile.TemporaryDirectory() as folder:
        for year in (2022, 2018):
            bench(book, Path(folder), sections, year)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"peak RSS: {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
