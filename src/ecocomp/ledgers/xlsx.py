"""Reading an XLSX ledger as text, safely.

Source: issue 3 "Ledgers in", sections "Reading" and "Safety". An XLSX is a zip of XML: the zip
is checked first (size, entry count, compression ratio) so an oversized or bomb-like file is
refused before openpyxl opens it; openpyxl parses the XML through defusedxml (installed as a
dependency, used automatically). Cells become the text Excel shows: integers as integers,
other numbers as exact decimals (0.1, never 0.1000000000000000055), dates as YYYY-MM-DD.
A text cell keeps its text as is, so a value starting with = + - @ stays plain text.

A formula cell is read by its cached value (the one Excel or WPS saved). A formula cell without
one (files written by other programs, openpyxl among them) would read as empty: the sheet's XML
is scanned for such cells, only when it holds formulas at all, and they are refused by name
(issue 14).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import defusedxml.ElementTree as SafeTree  # type: ignore[import-untyped, unused-ignore]
import numpy as np
import openpyxl  # type: ignore[import-untyped, unused-ignore]
import openpyxl.xml  # type: ignore[import-untyped, unused-ignore]
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils.cell import column_index_from_string, get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerIssue, LedgerStructureError, UsageError
from ecocomp.ledgers.table import HEAD_ROWS, RawTable, Scorer, drop_empty, find_header

__all__ = ["MAX_ENTRIES", "MAX_RATIO", "MAX_UNZIPPED_BYTES", "read_xlsx"]

MAX_UNZIPPED_BYTES = 512 * 1024 * 1024  # a workbook that unpacks to more is refused
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # an entry that unpacks to over 200 times its packed size looks like a bomb
_RATIO_FLOOR = 1024 * 1024  # small entries may compress well; only check those above 1 MiB
_SHOWN_CELLS = 10  # formula cells without a value named in the message; the rest are counted
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"  # an XML namespace prefix (x:c), or none
_FORMULA = re.compile(rb"<" + _PREFIX + rb"f[\s>/]")  # a <f> element (not <formula>)
_CELL_TAG = re.compile(rb"<(?P<p>" + _PREFIX + rb")c(?P<attrs>\s[^>]*)?(?<!/)>")  # <c r="C2">
_VALUE = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*?)?(?:/>|>(?P<text>[^<]*)<)")
_ATTR_R = re.compile(rb"""\sr\s*=\s*["']([^"']*)""")
_ATTR_T = re.compile(rb"""\st\s*=\s*["']([^"']*)""")
_CHUNK = 1 << 20


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
    _refuse_uncached_formulas(ws, source)
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


def _refuse_uncached_formulas(ws: Any, source: str) -> None:
    """`LedgerStructureError` naming the formula cells that have no cached value (they would
    read as empty); a sheet without formulas costs one byte scan of its XML."""
    opener = getattr(ws, "_get_source", None)  # the read-only sheet's XML in the archive
    if opener is None:  # pragma: no cover - the sheet is always opened read-only
        return
    with opener() as xml:
        cells = _scan_formulas(xml)
    if cells is None:  # a formula cell without its reference: parse the XML to place it
        with opener() as xml:
            cells = list(uncached_formulas(xml))
    if cells:
        shown = ", ".join(cells[:_SHOWN_CELLS])
        more = f" and {len(cells) - _SHOWN_CELLS} more" if len(cells) > _SHOWN_CELLS else ""
        raise LedgerStructureError(
            source,
            f"{len(cells)} cell(s) hold a formula without a calculated value ({shown}{more}), so they "
            "would read as empty; open the workbook in Excel or WPS and save it, so the values are "
            "calculated, then run again",
        )


def _scan_formulas(xml: IO[bytes]) -> list[str] | None:
    """`uncached_formulas` on the bytes, fast: each <f> is looked at with the <c> tag just before
    it. None when a cell is laid out otherwise or has no `r` reference (the XML parser decides)."""
    found: list[str] = []
    for block in _row_blocks(xml):
        for formula in _FORMULA.finditer(block):
            tag = _CELL_TAG.match(block, block.rfind(b"<", 0, formula.start()))
            close = -1 if tag is None else block.find(b"</" + tag["p"] + b"c>", formula.end())
            if tag is None or close < 0:
                return None
            value = _VALUE.search(block, formula.end(), close)
            text = b"" if value is None else (value["text"] or b"").strip()
            attrs = tag["attrs"] or b""
            kind = _ATTR_T.search(attrs)
            if value is not None and (text or (kind is not None and kind[1] == b"str")):
                continue
            ref = _ATTR_R.search(attrs)
            if ref is None:
                return None
            found.append(ref[1].decode("ascii", "replace"))
    return found


def _row_blocks(xml: IO[bytes]) -> Iterator[bytes]:
    """The XML in blocks of about `_CHUNK` bytes, each ending just after a `row>` (the end of a
    row tag), so that no cell is split between two blocks."""
    rest = b""
    for block in iter(lambda: xml.read(_CHUNK), b""):
        rest += block
        cut = rest.rfind(b"row>")
        if cut >= 0:
            yield rest[: cut + 4]
            rest = rest[cut + 4 :]
    if rest:
        yield rest


def uncached_formulas(xml: IO[bytes]) -> Iterator[str]:
    """A1 references of the sheet's formula cells without a cached value, in sheet order: a <c>
    with an <f> and no <v>, or an empty <v> for a cell that is not a text result (t="str")
    (openpyxl writes `<f>A2*2</f><v/>`; Excel and LibreOffice write the value)."""
    row = column = 0
    rows: Any = None  # <sheetData>: each row is dropped from it once scanned
    for event, elem in SafeTree.iterparse(xml, events=("start", "end")):
        name = elem.tag.rpartition("}")[2]
        if event == "start":
            if name == "row":
                row, column = int(elem.get("r") or row + 1), 0
            elif name == "sheetData":
                rows = elem
            continue
        if name == "c":
            ref = elem.get("r")
            column = column_index_from_string(ref.rstrip("0123456789")) if ref else column + 1
            if _uncached(elem):
                yield ref or f"{get_column_letter(column)}{row}"
        elif name == "row" and rows is not None:
            rows.remove(elem)


def _uncached(cell: Any) -> bool:
    children = {child.tag.rpartition("}")[2]: child for child in cell}
    if "f" not in children:
        return False
    value = children.get("v")
    return value is None or (not value.text and cell.get("t") != "str")


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
