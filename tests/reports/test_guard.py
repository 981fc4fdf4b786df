"""One formula guard for every writer: the report CSV, the issues CSV and the surcharge lines CSV add
the same apostrophe to the same texts; the XLSX writers keep every one of them as a text cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from ecocomp.errors import LedgerIssue
from ecocomp.families.surcharge import columns as surcharge_columns
from ecocomp.families.surcharge import files as surcharge_files
from ecocomp.families.surcharge.columns import LINE_SCHEMA
from ecocomp.ledgers import issues
from ecocomp.reports import guard as guard_module
from ecocomp.reports import text
from ecocomp.reports.guard import guard, guard_column, needs_guard
from ecocomp.reports.model import Column, Report, Table
from ecocomp.reports.write import write_report
from tests.builders import header_row

SAMPLES = ("=1+1", "+86 512", "-3", "@SUM(A1)", "\t=x", "-12.5", "\rcr", "+5%", "-1,234.56", "- 3", "苏州市")
GUARDED = {"=1+1", "+86 512", "@SUM(A1)", "\t=x", "\rcr", "- 3"}  # the rest are plain numbers or text


def expected(value: str) -> str:
    return "'" + value if value in GUARDED else value


def test_the_rule() -> None:
    assert {s for s in SAMPLES if needs_guard(s)} == GUARDED
    assert [guard(s) for s in SAMPLES] == [expected(s) for s in SAMPLES]
    assert guard("") == ""


def test_the_column_rule_is_the_scalar_rule() -> None:
    for kind in (pa.string(), pa.large_string()):
        column = pa.array([*SAMPLES, None, "-３", "-3\n"], kind)
        assert guard_column(column).to_pylist() == [
            guard(s) if s is not None else None for s in column.to_pylist()
        ]
    assert guard_column(pa.array([-3, 1])).to_pylist() == [-3, 1]  # numbers are never text


def test_every_writer_uses_the_one_guard() -> None:
    assert text.guard is guard_module.guard
    assert issues.guard is guard_module.guard
    assert surcharge_columns.guard_column is guard_module.guard_column


def report() -> Report:
    table = Table("lines", "明细", (Column("value", "值", "text"),), [{"value": s} for s in SAMPLES])
    return Report("guard", (table,), {})


def csv_values(path: Path, column: int) -> list[str]:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    return [row[column] for row in rows[1:]]


def test_report_csv(tmp_path: Path) -> None:
    write_report(report(), tmp_path / "r.csv")
    assert csv_values(tmp_path / "r.csv", 0) == [expected(s) for s in SAMPLES]


def test_issues_csv(tmp_path: Path) -> None:
    found = [LedgerIssue("l.csv", n, "col", s, "code", "message") for n, s in enumerate(SAMPLES, 2)]
    issues.write_issues(found, tmp_path / "issues.csv")
    assert csv_values(tmp_path / "issues.csv", 3) == [expected(s) for s in SAMPLES]


class _Lines:
    """Stands in for a SurchargeResult: `write_lines` needs only its line batches (declared columns)."""

    kept = SAMPLES

    def line_batches(self, size: int) -> Iterator[pa.RecordBatch]:
        n = len(SAMPLES)
        given = {
            "line": pa.array(range(2, n + 2), pa.int64()),
            "enterprise": pa.array(SAMPLES),
            "district": pa.array(["320505"] * n),
            "month": pa.array(["2018-01"] * n),
            "evidence": pa.array(["verified"] * n)
            .dictionary_encode()
            .cast(LINE_SCHEMA.field("evidence").type),
            "evidence_values": pa.array([""] * n)
            .dictionary_encode()
            .cast(LINE_SCHEMA.field("evidence_values").type),
        }
        yield pa.RecordBatch.from_arrays(
            [given.get(f.name, pa.nulls(n, f.type)) for f in LINE_SCHEMA], schema=LINE_SCHEMA
        )


def test_surcharge_lines_csv(tmp_path: Path) -> None:
    surcharge_files.write_lines(_Lines(), tmp_path / "lines.csv")  # type: ignore[arg-type]
    assert csv_values(tmp_path / "lines.csv", 1) == [expected(s) for s in SAMPLES]


@pytest.mark.parametrize("writer", ["report", "issues"])
def test_xlsx_keeps_every_sample_as_text(tmp_path: Path, writer: str) -> None:
    path = tmp_path / "out.xlsx"
    if writer == "report":
        write_report(report(), path)
        column = 1
    else:
        issues.write_issues([LedgerIssue("l", 2, "c", s, "code", "m") for s in SAMPLES], path)
        column = 4
    sheet = openpyxl.load_workbook(path).worksheets[0]
    top = header_row(sheet, "值") if writer == "report" else 1  # a report opens with its title
    cells = [sheet.cell(row, column) for row in range(top + 1, len(SAMPLES) + top + 1)]
    assert [c.data_type for c in cells] == ["s"] * len(SAMPLES)  # text, never a formula or a number
    # the text as given, not guarded (a CR comes back as LF or _x000D_, as each library stores it)
    shown = [(c.value, s) for c, s in zip(cells, SAMPLES, strict=True) if "\r" not in s]
    assert all(value == sample for value, sample in shown)
