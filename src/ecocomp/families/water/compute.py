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

Two schemes, two levels (S36, S54): a section of the provincial scheme (the default: cross-city,
provincial-border, 入江入湖 sections) is priced by the province's table and its money passes
through the province (江苏省); a section of a city's own scheme (`scheme` 市: Suzhou's sections
between its own districts) is priced by the table of the city its upstream and downstream both
lie in, and its money passes through that city's treasury (e.g. 苏州市). A city-scheme section
whose sides are not in one city, or whose city has no table in force in a month, is rejected on
its sections row (column scheme), never priced by the provincial table instead. The version is
the table in force on the first day of each month (`_versions`, the one place that picks the
jurisdiction). The treasury (the province or the city) keeps the table's share of each
upstream-pays amount and is a party where it pays the reverse amount or a section has no
downstream district within it (downstream 江苏省: 入江, 入湖, 出省); the treasuries' balances
together are `kept`. The upstream side's amount is split among districts by the section's sharing
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
from ecocomp.errors import LedgerIssue, TariffLookupError
from ecocomp.families.water.lines import LineMaker, Problem, WaterLine
from ecocomp.families.water.monitoring import Monitoring
from ecocomp.families.water.rules import (
    Section,
    Version,
    city_of,
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
from ecocomp.places import PlaceInfo
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.evidence import Basis
from ecocomp.tariffs.files import Tariff, provisional_warnings

__all__ = [
    "DistrictMonth",
    "DistrictTotal",
    "ExcludedRow",
    "Scheme",
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
    #: (code, name) of each city whose treasury some section's money passed through (the
    #: city-scheme sections), by code
    city_treasuries: tuple[tuple[str, str], ...] = field(default=())

    @property
    def treasuries(self) -> frozenset[str]:
        """The codes of the treasuries money passes through: the province and the cities."""
        return frozenset((PROVINCE, *(code for code, _ in self.city_treasuries)))

    @property
    def province(self) -> DistrictTotal | None:
        """The province's own row, when it is a party (pays or receives in its own right)."""
        return next((d for d in self.districts if d.district_code == PROVINCE), None)

    @property
    def cities(self) -> tuple[DistrictTotal, ...]:
        """Each city treasury's own flows and balance, by code: its row when it is a party (it
        keeps a share, pays the reverse amount, or is a section's downstream), else zeros resting
        on the lines whose money passed through it."""
        rows = {d.district_code: d for d in self.districts}
        zero = Decimal("0.00")
        return tuple(
            rows.get(code) or DistrictTotal(name, code, zero, zero, zero, self.passed(code))
            for code, name in self.city_treasuries
        )

    def passed(self, treasury: str) -> Basis:
        """The basis of the lines whose money passed through `treasury` (a treasury's own
        figures, when it is no party, rest on them)."""
        return Basis.union(x.basis for x in self.lines if x.via_code == treasury and x.direction != "none")

    @property
    def paid(self) -> Decimal:
        """What the districts (every party but the treasuries) paid to the province's or a
        city's treasury."""
        return total(d.paid for d in self.districts if d.district_code not in self.treasuries)

    @property
    def received(self) -> Decimal:
        """What the districts received from the province's or a city's treasury."""
        return total(d.received for d in self.districts if d.district_code not in self.treasuries)

    @property
    def kept(self) -> Decimal:
        """The treasuries' balance: districts' payments − districts' receipts (= the nets of the
        province's row and of each city's row)."""
        return self.paid - self.received


@dataclass(frozen=True)
class Scheme:
    """The scheme a section is settled under: the treasury its money passes through (the
    province, or the city of a city-scheme section) and the version in force per month; the
    months it is refused in (no table of its city in force, or its sides not in one city)."""

    treasury: str
    versions: Mapping[date, Version]
    refused: frozenset[date] = frozenset()


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
    schemes, issues = _schemes(book, registry, months, names["sections"])
    data = Monitoring(monitoring)
    by_section, share_issues = shares_from(records(shares), registry, names["section_shares"])
    issues += share_issues
    excluded = _classify(data, registry, schemes, set(months), names["monitoring"], issues)
    parties = Parties(book.places, by_section)
    lines = _lines(registry, schemes, LineMaker(data, parties), names, issues)
    share_lines = [s for line in lines for s in split(line, by_section, parties)]
    monthly, districts = summaries(lines, share_lines, parties)
    tariffs = _used(registry, schemes)
    cities = sorted({(x.via_code, x.via) for x in lines if x.via_code and x.via_code != PROVINCE})
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
        tuple(cities),
    )


def _schemes(
    book: TariffBook, registry: Mapping[str, Section], months: Sequence[date], source: str
) -> tuple[dict[str, Scheme], list[LedgerIssue]]:
    """Each section's scheme: the treasury and the versions in force (`_versions`); a
    city-scheme section whose sides are not in one city, or whose city has no table in force
    in some month, is an issue on its sections row (column scheme) and is refused there."""
    standards = {m: book.in_force("water_quality_standard", NATION, on=m) for m in months}
    read: dict[tuple[str, str], Version] = {}
    out: dict[str, Scheme] = {}
    issues: list[LedgerIssue] = []
    province: Scheme | None = None
    if not registry or any(s.scheme != "city" for s in registry.values()):
        province = Scheme(PROVINCE, _versions(book, PROVINCE, months, standards, read))
    cities: dict[str, tuple[Scheme, str]] = {}
    for code in sorted(registry):
        section = registry[code]
        if section.scheme != "city":
            assert province is not None
            out[code] = province
            continue
        up, down = city_of(section.upstream, book.places), city_of(section.downstream, book.places)
        if up is None or down is None or up.code != down.code:
            out[code] = Scheme(PROVINCE, {}, frozenset(months))
            why = _not_one_city(section, book, up, down)
            issues.append(LedgerIssue(source, section.line, "scheme", "city", "not_one_city", why))
            continue
        if up.code not in cities:
            cities[up.code] = _city_scheme(book, up.code, up.name, months, standards, read)
        out[code], missing = cities[up.code]
        if missing:
            why = (
                f"section {code} ({section.name}) belongs to the city scheme of {up.name} (考核层级 市), "
                f"but {missing}; a city-scheme section is never priced by the provincial table: add "
                f"{up.name}'s own water_compensation table (--tariffs DIR) or mark the section 省"
            )
            issues.append(LedgerIssue(source, section.line, "scheme", "city", "no_city_table", why))
    return out, issues


def _versions(
    book: TariffBook,
    jurisdiction: str,
    months: Sequence[date],
    standards: Mapping[date, Tariff],
    read: dict[tuple[str, str], Version],
) -> dict[date, Version]:
    """The tables of `jurisdiction` in force on the first day of each month, read once per pair
    of versions. The jurisdiction whose table applies is chosen by the callers here and only
    here: the province's for a provincial section, the city's for a city-scheme one. Raises
    `TariffLookupError` for a month without a table."""
    out: dict[date, Version] = {}
    for month in months:
        table, standard = book.in_force("water_compensation", jurisdiction, on=month), standards[month]
        key = (table.id, standard.id)
        if key not in read:
            read[key] = version_of(table, standard)
        out[month] = read[key]
    return out


def _city_scheme(
    book: TariffBook,
    city: str,
    name: str,
    months: Sequence[date],
    standards: Mapping[date, Tariff],
    read: dict[tuple[str, str], Version],
) -> tuple[Scheme, str]:
    """The city's scheme, and why some months are refused ("" if none is): the months in which
    no water_compensation table of the city is in force."""
    versions: dict[date, Version] = {}
    refused: list[date] = []
    covered: tuple[str, ...] = ()
    for month in months:
        try:
            versions |= _versions(book, city, (month,), standards, read)
        except TariffLookupError as error:
            refused.append(month)
            covered = error.covered
    if not refused:
        return Scheme(city, versions), ""
    tables = "; ".join(covered) if covered else "none at all"
    missing = (
        f"no water_compensation table of {name} is in force for {_months_text(refused)} "
        f"(tables of {name}: {tables})"
    )
    return Scheme(city, versions, frozenset(refused)), missing


def _not_one_city(section: Section, book: TariffBook, up: PlaceInfo | None, down: PlaceInfo | None) -> str:
    def side(code: str, city: PlaceInfo | None) -> str:
        place = book.places.find(code)
        shown = code if place is None else place.name
        return f"{shown} ({'in no city' if city is None else 'in ' + city.name})"

    return (
        f"section {section.code} ({section.name}) is marked as a city-scheme section (考核层级 市), "
        f"but its upstream {side(section.upstream, up)} and downstream {side(section.downstream, down)} "
        "are not in one city: a city's own scheme covers only sections between districts of that "
        "city; mark it 省 (the provincial scheme: cross-city, provincial-border, 入江入湖 sections) "
        "or correct its districts"
    )


def _months_text(months: Sequence[date]) -> str:
    """2018-01..2018-03, 2018-06: consecutive months as ranges."""
    runs: list[list[date]] = []
    for month in sorted(months):
        last = runs[-1][-1] if runs else None
        if last is not None and (month.year * 12 + month.month) - (last.year * 12 + last.month) == 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(f"{r[0]:%Y-%m}" if len(r) == 1 else f"{r[0]:%Y-%m}..{r[-1]:%Y-%m}" for r in runs)


def _classify(
    data: Monitoring,
    registry: Mapping[str, Section],
    schemes: Mapping[str, Scheme],
    months: set[date],
    source: str,
    issues: list[LedgerIssue],
) -> list[ExcludedRow]:
    """Monitoring rows outside the range, of a section-month refused on its sections row, or of
    a factor the version does not assess are excluded; rows of an unknown section are rejected."""
    excluded: list[ExcludedRow] = []
    for row in data.rows():
        line, section, month, factor, value, _ = row
        if section not in registry:
            why = f"section {section} is not in the sections ledger; add it there or correct the code"
            issues.append(LedgerIssue(source, line, "section", section, "unknown_section", why))
        elif month not in months:
            why = f"{month:%Y-%m} is outside the range"
            excluded.append(ExcludedRow(line, section, month, factor, value, why))
        elif (version := schemes[section].versions.get(month)) is None:
            at = registry[section].line
            why = (
                f"section {section} is rejected for {month:%Y-%m} on its sections row "
                f"(line {at}, column scheme): see the rejected rows"
            )
            excluded.append(ExcludedRow(line, section, month, factor, value, why))
        elif factor not in version.factors.get(basin := registry[section].basin, ()):
            doc = version.document
            why = f"{FACTOR_ZH[factor]} is not assessed for {BASIN_ZH[basin]} ({basin}) sections under {doc}"
            excluded.append(ExcludedRow(line, section, month, factor, value, why))
    return excluded


def _lines(
    registry: Mapping[str, Section],
    schemes: Mapping[str, Scheme],
    maker: LineMaker,
    sources: Mapping[str, str],
    issues: list[LedgerIssue],
) -> list[WaterLine]:
    """Every section (by code) and month, exactly, to 60 digits; problems go to `issues`."""
    lines: list[WaterLine] = []
    with exact_context():
        for code in sorted(registry):
            section, scheme = registry[code], schemes[code]
            for month, version in scheme.versions.items():
                for item in maker.section_month(section, month, version, scheme.treasury):
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


def _used(registry: Mapping[str, Section], schemes: Mapping[str, Scheme]) -> tuple[Tariff, ...]:
    """The tables of the months in which some section's basin is assessed, by id."""
    used: dict[str, Tariff] = {}
    for code, section in registry.items():
        for version in {id(v): v for v in schemes[code].versions.values()}.values():
            if section.basin in version.factors:
                used[version.tariff.id], used[version.standard.id] = version.tariff, version.standard
    return tuple(used[k] for k in sorted(used))
