"""Credit-rated surcharges on the shipped example through the command, every output format read
back, and the typed Parquet fast path of the bills ledger."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import typer
from typer.testing import CliRunner

from ecocomp.families.surcharge.command import surcharge
from ecocomp.families.surcharge.family import run_surcharge
from ecocomp.reports.contract import CONTRACT_VERSION
from ecocomp.tariffs.book import TariffBook
from tests.builders import EX18 as EXAMPLE


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(surcharge)
    return app


def test_example_runs_and_every_format_reads_back_to_the_same_totals(tmp_path: Path) -> None:
    outputs = [tmp_path / f"out.{s}" for s in ("xlsx", "csv", "json", "parquet")]
    args = [str(EXAMPLE / "bills.csv"), str(EXAMPLE / "ratings.csv")]
    result = CliRunner().invoke(_app(), [*args, *(x for p in outputs for x in ("-o", str(p)))])
    assert result.exit_code == 0, result.output
    summary = json.loads(outputs[2].read_text("utf-8"))
    assert set(summary) >= {"summary", "by_enterprise", "by_district", "by_rating", "rejected", "manifest"}
    assert summary["schema_version"] == CONTRACT_VERSION
    total = Decimal(summary["summary"]["total"])
    assert summary["summary"]["bills"] == 7200 and summary["summary"]["enterprises"] == 300
    assert sum((Decimal(r["total"]) for r in summary["by_enterprise"]), Decimal(0)) == total
    table = pq.read_table(outputs[3])
    assert table.num_rows == 7200
    parquet_total = (
        pc.sum(table.column("electricity_surcharge")).as_py()
        + pc.sum(table.column("water_surcharge")).as_py()
    )
    assert parquet_total == total
    with outputs[1].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))  # Chinese headers by default, data rows only
    assert len(rows) == 7200
    assert (
        sum(
            (Decimal(r["差别电价加价(元)"]) + Decimal(r["差别化污水处理费加价(元)"] or 0) for r in rows),
            Decimal(0),
        )
        == total
    )
    book = openpyxl.load_workbook(outputs[0], read_only=True)
    sheet = book["按地区"]
    values = [row for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if "合计(元)" in row)
    column = values[header].index("合计(元)")
    districts = {r["district"] for r in summary["by_district"]}
    xlsx_total = sum(
        (Decimal(str(row[column])) for row in values[header + 1 :] if row[0] in districts), Decimal(0)
    )
    assert xlsx_total == total
    assert {"按地区", "按信用等级", "重点企业", "明细文件", "剔除记录", "费率表"} <= set(book.sheetnames)
    where = [row for row in book["明细文件"].iter_rows(values_only=True)]
    assert any("out.parquet" in str(cell) for row in where for cell in row)
    book.close()


def test_example_cases_are_charged_as_the_readme_says(book: TariffBook) -> None:
    run = run_surcharge(EXAMPLE / "bills.csv", EXAMPLE / "ratings.csv", book=book)
    got = {f"{r['enterprise'][-4:]} {r['month']:%Y-%m}": r for r in run.result.lines().to_pylist()}
    assert got["001号 2018-05"]["water_red_repeat"] is True  # red twice
    assert got["002号 2018-06"]["water_rating"] == "red" and got["002号 2018-07"]["water_rating"] == "yellow"
    assert [got[f"003号 2018-{m}"]["water_rating"] for m in ("04", "05", "08", "09")] == [
        "green",
        "black",
        "black",
        "green",
    ]
    assert (
        got["004号 2019-04"]["water_rating"] == "red"
        and got["004号 2019-06"]["electricity_rating"] == "green"
    )
    assert got["004号 2019-07"]["electricity_rating"] == "red"


def test_cli_exits_1_on_a_data_problem(tmp_path: Path) -> None:
    (tmp_path / "bills.csv").write_text("企业名称,区县,月份,用电量\n甲,昆山,2018-01,-1\n", "utf-8")
    (tmp_path / "ratings.csv").write_text("企业名称,信用等级,有效期起\n甲,红色,2017-01-01\n", "utf-8")
    result = CliRunner().invoke(_app(), [str(tmp_path / "bills.csv"), str(tmp_path / "ratings.csv")])
    assert result.exit_code == 1
    assert "negative" in result.output


def test_typed_parquet_fast_path_keeps_every_ledger_check(book: TariffBook, tmp_path: Path) -> None:
    from ecocomp.ledgers.ledger import read_ledger

    rows = [
        ("甲", "昆山", "2018-01-15", "1.5"),  # a day in a month column: the month is kept
        ("甲", "昆山", "2018-01-01", "2"),  # ... so this is the same enterprise and month
        ("乙", "外星", "2018-01-01", "3"),
        ("丙", "常熟", "2018-01-01", "-1"),
        ("丁", "常熟", "2018-01-01", "1.234"),
        ("戊", "常熟", "2018-02-01", "7"),
    ]
    pq.write_table(
        pa.table(
            {
                "企业名称": [r[0] for r in rows],
                "区县": [r[1] for r in rows],
                "月份": pa.array([date.fromisoformat(r[2]) for r in rows], pa.date32()),
                "用电量": pa.array([Decimal(r[3]) for r in rows], pa.decimal128(20, 3)),
            }
        ),
        tmp_path / "bills.parquet",
    )
    ledger = read_ledger("bills", tmp_path / "bills.parquet", places=book.places)
    codes = sorted((i.line, i.code) for i in ledger.issues)
    expected = ["duplicate_key", "duplicate_key", "unknown_place", "negative", "too_many_decimals"]
    assert codes == list(enumerate(expected, start=2))
    assert ledger.frame["month"].tolist() == [date(2018, 2, 1)]
    assert ledger.frame["electricity_kwh"].tolist() == [Decimal("7.00")]
