"""Reading a ledger (台账): every row either accepted, typed, or rejected with its reasons.

Source: issue 3 "Ledgers in". `read_ledger` reads a CSV, XLSX or Parquet file of one kind
(`ecocomp.ledgers.kinds.KINDS`), parses every column by its rule, runs the row checks and
returns a `Ledger`: the accepted rows as a typed DataFrame (Arrow dtypes, with the `line` the
user sees), and every problem found in one pass. Reconciliation: rows_read = accepted +
rejected, a row with several problems counted once. Strict callers use
`Ledger.raise_for_issues()`; `--skip-invalid` callers use `frame` and report `issues`.
Issue 14: every header is accounted for (`ecocomp.ledgers.checks.match_headers`): `headers`
keeps each column's header as written, `warnings` names the headers not used and the units
read from headers; a column written in another unit (用电量(万kWh)) is converted exactly into
its own, a unit named on the emissions quantity (排放量(千克)) fills the unit column.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerIssue, LedgerValidationError, UsageError
from ecocomp.ledgers.checks import (
    Conversion,
    HeaderMap,
    RowUnit,
    check_dates,
    check_one_of,
    check_shares,
    duplicate_keys,
    header_scorer,
    match_headers,
)
from ecocomp.ledgers.dates import parse_date, parse_month, parse_typed_date
from ecocomp.ledgers.kinds import KINDS, Column, Kind, value_key
from ecocomp.ledgers.parse import (
    Mask,
    Parsed,
    Problem,
    clean,
    mask_of,
    parse_decimal,
    parse_share,
    parse_typed_decimal,
    parse_year,
)
from ecocomp.ledgers.read import read_table
from ecocomp.ledgers.table import RawTable
from ecocomp.ledgers.values import parse_bool, parse_code, parse_place, parse_rating, parse_uscc
from ecocomp.places import Places

__all__ = ["KINDS", "Ledger", "read_ledger"]

_DIGITS = 38  # the precision of every decimal column


@dataclass(frozen=True, eq=False)
class Ledger:
    """One ledger as read: accepted typed rows, every issue, and the reconciliation."""

    kind: str
    source: str
    sha256: str
    rows_read: int
    frame: pd.DataFrame
    issues: tuple[LedgerIssue, ...]
    warnings: tuple[str, ...] = ()  # e.g. columns the kind does not use, with the closest known header
    headers: Mapping[str, str] = field(default_factory=dict)  # column name -> header as written

    def header_of(self, name: str) -> str:
        """The header the file gives column `name` (the name itself when the file has none)."""
        return self.headers.get(name, name)

    @property
    def rows_accepted(self) -> int:
        return len(self.frame)

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_accepted

    def raise_for_issues(self) -> None:
        """Strict mode: raise `LedgerValidationError` with every issue, if there is any."""
        if self.issues:
            raise LedgerValidationError(self.issues, self.rows_read)


def read_ledger(kind: str, path: Path | str, *, places: Places, sheet: str | None = None) -> Ledger:
    """Read and check one ledger file; see the module docstring."""
    spec = KINDS.get(kind)
    if spec is None:
        raise UsageError(f"unknown ledger kind {kind!r}; use one of: {', '.join(KINDS)}")
    path = Path(path)
    digest = _sha256(path)
    raw = read_table(path, header_scorer(spec), sheet=sheet)
    heads = match_headers(spec, raw.headers, raw.source)
    frame, issues = _check(spec, raw, places, heads)
    written = _written_headers(spec, raw, heads)
    return Ledger(
        spec.name, path.name, digest, raw.rows_read, frame, issues, heads.warnings(raw.source), written
    )


def _written_headers(kind: Kind, raw: RawTable, heads: HeaderMap) -> dict[str, str]:
    """Column name -> header as written (a rating's colour and score share its header)."""
    written = {name: raw.headers[position] for name, position in heads.where.items()}
    for column in kind.columns:
        if column.rule == "rating" and column.name in written:
            written |= dict.fromkeys(("colour", "score"), written[column.name])
    return written


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Collector:
    """Issues of one ledger and the rows they reject."""

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.lines = np.asarray(raw.lines.to_numpy(zero_copy_only=False), dtype=np.int64)
        self.rejected = np.zeros(len(self.lines), dtype=np.bool_)
        self.issues: list[tuple[int, LedgerIssue]] = [(-1, i) for i in raw.issues]

    def add(
        self,
        position: int,
        problem: Problem,
        taken: Mask | None = None,
        per_row: Callable[[int], str] | None = None,
    ) -> Mask:
        """Issues for the rows of `problem` not yet flagged in this column; returns the new `taken`.

        The message comes from the raw value, or from the row for row-level checks (`per_row`).
        """
        taken = np.zeros_like(problem.mask) if taken is None else taken
        rows = np.flatnonzero(problem.mask & ~taken)
        if rows.size:
            values = pc.take(self.raw.columns[position], pa.array(rows)).to_pylist()
            header = self.raw.headers[position]
            for row, value in zip(rows.tolist(), values, strict=True):
                text = "" if value is None else str(value)
                message = problem.describe(text) if per_row is None else per_row(row)
                issue = LedgerIssue(
                    self.raw.source, int(self.lines[row]), header, text, problem.code, message
                )
                self.issues.append((position, issue))
            self.rejected[rows] = True
        return taken | problem.mask

    def sorted(self) -> tuple[LedgerIssue, ...]:
        return tuple(i for _, i in sorted(self.issues, key=lambda p: (p[1].line, p[0])))


def _check(
    kind: Kind, raw: RawTable, places: Places, heads: HeaderMap
) -> tuple[pd.DataFrame, tuple[LedgerIssue, ...]]:
    where = heads.where
    found = _Collector(raw)
    size = len(found.lines)
    given = {name: _cleaned(raw.columns[pos]) for name, pos in where.items()}
    typed: dict[str, pa.Array] = {"line": raw.lines}
    for column in kind.columns:
        if column.name not in where:
            typed.update(_absent(column, size, heads))
            continue
        column = _signed(kind, column, where)
        text, position = given[column.name], where[column.name]
        taken = np.zeros(size, dtype=np.bool_)
        if column.required:
            taken = found.add(position, _missing(column, text, raw.headers[position]), taken)
        for name, parsed in _read_column(column, text, places, raw.headers[position], heads).items():
            typed[name] = parsed.values
            for problem in parsed.problems:
                taken = found.add(position, problem, taken)
    _unsigned_rows(kind, given, typed, where, found)
    _row_checks(kind, given, typed, where, found)
    accepted = pa.table(typed)
    if found.rejected.any():
        accepted = accepted.filter(pa.array(~found.rejected))
    return accepted.to_pandas(types_mapper=pd.ArrowDtype), found.sorted()


def _signed(kind: Kind, column: Column, where: Mapping[str, int]) -> Column:
    """A non-negative column parsed with its sign when the kind's `signed_by` column is in the
    file (bills: 退补 rows may be negative); `_unsigned_rows` then refuses the other rows' signs."""
    if column.non_negative and kind.signed_by in where and column.name != kind.signed_by:
        return replace(column, non_negative=False)
    return column


def _unsigned_rows(
    kind: Kind,
    given: Mapping[str, pa.Array],
    typed: dict[str, pa.Array],
    where: Mapping[str, int],
    found: _Collector,
) -> None:
    """`negative` for a value below zero in a non-negative column on a row whose `signed_by` cell
    is empty: only an adjustment row (退补, `signed_by` filled) may carry a negative quantity."""
    if kind.signed_by is None or kind.signed_by not in where:
        return
    plain = np.asarray(given[kind.signed_by].is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
    header = found.raw.headers[where[kind.signed_by]]
    message = "{!r} is negative; only a row with " + header + " filled (an adjustment) may be, check the sign"
    for column in kind.columns:
        if column.non_negative and column.name in where and column.name != kind.signed_by:
            values = typed[column.name]
            negative = mask_of(pc.less(values, pa.scalar(Decimal(0), values.type))) & plain
            if negative.any():
                found.add(where[column.name], Problem(negative, "negative", message.format))
                typed[column.name] = pc.if_else(pa.array(negative), pa.scalar(None, values.type), values)


def _read_column(
    column: Column, text: pa.Array, places: Places, header: str, heads: HeaderMap
) -> dict[str, Parsed]:
    """The column's rule, in the unit its header names (issue 14: units in headers)."""
    conversion = heads.conversions.get(column.name)
    if conversion is not None and conversion.shift:
        return {column.name: _converted(column, conversion, text, places, header)}
    parsed = _parse(column, text, places, header)
    if column.rule == "unit" and heads.row_unit is not None:
        return {column.name: _row_units(column, parsed[column.name], text, heads.row_unit)}
    return parsed


def _absent(column: Column, size: int, heads: HeaderMap) -> dict[str, pa.Array]:
    """An absent optional column (`_empty`); an absent unit column takes the headers' unit."""
    if column.rule == "unit" and heads.row_unit is not None:
        return {column.name: pa.array([heads.row_unit.unit] * size, pa.string())}
    return _empty(column, size)


def _row_units(column: Column, parsed: Parsed, text: pa.Array, said: RowUnit) -> Parsed:
    """Empty unit cells take the unit a header names; a cell naming another is `unit_conflict`."""
    given = text.is_valid()
    values = pc.if_else(given, parsed.values, pa.scalar(said.unit, pa.string()))
    conflict = mask_of(pc.and_(given, pc.not_equal(parsed.values, pa.scalar(said.unit, pa.string()))))

    def describe(value: str) -> str:
        unit = column.codes.get(value_key(value), value)
        return f"{value!r} is {unit}, but the header {said.header!r} says {said.unit}; make them agree"

    return Parsed(values, (*parsed.problems, Problem(conflict, "unit_conflict", describe)))


def _converted(column: Column, conversion: Conversion, text: pa.Array, places: Places, header: str) -> Parsed:
    """A decimal column written in another unit of its dimension, converted exactly: read with
    `shift` more places (and the maximum in that unit), then the point moved; never rounded."""
    shift, scale = conversion.shift, max(column.scale + conversion.shift, 0)
    maximum = None if column.maximum is None else column.maximum.scaleb(-shift)
    written = replace(column, scale=scale, maximum=maximum, unit=conversion.unit)
    parsed = _parse(written, text, places, header)[column.name]
    values = pc.cast(parsed.values, pa.decimal128(_DIGITS, scale))
    moved = pa.Array.from_buffers(
        pa.decimal128(_DIGITS, scale - shift), len(values), values.buffers(), values.null_count, values.offset
    )
    kept = pc.cast(pc.cast(moved, pa.decimal128(_DIGITS, column.scale), safe=False), moved.type)
    inexact = mask_of(pc.not_equal(kept, moved))
    fitted = pc.cast(
        pc.if_else(pa.array(inexact), pa.scalar(None, moved.type), kept), pa.decimal128(_DIGITS, column.scale)
    )

    def precise(value: str) -> str:
        return (
            f"{value!r} {conversion.unit} needs more than {column.scale} decimal places once converted "
            f"to {conversion.into} (x{conversion.factor:f}); round it in the source before importing"
        )

    reworded = tuple(
        replace(p, describe=precise) if p.code == "too_many_decimals" else p for p in parsed.problems
    )
    return Parsed(fitted, (*reworded, Problem(inexact, "too_many_decimals", precise)))


def _cleaned(column: pa.Array) -> pa.Array:
    """Text cleaned (`clean`, once per distinct value of dictionary text); typed Parquet as it is."""
    if pa.types.is_dictionary(column.type):
        return pc.take(clean(column.dictionary), column.indices)
    return clean(column) if pa.types.is_string(column.type) else column


def _parse_typed(column: Column, values: pa.Array) -> dict[str, Parsed] | None:
    """The fast path for a typed Parquet column of the type the rule gives; None otherwise."""
    if column.rule == "decimal" and pa.types.is_decimal128(values.type):
        parsed = parse_typed_decimal(
            values, column.scale, non_negative=column.non_negative, maximum=column.maximum, unit=column.unit
        )
        return {column.name: parsed}
    if column.rule in ("month", "date") and pa.types.is_date32(values.type):
        return {column.name: parse_typed_date(values, month=column.rule == "month")}
    return None


def _missing(column: Column, text: pa.Array, header: str) -> Problem:
    empty = np.asarray(text.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
    return Problem(empty, "missing_value", lambda _: f"{header} is empty; {column.name} is required")


def _parse(column: Column, text: pa.Array, places: Places, header: str) -> dict[str, Parsed]:
    """The column's rule (see ledger_kinds) applied to the whole column."""
    if not pa.types.is_string(text.type):
        typed = _parse_typed(column, text)
        if typed is not None:
            return typed
        text = clean(pc.cast(text, pa.string()))
    rule = column.rule
    if rule == "decimal":
        return {
            column.name: parse_decimal(
                text, column.scale, non_negative=column.non_negative, maximum=column.maximum, unit=column.unit
            )
        }
    if rule == "share":
        return {column.name: parse_share(text, column.scale, percent_header="%" in header)}
    if rule == "rating":
        colour, score = parse_rating(text, column.codes, column.maximum)
        return {"colour": colour, "score": score}
    parsers = {
        "text": lambda: Parsed(text),
        "year": lambda: parse_year(text),
        "month": lambda: parse_month(text),
        "date": lambda: parse_date(text),
        "bool": lambda: parse_bool(text),
        "place": lambda: parse_place(text, places),
        "code": lambda: parse_code(text, column.codes, column.name),
        "unit": lambda: parse_code(text, column.codes, column.name, default="t"),
        "uscc": lambda: parse_uscc(text),
    }
    return {column.name: parsers[rule]()}


def _empty(column: Column, size: int) -> dict[str, pa.Array]:
    """An absent optional column: all null, of the type its rule gives."""
    types = {
        "decimal": pa.decimal128(38, column.scale),
        "share": pa.decimal128(38, column.scale),
        "year": pa.int32(),
        "bool": pa.bool_(),
        "month": pa.date32(),
        "date": pa.date32(),
    }
    if column.rule == "unit":
        return {column.name: pa.array(["t"] * size, pa.string())}
    if column.rule == "rating":
        return {"colour": pa.nulls(size, pa.string()), "score": pa.nulls(size, pa.decimal128(38, 2))}
    return {column.name: pa.nulls(size, types.get(column.rule, pa.string()))}


def _row_checks(
    kind: Kind,
    given: dict[str, pa.Array],
    typed: dict[str, pa.Array],
    where: dict[str, int],
    found: _Collector,
) -> None:
    """Checks across columns: alternatives filled, date order, duplicate keys, share sums."""
    size = len(found.lines)
    if kind.one_of:
        first = next(n for group in kind.one_of for n in group if n in where)
        names = ", or ".join(" and ".join(g) for g in kind.one_of)
        empty = check_one_of(kind, given, size)
        found.add(where[first], Problem(empty, "missing_value", lambda _: f"fill in {names}"))
    if "valid_to" in where:
        found.add(where["valid_to"], check_dates(typed["valid_from"], typed["valid_to"]))
    for later, limit in kind.not_after:
        if later in where:
            heads = (found.raw.headers[where[later]], found.raw.headers[where[limit]])
            found.add(where[later], _after(typed[later], typed[limit], heads))
    _duplicates(kind, typed, where, found)
    if kind.name == "section_shares":
        usable = ~found.rejected
        bad, total = check_shares(typed["section"], typed["factor"], typed["share"], usable)
        message = "shares of this section and factor sum to {} %, not 100 %; correct them"
        problem = Problem(bad, "shares_not_100", lambda _: "")
        found.add(where["share"], problem, per_row=lambda row: message.format(total[row]))


def _after(values: pa.Array, limit: pa.Array, headers: tuple[str, str]) -> Problem:
    """Rows whose `values` (bills: the month a 退补 row corrects) come after `limit` (its bill month)."""
    late = mask_of(pc.greater(values, limit))
    header, bound = headers
    return Problem(
        late,
        "adjusts_after_month",
        lambda v: (
            f"{header} {v!r} is after this row's {bound}; an adjustment (退补) corrects a month already "
            f"billed, so it cannot be later than its {bound}: correct one of the two"
        ),
    )


def _duplicates(kind: Kind, typed: dict[str, pa.Array], where: dict[str, int], found: _Collector) -> None:
    key = next((k for column, k in kind.key_with.items() if column in where), kind.key)
    blank = set(key) - set(kind.key) - set(kind.key_with)  # may be empty: empty is one value
    parts = {n: pc.fill_null(typed[n].cast(pa.string()), "") if n in blank else typed[n] for n in key}
    keys = pd.DataFrame({n: v.to_pandas(types_mapper=pd.ArrowDtype) for n, v in parts.items()})
    duplicated, lines = duplicate_keys(keys, found.lines)
    what = " + ".join(found.raw.headers[where[n]] for n in key if n in where)  # as the file writes them
    problem = Problem(duplicated, "duplicate_key", lambda _: "")
    found.add(
        where[key[0]],
        problem,
        per_row=lambda row: (
            f"the same {what} is on lines {lines[row]}; keep one row per key (rows are not summed)"
        ),
    )
