"""Totals of a surcharge run: overall, per enterprise, district, month and rating.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01).

Every total is a sum of the rounded fen of the lines, never a rounding of a sum. Counts and sums
come from bincounts over integer codes (enterprise × rating code, district or month × enterprise),
so a run of ten million bills is summed without a Python loop per bill. What each total rests on
(its `basis`: the union of its lines') comes the same way, from bincounts of the lines' evidence
codes (`evidence`): one union per distinct set of codes, never per bill.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.families.surcharge.amounts import check_sum
from ecocomp.families.surcharge.bills import BillKeys
from ecocomp.families.surcharge.charges import INSTRUMENTS, RATING_KEYS, Charges
from ecocomp.families.surcharge.evidence import (
    LineEvidence,
    evidence_column,
    group_bases,
    presence,
    rating_bases,
    weakest_per_group,
)
from ecocomp.money import decimal_array, yuan
from ecocomp.months import day_date, month_text
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.evidence import Basis

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
    basis: Basis = field(default_factory=Basis)  # every tariff value and rule its lines used


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
    basis: Basis = field(default_factory=Basis)  # what its lines of this rating used, per instrument


@dataclass(frozen=True, eq=False)
class Summary:
    """Every total of a run."""

    totals: Totals
    by_enterprise: pa.Table
    by_district: tuple[GroupTotal, ...]
    by_month: tuple[GroupTotal, ...]
    by_rating: tuple[RatingTotal, ...]


def summarize(
    keys: BillKeys,
    kept: Ints,
    charges: Mapping[str, Charges],
    book: TariffBook,
    code: Int32s,
    evidence: LineEvidence,
) -> Summary:
    """The totals of the bills at `kept` (the charged ones); `code`: per kept bill its evidence
    code (an index into `evidence.bases`)."""
    everything = len(kept) == len(keys.enterprise)
    ent = _pick(keys.enterprise, kept, everything).astype(np.int64)
    fen = {key: _pick(c.fen, kept, everything) for key, c in charges.items()}
    check_sum(*fen.values())
    codes = {
        key: np.where(_pick(c.billed, kept, everything), _pick(c.category, kept, everything), NOT_BILLED)
        for key, c in charges.items()
    }
    size = len(keys.enterprises)
    bases = evidence.bases
    with ThreadPoolExecutor(max_workers=2) as pool:
        per_rating = {k: pool.submit(_by_code, ent, size, codes[k], fen[k]) for k in fen}
        cells = pool.submit(_cell_bases, keys, kept, everything, code, bases)
        per_enterprise = pool.submit(weakest_per_group, ent, size, evidence.rank.take(code))
        e, w = fen["electricity"], fen["sewage"]
        district_bases, month_bases = cells.result()
        groups = [
            pool.submit(_groups, _pick(group, kept, everything), labels, names, ent, size, e, w, based)
            for (group, labels, names), based in zip(
                _groupings(keys, book), (district_bases, month_bases), strict=True
            )
        ]
        matrices = {k: f.result() for k, f in per_rating.items()}
        by_district, by_month = (f.result() for f in groups)
        enterprise_evidence = per_enterprise.result()
    by_enterprise, totals = _by_enterprise(keys.enterprises, matrices, len(kept), enterprise_evidence)
    return Summary(totals, by_enterprise, by_district, by_month, _by_rating(matrices, rating_bases(evidence)))


def _cell_bases(
    keys: BillKeys, kept: Ints, everything: bool, code: Int32s, bases: Sequence[Basis]
) -> tuple[list[Basis], list[Basis]]:
    """The basis of each district and of each month: one count of (district, month, code)."""
    districts, months = len(keys.districts), len(keys.months)
    district = _pick(keys.district, kept, everything).astype(np.int64)
    cell = district * months + _pick(keys.month, kept, everything)
    matrix = presence(cell, districts * months, code, len(bases)).reshape(districts, months, len(bases))
    found = []
    for axis in (1, 0):
        present: npt.NDArray[np.bool_] = np.any(matrix, axis=axis)
        inverse, unions = group_bases(present, bases)
        found.append([unions[i] for i in inverse.tolist()])
    return found[0], found[1]


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
    names: pa.Array,
    matrices: Mapping[str, tuple[Ints, Ints]],
    bills: int,
    evidence: Int8s,
) -> tuple[pa.Table, Totals]:
    """Per enterprise its bills, money and evidence (the weakest over its lines; which values
    those were: `SurchargeResult.enterprise_bases`, for the enterprises a report shows)."""
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
            "evidence": evidence_column(evidence[present]),
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
    bases: Sequence[Basis],
) -> tuple[GroupTotal, ...]:
    """Bills, distinct enterprises and money per district or month."""
    size = len(keys)
    bills, distinct = _counts(group, size, ent, enterprises)
    e, w = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
    np.add.at(e, group, e_fen)
    np.add.at(w, group, w_fen)
    shown = names if names is not None else keys
    rows = [
        GroupTotal(
            keys[i], shown[i], int(bills[i]), int(distinct[i]), *_money(int(e[i]), int(w[i])), bases[i]
        )
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


def _by_rating(
    matrices: Mapping[str, tuple[Ints, Ints]], bases: Mapping[tuple[int, int], Basis]
) -> tuple[RatingTotal, ...]:
    parts = {}
    for key, (counts, sums) in matrices.items():
        parts[key] = (counts.sum(axis=0), np.count_nonzero(counts, axis=0), sums.sum(axis=0))
    rows = []
    for i, rating in enumerate(RATING_KEYS):
        (eb, ee, em), (wb, we, wm) = ([int(a[i]) for a in parts[k]] for k in ("electricity", "sewage"))
        if eb or wb:
            basis = Basis.union(bases.get((n, i), Basis()) for n in range(len(INSTRUMENTS)))
            rows.append(RatingTotal(rating, eb, ee, yuan(em), wb, we, yuan(wm), yuan(em + wm), basis))
    return tuple(rows)
