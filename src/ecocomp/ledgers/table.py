"""The raw ledger table every reader returns, and the steps all readers share.

Source: issue 3 "Ledgers in", section "Reading". Held here: `RawTable` (every cell as text, with
the line numbers the user sees), the header `Scorer` type, `find_header` (the header is the first
of the top `HEAD_ROWS` rows that names the most known columns, so title rows above it are skipped)
and `drop_empty` (fully empty rows count for nothing). The CSV/Parquet reader
(`ecocomp.ledgers.read`) and the XLSX reader (`ecocomp.ledgers.xlsx`) both build on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerIssue, LedgerStructureError

__all__ = ["HEAD_ROWS", "RawTable", "Scorer", "drop_empty", "find_header"]

HEAD_ROWS = 30  # the header must be among the first 30 non-empty rows

#: A header scorer: how many cells of a row name a known column.
Scorer = Callable[[Sequence[str]], int]


@dataclass(frozen=True)
class RawTable:
    """A ledger as text: headers as written, one string column per header, user line numbers.

    `issues` are rows that could not be split into the header's columns; `rows_read` counts
    them as well as the rows in `columns` (fully empty rows are not counted).
    """

    source: str
    headers: tuple[str, ...]
    columns: tuple[pa.Array, ...]
    lines: pa.Array
    issues: tuple[LedgerIssue, ...]

    @property
    def rows_read(self) -> int:
        return len(self.lines) + len({i.line for i in self.issues})


def find_header(rows: Sequence[Sequence[str]], score: Scorer, source: str) -> int:
    """Index of the header row: the one naming most known columns, else the first wide row."""
    best, best_score = -1, 0
    for index, row in enumerate(rows[:HEAD_ROWS]):
        points = score(row)
        if points > best_score:
            best, best_score = index, points
    if best >= 0:
        return best
    wide = [i for i, row in enumerate(rows[:HEAD_ROWS]) if sum(1 for c in row if c.strip()) >= 2]
    if not wide:
        raise LedgerStructureError(source, "no header row found in the first rows; is the file empty?")
    return wide[0]


def drop_empty(
    source: str,
    headers: Sequence[str],
    columns: Sequence[pa.Array],
    lines: pa.Array,
    issues: tuple[LedgerIssue, ...],
) -> RawTable:
    """Drop rows whose every cell is empty or blank (they are not ledger rows)."""
    if not columns:
        return RawTable(source, tuple(headers), (), lines, issues)
    filled = [_filled(c) for c in columns]
    mask = filled[0]
    for more in filled[1:]:
        mask = pc.or_(mask, more)
    kept = tuple(pc.filter(c, mask) for c in columns)
    return RawTable(source, tuple(headers), kept, pc.filter(lines, mask), issues)


def _filled(column: pa.Array) -> pa.Array:
    """Cells that are not empty or blank (a dictionary column is checked on its distinct values)."""
    if pa.types.is_dictionary(column.type):
        blank = pc.utf8_trim_whitespace(column.dictionary)
        return pc.fill_null(pc.take(pc.not_equal(blank, ""), column.indices), False)
    if pa.types.is_string(column.type):
        return pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(column), ""), False)
    return column.is_valid()
