"""JSON Schemas of ecocomp's JSON reports, made from the reports' own column definitions.

The shipped files (`ecocomp/schemas/*.schema.json`) document every table, column and code other
systems import; `python -m ecocomp.settlement.schemas` writes them anew from the shipped examples
(one per registered family with a plain JSON report, and the settlement) and a test keeps the
shipped files equal to what it makes. Types are precise: a decimal is a string with at most its
column's declared places, a month "YYYY-MM", text a string, a column declared never empty is not
nullable; every document states the contract version it follows (`schema_version`).
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from ecocomp.reports.contract import CONTRACT_VERSION
from ecocomp.reports.model import Column, Report, Table

__all__ = [
    "KIND_SCHEMAS",
    "MANIFEST_SCHEMA",
    "column_schema",
    "decimal_pattern",
    "json_schema",
    "schema_path",
    "schema_text",
    "shipped_schema",
]

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
KIND_SCHEMAS: dict[str, dict[str, object]] = {
    "text": {"type": "string"},
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "money": {"type": "string", "description": "yuan, exact decimal string, at most 2 places"},
    "ratio": {"type": "string", "description": "fraction of 1, exact decimal string"},
    "decimal": {"type": "string", "description": "exact decimal string"},
    "date": {"type": "string", "format": "date"},
    "month": {"type": "string", "pattern": MONTH, "description": "month, YYYY-MM"},
}


SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_INPUT = {
    "type": "object",
    "required": ["name", "role", "sha256", "rows_read", "rows_accepted", "rows_rejected"],
    "properties": {
        "name": {"type": "string"},
        "role": {"type": "string"},
        "sha256": SHA256,
        "rows_read": {"type": "integer", "minimum": 0},
        "rows_accepted": {"type": "integer", "minimum": 0},
        "rows_rejected": {"type": "integer", "minimum": 0},
    },
}
_TARIFF = {
    "type": "object",
    "required": ["id", "family", "sha256", "status", "document"],
    "properties": {
        "id": {"type": "string"},
        "family": {"type": "string"},
        "sha256": SHA256,
        "status": {"enum": ["settled", "provisional"]},
        "document": {"type": "string"},
        "origin": {"enum": ["shipped", "user"]},
    },
}
_RUN = {
    "type": "object",
    "properties": {
        "ecocomp_version": {"type": "string"},
        "command": {"type": "string"},
        "inputs": {"type": "array", "items": _INPUT},
        "tariffs": {"type": "array", "items": _TARIFF},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "reconciliation": {"type": "object", "additionalProperties": {"type": "integer"}},
        "parameters": {"type": "object"},
        "files": {"type": "array", "items": {"type": "string"}, "description": "every file written"},
        "generated_at": {"type": "string", "format": "date-time"},
        "range": {"type": "object", "description": "readings, ranged values and totals per reading"},
    },
}
#: The run info: typed where every command has it alike; a settlement's holds each family's run.
MANIFEST_SCHEMA: dict[str, object] = {
    **_RUN,
    "required": ["ecocomp_version", "command"],
    "description": "run info: ecocomp version, inputs with SHA-256 and row counts, tariff tables used, "
    "warnings, reconciliation of rows, the files written (CSV and Parquet sets)",
    "properties": {
        **_RUN["properties"],  # type: ignore[dict-item]
        "config": {"type": "object", "properties": {"file": {"type": "string"}, "sha256": SHA256}},
        "families": {"type": "object", "additionalProperties": _RUN},
    },
}


def decimal_pattern(scale: int) -> str:
    """A decimal string with at most `scale` places: "-12.5", "3"."""
    return rf"^-?[0-9]+(\.[0-9]{{1,{scale}}})?$" if scale else r"^-?[0-9]+$"


def json_schema(name: str, report: Report, optional_prefixes: tuple[str, ...] = ()) -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of a JSON report shaped like `report`; tables whose key
    starts with one of `optional_prefixes` may be absent (a settlement's family tables are
    there only when the config names the family)."""
    tables = [t for t in report.tables if t.key != "run_info"]
    properties: dict[str, object] = {
        "schema_version": {"const": CONTRACT_VERSION, "description": "version of the export contract"},
        "title": {"type": "string"},
    }
    properties |= {t.key: _table_schema(t) for t in tables}
    properties["totals"] = {
        "type": "object",
        "properties": {t.key: _totals_schema(t) for t in tables if t.totals},
        "additionalProperties": False,
    }
    properties["manifest"] = MANIFEST_SCHEMA
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
            "properties": {c.key: column_schema(c) for c in table.columns},
            "additionalProperties": False,
        },
    }


def _totals_schema(table: Table) -> dict[str, object]:
    summed = [c for c in table.columns if c.total]
    return {
        "type": "object",
        "properties": {c.key: column_schema(c) for c in summed},
        "additionalProperties": False,
    }


def column_schema(column: Column) -> dict[str, object]:
    """One value typed as its column declares: type, places of a decimal, nullability, codes."""
    schema = dict(KIND_SCHEMAS[column.kind])
    schema["title"] = column.zh
    if column.kind in ("money", "ratio", "decimal"):
        schema["pattern"] = decimal_pattern(column.declared_scale)
        schema["description"] = f"{schema['description']} (scale {column.declared_scale})"
    if column.nullable:
        schema["type"] = [schema["type"], "null"]
    if column.labels:
        schema["enum"] = [*(code for code, _ in column.labels), *([None] if column.nullable else [])]
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
