"""Issue 14 point 3: no arithmetic path overflows or raises InvalidOperation on data that passed
the ledger checks. Every decimal column of every ledger kind gets values at and near its declared
maximum (`Column.maximum`), at its smallest step (10**-scale), zeros and values in between; each
family runs through its library entry point and through the CLI. Expected: only ecocomp's
`DataError` / `UsageError` (exit 0 or 1, never 3, no traceback), and money that balances in the
JSON written (every total equals the sum of its rounded lines).
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import ecocomp
from ecocomp.cli.main import app
from ecocomp.errors import DataError, UsageError
from ecocomp.ledgers.kinds import KINDS, Column
from ecocomp.tariffs.book import TariffBook
from tests.builders import EX18, EX21

ENV = {"ECOCOMP_TARIFFS": ""}
SURCHARGE_BILLS = 60  # bills of the example used (its first rows): enough enterprises and months


@dataclass(frozen=True)
class Scenario:
    """One family run on example ledgers: the files by role, the CLI words, the library call."""

    name: str
    files: Mapping[str, Path]
    command: Callable[[Mapping[str, Path]], list[str]]
    library: Callable[[Mapping[str, Path], TariffBook], object]


def _fund(year: int) -> Callable[[Mapping[str, Path]], list[str]]:
    def words(f: Mapping[str, Path]) -> list[str]:
        extra = [x for role in ("indicators", "carbon") if role in f for x in (f"--{role}", str(f[role]))]
        return ["fund", str(f["emissions"]), "--year", str(year), *extra]

    return words


SCENARIOS = {
    "fund-2018": Scenario(
        "fund-2018",
        {"emissions": EX18 / "emissions.csv", "indicators": EX18 / "indicators.csv"},
        _fund(2018),
        lambda f, b: ecocomp.run_fund(f["emissions"], year=2018, book=b, indicators=f["indicators"]),
    ),
    "fund-2021": Scenario(
        "fund-2021",
        {
            "emissions": EX21 / "emissions.csv",
            "indicators": EX21 / "indicators.csv",
            "carbon": EX21 / "carbon.csv",
        },
        _fund(2021),
        lambda f, b: ecocomp.run_fund(
            f["emissions"], year=2021, book=b, indicators=f["indicators"], carbon=f["carbon"]
        ),
    ),
    "water": Scenario(
        "water",
        {
            "sections": EX18 / "sections.csv",
            "monitoring": EX18 / "monitoring.csv",
            "section_shares": EX18 / "section_shares.csv",
        },
        lambda f: [
            "water",
            str(f["sections"]),
            str(f["monitoring"]),
            "--shares",
            str(f["section_shares"]),
            "--from",
            "2018-01",
            "--to",
            "2018-12",
        ],
        lambda f, b: ecocomp.run_water(
            f["sections"],
            f["monitoring"],
            start=date(2018, 1, 1),
            end=date(2018, 12, 1),
            book=b,
            shares=f["section_shares"],
        ),
    ),
    "surcharge": Scenario(
        "surcharge",
        {"bills": EX18 / "bills.csv", "ratings": EX18 / "ratings.csv"},
        lambda f: ["surcharge", str(f["bills"]), str(f["ratings"])],
        lambda f, b: ecocomp.run_surcharge(f["bills"], f["ratings"], book=b),
    ),
}

#: (scenario, ledger kind, column): every decimal column of every ledger kind with a declared maximum.
CASES = [
    ("fund-2018", "emissions", "quantity"),
    ("fund-2018", "indicators", "target"),
    ("fund-2018", "indicators", "actual"),
    ("fund-2021", "carbon", "co2_intensity"),
    ("fund-2021", "carbon", "ratio"),
    ("fund-2021", "emissions", "quantity"),
    ("water", "monitoring", "concentration_mg_l"),
    ("water", "monitoring", "flow_10k_m3"),
    ("water", "sections", "target_TP"),
    ("water", "sections", "target_CODMn"),
    ("surcharge", "bills", "electricity_kwh"),
    ("surcharge", "bills", "water_m3"),
    ("surcharge", "ratings", "rating"),
]


def test_every_bounded_decimal_column_is_covered() -> None:
    """Each decimal column with a declared maximum of a kind the scenarios read is in CASES
    (section targets: two factors stand for all five, they share one declaration)."""
    kinds = {kind for _, kind, _ in CASES}
    bounded = {
        (kind, c.name)
        for kind in kinds
        for c in KINDS[kind].columns
        if c.maximum is not None and not c.name.startswith("target_")
    }
    assert bounded <= {(kind, column) for _, kind, column in CASES}
    assert {"emissions", "indicators", "carbon", "monitoring", "sections", "bills", "ratings"} <= kinds


def _column(kind: str, name: str) -> Column:
    return KINDS[kind].column(name)


def magnitudes(column: Column) -> st.SearchStrategy[Decimal]:
    """The extremes of a column's range (maximum, one step below, the smallest step, zero) and
    any value of its scale in between."""
    assert column.maximum is not None
    step = Decimal(1).scaleb(-column.scale)
    edges = [column.maximum, column.maximum - step, step, Decimal(0)]
    between = st.decimals(min_value=0, max_value=column.maximum, places=column.scale)
    return st.one_of(st.sampled_from(edges), between)


def _rewrite(source: Path, target: Path, column: Column, values: list[Decimal]) -> int:
    """Copy a ledger CSV, the cells of `column` replaced in turn by `values` (cycled); returns
    the number of data rows. The header row is the first one naming the column."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = next(i for i, row in enumerate(rows) if sum(1 for cell in row if cell) > 2)
    found = [i for i, cell in enumerate(rows[header]) if cell and column.accepts(cell)]
    if not found:  # an optional column the example does not have: added, under its own name
        rows[header].append(column.name)
    position = found[0] if found else len(rows[header]) - 1
    data = rows[header + 1 :]
    for row in data:
        row.extend([""] * (len(rows[header]) - len(row)))
    if column.name in ("electricity_kwh", "water_m3"):
        data = data[:SURCHARGE_BILLS]
    for n, row in enumerate(data):
        row[position] = format(values[n % len(values)], "f")
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([*rows[: header + 1], *data])
    return len(data)


def _files(tmp: Path, case: tuple[str, str, str], values: list[Decimal]) -> dict[str, Path]:
    scenario, kind, name = case
    files = dict(SCENARIOS[scenario].files)
    target = tmp / f"{kind}.csv"
    _rewrite(files[kind], target, _column(kind, name), values)
    files[kind] = target
    if scenario == "surcharge" and kind == "ratings":
        bills = tmp / "bills.csv"
        _rewrite(files["bills"], bills, _column("bills", "electricity_kwh"), [Decimal(1000)])
        files["bills"] = bills
    return files


def _sum(rows: list[dict[str, Any]], key: str) -> Decimal:
    return sum((Decimal(r[key]) for r in rows if r.get(key) not in (None, "")), Decimal(0))


def assert_conserved(data: dict[str, Any]) -> None:
    """Every total of a report equals the sum of its rounded lines (the JSON of any family)."""
    for table, columns in data.get("totals", {}).items():
        for key, value in columns.items():
            assert _sum(data[table], key) == Decimal(value), (table, key)
    command = data["manifest"]["command"]
    if command == "fund":
        for payer in data["summary"]:
            lines = [r for r in data["lines"] if r["payer_code"] == payer["payer_code"]]
            assert _sum(lines, "amount") == Decimal(payer["basic_fund"]), payer["payer"]
            parts = Decimal(payer["return_amount"]) + Decimal(payer["reward_amount"])
            assert Decimal(payer["net"]) == Decimal(payer["fund"]) - parts, payer["payer"]
    if command == "water":
        assert Decimal(data["totals"]["summary"]["paid"]) == Decimal(data["totals"]["summary"]["received"])
    if command == "surcharge":
        summary = data["summary"]
        total = Decimal(summary["total"])
        assert Decimal(summary["electricity_surcharge"]) + Decimal(summary["water_surcharge"]) == total
        for table in ("by_enterprise", "by_district", "by_month", "by_rating"):
            assert _sum(data[table], "total") == total, table


def run_cli(files: Mapping[str, Path], scenario: str, out: Path) -> dict[str, Any] | None:
    """The family command with --skip-invalid and a JSON output: exit 0 or 1, never a traceback;
    the JSON read back (None when the run stopped before writing it)."""
    words = [*SCENARIOS[scenario].command(files), "--skip-invalid", "-o", str(out)]
    result = CliRunner().invoke(app, words, env=ENV)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return json.loads(out.read_text("utf-8")) if out.exists() else None


def run_library(files: Mapping[str, Path], scenario: str, book: TariffBook) -> None:
    """The library entry point: a result, or ecocomp's own DataError / UsageError."""
    with contextlib.suppress(DataError, UsageError):
        SCENARIOS[scenario].library(files, book)


FAST = settings(max_examples=4, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("case", CASES, ids=["/".join(c[1:]) for c in CASES])
@FAST
@given(data=st.data())
def test_extreme_values_never_break_the_arithmetic(
    case: tuple[str, str, str],
    data: st.DataObject,
    tmp_path_factory: pytest.TempPathFactory,
    book: TariffBook,
) -> None:
    column = _column(case[1], case[2])
    values = data.draw(st.lists(magnitudes(column), min_size=1, max_size=8), label="values")
    folder = tmp_path_factory.mktemp("extreme")
    files = _files(folder, case, values)
    run_library(files, case[0], book)
    report = run_cli(files, case[0], folder / "out.json")
    if report is not None:
        assert_conserved(report)


@pytest.mark.parametrize("case", CASES, ids=["/".join(c[1:]) for c in CASES])
def test_every_row_at_the_maximum_is_computed_and_balances(
    case: tuple[str, str, str], tmp_path: Path, book: TariffBook
) -> None:
    column = _column(case[1], case[2])
    assert column.maximum is not None
    files = _files(tmp_path, case, [column.maximum])
    run_library(files, case[0], book)
    report = run_cli(files, case[0], tmp_path / "out.json")
    if report is not None:
        assert_conserved(report)


def _many_bills(folder: Path, count: int, kwh: Decimal, m3: Decimal) -> dict[str, Path]:
    """`count` bills at the given quantities, all in one district and one month (one group of
    every total), each enterprise rated black (the highest rate) for the whole year."""
    bills, ratings = folder / "bills.csv", folder / "ratings.csv"
    with bills.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["企业名称", "区县", "月份", "用电量(kWh)", "用水量(m3)"])
        out.writerows([f"企业{n:05d}", "姑苏区", "2018-06", f"{kwh:f}", f"{m3:f}"] for n in range(count))
    with ratings.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["企业名称", "信用等级", "有效期起", "有效期止"])
        out.writerows([f"企业{n:05d}", "黑色", "2017-01-01", "2018-12-31"] for n in range(count))
    return {"bills": bills, "ratings": ratings}


def test_ten_thousand_bills_at_the_maximum_in_one_group_balance(tmp_path: Path, book: TariffBook) -> None:
    """10 000 bills of one district and month at 1e10 kWh and 1e9 m3: exact totals, in one
    district, one month and one rating, equal to the count times one line."""
    kwh, m3 = _column("bills", "electricity_kwh").maximum, _column("bills", "water_m3").maximum
    assert kwh is not None and m3 is not None
    files = _many_bills(tmp_path, 10_000, kwh, m3)
    report = run_cli(files, "surcharge", tmp_path / "out.json")
    assert report is not None
    assert_conserved(report)
    assert report["summary"]["bills"] == 10_000
    line = report["by_enterprise"][0]
    assert all(r["total"] == line["total"] for r in report["by_enterprise"])
    assert Decimal(report["summary"]["total"]) == 10_000 * Decimal(line["total"])
    # black in 2018: +0.10 yuan/kWh (江苏省环保信用评价差别电价 trial, 2016-01-01; S41), so each
    # line is 1e10 kWh x 0.10 = 1e9 yuan and the 10 000 lines 1e13 yuan
    assert Decimal(line["electricity_surcharge"]) == Decimal("1000000000.00")
    assert Decimal(report["summary"]["electricity_surcharge"]) == Decimal("10000000000000.00")


def test_ten_thousand_accounts_of_one_enterprise_at_the_maximum_balance(tmp_path: Path) -> None:
    """One enterprise with 10 000 accounts (户号) billed in one month at 1e10 kWh: one
    enterprise total of 1e13 yuan, exactly 10 000 lines of 1e9 yuan (black, +0.10 yuan/kWh)."""
    bills, ratings = tmp_path / "bills.csv", tmp_path / "ratings.csv"
    with bills.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["企业名称", "户号", "区县", "月份", "用电量(kWh)"])
        out.writerows(["甲公司", f"A{n:05d}", "姑苏区", "2018-06", "10000000000"] for n in range(10_000))
    ratings.write_text("企业名称,信用等级,有效期起,有效期止\n甲公司,黑色,2017-01-01,2018-12-31\n", "utf-8")
    report = run_cli({"bills": bills, "ratings": ratings}, "surcharge", tmp_path / "out.json")
    assert report is not None
    assert_conserved(report)
    [enterprise] = report["by_enterprise"]
    assert enterprise["bills"] == 10_000
    assert Decimal(enterprise["electricity_surcharge"]) == Decimal("10000000000000.00")
