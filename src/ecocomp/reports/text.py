"""The report as text: JSON for machines, CSV for people and imports, plus helpers the other formats share.

JSON: `{"schema_version", "title", <table key>: [rows], "totals": {table: {column: total}},
"manifest"}`, every Decimal as a string of its exact digits, dates ISO, months "YYYY-MM", the
manifest's keys sorted, identical bytes for identical input. CSV (the one dialect of every
ecocomp CSV): header (Chinese labels or the English keys), data rows only (never a totals row),
UTF-8 with BOM (or GB18030), CRLF, minimal quoting, decimals as plain digits without separators,
months "YYYY-MM"; the primary table at the path asked for, the others beside it as
`<stem>.<key>.csv`, the manifest as `<stem>.manifest.json`. Text a spreadsheet would run as a
formula gets a leading apostrophe (`ecocomp.reports.guard`, the rule of every ecocomp CSV).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

from ecocomp.reports.contract import BOOL_TEXT, CONTRACT_VERSION, DECIMAL_KINDS, month_text
from ecocomp.reports.datapackage import descriptor_bytes, package_name
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
    "finish_set",
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


def plain(value: Decimal | int) -> str:
    """A number's exact digits without exponent: Decimal("2.40E+7") -> "24000000"."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def cell_text(value: object, language: str, kind: str = "") -> str:
    """A value as the text a CSV cell or a run-info row shows (a month column's as "YYYY-MM")."""
    if value is None:
        return ""
    if kind == "month":
        return month_text(value)
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
    if kind == "month" and isinstance(value, date):
        return month_text(value)
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
    document: dict[str, object] = {"schema_version": CONTRACT_VERSION, "title": report.title}
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
    """The primary table to `path`, each other table beside it, the manifest as
    <stem>.manifest.json and the data package descriptor as <stem>.datapackage.json."""
    files: dict[str, tuple[Path, Path]] = {}
    for index, table in enumerate(report.tables):
        target = path if index == 0 else sibling(path, table.key, ".csv")
        with stage.writing(target) as temp:
            temp.write_bytes(csv_text(table, language).encode(encoding))
        files[table.key] = (target, temp)
    finish_set(report, path, stage, files, fmt="csv", language=language, encoding=encoding)


def finish_set(
    report: Report,
    path: Path,
    stage: Staging,
    files: dict[str, tuple[Path, Path]],
    *,
    fmt: str,
    language: str = "en",
    encoding: str = "utf-8-sig",
) -> None:
    """Stage the manifest (<stem>.manifest.json) and the data package descriptor
    (<stem>.datapackage.json, hashing the staged `files`: table key -> (final path, staged path))
    of a CSV or Parquet set whose primary file is `path`."""
    manifest = sibling(path, "manifest", ".json")
    with stage.writing(manifest) as staged:
        staged.write_bytes(manifest_bytes(report))
    content = descriptor_bytes(
        report,
        files,
        fmt=fmt,
        language=language,
        encoding=encoding,
        manifest=(manifest, staged),
        name=package_name(path),
    )
    with stage.writing(sibling(path, "datapackage", ".json")) as temp:
        temp.write_bytes(content)


def csv_text(table: Table, language: str) -> str:
    """One table as CSV text: the header, then data rows only (its totals are in the JSON and the
    workbook: a totals row would be summed again by every system that imports the file)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.header(language) for c in table.columns])
    for row in table.rows:
        writer.writerow([guard(cell_text(row[c.key], language, c.kind)) for c in table.columns])
    return buffer.getvalue()
