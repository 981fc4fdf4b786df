"""The report as text: JSON for machines, CSV for people and imports, plus helpers the other formats share.

JSON: `{"title", <table key>: [rows], "totals": {table: {column: total}}, "manifest"}`, every
Decimal as a string of its exact digits, dates ISO, the manifest's keys sorted, identical bytes for
identical input. CSV: header (Chinese or the English keys), rows, the totals row labelled 合计 /
Total last; decimals as plain digits; the primary table at the path asked for, the others beside
it as `<stem>.<key>.csv`, the manifest as `<stem>.manifest.json`. Text a spreadsheet would run
as a formula gets a leading apostrophe (`ecocomp.reports.guard`, the rule of every ecocomp CSV).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

from ecocomp.reports.guard import guard
from ecocomp.reports.model import Report, Table, column_totals
from ecocomp.reports.staging import Staging

__all__ = [
    "BOOL_TEXT",
    "DECIMAL_KINDS",
    "RUN_INFO_KEYS",
    "TOTAL_LABEL",
    "cell_text",
    "csv_text",
    "flatten_manifest",
    "json_bytes",
    "json_ready",
    "manifest_bytes",
    "plain",
    "sibling",
    "write_csv",
]

RUN_INFO_KEYS = frozenset({"run_info"})  # tables that repeat the manifest: not repeated in JSON
TOTAL_LABEL = {"zh": "合计", "en": "Total"}
BOOL_TEXT = {"zh": ("是", "否"), "en": ("yes", "no")}
DECIMAL_KINDS = frozenset({"money", "ratio", "decimal"})  # exact strings in JSON, decimal128 in Parquet


def plain(value: Decimal | int) -> str:
    """A number's exact digits without exponent: Decimal("2.40E+7") -> "24000000"."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def cell_text(value: object, language: str) -> str:
    """A value as the text a CSV cell or a run-info row shows."""
    if value is None:
        return ""
    if isinstance(value, bool):
        yes, no = BOOL_TEXT[language]
        return yes if value else no
    if isinstance(value, Decimal | int):
        return plain(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def json_ready(value: object, kind: str = "") -> object:
    """A value for json.dumps: Decimals (and any number of a decimal column) as exact strings."""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, int) and not isinstance(value, bool) and kind in DECIMAL_KINDS:
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: json_ready(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def flatten_manifest(value: object, prefix: str = "") -> list[tuple[str, object]]:
    """The manifest as (dotted key path, leaf value) pairs, keys sorted: a.b, a.list[0], ..."""
    if isinstance(value, Mapping):
        if not value and prefix:
            return [(prefix, None)]
        paths = [(key, f"{prefix}.{key}" if prefix else key) for key in sorted(value)]
        return [pair for key, path in paths for pair in flatten_manifest(value[key], path)]
    if isinstance(value, list | tuple):
        if not value:
            return [(prefix, None)]
        return [pair for i, item in enumerate(value) for pair in flatten_manifest(item, f"{prefix}[{i}]")]
    return [(prefix, value)]


def sibling(path: Path, key: str, suffix: str) -> Path:
    """The file beside `path` for one more table or the manifest: report.csv -> report.lines.csv."""
    return path.with_name(f"{path.stem}.{key}{suffix}")


def manifest_bytes(report: Report) -> bytes:
    """The manifest alone as JSON (keys sorted, decimals as strings), for CSV and Parquet reports."""
    text = json.dumps(json_ready(report.manifest), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def json_bytes(report: Report) -> bytes:
    """The whole report as deterministic JSON: tables as row objects, totals, the sorted manifest."""
    document: dict[str, object] = {"title": report.title}
    for table in report.tables:
        if table.key not in RUN_INFO_KEYS:
            document[table.key] = [
                {c.key: json_ready(row[c.key], c.kind) for c in table.columns} for row in table.rows
            ]
    document["totals"] = {t.key: _json_totals(t) for t in report.tables if t.totals}
    document["manifest"] = json_ready(report.manifest)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_totals(table: Table) -> dict[str, object]:
    """A table's totals for JSON, each typed like its column."""
    kinds = {c.key: c.kind for c in table.columns}
    return {key: json_ready(total, kinds[key]) for key, total in column_totals(table).items()}


def write_csv(report: Report, path: Path, stage: Staging, *, language: str, encoding: str) -> None:
    """The primary table to `path`, each other table beside it, the manifest as <stem>.manifest.json."""
    for index, table in enumerate(report.tables):
        target = path if index == 0 else sibling(path, table.key, ".csv")
        stage.file(target).write_bytes(csv_text(table, language).encode(encoding))
    stage.file(sibling(path, "manifest", ".json")).write_bytes(manifest_bytes(report))


def csv_text(table: Table, language: str) -> str:
    """One table as CSV text: header, rows, then the totals row labelled 合计 / Total."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header(language) for c in table.columns])
    for row in table.rows:
        writer.writerow([guard(cell_text(row[c.key], language)) for c in table.columns])
    if table.totals:
        totals = column_totals(table)
        label = [TOTAL_LABEL[language]]
        writer.writerow(label + [cell_text(totals.get(c.key), language) for c in table.columns[1:]])
    return buffer.getvalue()
