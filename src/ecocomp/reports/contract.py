"""The export contract: what another system may rely on in every file ecocomp writes.

Every exported table is a `Table` of declared `Column`s (`ecocomp.reports.model`): stable English
snake_case names, Chinese labels, a logical kind, a fixed scale for decimals (money 2, ratio 10,
each decimal column its own), nullability. Every writer derives from that declaration: JSON (and
its JSON Schemas), CSV, Parquet, the workbook and the data package descriptor. A month is
"YYYY-MM" in every format; totals are never data rows (JSON `totals`, the workbook's SUM row).

`CONTRACT_VERSION` is recorded in every file's metadata (JSON `schema_version`, Parquet
key-value metadata, `datapackage.json`). It changes whenever the generated schemas change:
`src/ecocomp/schemas/contract.json` records the hash of the schemas of each version, and a test
fails when the schemas change while the version stays (README, "Export contract", changelog).
"""

from __future__ import annotations

from datetime import date

__all__ = ["BOOL_TEXT", "CONTRACT_VERSION", "DECIMAL_KINDS", "month_text"]

CONTRACT_VERSION = "2.2"
#: How a bool is written in CSV (and the workbook): 是/否 in Chinese, yes/no in English.
BOOL_TEXT = {"zh": ("是", "否"), "en": ("yes", "no")}
#: The kinds written as exact decimals: strings in JSON, decimal128 in Parquet, numbers in a package.
DECIMAL_KINDS = frozenset({"money", "ratio", "decimal"})


def month_text(value: object) -> str:
    """A month as the contract writes it: "2018-01" (a day stands for its month)."""
    if isinstance(value, date):
        return f"{value:%Y-%m}"
    return str(value)
