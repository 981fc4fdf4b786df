"""The settlement report: 汇总 per district across the families, each family's own tables, the
tariff tables used, every rejected row, and the run info.

The summary's family columns are the family results' own figures, so each column's total is
the family command's total; blank where a family does not concern a place (e.g. a district
inside 苏州市区 pays no fund of its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from ecocomp._version import __version__
from ecocomp.families.fund.report import fund_report
from ecocomp.families.surcharge.report import surcharge_report
from ecocomp.families.water.report import water_report
from ecocomp.reports.manifest import rejected_table, tariffs_table
from ecocomp.reports.model import Column, Report, Table
from ecocomp.settlement.run import Settlement
from ecocomp.tariffs.files import Tariff

__all__ = ["SUMMARY", "family_reports", "settlement_report"]

SUMMARY = (
    Column("district", "地区", "text"),
    Column("district_code", "地区代码", "text"),
    Column("fund", "统筹资金(元)", "money", total=True),
    Column("fund_return", "返还/奖励(元)", "money", total=True),
    Column("fund_net", "净上缴(元)", "money", total=True),
    Column("water_paid", "水补偿支付(元)", "money", total=True),
    Column("water_received", "水补偿收到(元)", "money", total=True),
    Column("water_net", "水补偿净额(元)", "money", total=True),
    Column("electricity_surcharge", "差别电价加价(元)", "money", total=True),
    Column("water_surcharge", "差别水价加价(元)", "money", total=True),
    Column("surcharge_total", "加价合计(元)", "money", total=True),
)
FAMILY_PREFIX = {"fund": "统筹资金", "water": "水补偿", "surcharge": "加价"}
SHARED_TABLES = ("rejected", "tables_used")


def settlement_report(settlement: Settlement, generated_at: datetime | None = None) -> Report:
    """One report over the families; `generated_at` goes into the run info (XLSX only: keep
    it None for byte-identical CSV, JSON and Parquet)."""
    reports = family_reports(settlement)
    rows = _summary_rows(settlement)
    summary = Table("summary", "汇总", SUMMARY, rows, totals=True, chart=("fund_net", "water_net"))
    tables = [summary]
    for family, report in reports.items():
        tables += [_prefixed(family, t) for t in report.tables if t.key not in SHARED_TABLES]
    tariffs = _unique_tariffs(settlement)
    tables += [_rejected(reports), tariffs_table(tariffs)]
    return Report(settlement.title, tuple(tables), _manifest(settlement, reports, generated_at))


def family_reports(settlement: Settlement) -> dict[str, Report]:
    """Each family's own report, as its command would write it (by family key)."""
    reports: dict[str, Report] = {}
    if settlement.fund is not None:
        reports["fund"] = fund_report(settlement.fund)
    if settlement.water is not None:
        reports["water"] = water_report(settlement.water)
    if settlement.surcharge is not None:
        reports["surcharge"] = surcharge_report(settlement.surcharge)
    return reports


def _summary_rows(settlement: Settlement) -> list[dict[str, object]]:
    """One row per place any family concerns, in place-code order."""
    rows: dict[str, dict[str, object]] = {}

    def row(code: str, name: str) -> dict[str, object]:
        return rows.setdefault(code, {"district": name, "district_code": code} | dict.fromkeys(_figures()))

    if settlement.fund is not None:
        for p in settlement.fund.result.payers:
            row(p.payer_code, p.payer).update(fund=p.fund, fund_return=p.return_amount, fund_net=p.net)
    if settlement.water is not None:
        for d in settlement.water.result.districts:
            water = {"water_paid": d.paid, "water_received": d.received, "water_net": d.net}
            row(d.district_code, d.district).update(water)
    if settlement.surcharge is not None:
        for g in settlement.surcharge.result.by_district:
            charged = {"electricity_surcharge": g.electricity_surcharge, "water_surcharge": g.water_surcharge}
            row(g.key, g.name).update(charged | {"surcharge_total": g.total})
    return [rows[code] for code in sorted(rows)]


def _figures() -> Iterable[str]:
    return (c.key for c in SUMMARY[2:])


def _prefixed(family: str, table: Table) -> Table:
    return replace(table, key=f"{family}_{table.key}", zh=f"{FAMILY_PREFIX[family]}{table.zh}")


def _rejected(reports: Mapping[str, Report]) -> Table:
    """Every family's rejected rows in one table, with the family they belong to."""
    base = rejected_table(())
    rows = [
        dict(r) | {"family": FAMILY_PREFIX[family]}
        for family, report in reports.items()
        for t in report.tables
        if t.key == "rejected"
        for r in t.rows
    ]
    columns = (Column("family", "类别", "text"), *base.columns)
    return replace(base, columns=columns, rows=rows)


def _unique_tariffs(settlement: Settlement) -> list[Tariff]:
    found: dict[str, Tariff] = {}
    for run in (settlement.fund, settlement.water, settlement.surcharge):
        if run is not None:
            found |= {t.id: t for t in run.result.tariffs}
    return [found[k] for k in sorted(found)]


def _manifest(
    settlement: Settlement, reports: Mapping[str, Report], generated_at: datetime | None
) -> dict[str, object]:
    info: dict[str, object] = {
        "ecocomp_version": __version__,
        "command": "settle",
        "config": {"file": settlement.config_name, "sha256": settlement.config_sha256}
        | settlement.config.model_dump(mode="json", by_alias=True),
        "families": {family: dict(report.manifest) for family, report in reports.items()},
        "warnings": [w for report in reports.values() for w in _strings(report.manifest.get("warnings"))],
    }
    if generated_at is not None:
        info["generated_at"] = generated_at.isoformat(timespec="seconds")
    return info


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
