"""Checks of a ledger beyond single cells: its columns, rows with alternatives, duplicate keys, shares.

Source: issue 3 "Ledgers in", section "Checking". A missing required column or a column given
twice stops at once (`LedgerStructureError` with the expected and the found columns). Rows
sharing a key (same enterprise and month, same section-month-factor, same payer-year-pollutant)
are all rejected, never summed. Shares of one section and factor must sum to exactly 100 %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerStructureError
from ecocomp.ledgers.kinds import Kind
from ecocomp.ledgers.parse import Mask, Problem, mask_of

__all__ = ["check_dates", "check_one_of", "check_shares", "duplicate_keys", "map_headers"]


def map_headers(kind: Kind, headers: Sequence[str], source: str) -> dict[str, int]:
    """Column name -> position in the file; unknown headers are ignored."""
    found: dict[str, int] = {}
    for position, header in enumerate(headers):
        column = next((c for c in kind.columns if header and c.accepts(header)), None)
        if column is None:
            continue
        if column.name in found:
            first = headers[found[column.name]]
            raise LedgerStructureError(
                source,
                f"columns {first!r} and {header!r} both give {column.name}; keep one",
                expected=_expected(kind),
                found=headers,
            )
        found[column.name] = position
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
    return found


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
