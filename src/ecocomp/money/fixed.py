"""Exact int64 fixed point for columnar money: Arrow decimal columns in and out, overflow refused.

Quantities, scores and amounts of the columnar paths are int64 units of 10**-S (S the column's
places, e.g. fen for S = 2); they come from and go back to exact Arrow decimal128 columns, never
through binary floats. A value that would not fit in 64 bits, or would need rounding to reach the
scale asked for, is refused with `FixedPointError` (a `MoneyError` and a `DataError`: the CLI exits 1),
naming the value, never wrapped or rounded on the way in. Ledger ranges (`Column.maximum`) keep
every value that passed the ledger checks far inside 64 bits, so this is a last guard. Rounding of
fixed-point amounts is in `ecocomp.money.rounding` (`round_units`), next to the Decimal path.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.errors import DataError, MoneyError

__all__ = ["INT64_MAX", "FixedPointError", "decimal_array", "fixed_point", "yuan"]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

INT64_MAX = int(np.iinfo(np.int64).max)


class FixedPointError(MoneyError, DataError):
    """A value or an amount that does not fit exact 64-bit fixed point; `value` is it, as text."""

    def __init__(self, value: object) -> None:
        self.value = str(value)
        super().__init__(
            f"the value {self.value} is too large for exact 64-bit fixed-point arithmetic; "
            "check the quantities"
        )


def fixed_point(values: pa.Array | pa.ChunkedArray, scale: int) -> tuple[Ints, Bools]:
    """A decimal column as int64 units of 10**-scale, and its validity; exact or `MoneyError`."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    array = _at_most(array, scale)
    units = _low_words(array, valid)
    return _scaled(units, array.type.scale, scale), valid


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
        first = int(np.flatnonzero(high != (units >> 63))[0])
        raise FixedPointError(array[first].as_py())
    return units


def _scaled(units: Ints, given: int, scale: int) -> Ints:
    """`units` of 10**-`given` as units of 10**-`scale` (in place), refusing an overflow."""
    factor = 10 ** (scale - given)
    if factor > 1:
        largest = int(np.abs(units).max()) if units.size else 0
        if largest > INT64_MAX // factor:
            raise FixedPointError(Decimal(largest).scaleb(-given))
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


def yuan(fen: int) -> Decimal:
    """Whole fen as exact yuan."""
    return Decimal(fen).scaleb(-2)
