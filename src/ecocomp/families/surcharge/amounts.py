"""Fixed-point money of the credit-rated surcharges: exact int64 columns, rounding, overflow checks.

References (POLICY.md, family C): every table of 江苏省环保信用评价差别电价 (2016 trial, 2019
revision), 《江苏省污水处理费征收使用管理实施办法》 (2016-02-15) and 南京市差别化污水处理费
(2017-01-01) declares its rounding (quantum and mode); this module applies it, nothing else rounds.

Quantities are int64 units of 0.01, rates int64 units of 10**-S yuan, products rounded by integer
division to the table's quantum and kept in fen. A chunk whose products could overflow int64 is
computed with Python integers; a line or a total beyond int64 is refused, never wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.errors import MoneyError

__all__ = ["check_sum", "decimal_array", "fixed_point", "round_products", "yuan"]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]
#: (quantum in yuan, rounding mode) of one table.
Rounding = tuple[Decimal, str]

INT64_MAX = int(np.iinfo(np.int64).max)
_TOO_LARGE = "a value is too large for exact 64-bit fixed-point arithmetic"


def fixed_point(values: pa.Array | pa.ChunkedArray, scale: int) -> tuple[Ints, Bools]:
    """A decimal column as int64 units of 10**-scale, and its validity; exact or `MoneyError`."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    array = _at_most(array, scale)
    units = _low_words(array, valid)
    return _scaled(units, 10 ** (scale - array.type.scale)), valid


def _at_most(array: pa.Array, scale: int) -> pa.Array:
    """The column as decimal128 with at most `scale` places; `MoneyError` when that would round."""
    if not pa.types.is_decimal128(array.type):
        array = pc.cast(array, pa.decimal128(38, scale))
    if array.type.scale <= scale:
        return array
    rounded = pc.cast(pc.cast(array, pa.decimal128(38, scale), safe=False), array.type)
    if pc.any(pc.not_equal(rounded, array)).as_py():
        raise MoneyError(f"values with more than {scale} decimal places cannot be used exactly")
    return pc.cast(rounded, pa.decimal128(38, scale))


def _low_words(array: pa.Array, valid: Bools) -> Ints:
    """The unscaled values of a decimal128 column as int64 (0 where null); each must fit in 64 bits."""
    words = np.frombuffer(array.buffers()[1], dtype=np.int64, count=2 * (array.offset + len(array)))
    low, high = words[2 * array.offset :: 2], words[2 * array.offset + 1 :: 2]
    units = low.copy()
    if array.null_count:
        units[~valid] = 0
        high = np.where(valid, high, 0)
    small = not len(units) or (int(high.min()) == int(high.max()) == 0 and int(units.min()) >= 0)
    if not small and not np.all(high == (units >> 63)):  # the 128-bit value must fit in 64 bits
        raise MoneyError(_TOO_LARGE)
    return units


def _scaled(units: Ints, factor: int) -> Ints:
    """`units` × `factor` in place, refusing an overflow."""
    if factor > 1:
        if units.size and int(np.abs(units).max()) > INT64_MAX // factor:
            raise MoneyError(_TOO_LARGE)
        units *= factor
    return units


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


def round_products(units: Ints, rate: Ints, scale: int, rounding: Sequence[Rounding], table: Int32s) -> Ints:
    """Round (quantity units × rate units) to each bill's table's quantum; the result in fen.

    `rate` is in 10**-`scale` yuan, `rounding` per table, `table` per bill (an index into it).
    """
    wide = bool(len(units)) and int(units.max()) * int(rate.max(initial=0)) > INT64_MAX
    product: npt.NDArray[Any] = units.astype(object) * rate.astype(object) if wide else units * rate
    fen = np.zeros(len(units), dtype=np.int64)
    rules = set(rounding)
    for quantum, mode in sorted(rules):
        exponent = _quantum_exponent(quantum)
        members = [i for i, rule in enumerate(rounding) if rule == (quantum, mode)]
        chosen = np.isin(table, members) if len(rules) > 1 else np.ones(len(units), dtype=np.bool_)
        rounded = _round(product[chosen], 10 ** (2 + scale + exponent), mode) * 10 ** (exponent + 2)
        if wide and len(rounded) and max(abs(int(v)) for v in (rounded.max(), rounded.min())) > INT64_MAX:
            raise MoneyError("a surcharge line exceeds 92,233,720,368,547,758.07 yuan; check the quantities")
        fen[chosen] = rounded.astype(np.int64)
    return fen


def _quantum_exponent(quantum: Decimal) -> int:
    sign, digits, exponent = quantum.normalize().as_tuple()
    if sign or digits != (1,) or not isinstance(exponent, int) or exponent < -2:
        raise MoneyError(f"rounding quantum {quantum}: only 0.01, 0.1, 1, 10 ... yuan can be used here")
    return exponent


def _round(values: npt.NDArray[Any], divisor: int, mode: str) -> npt.NDArray[Any]:
    """Integer division by `divisor` with the tariff's rounding mode (signs handled symmetrically)."""
    if mode == "half_up" and divisor % 2 == 0 and (not len(values) or values.min() >= 0):
        usual: npt.NDArray[Any] = (values + divisor // 2) // divisor  # non-negative, quantum a power of ten
        return usual
    quotient: npt.NDArray[Any]
    quotient, remainder = np.divmod(np.abs(values), divisor)
    twice = remainder * 2
    if mode == "half_up":
        quotient = quotient + (twice >= divisor)
    elif mode == "half_even":
        quotient = quotient + ((twice > divisor) | ((twice == divisor) & (quotient % 2 == 1)))
    elif mode == "up":
        quotient = quotient + (remainder > 0)
    return np.where(values < 0, -quotient, quotient)


def check_sum(*columns: Ints) -> None:
    """Refuse totals that could overflow int64 (far beyond any real bill run)."""
    bound = sum(int(c.max(initial=0)) * len(c) - int(c.min(initial=0)) * len(c) for c in columns)
    if bound > INT64_MAX:
        raise MoneyError("the surcharge totals could exceed 64-bit fixed point; split the run")


def yuan(fen: int) -> Decimal:
    """Whole fen as exact yuan."""
    return Decimal(fen).scaleb(-2)
