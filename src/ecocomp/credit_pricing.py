"""Differentiated electricity and sewage prices by environmental credit (差别电价, 差别化污水处理费).

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15, provincial floors), 南京市差别化污水处理费
(2017-01-01), 《江苏省企业环保信用评价暂行办法》 (2019 score bands).

    electricity_surcharge = round(kWh × rate(rating)),  water_surcharge = round(m3 × rate(rating'))
    rating' = black when red twice in a row and the table has red_repeat_as_black

Which table and which rating: `ecocomp.credit_rules` (the nearest place upwards from the bill's
district with a table in force; the rating by the table's rule). Rounding: the table's rule.

Bills come by the million, so everything runs on whole columns: quantities and rates as scaled
int64 fixed point (quantities in 0.01 units, rates in 10**-S yuan), each chunk's products
checked against int64 overflow (Python integers are used for a chunk that could overflow),
rounding by integer division. No binary float touches money; no Python loop runs per bill
(only per rejected bill, to word its message). Totals are sums of the rounded fen of the lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.credit_rules import (
    BLACK,
    RED,
    RULE_TEXT,
    UNRATED,
    History,
    Plan,
    build_history,
    fixed_point,
    plan_tables,
)
from ecocomp.errors import LedgerIssue, MoneyError
from ecocomp.tariff_book import TariffBook
from ecocomp.tariff_files import Tariff
from ecocomp.tariff_models import COLOURS

__all__ = [
    "CHUNK",
    "INSTRUMENTS",
    "RATING_KEYS",
    "Charges",
    "GroupTotal",
    "Instrument",
    "RatingTotal",
    "SurchargeResult",
    "Totals",
    "compute_surcharge",
    "decimal_array",
]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Int8s = npt.NDArray[np.int8]
Bools = npt.NDArray[np.bool_]
RED_REPEAT = UNRATED + 1
RATING_KEYS = (*COLOURS, "unrated", "red_repeat")
CHUNK = 1 << 20
_INT64_MAX = int(np.iinfo(np.int64).max)
_EPOCH = date(1970, 1, 1)
_CELLS = 200_000_000  # largest enterprise × group matrix used to count distinct enterprises
NOT_BILLED = len(RATING_KEYS)  # rating code of a bill without this quantity
CODES = NOT_BILLED + 1


@dataclass(frozen=True)
class Instrument:
    """One of the two surcharges: tariff family, quantity column, output prefix, names."""

    family: str
    quantity: str
    key: str
    zh: str
    unit_zh: str


INSTRUMENTS = (
    Instrument("electricity_surcharge", "electricity_kwh", "electricity", "差别电价", "千瓦时"),
    Instrument("sewage_surcharge", "water_m3", "water", "差别化污水处理费", "立方米"),
)


@dataclass(frozen=True)
class Totals:
    electricity_surcharge: Decimal
    water_surcharge: Decimal
    total: Decimal
    bills: int
    enterprises: int


@dataclass(frozen=True)
class GroupTotal:
    """Totals of one district or month."""

    key: str
    name: str
    bills: int
    enterprises: int
    electricity_surcharge: Decimal
    water_surcharge: Decimal
    total: Decimal


@dataclass(frozen=True)
class RatingTotal:
    """Bills, enterprises and money per rating (red_repeat: red twice in a row, charged as black)."""

    rating: str
    electricity_bills: int
    electricity_enterprises: int
    electricity_surcharge: Decimal
    water_bills: int
    water_enterprises: int
    water_surcharge: Decimal
    total: Decimal


@dataclass(frozen=True, eq=False)
class Charges:
    """Per-bill results of one instrument, aligned with the bills."""

    plan: Plan
    tariff: Int32s  # index into plan.tariffs, -1 when not billed or no table
    rating: Int32s  # index into the history, -1 when none
    category: Int8s  # colour index, UNRATED or RED_REPEAT
    fen: Ints
    billed: Bools  # the bill has this quantity


@dataclass(frozen=True, eq=False)
class SurchargeResult:
    """A whole run: the bills, per-bill charges, totals, and the rows that could not be charged."""

    bills: pa.Table
    kept: Ints  # positions in `bills` of the charged bills (the others are in `rejected`)
    enterprise: Int32s  # per bill: index into `enterprises`
    enterprises: pa.Array
    month: Int32s  # per bill: index into `months`
    months: Int32s  # first day of each month (days since 1970-01-01)
    charges: Mapping[str, Charges]
    history: History
    totals: Totals
    by_enterprise: pa.Table
    by_district: tuple[GroupTotal, ...]
    by_month: tuple[GroupTotal, ...]
    by_rating: tuple[RatingTotal, ...]
    rejected: tuple[LedgerIssue, ...]
    tariffs: tuple[Tariff, ...]
    warnings: tuple[str, ...]

    def line_batches(self, size: int = CHUNK) -> Iterator[pa.RecordBatch]:
        """The bill lines in batches: input columns, then rating, tariff and surcharge per instrument."""
        for start in range(0, max(len(self.kept), 1), max(1, size)):
            yield self.line_batch(self.kept[start : start + size])

    def lines(self) -> pa.Table:
        """Every bill line as one table (for small runs and tests)."""
        return pa.Table.from_batches(list(self.line_batches()))

    def line_batch(self, positions: Ints) -> pa.RecordBatch:
        """The lines of the bills at `positions`."""
        contiguous = len(positions) and positions[-1] - positions[0] + 1 == len(positions)
        if contiguous:
            given = self.bills.slice(int(positions[0]), len(positions))
        else:
            given = self.bills.take(pa.array(positions, pa.int64()))
        columns = {name: given.column(name).combine_chunks() for name in given.column_names}
        for instrument in INSTRUMENTS:
            columns |= _line_columns(instrument.key, self.charges[instrument.key], self.history, positions)
        return pa.RecordBatch.from_pydict(columns)

    def explain(self, names: Sequence[str]) -> dict[str, str]:
        """Which ratings applied when, under which table, for each enterprise named (not per bill)."""
        wanted = pc.index_in(self.enterprises, value_set=pa.array(list(names), pa.string()))
        chosen = np.asarray(pc.fill_null(wanted, -1).to_numpy(), dtype=np.int64)
        rows = self.kept[chosen[self.enterprise[self.kept]] >= 0]
        rows = rows[np.lexsort((self.month[rows], self.enterprise[rows]))]
        texts: dict[str, list[str]] = {}
        for instrument in INSTRUMENTS:
            for name, text in _segments(self, instrument, rows):
                texts.setdefault(name, []).append(text)
        return {name: "；".join(texts.get(name, ["无计费账单"])) for name in names}


def compute_surcharge(
    bills: pd.DataFrame | pa.Table,
    ratings: pd.DataFrame | pa.Table,
    *,
    book: TariffBook,
    sources: Mapping[str, str] | None = None,
    chunk_size: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> SurchargeResult:
    """Both surcharges of every bill (frames as `read_ledger` gives them), `chunk_size` bills at a time.

    A bill whose table or rating is missing (where the table makes that an error) is rejected with
    a reason, never charged on a guess; so is a rating whose score has no colour.
    """
    names = {"bills": "bills", "ratings": "ratings", **(sources or {})}
    bill_table, rating_table = _arrow(bills), _arrow(ratings)
    size: int = bill_table.num_rows
    step = max(1, chunk_size)
    with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow and numpy release the GIL: use both cores
        encoding = pool.submit(pc.dictionary_encode, bill_table.column("enterprise").combine_chunks())
        history, issues = build_history(rating_table, book, names["ratings"])
        district, districts = _codes(bill_table.column("district"))
        month, months = _months(bill_table.column("month"))
        plans = {i.key: plan_tables(i.family, book, districts, months) for i in INSTRUMENTS}
        days = np.unique(np.concatenate([p.lookup.ravel() for p in plans.values()]))
        cells = {key: _Cells.build(plan, days, len(months)) for key, plan in plans.items()}
        encoded = encoding.result()
        enterprise = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
        lookup = _Lookup.build(history, days, encoded.dictionary, enterprise)
        charges = {key: _empty(plan, size) for key, plan in plans.items()}

        def chunk(start: int) -> int:
            stop = min(size, start + step)
            part = slice(start, stop)
            cell = district[part] * np.int32(len(months)) + month[part]
            for instrument in INSTRUMENTS:
                quantity = bill_table.column(instrument.quantity).slice(start, stop - start)
                _charge(charges[instrument.key], cells[instrument.key], quantity, lookup, cell, part)
            return stop

        for done in pool.map(chunk, range(0, size, step)):
            if progress is not None:
                progress(done, size)
    problems = _bill_issues(bill_table, charges, districts, district, months, month, book, names["bills"])
    rejected = np.zeros(bill_table.num_rows, dtype=np.bool_)
    rejected[[p for p, _ in problems]] = True
    kept = np.flatnonzero(~rejected).astype(np.int64)
    tariffs = {t.id: t for plan in plans.values() for t in plan.tariffs}
    return _result(
        bill_table,
        kept,
        (enterprise, encoded.dictionary, district, districts, month, months),
        charges,
        history,
        tuple(issues) + tuple(issue for _, issue in problems),
        tuple(tariffs[k] for k in sorted(tariffs)),
        book,
    )


def decimal_array(units: Ints, scale: int = 2, valid: Bools | None = None) -> pa.Array:
    """int64 units of 10**-scale as an exact Arrow decimal128(38, scale) column (null where not valid)."""
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63
    mask = None if valid is None else pa.array(valid, pa.bool_()).buffers()[1]
    nulls = 0 if valid is None else int(len(units) - np.count_nonzero(valid))
    return pa.Array.from_buffers(
        pa.decimal128(38, scale), len(units), [mask if nulls else None, pa.py_buffer(words)], nulls
    )


# --- per bill ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Lookup:
    """The rating in force per (enterprise, lookup day) as a flat table, padded with -1 for "none"."""

    flat: Int32s  # (enterprises + 1) x (days + 1); the last row and column are all -1
    width: int
    base: Ints  # per bill: its enterprise's row offset in `flat` (the padding row when unrated)
    colour: Int8s  # per rating, then UNRATED for index -1
    previous_red: Bools  # per rating, then False for index -1

    @classmethod
    def build(cls, history: History, days: Int32s, names: pa.Array, enterprise: Int32s) -> _Lookup:
        """`names`: the bills' distinct enterprises; `enterprise`: per bill, the index into `names`."""
        grid = history.applicable(days)
        padded = np.full((grid.shape[0] + 1, grid.shape[1] + 1), -1, dtype=np.int32)
        padded[:-1, :-1] = grid
        rated = pc.fill_null(pc.index_in(names, value_set=history.enterprises), grid.shape[0])
        rows = np.asarray(rated.to_numpy(), dtype=np.int64) * padded.shape[1]
        colour = np.append(history.colour, np.int8(UNRATED)).astype(np.int8)
        previous = np.append(history.previous_red, False)
        return cls(padded.ravel(), padded.shape[1], rows.take(enterprise), colour, previous)


@dataclass(frozen=True, eq=False)
class _Cells:
    """Per (district, month) cell: table index (-1 none), rate row, lookup-day column, repeat rule."""

    table: Int32s
    row: Ints  # the table's row in `rates` (an all-zero row when there is none)
    column: Ints  # column of the lookup day in the `_Lookup` table (the padding column when none)
    repeat: Bools
    rates: Ints  # (tables + 1) x (UNRATED + 1), raveled

    @classmethod
    def build(cls, plan: Plan, days: Int32s, months: int) -> _Cells:
        table = plan.table_of
        t = np.maximum(table, 0)
        month = np.arange(len(table)) % max(months, 1)
        none = table < 0
        if plan.tariffs:
            column = np.searchsorted(days, plan.lookup[t, month]).astype(np.int64)
            repeat = plan.repeat_as_black[t] & ~none
        else:
            column, repeat = np.zeros(len(table), dtype=np.int64), np.zeros(len(table), dtype=np.bool_)
        rates = np.vstack([plan.rates.reshape(-1, UNRATED + 1), np.zeros((1, UNRATED + 1), np.int64)])
        return cls(
            table,
            np.where(none, len(plan.tariffs), t).astype(np.int64) * (UNRATED + 1),
            np.where(none, len(days), column),
            repeat,
            rates.ravel(),
        )


def _arrow(frame: pd.DataFrame | pa.Table) -> pa.Table:
    if isinstance(frame, pa.Table):
        return frame
    return pa.Table.from_pandas(frame, preserve_index=False)


def _codes(column: pa.ChunkedArray) -> tuple[Int32s, list[str]]:
    encoded = pc.dictionary_encode(column.combine_chunks())
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    return indices, [str(v) for v in encoded.dictionary.to_pylist()]


def _months(column: pa.ChunkedArray) -> tuple[Int32s, Int32s]:
    """Per bill the index of its month, and the first day of each month present."""
    days = np.asarray(pc.cast(column, pa.int32()).to_numpy(), dtype=np.int32)
    if not len(days):
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    low, high = int(days.min()), int(days.max())
    if high - low > 1_000_000:  # a span of millennia: a slow but general route
        distinct, inverse = np.unique(days, return_inverse=True)
    else:
        present = np.flatnonzero(np.bincount(days - low))
        distinct = (present + low).astype(np.int32)
        inverse = np.zeros(high - low + 1, dtype=np.int32)
        inverse[present] = np.arange(len(present), dtype=np.int32)
        inverse = inverse.take(days - low)
    number = distinct.astype("datetime64[D]").astype("datetime64[M]")
    month_of_day = number.astype(np.int64)
    firsts_number, day_to_month = np.unique(month_of_day, return_inverse=True)
    firsts = firsts_number.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)
    return day_to_month.astype(np.int32).take(inverse), firsts


def _empty(plan: Plan, size: int) -> Charges:
    return Charges(
        plan,
        np.empty(size, dtype=np.int32),  # every slot is written by `_charge`
        np.empty(size, dtype=np.int32),
        np.empty(size, dtype=np.int8),
        np.empty(size, dtype=np.int64),
        np.empty(size, dtype=np.bool_),
    )


def _charge(out: Charges, cells: _Cells, quantity: pa.ChunkedArray, lookup: _Lookup, cell: Int32s,
            part: slice) -> None:  # fmt: skip
    """Tariff, rating and rounded surcharge of one chunk of bills, written into `out`.

    Only takes from small tables and integer arithmetic; a bill without the quantity, or without a
    table, gets 0 fen (its quantity units are 0, or its rate row is all zero) and is masked later.
    """
    units, billed = fixed_point(quantity, 2)
    table = cells.table.take(cell)
    rating = lookup.flat.take(lookup.base[part] + cells.column.take(cell))
    colour = lookup.colour.take(rating)
    repeat = (colour == RED) & lookup.previous_red.take(rating) & cells.repeat.take(cell)
    shift = repeat.view(np.int8)
    rate = cells.rates.take(cells.row.take(cell) + colour + shift * np.int8(BLACK - RED))
    out.tariff[part] = table
    out.rating[part] = rating
    out.category[part] = colour + shift * np.int8(RED_REPEAT - RED)
    out.fen[part] = _amounts(units, rate, out.plan, table)
    out.billed[part] = billed


def _amounts(units: Ints, rate: Ints, plan: Plan, table: Int32s) -> Ints:
    """Round (quantity units × rate units) to each table's quantum; the result in fen."""
    wide = bool(len(units)) and int(units.max()) * int(rate.max(initial=0)) > _INT64_MAX
    product: npt.NDArray[np.generic] = units.astype(object) * rate.astype(object) if wide else units * rate
    fen = np.zeros(len(units), dtype=np.int64)
    rules = {(t.header.rounding.quantum, t.header.rounding.mode) for t in plan.tariffs}
    for quantum, mode in sorted(rules):
        exponent = _quantum_exponent(quantum)
        members = [i for i, t in enumerate(plan.tariffs) if t.header.rounding.quantum == quantum]
        members = [i for i in members if plan.tariffs[i].header.rounding.mode == mode]
        chosen = np.isin(table, members) if len(rules) > 1 else np.ones(len(units), dtype=np.bool_)
        rounded = _round(product[chosen], 10 ** (2 + plan.scale + exponent), mode) * 10 ** (exponent + 2)
        if wide and len(rounded) and max(abs(int(v)) for v in (rounded.max(), rounded.min())) > _INT64_MAX:
            raise MoneyError("a surcharge line exceeds 92,233,720,368,547,758.07 yuan; check the quantities")
        fen[chosen] = rounded.astype(np.int64)
    return fen


def _quantum_exponent(quantum: Decimal) -> int:
    sign, digits, exponent = quantum.normalize().as_tuple()
    if sign or digits != (1,) or not isinstance(exponent, int) or exponent < -2:
        raise MoneyError(f"rounding quantum {quantum}: only 0.01, 0.1, 1, 10 ... yuan can be used here")
    return exponent


def _round(values: Any, divisor: int, mode: str) -> Any:
    """Integer division by `divisor` with the tariff's rounding mode (signs handled symmetrically)."""
    if mode == "half_up" and divisor % 2 == 0 and (not len(values) or values.min() >= 0):
        return (values + divisor // 2) // divisor  # the usual case: non-negative, quantum a power of ten
    magnitude = np.abs(values)
    quotient, remainder = np.divmod(magnitude, divisor)
    twice = remainder * 2
    if mode == "half_up":
        quotient = quotient + (twice >= divisor)
    elif mode == "half_even":
        quotient = quotient + ((twice > divisor) | ((twice == divisor) & (quotient % 2 == 1)))
    elif mode == "up":
        quotient = quotient + (remainder > 0)
    return np.where(values < 0, -quotient, quotient)


def _line_columns(key: str, charges: Charges, history: History, positions: Ints) -> dict[str, pa.Array]:
    billed = charges.billed[positions]
    rating = np.where(billed, charges.rating[positions], -1)
    category = charges.category[positions]
    colour = np.where(category == RED_REPEAT, RED, category)
    names = pa.array([*COLOURS, "unrated"], pa.string())
    ids = pa.array([t.id for t in charges.plan.tariffs] or [""], pa.string())
    tariff = charges.tariff[positions]
    has_rating = rating >= 0
    lines = history.line[np.maximum(rating, 0)] if len(history.line) else np.zeros(len(rating), np.int64)
    return {
        f"{key}_rating": pa.DictionaryArray.from_arrays(pa.array(colour, pa.int8(), mask=~billed), names),
        f"{key}_red_repeat": pa.array(category == RED_REPEAT, pa.bool_(), mask=~billed),
        f"{key}_rating_line": pa.array(lines, pa.int64(), mask=~has_rating),
        f"{key}_tariff": pa.DictionaryArray.from_arrays(
            pa.array(np.maximum(tariff, 0), pa.int32(), mask=(tariff < 0) | ~billed), ids
        ),
        f"{key}_surcharge": decimal_array(charges.fen[positions], 2, billed & (tariff >= 0)),
    }


def _bill_issues(
    bills: pa.Table,
    charges: Mapping[str, Charges],
    districts: Sequence[str],
    district: Int32s,
    months: Int32s,
    month: Int32s,
    book: TariffBook,
    source: str,
) -> list[tuple[int, LedgerIssue]]:
    """(position, issue) for every bill with no table in force or no rating where one is required."""
    found: list[tuple[int, LedgerIssue]] = []
    for instrument in INSTRUMENTS:
        c = charges[instrument.key]
        plan = c.plan
        error = plan.unrated_error[np.maximum(c.tariff, 0)] if plan.tariffs else np.zeros(len(c.tariff), bool)
        no_table = np.flatnonzero(c.billed & (c.tariff < 0))
        unrated = np.flatnonzero(c.billed & (c.tariff >= 0) & (c.rating < 0) & error)
        for row in no_table.tolist():
            place = book.places.get(districts[district[row]])
            text = f"{_month_text(months[month[row]])} {instrument.zh}"
            message = (
                f"no {instrument.family} table is in force for {place.name} ({place.code}) or the places "
                f"above it in {text.split()[0]}; add a table with --tariffs or correct the month"
            )
            found.append((row, _issue(bills, row, source, "month", "no_tariff", message)))
        for row in unrated.tolist():
            t = plan.tariffs[int(c.tariff[row])]
            rule = plan.model(int(c.tariff[row])).rating_rule
            day = _EPOCH + timedelta(days=int(plan.lookup[int(c.tariff[row]), month[row]]))
            message = (
                f"no rating is in force on {day} ({RULE_TEXT[rule]}, {t.id}) for this "
                f"{_month_text(months[month[row]])} {instrument.zh}; add the rating to the ratings ledger "
                "(a list published late may apply back) or correct the enterprise name"
            )
            found.append((row, _issue(bills, row, source, "enterprise", "unrated", message)))
    return sorted(found, key=lambda pair: (pair[1].line, pair[1].code))


def _issue(bills: pa.Table, row: int, source: str, column: str, code: str, message: str) -> LedgerIssue:
    value = bills.column(column)[row].as_py()
    text = _month_text((value - _EPOCH).days) if isinstance(value, date) else str(value)
    return LedgerIssue(source, int(bills.column("line")[row].as_py()), column, text, code, message)


def _month_text(day: int | np.integer) -> str:
    return f"{_EPOCH + timedelta(days=int(day)):%Y-%m}"


# --- totals ------------------------------------------------------------------------------------


def _result(
    bills: pa.Table,
    kept: Ints,
    keys: tuple[Int32s, pa.Array, Int32s, list[str], Int32s, Int32s],
    charges: Mapping[str, Charges],
    history: History,
    rejected: tuple[LedgerIssue, ...],
    tariffs: tuple[Tariff, ...],
    book: TariffBook,
) -> SurchargeResult:
    enterprise, enterprises, district, districts, month, months = keys
    everything = len(kept) == len(enterprise)
    pick: Callable[[Any], Any] = (lambda a: a) if everything else (lambda a: a[kept])
    ent = pick(enterprise).astype(np.int64)
    fen = {key: pick(c.fen) for key, c in charges.items()}
    _check_sum(*fen.values())
    codes = {key: np.where(pick(c.billed), pick(c.category), NOT_BILLED) for key, c in charges.items()}
    size = len(enterprises)
    with ThreadPoolExecutor(max_workers=2) as pool:
        per_rating = {k: pool.submit(_by_code, ent, size, codes[k], fen[k]) for k in fen}
        groups = [
            pool.submit(_groups, pick(g), keys_, names_, ent, size, fen["electricity"], fen["water"])
            for g, keys_, names_ in (
                (district, districts, [book.places.get(code).name for code in districts]),
                (month, [_month_text(day) for day in months.tolist()], None),
            )
        ]
        matrices = {k: f.result() for k, f in per_rating.items()}
        by_district, by_month = (f.result() for f in groups)
    by_enterprise, totals = _by_enterprise(enterprises, matrices, len(kept))
    warnings = tuple(
        f"{t.id} ({t.header.document}) is provisional: {', '.join(t.provisional_values()) or t.header.note}"
        for t in tariffs
        if t.header.status == "provisional"
    )
    return SurchargeResult(
        bills,
        kept,
        enterprise,
        enterprises,
        month,
        months,
        charges,
        history,
        totals,
        by_enterprise,
        by_district,
        by_month,
        _by_rating(matrices),
        rejected,
        tariffs,
        warnings,
    )


def _check_sum(*columns: Ints) -> None:
    """Refuse totals that could overflow int64 (far beyond any real bill run)."""
    bound = sum(int(c.max(initial=0)) * len(c) - int(c.min(initial=0)) * len(c) for c in columns)
    if bound > _INT64_MAX:
        raise MoneyError("the surcharge totals could exceed 64-bit fixed point; split the run")


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _by_code(ent: Ints, enterprises: int, code: Int8s, fen: Ints) -> tuple[Ints, Ints]:
    """Bills and fen per (enterprise, rating code) as enterprises x CODES matrices."""
    key = ent * CODES + code
    counts = np.bincount(key, minlength=enterprises * CODES).reshape(enterprises, CODES)
    sums = np.zeros(enterprises * CODES, dtype=np.int64)
    np.add.at(sums, key, fen)
    return counts.astype(np.int64), sums.reshape(enterprises, CODES)


def _by_enterprise(
    names: pa.Array, matrices: Mapping[str, tuple[Ints, Ints]], bills: int
) -> tuple[pa.Table, Totals]:
    count = matrices["electricity"][0].sum(axis=1)  # every bill has one code, billed or not
    e, w = (matrices[k][1].sum(axis=1) for k in ("electricity", "water"))
    present = np.flatnonzero(count)
    table = pa.table(
        {
            "enterprise": names.take(pa.array(present)),
            "bills": pa.array(count[present], pa.int64()),
            "electricity_surcharge": decimal_array(e[present]),
            "water_surcharge": decimal_array(w[present]),
            "total": decimal_array(e[present] + w[present]),
        }
    )
    e_total, w_total = int(e.sum()), int(w.sum())
    totals = Totals(_yuan(e_total), _yuan(w_total), _yuan(e_total + w_total), bills, len(present))
    return table.take(pc.sort_indices(table, [("enterprise", "ascending")])), totals


def _groups(
    group: Int32s,
    keys: Sequence[str],
    names: Sequence[str] | None,
    ent: Ints,
    enterprises: int,
    e_fen: Ints,
    w_fen: Ints,
) -> tuple[GroupTotal, ...]:
    """Bills, distinct enterprises and money per district or month."""
    size = len(keys)
    if size * max(enterprises, 1) <= _CELLS:
        counts = np.bincount(group.astype(np.int64) * enterprises + ent, minlength=size * enterprises)
        matrix = counts.reshape(size, enterprises)
        bills, distinct = matrix.sum(axis=1), np.count_nonzero(matrix, axis=1)
    else:
        pairs = np.unique(group.astype(np.int64) * enterprises + ent)
        bills = np.bincount(group, minlength=size)
        distinct = np.bincount(pairs // enterprises, minlength=size)
    e, w = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
    np.add.at(e, group, e_fen)
    np.add.at(w, group, w_fen)
    shown = names if names is not None else keys
    rows = [
        GroupTotal(
            keys[i],
            shown[i],
            int(bills[i]),
            int(distinct[i]),
            _yuan(int(e[i])),
            _yuan(int(w[i])),
            _yuan(int(e[i]) + int(w[i])),
        )
        for i in range(size)
        if bills[i]
    ]
    return tuple(sorted(rows, key=lambda g: g.key))


def _by_rating(matrices: Mapping[str, tuple[Ints, Ints]]) -> tuple[RatingTotal, ...]:
    parts = {}
    for key, (counts, sums) in matrices.items():
        parts[key] = (counts.sum(axis=0), np.count_nonzero(counts, axis=0), sums.sum(axis=0))
    rows = []
    for i, rating in enumerate(RATING_KEYS):
        (eb, ee, em), (wb, we, wm) = ([int(a[i]) for a in parts[k]] for k in ("electricity", "water"))
        if eb or wb:
            rows.append(RatingTotal(rating, eb, ee, _yuan(em), wb, we, _yuan(wm), _yuan(em + wm)))
    return tuple(rows)


# --- explanations ------------------------------------------------------------------------------


def _segments(result: SurchargeResult, instrument: Instrument, rows: Ints) -> Iterator[tuple[str, str]]:
    """Per enterprise, runs of consecutive bills with the same rating, table and charge basis."""
    c = result.charges[instrument.key]
    rows = rows[c.billed[rows]]
    if not len(rows):
        return
    state = np.stack([result.enterprise[rows], c.rating[rows], c.tariff[rows], c.category[rows]], axis=1)
    breaks = np.flatnonzero(np.any(state[1:] != state[:-1], axis=1)) + 1
    for run in np.split(np.arange(len(rows)), breaks):
        first, last = rows[run[0]], rows[run[-1]]
        name = str(result.enterprises[int(result.enterprise[first])].as_py())
        amount = _yuan(int(c.fen[rows[run]].sum()))
        yield name, _segment_text(result, instrument, c, int(first), int(last), amount)


def _segment_text(
    result: SurchargeResult, instrument: Instrument, c: Charges, first: int, last: int, amount: Decimal
) -> str:
    span = (
        f"{_month_text(result.months[result.month[first]])}至{_month_text(result.months[result.month[last]])}"
    )
    zh = {"green": "绿色", "blue": "蓝色", "yellow": "黄色", "red": "红色", "black": "黑色"}
    category, rating = int(c.category[first]), int(c.rating[first])
    if rating < 0:
        basis = "未评价"
    else:
        h = result.history
        start = _EPOCH + timedelta(days=int(h.start[rating]))
        how = h.basis(rating)
        how = f"，{how}" if how else ""
        basis = f"{zh[COLOURS[int(h.colour[rating])]]}（评价台账第{int(h.line[rating])}行，{start}起{how}）"
        if category == RED_REPEAT:
            basis += "，连续两次红色按黑色计"
    t = int(c.tariff[first])
    tariff = c.plan.tariffs[t]
    charged = BLACK if category == RED_REPEAT else min(category, UNRATED)
    rate = Decimal(int(c.plan.rates[t, charged])).scaleb(-c.plan.scale).normalize()
    return (
        f"{instrument.zh} {span} {basis} × {rate:f} 元/{instrument.unit_zh}"
        f"（{tariff.id}，{tariff.header.document}）= {amount:,.2f} 元"
    )
