"""Checks of a ledger beyond single cells: its columns, rows with alternatives, duplicate keys, shares.

Source: issue 3 "Ledgers in", section "Checking". A missing required column or a column given
twice stops at once (`LedgerStructureError` with the expected and the found columns). Issue 14
"every header accounted for": a header names a column by one of its spellings, or by the part
before a bracket or colon (用电量(万kWh), 计量单位(吨/千克), 单位:吨); the note is the unit the
values are written in (`match_headers`), and every header that names no column is reported. Rows
sharing a key (same enterprise and month, same section-month-factor, same payer-year-pollutant)
are all rejected, never summed. Shares of one section and factor must sum to exactly 100 %.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.codes import HEADER_UNIT_NAMES, HEADER_UNITS
from ecocomp.errors import LedgerStructureError
from ecocomp.ledgers.kinds import Column, Kind, header_key, split_header, units_named, value_key
from ecocomp.ledgers.parse import Mask, Problem, mask_of
from ecocomp.ledgers.table import Scorer

__all__ = [
    "Conversion",
    "HeaderMap",
    "RowUnit",
    "check_dates",
    "check_one_of",
    "check_shares",
    "duplicate_keys",
    "header_scorer",
    "map_headers",
    "match_headers",
]

_BRACKETS = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]")
_LIST = re.compile(r"[/、,，;；|]|或")


@dataclass(frozen=True)
class Conversion:
    """A decimal column whose header names the unit it is written in (用电量(万kWh)): each value
    times 10**shift is in the column's own unit (`Column.unit`)."""

    header: str
    unit: str
    into: str
    shift: int

    @property
    def factor(self) -> Decimal:
        return Decimal(1).scaleb(self.shift)

    def describe(self) -> str:
        return f"{self.header} read in {self.unit}, converted to {self.into} (x{self.factor:f})"


@dataclass(frozen=True)
class RowUnit:
    """The unit a header gives every row of the unit column (排放量(千克), 单位（吨）): it fills
    the empty cells, and a cell naming another unit is a conflict."""

    unit: str
    header: str


@dataclass(frozen=True)
class HeaderMap:
    """What the headers of a ledger say: where each column is, the units written in the
    headers, and the headers no column uses (each with the closest known spelling, or "")."""

    where: dict[str, int]
    conversions: Mapping[str, Conversion]
    row_unit: RowUnit | None
    unused: tuple[tuple[str, str], ...]

    def warnings(self, source: str) -> tuple[str, ...]:
        """One warning for the unused headers, one per header unit that converts or fills."""
        out = [f"{source}: {c.describe()}" for c in self.conversions.values() if c.shift]
        if self.row_unit is not None and self.row_unit.unit != "t":
            unit = self.row_unit
            out.append(f"{source}: {unit.header} read in {unit.unit}: rows with no unit are in {unit.unit}")
        if self.unused:
            listed = "; ".join(f"{h!r}" + (f" (closest known: {c})" if c else "") for h, c in self.unused)
            out.insert(0, f"{source}: {len(self.unused)} column(s) not used: {listed}")
        return tuple(out)


def header_scorer(kind: Kind) -> Scorer:
    """How many cells of a row name a column of `kind` (to find the header row)."""
    return lambda row: sum(1 for cell in row if cell and _column_of(kind, cell) is not None)


@dataclass(frozen=True)
class _Match:
    """The column a header names, the note in its brackets, and whether the whole header is
    one of the column's spellings (else the part before the note is)."""

    column: Column
    note: str | None
    whole: bool


def _column_of(kind: Kind, header: str) -> _Match | None:
    """The column a header names: by a whole spelling first, else by the spelling before the note."""
    if not header.strip():
        return None
    split = split_header(header)
    note = None if split is None else split[1] or None
    whole = next((c for c in kind.columns if c.accepts(header)), None)
    if whole is not None:
        return _Match(whole, note, True)
    base = None if split is None else next((c for c in kind.columns if c.accepts(split[0])), None)
    return None if base is None else _Match(base, note, False)


def map_headers(kind: Kind, headers: Sequence[str], source: str) -> dict[str, int]:
    """Column name -> position in the file (`match_headers` without the units)."""
    return match_headers(kind, headers, source).where


def match_headers(kind: Kind, headers: Sequence[str], source: str) -> HeaderMap:
    """Where each column is, the units its header names, and the headers not used."""
    found: dict[str, int] = {}
    notes: dict[str, str] = {}
    unused: list[str] = []
    matches = [_column_of(kind, header) for header in headers]
    spelled = {m.column.name for m in matches if m is not None and m.whole}
    for position, (header, match) in enumerate(zip(headers, matches, strict=True)):
        if match is None or (not match.whole and match.column.name in spelled):
            unused.extend([header] if header.strip() else [])  # 用电量(峰) beside 用电量: not used
            continue
        column, note = match.column, match.note
        if column.name in found:
            first = headers[found[column.name]]
            raise LedgerStructureError(
                source,
                f"columns {first!r} and {header!r} both give {column.name}; keep one",
                expected=_expected(kind),
                found=headers,
            )
        found[column.name] = position
        if note is not None:
            notes[column.name] = note
    _check_present(kind, headers, found, source)
    conversions, row_unit = _header_units(kind, headers, found, notes, source)
    return HeaderMap(found, conversions, row_unit, tuple((h, _closest(kind, h)) for h in unused))


def _check_present(kind: Kind, headers: Sequence[str], found: Mapping[str, int], source: str) -> None:
    """Every required column, and one group of the alternatives, is there."""
    missing = [c.name for c in kind.columns if c.required and c.name not in found]
    if missing:
        raise LedgerStructureError(
            source,
            f"the {kind.name} ledger ({kind.title}) needs the column(s) {', '.join(missing)}",
            expected=_expected(kind),
            found=headers,
        )
    if kind.one_of and not any(all(n in found for n in group) for group in kind.one_of):
        groups = " or ".join(" and ".join(group) for group in kind.one_of)
        raise LedgerStructureError(
            source, f"the {kind.name} ledger needs {groups}", expected=_expected(kind), found=headers
        )


def _closest(kind: Kind, header: str) -> str:
    """The known spelling closest to an unused header (its bracketed notes left out), or ""."""
    spellings = {header_key(s): s for c in kind.columns for s in (*c.spellings, c.name)}
    base = _BRACKETS.sub("", header_key(header))
    close = difflib.get_close_matches(base, list(spellings), n=1, cutoff=0.6)
    return spellings[close[0]] if close else ""


def _header_units(
    kind: Kind,
    headers: Sequence[str],
    found: Mapping[str, int],
    notes: Mapping[str, str],
    source: str,
) -> tuple[dict[str, Conversion], RowUnit | None]:
    """The units the headers name: conversions of decimal columns, and the unit of the rows."""
    unit_column = next((c for c in kind.columns if c.rule == "unit"), None)
    row_codes = set(unit_column.codes.values()) if unit_column is not None else set()
    conversions: dict[str, Conversion] = {}
    row_units: list[RowUnit] = []
    for name, note in notes.items():
        column, header = kind.column(name), headers[found[name]]
        if column.rule == "unit":
            row_units.extend(_unit_hint(column, header, note, source))
        elif column.rule == "decimal" and column.unit:
            unit = _header_unit(column, header, note, source)
            if column.unit in row_codes and unit in row_codes:
                row_units.append(RowUnit(unit, header))
            else:
                conversions[name] = Conversion(header, unit, column.unit, _shift(unit, column.unit))
    if len({u.unit for u in row_units}) > 1:
        said = " but ".join(f"{u.header!r} says {u.unit}" for u in row_units)
        raise LedgerStructureError(source, f"the headers disagree on the unit: {said}; keep one")
    return conversions, (row_units[0] if row_units else None)


def _header_unit(column: Column, header: str, note: str, source: str) -> str:
    """The unit a decimal column's header names, of the column's dimension."""
    dimension = HEADER_UNITS[column.unit][0]
    named = units_named(note)
    same = [u for u in named if HEADER_UNITS[u][0] == dimension]
    if same:
        return same[0]
    what = f"a unit of {HEADER_UNITS[named[0]][0]}" if named else "not a unit ecocomp knows"
    accepted = "; ".join(
        f"{u} ({', '.join(HEADER_UNIT_NAMES[u])})" if HEADER_UNIT_NAMES[u] else u
        for u, (d, _) in HEADER_UNITS.items()
        if d == dimension
    )
    raise LedgerStructureError(
        source,
        f"the header {header!r} gives {column.name} ({dimension}) in {note!r}, which is {what}; "
        f"write the header as {column.spellings[0]}(UNIT) with one of the units: {accepted}",
    )


def _unit_hint(column: Column, header: str, note: str, source: str) -> list[RowUnit]:
    """The units a unit column's header names (计量单位(吨/千克)); one unit is the rows' unit."""
    parts = [p for p in _LIST.split(note) if p]
    codes = [column.codes.get(value_key(p)) for p in parts]
    if not parts or None in codes:
        accepted = ", ".join(dict.fromkeys(column.codes.values()))
        raise LedgerStructureError(
            source,
            f"the header {header!r} names {note!r}, which is not a unit of this column; use {accepted}",
        )
    distinct = list(dict.fromkeys(c for c in codes if c is not None))
    return [RowUnit(distinct[0], header)] if len(distinct) == 1 else []


def _shift(unit: str, into: str) -> int:
    """The power of ten from `unit` to `into` (万kWh to kWh: 4); every factor is one."""
    ratio = (HEADER_UNITS[unit][1] / HEADER_UNITS[into][1]).normalize()
    digits, exponent = ratio.as_tuple().digits, ratio.as_tuple().exponent
    if digits != (1,) or not isinstance(exponent, int):
        raise AssertionError(f"{unit} to {into} is not a power of ten")
    return exponent


def _expected(kind: Kind) -> list[str]:
    return [f"{c.name} ({c.spellings[0]}){'' if c.required else ' optional'}" for c in kind.columns]


def check_one_of(kind: Kind, given: Mapping[str, pa.Array], size: int) -> Mask:
    """Rows that fill none of the alternative column groups (e.g. met, or target and actual)."""
    ok = np.zeros(size, dtype=np.bool_)
    for group in kind.one_of:
        filled = np.ones(size, dtype=np.bool_)
        for name in group:
            filled &= mask_of(given[name].is_valid()) if name in given else False
        ok |= filled
    return ~ok if kind.one_of else np.zeros(size, dtype=np.bool_)


def check_dates(valid_from: pa.Array, valid_to: pa.Array) -> Problem:
    """A validity that ends before it starts."""
    reversed_ = mask_of(pc.less(valid_to, valid_from))
    return Problem(reversed_, "dates_reversed", lambda v: f"{v!r} is before the start date (valid_from)")


def duplicate_keys(keys: pd.DataFrame, lines: np.ndarray) -> tuple[Mask, dict[int, str]]:
    """Rows whose key another row has too, and for each such row the lines sharing its key."""
    complete = keys.notna().all(axis=1).to_numpy()
    duplicated = keys.duplicated(keep=False).to_numpy() & complete
    where: dict[int, str] = {}
    if duplicated.any():
        positions = np.flatnonzero(duplicated)
        subset = keys.iloc[positions].astype(str).reset_index(drop=True)
        for members in subset.groupby(list(subset.columns), sort=False).indices.values():
            rows = positions[members]
            text = ", ".join(str(lines[r]) for r in rows)
            where.update(dict.fromkeys(rows.tolist(), text))
    return duplicated, where


def check_shares(
    section: pa.Array, factor: pa.Array, share: pa.Array, usable: Mask
) -> tuple[Mask, dict[int, str]]:
    """Rows of a section and factor whose shares (of the usable rows) do not sum to 100 %."""
    table = pa.table({"s": section, "f": factor, "v": share, "i": pa.array(np.arange(len(share)))})
    table = table.filter(pa.array(usable & mask_of(share.is_valid())))
    sums = table.group_by(["s", "f"]).aggregate([("v", "sum"), ("i", "list")])
    one = pa.scalar(Decimal(1), sums.column("v_sum").type)
    wrong = sums.filter(pc.not_equal(sums.column("v_sum"), one))
    bad = np.zeros(len(share), dtype=np.bool_)
    total: dict[int, str] = {}
    for value, rows in zip(
        wrong.column("v_sum").to_pylist(), wrong.column("i_list").to_pylist(), strict=True
    ):
        bad[rows] = True
        total.update(dict.fromkeys(rows, f"{value * 100:f}".rstrip("0").rstrip(".")))
    return bad, total
