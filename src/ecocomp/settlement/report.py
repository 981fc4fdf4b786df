"""The settlement report: 汇总 per district across the families, each family's own tables, the
tariff tables used, every rejected row, and the run info.

The summary's family columns are the family results' own figures, so each column's total is
the family command's total; blank where a family does not concern a place (e.g. a district
inside 苏州市区 is not a payer of its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from ecocomp._version import __version__
from ecocomp.families.registry import FAMILIES
from ecocomp.reports.manifest import rejected_table, tariffs_table
from ecocomp.reports.model import Column, Report, Table
from ecocomp.settlement.run import Settlement
from ecocomp.tariffs.files import Tariff

__all__ = ["family_reports", "settlement_report", "summary_columns"]

PLACE_COLUMNS = (Column("district", "地区", "text"), Column("district_code", "地区代码", "text"))
SHARED_TABLES = ("rejected", "tables_used")


def summary_columns() -> tuple[Column, ...]:
    """汇总's columns: the place, then every registered family's summary columns."""
    return PLACE_COLUMNS + tuple(c for family in FAMILIES.values() for c in family.summary_columns)


def settlement_report(settlement: Settlement, generated_at: datetime | None = None) -> Report:
    """One report over the families; `generated_at` goes into the run info (XLSX only: keep
    it None for byte-identical CSV, JSON and Parquet)."""
    reports = family_reports(settlement)
    chart = tuple(key for family in FAMILIES.values() for key in family.chart_columns)
    summary = Table("summary", "汇总", summary_columns(), _summary_rows(settlement), totals=True, chart=chart)
    tables = [summary]
    for family, report in reports.items():
        tables += [_prefixed(family, t) for t in report.tables if t.key not in SHARED_TABLES]
    tariffs = _unique_tariffs(settlement)
    tables += [_rejected(reports), tariffs_table(tariffs)]
    return Report(settlement.title, tuple(tables), _manifest(settlement, reports, generated_at))


def family_reports(settlement: Settlement) -> dict[str, Report]:
    """Each family's own report, as its command would write it (by family key)."""
    return {key: FAMILIES[key].report(run) for key, run in settlement.runs.items()}


def _summary_rows(settlement: Settlement) -> list[dict[str, object]]:
    """One row per place any family concerns, in place-code order."""
    figures = [c.key for c in summary_columns()[len(PLACE_COLUMNS) :]]
    rows: dict[str, dict[str, object]] = {}
    for key, run in settlement.runs.items():
        for place in FAMILIES[key].by_place(run):
            blank = {"district": place.name, "district_code": place.code} | dict.fromkeys(figures)
            rows.setdefault(place.code, blank).update(place.figures)
    return [rows[code] for code in sorted(rows)]


def _prefixed(family: str, table: Table) -> Table:
    return replace(table, key=f"{family}_{table.key}", zh=f"{FAMILIES[family].prefix_zh}{table.zh}")


def _rejected(reports: Mapping[str, Report]) -> Table:
    """Every family's rejected rows in one table, with the family they belong to."""
    base = rejected_table(())
    rows = [
        dict(r) | {"family": FAMILIES[family].prefix_zh}
        for family, report in reports.items()
        for t in report.tables
        if t.key == "rejected"
        for r in t.rows
    ]
    columns = (Column("family", "类别", "text"), *base.columns)
    return replace(base, columns=columns, rows=rows)


def _unique_tariffs(settlement: Settlement) -> list[Tariff]:
    found: dict[str, Tariff] = {}
    for run in settlement.runs.values():
        found |= {t.id: t for t in run.result.tariffs}
    return [found[k] for k in sorted(found)]


def _manifest(
    settlement: Settlement, reports: Mapping[str, Report], generated_at: datetime | None
) -> dict[str, object]:
    info: dict[str, object] = {
        "ecocomp_version": __version__,
        "command": "settle",
        "config": {"file": settlement.config_name, "sha256": settlement.config_sha256}
        | settlement.config.dump(),
        "families": {family: dict(report.manifest) for family, report in reports.items()},
        "warnings": [w for report in reports.values() for w in _strings(report.manifest.get("warnings"))],
    }
    if generated_at is not None:
        info["generated_at"] = generated_at.isoformat(timespec="seconds")
    return info


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
