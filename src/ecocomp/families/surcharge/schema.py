"""The JSON Schema of the surcharge summary (`files.surcharge_json`), made from its declared columns.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01).

The summary JSON is not a plain report (its `summary` is one object, its lists are per enterprise,
district, month and rating), so its schema is built here from `JSON_TABLES`, the declared columns
of each part, with the contract's type rules (`ecocomp.reports.schema`: a decimal is a string of
at most its declared places, a month "YYYY-MM", a count an integer). The shipped file
`ecocomp/schemas/surcharge.schema.json` is what `surcharge_json_schema()` makes; write it anew with
`python -m ecocomp.families.surcharge.schema` (a test keeps the two equal). Its `$defs.bill_line`
describes a row of the bill-lines file (`columns.LINE_COLUMNS`), so that the contract's digest
covers those columns too.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecocomp.families.surcharge.columns import LINE_COLUMNS, RATING_LABELS
from ecocomp.families.surcharge.report import BY_DISTRICT, BY_MONTH, BY_RATING, MONEY, RATING_ZH
from ecocomp.reports.contract import CONTRACT_VERSION
from ecocomp.reports.manifest import rejected_table
from ecocomp.reports.model import Column
from ecocomp.reports.ranges import range_columns
from ecocomp.reports.schema import MANIFEST_SCHEMA, column_schema, schema_path, schema_text
from ecocomp.tariffs.evidence import EVIDENCE_COLUMNS

__all__ = ["JSON_TABLES", "SUMMARY", "main", "surcharge_json_schema"]

NAME = "surcharge"
_RATINGS = (*RATING_LABELS[:-1], ("red_repeat", RATING_ZH["red_repeat"]), RATING_LABELS[-1])

SUMMARY = (
    *(Column(c.key, c.zh, c.kind, nullable=False) for c in MONEY),
    Column("bills", "账单数", "int", nullable=False),
    Column("enterprises", "企业数", "int", nullable=False),
)
#: The lists of the summary JSON: (key, Chinese name, columns).
JSON_TABLES: tuple[tuple[str, str, tuple[Column, ...]], ...] = (
    (
        "by_enterprise",
        "按企业",
        (
            Column("enterprise", "企业名称", "text", nullable=False),
            Column("bills", "账单数", "int", nullable=False),
            *(Column(c.key, c.zh, c.kind, nullable=False) for c in MONEY),
            EVIDENCE_COLUMNS[0],
        ),
    ),
    ("by_district", "按地区", range_columns(BY_DISTRICT)),
    ("by_month", "按月份", BY_MONTH),
    (
        "by_rating",
        "按信用等级",
        tuple(
            Column(c.key, c.zh, c.kind, labels=_RATINGS, nullable=False) if c.key == "rating" else c
            for c in BY_RATING
            if c.key != "rating_name"
        ),
    ),
    ("rejected", "剔除记录", rejected_table(()).columns),
)


def surcharge_json_schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of the summary JSON of `ecocomp surcharge -o x.json`."""
    properties: dict[str, object] = {
        "schema_version": {"const": CONTRACT_VERSION, "description": "version of the export contract"},
        "summary": {"description": "合计 (summary)", **_row_schema(SUMMARY)},
    }
    properties |= {
        key: {"type": "array", "description": f"{zh} ({key})", "items": _row_schema(columns)}
        for key, zh, columns in JSON_TABLES
    }
    properties["manifest"] = MANIFEST_SCHEMA
    line = {
        "description": "账单明细 (bill_line): one row of the bill-lines .csv / .parquet file",
        **_row_schema(LINE_COLUMNS),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"ecocomp:{NAME}.schema.json",
        "title": "ecocomp surcharge summary (JSON)",
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
        "$defs": {"bill_line": line},
    }


def _row_schema(columns: Sequence[Column]) -> dict[str, object]:
    return {
        "type": "object",
        "required": [c.key for c in columns if not c.optional],
        "properties": {c.key: column_schema(c) for c in columns},
        "additionalProperties": False,
    }


def main() -> None:
    """Write the shipped schema anew."""
    path = schema_path(NAME)
    path.write_text(schema_text(surcharge_json_schema()), "utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
