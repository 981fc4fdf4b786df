"""JSON Schemas of ecocomp's JSON reports, made from the reports' own column definitions.

The shipped files (`ecocomp/schemas/*.schema.json`) document every table, column and code other
systems import; `python -m ecocomp.settlement.schemas` writes them anew from the shipped examples
(one per registered family with a plain JSON report, and the settlement) and a test keeps the
shipped files equal to what it makes. Amounts and ratios are decimal strings.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from ecocomp.reports.model import Column, Report, Table

__all__ = ["json_schema", "schema_path", "schema_text", "shipped_schema"]

DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
KIND_SCHEMAS: dict[str, dict[str, object]] = {
    "text": {"type": ["string", "boolean", "null"]},
    "int": {"type": ["integer", "null"]},
    "money": {"type": ["string", "null"], "pattern": DECIMAL, "description": "yuan, exact decimal string"},
    "ratio": {"type": ["string", "null"], "pattern": DECIMAL, "description": "fraction of 1, decimal string"},
    "decimal": {"type": ["string", "null"], "pattern": DECIMAL, "description": "exact decimal string"},
    "date": {"type": ["string", "null"], "format": "date"},
}


def json_schema(name: str, report: Report, optional_prefixes: tuple[str, ...] = ()) -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of a JSON report shaped like `report`; tables whose key
    starts with one of `optional_prefixes` may be absent (a settlement's family tables are
    there only when the config names the family)."""
    tables = [t for t in report.tables if t.key != "run_info"]
    properties: dict[str, object] = {"title": {"type": "string"}}
    properties |= {t.key: _table_schema(t) for t in tables}
    properties["totals"] = {
        "type": "object",
        "properties": {t.key: _totals_schema(t) for t in tables if t.totals},
        "additionalProperties": False,
    }
    properties["manifest"] = {
        "type": "object",
        "required": ["ecocomp_version", "command"],
        "description": "run info: ecocomp version, inputs with SHA-256 and row counts, tariff tables used, "
        "warnings, reconciliation of rows",
    }
    optional = {t.key for t in tables if optional_prefixes and t.key.startswith(optional_prefixes)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"ecocomp:{name}.schema.json",
        "title": f"ecocomp {name} report (JSON)",
        "type": "object",
        "required": [key for key in properties if key not in optional],
        "properties": properties,
        "additionalProperties": False,
    }


def _table_schema(table: Table) -> dict[str, object]:
    return {
        "type": "array",
        "description": f"{table.zh} ({table.key})",
        "items": {
            "type": "object",
            "required": [c.key for c in table.columns if not c.optional],
            "properties": {c.key: _column_schema(c) for c in table.columns},
            "additionalProperties": False,
        },
    }


def _totals_schema(table: Table) -> dict[str, object]:
    summed = [c for c in table.columns if c.total]
    return {
        "type": "object",
        "properties": {c.key: _column_schema(c) for c in summed},
        "additionalProperties": False,
    }


def _column_schema(column: Column) -> dict[str, object]:
    schema = dict(KIND_SCHEMAS[column.kind])
    schema["title"] = column.zh
    if column.labels:
        schema["enum"] = [*(code for code, _ in column.labels), None]
        schema["description"] = "; ".join(f"{code} = {label}" for code, label in column.labels)
    return schema


def schema_path(name: str) -> Path:
    return Path(str(files("ecocomp"))) / "schemas" / f"{name}.schema.json"


def shipped_schema(name: str) -> dict[str, object]:
    """A schema as shipped with the package."""
    loaded: dict[str, object] = json.loads(schema_path(name).read_text("utf-8"))
    return loaded


def schema_text(schema: dict[str, object]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
