"""Exact money: decimals, legal rounding, `Money` at the API edge, largest-remainder splits.

Rules (POLICY.md, "Units, money and rounding"): amounts are exact decimals, never binary
floats; each line is rounded to the fen (0.01 yuan) half away from zero (四舍五入) unless the
tariff declares another rule; a total is the sum of its rounded lines; a split of one amount
over several parties uses the largest-remainder rule so the parts sum exactly to the whole,
ties broken by the parties' sort order (e.g. district code).

- `ecocomp.money.rounding`: the rounding modes, once, and both ways of applying them: one
  `Decimal` (`Rounding.apply`, `round_fen`) and int64 fixed-point columns (`round_units`);
  the exact decimal context (`exact_context`, `PRECISION`).
- `ecocomp.money.exact`: sums, the `Money` edge, largest-remainder splits.
- `ecocomp.money.fixed`: Arrow decimal columns to int64 fixed point and back, overflow refused.
"""

from __future__ import annotations

from ecocomp.money.exact import CURRENCY, split_largest_remainder, to_money, total
from ecocomp.money.fixed import INT64_MAX, FixedPointError, decimal_array, fixed_point, yuan
from ecocomp.money.rounding import (
    FEN,
    PRECISION,
    ROUNDING_MODES,
    Rounding,
    divide_rounded,
    exact_context,
    is_power_of_ten,
    quantum_exponent,
    round_fen,
    round_units,
    to_decimal,
)

__all__ = [
    "CURRENCY",
    "FEN",
    "INT64_MAX",
    "PRECISION",
    "ROUNDING_MODES",
    "FixedPointError",
    "Rounding",
    "decimal_array",
    "divide_rounded",
    "exact_context",
    "fixed_point",
    "is_power_of_ten",
    "quantum_exponent",
    "round_fen",
    "round_units",
    "split_largest_remainder",
    "to_decimal",
    "to_money",
    "total",
    "yuan",
]
