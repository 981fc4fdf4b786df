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

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each name lives, imported on first use (PEP 562): the rounding modes a tariff table
#: checks do not pull in numpy, pyarrow and py-moneyed.
_LAZY = {
    "CURRENCY": "ecocomp.money.exact",
    "split_largest_remainder": "ecocomp.money.exact",
    "to_money": "ecocomp.money.exact",
    "total": "ecocomp.money.exact",
    "INT64_MAX": "ecocomp.money.fixed",
    "FixedPointError": "ecocomp.money.fixed",
    "decimal_array": "ecocomp.money.fixed",
    "fixed_point": "ecocomp.money.fixed",
    "yuan": "ecocomp.money.fixed",
    "FEN": "ecocomp.money.rounding",
    "PRECISION": "ecocomp.money.rounding",
    "ROUNDING_MODES": "ecocomp.money.rounding",
    "Rounding": "ecocomp.money.rounding",
    "divide_rounded": "ecocomp.money.rounding",
    "exact_context": "ecocomp.money.rounding",
    "is_power_of_ten": "ecocomp.money.rounding",
    "quantum_exponent": "ecocomp.money.rounding",
    "round_fen": "ecocomp.money.rounding",
    "round_units": "ecocomp.money.rounding",
    "to_decimal": "ecocomp.money.rounding",
}


def __getattr__(name: str) -> Any:
    """A name of the package, from its module (`_LAZY`), imported the first time it is asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ecocomp.money' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
