"""The JSON Schemas ecocomp ships: one for the settlement and one per registered family whose
JSON report is a plain report (`Family.json_schema`), made from the reports of the shipped
example. `python -m ecocomp.settlement.schemas` writes them anew; a test keeps the shipped files
equal to what this module makes.

The schemas are the export contract (`ecocomp.reports.contract`): `schemas/contract.json` records
the SHA-256 of the schemas of each contract version. Writing schemas whose digest differs from
the one recorded for `CONTRACT_VERSION` is refused: change the version (and the README's
changelog) and the new digest is recorded beside the old ones.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys

from ecocomp.examples import example_config
from ecocomp.families.registry import FAMILIES
from ecocomp.reports.contract import CONTRACT_VERSION
from ecocomp.reports.model import Report
from ecocomp.reports.ranges import with_range
from ecocomp.reports.schema import json_schema, schema_path, schema_text
from ecocomp.settlement.report import family_reports, settlement_report
from ecocomp.settlement.run import Settlement, run_settlement

__all__ = [
    "EXAMPLE",
    "contract_schemas",
    "example_reports",
    "own_schemas",
    "recorded_digests",
    "report_schemas",
    "schema_names",
    "schemas_digest",
]

EXAMPLE = "suzhou-2018"


def schema_names() -> tuple[str, ...]:
    """The schema files: the settlement's, then each family's with a plain JSON report."""
    return ("settlement", *(key for key, family in FAMILIES.items() if family.json_schema))


def own_schemas() -> dict[str, dict[str, object]]:
    """The schemas of the families whose JSON is their own (`Family.own_json_schema`), by family key."""
    found: dict[str, dict[str, object]] = {}
    for key, family in FAMILIES.items():
        if family.own_json_schema:
            module, function = family.own_json_schema.split(":")
            found[key] = getattr(importlib.import_module(module), function)()
    return found


def contract_schemas() -> dict[str, dict[str, object]]:
    """Every shipped JSON Schema by name: what the contract version's digest covers."""
    return report_schemas(example_reports()) | own_schemas()


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


def schemas_digest(schemas: dict[str, dict[str, object]]) -> str:
    """The SHA-256 of the schemas' texts, by name: what a contract version promises."""
    digest = hashlib.sha256()
    for name in sorted(schemas):
        digest.update(f"{name}\n".encode())
        digest.update(schema_text(schemas[name]).encode("utf-8"))
    return digest.hexdigest()


def recorded_digests() -> dict[str, str]:
    """Contract version -> the digest of its schemas, as shipped (`schemas/contract.json`)."""
    path = schema_path("contract").with_name("contract.json")
    loaded: dict[str, str] = json.loads(path.read_text("utf-8"))["versions"]
    return loaded


def main() -> None:
    """Write the shipped schema files anew from the example reports, and record their digest for
    the contract version; refuse when the digest of an already recorded version would change."""
    schemas = contract_schemas()
    digest, versions = schemas_digest(schemas), recorded_digests()
    if versions.get(CONTRACT_VERSION, digest) != digest:
        sys.stderr.write(
            f"the schemas changed, but CONTRACT_VERSION is still {CONTRACT_VERSION}: raise it in "
            "ecocomp/reports/contract.py and add the change to the README's changelog\n"
        )
        raise SystemExit(1)
    for name, schema in schemas.items():
        schema_path(name).write_text(schema_text(schema), "utf-8")
        sys.stderr.write(f"wrote {schema_path(name)}\n")
    versions[CONTRACT_VERSION] = digest
    contract = schema_path("contract").with_name("contract.json")
    contract.write_text(json.dumps({"versions": versions}, indent=2, sort_keys=True) + "\n", "utf-8")


if __name__ == "__main__":
    main()
