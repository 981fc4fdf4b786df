"""Typed ledger frames for water-compensation tests, shaped as `read_ledger` returns them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import pandas as pd
import pyarrow as pa

from ecocomp.codes import FACTORS


def sections(
    rows: Sequence[tuple[str, str, str, str, str, str, str]],
    targets: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """(section, name, water_body, basin, target_class, upstream code, downstream code) rows;
    `targets` gives a section's own target per factor."""
    own = targets or {}
    columns: dict[str, pa.Array] = {
        "line": pa.array(range(2, 2 + len(rows)), pa.int64()),
        **{
            key: pa.array([r[i] for r in rows], pa.string())
            for i, key in enumerate(
                ["section", "name", "water_body", "basin", "target_class", "upstream", "downstream"]
            )
        },
    }
    for factor in FACTORS:
        values = [own.get(r[0], {}).get(factor) for r in rows]
        columns[f"target_{factor}"] = pa.array(
            [None if v is None else Decimal(v) for v in values], pa.decimal128(38, 4)
        )
    return pa.table(columns).to_pandas(types_mapper=pd.ArrowDtype)


def monitoring(rows: Sequence[tuple[str, str, str, str, str | None]]) -> pd.DataFrame:
    """(section, month 'YYYY-MM', factor, concentration, flow or None) rows."""
    table = pa.table(
        {
            "line": pa.array(range(2, 2 + len(rows)), pa.int64()),
            "section": pa.array([r[0] for r in rows], pa.string()),
            "month": pa.array([_month(r[1]) for r in rows], pa.date32()),
            "factor": pa.array([r[2] for r in rows], pa.string()),
            "concentration_mg_l": pa.array([Decimal(r[3]) for r in rows], pa.decimal128(38, 4)),
            "flow_10k_m3": pa.array(
                [None if r[4] is None else Decimal(r[4]) for r in rows], pa.decimal128(38, 4)
            ),
        }
    )
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def shares(rows: Sequence[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(section, factor, district code, share as a fraction) rows."""
    table = pa.table(
        {
            "line": pa.array(range(2, 2 + len(rows)), pa.int64()),
            "section": pa.array([r[0] for r in rows], pa.string()),
            "factor": pa.array([r[1] for r in rows], pa.string()),
            "district": pa.array([r[2] for r in rows], pa.string()),
            "share": pa.array([Decimal(r[3]) for r in rows], pa.decimal128(38, 6)),
        }
    )
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def month(text: str) -> date:
    return _month(text)


def _month(text: str) -> date:
    year, number = text.split("-")
    return date(int(year), int(number), 1)
