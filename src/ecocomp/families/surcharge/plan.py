"""Which surcharge table applies to each (district, month) of a run, its rates as fixed point.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15, provincial floors), 南京市差别化污水处理费
(2017-01-01): a city's own table applies where it exists and is in force, else the province's.

The table of a bill is the one in force in the bill's month at the nearest place upwards from the
bill's district (district, city, province). Every rate of every table used becomes an integer
number of 10**-S yuan, S the finest rate's number of places, so that rates multiply exactly. The
rate row's last column (UNRATED) is what a bill with no rating in force pays: 0, or under
``unrated = "as:<colour>"`` that colour's rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from ecocomp.errors import MoneyError
from ecocomp.families.surcharge.ratings import COLOUR_INDEX, UNRATED, lookup_days, model_of
from ecocomp.families.surcharge.tables import SurchargeTable, unrated_colour
from ecocomp.money import Rounding
from ecocomp.months import day_date
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.files import Tariff

__all__ = ["Plan", "plan_tables"]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Plan:
    """The tables of one family for every (district, month) of a run, rates as fixed point."""

    family: str
    tariffs: tuple[Tariff, ...]
    table_of: Int32s  # [district * months + month] -> index into tariffs, -1 when none in force
    lookup: Int32s  # [tariff, month] -> the day whose rating applies (days since 1970-01-01)
    rates: Ints  # [tariff, colour index or UNRATED] in units of 10**-scale yuan
    scale: int
    repeat_as_black: Bools
    unrated_error: Bools
    rounding: tuple[Rounding, ...]  # per tariff: quantum and mode

    def model(self, index: int) -> SurchargeTable:
        return model_of(self.tariffs[index], SurchargeTable)


def plan_tables(family: str, book: TariffBook, districts: Sequence[str], months: Int32s) -> Plan:
    """For each district and month: the nearest place upwards with a `family` table in force."""
    tariffs, table_of = _tables_in_force(family, book, districts, months)
    models = [model_of(t, SurchargeTable) for t in tariffs]
    lookup = np.array(
        [lookup_days(model.rating_rule.value, months) for model in models] or np.zeros((0, len(months))),
        dtype=np.int32,
    ).reshape(len(models), len(months))
    scale, rates = _rates(models, [t.id for t in tariffs])
    repeat = np.array([m.red_repeat_as_black.value for m in models], dtype=np.bool_)
    error = np.array([m.unrated.value == "error" for m in models], dtype=np.bool_)
    rounding = tuple(Rounding(t.header.rounding.quantum, t.header.rounding.mode) for t in tariffs)
    return Plan(family, tuple(tariffs), table_of, lookup, rates, scale, repeat, error, rounding)


def _tables_in_force(
    family: str, book: TariffBook, districts: Sequence[str], months: Int32s
) -> tuple[list[Tariff], Int32s]:
    """The distinct tables used (in order of first use) and per (district, month) cell the index of
    its table, -1 when none is in force."""
    used: dict[str, int] = {}
    tariffs: list[Tariff] = []
    table_of = np.full(len(districts) * len(months), -1, dtype=np.int32)
    versions: dict[str, list[Tariff]] = {}
    for d, code in enumerate(districts):
        chain = _ancestors(book, code)
        for m, day in enumerate(months.tolist()):
            found = _first_in_force(book, family, chain, day_date(day), versions)
            if found is not None:
                table_of[d * len(months) + m] = used.setdefault(found.id, len(used))
                if len(tariffs) < len(used):
                    tariffs.append(found)
    return tariffs, table_of


def _ancestors(book: TariffBook, code: str) -> list[str]:
    chain: list[str] = []
    place = book.places.find(code)
    while place is not None and place.code not in chain:
        chain.append(place.code)
        place = book.places.find(place.parent) if place.parent else None
    return chain


def _first_in_force(
    book: TariffBook, family: str, chain: Sequence[str], day: date, cache: dict[str, list[Tariff]]
) -> Tariff | None:
    for code in chain:
        if code not in cache:
            cache[code] = book.versions(family, code)
        for tariff in cache[code]:
            if tariff.covers(day):
                return tariff
    return None


def _rates(models: Sequence[SurchargeTable], ids: Sequence[str]) -> tuple[int, Ints]:
    """Every rate as an integer number of 10**-scale yuan; the scale is the finest rate's."""
    values = [v.value for m in models for v in m.rates.values()]
    scale = max([0, *(-int(v.normalize().as_tuple().exponent) for v in values)])
    rates = np.zeros((len(models), UNRATED + 1), dtype=np.int64)
    for t, model in enumerate(models):
        for colour, value in model.rates.items():
            units = value.value.scaleb(scale)
            if units != units.to_integral_value() or abs(units) > 2**62:
                raise MoneyError(f"rate {value.value} of {ids[t]} cannot be used as exact fixed point")
            rates[t, COLOUR_INDEX[colour]] = int(units)
        charged_as = unrated_colour(model.unrated.value)
        if charged_as is not None:
            rates[t, UNRATED] = rates[t, COLOUR_INDEX[charged_as]]
    return scale, rates
