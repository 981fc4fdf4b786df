"""Checks a report passes before any file is written: exact values only, keys that cannot clash.

A float anywhere (rows or manifest) is a `MoneyError`: no binary float may reach a report. A value
of the wrong type for its column, a missing value, duplicate or reserved keys are `UsageError`s:
they are mistakes of the calculation that built the report, named with table, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ecocomp.errors import ExportError, MoneyError, UsageError

if TYPE_CHECKING:
    from ecocomp.reports.model import Column, Report, Table

__all__ = ["TOTAL_KINDS", "check_manifest", "check_report"]

TOTAL_KINDS = frozenset({"int", "money", "decimal"})
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")  # table keys become file names: report.<key>.csv
_RESERVED_KEYS = frozenset({"title", "totals", "manifest", "schema_version"})  # top-level JSON keys
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def check_report(report: Report) -> None:
    """Refuse a report that cannot be written exactly: floats, wrong types, clashing keys."""
    if not report.tables:
        raise UsageError("a report needs at least one table")
    keys = [t.key for t in report.tables]
    for table in report.tables:
        if keys.count(table.key) > 1:
            raise UsageError(f"table key {table.key!r} is used twice; every table needs its own key")
        _check_table(table)
    check_manifest(report.manifest, "manifest")


def _check_table(table: Table) -> None:
    """Check the table's keys and columns, then every row."""
    if not _KEY.match(table.key) or table.key in _RESERVED_KEYS:
        raise UsageError(f"table key {table.key!r}: use lower-case letters, digits and _ (not title/totals)")
    column_keys = [c.key for c in table.columns]
    if not column_keys or len(set(column_keys)) != len(column_keys):
        raise UsageError(f"table {table.key!r}: needs columns with distinct keys, got {column_keys}")
    for column in table.columns:
        if column.total and column.kind not in TOTAL_KINDS:
            raise UsageError(
                f"table {table.key!r}: a {column.kind} column ({column.key!r}) cannot be totalled"
            )
    if table.totals and table.columns[0].total:
        raise UsageError(f"table {table.key!r}: the first column holds the totals label; do not total it")
    for number, row in enumerate(table.rows, start=1):
        _check_row(table, number, row)


def _check_row(table: Table, number: int, row: Mapping[str, object]) -> None:
    """Every value of one row: no float anywhere, each column's value of its kind."""
    for key, value in row.items():
        if isinstance(value, float):
            raise MoneyError(
                f"table {table.key!r}, row {number}, {key!r}: {value!r} is a binary float; "
                "pass an exact Decimal (or int)"
            )
    for column in table.columns:
        if column.key not in row:
            raise UsageError(f"table {table.key!r}, row {number}: no value for column {column.key!r}")
        _check_value(column, row[column.key], f"table {table.key!r}, row {number}, {column.key!r}")


def _check_value(column: Column, value: object, where: str) -> None:
    """One value against its column's declared kind, scale and nullability."""
    if value is None:
        if not column.nullable:
            raise UsageError(f"{where}: the column is declared never empty, but this row has no value")
        return
    if column.kind == "text":
        ok = isinstance(value, str)
    elif column.kind == "bool":
        ok = isinstance(value, bool)
    elif column.kind == "month":
        ok = (isinstance(value, date) and not isinstance(value, datetime)) or (
            isinstance(value, str) and _MONTH.match(value) is not None
        )
    elif column.kind == "date":
        ok = isinstance(value, date) and not isinstance(value, datetime)
    elif column.kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, Decimal | int) and not isinstance(value, bool)
    if not ok:
        raise UsageError(f"{where}: {value!r} is not a valid {column.kind} value")
    if isinstance(value, Decimal) and not value.is_finite():
        raise MoneyError(f"{where}: {value} is not a finite amount")
    if isinstance(value, Decimal) and _places(value) > column.declared_scale:
        raise ExportError(
            f"{where}: {value} has {_places(value)} digits after the point; the export contract "
            f"declares {column.declared_scale} for this column, and ecocomp never rounds a value "
            "to fit (a tariff or ledger value finer than the contract allows)"
        )


def _places(number: Decimal) -> int:
    """Digits after the point in a decimal's exact form, trailing zeros aside (0 for 1E+3)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_manifest(value: object, where: str) -> None:
    """The manifest holds str keys and str/int/Decimal/date/bool/None leaves; never a float."""
    if isinstance(value, float):
        raise MoneyError(f"{where}: {value!r} is a binary float; pass an exact Decimal")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise UsageError(f"{where}: key {key!r} is not a string")
            check_manifest(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_manifest(item, f"{where}[{index}]")
    elif not isinstance(value, str | int | Decimal | date | None):
        raise UsageError(f"{where}: {value!r} ({type(value).__name__}) cannot go in a manifest")
    elif isinstance(value, Decimal) and not value.is_finite():
        raise MoneyError(f"{where}: {value} is not a finite amount")
