"""Typed ledger frames for fund tests, shaped as `read_ledger` returns them."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
import pyarrow as pa


def emissions(rows: Sequence[tuple[int, str, str, str, str]]) -> pd.DataFrame:
    """(year, payer code, pollutant, quantity, unit) rows; lines from 2 like a file with a header."""
    table = pa.table(
        {
            "line": pa.array(range(2, 2 + len(rows)), pa.int64()),
            "year": pa.array([r[0] for r in rows], pa.int32()),
            "payer": pa.array([r[1] for r in rows], pa.string()),
            "pollutant": pa.array([r[2] for r in rows], pa.string()),
            "quantity": pa.array([Decimal(r[3]) for r in rows], pa.decimal128(38, 6)),
            "unit": pa.array([r[4] for r in rows], pa.string()),
        }
    )
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def indicators(rows: Sequence[tuple[int, str, str, bool]]) -> pd.DataFrame:
    """(year, payer code, indicator, met) rows."""
    table = pa.table(
        {
            "line": pa.array(range(2, 2 + len(rows)), pa.int64()),
            "year": pa.array([r[0] for r in rows], pa.int32()),
            "payer": pa.array([r[1] for r in rows], pa.string()),
            "indicator": pa.array([r[2] for r in rows], pa.string()),
            "met": pa.array([r[3] for r in rows], pa.bool_()),
            "target": pa.nulls(len(rows), pa.decimal128(38, 4)),
            "actual": pa.nulls(len(rows), pa.decimal128(38, 4)),
        }
    )
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def carbon(rows: Sequence[tuple[int, str, str]]) -> pd.DataFrame:
    """(year, payer code, co2 intensity) rows."""
    table = pa.table(
        {
            "line": pa.array(range(2, 2 + len(rows)), pa.int64()),
            "year": pa.array([r[0] for r in rows], pa.int32()),
            "payer": pa.array([r[1] for r in rows], pa.string()),
            "co2_intensity": pa.array([Decimal(r[2]) for r in rows], pa.decimal128(38, 6)),
            "ratio": pa.nulls(len(rows), pa.decimal128(38, 6)),
        }
    )
    return table.to_pandas(types_mapper=pd.ArrowDtype)
