"""Water-environment regional compensation (水环境区域补偿): per section, month and factor, two-way.

References (POLICY.md, family B): 太湖流域环境资源区域补偿试点 (Zhenjiang 方案, 2008-),
苏政办发〔2013〕195号 (2014-10-01), 苏环办〔2016〕341号 (2017-01-01), 苏环办〔2021〕131号
(2021-05-01); targets from GB 3838-2002.

    target    = the section's own target, else the GB 3838-2002 limit of its class and water body
    excess    = measured − target;   multiple = excess ÷ target;   load_t = excess × flow(10⁴ m³) ÷ 100
    load:     amount = round(|load_t| × standard[basin][factor])
    banded:   the highest band whose `above` < multiple: its amount, or round(amount × (1 + multiple))
    worse than target: upstream pays downstream; at or better: downstream pays upstream only
    when the table's reverse_rule is "mirror" (same formula on the shortfall), else nothing.

The version is the table in force on the first day of each month; money passes through the
province (江苏省), which keeps nothing. The upstream side's amount is split among districts by
the section's sharing coefficients (分担系数) when the shares ledger has them, to the fen.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

import pandas as pd

from ecocomp.errors import LedgerIssue
from ecocomp.money import Rounding, split_largest_remainder, total
from ecocomp.tariff_book import TariffBook
from ecocomp.tariff_files import Tariff
from ecocomp.tariff_models import FACTORS, QualityStandardTable, WaterCompensationTable
from ecocomp.water_rules import (
    BASIN_ZH,
    FACTOR_ZH,
    Direction,
    Filled,
    Monitoring,
    Party,
    Priced,
    Section,
    band_for,
    line_text,
    month_range,
    party_text,
    plain,
    records,
    sections_from,
    target_for,
)

__all__ = [
    "DistrictMonth",
    "DistrictTotal",
    "ExcludedRow",
    "ShareLine",
    "WaterLine",
    "WaterResult",
    "compute_water",
]

PROVINCE, NATION = "320000", "100000"
Shares = Mapping[tuple[str, str], Mapping[str, Decimal]]


@dataclass(frozen=True)
class WaterLine:
    """One section, month and factor: how the amount arose and who pays whom."""

    section: str
    section_name: str
    month: date
    factor: str
    basin: str
    concentration: Decimal
    target: Decimal
    target_basis: str
    excess: Decimal
    multiple: Decimal  # to 0.0001 for display; band and amount use the exact quotient
    flow: Decimal
    load_t: Decimal
    method: str
    standard: Decimal | None  # load: yuan per tonne; banded: the band's amount
    band_above: Decimal | None
    direction: Direction
    amount: Decimal
    payer: str
    payer_code: str
    via: str
    receiver: str
    receiver_code: str
    tariff_id: str
    line: int | None  # the monitoring row, None if the concentration was substituted
    substituted: str
    explanation: str


@dataclass(frozen=True)
class ShareLine:
    """The part of a line's amount one district of the upstream side pays or receives."""

    section: str
    month: date
    factor: str
    district: str
    district_code: str
    role: Literal["paid", "received"]
    share: Decimal
    amount: Decimal


@dataclass(frozen=True)
class DistrictMonth:
    district: str
    district_code: str
    month: date
    paid: Decimal
    received: Decimal
    net: Decimal  # received − paid


@dataclass(frozen=True)
class DistrictTotal:
    district: str
    district_code: str
    paid: Decimal
    received: Decimal
    net: Decimal


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
    def paid(self) -> Decimal:
        return total(d.paid for d in self.districts)

    @property
    def received(self) -> Decimal:
        return total(d.received for d in self.districts)

    @property
    def kept(self) -> Decimal:
        """What the province keeps: paid − received (zero unless a table says otherwise)."""
        return self.paid - self.received


@dataclass
class _Run:
    """The inputs one computation reads, and the problems it collects."""

    book: TariffBook
    data: Monitoring
    shares: Shares
    sources: Mapping[str, str]
    issues: list[LedgerIssue] = field(default_factory=list)
    used: dict[str, Tariff] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    parties: dict[tuple[str, str | None], Party] = field(default_factory=dict)

    def problem(
        self, section: Section, line: int | None, column: str, value: str, code: str, why: str
    ) -> None:
        """On the monitoring row if there is one, else on the section's row of the registry."""
        if line is None:
            self.issues.append(LedgerIssue(self.sources["sections"], section.line, column, value, code, why))
        else:
            self.issues.append(LedgerIssue(self.sources["monitoring"], line, column, value, code, why))

    def name(self, code: str) -> str:
        """A place's official name (the code itself if the places table does not know it)."""
        if code not in self.names:
            place = self.book.places.find(code)
            self.names[code] = code if place is None else place.name
        return self.names[code]

    def party(self, section: Section, factor: str | None) -> Party:
        """The upstream side (with the factor's shares, if any) or, for factor None, the downstream side."""
        key = (section.code, factor)
        if key not in self.parties:
            if factor is None:
                self.parties[key] = party_text(self.name, section.downstream, None)
            else:
                shares = self.shares.get((section.code, factor))
                self.parties[key] = party_text(self.name, section.upstream, shares)
        return self.parties[key]


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
    names = {"sections": "sections", "monitoring": "monitoring", "section_shares": "section_shares"}
    names |= dict(sources or {})
    registry = sections_from(sections, FACTORS)
    months = month_range(start, end)
    versions = {m: book.in_force("water_compensation", PROVINCE, on=m) for m in months}
    standards = {m: book.in_force("water_quality_standard", NATION, on=m) for m in months}
    run = _Run(book, Monitoring(records(monitoring)), {}, names)
    run.shares = _shares(records(shares), registry, run)
    excluded = _classify(run, registry, versions)
    lines: list[WaterLine] = []
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        for code in sorted(registry):
            for month in months:
                lines += _section_month(run, registry[code], month, versions[month], standards[month])
    share_lines = [s for line in lines for s in _split(run, line)]
    monthly, districts = _summaries(run, lines, share_lines)
    tariffs = tuple(run.used[k] for k in sorted(run.used))
    warnings = tuple(
        f"{t.id} ({t.header.document}) is provisional: {', '.join(t.provisional_values()) or t.header.note}"
        for t in tariffs
        if t.header.status == "provisional"
    )
    rejected = tuple(sorted(run.issues, key=lambda i: (i.source, i.line, i.column, i.value)))
    return WaterResult(
        months[0],
        months[-1],
        tuple(lines),
        tuple(share_lines),
        monthly,
        districts,
        tuple(sorted(excluded, key=lambda x: x.line)),
        rejected,
        tariffs,
        warnings,
    )


def _shares(rows: Sequence[Mapping[str, object]], registry: Mapping[str, Section], run: _Run) -> Shares:
    out: dict[tuple[str, str], dict[str, Decimal]] = {}
    for row in rows:
        section = str(row["section"])
        if section not in registry:
            why = f"section {section} is not in the sections ledger"
            run.issues.append(
                LedgerIssue(
                    run.sources["section_shares"],
                    int(str(row["line"])),
                    "section",
                    section,
                    "unknown_section",
                    why,
                )
            )
            continue
        share = row["share"]
        assert isinstance(share, Decimal)
        out.setdefault((section, str(row["factor"])), {})[str(row["district"])] = share
    return out


def _classify(
    run: _Run, registry: Mapping[str, Section], versions: Mapping[date, Tariff]
) -> list[ExcludedRow]:
    """Monitoring rows outside the range or of a factor the version does not assess are excluded;
    rows of an unknown section are rejected."""
    excluded: list[ExcludedRow] = []
    for row in run.data.rows:
        section, month, factor = str(row["section"]), row["month"], str(row["factor"])
        line, value = int(str(row["line"])), row["concentration_mg_l"]
        assert isinstance(month, date) and isinstance(value, Decimal)
        if section not in registry:
            why = f"section {section} is not in the sections ledger; add it there or correct the code"
            run.issues.append(
                LedgerIssue(run.sources["monitoring"], line, "section", section, "unknown_section", why)
            )
            continue
        tariff = versions.get(month)
        if tariff is None:
            excluded.append(
                ExcludedRow(line, section, month, factor, value, f"{month:%Y-%m} is outside the range")
            )
            continue
        table = _table(tariff)
        basin = registry[section].basin
        if factor not in table.factors.get(basin, ()):  # type: ignore[call-overload]
            doc = tariff.header.document
            why = f"{FACTOR_ZH[factor]} is not assessed for {BASIN_ZH[basin]} ({basin}) sections under {doc}"
            excluded.append(ExcludedRow(line, section, month, factor, value, why))
    return excluded


@functools.lru_cache(maxsize=16)
def _rounding(quantum: Decimal, mode: str) -> Rounding:
    return Rounding(quantum, mode)


def _table(tariff: Tariff) -> WaterCompensationTable:
    assert isinstance(tariff.model, WaterCompensationTable)
    return tariff.model


def _section_month(
    run: _Run, section: Section, month: date, tariff: Tariff, standard_tariff: Tariff
) -> list[WaterLine]:
    table = _table(tariff)
    standard = standard_tariff.model
    assert isinstance(standard, QualityStandardTable)
    factors = table.factors.get(section.basin)  # type: ignore[call-overload]
    if factors is None:
        why = f"{tariff.id} assesses no factors for basin {section.basin}"
        run.problem(section, None, "basin", section.basin, "no_factors", why)
        return []
    flow = run.data.fill_flow(section.code, month, table.missing_data)
    lines: list[WaterLine] = []
    for factor in factors:
        line = _cell(run, section, month, factor, tariff, table, standard, flow)
        if line is not None:
            lines.append(line)
    run.used[tariff.id] = tariff
    run.used[standard_tariff.id] = standard_tariff
    return lines


def _cell(
    run: _Run,
    section: Section,
    month: date,
    factor: str,
    tariff: Tariff,
    table: WaterCompensationTable,
    standard: QualityStandardTable,
    flow: Filled | str,
) -> WaterLine | None:
    measured = run.data.fill_concentration(section.code, factor, month, table.missing_data)
    line = measured.line if isinstance(measured, Filled) else None
    target = _target(section, factor, standard)
    problem: tuple[str, str, str] | None = None
    if isinstance(target, str):
        problem = (f"target_{factor}", "no_target", target)
    elif isinstance(measured, str):
        problem = ("factor", "missing_data", measured)
    elif isinstance(flow, str):
        problem = ("flow_10k_m3", "missing_flow", flow)
    if problem is not None:
        run.problem(section, line, problem[0], f"{factor} {month:%Y-%m}", problem[1], problem[2])
        return None
    assert isinstance(measured, Filled) and isinstance(flow, Filled) and not isinstance(target, str)
    priced = _amount(table, section.basin, factor, measured.value, target[0], flow.value)
    if isinstance(priced, str):
        run.problem(section, line, "factor", f"{factor} {month:%Y-%m}", "no_standard", priced)
        return None
    return _line(run, section, month, factor, tariff, table, measured, target, flow, priced)


def _target(section: Section, factor: str, standard: QualityStandardTable) -> tuple[Decimal, str] | str:
    found = target_for(section, factor, standard)
    if found is None:
        return (
            f"section {section.code} ({section.name}) has no target for {factor}: GB 3838-2002 has no "
            f"{factor} limit for a {section.water_body}; give the section its own target_{factor}"
        )
    if found[0] <= 0:
        return (
            f"section {section.code} ({section.name}): target for {factor} is {found[0]}, it must be above 0"
        )
    return found


def _amount(
    table: WaterCompensationTable, basin: str, factor: str, measured: Decimal, target: Decimal, flow: Decimal
) -> Priced | str:
    excess = measured - target
    if excess == 0 or (excess < 0 and table.reverse_rule == "none"):
        return Priced("none", Decimal("0.00"), None, None, None)
    direction: Direction = "upstream_pays" if excess > 0 else "downstream_pays"
    rounding = _rounding(table.tariff.rounding.quantum, table.tariff.rounding.mode)
    if table.method == "load":
        std = table.standards.get(basin, {}).get(factor)  # type: ignore[call-overload]
        if std is None:
            return f"{table.tariff.id} has no standard for basin {basin} and factor {factor}"
        return Priced(direction, rounding.apply(abs(excess) * flow / 100 * std.value), std.value, None, None)
    band = band_for(table, basin, factor, abs(excess) / target)
    if isinstance(band, str):
        return band
    if band is None:
        return Priced(direction, Decimal("0.00"), None, None, None)
    base = band.amount.value
    if table.band_amount == "fixed":
        return Priced(direction, rounding.apply(base), base, band.above.value, None)
    return Priced(direction, rounding.apply(base * (1 + abs(excess) / target)), base, band.above.value, base)


def _line(
    run: _Run,
    section: Section,
    month: date,
    factor: str,
    tariff: Tariff,
    table: WaterCompensationTable,
    measured: Filled,
    target: tuple[Decimal, str],
    flow: Filled,
    priced: Priced,
) -> WaterLine:
    excess = measured.value - target[0]
    multiple = (excess / target[0]).quantize(Decimal("0.0001"), rounding=decimal.ROUND_HALF_UP)
    load = excess * flow.value / 100
    up, down = run.party(section, factor), run.party(section, None)
    payer, receiver = (up, down) if priced.direction != "downstream_pays" else (down, up)
    notes = "；".join(n for n in (measured.note, flow.note) if n)
    explanation = line_text(
        section,
        month,
        factor,
        tariff,
        table,
        measured.value,
        target,
        flow.value,
        priced,
        payer,
        receiver,
        notes,
    )
    return WaterLine(
        section.code,
        section.name,
        month,
        factor,
        section.basin,
        measured.value,
        target[0],
        target[1],
        excess,
        multiple,
        flow.value,
        plain(load),
        table.method,
        priced.standard,
        priced.band_above,
        priced.direction,
        priced.amount,
        payer[0] if priced.direction != "none" else "",
        payer[1] if priced.direction != "none" else "",
        run.name(PROVINCE) if priced.direction != "none" else "",
        receiver[0] if priced.direction != "none" else "",
        receiver[1] if priced.direction != "none" else "",
        tariff.id,
        measured.line,
        notes,
        explanation,
    )


def _split(run: _Run, line: WaterLine) -> list[ShareLine]:
    """The upstream side's part of a line, per district (the whole upstream place if unshared)."""
    if line.direction == "none":
        return []
    section_shares = run.shares.get((line.section, line.factor))
    upstream = line.payer_code if line.direction == "upstream_pays" else line.receiver_code
    role: Literal["paid", "received"] = "paid" if line.direction == "upstream_pays" else "received"
    if not section_shares:
        return [
            ShareLine(
                line.section,
                line.month,
                line.factor,
                run.name(upstream),
                upstream,
                role,
                Decimal(1),
                line.amount,
            )
        ]
    weights = dict(section_shares)
    # str keys: money._Sortable's __lt__(object) is stricter than str's, hence the ignore
    parts = split_largest_remainder(line.amount, weights)
    return [
        ShareLine(line.section, line.month, line.factor, run.name(d), d, role, weights[d], parts[d])
        for d in sorted(parts)
    ]


def _summaries(
    run: _Run, lines: Sequence[WaterLine], shares: Sequence[ShareLine]
) -> tuple[tuple[DistrictMonth, ...], tuple[DistrictTotal, ...]]:
    """Paid and received per district and month, and for the whole range."""
    flows: dict[tuple[str, date], list[Decimal]] = {}
    for share in shares:
        cell = flows.setdefault((share.district_code, share.month), [Decimal("0.00"), Decimal("0.00")])
        cell[0 if share.role == "paid" else 1] += share.amount
    for line in lines:
        if line.direction == "upstream_pays":
            flows.setdefault((line.receiver_code, line.month), [Decimal("0.00"), Decimal("0.00")])[1] += (
                line.amount
            )
        elif line.direction == "downstream_pays":
            flows.setdefault((line.payer_code, line.month), [Decimal("0.00"), Decimal("0.00")])[0] += (
                line.amount
            )
    monthly = tuple(
        DistrictMonth(run.name(code), code, month, paid, received, received - paid)
        for (code, month), (paid, received) in sorted(flows.items())
    )
    totals: dict[str, list[Decimal]] = {}
    for row in monthly:
        cell = totals.setdefault(row.district_code, [Decimal("0.00"), Decimal("0.00")])
        cell[0] += row.paid
        cell[1] += row.received
    districts = tuple(
        DistrictTotal(run.name(code), code, paid, received, received - paid)
        for code, (paid, received) in sorted(totals.items())
    )
    return monthly, districts
