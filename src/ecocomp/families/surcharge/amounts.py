"""Surcharge lines and totals in fixed point: quantity × rate rounded per table, totals bounded.

References (POLICY.md, family C): every table of 江苏省环保信用评价差别电价 (2016 trial, 2019
revision), 《江苏省污水处理费征收使用管理实施办法》 (2016-02-15) and 南京市差别化污水处理费
(2017-01-01) declares its rounding (quantum and mode); `ecocomp.money.round_units` applies it,
nothing here rounds by itself.

Quantities are int64 units of 0.01, rates int64 units of 10**-S yuan, products rounded to the
table's quantum and kept in fen. A chunk whose products could overflow int64 is computed with
Python integers; a line or a total beyond int64 is refused, never wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ecocomp.errors import MoneyError
from ecocomp.money import INT64_MAX, Rounding, round_units

__all__ = ["check_sum", "round_products"]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]


def round_products(units: Ints, rate: Ints, scale: int, rounding: Sequence[Rounding], table: Int32s) -> Ints:
    """Round (quantity units × rate units) to each bill's table's quantum; the result in fen.

    `rate` is in 10**-`scale` yuan, `rounding` per table, `table` per bill (an index into it).
    """
    # room for the half added on rounding: a product near int64's end would wrap on the way
    wide = bool(len(units)) and int(units.max()) * int(rate.max(initial=0)) > INT64_MAX // 2
    product: npt.NDArray[Any] = units.astype(object) * rate.astype(object) if wide else units * rate
    fen = np.zeros(len(units), dtype=np.int64)
    rules = set(rounding)
    for rule in sorted(rules, key=lambda r: (r.quantum, r.mode)):
        members = [i for i, each in enumerate(rounding) if each == rule]
        chosen = np.isin(table, members) if len(rules) > 1 else np.ones(len(units), dtype=np.bool_)
        rounded = round_units(product[chosen], 2 + scale, rule)
        if wide and len(rounded) and max(abs(int(v)) for v in (rounded.max(), rounded.min())) > INT64_MAX:
            raise MoneyError("a surcharge line exceeds 92,233,720,368,547,758.07 yuan; check the quantities")
        fen[chosen] = rounded.astype(np.int64)
    return fen


def check_sum(*columns: Ints) -> None:
    """Refuse totals that could overflow int64 (far beyond any real bill run)."""
    bound = sum(int(c.max(initial=0)) * len(c) - int(c.min(initial=0)) * len(c) for c in columns)
    if bound > INT64_MAX:
        raise MoneyError("the surcharge totals could exceed 64-bit fixed point; split the run")
