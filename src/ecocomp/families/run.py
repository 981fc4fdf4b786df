"""One run of one family, from files to a checked result, and the report tail every family shares.

`run_family` does what every family would otherwise repeat: stop early when no table is in
force, read and check its ledgers, stop on an empty ledger or a period no row lies in (issue 14;
unless the family may be empty), stop on invalid rows (or go on with `skip_invalid`, listing
them), compute, name each rejected cell by the header the user wrote, and refuse to hand out a
result whose rows do not reconcile (a bug, never bad data). `family_report` ends every family's
report the same way: rejected rows, tariff tables used, and the run info.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerError, LedgerIssue, LedgerStructureError, UsageError
from ecocomp.families.base import Family, Period, Periodic, Progress, Result, Run
from ecocomp.ledgers.ledger import Ledger, read_ledger
from ecocomp.reports.manifest import input_file, manifest, rejected_table, stop_if_invalid, tariffs_table
from ecocomp.reports.model import Column, Report, Table
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.evidence import Basis, evidence_notes

__all__ = [
    "EmptyLedgerError",
    "NoRowInPeriodError",
    "family_report",
    "read_ledgers",
    "run_family",
    "summary_table",
]

_SHOWN_RUNS = 10  # runs of consecutive years or months named in a message; the rest are counted


class EmptyLedgerError(LedgerStructureError):
    """A ledger with a header and no data rows, in a run not told the family may be empty."""

    def __init__(self, source: str, family: str) -> None:
        self.family = family
        super().__init__(
            source,
            "the ledger has no data rows (only the header); if the family is empty on purpose, "
            f"say allow_empty = true in its settle.toml section [{family}]",
        )


class NoRowInPeriodError(LedgerError):
    """No row of a ledger lies in the period the run asks for; `held` names what it holds."""

    def __init__(self, source: str, period: Period, held: str) -> None:
        self.source = source
        self.period = period
        self.held = held
        if period.column == "year":
            told = f"the years {held}; no row is for {_span(period)}. Check --year (settle.toml: year)"
        else:
            told = f"the months {held}; none is in {_span(period)}. Check --from/--to (settle.toml: from, to)"
        super().__init__(f"{source} holds {told}, or the ledger")


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
    `LedgerValidationError` with every rejected row. An empty ledger, or no row in the period
    asked for, stops the run unless `allow_empty` (settle.toml: the family is empty on purpose)."""
    family.preflight(params, book)
    ledgers = read_ledgers(family, paths, book, allow_empty=allow_empty)
    read_issues = tuple(i for led in ledgers.values() for i in led.issues)
    stop_if_invalid(read_issues, skip_invalid)
    if not allow_empty and isinstance(family, Periodic):
        check_period(family.period(params), ledgers)
    result = _as_written(family.compute(ledgers, params, book, progress), ledgers)
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


def read_ledgers(
    family: Family, paths: Mapping[str, Path | None], book: TariffBook, *, allow_empty: bool = False
) -> dict[str, Ledger]:
    """The family's ledgers that were given, read and checked, by role key (in reading order).
    A given ledger without data rows is an `EmptyLedgerError` unless `allow_empty`."""
    ledgers: dict[str, Ledger] = {}
    for role in family.ledgers:
        path = paths.get(role.key)
        if path is None:
            if role.required:
                raise UsageError(f"{family.key}: the {role.kind} ledger ({role.key}) is required")
            continue
        ledger = read_ledger(role.kind, path, places=book.places)
        if ledger.rows_read == 0 and not allow_empty:
            raise EmptyLedgerError(ledger.source, family.key)
        ledgers[role.key] = ledger
    return ledgers


def check_period(period: Period | None, ledgers: Mapping[str, Ledger]) -> None:
    """`NoRowInPeriodError` when the period's ledger has accepted rows and none lies in the period
    (a ledger whose every row was rejected is reported by its rejected rows instead)."""
    ledger = None if period is None else ledgers.get(period.ledger)
    if period is None or ledger is None or period.column not in ledger.frame:
        return
    held = sorted(pc.unique(pc.drop_null(pa.array(ledger.frame[period.column]))).to_pylist())
    if held and not any(period.first <= v <= period.last for v in held):
        raise NoRowInPeriodError(ledger.source, period, _runs_text(held))


def _span(period: Period) -> str:
    first, last = _label(period.first), _label(period.last)
    return first if first == last else f"{first} to {last}"


def _label(value: int | date) -> str:
    return f"{value:%Y-%m}" if isinstance(value, date) else str(value)


def _ordinal(value: int | date) -> int:
    """Consecutive years, or consecutive months, differ by 1."""
    return value.year * 12 + value.month if isinstance(value, date) else value


def _runs_text(values: Sequence[int | date]) -> str:
    """Sorted distinct years or months as runs: "2015 to 2017, 2019", "2018-01 to 2018-12"."""
    runs: list[list[int | date]] = []
    for value in values:
        if runs and _ordinal(value) - _ordinal(runs[-1][-1]) == 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    shown = [_label(r[0]) if len(r) == 1 else f"{_label(r[0])} to {_label(r[-1])}" for r in runs]
    more = f" and {len(shown) - _SHOWN_RUNS} more" if len(shown) > _SHOWN_RUNS else ""
    return ", ".join(shown[:_SHOWN_RUNS]) + more


def _as_written(result: Result, ledgers: Mapping[str, Ledger]) -> Result:
    """The result with each rule issue's column named by the header its ledger gives it: the
    rules name internal columns (`enterprise`), the clerk sees `企业名称` (issue 14)."""
    by_source: dict[str, Ledger] = {}
    for ledger in ledgers.values():
        by_source.setdefault(ledger.source, ledger)
    renamed = tuple(_renamed(i, by_source.get(i.source)) for i in result.rejected)
    if renamed == result.rejected or not dataclasses.is_dataclass(result):
        return result
    if "rejected" not in {f.name for f in dataclasses.fields(result)}:
        return result
    return dataclasses.replace(result, rejected=renamed)


def _renamed(issue: LedgerIssue, ledger: Ledger | None) -> LedgerIssue:
    if ledger is None or not issue.column:
        return issue
    header = ledger.header_of(issue.column)
    return issue if header == issue.column else dataclasses.replace(issue, column=header)


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
