"""Exact money: decimals, legal rounding, `Money` at the API edge, largest-remainder splits.

Rules (POLICY.md, "Units, money and rounding"): amounts are exact decimals, never binary
floats; each line is rounded to the fen (0.01 yuan) half away from zero (四舍五入) unless the
tariff declares another rule; a total is the sum of its rounded lines; a split of one amount
over several parties uses the largest-remainder rule so the parts sum exactly to the whole,
ties broken by the parties' sort order (e.g. district code).
"""

from __future__ import annotations

import decimal
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from moneyed import Money

from ecocomp.errors import MoneyError

__all__ = [
    "CURRENCY",
    "FEN",
    "ROUNDING_MODES",
    "Rounding",
    "round_fen",
    "split_largest_remainder",
    "to_decimal",
    "to_money",
    "total",
]

CURRENCY = "CNY"
FEN = Decimal("0.01")
WORKING_PRECISION = 60

#: Rounding modes a tariff may declare, by the name used in tariff files.
ROUNDING_MODES: Mapping[str, str] = {
    "half_up": decimal.ROUND_HALF_UP,  # half away from zero, 四舍五入
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,  # toward zero
    "up": decimal.ROUND_UP,  # away from zero
}


class _Sortable(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Sortable)


@dataclass(frozen=True)
class Rounding:
    """How line amounts are rounded: a quantum (0.01 = the fen) and a mode name."""

    quantum: Decimal = FEN
    mode: str = "half_up"

    def __post_init__(self) -> None:
        if self.mode not in ROUNDING_MODES:
            raise MoneyError(f"unknown rounding mode {self.mode!r}; use one of {sorted(ROUNDING_MODES)}")
        if not (self.quantum > 0 and self.quantum.is_finite()):
            raise MoneyError(f"rounding quantum must be a positive decimal, got {self.quantum}")

    def apply(self, value: Decimal | int | str) -> Decimal:
        """Round one amount by this rule."""
        exact = to_decimal(value)
        with decimal.localcontext() as ctx:
            ctx.prec = WORKING_PRECISION
            return exact.quantize(self.quantum, rounding=ROUNDING_MODES[self.mode])


def to_decimal(value: Decimal | int | str) -> Decimal:
    """An exact decimal from a Decimal, an int or a decimal string; floats are refused."""
    if isinstance(value, bool | float):
        raise MoneyError(f"{value!r} is a {type(value).__name__}; money needs an exact decimal")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise MoneyError(f"{value!r} is not a decimal number") from None
    else:
        raise MoneyError(f"{value!r} ({type(value).__name__}) is not a decimal number")
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite number")
    return result


def round_fen(value: Decimal | int | str) -> Decimal:
    """Round to the fen, half away from zero: the default rule for every line amount."""
    return Rounding().apply(value)


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum of already rounded amounts (a total is the sum of its shown lines)."""
    return sum(amounts, Decimal(0))


def to_money(amount: Decimal | int | str) -> Money:
    """A py-moneyed `Money` in CNY for the public API edge (the amount is not re-rounded)."""
    return Money(to_decimal(amount), CURRENCY)


def split_largest_remainder(
    amount: Decimal | int | str,
    weights: Mapping[K, Decimal | int | str],
    quantum: Decimal = FEN,
) -> dict[K, Decimal]:
    """Split `amount` over the keys of `weights` so the parts sum exactly to `amount`.

    Each part is the exact share floored to the quantum; the units left over go one each to
    the parts with the largest remainders, ties to the smaller key. Every part is within one
    quantum of its exact share, and the result does not depend on the order of `weights`.
    """
    whole = to_decimal(amount)
    shares = {key: to_decimal(w) for key, w in weights.items()}
    _check_split_inputs(whole, shares, quantum)
    sign = -1 if whole < 0 else 1
    with decimal.localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        units = int(abs(whole) / quantum)
        weight_sum = sum(shares.values(), Decimal(0))
        exact = {key: Decimal(units) * w / weight_sum for key, w in shares.items()}
        floors = {key: int(e) for key, e in exact.items()}
        left_over = units - sum(floors.values())
        ranked = sorted(exact, key=lambda key: (-(exact[key] - floors[key]), key))
        for key in ranked[:left_over]:
            floors[key] += 1
        return {key: sign * Decimal(floors[key]) * quantum for key in sorted(shares)}


def _check_split_inputs(whole: Decimal, shares: Mapping[K, Decimal], quantum: Decimal) -> None:
    if not shares:
        raise MoneyError("cannot split an amount over no parties")
    if any(w < 0 for w in shares.values()):
        raise MoneyError("split weights must not be negative")
    if sum(shares.values(), Decimal(0)) == 0:
        raise MoneyError("split weights sum to zero")
    if whole % quantum != 0:
        raise MoneyError(f"amount {whole} is not a whole number of {quantum}; round it first")
