"""Totals of a surcharge run: overall, per enterprise, district, month and rating.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01).

Every total is a sum of the rounded fen of the lines, never a rounding of a sum. Counts and sums
come from bincounts over integer codes (enterprise × rating code, district or month × enterprise),
so a run of ten million bills is summed without a Python loop per bill.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.families.surcharge.amounts import check_sum
from ecocomp.families.surcharge.bills import BillKeys
from ecocomp.families.surcharge.charges import RATING_KEYS, Charges
from ecocomp.money import decimal_array, yuan
from ecocomp.months import day_date, month_text
from ecocomp.tariffs.book import TariffBook

__all__ = ["GroupTotal", "RatingTotal", "Summary", "Totals", "summarize"]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Int8s = npt.NDArray[np.int8]
Item = TypeVar("Item", bound=np.generic)
NOT_BILLED = len(RATING_KEYS)  # rating code of a bill without this quantity
CODES = NOT_BILLED + 1
_CELLS = 200_000_000  # largest enterprise × group matrix used to count distinct enterprises


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
class Summary:
    """Every total of a run."""

    totals: Totals
    by_enterprise: pa.Table
    by_district: tuple[GroupTotal, ...]
    by_month: tuple[GroupTotal, ...]
    by_rating: tuple[RatingTotal, ...]


def summarize(keys: BillKeys, kept: Ints, charges: Mapping[str, Charges], book: TariffBook) -> Summary:
    """The totals of the bills at `kept` (the charged ones)."""
    everything = len(kept) == len(keys.enterprise)
    ent = _pick(keys.enterprise, kept, everything).astype(np.int64)
    fen = {key: _pick(c.fen, kept, everything) for key, c in charges.items()}
    check_sum(*fen.values())
    codes = {
        key: np.where(_pick(c.billed, kept, everything), _pick(c.category, kept, everything), NOT_BILLED)
        for key, c in charges.items()
    }
    size = len(keys.enterprises)
    with ThreadPoolExecutor(max_workers=2) as pool:
        per_rating = {k: pool.submit(_by_code, ent, size, codes[k], fen[k]) for k in fen}
        e, w = fen["electricity"], fen["sewage"]
        groups = [
            pool.submit(_groups, _pick(group, kept, everything), labels, names, ent, size, e, w)
            for group, labels, names in _groupings(keys, book)
        ]
        matrices = {k: f.result() for k, f in per_rating.items()}
        by_district, by_month = (f.result() for f in groups)
    by_enterprise, totals = _by_enterprise(keys.enterprises, matrices, len(kept))
    return Summary(totals, by_enterprise, by_district, by_month, _by_rating(matrices))


def _pick(values: npt.NDArray[Item], kept: Ints, everything: bool) -> npt.NDArray[Item]:
    return values if everything else values[kept]


def _groupings(keys: BillKeys, book: TariffBook) -> Iterator[tuple[Int32s, list[str], list[str] | None]]:
    """Districts (code, name), then months (2018-07, no separate name)."""
    yield keys.district, keys.districts, [book.places.get(code).name for code in keys.districts]
    yield keys.month, [month_text(day_date(day)) for day in keys.months.tolist()], None


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
    e, w = (matrices[k][1].sum(axis=1) for k in ("electricity", "sewage"))
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
    totals = Totals(*_money(e_total, w_total), bills, len(present))
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
    bills, distinct = _counts(group, size, ent, enterprises)
    e, w = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
    np.add.at(e, group, e_fen)
    np.add.at(w, group, w_fen)
    shown = names if names is not None else keys
    rows = [
        GroupTotal(keys[i], shown[i], int(bills[i]), int(distinct[i]), *_money(int(e[i]), int(w[i])))
        for i in range(size)
        if bills[i]
    ]
    return tuple(sorted(rows, key=lambda g: g.key))


def _counts(group: Int32s, size: int, ent: Ints, enterprises: int) -> tuple[Ints, Ints]:
    """Bills and distinct enterprises per group."""
    if size * max(enterprises, 1) <= _CELLS:
        counts = np.bincount(group.astype(np.int64) * enterprises + ent, minlength=size * enterprises)
        matrix = counts.reshape(size, enterprises)
        return matrix.sum(axis=1), np.count_nonzero(matrix, axis=1)
    pairs = np.unique(group.astype(np.int64) * enterprises + ent)
    return np.bincount(group, minlength=size), np.bincount(pairs // enterprises, minlength=size)


def _money(electricity: int, sewage: int) -> tuple[Decimal, Decimal, Decimal]:
    """Electricity, sewage fee and total in yuan, from fen."""
    return yuan(electricity), yuan(sewage), yuan(electricity + sewage)


def _by_rating(matrices: Mapping[str, tuple[Ints, Ints]]) -> tuple[RatingTotal, ...]:
    parts = {}
    for key, (counts, sums) in matrices.items():
        parts[key] = (counts.sum(axis=0), np.count_nonzero(counts, axis=0), sums.sum(axis=0))
    rows = []
    for i, rating in enumerate(RATING_KEYS):
        (eb, ee, em), (wb, we, wm) = ([int(a[i]) for a in parts[k]] for k in ("electricity", "sewage"))
        if eb or wb:
            rows.append(RatingTotal(rating, eb, ee, yuan(em), wb, we, yuan(wm), yuan(em + wm)))
    return tuple(rows)
