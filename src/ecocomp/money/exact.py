"""Exact sums, `Money` at the API edge, and largest-remainder splits.

Rules (POLICY.md, "Units, money and rounding"): a total is the sum of its rounded lines; a split
of one amount over several parties uses the largest-remainder rule so the parts sum exactly to the
whole, ties broken by the parties' sort order (e.g. district code).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from moneyed import Money

from ecocomp.errors import MoneyError
from ecocomp.money.rounding import FEN, exact_context, to_decimal

__all__ = ["CURRENCY", "split_largest_remainder", "to_money", "total"]

CURRENCY = "CNY"


class _Sortable(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Sortable)


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
    with exact_context():
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
