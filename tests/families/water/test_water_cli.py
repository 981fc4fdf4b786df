"""`ecocomp water` end to end: the shipped example in every format, usage and data errors."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from ecocomp.cli.main import app
from tests.builders import EX18 as EXAMPLE

from .frames import DATA


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"ECOCOMP_TARIFFS": ""})
    return result.exit_code, result.output


def test_cli_example_to_xlsx_csv_json_same_totals(tmp_path: Path) -> None:
    args = [
        "water",
        str(EXAMPLE / "sections.csv"),
        str(EXAMPLE / "monitoring.csv"),
        "--shares",
        str(EXAMPLE / "section_shares.csv"),
        "--from",
        "2018-01",
        "--to",
        "2018-12",
    ]
    totals: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for suffix in ("json", "csv", "xlsx"):
        code, out = _invoke(*args, "-o", str(tmp_path / f"water.{suffix}"))
        assert code == 0, out
    document = json.loads((tmp_path / "water.json").read_text("utf-8"))
    assert {"lines", "shares", "summary", "rejected", "manifest"} <= set(document)
    t = document["totals"]["summary"]
    totals["json"] = (Decimal(t["paid"]), Decimal(t["received"]), Decimal(t["net"]))
    assert Decimal(document["totals"]["lines"]["amount"]) == totals["json"][0]
    line = document["lines"][0]
    assert isinstance(line["amount"], str) and isinstance(line["concentration"], str)
    for key in (
        "section",
        "month",
        "factor",
        "concentration",
        "target",
        "excess",
        "multiple",
        "flow",
        "load_t",
    ):
        assert key in line
    with (tmp_path / "water.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert rows and all(r[0] != "合计" for r in rows)  # data rows only: the sums are the totals
    totals["csv"] = tuple(sum((Decimal(r[i]) for r in rows), Decimal(0)) for i in (2, 3, 4))  # type: ignore[assignment]
    sheet = openpyxl.load_workbook(tmp_path / "water.xlsx", data_only=True)["汇总"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "合计")  # notes follow it
    totals["xlsx"] = tuple(Decimal(str(v)) for v in row[2:5])  # type: ignore[assignment]
    assert totals["json"] == totals["csv"] == totals["xlsx"]
    assert totals["json"][0] > 0 and totals["json"][2] == 0
    assert document["manifest"]["reconciliation"]["monitoring_rows_read"] == 468


def test_cli_bad_month_is_usage_error(tmp_path: Path) -> None:
    code, out = _invoke(
        "water",
        str(EXAMPLE / "sections.csv"),
        str(EXAMPLE / "monitoring.csv"),
        "--from",
        "2018-13",
        "--to",
        "2018-12",
    )
    assert code == 2 and "YYYY-MM" in out


def test_cli_missing_data_exits_1(tmp_path: Path) -> None:
    monitoring = tmp_path / "m.csv"
    shutil.copy(DATA / "load-example-monitoring.csv", monitoring)
    code, out = _invoke(
        "water",
        str(DATA / "load-example-sections.csv"),
        str(monitoring),
        "--from",
        "2012-03",
        "--to",
        "2012-04",
    )
    assert code == 1 and "no TP measurement for section TH01 in 2012-04" in out
