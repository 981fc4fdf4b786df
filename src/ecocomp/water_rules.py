"""Rules of water-environment compensation that read more than one row or table: the section
registry, targets from GB 3838-2002, exceedance bands, the monitoring data of a range of months
and the substitution of missing values (previous month, annual mean) a table may name.

Nothing here decides a number: targets, bands and substitution rules come from tariff tables,
measurements from the ledgers. Missing data is returned as a reason, never read as zero.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import UsageError
from ecocomp.ledger_kinds import BASIN_NAMES, FACTOR_NAMES, WATER_BODY_NAMES
from ecocomp.tariff_files import Tariff
from ecocomp.tariff_models import Band, QualityStandardTable, WaterCompensationTable
from ecocomp.wording import amount_text, number_text

__all__ = [
    "BASIN_ZH",
    "FACTOR_ZH",
    "WATER_BODY_ZH",
    "Direction",
    "Filled",
    "Monitoring",
    "Party",
    "Priced",
    "Section",
    "band_for",
    "concentration_text",
    "line_text",
    "month_range",
    "month_text",
    "parse_month",
    "party_text",
    "plain",
    "records",
    "sections_from",
    "target_for",
]

FACTOR_ZH: Mapping[str, str] = {code: names[0] for code, names in FACTOR_NAMES.items()}
BASIN_ZH: Mapping[str, str] = {code: names[0] for code, names in BASIN_NAMES.items()}
WATER_BODY_ZH: Mapping[str, str] = {code: names[0] for code, names in WATER_BODY_NAMES.items()}
MEASURE = Decimal("0.0001")  # the ledgers' scale for concentrations and flows: a mean is kept to it


@dataclass(frozen=True)
class Section:
    """One monitoring cross-section (断面) as the sections ledger gives it."""

    code: str
    name: str
    line: int
    water_body: str
    basin: str
    target_class: str
    upstream: str
    downstream: str
    targets: Mapping[str, Decimal]  # the section's own target per factor (overrides the class limit)


@dataclass(frozen=True)
class Filled:
    """A value for one cell: measured (with its ledger line) or substituted (with a note)."""

    value: Decimal
    line: int | None
    note: str = ""


def records(frame: pd.DataFrame | None) -> list[dict[str, object]]:
    """A typed ledger frame as plain rows (nulls as None, Arrow decimals as `Decimal`)."""
    if frame is None or len(frame) == 0:
        return []
    rows: list[dict[str, object]] = pa.Table.from_pandas(frame, preserve_index=False).to_pylist()
    return rows


def sections_from(frame: pd.DataFrame, factors: Iterable[str]) -> dict[str, Section]:
    """The section registry by section code."""
    out: dict[str, Section] = {}
    for row in records(frame):
        code = str(row["section"])
        overrides = {f: v for f in factors if isinstance(v := row.get(f"target_{f}"), Decimal)}
        out[code] = Section(
            code,
            str(row.get("name") or code),
            int(str(row["line"])),
            str(row["water_body"]),
            str(row["basin"]),
            str(row["target_class"]),
            str(row["upstream"]),
            str(row["downstream"]),
            overrides,
        )
    return out


def target_for(section: Section, factor: str, standard: QualityStandardTable) -> tuple[Decimal, str] | None:
    """The target concentration and where it comes from, or None if neither override nor limit exists."""
    if factor in section.targets:
        return section.targets[factor], "断面目标"
    limits = standard.limits.get(factor)  # type: ignore[call-overload]
    if limits is None:
        return None
    for body in (section.water_body, "all"):
        if body in limits and section.target_class in limits[body]:
            return limits[body][section.target_class].value, f"{section.target_class}类"
    return None


def band_for(table: WaterCompensationTable, basin: str, factor: str, multiple: Decimal) -> Band | str | None:
    """The highest band whose `above` is strictly below `multiple`; None if no band applies;
    a reason (str) if the table has no bands for this basin and factor."""
    by_factor = table.bands.get(basin)  # type: ignore[call-overload]
    bands: Sequence[Band] | None = None
    if by_factor is not None:
        bands = by_factor.get(factor) or by_factor.get("default")
    if not bands:
        return f"no bands for basin {basin} and factor {factor} (nor default) in the table"
    below = [b for b in bands if b.above.value < multiple]
    return max(below, key=lambda b: b.above.value) if below else None


def month_range(start: date, end: date) -> list[date]:
    """Every first-of-month from `start` to `end`, both included."""
    if (end.year, end.month) < (start.year, start.month):
        raise UsageError(f"the range ends ({end:%Y-%m}) before it starts ({start:%Y-%m})")
    out: list[date] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def parse_month(text: str) -> date:
    """'2018-01' (or 2018/1, 201801) as the first day of that month; `UsageError` otherwise."""
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    if "-" not in cleaned and len(cleaned) == 6:
        cleaned = f"{cleaned[:4]}-{cleaned[4:]}"
    try:
        year, month = (int(part) for part in cleaned.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise UsageError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2018-01") from None


def month_text(month: date) -> str:
    return f"{month.year}年{month.month}月"


def previous(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


@functools.lru_cache(maxsize=8192)
def concentration_text(value: Decimal) -> str:
    """A concentration with at least two decimals and no trailing zeros beyond: 0.30, 0.025, 6.00."""
    plain = value.normalize()
    places = max(2, -plain.as_tuple().exponent)  # type: ignore[operator]
    return f"{value:.{places}f}"


class Monitoring:
    """Measured concentrations per (section, factor, month) and flows per (section, month)."""

    def __init__(self, rows: Sequence[Mapping[str, object]]) -> None:
        self.rows = rows
        self.concentration: dict[tuple[str, str, date], tuple[Decimal, int]] = {}
        self.flows: dict[tuple[str, date], dict[Decimal, list[int]]] = {}
        for row in rows:
            section, month, line = str(row["section"]), row["month"], int(str(row["line"]))
            assert isinstance(month, date)
            value = row["concentration_mg_l"]
            assert isinstance(value, Decimal)
            self.concentration[(section, str(row["factor"]), month)] = (value, line)
            flow = row["flow_10k_m3"]
            lines = self.flows.setdefault((section, month), {})
            if isinstance(flow, Decimal):
                lines.setdefault(flow.normalize(), []).append(line)

    def flow(self, section: str, month: date) -> Decimal | list[Decimal] | None:
        """The month's flow; None if no row gives one; the values if rows disagree."""
        found = self.flows.get((section, month), {})
        if len(found) > 1:
            return sorted(found)
        return next(iter(found), None)

    def fill_concentration(self, section: str, factor: str, month: date, rule: str) -> Filled | str:
        """The measured value, else the substitute `rule` names, else the reason it is missing."""
        found = self.concentration.get((section, factor, month))
        if found is not None:
            return Filled(found[0], found[1])
        what = f"{FACTOR_ZH[factor]}浓度"
        if rule == "previous_month":
            before = self.concentration.get((section, factor, previous(month)))
            return _previous(what, month, None if before is None else before[0])
        if rule == "annual_mean":
            key = (section, factor, month.year)
            year = [v for (s, f, m), (v, _) in self.concentration.items() if (s, f, m.year) == key]
            return _mean(what, month, year)
        return f"no {factor} measurement for section {section} in {month:%Y-%m}"

    def fill_flow(self, section: str, month: date, rule: str) -> Filled | str:
        """The month's flow, else the substitute `rule` names, else the reason it is missing."""
        found = self.flow(section, month)
        if isinstance(found, list):
            values = ", ".join(format(v, "f") for v in found)
            return f"the rows of section {section} for {month:%Y-%m} give different flows: {values}"
        if found is not None:
            return Filled(found, None)
        if rule == "previous_month":
            before = self.flow(section, previous(month))
            return _previous("流量", month, before if isinstance(before, Decimal) else None)
        if rule == "annual_mean":
            year = [
                v
                for (s, m) in self.flows
                if s == section and m.year == month.year and isinstance(v := self.flow(s, m), Decimal)
            ]
            return _mean("流量", month, year)
        return f"no flow for section {section} in {month:%Y-%m} on any of its monitoring rows"


def _previous(what: str, month: date, value: Decimal | None) -> Filled | str:
    if value is None:
        return f"{what} missing for {month:%Y-%m}, and no value in {previous(month):%Y-%m} to substitute"
    return Filled(value, None, f"{what}缺测，按上月（{month_text(previous(month))}）值替代")


def _mean(what: str, month: date, values: Sequence[Decimal]) -> Filled | str:
    if not values:
        return f"{what} missing for {month:%Y-%m}, and no measured value in {month.year} to average"
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        mean = (sum(values, Decimal(0)) / len(values)).quantize(MEASURE, rounding=decimal.ROUND_HALF_UP)
    return Filled(mean, None, f"{what}缺测，按{month.year}年{len(values)}个月实测均值替代")


# --- amounts and explanations ---------------------------------------------------------------

Direction = Literal["upstream_pays", "downstream_pays", "none"]
_number = functools.lru_cache(maxsize=8192)(number_text)  # flows and standards repeat line after line
Party = tuple[str, str]  # (display name, code or codes)


@dataclass(frozen=True)
class Priced:
    """The amount of one cell and what it was computed from."""

    direction: Direction
    amount: Decimal
    standard: Decimal | None  # load: yuan per tonne; banded: the band's amount
    band_above: Decimal | None
    base: Decimal | None  # banded "base_times_one_plus_multiple": the band amount before (1 + multiple)


def plain(value: Decimal) -> Decimal:
    """A quantity without trailing zeros or an exponent: 5.0000000000 -> 5, 5E+2 -> 500."""
    return Decimal(format(value.normalize(), "f")) if value else Decimal(0)


def party_text(name: Callable[[str], str], code: str, shares: Mapping[str, Decimal] | None) -> Party:
    """The upstream or downstream side as shown: a place, or districts with their shares."""
    if not shares:
        return name(code), code
    parts = sorted(shares)
    shown = "、".join(f"{name(d)} {_number(shares[d] * 100)}%" for d in parts)
    return shown, "、".join(parts)


def line_text(
    section: Section,
    month: date,
    factor: str,
    tariff: Tariff,
    table: WaterCompensationTable,
    measured: Decimal,
    target: tuple[Decimal, str],
    flow: Decimal,
    priced: Priced,
    payer: Party,
    receiver: Party,
    notes: str,
) -> str:
    """E.g. 京杭运河九里 2018年3月 总磷 0.30 mg/L − 目标 0.20 mg/L = 0.10 mg/L × 5,000 万m³ ÷ 100 = 5 吨
    × 100,000 元/吨（太湖，苏环办〔2016〕341号）= 500,000.00 元，上游 丹阳市 经省财政 付 下游 …"""
    head = f"{section.name} {month_text(month)} {FACTOR_ZH[factor]} "
    c, t = concentration_text(measured), concentration_text(target[0])
    basis = f"（{BASIN_ZH[section.basin]}，{tariff.header.document}）"
    tail = f"（{notes}）" if notes else ""
    if priced.direction == "none":
        if measured == target[0]:
            return f"{head}{c} mg/L = 目标 {t} mg/L，恰好达标，不发生补偿，金额 0.00 元{tail}"
        if measured < target[0]:
            doc = tariff.header.document
            return f"{head}{c} mg/L < 目标 {t} mg/L，达标；{doc} 不设下游补偿上游，金额 0.00 元{tail}"
    worse = priced.direction == "upstream_pays"
    gap = abs(measured - target[0])
    diff = f"{c} mg/L − 目标 {t} mg/L" if worse else f"目标 {t} mg/L − {c} mg/L"
    diff += f" = {concentration_text(gap)} mg/L"
    if table.method == "load":
        load = plain(gap * flow / 100)
        how = (
            f"{diff} × {_number(flow)} 万m³ ÷ 100 = {_number(load)} 吨 × "
            f"{_number(priced.standard or Decimal(0))} 元/吨{basis}= {amount_text(priced.amount)} 元"
        )
    else:
        multiple = plain((gap / target[0]).quantize(Decimal("0.0001"), rounding=decimal.ROUND_HALF_UP))
        word = "超标倍数" if worse else "优于目标倍数"
        how = f"{diff}，{word} {concentration_text(gap)} ÷ {t} = {_number(multiple)}"
        if priced.band_above is None:
            return f"{head}{how}，未超过最低一档，金额 0.00 元{tail}"
        band = f"，适用倍数 > {_number(priced.band_above)} 档"
        if priced.base is None:
            fixed = _number(priced.standard or Decimal(0))
            how += f"{band}定额 {fixed} 元{basis}= {amount_text(priced.amount)} 元"
        else:
            how += (
                f"{band} {_number(priced.base)} 元 × (1 + {_number(multiple)}){basis}"
                f"= {amount_text(priced.amount)} 元"
            )
    sides = ("上游", "下游") if worse else ("下游", "上游")
    return f"{head}{how}，{sides[0]} {payer[0]} 经省财政 付 {sides[1]} {receiver[0]}{tail}"
