"""JSON Schemas of ecocomp's JSON reports, made from the reports' own column definitions.

The shipped files (`ecocomp/schemas/*.schema.json`) document every table, column and code other
systems import; `python -m ecocomp.reports.schema` writes them anew from the shipped examples and a test
keeps the shipped files equal to what this module makes. Amounts and ratios are decimal strings.
"""

from __future__ import annotations

import json
import sys
from importlib.resources import files
from pathlib import Path

from ecocomp.reports.model import Column, Report, Table

__all__ = ["SCHEMA_NAMES", "json_schema", "schema_path", "shipped_schema"]

SCHEMA_NAMES = ("settlement", "fund", "water")
#: In a settlement, a family's tables are there only when the config names the family.
FAMILY_TABLE_PREFIXES = ("fund_", "water_", "surcharge_")
DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
KIND_SCHEMAS: dict[str, dict[str, object]] = {
    "text": {"type": ["string", "boolean", "null"]},
    "int": {"type": ["integer", "null"]},
    "money": {"type": ["string", "null"], "pattern": DECIMAL, "description": "yuan, exact decimal string"},
    "ratio": {"type": ["string", "null"], "pattern": DECIMAL, "description": "fraction of 1, decimal string"},
    "decimal": {"type": ["string", "null"], "pattern": DECIMAL, "description": "exact decimal string"},
    "date": {"type": ["string", "null"], "format": "date"},
}


def json_schema(name: str, report: Report) -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of a JSON report shaped like `report`."""
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
    optional = {t.key for t in tables if t.key.startswith(FAMILY_TABLE_PREFIXES)}
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
            "required": [c.key for c in table.columns],
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
    return schema


def schema_path(name: str) -> Path:
    return Path(str(files("ecocomp"))) / "schemas" / f"{name}.schema.json"


def shipped_schema(name: str) -> dict[str, object]:
    """A schema as shipped with the package."""
    loaded: dict[str, object] = json.loads(schema_path(name).read_text("utf-8"))
    return loaded


def example_reports() -> dict[str, Report]:
    """The reports of the shipped 2018 example, one per schema name."""
    from ecocomp.examples import example_config
    from ecocomp.settlement.report import family_reports, settlement_report
    from ecocomp.settlement.run import run_settlement

    settlement = run_settlement(example_config("suzhou-2018"))
    families = family_reports(settlement)
    return {"settlement": settlement_report(settlement)} | {k: families[k] for k in ("fund", "water")}


def schema_text(schema: dict[str, object]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    """Write the shipped schema files anew from the example reports."""
    for name, report in example_reports().items():
        schema_path(name).write_text(schema_text(json_schema(name, report)), "utf-8")
        sys.stderr.write(f"wrote {schema_path(name)}\n")


if __name__ == "__main__":
    main()
