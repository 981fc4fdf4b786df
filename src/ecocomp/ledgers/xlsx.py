"""Reading an XLSX ledger as text, safely.

Source: issue 3 "Ledgers in", sections "Reading" and "Safety". An XLSX is a zip of XML: the zip
is checked first (size, entry count, compression ratio) so an oversized or bomb-like file is
refused before openpyxl opens it; openpyxl parses the XML through defusedxml (installed as a
dependency, used automatically). Cells become the text Excel shows: integers as integers,
other numbers as exact decimals (0.1, never 0.1000000000000000055), dates as YYYY-MM-DD.
A text cell keeps its text as is, so a value starting with = + - @ stays plain text.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl  # type: ignore[import-untyped, unused-ignore]
import openpyxl.xml  # type: ignore[import-untyped, unused-ignore]
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerIssue, LedgerStructureError, UsageError
from ecocomp.ledgers.table import HEAD_ROWS, RawTable, Scorer, drop_empty, find_header

__all__ = ["MAX_ENTRIES", "MAX_RATIO", "MAX_UNZIPPED_BYTES", "read_xlsx"]

MAX_UNZIPPED_BYTES = 512 * 1024 * 1024  # a workbook that unpacks to more is refused
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # an entry that unpacks to over 200 times its packed size looks like a bomb
_RATIO_FLOOR = 1024 * 1024  # small entries may compress well; only check those above 1 MiB


def read_xlsx(path: Path, score: Scorer, *, sheet: str | None = None) -> RawTable:
    """The named sheet (or the first) as text, header found below any title rows."""
    check_zip(path)
    if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise LedgerStructureError(path.name, "defusedxml is not installed; refusing to parse XLSX")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerStructureError(path.name, f"cannot open the workbook ({exc})") from None
    try:
        return _read_sheet(book, path.name, score, sheet)
    except LedgerStructureError:
        raise
    except (UsageError, KeyboardInterrupt):
        raise
    except Exception as exc:  # malformed XML inside the zip surfaces from many places
        raise LedgerStructureError(path.name, f"the workbook is damaged ({type(exc).__name__})") from None
    finally:
        book.close()


def check_zip(path: Path) -> None:
    """Refuse a zip that is damaged, has too many entries, unpacks too large or looks like a bomb."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LedgerStructureError(path.name, f"this is not a valid XLSX file ({exc})") from None
    total = sum(e.file_size for e in entries)
    if len(entries) > MAX_ENTRIES or total > MAX_UNZIPPED_BYTES:
        raise LedgerStructureError(
            path.name,
            f"the workbook unpacks to {total:,} bytes in {len(entries)} parts, over the "
            f"limit of {MAX_UNZIPPED_BYTES:,} bytes; split it, or save the large sheet as CSV",
        )
    for entry in entries:
        if entry.file_size > _RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise LedgerStructureError(
                path.name,
                f"part {entry.filename} unpacks {entry.file_size // max(entry.compress_size, 1)}"
                " times its size, which looks like a zip bomb; refusing to open it",
            )


def _read_sheet(book: Any, source: str, score: Scorer, sheet: str | None) -> RawTable:
    if sheet is not None and sheet not in book.sheetnames:
        raise UsageError(f"{source} has no sheet {sheet!r}; its sheets: {', '.join(book.sheetnames)}")
    ws = book[sheet] if sheet is not None else book.worksheets[0]
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # the stored dimension may be wrong; read what is there
    numbered = ((n, [_text(v) for v in row]) for n, row in enumerate(ws.iter_rows(values_only=True), 1))
    head: list[tuple[int, list[str | None]]] = []
    for number, cells in numbered:
        if any(cells):
            head.append((number, cells))
            if len(head) >= HEAD_ROWS:
                break
    index = find_header([[c or "" for c in cells] for _, cells in head], score, source)
    header = head[index][1]
    while header and not header[-1]:
        header.pop()
    lines: list[int] = []
    values: list[list[str | None]] = []
    issues: list[LedgerIssue] = []
    for number, cells in itertools.chain(head[index + 1 :], numbered):
        if not any(cells):
            continue
        extra = next((c for c in cells[len(header) :] if c), None)
        if extra is not None:
            issues.append(_extra_issue(source, number, extra))
            continue
        lines.append(number)
        values.append(cells[: len(header)] + [None] * (len(header) - len(cells)))
    columns = tuple(pa.array([r[i] for r in values], pa.string()) for i in range(len(header)))
    headers = tuple((h or "").strip() for h in header)
    return drop_empty(source, headers, columns, pa.array(np.array(lines, dtype=np.int64)), tuple(issues))


def _extra_issue(source: str, line: int, value: str) -> LedgerIssue:
    return LedgerIssue(
        source,
        line,
        "",
        value,
        "field_count",
        f"this row has a value ({value!r}) in a column without a header; give the column a "
        "header or clear the cell",
    )


def _text(value: object) -> str | None:
    """The text Excel shows for a cell value, exact; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)
