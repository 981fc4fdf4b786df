"""Calendar months and day numbers, as every family uses them.

A month is the `date` of its first day. Month text is YYYY-MM ("2018-07", `month_text`, as
ledgers, options and reports write it; `parse_month` also reads 2018/7 and 201807) or the
Chinese label "2018年7月" (`month_zh`, report titles and line texts). Columnar data keeps days
as int32 numbers of days since 1970-01-01 (Arrow date32, numpy datetime64[D]): `EPOCH`,
`day_date` and `day_number` convert between the two.

Only generic calendar helpers live here; what a family's rules make of a month (the rating in
force, the substitute for a missing value) stays in the family.
"""

from __future__ import annotations

from datetime import date, timedelta

from ecocomp.errors import UsageError

__all__ = [
    "EPOCH",
    "day_date",
    "day_number",
    "month_range",
    "month_text",
    "month_zh",
    "parse_month",
    "previous_month",
]

EPOCH = date(1970, 1, 1)  # day 0 of the int32 day columns


def day_date(number: int) -> date:
    """A day number (days since 1970-01-01) as its date."""
    return EPOCH + timedelta(days=int(number))


def day_number(day: date) -> int:
    """A date as its day number (days since 1970-01-01)."""
    return (day - EPOCH).days


def parse_month(text: str) -> date:
    """'2018-01' (or 2018/1, 201801) as the first day of that month; `UsageError` otherwise."""
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    if "-" not in cleaned and len(cleaned) == 6:
        cleaned = f"{cleaned[:4]}-{cleaned[4:]}"
    try:
        year, month = (int(part) for part in cleaned.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise UsageError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2018-01") from None


def month_text(day: date) -> str:
    """The month of `day` as YYYY-MM, 2018-07."""
    return f"{day:%Y-%m}"


def month_zh(month: date) -> str:
    """The month of `month` in Chinese, 2018年7月 (no leading zero)."""
    return f"{month.year}年{month.month}月"


def month_range(start: date, end: date) -> list[date]:
    """Every first-of-month from `start` to `end`, both included."""
    if (end.year, end.month) < (start.year, start.month):
        raise UsageError(f"the range ends ({end:%Y-%m}) before it starts ({start:%Y-%m})")
    out: list[date] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def previous_month(month: date) -> date:
    """The first day of the month before `month`."""
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)
