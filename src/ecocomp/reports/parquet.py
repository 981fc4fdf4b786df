"""A report as Parquet files for other systems: one file per table, exact decimals, typed columns.

Like the CSV report: the primary table goes to the path asked for, every other table beside it as
`<stem>.<table key>.parquet`, the manifest as `<stem>.manifest.json`, the data package descriptor
as `<stem>.datapackage.json` (`ecocomp.reports.datapackage`). Column names are the English
keys. Money, ratio and decimal columns are Arrow decimal128(38, s), s the column's declared scale
(money 2, ratio 10, a decimal column its own), the same in every run, so files of several runs read
together without loss; int is int64, date is date32, month is a "YYYY-MM" string, bool is bool,
text is string. Totals rows are not data here: each file's schema metadata (key `ecocomp`) holds the
contract version, the title, the table's key and Chinese names, its exact totals as strings, and
the manifest.
"""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecocomp.errors import MoneyError
from ecocomp.reports.contract import CONTRACT_VERSION, month_text
from ecocomp.reports.model import Column, Report, Table, column_totals
from ecocomp.reports.staging import Staging
from ecocomp.reports.text import DECIMAL_KINDS, finish_set, json_ready, sibling

__all__ = ["write_parquet"]

MAX_PRECISION = 38


def write_parquet(report: Report, path: Path, stage: Staging) -> None:
    """Write each table to its Parquet file and the manifest beside them, all through `stage`."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

    files: dict[str, tuple[Path, Path]] = {}
    for index, table in enumerate(report.tables):
        target = path if index == 0 else sibling(path, table.key, ".parquet")
        with stage.writing(target) as temp:
            pq.write_table(arrow_table(report, table), temp)
        files[table.key] = (target, temp)
    finish_set(report, path, stage, files, fmt="parquet")


def arrow_table(report: Report, table: Table) -> Any:
    """One table as a pyarrow Table with typed columns and ecocomp's metadata."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    arrays = [_array(pa, table, column) for column in table.columns]
    kinds = {c.key: c.kind for c in table.columns}
    about = {
        "schema_version": CONTRACT_VERSION,
        "title": report.title,
        "table": table.key,
        "zh": table.zh,
        "columns_zh": {c.key: c.zh for c in table.columns},
        "totals": {k: json_ready(v, kinds[k]) for k, v in column_totals(table).items()},
        "manifest": json_ready(report.manifest),
    }
    metadata = {b"ecocomp": json.dumps(about, ensure_ascii=False, sort_keys=True).encode("utf-8")}
    return pa.table(arrays, names=[c.key for c in table.columns], metadata=metadata)


def _array(pa: Any, table: Table, column: Column) -> Any:
    """The Arrow array of one column."""
    values = [row[column.key] for row in table.rows]
    if column.kind in DECIMAL_KINDS:
        return _decimal_array(pa, values, column)
    if column.kind == "int":
        return pa.array(values, type=pa.int64())
    if column.kind == "date":
        return pa.array(values, type=pa.date32())
    if column.kind == "bool":
        return pa.array(values, type=pa.bool_())
    if column.kind == "month":
        return pa.array([None if v is None else month_text(v) for v in values], type=pa.string())
    return pa.array(values, type=pa.string())


def _decimal_array(pa: Any, values: list[object], column: Column) -> Any:
    """A decimal128(38, declared scale) array, each value rescaled without rounding (a value
    finer than the scale was refused by the report checks)."""
    numbers = [Decimal(v) for v in values if isinstance(v, Decimal | int)]
    scale = column.declared_scale
    digits = max([1, *(n.adjusted() + 1 + scale for n in numbers if n)])
    if max(digits, scale) > MAX_PRECISION:
        raise MoneyError(f"column {column.key!r}: needs {digits} digits, more than Parquet decimal128 holds")
    quantum = Decimal(1).scaleb(-scale)
    with decimal.localcontext() as ctx:
        ctx.prec = MAX_PRECISION
        ctx.traps[decimal.Inexact] = True
        scaled = [Decimal(v).quantize(quantum) if isinstance(v, Decimal | int) else None for v in values]
    return pa.array(scaled, type=pa.decimal128(MAX_PRECISION, scale))
