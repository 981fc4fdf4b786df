"""The export contract of a surcharge run (issue 13): declared bill-line columns, the one CSV
dialect, Parquet files of several runs read together, the shipped JSON Schema."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import jsonschema  # type: ignore[import-untyped]
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from ecocomp.errors import ExportError
from ecocomp.families.surcharge import files as surcharge_files
from ecocomp.families.surcharge.columns import LINE_COLUMNS, LINE_SCHEMA, typed_batch
from ecocomp.families.surcharge.command import surcharge
from ecocomp.families.surcharge.schema import surcharge_json_schema
from ecocomp.reports.contract import CONTRACT_VERSION
from ecocomp.reports.guard import guard
from ecocomp.reports.schema import schema_path, schema_text, shipped_schema
from tests.builders import EX18 as EXAMPLE

ARGS = [str(EXAMPLE / "bills.csv"), str(EXAMPLE / "ratings.csv")]
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _run(*args: str) -> None:
    app = typer.Typer()
    app.command()(surcharge)
    result = CliRunner().invoke(app, [*ARGS, *args])
    assert result.exit_code == 0, result.output


def _outputs(*paths: Path) -> list[str]:
    return [x for p in paths for x in ("-o", str(p))]


def test_bill_lines_csv_is_the_one_dialect(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    _run(*_outputs(path, tmp_path / "s.json"))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    assert text.endswith("\r\n") and text.count("\n") == text.count("\r\n") == 7201  # header + 7200
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [c.zh for c in LINE_COLUMNS]  # Chinese labels by default, no totals row
    assert len(rows) == 7201
    assert '"' not in text  # minimal quoting: no field of the example needs quotes
    keys = [c.key for c in LINE_COLUMNS]
    lines = [dict(zip(keys, row, strict=True)) for row in rows[1:]]
    assert all(MONTH.match(r["month"]) for r in lines)
    assert {r["electricity_red_repeat"] for r in lines} <= {"是", "否", ""}
    assert all(re.fullmatch(r"-?[0-9]+\.[0-9]{2}", r["electricity_surcharge"]) for r in lines)
    summary = json.loads((tmp_path / "s.json").read_text("utf-8"))["summary"]
    total = sum(
        (Decimal(r["electricity_surcharge"]) + Decimal(r["water_surcharge"] or 0) for r in lines), Decimal(0)
    )
    assert total == Decimal(summary["total"])


def test_bill_lines_csv_in_english_and_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    _run(*_outputs(path), "--language", "en", "--csv-encoding", "gb18030")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [c.key for c in LINE_COLUMNS]
    assert rows[1][1].startswith("苏州示例") and rows[1][3] == "2018-01"
    assert {r[7] for r in rows[1:]} <= {"yes", "no", ""}
    assert "\n" not in text.replace("\r\n", "")


class _Lines:
    """Stands in for a SurchargeResult: one batch of declared lines with awkward enterprise names."""

    NAMES = ("=1+1", "甲,乙", 'say "hi"', "two\nlines", "-12.5", "@SUM(A1)", "plain")
    kept = NAMES

    def line_batches(self, size: int) -> Iterator[pa.RecordBatch]:
        n = len(self.NAMES)
        given = {
            "line": pa.array(range(2, n + 2), pa.int64()),
            "enterprise": pa.array(self.NAMES),
            "district": pa.array(["320505"] * n),
            "month": pa.array(["2018-01"] * n),
            "evidence": pa.array(["verified"] * n)
            .dictionary_encode()
            .cast(LINE_SCHEMA.field("evidence").type),
            "evidence_values": pa.array([""] * n)
            .dictionary_encode()
            .cast(LINE_SCHEMA.field("evidence_values").type),
        }
        columns = [given.get(f.name, pa.nulls(n, f.type)) for f in LINE_SCHEMA]
        yield pa.RecordBatch.from_arrays(columns, schema=LINE_SCHEMA)


def test_csv_quotes_only_what_needs_it_and_guards_formulas(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    surcharge_files.write_lines(_Lines(), path)  # type: ignore[arg-type]
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[1] for r in rows[1:]] == [guard(n) for n in _Lines.NAMES]
    body = text.split("\r\n", 1)[1]
    assert body.startswith("2,'=1+1,320505,2018-01,,,")  # no quotes where none are needed
    assert '"甲,乙"' in body and '"say ""hi"""' in body and '"two\nlines"' in body
    assert ",-12.5," in body and ",'@SUM(A1)," in body  # a plain number is left alone


def test_a_value_finer_than_the_declared_scale_is_refused_not_rounded() -> None:
    batch = next(_Lines().line_batches(10)).to_pydict()
    n = len(batch["line"])

    def with_kwh(value: str) -> pa.RecordBatch:
        columns = {k: v for k, v in next(_Lines().line_batches(10)).to_pydict().items()}
        columns["electricity_kwh"] = [Decimal(value)] * n
        arrays = {k: pa.array(v) for k, v in columns.items() if k != "electricity_kwh"}
        arrays["electricity_kwh"] = pa.array(columns["electricity_kwh"], pa.decimal128(20, 3))
        return pa.RecordBatch.from_pydict(arrays)

    typed = typed_batch(with_kwh("1.230"))
    assert typed.schema.field("electricity_kwh").type == pa.decimal128(38, 2)
    assert typed.column("electricity_kwh").to_pylist() == [Decimal("1.23")] * n
    with pytest.raises(ExportError, match=r"electricity_kwh 1\.234 "):
        typed_batch(with_kwh("1.234"))


def test_a_missing_optional_input_column_is_written_empty_and_typed() -> None:
    batch = next(_Lines().line_batches(10))
    without = batch.drop_columns(["water_m3"])
    typed = typed_batch(without)
    assert typed.schema == LINE_SCHEMA and typed.column("water_m3").null_count == batch.num_rows
    with pytest.raises(ExportError, match="not in the export contract"):
        typed_batch(batch.append_column("extra", pa.array([1] * batch.num_rows)))


def test_two_runs_in_parquet_read_together_with_exact_sums(tmp_path: Path) -> None:
    runs = {}
    for year in ("2018", "2019"):
        lines, summary = tmp_path / f"lines-{year}.parquet", tmp_path / f"summary-{year}.json"
        _run(*_outputs(lines, summary), "--from", f"{year}-01", "--to", f"{year}-12")
        runs[lines] = json.loads(summary.read_text("utf-8"))["summary"]
    paths = list(runs)
    schemas = [pq.read_schema(p) for p in paths]
    assert schemas[0].remove_metadata() == schemas[1].remove_metadata() == LINE_SCHEMA
    for schema in schemas:
        assert schema.field("electricity_surcharge").type == pa.decimal128(38, 2)
        assert schema.field("water_surcharge").type == pa.decimal128(38, 2)
        assert schema.field("month").type == pa.string()
    total = sum((Decimal(s["total"]) for s in runs.values()), Decimal(0))
    bills = sum(s["bills"] for s in runs.values())

    table = ds.dataset([str(p) for p in paths], format="parquet").to_table()
    assert table.num_rows == bills == 7200
    both = sum(
        (
            v or Decimal(0)
            for k in ("electricity_surcharge", "water_surcharge")
            for v in table.column(k).to_pylist()
        ),
        Decimal(0),
    )
    assert both == total

    files = ", ".join(f"'{p}'" for p in paths)
    query = (
        "select count(*), sum(electricity_surcharge) + sum(coalesce(water_surcharge, 0)), "
        f"min(month), max(month), typeof(sum(electricity_surcharge)) from read_parquet([{files}])"
    )
    count, summed, first, last, kind = _fetch(duckdb.sql(query))
    assert (count, summed, first, last) == (7200, total, "2018-01", "2019-12")
    assert str(kind).startswith("DECIMAL(38,2)")


def _fetch(relation: duckdb.DuckDBPyRelation | None) -> tuple[object, ...]:
    assert relation is not None
    return tuple(relation.fetchall()[0])


def test_parquet_lines_carry_the_contract_metadata(tmp_path: Path) -> None:
    path = tmp_path / "lines.parquet"
    _run(*_outputs(path, tmp_path / "s.json"))
    about = json.loads(pq.read_schema(path).metadata[b"ecocomp"])
    assert about["schema_version"] == CONTRACT_VERSION
    assert about["columns_zh"] == {c.key: c.zh for c in LINE_COLUMNS}
    assert about["manifest"]["command"] == "surcharge"
    summary = json.loads((tmp_path / "s.json").read_text("utf-8"))["summary"]
    assert about["totals"]["electricity_surcharge"] == summary["electricity_surcharge"]


def test_shipped_schema_is_what_the_code_makes() -> None:
    assert schema_path("surcharge").read_text("utf-8") == schema_text(surcharge_json_schema())


@pytest.mark.parametrize("extra", [[], ["--range"]])
def test_the_example_json_follows_the_shipped_schema(tmp_path: Path, extra: list[str]) -> None:
    path = tmp_path / "s.json"
    _run(*_outputs(path), *extra)
    document = json.loads(path.read_text("utf-8"))
    assert document["schema_version"] == CONTRACT_VERSION
    schema = shipped_schema("surcharge")
    jsonschema.validate(document, schema)
    assert all(MONTH.match(m["month"]) for m in document["by_month"])
    assert isinstance(document["summary"]["bills"], int)
    wrong = json.loads(path.read_text("utf-8"))
    wrong["summary"]["total"] = float(wrong["summary"]["total"])  # a number where a decimal string belongs
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, schema)
    finer = json.loads(path.read_text("utf-8"))
    finer["by_enterprise"][0]["total"] = "1.005"  # more places than money's 2
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(finer, schema)
