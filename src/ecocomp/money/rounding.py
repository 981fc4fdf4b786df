"""Legal rounding, once, for exact decimals and for int64 fixed-point columns.

Rules (POLICY.md, "Units, money and rounding"): each line is rounded to the fen (0.01 yuan) half
away from zero (四舍五入) unless the tariff declares another rule (`rounding = { quantum, mode }`);
every table of 江苏省环保信用评价差别电价 (2016 trial, 2019 revision), 《江苏省污水处理费征收使用
管理实施办法》 (2016-02-15) and 南京市差别化污水处理费 (2017-01-01) declares its rounding, and
this module applies it, nothing else rounds.

The modes are defined once, in `ROUNDING_MODES`. `Rounding.apply` rounds one `Decimal`;
`round_units` rounds a whole int64 (or Python-int object) column of amounts in 10**-S yuan by
integer division, and gives for every mode exactly what `Rounding.apply` gives, in fen.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ecocomp.errors import MoneyError

if TYPE_CHECKING:  # numpy only for the columns (`round_units`): a tariff table does not need it
    import numpy.typing as npt

__all__ = [
    "FEN",
    "PRECISION",
    "ROUNDING_MODES",
    "Rounding",
    "divide_rounded",
    "exact_context",
    "quantum_exponent",
    "round_fen",
    "round_units",
    "to_decimal",
]

FEN = Decimal("0.01")
#: Significant digits of every exact intermediate (products, ratios, means) before rounding.
PRECISION = 60

#: Rounding modes a tariff may declare, by the name used in tariff files.
ROUNDING_MODES: Mapping[str, str] = {
    "half_up": decimal.ROUND_HALF_UP,  # half away from zero, 四舍五入
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,  # toward zero
    "up": decimal.ROUND_UP,  # away from zero
}


def exact_context() -> AbstractContextManager[decimal.Context]:
    """A decimal context of `PRECISION` digits for exact intermediates: `with exact_context(): ...`."""
    return decimal.localcontext(prec=PRECISION)


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
        if not is_power_of_ten(self.quantum):
            raise MoneyError(f"rounding quantum must be a power of ten (0.01, 1, 1E+1), got {self.quantum}")
        # taken by value on both paths: 10 and 1E+1 both round to tens of yuan
        object.__setattr__(self, "quantum", self.quantum.normalize())

    def apply(self, value: Decimal | int | str) -> Decimal:
        """Round one amount by this rule."""
        exact = to_decimal(value)
        with exact_context():
            return exact.quantize(self.quantum, rounding=ROUNDING_MODES[self.mode])


def is_power_of_ten(quantum: Decimal) -> bool:
    """True for 0.01, 0.1, 1, 10, 1E+3 ...: the only quanta both rounding paths can honour."""
    return quantum.is_finite() and quantum > 0 and quantum.normalize().as_tuple().digits == (1,)


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


def quantum_exponent(quantum: Decimal) -> int:
    """The exponent e of a quantum 10**e yuan the fixed-point path can round to (0.01, 0.1, 1, 10 ...)."""
    sign, digits, exponent = quantum.normalize().as_tuple()
    if sign or digits != (1,) or not isinstance(exponent, int) or exponent < -2:
        raise MoneyError(f"rounding quantum {quantum}: only 0.01, 0.1, 1, 10 ... yuan can be used here")
    return exponent


def round_units(units: npt.NDArray[Any], scale: int, rounding: Rounding) -> npt.NDArray[Any]:
    """Amounts in integer units of 10**-`scale` yuan, rounded by `rounding`, in whole fen.

    The fixed-point twin of `Rounding.apply`: element by element,
    ``round_units(u, s, r) == r.apply(Decimal(u).scaleb(-s)).scaleb(2)``, for int64 columns and for
    object columns of Python ints (products beyond int64). Only quanta of 10**e yuan, e >= -2; like
    `Rounding.apply` (whose quantum `Rounding` normalizes), the quantum is taken by value:
    Decimal("10") and Decimal("1E+1") both round to tens of yuan.
    """
    exponent = quantum_exponent(rounding.quantum)
    rounded: npt.NDArray[Any]
    if scale + exponent < 0:  # units coarser than the quantum: every amount is already on it
        rounded = units * 10 ** (2 - scale)
    else:
        rounded = divide_rounded(units, 10 ** (scale + exponent), rounding.mode) * 10 ** (exponent + 2)
    return rounded


def divide_rounded(values: npt.NDArray[Any], divisor: int, mode: str) -> npt.NDArray[Any]:
    """Integer division by `divisor` > 0 with a tariff's rounding mode (signs handled symmetrically).

    Equal to ``(Decimal(v) / divisor).quantize(Decimal(1), rounding=ROUNDING_MODES[mode])``.
    """
    if mode == "half_up" and divisor % 2 == 0 and (not len(values) or values.min() >= 0):
        usual: npt.NDArray[Any] = (values + divisor // 2) // divisor  # non-negative, quantum a power of ten
        return usual
    import numpy as np

    quotient: npt.NDArray[Any]
    remainder: npt.NDArray[Any]
    magnitude = np.abs(values)
    if magnitude.dtype == object:  # Python ints: numpy has no divmod loop for them
        quotient, remainder = magnitude // divisor, magnitude % divisor
    else:
        quotient, remainder = np.divmod(magnitude, divisor)  # toward zero: "down"
    twice = remainder * 2
    if mode == "half_up":
        quotient = quotient + (twice >= divisor)
    elif mode == "half_even":
        quotient = quotient + ((twice > divisor) | ((twice == divisor) & (quotient % 2 == 1)))
    elif mode == "up":
        quotient = quotient + (remainder > 0)
    elif mode != "down":
        raise MoneyError(f"unknown rounding mode {mode!r}; use one of {sorted(ROUNDING_MODES)}")
    return np.where(values < 0, -quotient, quotient)
