"""Helpers of the hostile-input cases: cell edits on a ledger's text, and what a message must say."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from typer.testing import Result

HEADER_LINE = 2  # every corpus ledger: a title row, then the header (line 2 as Excel shows it)


def rows_of(text: str) -> list[list[str]]:
    """The CSV rows of a ledger's text."""
    return list(csv.reader(io.StringIO(text)))


def text_of(rows: list[list[str]], newline: str = "\n") -> str:
    """CSV text of rows (quoted where needed)."""
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


def column_index(rows: list[list[str]], header: str) -> int:
    return rows[HEADER_LINE - 1].index(header)


def set_cell(text: str, line: int, header: str, value: str) -> str:
    """The ledger's text with the cell at `line` (as Excel shows it) under `header` set."""
    rows = rows_of(text)
    rows[line - 1][column_index(rows, header)] = value
    return text_of(rows)


def cell(text: str, line: int, header: str) -> str:
    rows = rows_of(text)
    return rows[line - 1][column_index(rows, header)]


def rename_header(text: str, old: str, new: str) -> str:
    rows = rows_of(text)
    rows[HEADER_LINE - 1][column_index(rows, old)] = new
    return text_of(rows)


def add_column(text: str, header: str, value: str) -> str:
    """The ledger with one more column, `value` in every data row."""
    rows = rows_of(text)
    for i, row in enumerate(rows):
        if i == HEADER_LINE - 1:
            row.append(header)
        elif i >= HEADER_LINE:
            row.append(value)
    return text_of(rows)


def header_only(text: str) -> str:
    return text_of(rows_of(text)[:HEADER_LINE])


def said(result: Result | str, *texts: str, folder: Path | None = None) -> str:
    """The run's output (paths of `folder` removed, so that a test's folder name cannot make
    a match); asserts each text appears in it."""
    text = result if isinstance(result, str) else result.output
    if folder is not None:
        text = text.replace(str(folder), "<dir>")
    missing = [t for t in texts if t not in text]
    assert not missing, f"{missing} not in the output:\n{text[-3000:]}"
    return text


def names_line(text: str, line: int) -> bool:
    """True if the message names line `line` (as a number of its own)."""
    return re.search(rf"(?<![\d.]){line}(?![\d.])", text) is not None
