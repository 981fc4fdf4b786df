"""A table's charts on one worksheet right after it, all printed on one A4 landscape page.

One bar chart per `Chart`: a bar per line of the table by its first column (group headings and
the totals row left out), a series per charted column referring to the table's own cells (in
万元 mode its 万元 cells), the value axis naming the unit; the title is the chart's (which
states its sign convention) plus the table's `chart_note`. A table with only the old
`Table.chart` columns gets one chart of them, titled by their headers.
"""

from __future__ import annotations

from typing import Any

from ecocomp.errors import UsageError
from ecocomp.reports.model import Chart, Table
from ecocomp.reports.xlsx_cells import Styles
from ecocomp.reports.xlsx_plan import Plan

__all__ = ["CHART_SUFFIX", "charts_of", "write_chart_sheet"]

CHART_SUFFIX = {"zh": "图表", "en": "_charts"}
UNIT = {("zh", False): "元", ("zh", True): "万元", ("en", False): "yuan", ("en", True): "10,000 yuan"}
_SHEET_TITLE = {"zh": "{}：图表（金额单位：{}）", "en": "{}: charts (amounts in {})"}
PER_ROW = 3  # charts side by side on the page
#: Pixels under the title row, for one landscape page (LibreOffice draws the charts shorter than
#: their rows, so they are taller than the page's proportions).
PAGE_WIDTH, PAGE_HEIGHT = 1320, 1100
COLUMN_PIXELS, ROW_PIXELS = 64, 21  # the chart sheet's columns and rows (not the defaults: written out)


def charts_of(table: Table, language: str) -> tuple[Chart, ...]:
    """The table's charts; the old `Table.chart` columns as one chart titled by their headers."""
    if table.charts or not table.chart:
        return table.charts
    by_key = {c.key: c for c in table.columns}
    headers = {lang: " / ".join(by_key[k].header(lang) for k in table.chart) for lang in ("zh", "en")}
    return (Chart(table.key, headers["zh"], headers["en"], table.chart),)


def write_chart_sheet(
    book: Any, sheet: Any, source: str, plan: Plan, styles: Styles, wan_yuan: bool, language: str
) -> None:
    """The charts of `plan`'s table (on sheet `source`) on `sheet`, laid out for one page."""
    charts = charts_of(plan.table, language)
    unit = UNIT[(language, wan_yuan)]
    across, down = min(len(charts), PER_ROW), -(-len(charts) // PER_ROW)
    size = (PAGE_WIDTH // across, PAGE_HEIGHT // down)
    last_col = -(-across * size[0] // COLUMN_PIXELS)
    last_row = 1 + -(-down * size[1] // ROW_PIXELS)
    sheet.set_column_pixels(0, last_col, COLUMN_PIXELS)  # the print area's size in pixels, as laid out
    sheet.set_default_row(ROW_PIXELS * 3 / 4)  # a default of our own (written out): viewers agree on it
    title = _SHEET_TITLE[language].format(plan.table.name(language), unit)
    sheet.write_string(0, 0, title, styles.get("@", "title"))
    sheet.set_row(0, 30)
    for i, chart in enumerate(charts):
        drawn = _bar_chart(book, source, plan, chart, language, unit)
        drawn.set_size({"width": size[0], "height": size[1]})
        row, col = divmod(i, PER_ROW)
        sheet.insert_chart(1, 0, drawn, {"x_offset": col * size[0], "y_offset": row * size[1]})
    sheet.print_area(0, 0, last_row, last_col - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 1)
    sheet.hide_gridlines(2)


def _bar_chart(book: Any, source: str, plan: Plan, chart: Chart, language: str, unit: str) -> Any:
    """One bar chart: a bar per line for each of `chart`'s columns."""
    drawn = book.add_chart({"type": "bar"})
    categories = _ranges(source, plan, plan.position(plan.table.columns[0].key))
    for key in chart.columns:
        col = _charted(plan, key)
        drawn.add_series(
            {
                "name": [source, plan.header_row, col],
                "categories": categories,
                "values": _ranges(source, plan, col),
                "invert_if_negative": False,
            }
        )
    note = plan.table.chart_note
    title = chart.title(language) + ((f"（{note}）" if language == "zh" else f" ({note})") if note else "")
    drawn.set_title({"name": title, "name_font": {"size": 11, "bold": True}})
    drawn.set_x_axis(
        {"num_format": "#,##0", "num_font": {"size": 8}, "major_gridlines": {"visible": True}, "name": unit}
    )
    drawn.set_y_axis({"reverse": True, "label_position": "low"})
    drawn.set_legend({"position": "bottom"})
    return drawn


def _charted(plan: Plan, key: str) -> int:
    """The sheet column a chart draws for `key`: a money column's shown (万元) cells."""
    slot = next((s for s in plan.slots if s.column.key == key and not s.twin), None)
    if slot is None:
        raise UsageError(f"a chart of table {plan.table.key!r} names column {key!r}, which it does not have")
    return plan.position(key)


def _ranges(source: str, plan: Plan, col: int) -> str:
    """The cells of column `col` on the table's lines, as one range or a union around headings."""
    from xlsxwriter.utility import xl_range_abs  # type: ignore[import-untyped, unused-ignore]

    quoted = "'" + source.replace("'", "''") + "'"
    parts = [f"{quoted}!{xl_range_abs(first, col, last, col)}" for first, last in plan.line_runs()]
    return "=" + parts[0] if len(parts) == 1 else "=(" + ",".join(parts) + ")"
