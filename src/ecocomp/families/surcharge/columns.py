"""The export contract of a surcharge run's bill lines: declared columns, their Arrow schema, and
the one CSV dialect, all on whole Arrow batches (a run may have ten million lines).

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01).

`LINE_COLUMNS` declares every column of a bill-line file (`ecocomp.reports.model.Column`: key,
Chinese label, kind, declared scale, nullability): the bill's columns as the ledger gives them
(quantities at the bills ledger's declared scale), then per instrument the rating applied,
whether it was red twice in a row, the ratings-ledger line, the table and the surcharge, then the
evidence. The bill's columns end with its account (户号), 统一社会信用代码 and 退补月份 (the
month an adjustment row corrects), empty when the bills ledger has none (every run's files have
the same columns). `LINE_SCHEMA` is derived from
it: decimal128(38, declared scale) for decimal and money columns, int64, bool, string for text
and for the month ("YYYY-MM", never date32). The columns of codes (`DICTIONARY`: ratings,
tables, evidence) stay dictionary-encoded, with a fixed index type and string values, so every
run's files have the same schema. `typed_batch` brings a batch
to that schema: a decimal finer than the declared scale is an `ExportError`, never rounded.
`csv_header` and `csv_body` write the CSV dialect of every ecocomp export (`ecocomp.reports.text`).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.codes import COLOUR_ZH, COLOURS
from ecocomp.errors import ExportError, MoneyError
from ecocomp.families.surcharge.charges import INSTRUMENTS
from ecocomp.families.surcharge.ledgers import BILLS
from ecocomp.reports.guard import guard_column
from ecocomp.reports.model import Column
from ecocomp.reports.text import BOOL_TEXT, DECIMAL_KINDS
from ecocomp.tariffs.evidence import EVIDENCE_COLUMNS

__all__ = [
    "DICTIONARY",
    "LINE_COLUMNS",
    "LINE_SCHEMA",
    "RATING_LABELS",
    "csv_body",
    "csv_header",
    "typed_batch",
]

MAX_PRECISION = 38
RATING_LABELS = (*((c, COLOUR_ZH[c]) for c in COLOURS), ("unrated", "未评价"))
_QUANTITY_ZH = {"electricity": "用电量(千瓦时)", "water": "用水量(立方米)"}
_INSTRUMENT_ZH = {"electricity": "电", "water": "水"}
_SURCHARGE_ZH = {"electricity": "差别电价加价(元)", "water": "差别化污水处理费加价(元)"}
_NEEDS_QUOTES = '[",\r\n]'  # as Python's csv.QUOTE_MINIMAL: the delimiter, the quote, a line end


def _ledger_scale(name: str) -> int:
    """The declared scale of a bills-ledger column (the quantities: 2)."""
    return next(c.scale for c in BILLS.columns if c.name == name)


def _instrument_columns(prefix: str) -> tuple[Column, ...]:
    zh = _INSTRUMENT_ZH[prefix]
    return (
        Column(f"{prefix}_rating", f"{zh}适用信用等级", "text", labels=RATING_LABELS),
        Column(f"{prefix}_red_repeat", f"{zh}连续两次红色(按黑色计)", "bool"),
        Column(f"{prefix}_rating_line", f"{zh}适用评价台账行号", "int"),
        Column(f"{prefix}_tariff", f"{zh}适用费率表", "text"),
        Column(f"{prefix}_surcharge", _SURCHARGE_ZH[prefix], "money"),
    )


LINE_COLUMNS: tuple[Column, ...] = (
    Column("line", "台账行号", "int", nullable=False),
    Column("enterprise", "企业名称", "text", nullable=False),
    Column("district", "区县代码", "text", nullable=False),
    Column("month", "月份", "month", nullable=False),
    *(
        Column(i.quantity, _QUANTITY_ZH[i.prefix], "decimal", scale=_ledger_scale(i.quantity))
        for i in INSTRUMENTS
    ),
    # issue 14: the bill's account and credit code, empty when the bills ledger has none, and the
    # month a 退补 (adjustment) row corrects (charged at its rating and table), empty on other rows
    Column("account", "户号", "text"),
    Column("uscc", "统一社会信用代码", "text"),
    Column("adjusts", "退补月份", "month"),
    *(column for i in INSTRUMENTS for column in _instrument_columns(i.prefix)),
    *EVIDENCE_COLUMNS,
)
#: The dictionary-encoded columns (codes, few distinct values) and the type of their indices.
DICTIONARY: dict[str, pa.DataType] = {
    **{f"{i.prefix}_rating": pa.int8() for i in INSTRUMENTS},
    **{f"{i.prefix}_tariff": pa.int32() for i in INSTRUMENTS},
    "evidence": pa.int8(),
    "evidence_values": pa.int32(),
}


def _arrow_type(column: Column) -> pa.DataType:
    if column.key in DICTIONARY:
        return pa.dictionary(DICTIONARY[column.key], pa.string())
    if column.kind in DECIMAL_KINDS:
        return pa.decimal128(MAX_PRECISION, column.declared_scale)
    if column.kind == "int":
        return pa.int64()
    if column.kind == "bool":
        return pa.bool_()
    if column.kind == "date":
        return pa.date32()
    return pa.string()  # text, and month as "YYYY-MM"


LINE_SCHEMA = pa.schema([pa.field(c.key, _arrow_type(c), nullable=c.nullable) for c in LINE_COLUMNS])


def typed_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with exactly the declared columns, each of its declared type (`LINE_SCHEMA`); a
    declared column the bills lack (e.g. no water_m3 in the ledger) is empty."""
    names = set(batch.schema.names)
    extra = names - {c.key for c in LINE_COLUMNS}
    if extra:
        raise ExportError(f"bill lines: column(s) {sorted(extra)} are not in the export contract")
    arrays = []
    for column, field in zip(LINE_COLUMNS, LINE_SCHEMA, strict=True):
        if column.key not in names:
            if not column.nullable:
                raise ExportError(f"bill lines: no {column.key!r} column, which every line must have")
            arrays.append(pa.nulls(batch.num_rows, field.type))
            continue
        values = batch.column(column.key)
        arrays.append(_typed(column, values, field.type))
        if not column.nullable and values.null_count:
            raise ExportError(f"bill lines: {column.key!r} is declared never empty but has empty values")
    return pa.RecordBatch.from_arrays(arrays, schema=LINE_SCHEMA)


def _typed(column: Column, values: pa.Array, target: pa.DataType) -> pa.Array:
    """One column as its declared type, never rounded."""
    if values.type == target:
        return values
    if column.kind in DECIMAL_KINDS:
        return _decimal(column, values, target)
    if column.kind == "month":
        return _month(column, values)
    return values.cast(target)


def _decimal(column: Column, values: pa.Array, target: pa.DataType) -> pa.Array:
    """Decimals rescaled to the declared scale; a finer value (or a float) is refused."""
    if pa.types.is_floating(values.type):
        raise MoneyError(f"bill lines: {column.key!r} is a binary float column; ecocomp needs exact decimals")
    try:
        return values.cast(target, safe=True)
    except pa.ArrowInvalid:
        pass
    rounded = values.cast(target, safe=False)
    lost = pc.fill_null(pc.not_equal(rounded.cast(values.type, safe=False), values), False)
    first = pc.index(lost, True).as_py()
    value = values[first].as_py() if first >= 0 else "a value"
    raise ExportError(
        f"bill lines: {column.key} {value} has more than the {column.declared_scale} digits after the "
        "point the export contract declares for this column; ecocomp never rounds a value to fit"
    )


def _month(column: Column, values: pa.Array) -> pa.Array:
    """A month column as "YYYY-MM" text (a day stands for its month)."""
    if pa.types.is_null(values.type):  # an optional month no bill has (退补月份)
        return pa.nulls(len(values), pa.string())
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        ok = pc.all(pc.match_substring_regex(values, r"^[0-9]{4}-(0[1-9]|1[0-2])$")).as_py()
        if ok is False:
            raise ExportError(f"bill lines: {column.key!r} holds text that is not a YYYY-MM month")
        return values.cast(pa.string())
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    encoded = pc.dictionary_encode(values)  # a few distinct months: format each once
    texts = pc.strftime(encoded.dictionary, format="%Y-%m")
    return pc.take(texts, encoded.indices)


def csv_header(language: str) -> str:
    """The header row: Chinese labels ("zh") or the English keys ("en"), CRLF."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow([c.header(language) for c in LINE_COLUMNS])
    return buffer.getvalue()


def csv_body(batch: pa.RecordBatch, language: str) -> bytes:
    """The data rows of a typed batch (`typed_batch`) as UTF-8 CSV: CRLF, quotes only where needed,
    decimals as plain digits, months "YYYY-MM", bools as the language's yes/no, the formula guard
    on text; built on whole columns."""
    if not batch.num_rows:
        return b""
    cells = [_cells(c, batch.column(c.key), language) for c in LINE_COLUMNS]
    rows = pc.binary_join_element_wise(*cells, pa.scalar(",", pa.large_string()))
    ends = pa.scalar("\r\n", pa.large_string())
    lines = pc.binary_join_element_wise(rows, pa.scalar("", pa.large_string()), ends)
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    start, end = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return memoryview(lines.buffers()[2])[start:end].tobytes()


def _cells(column: Column, values: pa.Array, language: str) -> pa.Array:
    """One column as CSV cells (large_string, no nulls)."""
    if pa.types.is_dictionary(values.type):  # guard and quote the few distinct values, then expand
        texts = _text_cells(values.dictionary.cast(pa.large_string()))
        return pc.fill_null(pc.take(texts, values.indices), "")
    if column.kind == "bool":
        yes, no = BOOL_TEXT[language]
        texts = pc.if_else(values, pa.scalar(yes, pa.large_string()), pa.scalar(no, pa.large_string()))
        return pc.fill_null(texts, "")
    if column.kind in ("text", "month"):
        return pc.fill_null(_text_cells(values.cast(pa.large_string())), "")
    return pc.fill_null(values.cast(pa.large_string()), "")  # int, decimal: plain digits


def _text_cells(texts: pa.Array) -> pa.Array:
    """Text with the formula guard, quoted (inner quotes doubled) only where the CSV needs it."""
    guarded = guard_column(texts)
    quote, nothing = pa.scalar('"', pa.large_string()), pa.scalar("", pa.large_string())
    quoted = pc.binary_join_element_wise(quote, pc.replace_substring(guarded, '"', '""'), quote, nothing)
    return pc.if_else(pc.match_substring_regex(guarded, _NEEDS_QUOTES), quoted, guarded)
