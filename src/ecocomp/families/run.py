"""One run of one family, from files to a checked result, and the report tail every family shares.

`run_family` does what every family would otherwise repeat: stop early when no table is in
force, read and check its ledgers, stop on invalid rows (or go on with `skip_invalid`, listing
them), compute, and refuse to hand out a result whose rows do not reconcile (a bug, never bad
data). `family_report` ends every family's report the same way: rejected rows, tariff tables
used, and the run info.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ecocomp.errors import UsageError
from ecocomp.families.base import Family, Progress, Result, Run
from ecocomp.ledgers.ledger import Ledger, read_ledger
from ecocomp.reports.manifest import input_file, manifest, rejected_table, stop_if_invalid, tariffs_table
from ecocomp.reports.model import Column, Report, Table
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.evidence import Basis, evidence_notes

__all__ = ["family_report", "read_ledgers", "run_family", "summary_table"]


def run_family(
    family: Family,
    paths: Mapping[str, Path | None],
    params: object,
    *,
    book: TariffBook,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    allow_empty: bool = False,
) -> Run[Result]:
    """Read, check, compute and reconcile. Strict by default: any problem raises
    `LedgerValidationError` with every rejected row."""
    family.preflight(params, book)
    ledgers = read_ledgers(family, paths, book)
    read_issues = tuple(i for led in ledgers.values() for i in led.issues)
    stop_if_invalid(read_issues, skip_invalid)
    result = family.compute(ledgers, params, book, progress)
    stop_if_invalid(result.rejected, skip_invalid)
    inputs = tuple(
        input_file(ledgers[r.key].kind, ledgers[r.key]) for r in family.ledgers if r.key in ledgers
    )
    reconciliation = family.reconcile(result, {i.role: i for i in inputs})
    if not reconciliation.holds():  # a bug, not bad data: never hand out such a result
        raise AssertionError(f"{family.key}: rows do not reconcile: {reconciliation.counts}")
    parameters = family.parameters(params) | {"skip_invalid": skip_invalid}
    rejected = read_issues + result.rejected
    warnings = tuple(w for led in ledgers.values() for w in led.warnings)
    return Run(family.key, result, inputs, rejected, parameters, reconciliation.counts, warnings)


def read_ledgers(family: Family, paths: Mapping[str, Path | None], book: TariffBook) -> dict[str, Ledger]:
    """The family's ledgers that were given, read and checked, by role key (in reading order)."""
    ledgers: dict[str, Ledger] = {}
    for role in family.ledgers:
        path = paths.get(role.key)
        if path is None:
            if role.required:
                raise UsageError(f"{family.key}: the {role.kind} ledger ({role.key}) is required")
            continue
        ledgers[role.key] = read_ledger(role.kind, path, places=book.places)
    return ledgers


def family_report(
    run: Run[Result],
    title: str,
    tables: Sequence[Table],
    *,
    rejected: Table | None = None,
    extra: Mapping[str, object] | None = None,
) -> Report:
    """A family's report: its own tables, then 剔除记录, 费率表 and the run info."""
    result = run.result
    info = manifest(
        command=run.family,
        parameters=run.parameters,
        inputs=run.inputs,
        tariffs=result.tariffs,
        warnings=run.warnings,
        reconciliation=run.reconciliation,
    )
    info |= dict(extra or {})
    tail = (rejected or rejected_table(run.rejected), tariffs_table(result.tariffs))
    return Report(title, (*tables, *tail), info)


def summary_table(
    columns: tuple[Column, ...],
    rows: Sequence[Mapping[str, object]],
    basis: Basis,
    row_key: str,
    *,
    key: str = "summary",
    zh: str = "汇总",
) -> Table:
    """A family's first summary: totalled, its rows matched across readings by `row_key` (for
    `--range`), and under it the notes naming the uncertain values its figures rest on (`basis`)."""
    return Table(key, zh, columns, rows, totals=True, notes=evidence_notes(basis), row_key=row_key)
