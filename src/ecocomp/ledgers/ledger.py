"""Reading a ledger (台账): every row either accepted, typed, or rejected with its reasons.

Source: issue 3 "Ledgers in". `read_ledger` reads a CSV, XLSX or Parquet file of one kind
(`ecocomp.ledgers.kinds.KINDS`), parses every column by its rule, runs the row checks and
returns a `Ledger`: the accepted rows as a typed DataFrame (Arrow dtypes, with the `line` the
user sees), and every problem found in one pass. Reconciliation: rows_read = accepted +
rejected, a row with several problems counted once. Strict callers use
`Ledger.raise_for_issues()`; `--skip-invalid` callers use `frame` and report `issues`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerIssue, LedgerValidationError, UsageError
from ecocomp.ledgers.checks import check_dates, check_one_of, check_shares, duplicate_keys, map_headers
from ecocomp.ledgers.dates import parse_date, parse_month
from ecocomp.ledgers.kinds import KINDS, Column, Kind, header_key
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
from ecocomp.ledgers.values import parse_bool, parse_code, parse_place, parse_rating
from ecocomp.places import Places

__all__ = ["KINDS", "Ledger", "read_ledger"]


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
    keys = spec.header_keys()
    raw = read_table(path, lambda row: sum(1 for c in row if c and header_key(c) in keys), sheet=sheet)
    frame, issues = _check(spec, raw, places)
    return Ledger(spec.name, path.name, digest, raw.rows_read, frame, issues)


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


def _check(kind: Kind, raw: RawTable, places: Places) -> tuple[pd.DataFrame, tuple[LedgerIssue, ...]]:
    where = map_headers(kind, raw.headers, raw.source)
    found = _Collector(raw)
    size = len(found.lines)
    given = {name: _cleaned(raw.columns[pos]) for name, pos in where.items()}
    typed: dict[str, pa.Array] = {"line": raw.lines}
    for column in kind.columns:
        if column.name not in where:
            typed.update(_empty(column, size))
            continue
        text, position = given[column.name], where[column.name]
        taken = np.zeros(size, dtype=np.bool_)
        if column.required:
            taken = found.add(position, _missing(column, text, raw.headers[position]), taken)
        for name, parsed in _parse(column, text, places, raw.headers[position]).items():
            typed[name] = parsed.values
            for problem in parsed.problems:
                taken = found.add(position, problem, taken)
    _row_checks(kind, given, typed, where, found)
    accepted = pa.table(typed)
    if found.rejected.any():
        accepted = accepted.filter(pa.array(~found.rejected))
    return accepted.to_pandas(types_mapper=pd.ArrowDtype), found.sorted()


def _cleaned(column: pa.Array) -> pa.Array:
    """Text cleaned (`clean`, once per distinct value of dictionary text); typed Parquet as it is."""
    if pa.types.is_dictionary(column.type):
        return pc.take(clean(column.dictionary), column.indices)
    return clean(column) if pa.types.is_string(column.type) else column


def _parse_typed(column: Column, values: pa.Array) -> dict[str, Parsed] | None:
    """The fast path for a typed Parquet column of the type the rule gives; None otherwise."""
    if column.rule == "decimal" and pa.types.is_decimal128(values.type):
        return {column.name: parse_typed_decimal(values, column.scale, non_negative=column.non_negative)}
    if column.rule in ("month", "date") and pa.types.is_date32(values.type):
        if column.rule == "date":
            return {column.name: Parsed(values)}
        days = np.asarray(pc.cast(values, pa.int32()).to_numpy(zero_copy_only=False))
        firsts = days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
        return {column.name: Parsed(pa.array(firsts, pa.date32(), mask=~mask_of(values.is_valid())))}
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
        return {column.name: parse_decimal(text, column.scale, non_negative=column.non_negative)}
    if rule == "share":
        return {column.name: parse_share(text, column.scale, percent_header="%" in header)}
    if rule == "rating":
        colour, score = parse_rating(text, column.codes)
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
    _duplicates(kind, typed, where, found)
    if kind.name == "section_shares":
        usable = ~found.rejected
        bad, total = check_shares(typed["section"], typed["factor"], typed["share"], usable)
        message = "shares of this section and factor sum to {} %, not 100 %; correct them"
        problem = Problem(bad, "shares_not_100", lambda _: "")
        found.add(where["share"], problem, per_row=lambda row: message.format(total[row]))


def _duplicates(kind: Kind, typed: dict[str, pa.Array], where: dict[str, int], found: _Collector) -> None:
    keys = pd.DataFrame({n: typed[n].to_pandas(types_mapper=pd.ArrowDtype) for n in kind.key})
    duplicated, lines = duplicate_keys(keys, found.lines)
    what = " + ".join(kind.key)
    problem = Problem(duplicated, "duplicate_key", lambda _: "")
    found.add(
        where[kind.key[0]],
        problem,
        per_row=lambda row: (
            f"the same {what} is on lines {lines[row]}; keep one row per key (rows are not summed)"
        ),
    )
