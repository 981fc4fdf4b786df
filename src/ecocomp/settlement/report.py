"""The settlement report: 汇总 per district across the families, each family's own tables, the
tariff tables used, every rejected row, and the run info.

The summary's family columns are the family results' own figures, so each column's total is
the family command's total; blank where a family does not concern a place (e.g. a district
inside 苏州市区 is not a payer of its own). When any tariff table in use is provisional, 汇总
carries a banner naming each one (`provisional_banner`), and its chart's title says 含暂定数.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from ecocomp._version import __version__
from ecocomp.families.base import Result, Run
from ecocomp.families.registry import FAMILIES
from ecocomp.reports.manifest import rejected_table, tariffs_table
from ecocomp.reports.model import Column, Report, Table, never_empty
from ecocomp.reports.ranges import RANGE_SUFFIXES, range_columns, ranged_rows, reading_totals, totals_notes
from ecocomp.settlement.run import Settlement
from ecocomp.tariffs.evidence import EVIDENCE_LABELS, Basis, evidence_notes
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.readings import ranged_values

__all__ = [
    "RANGE_SUFFIXES",
    "family_reports",
    "mark_column",
    "provisional_banner",
    "settlement_report",
    "summary_columns",
]

PLACE_COLUMNS = never_empty((Column("district", "地区", "text"), Column("district_code", "地区代码", "text")))
SHARED_TABLES = ("rejected", "tables_used")
BANNER_LEAD = "注意：以下数字使用了暂定费率表，不是最终结算依据："
CHART_NOTE = "含暂定数"


def summary_columns(with_range: bool = False) -> tuple[Column, ...]:
    """汇总's columns: the place, then every registered family's summary columns and its mark
    "<family>_evidence" (the weakest evidence its figures for the place rest on); `with_range`:
    each money column followed by "<key>_low" and "<key>_high" ("…·低", "…·高")."""
    columns: list[Column] = list(PLACE_COLUMNS)
    for family in FAMILIES.values():
        columns += range_columns(family.summary_columns) if with_range else family.summary_columns
        columns.append(mark_column(family.key, family.prefix_zh))
    return tuple(columns)


def mark_column(family: str, prefix_zh: str) -> Column:
    """The column marking how sure a family's figures for a place are (已核实 … 暂定)."""
    return Column(f"{family}_evidence", f"{prefix_zh}依据等级", "text", labels=EVIDENCE_LABELS)


def settlement_report(settlement: Settlement, generated_at: datetime | None = None) -> Report:
    """One report over the families; `generated_at` goes into the run info (XLSX only: keep
    it None for byte-identical CSV, JSON and Parquet)."""
    reports = family_reports(settlement)
    chart = tuple(key for family in FAMILIES.values() for key in family.chart_columns)
    columns = summary_columns(settlement.with_range)
    tariffs = _unique_tariffs(settlement)
    banner = provisional_banner(tariffs)
    readings = _reading_tables(settlement)
    summary = Table(
        "summary",
        "汇总",
        columns,
        _summary_rows(readings),
        totals=True,
        chart=chart,
        banner=banner,
        chart_note=CHART_NOTE if banner else None,
        notes=evidence_notes(_basis(settlement)) + (totals_notes(readings) if settlement.with_range else ()),
        row_key="district_code",
    )
    tables = [summary]
    for family, report in reports.items():
        tables += [_prefixed(family, t) for t in report.tables if t.key not in SHARED_TABLES]
    tables += [_rejected(reports), tariffs_table(tariffs)]
    info = _manifest(settlement, reports, generated_at)
    if settlement.with_range:
        info["range"] = _range_info(settlement, readings)
    return Report(settlement.title, tuple(tables), info)


def provisional_banner(tariffs: Sequence[Tariff]) -> str | None:
    """The notice 汇总 opens with when any of `tariffs` is provisional, naming each such table
    with its document, sorted by id; None when every table is settled."""
    provisional = sorted((t for t in tariffs if t.header.status == "provisional"), key=lambda t: t.id)
    if not provisional:
        return None
    named = (f"{t.id}（{t.header.document}）" if t.header.document else t.id for t in provisional)
    return BANNER_LEAD + "、".join(named) + "。"


def family_reports(settlement: Settlement) -> dict[str, Report]:
    """Each family's own report, as its command would write it (by family key)."""
    return {key: FAMILIES[key].report(run) for key, run in settlement.runs.items()}


def _summary_rows(readings: Mapping[str, Table]) -> list[dict[str, object]]:
    """One row per place any family concerns, in place-code order. With the range computed,
    each money figure's low and high are the least and the greatest of its central, all-low and
    all-high figures (`ecocomp.reports.ranges`)."""
    central = list(readings["central"].rows)
    if len(readings) == 1:
        return [dict(row) for row in central]
    return ranged_rows(central, [t.rows for t in readings.values()], summary_columns(), "district_code")


def _reading_tables(settlement: Settlement) -> dict[str, Table]:
    """汇总 without the range at each reading (central first; only it without the range)."""
    runs = {"central": settlement.runs, **settlement.readings}
    return {
        name: Table("summary", "汇总", summary_columns(), _reading_rows(found), totals=True)
        for name, found in runs.items()
    }


def _reading_rows(runs: Mapping[str, Run[Result]]) -> list[dict[str, object]]:
    """汇总's rows (without the range) of one reading's runs, in place-code order."""
    figures = [c.key for c in summary_columns()[len(PLACE_COLUMNS) :]]
    found = _place_figures(runs)
    return [
        {"district": name, "district_code": code} | dict.fromkeys(figures) | values
        for code, (name, values) in sorted(found.items())
    ]


def _place_figures(runs: Mapping[str, Run[Result]]) -> dict[str, tuple[str, dict[str, object]]]:
    """Place code -> (its name, its figures from every family's run)."""
    found: dict[str, tuple[str, dict[str, object]]] = {}
    for key, run in runs.items():
        for place in FAMILIES[key].by_place(run):
            figures = dict(place.figures) | {f"{key}_evidence": place.basis.evidence}
            found.setdefault(place.code, (place.name, {}))[1].update(figures)
    return found


def _basis(settlement: Settlement) -> Basis:
    """Everything the central figures of 汇总 rest on, over every family and place."""
    return Basis.union(
        place.basis for key, run in settlement.runs.items() for place in FAMILIES[key].by_place(run)
    )


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


def _range_info(settlement: Settlement, readings: Mapping[str, Table]) -> dict[str, object]:
    """How the low and high columns were made, and the ranged values of the tables used."""
    ranged = {
        t.id: {
            path: f"{v.low if v.low is not None else v.value}..{v.high if v.high is not None else v.value}"
            for path, v in ranged_values(t.model).items()
        }
        for t in _unique_tariffs(settlement)
    }
    return {
        "readings": ["central", *settlement.readings],
        "method": "each ranged tariff value at its low bound (all-low run) and at its high bound "
        "(all-high run); per place, <key>_low and <key>_high are the least and the greatest of the "
        "central, all-low and all-high figures; they have no totals row (a sum of per-place "
        "extremes is the figure of no reading): `totals` gives each reading's totals",
        "totals": reading_totals(readings),
        "ranged_values": {k: v for k, v in ranged.items() if v},
    }


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
