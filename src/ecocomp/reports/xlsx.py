"""A report as an Excel workbook for people: one sheet per table, ready to print and to audit.

Written with XlsxWriter (imported only when an XLSX is asked for), because it stores a formula's
cached value: a totals cell is a live `=SUM(D2:D99)` whose stored result is ecocomp's own exact
total, so a reader that does not recalculate (pandas, openpyxl `data_only=True`, a preview) shows
the same figure Excel does.

Sheets: the first table first (it carries the cover), then every other "summary" table, then the
rest, each in table order, plus the run info; a table with charts is followed by its chart sheet
("汇总图表" / "summary_charts"). Printed (Excel, WPS and LibreOffice print visible sheets only):
a "summary" table on one page, a "reference" table one page wide, A4 landscape; a "detail" table's
sheet is hidden unless `show_details=True`, and then prints across A4 landscape pages at full size,
pages of the same lines one after the other, with its first `key_columns` columns (frozen on
screen too) and its header repeated; its text columns are capped at 36 characters, wrapped, its
rows at 3 lines (the cell keeps the whole text). The first sheet is never hidden. Charts: see
`ecocomp.reports.xlsx_charts` (one sheet per charted table, one page).

The first sheet's cover, above its table: the title (large, bold, merged across), one row per
`Report.cover` line ("考核年度：2018" / "Assessment year: 2018") and the money unit ("金额单位：元"
/ "金额单位：万元"; "Amounts in: yuan" / "10,000 yuan"). Under its notes, a contents line per
sheet (what it holds, its rows, whether it prints or is hidden and how to unhide it), on screen
only: the print area ends above it. The page header shows the sheet's name and the title on
every sheet but the first (whose cells hold the title); the footer numbers the pages.

Layout of a table: a banner (`Table.banner`), if any, merged across the printed columns, bold,
wrapped and filled, then the header (bold, filled, wrapped), frozen with everything above it and
repeated on every printed page with the banner; an autofilter covers header and lines, not the
totals row; widths fit the shown text (East-Asian wide characters count 2, text capped by layout,
wrapped, rows as tall as their text); a header wider than its values wraps. `Table.print_columns`:
those columns come first, the print area covers only them, the others follow on screen, and a
note row under the table says so; a grouped table without print columns prints all columns but
the group column (its heading rows say it), which follows on screen.

Groups (`Table.group`): before each run of lines with one value of that column, a heading row:
the value as shown in the first column only, bold, the row filled light grey across the table
with thin rules above and below (not merged, so the autofilter can still sort). It holds no
number, so the totals row's SUM over the lines stays the exact total.

Number formats: money `#,##0.00;[Red]-#,##0.00`, ratio `0.00%`, date `yyyy-mm-dd`, a decimal
column with as many places as its longest value; an int column that is totalled (a count) is
`#,##0`, one that is not (a year, a line number) is `0`, so 2018 never shows as 2,018.

万元 (`wan_yuan=True`): Excel formats cannot scale by 10,000, so every money column holds its
amount in 万元 (the exact yuan amount with the point moved four places, as the nearest Excel
number), formatted `#,##0.00;[Red]-#,##0.00` under a header that says 万元 ("净上缴(元)" ->
"净上缴(万元)"; English "… (10,000 yuan)"), and is followed by a hidden column with the exact
yuan amount (header in 元). Totals: the 万元 cell is a live SUM of the 万元 cells caching the
exact total / 10,000, the hidden yuan cell a SUM caching the exact total. Charts draw the 万元
cells, their value axis says 万元.

Cells: every text is written with `write_string`, so input such as `=cmd|...` stays text (a string
cell needs no apostrophe, unlike a CSV: `ecocomp.reports.guard`). Money, int and totals must
survive Excel's 15 significant digits exactly, else `MoneyError`; ratios and other decimals are
stored as the nearest Excel number (the JSON keeps every digit).

Font: 等线 (DengXian; Office 2016+ and WPS on Windows, WPS on Linux) as the workbook's default,
with the GB2312 charset (134) so an Excel without 等线 substitutes a Chinese font (e.g. 宋体)
instead of showing boxes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ecocomp.reports.model import Report, Table
from ecocomp.reports.runinfo import run_info_table
from ecocomp.reports.text import RUN_INFO_KEYS
from ecocomp.reports.xlsx_cells import FONT_CHARSET, FONT_NAME, MONEY_FORMAT, Styles, excel_number, text_width
from ecocomp.reports.xlsx_charts import CHART_SUFFIX, UNIT, charts_of, write_chart_sheet
from ecocomp.reports.xlsx_plan import Plan, plan_sheet
from ecocomp.reports.xlsx_sheet import Entry, SheetText, write_table_sheet

__all__ = ["FONT_NAME", "MONEY_FORMAT", "excel_number", "sheet_names", "text_width", "write_xlsx"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_UNIT_LINE = {"zh": "金额单位：{}", "en": "Amounts in: {}"}
_STATUS = {
    "zh": ("打印", "打印（一页）", "已隐藏，不打印：右键工作表标签→取消隐藏"),
    "en": ("printed", "printed (one page)", "hidden, not printed: right-click a sheet tab → Unhide"),
}
_CHARTS_OF = {"zh": "{}的图表", "en": "charts of {}"}


def write_xlsx(
    report: Report, target: Path, *, language: str, wan_yuan: bool, show_details: bool = False
) -> None:
    """Write the workbook to `target` (a temporary file the caller moves into place);
    `show_details`: detail sheets visible and printed, else hidden."""
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    tables = _sheet_order(_with_run_info(report, language))
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
    book.set_properties({"title": report.heading(language), "comments": "ecocomp"})
    styles = Styles(book)
    cover = _cover(report, language, wan_yuan)
    plans = [
        plan_sheet(t, above=len(cover) if i == 0 else 0, wan_yuan=wan_yuan, language=language)
        for i, t in enumerate(tables)
    ]
    sheets = _sheets(plans, language)
    hidden = [i > 0 and t.layout == "detail" and not show_details for i, t in enumerate(tables)]
    contents = _contents(plans, sheets, hidden, language)
    for i, (plan, (name, charts)) in enumerate(zip(plans, sheets, strict=True)):
        first = SheetText(language, cover, contents) if i == 0 else None
        text = first or SheetText(language, page_title=report.heading(language))
        _write_sheet(book.add_worksheet(name), plan, styles, text, hidden=hidden[i])
        if charts is not None:
            write_chart_sheet(book, book.add_worksheet(charts), name, plan, styles, wan_yuan, language)
    _close(book)


def _write_sheet(sheet: Any, plan: Plan, styles: Styles, text: SheetText, *, hidden: bool) -> None:
    """One table's sheet (a seam: tests make it fail half way through a workbook)."""
    write_table_sheet(sheet, plan, styles, text, hidden=hidden)


def _cover(report: Report, language: str, wan_yuan: bool) -> tuple[str, ...]:
    """The first sheet's cover rows: the title, each cover line, the money unit."""
    sep = "：" if language == "zh" else ": "
    lines = [f"{line.label(language)}{sep}{line.shown(language)}" for line in report.cover]
    return (report.heading(language), *lines, _UNIT_LINE[language].format(UNIT[(language, wan_yuan)]))


def _sheet_order(tables: Sequence[Table]) -> list[Table]:
    """The first table, then the other summaries, then the rest (each in table order)."""
    first, rest = tables[0], list(tables[1:])
    return [first, *(t for t in rest if t.layout == "summary"), *(t for t in rest if t.layout != "summary")]


def _sheets(plans: Sequence[Plan], language: str) -> list[tuple[str, str | None]]:
    """Each table's sheet name and its chart sheet's (None: no charts), valid and unique."""
    charted = [bool(charts_of(p.table, language)) and bool(p.table.rows) for p in plans]
    wanted = [p.table.name(language) for p in plans]
    wanted += [
        p.table.name(language) + CHART_SUFFIX[language] for p, c in zip(plans, charted, strict=True) if c
    ]
    names = sheet_names(wanted)
    chart_names = iter(names[len(plans) :])
    return [(n, next(chart_names) if c else None) for n, c in zip(names, charted, strict=False)]


def _contents(
    plans: Sequence[Plan], sheets: Sequence[tuple[str, str | None]], hidden: Sequence[bool], language: str
) -> tuple[Entry, ...]:
    """One contents line per sheet, in sheet order: its name, what it holds, rows, whether it prints."""
    printed, one_page, hidden_text = _STATUS[language]
    entries: list[Entry] = []
    for plan, (name, charts), is_hidden in zip(plans, sheets, hidden, strict=True):
        table = plan.table
        status = hidden_text if is_hidden else (one_page if table.layout == "summary" else printed)
        entries.append(Entry(name, table.name(language), len(table.rows), status))
        if charts is not None:
            entries.append(Entry(charts, _CHARTS_OF[language].format(name), None, one_page))
    return tuple(entries)


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
