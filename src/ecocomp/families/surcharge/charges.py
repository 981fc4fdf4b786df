"""Per-bill charging: the rating in force, the table's rate for it, and the rounded surcharge.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01).

    electricity_surcharge = round(kWh × rate(rating)),  water_surcharge = round(m3 × rate(rating'))
    rating' = black when red twice in a row (in two rating periods, `ratings.red_repeats`) and
              the table has red_repeat_as_black

An adjustment (退补) row is charged as the month it corrects (`BillKeys.charged_month`): the
rating the enterprise had then and the table then in force; its quantity may be negative, and its
surcharge then rounds half away from zero like any amount (`ecocomp.money.round_units`).

No Python loop runs per bill: the rating in force per (enterprise, lookup day) and the table, rate
row and lookup day per (district, month) cell are small tables, and each chunk of bills only takes
from them and does integer arithmetic (`amounts`, `ecocomp.money`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.codes import COLOURS
from ecocomp.families.surcharge.amounts import round_products
from ecocomp.families.surcharge.bills import BillKeys
from ecocomp.families.surcharge.evidence import KeyLayout
from ecocomp.families.surcharge.plan import Plan
from ecocomp.families.surcharge.ratings import BLACK, RED, RED_REPEAT, UNRATED, History, red_repeats
from ecocomp.money import fixed_point

__all__ = ["CHUNK", "INSTRUMENTS", "RATING_KEYS", "RED_REPEAT", "Charges", "Instrument", "charge_bills"]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Int8s = npt.NDArray[np.int8]
Bools = npt.NDArray[np.bool_]
RATING_KEYS = (*COLOURS, "unrated", "red_repeat")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Instrument:
    """One of the two surcharges: tariff family, quantity column, key in code, names, and the
    prefix of its output columns (part of the export contract: `water_` for the sewage fee)."""

    family: str
    quantity: str
    key: str
    zh: str
    unit_zh: str
    prefix: str


INSTRUMENTS = (
    Instrument(
        "electricity_surcharge", "electricity_kwh", "electricity", "差别电价", "千瓦时", "electricity"
    ),
    Instrument("sewage_surcharge", "water_m3", "sewage", "差别化污水处理费", "立方米", "water"),
)


@dataclass(frozen=True, eq=False)
class Charges:
    """Per-bill results of one instrument, aligned with the bills."""

    plan: Plan
    tariff: Int32s  # index into plan.tariffs, -1 when not billed or no table
    rating: Int32s  # index into the history, -1 when none
    category: Int8s  # colour index, UNRATED or RED_REPEAT
    fen: Ints
    billed: Bools  # the bill has this quantity

    @classmethod
    def empty(cls, plan: Plan, size: int) -> Charges:
        """Room for `size` bills; every slot is written by `_charge`."""
        return cls(
            plan,
            np.empty(size, dtype=np.int32),
            np.empty(size, dtype=np.int32),
            np.empty(size, dtype=np.int8),
            np.empty(size, dtype=np.int64),
            np.empty(size, dtype=np.bool_),
        )


def charge_bills(
    pool: Executor,
    bills: pa.Table,
    keys: BillKeys,
    plans: Mapping[str, Plan],
    history: History,
    step: int,
    progress: Callable[[int, int], None] | None,
    layout: KeyLayout,
) -> tuple[dict[str, Charges], Int32s]:
    """Both instruments of every bill, `step` bills at a time on `pool`'s threads; and per bill
    the pair of its instruments' evidence keys (`evidence.KeyLayout`)."""
    size: int = bills.num_rows
    days = np.unique(np.concatenate([p.lookup.ravel() for p in plans.values()]))
    cells = {key: _Cells.build(plan, days, len(keys.months), history) for key, plan in plans.items()}
    lookup = _Lookup.build(history, days, *keys.rating_keys())
    charges = {key: Charges.empty(plan, size) for key, plan in plans.items()}
    pair = np.empty(size, dtype=np.int32)
    band = np.append(history.band, np.int8(-1)).astype(np.int8)  # rating -1 (none) takes the last
    month = keys.charged_month()  # a 退补 row: the rating and table of the month it corrects

    def chunk(start: int) -> int:
        stop = min(size, start + step)
        part = slice(start, stop)
        cell = keys.district[part] * np.int32(len(keys.months)) + month[part]
        for instrument in INSTRUMENTS:
            quantity = bills.column(instrument.quantity).slice(start, stop - start)
            _charge(charges[instrument.key], cells[instrument.key], quantity, lookup, cell, part)
        pair[part] = _pairs(charges, layout, band, part)
        return stop

    for done in pool.map(chunk, range(0, size, step)):
        if progress is not None:
            progress(done, size)
    return charges, pair


def _pairs(charges: Mapping[str, Charges], layout: KeyLayout, band: Int8s, part: slice) -> Int32s:
    """Per bill of a chunk: the pair of its instruments' evidence keys."""
    pair: Int32s | None = None
    for instrument, size in zip(INSTRUMENTS, layout.sizes, strict=True):
        c = charges[instrument.key]
        tariff, rating = c.tariff[part], c.rating[part]
        key = layout.key(tariff, c.category[part], band.take(rating), c.billed[part] & (tariff >= 0))
        pair = key if pair is None else pair * np.int32(size) + key
    assert pair is not None
    return pair


@dataclass(frozen=True, eq=False)
class _Lookup:
    """The rating in force per (enterprise, lookup day) as a flat table, padded with -1 for "none"."""

    flat: Int32s  # (enterprises + 1) x (days + 1); the last row and column are all -1
    width: int
    base: Ints  # per bill: its enterprise's row offset in `flat` (the padding row when unrated)
    colour: Int8s  # per rating, then UNRATED for index -1

    @classmethod
    def build(cls, history: History, days: Int32s, names: pa.Array, enterprise: Int32s) -> _Lookup:
        """`names`: the bills' distinct enterprises; `enterprise`: per bill, the index into `names`."""
        grid = history.applicable(days)
        padded = np.full((grid.shape[0] + 1, grid.shape[1] + 1), -1, dtype=np.int32)
        padded[:-1, :-1] = grid
        rated = pc.fill_null(pc.index_in(names, value_set=history.enterprises), grid.shape[0])
        rows = np.asarray(rated.to_numpy(), dtype=np.int64) * padded.shape[1]
        colour = np.append(history.colour, np.int8(UNRATED)).astype(np.int8)
        return cls(padded.ravel(), padded.shape[1], rows.take(enterprise), colour)


@dataclass(frozen=True, eq=False)
class _Cells:
    """Per (district, month) cell: table index (-1 none), rate row, lookup-day column, and the
    row of its table in `repeats`: per (table, rating) whether the rating is red twice in a row
    under that table's rating periods (all False for a table without the repeat rule)."""

    table: Int32s
    row: Ints  # the table's row in `rates` (an all-zero row when there is none)
    column: Ints  # column of the lookup day in the `_Lookup` table (the padding column when none)
    repeat_row: Ints  # the table's row offset in `repeats` (an all-False row when there is none)
    rates: Ints  # (tables + 1) x (UNRATED + 1), raveled
    repeats: Bools  # (tables + 1) x (ratings + 1), raveled; each row ends in False (index -1)

    @classmethod
    def build(cls, plan: Plan, days: Int32s, months: int, history: History) -> _Cells:
        table = plan.table_of
        t = np.maximum(table, 0)
        month = np.arange(len(table)) % max(months, 1)
        none = table < 0
        if plan.tariffs:
            column = np.searchsorted(days, plan.lookup[t, month]).astype(np.int64)
        else:
            column = np.zeros(len(table), dtype=np.int64)
        rates = np.vstack([plan.rates.reshape(-1, UNRATED + 1), np.zeros((1, UNRATED + 1), np.int64)])
        row = np.where(none, len(plan.tariffs), t).astype(np.int64)
        size = len(history.start)
        repeats = np.zeros((len(plan.tariffs) + 1, size + 1), dtype=np.bool_)
        for index in range(len(plan.tariffs)):
            model = plan.model(index)
            if model.red_repeat_as_black.value and model.rating_periods is not None:
                repeats[index, :size] = red_repeats(history, model.rating_periods.value)
        return cls(
            table,
            row * (UNRATED + 1),
            np.where(none, len(days), column),
            row * (size + 1),
            rates.ravel(),
            repeats.ravel(),
        )


def _charge(
    out: Charges, cells: _Cells, quantity: pa.ChunkedArray, lookup: _Lookup, cell: Int32s, part: slice
) -> None:
    """Tariff, rating and rounded surcharge of one chunk of bills, written into `out`.

    Only takes from small tables and integer arithmetic; a bill without the quantity, or without a
    table, gets 0 fen (its quantity units are 0, or its rate row is all zero) and is masked later.
    """
    units, billed = fixed_point(quantity, 2)
    table = cells.table.take(cell)
    rating = lookup.flat.take(lookup.base[part] + cells.column.take(cell))
    colour = lookup.colour.take(rating)
    # rating -1 (none) lands on the padding False that ends the row before (or the whole array)
    repeat = cells.repeats.take(cells.repeat_row.take(cell) + rating)
    shift = repeat.view(np.int8)
    rate = cells.rates.take(cells.row.take(cell) + colour + shift * np.int8(BLACK - RED))
    out.tariff[part] = table
    out.rating[part] = rating
    out.category[part] = colour + shift * np.int8(RED_REPEAT - RED)
    out.fen[part] = round_products(units, rate, out.plan.scale, out.plan.rounding, table)
    out.billed[part] = billed
