"""Parsing ledger columns from text, a whole column at a time (pyarrow.compute, numpy).

Source: issue 3 "Ledgers in", section "Reading: Values". Every cell is first cleaned: NFKC
(full-width digits and punctuation such as １２３，．％ to half-width), then trimmed; empty
becomes null. Then the column's rule gives it a type. A cell that does not fit its rule is a
`Problem` (a row mask, a reason code and a message a clerk can act on), never a guess:
a decimal with more places than the column's scale is refused, not rounded.
Dates and months are in `ecocomp.ledgers.dates`; codes and places in `ecocomp.ledgers.values`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "Mask",
    "Parsed",
    "Problem",
    "clean",
    "mask_of",
    "parse_decimal",
    "parse_share",
    "parse_typed_decimal",
    "parse_year",
]

Mask = npt.NDArray[np.bool_]
_PRECISION = 38
_NUMBER = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^[+-]?\.\d+$"


@dataclass(frozen=True)
class Problem:
    """Rows of one column that break its rule: mask, reason code, message from the raw value."""

    mask: Mask
    code: str
    describe: Callable[[str], str]


@dataclass(frozen=True)
class Parsed:
    """A parsed column: typed values (null where empty or bad) and the problems found."""

    values: pa.Array
    problems: tuple[Problem, ...] = ()


def mask_of(condition: pa.Array) -> Mask:
    """A boolean Arrow array (nulls as False) as a numpy mask."""
    filled = pc.fill_null(condition, False)
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=np.bool_)


def clean(raw: pa.Array) -> pa.Array:
    """NFKC, trimmed, empty to null: the form every rule starts from."""
    text = pc.utf8_trim_whitespace(pc.utf8_normalize(raw, "NFKC"))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def parse_year(text: pa.Array) -> Parsed:
    """A four-digit year from 0001, optionally followed by 年 or 年度 (2018, 2018年, 2018年度);
    the digits are matched before any conversion, so a long digit string is a problem too."""
    found = pc.extract_regex(text, r"^(?P<y>\d{4})(?:年度?)?$")
    ok = pc.and_(pc.fill_null(found.is_valid(), False), pc.not_equal(found.field("y"), "0000"))
    ok = pc.fill_null(ok, False)
    years = pc.cast(pc.if_else(ok, found.field("y"), pa.scalar(None, pa.string())), pa.int32())
    bad = mask_of(pc.and_(text.is_valid(), pc.invert(ok)))
    return Parsed(years, (Problem(bad, "bad_year", lambda v: f"{v!r} is not a year; write it as 2018"),))


def _number_text(text: pa.Array) -> tuple[pa.Array, Mask]:
    """Numbers without thousands separators or trailing zeros, and the mask of non-numbers."""
    is_number = pc.match_substring_regex(text, _NUMBER)
    bad = mask_of(pc.and_(text.is_valid(), pc.invert(pc.fill_null(is_number, False))))
    plain = pc.replace_substring(pc.replace_substring_regex(text, r"^\+", ""), ",", "")
    plain = pc.replace_substring_regex(plain, r"^(-?\d*\.\d*?)0+$", r"\1")
    plain = pc.replace_substring_regex(plain, r"\.$", "")
    return pc.if_else(pa.array(bad), pa.scalar(None, pa.string()), plain), bad


def _places(plain: pa.Array) -> pa.Array:
    """Decimal places written in each number (trailing zeros already gone)."""
    fraction = pc.extract_regex(plain, r"\.(?P<f>\d+)$")
    has = pc.fill_null(fraction.is_valid(), False)
    length = pc.utf8_length(fraction.field("f"))
    return pc.if_else(has, length, 0)


def parse_decimal(
    text: pa.Array,
    scale: int,
    *,
    non_negative: bool = False,
    maximum: Decimal | None = None,
    unit: str = "",
) -> Parsed:
    """An exact decimal with at most `scale` places: 1,234.5 and １２３４．５ are 1234.5.

    A value whose absolute value exceeds `maximum` (the column's declared range) is refused."""
    plain, not_number = _number_text(text)
    places = _places(plain)
    too_precise = mask_of(pc.greater(places, scale)) & ~not_number
    digits = pc.utf8_length(pc.replace_substring_regex(plain, r"^-|\..*$", ""))
    too_large = mask_of(pc.greater(digits, _PRECISION - scale)) & ~not_number & ~too_precise
    usable = pc.if_else(pa.array(too_precise | too_large), pa.scalar(None, pa.string()), plain)
    values = pc.cast(usable, pa.decimal128(_PRECISION, scale))
    problem = Problem(not_number, "not_a_number", lambda v: f"{v!r} is not a number; write it like 1234.5")
    limit = _Limit(maximum, unit)
    return _checked(values, scale, too_precise, too_large, non_negative, (problem,), limit)


def parse_typed_decimal(
    values: pa.Array,
    scale: int,
    *,
    non_negative: bool = False,
    maximum: Decimal | None = None,
    unit: str = "",
) -> Parsed:
    """A column already typed decimal128 (Parquet): the checks of `parse_decimal` without text."""
    given = values.type.scale
    too_precise = np.zeros(len(values), dtype=np.bool_)
    if given > scale:
        kept = pc.cast(pc.cast(values, pa.decimal128(_PRECISION, scale), safe=False), values.type)
        too_precise = mask_of(pc.not_equal(kept, values))
    too_large = np.zeros(len(values), dtype=np.bool_)
    if values.type.precision - given > _PRECISION - scale:
        bound = pa.scalar(Decimal(10) ** (_PRECISION - scale), pa.decimal128(_PRECISION, 0))
        too_large = mask_of(
            pc.greater_equal(pc.abs(pc.cast(values, pa.decimal128(_PRECISION, 0), safe=False)), bound)
        )
    bad = too_precise | too_large
    usable = pc.if_else(pa.array(bad), pa.scalar(None, values.type), values) if bad.any() else values
    typed = pc.cast(usable, pa.decimal128(_PRECISION, scale), safe=False)
    return _checked(typed, scale, too_precise, too_large, non_negative, (), _Limit(maximum, unit))


@dataclass(frozen=True)
class _Limit:
    """A column's declared range: the largest absolute value accepted (inclusive) and its unit."""

    maximum: Decimal | None
    unit: str = ""

    def over(self, values: pa.Array) -> Mask:
        """Rows whose absolute value exceeds the maximum (none without one)."""
        if self.maximum is None:
            return np.zeros(len(values), dtype=np.bool_)
        bound = pa.scalar(self.maximum, pa.decimal128(_PRECISION, values.type.scale))
        return mask_of(pc.greater(pc.abs(values), bound))

    def describe(self, value: str) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        return (
            f"{value!r} is larger than this column's maximum {self.maximum:f}{unit}; "
            "check the unit and the digits"
        )


def _checked(
    values: pa.Array,
    scale: int,
    too_precise: Mask,
    too_large: Mask,
    non_negative: bool,
    found: tuple[Problem, ...],
    limit: _Limit,
) -> Parsed:
    """The problems every decimal column shares (too many places, out of range, negative), the
    values out of range or negative nulled so nothing downstream sees them."""
    problems = [
        *found,
        Problem(
            too_precise,
            "too_many_decimals",
            lambda v: (
                f"{v!r} has more than {scale} decimal places; this column keeps {scale}, "
                "round it in the source before importing"
            ),
        ),
    ]
    if limit.maximum is None:
        problems.append(
            Problem(too_large, "number_too_large", lambda v: f"{v!r} is too large for this column")
        )
    else:
        over = limit.over(values) | too_large
        problems.append(Problem(over, "out_of_range", limit.describe))
        values = _nulled(values, over)
    if non_negative:
        negative = mask_of(pc.less(values, pa.scalar(Decimal(0), values.type)))
        message = "{!r} is negative; this column cannot be, check the sign"
        problems.append(Problem(negative, "negative", message.format))
        values = _nulled(values, negative)
    return Parsed(values, tuple(problems))


def _nulled(values: pa.Array, mask: Mask) -> pa.Array:
    """`values` with the rows of `mask` null."""
    return pc.if_else(pa.array(mask), pa.scalar(None, values.type), values) if mask.any() else values


_SHARE_MAXIMUM = Decimal(10000)  # a share is at most 100 %; larger numbers are typing errors


def parse_share(text: pa.Array, scale: int, *, percent_header: bool) -> Parsed:
    """A share as a fraction (0.25) or a percentage (25 %). Bare numbers are percentages if the
    header says % or any bare number in the column is above 1; else fractions."""
    percent = mask_of(pc.match_substring(text, "%"))
    bare = pc.replace_substring_regex(text, r"\s*%$", "")
    numbers = parse_decimal(bare, scale, non_negative=True, maximum=_SHARE_MAXIMUM, unit="%")
    above_one = mask_of(pc.greater(numbers.values, pa.scalar(Decimal(1), numbers.values.type)))
    if percent_header or bool((above_one & ~percent).any()):
        percent = mask_of(text.is_valid())
    as_fraction = pc.cast(
        pc.multiply(pc.cast(numbers.values, pa.decimal128(30, scale)), pa.scalar(Decimal("0.01"))),
        pa.decimal128(32, scale + 2),
    )
    mixed = pc.if_else(pa.array(percent), as_fraction, pc.cast(numbers.values, pa.decimal128(32, scale + 2)))
    kept = pc.cast(pc.cast(mixed, pa.decimal128(_PRECISION, scale), safe=False), mixed.type)
    inexact = mask_of(pc.not_equal(kept, mixed))
    values = pc.cast(
        pc.if_else(pa.array(inexact), pa.scalar(None, mixed.type), mixed), pa.decimal128(_PRECISION, scale)
    )
    over = mask_of(pc.greater(values, pa.scalar(Decimal(1), values.type)))
    problems = (
        *numbers.problems,
        Problem(
            inexact,
            "too_many_decimals",
            lambda v: f"{v!r} is more precise than {scale} decimal places of a fraction",
        ),
        Problem(over, "share_over_100", lambda v: f"{v!r} is more than 100 %"),
    )
    return Parsed(pc.if_else(pa.array(over), pa.scalar(None, values.type), values), problems)
