"""Issue 13, done when: every export of every command loads into pandas, DuckDB and openpyxl, and
the sums equal the workbook's totals to the fen; Parquet files of different runs read together.

Each command is run the way an integrator would (CliRunner, one `-o` per format). The tables and
their Chinese headers are found from the CSV set's own data package descriptor, as another system
would, and each table's totalled columns are summed by each reader independently.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pandas as pd
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.reports.xlsx import sheet_names
from tests.builders import EX18, EX21, header_row

ENV = {"ECOCOMP_TARIFFS": ""}
CENT = Decimal("0.01")
WATER = ["water", str(EX18 / "sections.csv"), str(EX18 / "monitoring.csv"), "--shares"]
WATER += [str(EX18 / "section_shares.csv"), "--from", "2018-01", "--to", "2018-12"]
FUND_2018 = ["fund", str(EX18 / "emissions.csv"), "--indicators", str(EX18 / "indicators.csv"), "-y", "2018"]
FUND_2021 = ["fund", str(EX21 / "emissions.csv"), "--indicators", str(EX21 / "indicators.csv")]
FUND_2021 += ["--carbon", str(EX21 / "carbon.csv"), "-y", "2021"]
COMMANDS = {"settle": ["settle", "--example", "suzhou-2018"], "fund": FUND_2018, "water": WATER}


def run(args: list[str], *outputs: Path) -> None:
    """The command once per output, as `-o` takes one file."""
    for path in outputs:
        result = CliRunner().invoke(app, [*args, "-o", str(path)], env=ENV)
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="module", params=list(COMMANDS))
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One command's report written as xlsx, json, a CSV set and a Parquet set (a set per stem:
    each set has its own manifest and data package descriptor)."""
    folder = tmp_path_factory.mktemp(request.param)
    for suffix in ("xlsx", "json", "csv", "parquet"):
        run(COMMANDS[request.param], folder / f"{suffix}.{suffix}")
    return {
        "folder": folder,
        "json": json.loads((folder / "json.json").read_text("utf-8")),
        "package": json.loads((folder / "csv.datapackage.json").read_text("utf-8")),
        "book": openpyxl.load_workbook(folder / "xlsx.xlsx", data_only=True),
    }


def workbook_totals(sheet: Any, headers: list[str]) -> dict[str, Decimal]:
    """The cached values of the 合计 row by header. The header is found by its names (a sheet may
    open with the title, cover lines and a banner, and a summary puts its printed columns first)."""
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if set(headers) <= set(r))
    total = next(r for r in rows[top + 1 :] if r[0] == "合计")
    return {
        h: Decimal(str(v))
        for h, v in zip(rows[top], total, strict=False)
        if v is not None and h in headers and h != rows[top][0]
    }


def test_every_reader_sums_every_table_to_the_workbook_totals(exported: dict[str, Any]) -> None:
    folder, document, package, book = (exported[k] for k in ("folder", "json", "package", "book"))
    resources = package["resources"]
    names = sheet_names([r["title"] for r in resources])
    checked = 0
    for resource, sheet_name in zip(resources, names, strict=True):
        key = resource["name"]
        totals = document["totals"].get(key)
        if not totals or not document[key]:
            continue
        fields = {f.get("ecocomp:key", f["name"]): f for f in resource["schema"]["fields"]}
        headers = [f["name"] for f in resource["schema"]["fields"]]
        in_book = workbook_totals(book[sheet_name], headers)
        csv_path = folder / resource["path"]
        parquet_path = folder / resource["path"].replace("csv", "parquet")
        frame = pd.read_csv(csv_path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        floats = pd.read_csv(csv_path, encoding="utf-8-sig")
        arrow = pq.read_table(parquet_path)
        for column, total in totals.items():
            label, expected = fields[column]["name"], Decimal(total)
            exact = sum((Decimal(v) for v in frame[label] if v != ""), Decimal(0))
            scale = fields[column].get("ecocomp:scale", 0)
            cast = f'cast("{label}" as decimal(38, {scale}))'
            query = f"select sum({cast}) from read_csv('{csv_path}', all_varchar = true)"
            by_duckdb_csv = duckdb.sql(query).fetchall()[0]
            by_duckdb_parquet = duckdb.sql(
                f"select sum(\"{column}\") from read_parquet('{parquet_path}')"
            ).fetchall()[0]
            by_arrow = pc.sum(arrow.column(column)).as_py()
            assert by_duckdb_csv is not None and by_duckdb_parquet is not None
            found = {
                "workbook": in_book[label],
                "pandas csv": exact,
                "pandas csv as float": Decimal(f"{floats[label].sum():.{scale}f}"),
                "duckdb csv": Decimal(by_duckdb_csv[0]),
                "duckdb parquet": Decimal(by_duckdb_parquet[0]),
                "pyarrow parquet": Decimal(by_arrow),
            }
            assert {k: v.quantize(CENT) if scale else v for k, v in found.items()} == dict.fromkeys(
                found, expected.quantize(CENT) if scale else expected
            ), (key, column)
            checked += 1
    assert checked >= 5


def test_the_settlement_csv_sum_is_the_true_total_not_twice_it(tmp_path: Path) -> None:
    """The integrator's first try: pandas sums the 统筹资金 column of the settlement CSV."""
    run(COMMANDS["settle"], tmp_path / "s.csv", tmp_path / "s.json")
    total = json.loads((tmp_path / "s.json").read_text("utf-8"))["totals"]["summary"]["fund"]
    summed = pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig")["统筹资金(元)"].sum()
    assert Decimal(total) == Decimal("1034599060.00") and Decimal(f"{summed:.2f}") == Decimal(total)


def test_fund_parquet_of_2018_and_2021_read_together_without_loss(tmp_path: Path) -> None:
    run(FUND_2018, tmp_path / "f2018.parquet", tmp_path / "f2018.json")
    run(FUND_2021, tmp_path / "f2021.parquet", tmp_path / "f2021.json")
    files = [tmp_path / "f2018.parquet", tmp_path / "f2021.parquet"]
    schemas = [pq.read_schema(f).remove_metadata() for f in files]
    assert schemas[0] == schemas[1]
    assert str(schemas[0].field("coefficient").type) == "decimal128(38, 10)"
    documents = [json.loads((tmp_path / f"f{y}.json").read_text("utf-8")) for y in (2018, 2021)]
    coefficients = {Decimal(p["coefficient"]) for d in documents for p in d["summary"]}
    assert any(c != c.to_integral_value() for c in coefficients)  # 2021 has a CO2 coefficient < 1
    names = ", ".join(f"'{f}'" for f in files)
    together = duckdb.sql(f"select coefficient, fund from read_parquet([{names}])").fetchall()
    assert {Decimal(c).normalize() for c, _ in together} == {c.normalize() for c in coefficients}
    by_arrow = ds.dataset([str(f) for f in files], format="parquet").to_table()
    assert {Decimal(c).normalize() for c in by_arrow.column("coefficient").to_pylist()} == {
        c.normalize() for c in coefficients
    }
    expected = sum((Decimal(d["totals"]["summary"]["fund"]) for d in documents), Decimal(0))
    assert sum((Decimal(f) for _, f in together), Decimal(0)) == expected
    assert Decimal(pc.sum(by_arrow.column("fund")).as_py()) == expected


def test_surcharge_bill_lines_sum_to_the_workbook_totals(tmp_path: Path) -> None:
    args = ["surcharge", str(EX18 / "bills.csv"), str(EX18 / "ratings.csv")]
    outputs = (
        "-o",
        str(tmp_path / "s.xlsx"),
        "-o",
        str(tmp_path / "s.csv"),
        "-o",
        str(tmp_path / "s.parquet"),
    )
    result = CliRunner().invoke(app, [*args, *outputs], env=ENV)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx", data_only=True)["按地区"]
    headers = [c.value for c in sheet[header_row(sheet, "地区")]]
    in_book = workbook_totals(sheet, [str(h) for h in headers])
    lines = pd.read_csv(tmp_path / "s.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    for key, label in (
        ("electricity_surcharge", "差别电价加价(元)"),
        ("water_surcharge", "差别化污水处理费加价(元)"),
    ):
        by_pandas = sum((Decimal(v) for v in lines[label] if v != ""), Decimal(0))
        parquet = tmp_path / "s.parquet"
        by_duckdb = duckdb.sql(f"select sum({key}) from read_parquet('{parquet}')").fetchall()[0][0]
        assert by_pandas == Decimal(by_duckdb) == in_book[label] > 0, key
