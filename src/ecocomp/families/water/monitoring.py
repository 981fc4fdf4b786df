"""The monitoring data of a water-compensation run per section, factor and month.

References (POLICY.md, family B): compensation is assessed per calendar month on monthly
monitoring (苏政办发〔2013〕195号, 苏环办〔2016〕341号, 苏环办〔2021〕131号); a missing value is
substituted only as the table in force says (`missing_data`: the previous month's value or the
mean of the year's measured months), else it is a problem, never read as zero.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pandas as pd

from ecocomp.codes import FACTOR_ZH
from ecocomp.families.water.rules import columns
from ecocomp.money import Rounding, exact_context
from ecocomp.months import month_zh, previous_month

__all__ = ["Filled", "Monitoring", "Reading"]

MEASURE = Decimal("0.0001")  # the ledgers' scale for concentrations and flows: a mean is kept to it
_MEAN = Rounding(MEASURE, "half_up")
_NO_MONTHS: Mapping[date, int] = {}
_COLUMNS = ("line", "section", "month", "factor", "concentration_mg_l", "flow_10k_m3")  # as in `Reading`


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
            before = self._row(section, factor, previous_month(month))
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
            before = self.flow(section, previous_month(month))
            return _previous("流量", month, before if isinstance(before, Decimal) else None)
        if rule == "annual_mean":
            months = self._year_months.get((section, month.year), [])
            year = [v for m in months if isinstance(v := self.flow(section, m), Decimal)]
            return _mean("流量", month, year)
        return f"no flow for section {section} in {month:%Y-%m} on any of its monitoring rows"


def _previous(what: str, month: date, value: Decimal | None) -> Filled | str:
    if value is None:
        before = previous_month(month)
        return f"{what} missing for {month:%Y-%m}, and no value in {before:%Y-%m} to substitute"
    return Filled(value, None, f"{what}缺测，按上月（{month_zh(previous_month(month))}）值替代")


def _mean(what: str, month: date, values: Sequence[Decimal]) -> Filled | str:
    if not values:
        return f"{what} missing for {month:%Y-%m}, and no measured value in {month.year} to average"
    with exact_context():
        mean = _MEAN.apply(sum(values, Decimal(0)) / len(values))
    return Filled(mean, None, f"{what}缺测，按{month.year}年{len(values)}个月实测均值替代")
