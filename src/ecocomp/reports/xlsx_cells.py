"""The workbook's cells: formats, number formats, values as Excel numbers, widths of shown text.

Shared by the sheet writer (`ecocomp.reports.xlsx_sheet`) and the chart sheets
(`ecocomp.reports.xlsx_charts`); the rules are stated in `ecocomp.reports.xlsx`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ecocomp.errors import MoneyError, UsageError
from ecocomp.reports.contract import month_text
from ecocomp.reports.model import Column, Table
from ecocomp.reports.text import BOOL_TEXT, cell_text

__all__ = [
    "FONT_CHARSET",
    "FONT_NAME",
    "MONEY_FORMAT",
    "Styles",
    "excel_number",
    "in_wan",
    "lines_needed",
    "number_format",
    "places",
    "shown_text",
    "text_width",
    "write_cell",
]

FONT_NAME = "等线"
FONT_CHARSET = 134  # GB2312: tells Excel the font is Chinese, so a missing one gets a Chinese stand-in
MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
ID_FORMAT = "0"
NUMBER_FORMATS = {
    "int": "#,##0",
    "ratio": "0.00%",
    "date": "yyyy-mm-dd",
    "text": "@",
    "month": "@",
    "bool": "@",
}
HEADER_FILL, GROUP_FILL = "#DDEBF7", "#F2F2F2"
BANNER_FILL, BANNER_FONT = "#FFEB9C", "#9C0006"
EXCEL_DIGITS = 15  # significant digits Excel keeps of a number
WAN = Decimal(10000)

#: Cell properties per role (on top of the number format).
_ROLES: dict[str, dict[str, object]] = {
    "header": {"bold": True, "bg_color": HEADER_FILL, "text_wrap": True, "valign": "vcenter"}
    | {"border": 1, "align": "center"},
    "total": {"bold": True, "top": 1},
    "code": {"valign": "top", "align": "center"},  # a short code's label (e.g. 暂定)
    "note": {"text_wrap": True, "valign": "top", "italic": True},
    "banner": {"bold": True, "bg_color": BANNER_FILL, "font_color": BANNER_FONT}
    | {"text_wrap": True, "valign": "vcenter", "border": 1},
    "title": {"bold": True, "font_size": 16, "valign": "vcenter"},
    "cover": {"valign": "vcenter"},
    "unit": {"bold": True, "valign": "vcenter"},
    "group": {"bold": True, "bg_color": GROUP_FILL, "top": 1, "bottom": 1},  # a group's heading row
    "contents": {"bold": True, "font_size": 12},
    "entry": {"valign": "top", "text_wrap": True},
    "flat": {"valign": "top"},  # text of a column that does not print: one line, not wrapped
}


@dataclass
class Styles:
    """The workbook's cell formats, created once each."""

    book: Any
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)

    def get(self, num_format: str, role: str = "cell") -> Any:
        """The format for `num_format` in `role` (a plain cell, the header, the totals row …)."""
        if (num_format, role) not in self._cache:
            props: dict[str, object] = {"num_format": num_format}
            if role in _ROLES:
                props |= _ROLES[role]
            else:  # long texts (explanations) wrap within the capped width; rows align at the top
                props |= {"valign": "top"} | ({"text_wrap": True} if num_format == "@" else {})
            self._cache[(num_format, role)] = self.book.add_format(props)
        return self._cache[(num_format, role)]


def number_format(column: Column, decimals: int) -> str:
    """The number format of a column's cells (money in yuan or in 万元 alike: two places)."""
    if column.kind == "money":
        return MONEY_FORMAT
    if column.kind == "decimal":
        return "#,##0." + "0" * decimals if decimals else "#,##0"
    if column.kind == "int" and not column.total:
        return ID_FORMAT  # a year or a line number, not a count: 2018, never 2,018
    return NUMBER_FORMATS[column.kind]


def write_cell(sheet: Any, row: int, col: int, value: object, column: Column, fmt: Any, lang: str) -> None:
    """One value with the writer of its type; text is always text, never a formula."""
    where = f"table cell {column.key!r} row {row + 1}"
    if value is None:
        return
    if column.kind == "month":
        value = month_text(value)  # "2018-01" as text, as in every other format
    if isinstance(value, str | bool):
        text = value if isinstance(value, str) else BOOL_TEXT[lang][0 if value else 1]
        if sheet.write_string(row, col, text, fmt) != 0:
            raise UsageError(f"{where}: text of {len(text)} characters is longer than Excel holds; use CSV")
    elif isinstance(value, int | Decimal):
        sheet.write_number(row, col, excel_number(value, column.kind, where), fmt)
    else:
        sheet.write_datetime(row, col, value, fmt)


def in_wan(value: int | Decimal) -> Decimal:
    """An amount in yuan as 万元, exactly (the decimal point moved four places)."""
    return Decimal(value).scaleb(-4)


def excel_number(value: int | Decimal, kind: str, where: str) -> float | int:
    """The Excel number for a value; money and ints must come back from Excel digit for digit."""
    number: float | int = value if isinstance(value, int) and abs(value) < 2**53 else float(value)
    if kind in ("money", "int") and not _fits_excel(value, number):
        raise MoneyError(
            f"{where}: {value} has more significant digits than an Excel cell keeps (15); "
            "use the JSON or CSV report for it"
        )
    return number


def _fits_excel(value: int | Decimal, number: float | int) -> bool:
    """Whether Excel keeps every digit: at most 15 significant digits, stored and read back unchanged."""
    digits = "".join(map(str, Decimal(value).as_tuple().digits)).strip("0")
    return len(digits) <= EXCEL_DIGITS and Decimal(repr(float(f"{number:.16G}"))) == value


def places(table: Table, column: Column) -> int:
    """Decimal places shown for a `decimal` column: the most any of its values has (at most 10)."""
    if column.kind != "decimal":
        return 0
    exponents = [v.as_tuple().exponent for r in table.rows if isinstance(v := r[column.key], Decimal)]
    return min(10, max([0, *(-e for e in exponents if isinstance(e, int))]))


def shown_text(value: object, kind: str, decimals: int, wan: bool, language: str) -> str:
    """About the text Excel shows for a value, for sizing its column (`wan`: a money cell in 万元)."""
    if not isinstance(value, int | Decimal) or isinstance(value, bool):
        return cell_text(value, language)
    if kind == "money":
        return f"{in_wan(value):,.2f}" if wan else f"{value:,.2f}"
    if kind == "ratio":
        return f"{Decimal(value) * 100:.2f}%"
    return f"{value:,.{decimals}f}" if kind == "decimal" else f"{value:,}"


def text_width(text: str) -> int:
    """Width in Excel character units: East-Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    """How many lines `text` wraps to in a cell `width` characters wide (at least 1)."""
    room = max(1, int(width) - 2)
    return max(1, sum(max(1, -(-text_width(part) // room)) for part in text.split("\n")))
