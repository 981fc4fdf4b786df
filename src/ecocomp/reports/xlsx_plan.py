"""Where a table goes on its sheet: its columns in sheet order and its rows (pure, no writer).

Columns (`Slot`): a table's `print_columns` first (in table order), then the others (a grouped
table without print columns prints every column but its group column, which its heading rows
show; that column follows on screen); with 万元
each money column is shown in 万元 and followed by its exact yuan twin (hidden). Rows (`Plan`):
what sits above the table (the cover, on the first sheet), the banner, the header, the lines with
a heading before each group (`Table.group`), the totals, a blank row, the notes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ecocomp.errors import UsageError
from ecocomp.reports.model import Column, Table, column_totals
from ecocomp.reports.text import cell_text
from ecocomp.reports.xlsx_cells import in_wan, places, shown_text, text_width

__all__ = ["Plan", "Slot", "plan_sheet", "wan_header", "widths", "yuan_header"]

#: The widest a text column grows per layout, in characters (longer text wraps): a detail
#: sheet's rows stay readable across printed pages.
TEXT_CAP = {"detail": 36, "summary": 40, "reference": 60}
MAX_WIDTH, MIN_WIDTH, HEADER_WRAP = 60, 6, 24
HEADER_FLOOR = 8  # a header wider than its column's values wraps within this width (4 汉字)
_YUAN = re.compile(r"([（(])元(?=[）)，,、；;/])")
_BLANK_GROUP = {"zh": "（空）", "en": "(blank)"}
_WORD = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")  # a run a line cannot break in


def wan_header(header: str, language: str) -> str:
    """A money column's header in 万元: "净上缴(元)" -> "净上缴(万元)"; en "net" -> "net (10,000 yuan)"."""
    if language == "en":
        return f"{header} (10,000 yuan)"
    shown, count = _YUAN.subn(r"\1万元", header)
    return shown if count else f"{header}（万元）"


def yuan_header(header: str, language: str) -> str:
    """The header of a 万元 column's exact-yuan twin: the header in 元."""
    if language == "en":
        return f"{header} (yuan)"
    return header if "元" in header else f"{header}（元）"


@dataclass(frozen=True)
class Slot:
    """One sheet column: a table column, shown in 万元 (`wan`) or the hidden yuan twin of one."""

    column: Column
    wan: bool = False
    twin: bool = False

    def header(self, language: str) -> str:
        """The header cell's text."""
        text = self.column.header(language)
        if self.wan:
            return wan_header(text, language)
        return yuan_header(text, language) if self.twin else text

    def value(self, row: Mapping[str, object], language: str) -> object:
        """The cell's value for a line: the shown value, an amount in 万元 in a 万元 column."""
        value = self.column.shown(row[self.column.key], language)
        if self.wan and isinstance(value, int | Decimal) and not isinstance(value, bool):
            return in_wan(value)
        return value


@dataclass(frozen=True)
class Plan:
    """A table's sheet: its slots, its entries (a line's row, or a group heading's text) and rows."""

    table: Table
    slots: tuple[Slot, ...]
    entries: tuple[Mapping[str, object] | str, ...]
    printed: int  # the first slots that print (all, unless the table names print_columns)
    banner_row: int | None
    header_row: int

    @property
    def first_line(self) -> int:
        """The row (0-based) of the first entry."""
        return self.header_row + 1

    @property
    def last_line(self) -> int:
        """The row of the last entry (the header's row when there is none)."""
        return self.header_row + len(self.entries)

    @property
    def totals_row(self) -> int | None:
        """The totals row, right under the lines, if the table has totals."""
        return self.last_line + 1 if self.table.totals else None

    @property
    def notes_row(self) -> int:
        """The first row under the table (after one blank row) for notes and what follows."""
        return (self.totals_row or self.last_line) + 2

    def line_runs(self) -> list[tuple[int, int]]:
        """Rows of lines as (first, last) runs between group headings (for chart ranges)."""
        runs: list[tuple[int, int]] = []
        for row, entry in enumerate(self.entries, start=self.first_line):
            if isinstance(entry, str):
                continue
            if runs and runs[-1][1] == row - 1:
                runs[-1] = (runs[-1][0], row)
            else:
                runs.append((row, row))
        return runs

    def position(self, key: str, *, twin: bool = False) -> int:
        """The sheet column of a table column (shown, or its yuan twin)."""
        return next(i for i, s in enumerate(self.slots) if s.column.key == key and s.twin == twin)


def plan_sheet(table: Table, *, above: int, wan_yuan: bool, language: str) -> Plan:
    """The plan of `table` on a sheet whose first `above` rows hold something else (the cover)."""
    slots = _slots(table, wan_yuan)
    if table.totals and slots and slots[0].column.total:
        raise UsageError(
            f"table {table.key!r}: its first printed column holds the totals label; do not total it"
        )
    printed = len(slots)
    wanted = printed_keys(table)
    if len(wanted) < len(table.columns):
        printed = max(i for i, s in enumerate(slots) if s.column.key in wanted) + 1
    banner_row = above if table.banner else None
    header_row = above + (1 if table.banner else 0)
    return Plan(table, slots, _entries(table, language), printed, banner_row, header_row)


def printed_keys(table: Table) -> set[str]:
    """The keys of the columns that print: the print columns, else every column but the group's
    (its value heads each group), else every column."""
    if table.print_columns:
        return set(table.print_columns)
    keys = {c.key for c in table.columns}
    return keys - {table.group} if table.group and len(keys) > 1 else keys


def _slots(table: Table, wan_yuan: bool) -> tuple[Slot, ...]:
    """The sheet's columns: print columns first (table order), then the rest; 万元 twins."""
    keys = {c.key for c in table.columns}
    unknown = [k for k in (*table.print_columns, *([table.group] if table.group else [])) if k not in keys]
    if unknown:
        raise UsageError(f"table {table.key!r} names columns it does not have: {', '.join(unknown)}")
    wanted = printed_keys(table)
    ordered = [c for c in table.columns if c.key in wanted] + [
        c for c in table.columns if c.key not in wanted
    ]
    slots: list[Slot] = []
    for column in ordered:
        if wan_yuan and column.kind == "money":
            slots += [Slot(column, wan=True), Slot(column, twin=True)]
        else:
            slots.append(Slot(column))
    return tuple(slots)


def _entries(table: Table, language: str) -> tuple[Mapping[str, object] | str, ...]:
    """The lines, with a heading (the group column's shown value) before each run of one value."""
    if table.group is None:
        return tuple(table.rows)
    column = next(c for c in table.columns if c.key == table.group)
    entries: list[Mapping[str, object] | str] = []
    previous: object = object()
    for row in table.rows:
        if row[column.key] != previous:
            shown = cell_text(column.shown(row[column.key], language), language)
            entries.append(shown or _BLANK_GROUP[language])
            previous = row[column.key]
        entries.append(row)
    return tuple(entries)


def widths(plan: Plan, language: str) -> list[float]:
    """Column widths that fit the shown text, text capped by layout; a header wider than its
    values wraps (to lines of at least `HEADER_FLOOR`, never inside a word)."""
    table, totals = plan.table, column_totals(plan.table)
    cap = TEXT_CAP[table.layout]
    result: list[float] = []
    for slot in plan.slots:
        column = slot.column
        decimals = places(table, column)
        values = [column.shown(r[column.key], language) for r in table.rows] + [totals.get(column.key)]
        shown = (shown_text(v, column.kind, decimals, slot.wan, language) for v in values)
        data = max((text_width(s) for s in shown), default=0)
        if column.kind == "text":
            data = min(data, cap)
        text = slot.header(language)
        header = min(text_width(text), HEADER_WRAP, max(data, HEADER_FLOOR, _longest_word(text)))
        result.append(min(MAX_WIDTH, max(MIN_WIDTH, data, header) + 2))
    return result


def _longest_word(text: str) -> int:
    """The width of the longest run of `text` a wrapped line cannot break (a Latin word; a line
    may break between any two Chinese characters)."""
    return max((text_width(word) for word in _WORD.findall(text)), default=0)
