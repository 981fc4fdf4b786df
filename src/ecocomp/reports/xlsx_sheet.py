"""One table's worksheet: the cover (first sheet only), banner, header, group headings, lines,
totals, notes, the contents (first sheet only), then widths, panes, filter and print setup.

The rules (what each layout prints, how 万元 and groups look) are in `ecocomp.reports.xlsx`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ecocomp.errors import UsageError
from ecocomp.reports.model import column_totals
from ecocomp.reports.text import TOTAL_LABEL
from ecocomp.reports.xlsx_cells import (
    Styles,
    excel_number,
    in_wan,
    lines_needed,
    number_format,
    places,
    write_cell,
)
from ecocomp.reports.xlsx_plan import Plan, widths

__all__ = ["Entry", "SheetText", "write_table_sheet"]

MAX_ROWS = 1_048_576
#: The most lines a line's row grows to, by layout: a detail sheet's rows stay short enough to
#: print many to a page (a longer text is whole in its cell, wrapped under the cut).
ROW_LINES = {"detail": 3, "summary": 8, "reference": 12}
TITLE_SCALE = 1.5  # the title's letters (16 pt) are this much wider than a cell's (11 pt)
_FOOTER = {"zh": "&C第 &P 页，共 &N 页", "en": "&CPage &P of &N"}
_CONTENTS = {"zh": "目录", "en": "Contents"}
_ROWS = {"zh": "{} 行", "en": "{} rows"}
_PRINTED_ONLY = {
    "zh": "打印页只含左起 {} 列；其余 {} 列只在屏幕上，位于右侧。",
    "en": "The printed page shows the first {} columns; the other {} follow on screen, to the right.",
}


@dataclass(frozen=True)
class Entry:
    """One line of the contents: a sheet, what it holds, its rows and whether it prints."""

    sheet: str
    holds: str
    rows: int | None  # None: a chart sheet
    status: str


@dataclass(frozen=True)
class SheetText:
    """What a sheet shows besides its table: the cover lines (first is the title), the contents,
    the page header's title (None: none, the title is in the cells) and the language."""

    language: str
    cover: tuple[str, ...] = ()
    contents: tuple[Entry, ...] = ()
    page_title: str | None = None


def write_table_sheet(sheet: Any, plan: Plan, styles: Styles, text: SheetText, *, hidden: bool) -> None:
    """Write `plan`'s table on `sheet` with `text` around it; `hidden`: the sheet is hidden."""
    table, language = plan.table, text.language
    if plan.last_line + 4 + len(table.notes_in(language)) + len(text.contents) > MAX_ROWS:
        raise UsageError(f"table {table.key!r} has {len(table.rows)} rows, more than Excel holds; use CSV")
    sized = widths(plan, language)
    span = _span(plan, sized)
    for row, line in enumerate(text.cover):
        role = _cover_role(row, len(text.cover))
        room = (span[0], span[1] / TITLE_SCALE) if role == "title" else span  # 16 pt letters are wider
        _merged(sheet, row, line, styles.get("@", role), room, 22 if row else 30, pad=12 if row == 0 else 3)
    banner = table.banner_in(language)
    if banner and plan.banner_row is not None:
        _merged(sheet, plan.banner_row, banner, styles.get("@", "banner"), span, 16, pad=6)
    for col, slot in enumerate(plan.slots):
        sheet.write_string(plan.header_row, col, slot.header(language), styles.get("@", "header"))
    _write_entries(sheet, plan, styles, language)
    if table.totals:
        _write_totals(sheet, plan, styles, language)
    end = _write_notes(sheet, plan, styles, span, language)
    _write_contents(sheet, end + 2, text.contents, styles, span, language)
    _layout(sheet, plan, sized, text, end)
    if hidden:
        sheet.hide()


def _cover_role(row: int, rows: int) -> str:
    """The title, a cover line, or the unit line (the cover's last)."""
    return "title" if row == 0 else ("unit" if row == rows - 1 else "cover")


def _span(plan: Plan, sized: Sequence[float]) -> tuple[int, float]:
    """The printed columns' count and their shown width (hidden twins are not shown)."""
    shown = [w for slot, w in zip(plan.slots[: plan.printed], sized, strict=False) if not slot.twin]
    return plan.printed, sum(shown)


def _merged(
    sheet: Any, row: int, value: str, fmt: Any, span: tuple[int, float], height: int, pad: int = 3
) -> None:
    """`value` in `row`, merged across the printed columns, tall enough for its wrapped text."""
    count, width = span
    if count > 1:
        sheet.merge_range(row, 0, row, count - 1, "", fmt)
    sheet.write_string(row, 0, value, fmt)  # always text, as every cell from a report
    sheet.set_row(row, max(height, 15 * lines_needed(value, width) + pad))


def _write_entries(sheet: Any, plan: Plan, styles: Styles, language: str) -> None:
    """The lines, each value with its column's format, and each group's heading row (its text
    in the first column only, the row filled across the table's columns)."""
    table = plan.table
    cells = [
        styles.get(number_format(s.column, places(table, s.column)), _role(s.column.labels, i < plan.printed))
        for i, s in enumerate(plan.slots)
    ]
    group = styles.get("@", "group")
    for row, entry in enumerate(plan.entries, start=plan.first_line):
        if isinstance(entry, str):
            sheet.write_string(row, 0, entry, group)
            for col in range(1, len(plan.slots)):
                sheet.write_blank(row, col, None, group)
            continue
        for col, slot in enumerate(plan.slots):
            write_cell(sheet, row, col, slot.value(entry, language), slot.column, cells[col], language)


def _role(labelled: object, printed: bool) -> str:
    """A code's label is centred; text wraps in printed columns, stays one line in the others
    (so their rows keep the height the printed page needs)."""
    return "code" if labelled else ("cell" if printed else "flat")


def _write_totals(sheet: Any, plan: Plan, styles: Styles, language: str) -> None:
    """The totals row: the label, then a live SUM over the lines with ecocomp's exact total cached
    (a 万元 cell: the exact total in 万元; group headings hold no number, so SUM skips them)."""
    from xlsxwriter.utility import xl_col_to_name  # type: ignore[import-untyped, unused-ignore]

    table, row = plan.table, plan.totals_row
    assert row is not None
    totals = column_totals(table)
    formats = [styles.get(number_format(s.column, places(table, s.column)), "total") for s in plan.slots]
    sheet.write_string(row, 0, TOTAL_LABEL[language], formats[0])
    for col, slot in enumerate(plan.slots[1:], start=1):
        key = slot.column.key
        if key not in totals:
            sheet.write_blank(row, col, None, formats[col])
            continue
        total = totals[key]
        exact: int | Decimal = in_wan(total) if slot.wan else total
        cached = excel_number(exact, slot.column.kind, f"total of {key!r}")
        if not plan.entries:
            sheet.write_number(row, col, cached, formats[col])
            continue
        letter = xl_col_to_name(col)
        formula = f"=SUM({letter}{plan.first_line + 1}:{letter}{plan.last_line + 1})"
        sheet.write_formula(row, col, formula, formats[col], cached)


def _write_notes(sheet: Any, plan: Plan, styles: Styles, span: tuple[int, float], language: str) -> int:
    """The notes under the table (after a blank row), then a line saying which columns print
    if not all do; the last row written (the table's last row if none)."""
    notes = list(plan.table.notes_in(language))
    others = sum(1 for s in plan.slots[plan.printed :] if not s.twin)
    if others:
        shown = sum(1 for s in plan.slots[: plan.printed] if not s.twin)
        notes.append(_PRINTED_ONLY[language].format(shown, others))
    fmt = styles.get("@", "note")
    for row, note in enumerate(notes, start=plan.notes_row):
        _merged(sheet, row, note, fmt, span, 0)
    return plan.notes_row + len(notes) - 1 if notes else plan.notes_row - 2


def _write_contents(
    sheet: Any, first: int, entries: Sequence[Entry], styles: Styles, span: tuple[int, float], language: str
) -> None:
    """The contents (first sheet only, on screen, not printed): one line per sheet."""
    if not entries:
        return
    _merged(sheet, first, _CONTENTS[language], styles.get("@", "contents"), span, 20)
    fmt = styles.get("@", "entry")
    for row, entry in enumerate(entries, start=first + 1):
        _merged(sheet, row, _entry_text(entry, language), fmt, span, 0)


def _entry_text(entry: Entry, language: str) -> str:
    """ "水补偿明细（434 行）：已隐藏，不打印…"; what it holds when that is not its name."""
    about = [entry.holds] if entry.holds != entry.sheet else []
    if entry.rows is not None:
        about.append(_ROWS[language].format(entry.rows))
    if language == "zh":
        return (
            f"{entry.sheet}（{'，'.join(about)}）：{entry.status}"
            if about
            else f"{entry.sheet}：{entry.status}"
        )
    return (
        f"{entry.sheet} ({', '.join(about)}): {entry.status}" if about else f"{entry.sheet}: {entry.status}"
    )


def _layout(sheet: Any, plan: Plan, sized: Sequence[float], text: SheetText, end: int) -> None:
    """Widths (twins hidden), header and wrapped-text heights, panes, filter and print setup."""
    for col, (slot, width) in enumerate(zip(plan.slots, sized, strict=True)):
        sheet.set_column(col, col, width, None, {"hidden": True} if slot.twin else None)
    header_lines = max(
        (lines_needed(s.header(text.language), w) for s, w in zip(plan.slots, sized, strict=True)), default=1
    )
    sheet.set_row(plan.header_row, 15 * header_lines + 3)
    _row_heights(sheet, plan, sized, text.language)
    table = plan.table
    keys = _key_slots(plan) if table.layout == "detail" else 0
    sheet.freeze_panes(plan.header_row + 1, keys)
    sheet.autofilter(plan.header_row, 0, plan.last_line, len(plan.slots) - 1)
    _print_setup(sheet, plan, text, end, keys)


def _print_setup(sheet: Any, plan: Plan, text: SheetText, end: int, keys: int) -> None:
    """A4 landscape; a summary on one page, a reference one page wide, a detail across pages
    with its key columns repeated; the banner and header on every page; the print area."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    layout = plan.table.layout
    if layout == "summary":
        sheet.fit_to_pages(1, 1)
    elif layout == "reference":
        sheet.fit_to_pages(1, 0)
    else:
        sheet.print_across()  # a wide table's pages of the same rows follow each other
        if keys:
            sheet.repeat_columns(0, keys - 1)
    sheet.repeat_rows(plan.header_row if plan.banner_row is None else plan.banner_row, plan.header_row)
    if plan.printed < len(plan.slots) or text.contents:
        sheet.print_area(0, 0, max(end, plan.last_line), plan.printed - 1)
    if text.page_title is not None:  # the sheet's name and the report's title on every page
        sheet.set_header("&L&A&C" + text.page_title[:120].replace("&", "&&"))
    sheet.set_footer(_FOOTER[text.language])


def _key_slots(plan: Plan) -> int:
    """The sheet columns of the table's first `key_columns` columns (a 万元 twin with its column)."""
    count, seen = 0, 0
    for slot in plan.slots:
        if not slot.twin:
            if seen == plan.table.key_columns:
                break
            seen += 1
        count += 1
    return count


def _row_heights(sheet: Any, plan: Plan, sized: Sequence[float], language: str) -> None:
    """Lines with wrapped text (in the printed columns) get the height their longest text needs,
    up to `ROW_LINES` (not every viewer autofits)."""
    printed = zip(plan.slots[: plan.printed], sized, strict=False)
    texts = [(s, w) for s, w in printed if s.column.kind == "text"]
    for row, entry in enumerate(plan.entries, start=plan.first_line):
        if isinstance(entry, str):
            continue
        lines = max((lines_needed(str(s.value(entry, language) or ""), w) for s, w in texts), default=1)
        lines = min(lines, ROW_LINES[plan.table.layout])
        if lines > 1:
            sheet.set_row(row, 15 * lines + 3)
