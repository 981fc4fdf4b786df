"""The report model every calculation fills: a `Report` of `Table`s of typed `Column`s, and its totals.

A `Report` is a title, tables and a manifest (run info). It knows nothing about any policy: each
calculation builds its own tables, and `ecocomp.reports.write.write_report` renders them. This
module holds the model and pure helpers only and imports no writer. Rules of the model:

- values are str, int, Decimal, datetime.date, bool or None; a float anywhere is refused
  (`MoneyError`) before anything is written (`ecocomp.reports.checks`);
- totals are exact sums of the Decimal (or int) column, computed once (`column_totals`);
- headers and sheet names exist in Chinese and in English (the English ones are the keys);
- a table may carry a banner, a notice for people (e.g. that figures rest on provisional rates):
  the workbook shows it above the table's header and the terminal summary before the table;
  it is never data, so CSV, JSON and Parquet leave it out;
- a table may carry notes, lines for people shown under it (e.g. which provisional values its
  marked rows rest on), in the workbook below the totals and on the terminal after the table;
  never data either;
- a table has a print `layout` (issue 15): "summary" tables print each on one page, first;
  "reference" tables (tariffs used, rejected rows, run info) print one page wide; "detail"
  tables are in the workbook for people to filter but are not printed unless asked (their
  sheets are hidden, and listed on the cover); printed across pages, their first `key_columns`
  columns repeat on every page;
- a table may be `group`ed by one of its columns: the workbook and the terminal show a heading
  line before each group (the group's shown value), the data keeps the column as it is;
- a table may carry `charts` (`Chart`): each a bar chart of some of its money columns by the
  first column, titled in the sign convention of its columns;
- a report may carry `cover` lines (label, value) shown under its title on the first page
  (assessment year, unit, date of the run), and a title per language (`title_en`).
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

__all__ = [
    "KIND_SCALES",
    "LANGUAGES",
    "Chart",
    "Column",
    "ColumnKind",
    "CoverLine",
    "Layout",
    "Report",
    "Table",
    "Total",
    "column_totals",
    "never_empty",
]

ColumnKind = Literal["text", "int", "money", "ratio", "decimal", "date", "month", "bool"]
Layout = Literal["summary", "detail", "reference"]
#: The scale (digits after the point) of the kinds that fix it; a `decimal` column declares its own.
KIND_SCALES = {"money": 2, "ratio": 10}
LANGUAGES = ("zh", "en")
_SUM_PRECISION = 200  # digits: far beyond any amount, so a sum is never rounded

Total = int | Decimal


@dataclass(frozen=True)
class Column:
    """One column of the export contract: its stable English key, its Chinese header, its
    logical kind, whether it is totalled, for a column of codes the (code, Chinese label) pairs
    (the data keeps the code, the Chinese workbook and terminal show the label), its declared
    scale (money 2, ratio 10, a decimal column its own) and whether it may be empty.

    Kinds: text (string), int, money / ratio / decimal (exact decimals of the declared scale: a
    value with more places is refused, never rounded), date (ISO day), month ("YYYY-MM"
    everywhere), bool."""

    key: str
    zh: str
    kind: ColumnKind
    total: bool = False
    labels: tuple[tuple[str, str], ...] = ()
    optional: bool = False  # JSON Schema: may be absent (e.g. the range columns of a run without)
    scale: int | None = None  # digits after the point: declared by every decimal column
    nullable: bool = True  # False: every row has a value (a key column)
    #: How a value reads in a language beyond `labels` (e.g. evidence words inside a list of
    #: values: "provisional" -> "暂定"): (value, language) -> shown value. Display only.
    render: Callable[[object, str], object] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.kind == "decimal" and self.scale is None:
            raise ValueError(f"decimal column {self.key!r} must declare its scale")
        if self.kind in KIND_SCALES and self.scale not in (None, KIND_SCALES[self.kind]):
            raise ValueError(f"a {self.kind} column has scale {KIND_SCALES[self.kind]}, not {self.scale}")

    @property
    def declared_scale(self) -> int:
        """Digits after the point of a money, ratio or decimal column (0 for the others)."""
        return KIND_SCALES.get(self.kind, self.scale or 0)

    def header(self, language: str) -> str:
        """The header in `language` ("zh" or "en"; English headers are the keys)."""
        return self.zh if language == "zh" else self.key

    def shown(self, value: object, language: str) -> object:
        """The value as people read it in `language`: a code's label in Chinese, else the value
        as the column's `render` shows it, else the value."""
        if self.labels and language == "zh" and isinstance(value, str):
            return dict(self.labels).get(value, value)
        if self.render is not None and value is not None:
            return self.render(value, language)
        return value


@dataclass(frozen=True)
class Chart:
    """A bar chart of `columns` (money columns of its table) by the table's first column, titled
    `zh` / `en`; the title states the sign convention (e.g. "净上缴（正数 = 向省上缴）")."""

    key: str
    zh: str
    en: str
    columns: tuple[str, ...]

    def title(self, language: str) -> str:
        """The chart's title in `language`."""
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class CoverLine:
    """One labelled line under a report's title on its first page (e.g. 考核年度: 2018)."""

    zh: str
    en: str
    value: str
    value_en: str | None = None  # the value in English where it differs (e.g. a date written out)

    def label(self, language: str) -> str:
        """The label in `language`."""
        return self.zh if language == "zh" else self.en

    def shown(self, language: str) -> str:
        """The value in `language`."""
        return self.value_en if language == "en" and self.value_en is not None else self.value


def never_empty(columns: tuple[Column, ...], *may_be_empty: str) -> tuple[Column, ...]:
    """`columns` declared never empty (not nullable), but for the keys in `may_be_empty`."""
    return tuple(replace(c, nullable=c.key in may_be_empty) for c in columns)


@dataclass(frozen=True)
class Table:
    """One table of the report: a key ("lines"), a Chinese name ("明细"), columns and rows."""

    key: str
    zh: str
    columns: tuple[Column, ...]
    rows: Sequence[Mapping[str, object]]
    totals: bool = False
    chart: tuple[str, ...] = ()  # XLSX: a bar chart of these columns by the first column
    banner: str | None = None  # XLSX and terminal: a notice shown above the table (never data)
    chart_note: str | None = None  # XLSX: added to the chart's title, e.g. "含暂定数"
    notes: tuple[str, ...] = ()  # XLSX and terminal: lines shown under the table (never data)
    row_key: str | None = None  # the column naming a row across runs (e.g. "payer_code")
    layout: Layout = "reference"  # how it prints (see the module's rules)
    key_columns: int = 1  # printed across pages: the first columns repeated on every page
    group: str | None = None  # a column whose value changes start a heading line (display only)
    charts: tuple[Chart, ...] = ()  # XLSX: bar charts of this table's columns (issue 15)
    en: str | None = None  # the sheet name in English, where it differs from the key
    #: XLSX: the columns the printed page shows (a summary's figures, so it fits one readable
    #: page); the workbook puts them first and prints only them, the others follow on screen.
    #: Empty: every column prints.
    print_columns: tuple[str, ...] = ()
    banner_en: str | None = None  # the banner in English (an English workbook and terminal)
    notes_en: tuple[str, ...] = ()  # the notes in English, line for line with `notes`

    def name(self, language: str) -> str:
        """The sheet name in `language`."""
        return self.zh if language == "zh" else (self.en or self.key)

    def banner_in(self, language: str) -> str | None:
        """The banner in `language` (English: banner_en, else the banner)."""
        return self.banner_en if language == "en" and self.banner_en is not None else self.banner

    def notes_in(self, language: str) -> tuple[str, ...]:
        """The notes in `language` (English: notes_en when given, else the notes)."""
        return self.notes_en if language == "en" and self.notes_en else self.notes


@dataclass(frozen=True)
class Report:
    """A titled set of tables (the first is the primary one) and the run's manifest."""

    title: str
    tables: tuple[Table, ...]
    manifest: Mapping[str, object]
    cover: tuple[CoverLine, ...] = ()  # XLSX and terminal: lines under the title (never data)
    title_en: str | None = None  # the title of an English workbook, where it differs

    def heading(self, language: str) -> str:
        """The title in `language`."""
        return self.title_en if language == "en" and self.title_en else self.title


def column_totals(table: Table) -> dict[str, Total]:
    """Exact totals of the table's totalled columns (empty if the table has no totals row)."""
    if not table.totals:
        return {}
    totals: dict[str, Total] = {}
    for column in table.columns:
        if column.total:
            values = [v for row in table.rows if isinstance(v := row[column.key], int | Decimal)]
            totals[column.key] = _exact_sum(values, column.kind)
    return totals


def _exact_sum(values: Sequence[int | Decimal], kind: str) -> Total:
    """The sum, never rounded: an int column adds to an int, money starts at 0.00 yuan."""
    if kind == "int":
        return sum((int(v) for v in values), 0)
    start = Decimal("0.00") if kind == "money" else Decimal(0)
    with decimal.localcontext() as ctx:
        ctx.prec = _SUM_PRECISION
        ctx.traps[decimal.Inexact] = True
        return sum(values, start)
