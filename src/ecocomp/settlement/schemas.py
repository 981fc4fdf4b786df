"""The JSON Schemas ecocomp ships: one for the settlement and one per registered family whose
JSON report is a plain report (`Family.json_schema`), made from the reports of the shipped
example. `python -m ecocomp.settlement.schemas` writes them anew; a test keeps the shipped files
equal to what this module makes.
"""

from __future__ import annotations

import sys

from ecocomp.examples import example_config
from ecocomp.families.registry import FAMILIES
from ecocomp.reports.model import Report
from ecocomp.reports.ranges import with_range
from ecocomp.reports.schema import json_schema, schema_path, schema_text
from ecocomp.settlement.report import family_reports, settlement_report
from ecocomp.settlement.run import Settlement, run_settlement

__all__ = ["EXAMPLE", "example_reports", "report_schemas", "schema_names"]

EXAMPLE = "suzhou-2018"


def schema_names() -> tuple[str, ...]:
    """The schema files: the settlement's, then each family's with a plain JSON report."""
    return ("settlement", *(key for key, family in FAMILIES.items() if family.json_schema))


def example_reports(settlement: Settlement | None = None) -> dict[str, Report]:
    """The reports of the shipped example (or of `settlement`), one per schema name, with the
    range computed: the schemas describe the "<key>_low" and "<key>_high" columns a run with
    `--range` adds (optional: absent without the range)."""
    settlement = settlement or run_settlement(example_config(EXAMPLE), with_range=True)
    families = family_reports(settlement)
    reports = {"settlement": settlement_report(settlement)}
    for key in schema_names()[1:]:
        if key in families and settlement.readings:
            at = {reading: FAMILIES[key].report(runs[key]) for reading, runs in settlement.readings.items()}
            reports[key] = with_range(families[key], at)
        elif key in families:
            reports[key] = families[key]
    return reports


def report_schemas(reports: dict[str, Report]) -> dict[str, dict[str, object]]:
    """The JSON Schema of each report; in the settlement, every family's tables are optional."""
    prefixes = tuple(f"{key}_" for key in FAMILIES)
    return {
        name: json_schema(name, report, prefixes if name == "settlement" else ())
        for name, report in reports.items()
    }


def main() -> None:
    """Write the shipped schema files anew from the example reports."""
    for name, schema in report_schemas(example_reports()).items():
        schema_path(name).write_text(schema_text(schema), "utf-8")
        sys.stderr.write(f"wrote {schema_path(name)}\n")


if __name__ == "__main__":
    main()
