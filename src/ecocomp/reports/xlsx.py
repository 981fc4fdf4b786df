"""A report as an Excel workbook for people: one sheet per table, ready to print and to audit.

Written with XlsxWriter (imported only when an XLSX is asked for), because it stores a formula's
cached value: a totals cell is a live `=SUM(D2:D99)` whose stored result is ecocomp's own exact
total, so a reader that does not recalculate (pandas, openpyxl `data_only=True`, a preview) shows
the same figure Excel does.

Layout: row 1 is the header (bold, filled, wrapped), frozen; an autofilter covers header and
lines, not the totals row; widths fit the content (East-Asian wide characters count 2); print is
landscape A4, one page wide, header row repeated, the report title in the page header. A table
with a banner (`Table.banner`) has it as row 1 instead, merged across the table's width, bold,
wrapped and filled, and everything below moves down one row (frozen and repeated on every
printed page with the header); its chart's title ends with the table's `chart_note`.

Number formats: money `#,##0.00;[Red]-#,##0.00`, ratio `0.00%`, date `yyyy-mm-dd`, a decimal
column with as many places as its longest value; an int column that is totalled (a count) is
`#,##0`, one that is not (a year, a line number) is `0`, so 2018 never shows as 2,018.

Cells: every text is written with `write_string`, so input such as `=cmd|...` stays text (a string
cell needs no apostrophe, unlike a CSV: `ecocomp.reports.guard`). Money, int and totals must
survive Excel's 15 significant digits exactly, else `MoneyError`; ratios and other decimals are
stored as the nearest Excel number (the JSON keeps every digit).

Font: 等线 (DengXian; Office 2016+ and WPS on Windows, WPS on Linux) as the workbook's default,
with the GB2312 charset (134) so an Excel without 等线 substitutes a Chinese font (e.g. 宋体)
instead of showing boxes.

万元 display (`wan_yuan=True`): Excel number formats can only scale by 1,000 (a trailing comma),
never by 10,000, so money stays in yuan in the cell (formulas, filters and readers see yuan) and
the format `0\\.0000"万"` puts a literal point four digits from the right: 24,000,000.40 shows as
2400.0000万. Four places of 万 are whole yuan: the display rounds off the fen, the cell keeps them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecocomp.errors import MoneyError, UsageError
from ecocomp.reports.contract import month_text
from ecocomp.reports.model import Column, Report, Table, column_totals
from ecocomp.reports.runinfo import run_info_table
from ecocomp.reports.text import BOOL_TEXT, RUN_INFO_KEYS, TOTAL_LABEL, cell_text

__all__ = ["FONT_NAME", "MONEY_FORMAT", "WAN_YUAN_FORMAT", "sheet_names", "write_xlsx"]

FONT_NAME = "等线"
FONT_CHARSET = 134  # GB2312: tells Excel the font is Chinese, so a missing one gets a Chinese stand-in
MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
WAN_YUAN_FORMAT = '0\\.0000"万";[Red]-0\\.0000"万"'
ID_FORMAT = "0"
NUMBER_FORMATS = {
    "int": "#,##0",
    "ratio": "0.00%",
    "date": "yyyy-mm-dd",
    "text": "@",
    "month": "@",
    "bool": "@",
}
HEADER_FILL = "#DDEBF7"
BANNER_FILL, BANNER_FONT = "#FFEB9C", "#9C0006"
MAX_ROWS = 1_048_576
EXCEL_DIGITS = 15  # significant digits Excel keeps of a number
MAX_WIDTH, MIN_WIDTH, HEADER_WRAP = 60, 6, 24
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CHART = {"zh": "图", "en": "_chart"}
_FOOTER = {"zh": "&C第 &P 页，共 &N 页", "en": "&CPage &P of &N"}


def write_xlsx(report: Report, target: Path, *, language: str, wan_yuan: bool) -> None:
    """Write the workbook to `target` (a temporary file the caller moves into place)."""
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    tables = _with_run_info(report, language)
    options = {
        "in_memory": True,  # no temporary parts outside the target folder
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "default_format_properties": {
            "font_name": FONT_NAME,
            "font_size": 11,
            "font_charset": FONT_CHARSET,
            "font_scheme": "none",
        },
    }
    book = xlsxwriter.Workbook(str(target), options)
    book.set_properties({"title": report.title, "comments": "ecocomp"})
    styles = _Styles(book, wan_yuan)
    charted = [t for t in tables if t.chart and t.rows]
    chart_sheets = [t.name(language) + _CHART[language] for t in charted]
    names = sheet_names([t.name(language) for t in tables] + chart_sheets)
    chart_names = dict(zip(map(id, charted), names[len(tables) :], strict=True))
    for table, name in zip(tables, names, strict=False):
        _write_sheet(book.add_worksheet(name), table, styles, language, report.title)
        if id(table) in chart_names:  # the chart sheet right after its table, e.g. 汇总, 汇总图
            _add_chart(book, name, chart_names[id(table)], table, language)
    _close(book)


def _close(book: Any) -> None:
    """Write the workbook out; a failure of the file system (a full disk) is the OSError it is,
    not XlsxWriter's wrapper, so the caller names the file."""
    from xlsxwriter.exceptions import FileCreateError  # type: ignore[import-untyped, unused-ignore]

    try:
        book.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, OSError):
            raise cause from None
        raise OSError(str(exc)) from None


def _add_chart(book: Any, sheet: str, name: str, table: Table, language: str) -> None:
    """A chartsheet with a bar per row of `table` for each charted column (e.g. net per district)."""
    chart = book.add_chart({"type": "bar"})
    top = _header_row(table)
    last = top + len(table.rows)
    for key in table.chart:
        col = next(i for i, c in enumerate(table.columns) if c.key == key)
        chart.add_series(
            {
                "name": [sheet, top, col],
                "categories": [sheet, top + 1, 0, last, 0],
                "values": [sheet, top + 1, col, last, col],
                "invert_if_negative": False,
            }
        )
    headers = " / ".join(c.header(language) for c in table.columns if c.key in table.chart)
    chart.set_title({"name": headers + (f"（{table.chart_note}）" if table.chart_note else "")})
    chart.set_x_axis({"num_format": "#,##0", "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True, "label_position": "low"})
    chart.set_legend({"position": "bottom"})
    chartsheet = book.add_chartsheet(name)
    chartsheet.set_chart(chart)
    chartsheet.set_landscape()
    chartsheet.set_paper(9)


def _with_run_info(report: Report, language: str) -> tuple[Table, ...]:
    """The report's tables plus a run-info sheet from the manifest, unless a table already is one."""
    if any(t.key in RUN_INFO_KEYS for t in report.tables):
        return report.tables
    return (*report.tables, run_info_table(report.manifest, language))


def sheet_names(wanted: Sequence[str]) -> list[str]:
    """Names Excel accepts without a repair prompt: <= 31 chars, no []:*?/\\, unique ignoring case."""
    names: list[str] = []
    for raw in wanted:
        base = _BAD_SHEET_CHARS.sub("_", raw).strip("'")[:31].rstrip("'") or "Sheet"
        name, n = base, 1
        while name.casefold() in {x.casefold() for x in names} or name.casefold() == "history":
            n += 1
            name = f"{base[: 31 - len(str(n)) - 1]}~{n}"
        names.append(name)
    return names


@dataclass
class _Styles:
    """The workbook's cell formats, created once each."""

    book: Any
    wan_yuan: bool
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)

    def get(self, num_format: str, role: str = "cell") -> Any:
        """The format for `num_format` as a plain cell, the header or the totals row."""
        if (num_format, role) not in self._cache:
            props: dict[str, object] = {"num_format": num_format}
            if role == "header":
                props |= {"bold": True, "bg_color": HEADER_FILL, "text_wrap": True, "valign": "vcenter"}
                props |= {"border": 1, "align": "center"}
            elif role == "total":
                props |= {"bold": True, "top": 1}
            elif role == "code":  # a short code's label (e.g. 暂定): centred in its column
                props |= {"valign": "top", "align": "center"}
            elif role == "note":
                props |= {"text_wrap": True, "valign": "top", "italic": True}
            elif role == "banner":
                props |= {"bold": True, "bg_color": BANNER_FILL, "font_color": BANNER_FONT}
                props |= {"text_wrap": True, "valign": "vcenter", "border": 1}
            else:  # long texts (explanations) wrap within the capped width; rows align at the top
                props |= {"valign": "top"} | ({"text_wrap": True} if num_format == "@" else {})
            self._cache[(num_format, role)] = self.book.add_format(props)
        return self._cache[(num_format, role)]

    def number_format(self, column: Column, places: int) -> str:
        """The number format of a column's cells."""
        if column.kind == "money":
            return WAN_YUAN_FORMAT if self.wan_yuan else MONEY_FORMAT
        if column.kind == "decimal":
            return "#,##0." + "0" * places if places else "#,##0"
        if column.kind == "int" and not column.total:
            return ID_FORMAT  # a year or a line number, not a count: 2018, never 2,018
        return NUMBER_FORMATS[column.kind]


def _header_row(table: Table) -> int:
    """The header's row (0-based): 1 below a banner, else 0; the lines follow it."""
    return 1 if table.banner else 0


def _write_sheet(sheet: Any, table: Table, styles: _Styles, language: str, title: str) -> None:
    """Banner, header, lines, totals, then widths, panes, filter and print setup."""
    top = _header_row(table)
    if len(table.rows) + top + 2 > MAX_ROWS:
        raise UsageError(f"table {table.key!r} has {len(table.rows)} rows, more than Excel holds; use CSV")
    places = {c.key: _places(table, c) for c in table.columns}
    formats = [styles.number_format(c, places[c.key]) for c in table.columns]
    roles = ["code" if c.labels else "cell" for c in table.columns]
    cells = [styles.get(f, role) for f, role in zip(formats, roles, strict=True)]
    widths = _widths(table, places, styles.wan_yuan, language)
    if table.banner:
        _write_banner(sheet, table.banner, styles.get("@", "banner"), widths)
    for col, column in enumerate(table.columns):
        sheet.write_string(top, col, column.header(language), styles.get("@", "header"))
    for row, values in enumerate(table.rows, start=top + 1):
        for col, column in enumerate(table.columns):
            value = column.shown(values[column.key], language)
            _write_cell(sheet, row, col, value, column, cells[col], language)
    if table.totals:
        _write_totals(sheet, table, [styles.get(f, "total") for f in formats], language)
    _write_notes(sheet, table, styles.get("@", "note"), widths)
    _layout(sheet, table, language, title, widths)


def _write_banner(sheet: Any, banner: str, fmt: Any, widths: Sequence[float]) -> None:
    """The banner in row 1, merged across the table's columns, tall enough for its wrapped text."""
    if len(widths) > 1:
        sheet.merge_range(0, 0, 0, len(widths) - 1, "", fmt)
    sheet.write_string(0, 0, banner, fmt)  # always text, as every cell from a report
    lines = -(-text_width(banner) // max(1, int(sum(widths)) - 2))
    sheet.set_row(0, 16 * lines + 6)


def _write_notes(sheet: Any, table: Table, fmt: Any, widths: Sequence[float]) -> None:
    """The table's notes, one per row, a blank row below the lines and the totals row; each
    merged across the table's width (as the banner) and tall enough for its wrapped text."""
    first = _header_row(table) + len(table.rows) + (2 if table.totals else 1) + 1
    for row, note in enumerate(table.notes, start=first):
        if len(widths) > 1:
            sheet.merge_range(row, 0, row, len(widths) - 1, "", fmt)
        sheet.write_string(row, 0, note, fmt)
        lines = -(-text_width(note) // max(1, int(sum(widths)) - 2))
        sheet.set_row(row, 15 * lines + 3)


def _write_cell(sheet: Any, row: int, col: int, value: object, column: Column, fmt: Any, lang: str) -> None:
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


def _write_totals(sheet: Any, table: Table, formats: Sequence[Any], language: str) -> None:
    """The totals row: the label, then a live SUM over the lines with ecocomp's exact total cached."""
    from xlsxwriter.utility import xl_col_to_name  # type: ignore[import-untyped, unused-ignore]

    first = _header_row(table) + 2  # the first line's row as Excel numbers it
    row, totals = len(table.rows) + first - 1, column_totals(table)
    sheet.write_string(row, 0, TOTAL_LABEL[language], formats[0])
    for col, column in enumerate(table.columns[1:], start=1):
        if column.key not in totals:
            sheet.write_blank(row, col, None, formats[col])
            continue
        cached = excel_number(totals[column.key], column.kind, f"total of {column.key!r}")
        if not table.rows:
            sheet.write_number(row, col, cached, formats[col])
            continue
        letter = xl_col_to_name(col)
        sheet.write_formula(row, col, f"=SUM({letter}{first}:{letter}{row})", formats[col], cached)


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


def _places(table: Table, column: Column) -> int:
    """Decimal places shown for a `decimal` column: the most any of its values has (at most 10)."""
    if column.kind != "decimal":
        return 0
    exponents = [v.as_tuple().exponent for r in table.rows if isinstance(v := r[column.key], Decimal)]
    return min(10, max([0, *(-e for e in exponents if isinstance(e, int))]))


def _widths(table: Table, places: dict[str, int], wan_yuan: bool, language: str) -> list[float]:
    """Column widths that fit the shown text, capped; a long header wraps instead of widening."""
    totals = column_totals(table)
    widths: list[float] = []
    for column in table.columns:
        values = [column.shown(r[column.key], language) for r in table.rows] + [totals.get(column.key)]
        shown = (_shown(v, column.kind, places[column.key], wan_yuan, language) for v in values)
        data = max((text_width(s) for s in shown), default=0)
        header = min(text_width(column.header(language)), HEADER_WRAP)
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, data, header) + 2))
    return widths


def _shown(value: object, kind: str, places: int, wan_yuan: bool, language: str) -> str:
    """About the text Excel shows for a value, for sizing its column."""
    if not isinstance(value, int | Decimal) or isinstance(value, bool):
        return cell_text(value, language)
    if kind == "money":
        return f"{Decimal(value) / 10000:.4f}万" if wan_yuan else f"{value:,.2f}"
    if kind == "ratio":
        return f"{Decimal(value) * 100:.2f}%"
    return f"{value:,.{places}f}" if kind == "decimal" else f"{value:,}"


def text_width(text: str) -> int:
    """Width in Excel character units: East-Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _layout(sheet: Any, table: Table, language: str, title: str, widths: Sequence[float]) -> None:
    """Widths, header height, frozen header, autofilter and print setup."""
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    top = _header_row(table)
    lines = max(-(-text_width(c.header(language)) // max(1, int(w) - 2)) for c, w in _pairs(table, widths))
    sheet.set_row(top, 15 * lines + 3)
    _row_heights(sheet, table, widths)
    sheet.freeze_panes(top + 1, 0)
    sheet.autofilter(top, 0, top + len(table.rows), len(table.columns) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, top)  # the banner, if any, and the header on every printed page
    sheet.set_header("&C" + title[:120].replace("&", "&&"))
    sheet.set_footer(_FOOTER[language])


def _row_heights(sheet: Any, table: Table, widths: Sequence[float]) -> None:
    """Rows with wrapped text get the height their longest text needs (not every viewer autofits)."""
    texts = [(c.key, max(1, int(w) - 2)) for c, w in _pairs(table, widths) if c.kind == "text"]
    for row, values in enumerate(table.rows, start=_header_row(table) + 1):
        lines = max((-(-text_width(str(values[k] or "")) // w) for k, w in texts), default=1)
        if lines > 1:
            sheet.set_row(row, 15 * lines + 3)


def _pairs(table: Table, widths: Sequence[float]) -> Iterator[tuple[Column, float]]:
    """Columns with their widths."""
    return zip(table.columns, widths, strict=True)
