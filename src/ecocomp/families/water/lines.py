"""One line of water compensation: a section, month and factor, its target, excess, amount,
direction and explanation, or the problem that stops it.

References (POLICY.md, family B): 苏政办发〔2013〕195号 and 苏环办〔2016〕341号 (load method,
two-way), 苏环办〔2021〕131号 (bands); targets from GB 3838-2002 unless the section has its own.
A cell without a target, a measurement, a flow or a standard is a problem, never a guess.

    excess = measured − target;   multiple = excess ÷ target (to 0.0001 for display);
    load_t = excess × flow(10⁴ m³) ÷ 100;   the amount and direction as `water_prices` says.

Compliance is judged per section and month over every factor assessed (S52): a factor worse
than its target pays forward; only a section-month that meets every factor (and whose every
factor could be computed) earns the reverse payment. The province keeps the table's share of
each upstream-pays amount (`kept`) and is itself the payer or receiver where the table or the
section says so (reverse.payer = province; a section whose downstream is 江苏省: 入江, 入湖, 出省).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple, TypeVar

from ecocomp.codes import FACTOR_ZH, PROVINCE
from ecocomp.families.water.basis import Kind, LineBases
from ecocomp.families.water.monitoring import Filled, Monitoring
from ecocomp.families.water.prices import Direction, Priced, nothing, price, reverse_price
from ecocomp.families.water.rules import Section, Target, Version, plain, target_for
from ecocomp.families.water.text import Cell, Parties, Party, line_text
from ecocomp.money import Rounding
from ecocomp.months import month_zh
from ecocomp.tariffs.evidence import Basis

__all__ = ["LineMaker", "Problem", "WaterLine", "assemble"]

_MULTIPLE = Rounding(Decimal("0.0001"), "half_up")
T = TypeVar("T")
_FIELDS: dict[type, tuple[str, ...]] = {}


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
    amount: Decimal  # what the payer pays
    kept: Decimal  # the province's part of it; the receiver gets amount − kept
    payer: str
    payer_code: str
    via: str  # the treasury the money passes through: 江苏省, or the city of a city-scheme section
    via_code: str
    receiver: str
    receiver_code: str
    tariff_id: str
    line: int | None  # the monitoring row, None if the concentration was substituted
    substituted: str
    explanation: str
    basis: Basis  # the tariff values and rules the line used (`basis.LineBases`)


def assemble(cls: type[T], values: Sequence[object]) -> T:
    """`cls(*values)` for a frozen dataclass without `__post_init__`, made without the frozen check
    that `__init__` runs on every field (a fifth of the time of a line). Equal in every way."""
    made = object.__new__(cls)
    made.__dict__.update(zip(_field_names(cls), values, strict=True))
    return made


def _field_names(cls: type) -> tuple[str, ...]:
    if cls not in _FIELDS:
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return _FIELDS[cls]


class Problem(NamedTuple):
    """Why a cell was not computed, on the monitoring row (line) or else the section's row."""

    line: int | None
    column: str
    value: str
    code: str
    why: str


class _Measured(NamedTuple):
    """One factor of a section-month with everything its amount needs, not yet priced."""

    factor: str
    measured: Filled
    target: Target
    flow: Filled


class _Spot(NamedTuple):
    """One section in one month: what its lines have in common."""

    section: Section
    month: date
    version: Version
    head: str  # "京杭运河九里 2018年3月 "
    downstream: Party
    treasury: Party  # the province, or the city of a city-scheme section


class LineMaker:
    """Makes the lines of each section and month; call it inside a 60-digit decimal context."""

    def __init__(self, data: Monitoring, parties: Parties) -> None:
        self.data, self.parties = data, parties
        self.targets: dict[tuple[str, str, str], Target | str] = {}
        self.target_bases: dict[tuple[str, str, str], Basis] = {}
        self.month_bases: dict[tuple[str, str, str], Basis] = {}
        self.line_bases: dict[tuple[object, ...], Basis] = {}
        self.bases = LineBases()

    def section_month(
        self, section: Section, month: date, version: Version, treasury: str = PROVINCE
    ) -> list[WaterLine | Problem]:
        """The lines of one section and month, in the table's order of factors, or their problems;
        the money passes through `treasury` (the province, or the city of a city-scheme section)."""
        factors = version.factors.get(section.basin)
        if factors is None:
            why = f"{version.tariff_id} assesses no factors for basin {section.basin}"
            return [Problem(None, "basin", section.basin, "no_factors", why)]
        flow = self.data.fill_flow(section.code, month, version.missing_data)
        head = f"{section.name} {month_zh(month)} "
        via = (self.parties.name(treasury), treasury)
        spot = _Spot(section, month, version, head, self.parties.side(section, None), via)
        cells = [self._cell(spot, factor, flow) for factor in factors]
        why_not = _why_no_reverse(cells)
        out: list[WaterLine | Problem] = []
        for cell in cells:
            out.append(cell if isinstance(cell, Problem) else self._priced(spot, cell, why_not))
        return out

    def _cell(self, spot: _Spot, factor: str, flow: Filled | str) -> _Measured | Problem:
        section, month, version = spot.section, spot.month, spot.version
        measured = self.data.fill_concentration(section.code, factor, month, version.missing_data)
        line = measured.line if isinstance(measured, Filled) else None
        target = self._target(section, factor, version)
        if isinstance(target, str):
            return Problem(line, f"target_{factor}", f"{factor} {month:%Y-%m}", "no_target", target)
        if isinstance(measured, str):
            return Problem(line, "factor", f"{factor} {month:%Y-%m}", "missing_data", measured)
        if isinstance(flow, str):
            return Problem(line, "flow_10k_m3", f"{factor} {month:%Y-%m}", "missing_flow", flow)
        return _Measured(factor, measured, target, flow)

    def _priced(self, spot: _Spot, cell: _Measured, why_not: str | None) -> WaterLine | Problem:
        """Forward if the factor is worse than its target; reverse only if the whole section-month
        complies (`why_not` is None); else nothing, saying why."""
        section, version = spot.section, spot.version
        factor, measured, target, flow = cell
        args = (version, section.basin, factor, measured.value, target[0], flow.value)
        kind: Kind = "none"
        if measured.value > target[0]:
            priced, kind = price(*args), "forward"
        elif why_not is None:
            priced = reverse_price(*args)
            if not isinstance(priced, str) and priced.direction == "downstream_pays":
                kind = "reverse"
            elif measured.value < target[0]:
                kind = "no_reverse"  # the table's reverse rule pays nothing
        else:
            priced = nothing(why_not if measured.value < target[0] else "")
        if isinstance(priced, str):
            month = spot.month
            return Problem(measured.line, "factor", f"{factor} {month:%Y-%m}", "no_standard", priced)
        return self._line(spot, cell, priced, kind)

    def _target(self, section: Section, factor: str, version: Version) -> Target | str:
        """The section's target for `factor` under the month's standard (the same month after month)."""
        key = (section.code, factor, version.standard_id)
        if key not in self.targets:
            self.targets[key] = _checked_target(section, factor, target_for(section, factor, version))
        return self.targets[key]

    def _basis(
        self, section: Section, factor: str, version: Version, kind: Kind, shared: bool, substituted: bool
    ) -> Basis:
        """What the line rests on (`basis.LineBases`): the same for a section and factor month after
        month under one version, made once. A reverse line rests on every target of the
        section-month (it earns only if all are met)."""
        key = (section.code, factor, version.tariff_id, version.standard_id, kind, shared, substituted)
        found = self.line_bases.get(key)
        if found is None:
            if kind == "reverse":
                targets = self._month_targets(section, version)
            else:
                targets = self._target_basis(section, factor, version)
            found = self.bases.of(version, section.basin, factor, kind, targets, shared, substituted)
            self.line_bases[key] = found
        return found

    def _month_targets(self, section: Section, version: Version) -> Basis:
        """The bases of the targets of every factor the version assesses for the section."""
        key = (section.code, version.standard_id, version.tariff_id)
        found = self.month_bases.get(key)
        if found is None:
            factors = version.factors[section.basin]
            found = Basis.union(self._target_basis(section, f, version) for f in factors)
            self.month_bases[key] = found
        return found

    def _target_basis(self, section: Section, factor: str, version: Version) -> Basis:
        """The GB 3838 limit the target is, if it is one (`LineBases.target`), once per section."""
        key = (section.code, factor, version.standard_id)
        found = self.target_bases.get(key)
        if found is None:
            found = self.target_bases[key] = self.bases.target(section, factor, version)
        return found

    def _line(self, spot: _Spot, what: _Measured, priced: Priced, kind: Kind) -> WaterLine:
        factor, measured, target, flow = what
        section, up, version = spot.section, self.parties.side(spot.section, factor), spot.version
        reverse = priced.direction == "downstream_pays"
        payer, receiver = (self._reverse_payer(spot), up) if reverse else (up, spot.downstream)
        kept = Decimal("0.00")
        shared = priced.direction == "upstream_pays" and receiver[1] != spot.treasury[1]
        if shared and version.province_share:
            kept = version.rounding.apply(priced.amount * version.province_share)
        notes = f"{measured.note}；{flow.note}" if measured.note and flow.note else measured.note or flow.note
        excess = measured.value - target[0]
        multiple = _MULTIPLE.apply(excess / target[0])
        load = plain(excess * flow.value / 100)
        numbers = (measured.value, target[0], flow.value, excess, multiple, load)
        cell = Cell(f"{spot.head}{FACTOR_ZH[factor]} ", section.basin, *numbers, notes)
        text = line_text(cell, version, priced, payer, receiver, kept, spot.treasury)
        who = ("",) * 6
        if priced.direction != "none":
            who = (payer[0], payer[1], *spot.treasury, receiver[0], receiver[1])
        where = (section.code, section.name, spot.month, factor, section.basin)
        amounts = (
            version.method,
            priced.standard,
            priced.band_above,
            priced.direction,
            priced.amount,
            kept,
        )
        values = (*where, measured.value, *target, excess, multiple, flow.value, load, *amounts, *who)
        basis = self._basis(section, factor, version, kind, shared, bool(notes))
        return assemble(WaterLine, (*values, version.tariff_id, measured.line, notes, text, basis))

    def _reverse_payer(self, spot: _Spot) -> Party:
        """Who pays the reverse amount: the downstream side, or the treasury (the province, or the
        city under a city table) as the table says."""
        if spot.version.reverse_payer == "province":
            return spot.treasury
        return spot.downstream


def _why_no_reverse(cells: Sequence[_Measured | Problem]) -> str | None:
    """None if the section-month meets its target on every factor; else why it earns no reverse
    payment (a factor failed, or a factor could not be computed)."""
    if any(isinstance(c, Problem) for c in cells):
        return "断面当月有因子未能核算，不判定断面达标，不发生达标补偿"
    failed = [
        FACTOR_ZH[c.factor] for c in cells if isinstance(c, _Measured) and c.measured.value > c.target[0]
    ]
    if failed:
        return f"断面当月{'、'.join(failed)}超标，断面未达标，不发生达标补偿"
    return None


def _checked_target(section: Section, factor: str, found: Target | None) -> Target | str:
    """The target, or why there is none: no override and no GB 3838-2002 limit, or not above 0."""
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
