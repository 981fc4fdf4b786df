"""Reading a ledger file into a table of text, with the line numbers the user sees.

Source: issue 3 "Ledgers in", section "Reading". Everything is read as text first; the column
rules in `ecocomp.ledgers.parse` give it a type. Supported: CSV (UTF-8, UTF-8 with BOM or
GB18030/GBK; comma, tab or semicolon), XLSX (see `ecocomp.ledgers.xlsx`) and Parquet.
Fast path: a Parquet column that is already a date32 or a decimal128 is kept typed (no text
round trip; `ecocomp.ledgers.ledger` checks it with the same rules), Parquet text is read as a
dictionary (each distinct value cleaned once), every other column becomes text.
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
from ecocomp.ledgers.table import HEAD_ROWS, RawTable, Scorer, drop_empty, find_header

__all__ = ["read_table"]

_HEAD_BYTES = 1 << 16
_DELIMITERS = (",", "\t", ";")
_BOM = b"\xef\xbb\xbf"


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
    """CSV: detect encoding and delimiter from the head, then let pyarrow read every cell as text."""
    data = path.read_bytes()
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LedgerStructureError(path.name, "the file is UTF-16; save it as CSV UTF-8")
    if data and not data.endswith((b"\n", b"\r")):
        data += b"\n"  # a last line without a line break, perhaps the header alone
    encoding, head = _detect_encoding(data, path.name)
    delimiter, header_index, headers = _detect_layout(head, score, path.name)
    try:
        return _pyarrow_csv(data, encoding, delimiter, header_index, headers, path.name)
    except pa.ArrowInvalid as exc:
        if encoding == "utf-8" and "UTF8" in str(exc):
            return _pyarrow_csv(data, "gb18030", delimiter, header_index, headers, path.name)
        raise LedgerStructureError(path.name, f"cannot read the CSV ({exc})") from None
    except UnicodeDecodeError:
        raise LedgerStructureError(
            path.name, "the text is neither UTF-8 nor GB18030/GBK; save it as CSV UTF-8"
        ) from None


def _detect_encoding(data: bytes, source: str) -> tuple[str, str]:
    """UTF-8 if the head decodes as UTF-8, else GB18030 (a superset of GBK and GB2312)."""
    head = data[:_HEAD_BYTES]
    if len(data) > _HEAD_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n")]
    if b"\x00" in head:
        raise LedgerStructureError(source, "this is a binary file, not a CSV or XLSX ledger")
    for encoding in ("utf-8", "gb18030"):
        try:
            return encoding, head.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LedgerStructureError(source, "the text is neither UTF-8 nor GB18030/GBK; save it as CSV UTF-8")


def _detect_layout(head: str, score: Scorer, source: str) -> tuple[str, int, tuple[str, ...]]:
    """The delimiter whose header row names most known columns (then has most cells)."""
    best: tuple[int, int, str, int, tuple[str, ...]] | None = None
    for delimiter in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(head), delimiter=delimiter))[: HEAD_ROWS * 2]
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
    all_rows = list(csv.reader(io.StringIO(head), delimiter=delimiter))
    physical = [i for i, r in enumerate(all_rows) if r][index]  # blank records count as lines
    return delimiter, physical, tuple(h.strip() for h in header)


def _pyarrow_csv(
    data: bytes, encoding: str, delimiter: str, header_index: int, headers: tuple[str, ...], source: str
) -> RawTable:
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
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(
            use_threads=False,
            skip_rows=header_index + 1,
            column_names=names,
            encoding=encoding,
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
        columns = tuple(_as_text(table.column(i).combine_chunks()) for i in range(table.num_columns))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise LedgerStructureError(path.name, f"cannot read the Parquet file ({exc})") from None
    lines = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    return drop_empty(path.name, table.column_names, columns, lines, ())


def _as_text(column: pa.Array) -> pa.Array:
    if pa.types.is_date32(column.type) or pa.types.is_decimal128(column.type):
        return column  # typed fast path
    if pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type):
        return column  # text kept dictionary-encoded: each distinct value is cleaned once
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_timestamp(column.type):
        return pc.strftime(column, "%Y-%m-%d %H:%M:%S")
    text = pc.cast(column, pa.string())
    if not pa.types.is_floating(column.type):
        return text
    exponent = pc.fill_null(pc.match_substring(text, "e"), False)
    if not pc.any(exponent).as_py():
        return text
    redone = [_float_text(v) for v in pc.filter(column, exponent).to_pylist()]  # only those
    return pc.replace_with_mask(text, exponent, pa.array(redone, pa.string()))


def _float_text(value: float) -> str:
    """Exact decimal text of a float as shown: 0.1 -> '0.1', 12.0 -> '12', 1e-05 -> '0.00001'."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text
