"""Months of a water-compensation run, and the monitoring data per section, factor and month.

References (POLICY.md, family B): compensation is assessed per calendar month on monthly
monitoring (苏政办发〔2013〕195号, 苏环办〔2016〕341号, 苏环办〔2021〕131号); a missing value is
substituted only as the table in force says (`missing_data`: the previous month's value or the
mean of the year's measured months), else it is a problem, never read as zero.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pandas as pd

from ecocomp.errors import UsageError
from ecocomp.families.water.rules import FACTOR_ZH, columns

__all__ = ["Filled", "Monitoring", "Reading", "month_range", "month_text", "parse_month", "previous"]

MEASURE = Decimal("0.0001")  # the ledgers' scale for concentrations and flows: a mean is kept to it
_NO_MONTHS: Mapping[date, int] = {}
_COLUMNS = ("line", "section", "month", "factor", "concentration_mg_l", "flow_10k_m3")  # as in `Reading`


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


class Filled(NamedTuple):
    """A value for one cell: measured (with its ledger line) or substituted (with a note)."""

    value: Decimal
    line: int | None
    note: str = ""


Reading = tuple[int, str, date, str, Decimal, Decimal | None]  # line, section, month, factor, mg/L, flow


class Monitoring:
    """Measured concentrations per (section, factor, month) and flows per (section, month)."""

    def __init__(self, frame: pd.DataFrame | None) -> None:
        c = columns(frame)
        self.columns = tuple(c.get(name, []) for name in _COLUMNS)
        self.lines: list[int] = self.columns[0]
        self.values: list[Decimal] = self.columns[4]
        self.measured: dict[tuple[str, str], dict[date, int]] = {}  # the row of each month
        self.flows: dict[tuple[str, date], dict[Decimal, list[int]]] = {}
        for row, (line, section, month, factor, _, flow) in enumerate(zip(*self.columns, strict=True)):
            self.measured.setdefault((section, factor), {})[month] = row
            lines = self.flows.setdefault((section, month), {})
            if flow is not None:
                lines.setdefault(flow.normalize(), []).append(line)

    def rows(self) -> Iterator[Reading]:
        """The rows in ledger order."""
        return zip(*self.columns, strict=True)

    def _row(self, section: str, factor: str, month: date) -> int | None:
        return self.measured.get((section, factor), _NO_MONTHS).get(month)

    def flow(self, section: str, month: date) -> Decimal | list[Decimal] | None:
        """The month's flow; None if no row gives one; the values if rows disagree."""
        found = self.flows.get((section, month), {})
        if len(found) > 1:
            return sorted(found)
        return next(iter(found), None)

    @functools.cached_property
    def _year_values(self) -> dict[tuple[str, str, int], list[Decimal]]:
        out: dict[tuple[str, str, int], list[Decimal]] = {}
        for (section, factor), months in self.measured.items():
            for month, row in months.items():
                out.setdefault((section, factor, month.year), []).append(self.values[row])
        return out

    @functools.cached_property
    def _year_months(self) -> dict[tuple[str, int], list[date]]:
        out: dict[tuple[str, int], list[date]] = {}
        for section, month in self.flows:
            out.setdefault((section, month.year), []).append(month)
        return out

    def fill_concentration(self, section: str, factor: str, month: date, rule: str) -> Filled | str:
        """The measured value, else the substitute `rule` names, else the reason it is missing."""
        row = self._row(section, factor, month)
        if row is not None:
            return Filled(self.values[row], self.lines[row])
        what = f"{FACTOR_ZH[factor]}浓度"
        if rule == "previous_month":
            before = self._row(section, factor, previous(month))
            return _previous(what, month, None if before is None else self.values[before])
        if rule == "annual_mean":
            return _mean(what, month, self._year_values.get((section, factor, month.year), []))
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
            months = self._year_months.get((section, month.year), [])
            year = [v for m in months if isinstance(v := self.flow(section, m), Decimal)]
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
