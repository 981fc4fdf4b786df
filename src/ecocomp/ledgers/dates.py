"""Months and dates in a ledger column, in every form clerks write them, a whole column at once.

Source: issue 3 "Ledgers in", ledger kind 5 (monitoring month: 2018-01, 2018/1, 2018年1月,
201801, Excel dates) and kind 6 (rating validity dates). Accepted:

* ISO-like: 2018-01, 2018/1, 2018.1, and with a day 2018-01-31, 2018/1/31 (a time after it is
  ignored: 2018-01-31 00:00:00);
* Chinese: 2018年1月, 2018年1月31日;
* compact: 201801 (a month), 20180131 (a date);
* an Excel date serial (a date cell exported as its number): five digits, 1 = 1900-01-01,
  counted as Excel does (serial 25569 = 1970-01-01).

A month column keeps the first day of the month (a day written in it is allowed and dropped);
a date column needs the day. Impossible dates (2018-02-30, month 13, year 0000) are problems,
and so is a Parquet date outside years 1 to 9999 (`FIRST_DAY`, `LAST_DAY`: what a date can be).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.ledgers.parse import Mask, Parsed, Problem, mask_of

__all__ = ["FIRST_DAY", "LAST_DAY", "parse_date", "parse_month", "parse_typed_date"]

FIRST_DAY = date.min  # 0001-01-01
LAST_DAY = date.max  # 9999-12-31
_EPOCH = date(1970, 1, 1)
_DAYS = ((FIRST_DAY - _EPOCH).days, (LAST_DAY - _EPOCH).days)  # the range as date32 day numbers
_INT_DIGITS = 9  # longest digit string `_ints` converts; every field it reads has at most 5

_EXCEL_EPOCH_SERIAL = 25569  # Excel's serial number of 1970-01-01 (1900 date system)
_PATTERNS = (
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$",
    r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?$",
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?$",
)


def parse_month(text: pa.Array) -> Parsed:
    """A month column: the first day of each month as date32."""
    days, has_day, bad = _parse(text)
    del has_day
    months = days.astype("datetime64[M]").astype("datetime64[D]")
    values = pa.array(months, pa.date32(), mask=bad | ~mask_of(text.is_valid()))
    message = "{!r} is not a month; write it as 2018-01, 2018/1, 2018年1月 or 201801"
    return Parsed(values, (Problem(bad, "bad_month", message.format),))


def parse_date(text: pa.Array) -> Parsed:
    """A date column: date32; a month without a day is a problem."""
    days, has_day, bad = _parse(text)
    bad = bad | (~has_day & mask_of(text.is_valid()))
    values = pa.array(days, pa.date32(), mask=bad | ~mask_of(text.is_valid()))
    message = "{!r} is not a date; write it as 2018-01-31, 2018/1/31 or 2018年1月31日"
    return Parsed(values, (Problem(bad, "bad_date", message.format),))


def parse_typed_date(values: pa.Array, *, month: bool) -> Parsed:
    """A column already typed date32 (Parquet): days outside years 1 to 9999 are problems;
    a month column keeps the first day of each month."""
    days = np.asarray(pc.cast(values, pa.int32()).to_numpy(zero_copy_only=False), dtype=np.float64)
    bad = mask_of(values.is_valid()) & ((days < _DAYS[0]) | (days > _DAYS[1]))
    kept = np.where(np.isnan(days) | bad, 0, days).astype(np.int64).astype("datetime64[D]")
    if month:
        kept = kept.astype("datetime64[M]").astype("datetime64[D]")
    typed = pa.array(kept, pa.date32(), mask=bad | ~mask_of(values.is_valid()))
    message = f"{{!r}} is outside the dates a ledger can hold ({FIRST_DAY} to {LAST_DAY}); check the year"
    return Parsed(typed, (Problem(bad, "out_of_range", message.format),))


def _parse(text: pa.Array) -> tuple[np.ndarray, Mask, Mask]:
    """Days (datetime64[D]), whether a day was written, and the mask of unreadable values."""
    size = len(text)
    year = np.zeros(size, dtype=np.int64)
    month = np.ones(size, dtype=np.int64)
    day = np.ones(size, dtype=np.int64)
    has_day = np.zeros(size, dtype=np.bool_)
    matched = np.zeros(size, dtype=np.bool_)
    for pattern in _PATTERNS:
        found = pc.extract_regex(text, pattern)
        hit = mask_of(found.is_valid()) & ~matched
        year = np.where(hit, _ints(found.field("y"), 0), year)
        month = np.where(hit, _ints(found.field("m"), 1), month)
        day_text = found.field("d")
        given = hit & mask_of(pc.greater(pc.utf8_length(day_text), 0))
        day = np.where(given, _ints(day_text, 1), day)
        has_day |= given
        matched |= hit
    serial = mask_of(pc.match_substring_regex(text, r"^\d{5}(?:\.0+)?$")) & ~matched
    valid = (month >= 1) & (month <= 12) & (year >= 1)
    start = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    length = ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(np.int64)
    valid &= (day >= 1) & (day <= length)
    days = start.astype("datetime64[D]") + (np.clip(day, 1, 31) - 1)
    serial_days = _ints(pc.replace_substring_regex(text, r"\..*$", ""), _EXCEL_EPOCH_SERIAL)
    days = np.where(serial, (serial_days - _EXCEL_EPOCH_SERIAL).astype("datetime64[D]"), days)
    ok = (matched & valid) | serial
    bad = mask_of(text.is_valid()) & ~ok
    return days, has_day | serial, bad


def _ints(text: pa.Array, default: int) -> np.ndarray:
    """Digit strings (of at most `_INT_DIGITS` digits, so never beyond int64) to int64; anything
    else, empty or null to `default`."""
    short = pc.match_substring_regex(text, rf"^\d{{1,{_INT_DIGITS}}}$")
    digits = pc.if_else(short, text, pa.scalar(None, pa.string()))
    numbers = pc.fill_null(pc.cast(digits, pa.int64()), default)
    return np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=np.int64)
