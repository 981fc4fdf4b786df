"""Surcharge lines and totals in fixed point: quantity × rate rounded per table, totals bounded.

References (POLICY.md, family C): every table of 江苏省环保信用评价差别电价 (2016 trial, 2019
revision), 《江苏省污水处理费征收使用管理实施办法》 (2016-02-15) and 南京市差别化污水处理费
(2017-01-01) declares its rounding (quantum and mode); `ecocomp.money.round_units` applies it,
nothing here rounds by itself.

Quantities are int64 units of 0.01 (negative on an adjustment, 退补: rounded half away from
zero, -50.005 to -50.01, by `round_units`), rates int64 units of 10**-S yuan, products rounded to the
table's quantum and kept in fen. A chunk whose products could overflow int64 is computed with
Python integers; a line or a total beyond int64 is refused (`FixedPointError`, exit 1), never
wrapped. The ranges make both impossible in practice: a bill is at most 1e10 kWh or 1e9 m3
(`Column.maximum`), a rate at most 100 yuan/kWh or 1000 yuan/m3 (`VALUE_MAXIMA`), so a line is
at most 1e12 yuan and the lines of a run may sum to 9.2e16 yuan (over 90 000 lines at the maximum).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ecocomp.money import INT64_MAX, FixedPointError, Rounding, round_units, yuan

__all__ = ["check_sum", "round_products"]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]


def round_products(units: Ints, rate: Ints, scale: int, rounding: Sequence[Rounding], table: Int32s) -> Ints:
    """Round (quantity units × rate units) to each bill's table's quantum; the result in fen.

    `rate` is in 10**-`scale` yuan, `rounding` per table, `table` per bill (an index into it).
    """
    # room for the half added on rounding: a product near int64's end would wrap on the way
    largest_units = max(int(units.max()), -int(units.min())) if len(units) else 0  # 退补: signed
    wide = largest_units * max(int(rate.max(initial=0)), -int(rate.min(initial=0))) > INT64_MAX // 2
    product: npt.NDArray[Any] = units.astype(object) * rate.astype(object) if wide else units * rate
    fen = np.zeros(len(units), dtype=np.int64)
    rules = set(rounding)
    for rule in sorted(rules, key=lambda r: (r.quantum, r.mode)):
        members = [i for i, each in enumerate(rounding) if each == rule]
        chosen = np.isin(table, members) if len(rules) > 1 else np.ones(len(units), dtype=np.bool_)
        rounded = round_units(product[chosen], 2 + scale, rule)
        largest = max(abs(int(v)) for v in (rounded.max(), rounded.min())) if wide and len(rounded) else 0
        if largest > INT64_MAX:
            raise FixedPointError(f"{yuan(largest):,f} yuan (a surcharge line)")
        fen[chosen] = rounded.astype(np.int64)
    return fen


def check_sum(*columns: Ints) -> None:
    """Refuse a run whose totals could overflow int64 fen: the exact sum of every line's
    magnitude, which bounds every total and partial total, must fit (far beyond any real run)."""
    magnitude = sum(_magnitude(c) for c in columns)
    if magnitude > INT64_MAX:
        raise FixedPointError(f"{yuan(magnitude):,f} yuan (the sum of the surcharge lines; split the run)")


def _magnitude(fen: Ints) -> int:
    """The exact sum of |fen| without overflow: high and low 32-bit halves summed apart."""
    if not len(fen):
        return 0
    size = np.abs(fen.astype(np.int64))  # every line is > -2**63 (refused above otherwise)
    return (int((size >> 32).sum()) << 32) + int((size & 0xFFFFFFFF).sum())
