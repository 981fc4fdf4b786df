"""Reading a ledger file into a table of text, with the line numbers the user sees.

Source: issue 3 "Ledgers in", section "Reading". Everything is read as text first; the column
rules in `ecocomp.ledgers.parse` give it a type. Supported: CSV (UTF-8, UTF-8 with BOM or
GB18030/GBK, decoded whole and strictly by `ecocomp.ledgers.encoding`; CR, LF or CRLF line ends;
comma, tab or semicolon), XLSX (see `ecocomp.ledgers.xlsx`) and Parquet.
Fast path: a Parquet column that is already a date32 (every day within years 1..9999) or a
decimal128 is kept typed (no text round trip; `ecocomp.ledgers.ledger` checks it with the same
rules), Parquet text is read as a dictionary (each distinct value cleaned once), every other
column becomes text; dates and timestamps beyond years 1..9999 become their ISO text
('99999-01-01'), so that the column rules report them as row problems (issue 14, point 2).
The header row is the first of the top rows that names the most known columns, so title rows
above it are skipped; fully empty rows are dropped (both in `ecocomp.ledgers.table`).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]
import pyarrow.csv as pacsv  # type: ignore[import-untyped, unused-ignore]
import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerIssue, LedgerStructureError
from ecocomp.ledgers.encoding import decode_csv
from ecocomp.ledgers.table import HEAD_ROWS, RawTable, Scorer, drop_empty, find_header

__all__ = ["read_table"]

_DELIMITERS = (",", "\t", ";")
_FIRST_DAY, _AFTER_LAST_DAY = -719_162, 2_932_897  # 0001-01-01 and 10000-01-01, days from 1970
_TICKS_PER_DAY = {"D": 1, "s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}


def read_table(path: Path, score: Scorer, *, sheet: str | None = None) -> RawTable:
    """Read a CSV, XLSX or Parquet ledger as text (the format from the file's first bytes)."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PAR1":
        return _read_parquet(path)
    if magic.startswith(b"PK"):
        from ecocomp.ledgers.xlsx import read_xlsx

        return read_xlsx(path, score, sheet=sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".parquet"):
        raise LedgerStructureError(path.name, f"this is not a valid {path.suffix} file")
    if path.suffix.lower() in (".xls", ".et"):
        raise LedgerStructureError(path.name, "old .xls workbooks are not read; save it as .xlsx")
    return _read_csv(path, score)


def _read_csv(path: Path, score: Scorer) -> RawTable:
    """CSV: decode the whole file strictly (`ecocomp.ledgers.encoding`), find the delimiter and
    the header in the head, then let pyarrow read every cell as text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LedgerStructureError(path.name, f"cannot read the file ({exc.strerror or exc})") from None
    decoded = decode_csv(data, path.name)
    del data  # a GB18030 file is re-encoded: keep the UTF-8 copy only
    delimiter, header_index, headers = _detect_layout(decoded.head, score, path.name)
    try:
        return _pyarrow_csv(decoded.body, delimiter, header_index, headers, path.name)
    except pa.ArrowInvalid as exc:
        raise LedgerStructureError(path.name, f"cannot read the CSV ({exc})") from None


def _detect_layout(head: str, score: Scorer, source: str) -> tuple[str, int, tuple[str, ...]]:
    """The delimiter whose header row names most known columns (then has most cells)."""
    best: tuple[int, int, str, int, tuple[str, ...]] | None = None
    for delimiter in _DELIMITERS:
        try:
            rows = list(csv.reader(_lines(head), delimiter=delimiter))[: HEAD_ROWS * 2]
        except csv.Error:
            continue
        rows = [r for r in rows if r] or [[]]
        try:
            index = find_header(rows, score, source)
        except LedgerStructureError:
            continue
        header = tuple(rows[index])
        candidate = (score(header), len(header), delimiter, index, header)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        raise LedgerStructureError(source, "no header row found in the first rows; is the file empty?")
    _, _, delimiter, index, header = best
    all_rows = list(csv.reader(_lines(head), delimiter=delimiter))
    physical = [i for i, r in enumerate(all_rows) if r][index]  # blank records count as lines
    return delimiter, physical, tuple(h.strip() for h in header)


def _lines(head: str) -> io.StringIO:
    """The head with CR, LF and CRLF all read as line ends (old Mac exports end lines with CR)."""
    return io.StringIO(head, newline=None)


def _pyarrow_csv(
    body: pa.Buffer, delimiter: str, header_index: int, headers: tuple[str, ...], source: str
) -> RawTable:
    """Every cell as text; rows with the wrong number of fields become issues (see `invalid`)."""
    names = [f"c{i}" for i in range(len(headers))]
    bad: list[LedgerIssue] = []

    def invalid(row: pacsv.InvalidRow) -> str:
        line = int(row.number or 0)
        bad.append(
            LedgerIssue(
                source,
                line,
                "",
                row.text[:200],
                "field_count",
                f"this row has {row.actual_columns} fields but the header has "
                f"{row.expected_columns}; check for a stray delimiter '{delimiter}' or a "
                "missing quote",
            )
        )
        return "skip"

    table = pacsv.read_csv(
        pa.BufferReader(body),
        read_options=pacsv.ReadOptions(
            use_threads=False,
            skip_rows=header_index + 1,
            column_names=names,
            encoding="utf8",
            block_size=1 << 22,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
            check_utf8=False,  # `decode_csv` checked the whole file
        ),
    )
    first = header_index + 2  # 1-based line of the first row after the header
    total = table.num_rows + len(bad)
    keep = np.ones(total, dtype=bool)
    keep[[i.line - first for i in bad if 0 <= i.line - first < total]] = False
    lines = pa.array(np.arange(first, first + total, dtype=np.int64)[keep])
    columns = [table.column(n).combine_chunks() for n in names]
    return drop_empty(source, headers, columns, lines, tuple(bad))


def _read_parquet(path: Path) -> RawTable:
    """Parquet: columns as text, except date32 and decimal128 kept typed (see the module docstring);
    row 1 stands for the header, as in a CSV export."""
    try:
        schema = pq.read_schema(path)
        text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
        table = pq.read_table(path, read_dictionary=text)  # text as dictionaries: see `_as_text`
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise LedgerStructureError(path.name, f"cannot read the Parquet file ({exc})") from None
    columns = tuple(
        _column_text(path.name, name, column)
        for name, column in zip(table.column_names, table.columns, strict=True)
    )
    lines = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    return drop_empty(path.name, table.column_names, columns, lines, ())


def _column_text(source: str, name: str, column: pa.ChunkedArray) -> pa.Array:
    """One Parquet column as `_as_text` gives it; a type no ledger cell can hold is refused."""
    try:
        return _as_text(column.combine_chunks())
    except (pa.ArrowException, ValueError, OverflowError) as exc:
        raise LedgerStructureError(
            source,
            f"column {name!r} holds {column.type} values, which are not ledger cells "
            f"(text, numbers or dates): {exc}",
        ) from None


def _as_text(column: pa.Array) -> pa.Array:
    """A Parquet column as text, or kept typed on the fast paths (see the module docstring)."""
    if pa.types.is_decimal128(column.type):
        return column  # typed fast path
    if pa.types.is_date32(column.type) and _in_range(column).all():
        return column  # typed fast path: every day is one Python and numpy can hold
    if pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type):
        return column  # text kept dictionary-encoded: each distinct value is cleaned once
    if pa.types.is_dictionary(column.type):
        return _as_text(column.dictionary_decode())
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        return _temporal_text(column)
    text = pc.cast(column, pa.string())
    if not pa.types.is_floating(column.type):
        return text
    exponent = pc.fill_null(pc.match_substring(text, "e"), False)
    if not pc.any(exponent).as_py():
        return text
    redone = [_float_text(v) for v in pc.filter(column, exponent).to_pylist()]  # only those
    return pc.replace_with_mask(text, exponent, pa.array(redone, pa.string()))


def _ticks(column: pa.Array) -> tuple[np.ndarray, str]:
    """A date or timestamp column as int64 ticks (nulls as 0) and their numpy unit."""
    if pa.types.is_date32(column.type):
        width, unit = pa.int32(), "D"
    elif pa.types.is_date64(column.type):
        width, unit = pa.int64(), "ms"
    else:
        width, unit = pa.int64(), column.type.unit
    ticks = pc.fill_null(pc.cast(column.view(width), pa.int64()), 0)
    return np.asarray(ticks.to_numpy(zero_copy_only=False), dtype=np.int64), unit


def _in_range(column: pa.Array) -> np.ndarray:
    """Values within 0001-01-01 .. 9999-12-31, the dates Python holds (nulls count as in range);
    a timestamp with a time zone keeps a day's margin, for the shift to local time."""
    ticks, unit = _ticks(column)
    per_day = _TICKS_PER_DAY[unit]
    margin = per_day if getattr(column.type, "tz", None) else 0
    low = max(_FIRST_DAY * per_day + margin, -(2**63) + 1)
    high = min(_AFTER_LAST_DAY * per_day - margin, 2**63 - 1)
    return np.asarray((ticks >= low) & (ticks < high), dtype=np.bool_)


def _temporal_text(column: pa.Array) -> pa.Array:
    """Dates and timestamps as text (timestamps in their own time zone); values beyond year 9999
    or before year 1 as numpy writes them ('99999-01-01'), so that a row problem shows them."""
    inside = _in_range(column)
    usable = pc.if_else(pa.array(inside), column, pa.scalar(None, column.type))
    if pa.types.is_timestamp(column.type):
        text = pc.strftime(usable, "%Y-%m-%d %H:%M:%S")
    else:
        text = pc.cast(pc.cast(usable, pa.date32(), safe=False), pa.string())  # date64: the day
    outside = ~inside & np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    if not outside.any():
        return text
    ticks, unit = _ticks(column)
    far = np.datetime_as_string(ticks[outside].astype(f"datetime64[{unit}]"))
    return pc.replace_with_mask(text, pa.array(outside), pa.array(far.tolist(), pa.string()))


def _float_text(value: float) -> str:
    """Exact decimal text of a float as shown: 0.1 -> '0.1', 12.0 -> '12', 1e-05 -> '0.00001'."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text
