"""Typed ledger frames for fund tests, shaped as `read_ledger` returns them."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa

from tests.builders import decimals, frame, no_decimals, texts, years


def emissions(rows: Sequence[tuple[int, str, str, str, str]]) -> pd.DataFrame:
    """(year, payer code, pollutant, quantity, unit) rows; lines from 2 like a file with a header."""
    return frame(
        {
            "year": years(r[0] for r in rows),
            "payer": texts(r[1] for r in rows),
            "pollutant": texts(r[2] for r in rows),
            "quantity": decimals((r[3] for r in rows), 6),
            "unit": texts(r[4] for r in rows),
        },
        len(rows),
    )


def indicators(rows: Sequence[tuple[int, str, str, bool]]) -> pd.DataFrame:
    """(year, payer code, indicator, met) rows."""
    return frame(
        {
            "year": years(r[0] for r in rows),
            "payer": texts(r[1] for r in rows),
            "indicator": texts(r[2] for r in rows),
            "met": pa.array([r[3] for r in rows], pa.bool_()),
            "target": no_decimals(len(rows), 4),
            "actual": no_decimals(len(rows), 4),
        },
        len(rows),
    )


def carbon(rows: Sequence[tuple[int, str, str]]) -> pd.DataFrame:
    """(year, payer code, co2 intensity) rows."""
    return frame(
        {
            "year": years(r[0] for r in rows),
            "payer": texts(r[1] for r in rows),
            "co2_intensity": decimals((r[2] for r in rows), 6),
            "ratio": no_decimals(len(rows), 6),
        },
        len(rows),
    )
