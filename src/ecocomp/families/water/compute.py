"""Water-environment regional compensation (水环境区域补偿): per section, month and factor, two-way.

References (POLICY.md, family B): 太湖流域环境资源区域补偿试点 (Zhenjiang 方案, 2008-),
苏政办发〔2013〕195号 (2014-10-01), 苏环办〔2016〕341号 (2017-01-01), 苏环办〔2021〕131号
(2021-05-01); targets from GB 3838-2002.

    target    = the section's own target, else the GB 3838-2002 limit of its class and water body
    excess    = measured − target;   multiple = excess ÷ target;   load_t = excess × flow(10⁴ m³) ÷ 100
    load:     amount = round(load_t × standard[basin][factor])
    banded:   the highest band whose `above` < multiple: its amount, or round(amount × (1 + multiple))
    worse than target: upstream pays downstream, per failing factor; a section-month that meets
    its target on every factor earns the reverse payment by the table's own reverse rule and
    standards (reverse.rule "load": round(|load_t| × reverse.standards[basin][factor])), paid by
    the downstream side or the province (reverse.payer); nothing otherwise.

The version is the table in force on the first day of each month (`_versions`, the one place
that picks the jurisdiction). Money passes through the province (江苏省), which keeps the
table's share of each upstream-pays amount and is a party where it pays the reverse amount or
a section has no downstream district in Jiangsu (downstream 江苏省: 入江, 入湖, 出省); its
balance is `kept`. The upstream side's amount is split among districts by the section's sharing
coefficients (分担系数) when the shares ledger has them, to the fen.
This module holds the result types and runs the steps: `water_rules` (registry, targets, tables
in force), `water_months` (monitoring data, substitution), `water_prices` (amount and direction),
`water_lines` (one line each), `water_text` (explanations), `water_shares` (splits, district sums).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd

from ecocomp.codes import BASIN_ZH, FACTOR_ZH, FACTORS, PROVINCE
from ecocomp.errors import LedgerIssue
from ecocomp.families.water.lines import LineMaker, Problem, WaterLine
from ecocomp.families.water.monitoring import Monitoring
from ecocomp.families.water.rules import (
    Section,
    Version,
    records,
    sections_from,
    version_of,
)
from ecocomp.families.water.shares import (
    DistrictMonth,
    DistrictTotal,
    ShareLine,
    shares_from,
    split,
    summaries,
)
from ecocomp.families.water.text import Parties
from ecocomp.money import exact_context, total
from ecocomp.months import month_range
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.files import Tariff, provisional_warnings

__all__ = [
    "DistrictMonth",
    "DistrictTotal",
    "ExcludedRow",
    "ShareLine",
    "WaterLine",
    "WaterResult",
    "compute_water",
]

NATION = "100000"
SOURCES = {"sections": "sections", "monitoring": "monitoring", "section_shares": "section_shares"}


@dataclass(frozen=True)
class ExcludedRow:
    """A monitoring row not computed, with the reason (kept, never dropped)."""

    line: int
    section: str
    month: date
    factor: str
    concentration: Decimal
    reason: str


@dataclass(frozen=True)
class WaterResult:
    """Everything one run computed, plus the rows and cells it could not use."""

    start: date
    end: date
    lines: tuple[WaterLine, ...]
    shares: tuple[ShareLine, ...]
    monthly: tuple[DistrictMonth, ...]
    districts: tuple[DistrictTotal, ...]
    excluded: tuple[ExcludedRow, ...]
    rejected: tuple[LedgerIssue, ...]
    tariffs: tuple[Tariff, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def province(self) -> DistrictTotal | None:
        """The province's own row, when it is a party (pays or receives in its own right)."""
        return next((d for d in self.districts if d.district_code == PROVINCE), None)

    @property
    def paid(self) -> Decimal:
        """What the districts (every party but the province) paid to the province's treasury."""
        return total(d.paid for d in self.districts if d.district_code != PROVINCE)

    @property
    def received(self) -> Decimal:
        """What the districts received from the province's treasury."""
        return total(d.received for d in self.districts if d.district_code != PROVINCE)

    @property
    def kept(self) -> Decimal:
        """The province's balance: districts' payments − districts' receipts (= its row's net)."""
        return self.paid - self.received


def compute_water(
    sections: pd.DataFrame,
    monitoring: pd.DataFrame,
    *,
    start: date,
    end: date,
    book: TariffBook,
    shares: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
) -> WaterResult:
    """Lines, shares and district totals for the months `start`..`end` (frames as `read_ledger` gives).

    Raises `TariffLookupError` if a month has no table in force; every other problem (unknown
    section, no target, missing data) is returned in `rejected`, never computed on a guess.
    """
    names = SOURCES | dict(sources or {})
    registry = sections_from(sections, FACTORS)
    months = month_range(start, end)
    versions = _versions(book, months)
    data = Monitoring(monitoring)
    by_section, issues = shares_from(records(shares), registry, names["section_shares"])
    excluded = _classify(data, registry, versions, names["monitoring"], issues)
    parties = Parties(book.places, by_section)
    lines = _lines(registry, versions, LineMaker(data, parties), names, issues)
    share_lines = [s for line in lines for s in split(line, by_section, parties)]
    monthly, districts = summaries(lines, share_lines, parties)
    tariffs = _used(registry, versions)
    rejected = tuple(sorted(issues, key=lambda i: (i.source, i.line, i.column, i.value)))
    excluded.sort(key=lambda x: x.line)
    return WaterResult(
        months[0],
        months[-1],
        tuple(lines),
        tuple(share_lines),
        monthly,
        districts,
        tuple(excluded),
        rejected,
        tariffs,
        provisional_warnings(tariffs),
    )


def _versions(book: TariffBook, months: Sequence[date]) -> dict[date, Version]:
    """The tables in force on the first day of each month, read once per pair of versions.
    The jurisdiction whose table applies is chosen here and only here (the province's today)."""
    tables = {m: book.in_force("water_compensation", PROVINCE, on=m) for m in months}
    standards = {m: book.in_force("water_quality_standard", NATION, on=m) for m in months}
    read: dict[tuple[str, str], Version] = {}
    for month in months:
        key = (tables[month].id, standards[month].id)
        if key not in read:
            read[key] = version_of(tables[month], standards[month])
    return {m: read[tables[m].id, standards[m].id] for m in months}


def _classify(
    data: Monitoring,
    registry: Mapping[str, Section],
    versions: Mapping[date, Version],
    source: str,
    issues: list[LedgerIssue],
) -> list[ExcludedRow]:
    """Monitoring rows outside the range or of a factor the version does not assess are excluded;
    rows of an unknown section are rejected."""
    excluded: list[ExcludedRow] = []
    for row in data.rows():
        line, section, month, factor, value, _ = row
        if section not in registry:
            why = f"section {section} is not in the sections ledger; add it there or correct the code"
            issues.append(LedgerIssue(source, line, "section", section, "unknown_section", why))
        elif (version := versions.get(month)) is None:
            why = f"{month:%Y-%m} is outside the range"
            excluded.append(ExcludedRow(line, section, month, factor, value, why))
        elif factor not in version.factors.get(basin := registry[section].basin, ()):
            doc = version.document
            why = f"{FACTOR_ZH[factor]} is not assessed for {BASIN_ZH[basin]} ({basin}) sections under {doc}"
            excluded.append(ExcludedRow(line, section, month, factor, value, why))
    return excluded


def _lines(
    registry: Mapping[str, Section],
    versions: Mapping[date, Version],
    maker: LineMaker,
    sources: Mapping[str, str],
    issues: list[LedgerIssue],
) -> list[WaterLine]:
    """Every section (by code) and month, exactly, to 60 digits; problems go to `issues`."""
    lines: list[WaterLine] = []
    with exact_context():
        for code in sorted(registry):
            section = registry[code]
            for month, version in versions.items():
                for item in maker.section_month(section, month, version):
                    if isinstance(item, Problem):
                        issues.append(_issue(item, section, sources))
                    else:
                        lines.append(item)
    return lines


def _issue(problem: Problem, section: Section, sources: Mapping[str, str]) -> LedgerIssue:
    """On the monitoring row if there is one, else on the section's row of the registry."""
    line, column, value, code, why = problem
    if line is None:
        return LedgerIssue(sources["sections"], section.line, column, value, code, why)
    return LedgerIssue(sources["monitoring"], line, column, value, code, why)


def _used(registry: Mapping[str, Section], versions: Mapping[date, Version]) -> tuple[Tariff, ...]:
    """The tables of the months in which some section's basin is assessed, by id."""
    used: dict[str, Tariff] = {}
    for version in versions.values():
        if any(s.basin in version.factors for s in registry.values()):
            used[version.tariff.id], used[version.standard.id] = version.tariff, version.standard
    return tuple(used[k] for k in sorted(used))
