"""The terminal summary of a report (runs without -o): every amount digit for digit, at any width.

A report's first table is shown as narrow tables ("panels"): the first column (the place) and
some of the figures, each panel as wide as the terminal allows. A caller may name `Section`s
(e.g. one per policy family); each section's figures are packed into as many panels as its
width needs, each panel repeating the first column. Figures are never wrapped or cut: a money
column is exactly as wide as its widest amount; texts (place names, headers) wrap instead.

Before the panels: the banner (e.g. figures on provisional rates), the title, the cover lines
and the money unit; after them the table's notes. `plain=True` writes the same as plain text
for pipes: no box drawing, no colours, one tab-separated line per row with every column (the
low and high figures of a ranged column each in a column of its own, the group as a column),
amounts without thousands separators, every notice on one line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ecocomp.messages import say
from ecocomp.money.rounding import Rounding, to_decimal
from ecocomp.reports.model import Column, Report, Table, column_totals

__all__ = ["Section", "print_summary", "wrap_cells"]

HALF_UP_FEN = Rounding()  # 万元 shown to 0.01 万元, half away from zero (四舍五入)
BREAK_AFTER = " 、，。；：）),;"  # a wrapped text breaks after one of these where it can
BREAK_BEFORE = "(（《〔「"  # ... or before one of these
NO_LINE_START = "、，。；：）》〕」』),;:."  # marks a line never starts with
KEY_WIDTH = 12  # cells: the widest the first column (place names) is kept before it wraps
LABEL_WIDTH = 8  # cells: a column of labels (e.g. 暂定) is at least this wide for its header
GAP = 3  # cells between two columns of a panel


@dataclass(frozen=True)
class Section:
    """Some figure columns of the summary shown together under a heading (None: no heading)."""

    heading: str | None
    keys: tuple[str, ...]


@dataclass(frozen=True)
class _View:
    """What the summary shows, as text: its columns, headers, rows (with group headings) and totals."""

    columns: tuple[Column, ...]
    headers: Mapping[str, str]
    rows: Sequence[Mapping[str, str] | str]  # a str: the heading of the group that starts here
    totals: Mapping[str, str] | None


def print_summary(
    report: Report,
    *,
    language: str = "zh",
    wan_yuan: bool = False,
    plain: bool = False,
    sections: Sequence[Section] = (),
    console: Console | None = None,
) -> None:
    """Print the report's first table (see the module docstring), in `language`, amounts in yuan
    or (`wan_yuan`) in 万元."""
    out = console or Console(highlight=False, soft_wrap=False)
    table = report.tables[0]
    lines = _preamble(report, table, language, wan_yuan)
    if plain:
        _print_plain(out, lines, _view(table, language, wan_yuan, plain=True), table.notes_in(language))
        return
    view = _view(table, language, wan_yuan, plain=False)
    for line in lines:
        _print_wrapped(out, line)
    for panel in _panels(view, sections, out.width, language):
        _print_panel(out, view, panel)
    for note in table.notes_in(language):
        _print_wrapped(out, note)


def _preamble(report: Report, table: Table, language: str, wan_yuan: bool) -> list[str]:
    """The lines before the figures: banner, title, cover lines, money unit."""
    unit = say("unit_wan_yuan" if wan_yuan else "unit_yuan", language)
    cover = [
        say("summary_cover", language, label=c.label(language), value=c.shown(language)) for c in report.cover
    ]
    banner = [text] if (text := table.banner_in(language)) else []
    return [*banner, report.heading(language), *cover, say("summary_unit", language, unit=unit)]


def _shown_columns(table: Table, plain: bool) -> list[Column]:
    """The first column and every figure column with a value (the low and high of a ranged one
    only in plain text, where they are columns of their own); the group column only in plain."""
    keys = {c.key for c in table.columns}
    bounds = {f"{c.key}_{end}" for c in table.columns for end in ("low", "high") if _ranged(c, keys)}
    shown = []
    for i, column in enumerate(table.columns):
        figure = column.kind in ("money", "ratio") or bool(column.labels)
        if column.key == table.group:
            if plain:
                shown.append(column)
            continue
        if (column.key in bounds and not plain) or not (i == 0 or figure):
            continue
        if i == 0 or any(r.get(column.key) is not None for r in table.rows):
            shown.append(column)
    return shown


def _ranged(column: Column, keys: set[str]) -> bool:
    return {f"{column.key}_low", f"{column.key}_high"} <= keys


def _view(table: Table, language: str, wan_yuan: bool, *, plain: bool) -> _View:
    columns = _shown_columns(table, plain)
    keys = {c.key for c in table.columns}
    ranged = {c.key for c in columns if _ranged(c, keys) and not plain}

    def texts(values: Mapping[str, object]) -> dict[str, str]:
        """A row's cells; a ranged figure's cell its central, low and high figure on three lines."""
        out = {c.key: _text(c, values.get(c.key), language, wan_yuan, plain) for c in columns}
        for key in ranged:
            ends = [
                _text(_column(table, f"{key}_{e}"), values.get(f"{key}_{e}"), language, wan_yuan, plain)
                for e in ("low", "high")
            ]
            if out[key] and any(ends):
                out[key] = "\n".join([out[key], *ends])
        return out

    rows = _grouped(table, language, texts)
    totals = None
    if table.totals:
        totals = texts(column_totals(table)) | {columns[0].key: say("summary_total", language)}
    headers = {c.key: _header(c, language, wan_yuan, c.key in ranged) for c in columns}
    return _View(tuple(columns), headers, rows, totals)


def _grouped(
    table: Table, language: str, texts: Callable[[Mapping[str, object]], dict[str, str]]
) -> list[Mapping[str, str] | str]:
    """The rows' cells, each group's heading (e.g. 【外市】) before its first row."""
    rows: list[Mapping[str, str] | str] = []
    group: object = None
    for row in table.rows:
        if table.group is not None and (row.get(table.group) != group or not rows):
            group = row.get(table.group)
            shown = _column(table, table.group).shown(group, language)
            rows.append(say("summary_group", language, group=shown))
        rows.append(texts(row))
    return rows


def _column(table: Table, key: str) -> Column:
    return next(c for c in table.columns if c.key == key)


def _header(column: Column, language: str, wan_yuan: bool, ranged: bool) -> str:
    """A column's header in `language`; in 万元 a "(元)" in it says "(万元)"."""
    header = column.header(language)
    if wan_yuan and column.kind == "money":
        header = header.replace("(元)", "(万元)").replace("（元）", "（万元）")
    return f"{header}\n{say('summary_range', language)}" if ranged else header


def _text(column: Column, value: object, language: str, wan_yuan: bool, plain: bool) -> str:
    """One value as the summary shows it: amounts exact to the fen (or to 0.01 万元)."""
    if value is None:
        return ""
    if column.kind == "money" and isinstance(value, Decimal | int):
        amount = HALF_UP_FEN.apply(to_decimal(value).scaleb(-4)) if wan_yuan else to_decimal(value)
        return f"{amount:.2f}" if plain else f"{amount:,.2f}"
    if column.kind == "ratio" and isinstance(value, Decimal):
        return f"{(value * 100).normalize():f}%"
    if column.kind == "int" and isinstance(value, int) and not plain:
        return f"{value:,}"
    return str(column.shown(value, language)).replace("\t", " ").replace("\n", " ")


def _widths(view: _View) -> dict[str, int]:
    """Each column's width: a figure column its widest value (never less), the first column its
    widest value up to KEY_WIDTH, a column of labels at least LABEL_WIDTH."""
    widths = {}
    for i, column in enumerate(view.columns):
        values = [r[column.key] for r in _data_rows(view)]
        widest = max((cell_len(line) for v in values for line in v.split("\n")), default=0)
        if i == 0:
            widths[column.key] = max(min(widest, KEY_WIDTH), 4)
        elif column.kind in ("money", "ratio", "int", "decimal"):
            header = max(cell_len(line) for line in view.headers[column.key].split("\n"))
            widths[column.key] = max(widest, min(header, LABEL_WIDTH), 6)
        else:
            widths[column.key] = max(widest, min(cell_len(view.headers[column.key]), LABEL_WIDTH))
    return widths


def _data_rows(view: _View) -> list[Mapping[str, str]]:
    rows = [r for r in view.rows if not isinstance(r, str)]
    return [*rows, view.totals] if view.totals is not None else rows


@dataclass(frozen=True)
class _Panel:
    """One narrow table: its title, its columns (the first column first) and the figure columns
    whose rows it shows (the rows with a value in any of them: a place the section concerns)."""

    title: str | None
    columns: tuple[Column, ...]
    section: tuple[str, ...]


def _panels(view: _View, sections: Sequence[Section], width: int, language: str) -> list[_Panel]:
    """The panels: each section's figure columns (all figures when no section is named), packed
    in order into panels no wider than `width`, each led by the first column."""
    key, figures = view.columns[0], view.columns[1:]
    groups = [(s.heading, [c for c in figures if c.key in s.keys]) for s in sections]
    named = {k for s in sections for k in s.keys}
    rest = [c for c in figures if c.key not in named]
    if rest or not sections:
        groups.append((None, rest))
    widths = _widths(view)
    panels = []
    for heading, columns in groups:
        packed = _pack(columns, widths, width - widths[key.key])
        section = tuple(c.key for c in columns)
        for n, part in enumerate(packed, start=1):
            split = heading and len(packed) > 1
            title = (
                say("summary_part", language, heading=heading, n=n, count=len(packed)) if split else heading
            )
            panels.append(_Panel(title, (key, *part), section))
    return panels


def _pack(columns: Sequence[Column], widths: Mapping[str, int], room: int) -> list[list[Column]]:
    """`columns` in order, in as few runs as fit `room` cells each, GAP before each column (a
    column wider than the room alone in its run: its figures are never cut, the line wraps)."""
    runs: list[list[Column]] = []
    used = room + 1
    for column in columns:
        need = widths[column.key] + GAP
        if used + need > room and (not runs or runs[-1]):
            runs.append([])
            used = 0
        runs[-1].append(column)
        used += need
    return [run for run in runs if run]


def _panel_rows(view: _View, panel: _Panel) -> list[tuple[str | None, list[Mapping[str, str]]]]:
    """The rows of the places the panel's section concerns, by group (heading, rows): a group
    with none of them is left out; without groups, one group with no heading."""
    groups: list[tuple[str | None, list[Mapping[str, str]]]] = [(None, [])]
    for row in view.rows:
        if isinstance(row, str):
            groups.append((row, []))
        elif any(row[k] for k in panel.section):
            groups[-1][1].append(row)
    return [(heading, rows) for heading, rows in groups if rows]


def _print_panel(out: Console, view: _View, panel: _Panel) -> None:
    """One panel: its title and header, then each group's heading (a line of its own, as wide as
    it needs) and rows, then the totals under a rule; the columns align from table to table as
    each has its fixed width."""
    widths = _widths(view)
    if panel.title:
        _print_wrapped(out, panel.title, style="bold")
    out.print(_rich_table(view, panel, widths, header=True))
    for heading, rows in _panel_rows(view, panel):
        if heading is not None:
            _print_wrapped(out, heading, style="bold")
        out.print(_rich_table(view, panel, widths, rows=rows))
    if view.totals is not None:
        ruled = sum(widths[c.key] for c in panel.columns) + GAP * (len(panel.columns) - 1)
        out.print(Text("─" * ruled))
        out.print(_rich_table(view, panel, widths, rows=[view.totals], style="bold"))


def _rich_table(
    view: _View,
    panel: _Panel,
    widths: Mapping[str, int],
    *,
    header: bool = False,
    rows: Sequence[Mapping[str, str]] = (),
    style: str = "",
) -> RichTable:
    """The panel's header (`header`) or some of its rows, in columns of fixed widths."""
    table = RichTable(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        show_header=header,
    )
    for column in panel.columns:
        width = widths[column.key]
        lines = view.headers[column.key].split("\n")
        numeric = column.kind in ("money", "ratio", "int", "decimal")
        table.add_column(
            "\n".join(wrap_cells(line, width) for line in lines),
            justify="right" if numeric else "left",
            width=width,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(Text(row[c.key], style=style) for c in panel.columns))
    return table


def _print_plain(out: Console, lines: Sequence[str], view: _View, notes: Sequence[str]) -> None:
    """Plain text, written as it is (rich would expand the tabs)."""
    rows = [r for r in view.rows if not isinstance(r, str)]
    if view.totals is not None:
        rows.append(view.totals)
    table = ["\t".join(view.headers[c.key] for c in view.columns)]
    table += ["\t".join(row[c.key] for c in view.columns) for row in rows]
    for line in [*lines, *table, *notes]:
        out.file.write(line.replace("\n", " ") + "\n")


def _print_wrapped(out: Console, text: str, style: str = "") -> None:
    for line in text.split("\n"):
        for part in wrap_cells(line, out.width).split("\n"):
            out.print(Text(part, style=style), soft_wrap=True)


def wrap_cells(text: str, width: int) -> str:
    """`text` in lines of at most `width` terminal cells (a Chinese character is two), breaking
    after a space or a punctuation mark where one is near (never before a closing mark), else
    between two characters; no character is dropped or added: joining the lines gives `text`."""
    lines: list[str] = []
    line = ""
    for char in text:
        if line and cell_len(line + char) > width:
            cut = _break(line, char)
            lines.append(line[:cut])
            line = line[cut:]
        line += char
    return "\n".join([*lines, line])


def _break(line: str, following: str) -> int:
    """Where to end `line` (the next character `following` does not fit): at its last break in
    its second half (after a space or a mark, before an opening bracket, never before a closing
    mark; after an underscore only where none of those is); else before a closing mark that
    would start the next line; else at its end."""
    for marks in (BREAK_AFTER, "_"):
        cut = _last_break(line, following, marks)
        if cut:
            return cut
    cut = len(line)
    while cut > 1 and (line[cut] if cut < len(line) else following) in NO_LINE_START:
        cut -= 1
    return cut if (line[cut] if cut < len(line) else following) not in NO_LINE_START else len(line)


def _last_break(line: str, following: str, marks: str) -> int:
    """The end of `line` at its last break after one of `marks` (or before an opening bracket)
    in its second half; 0 if none."""
    after = [*line[1:], following]
    half = cell_len(line) // 2
    for i in range(len(line) - 1, 0, -1):
        if cell_len(line[: i + 1]) < half:
            break
        ends = line[i] in marks or (marks is BREAK_AFTER and after[i] in BREAK_BEFORE)
        if ends and after[i] not in NO_LINE_START:
            return i + 1
    return 0
