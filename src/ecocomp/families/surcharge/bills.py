"""The bills of a surcharge run as integer codes: per bill its enterprise, district and month.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (2016 trial, 2019 revision) and
南京市差别化污水处理费 (2017-01-01) charge per enterprise and bill month; the table depends on the
bill's district (`plan`). Here each of the three becomes a small int32 code, so that
every later step takes from small per-code tables instead of looping over the bills.

An adjustment (退补) row is booked in its bill month but charged as the month it corrects
(退补月份): `BillKeys.month` is the bill month (periods, summaries), `BillKeys.charged` the month
whose rating and table apply (`charged_codes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["BillKeys", "arrow_table", "charged_codes", "codes", "indices", "month_codes"]

Int32s = npt.NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class BillKeys:
    """Per bill the codes of its enterprise, district and month, and what each code stands for;
    and, when bills find their ratings by 统一社会信用代码, per bill the code of that key."""

    enterprise: Int32s  # per bill: index into `enterprises`
    enterprises: pa.Array
    district: Int32s  # per bill: index into `districts`
    districts: list[str]  # place codes
    month: Int32s  # per bill: index into `months`
    months: Int32s  # first day of each month (days since 1970-01-01)
    matched: Int32s | None = None  # per bill: index into `matches` (None: matched by enterprise)
    matches: pa.Array | None = None  # the keys bills find their ratings by (`accounts`: codes)
    charged: Int32s | None = None  # per bill: index into `months` of the month charged (None: `month`)

    def charged_month(self) -> Int32s:
        """Per bill the index of the month whose rating and table apply: the month a 退补 row
        corrects, else its bill month."""
        return self.month if self.charged is None else self.charged

    def rating_keys(self) -> tuple[pa.Array, Int32s]:
        """The keys the bills find their ratings by, and per bill the index of its key."""
        if self.matched is None or self.matches is None:
            return self.enterprises, self.enterprise
        return self.matches, self.matched


def arrow_table(frame: pd.DataFrame | pa.Table) -> pa.Table:
    if isinstance(frame, pa.Table):
        return frame
    return pa.Table.from_pandas(frame, preserve_index=False)


def codes(column: pa.ChunkedArray) -> tuple[Int32s, list[str]]:
    """Per row the index of its value, and the distinct values as text."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    return indices(encoded), [str(v) for v in encoded.dictionary.to_pylist()]


def indices(encoded: pa.DictionaryArray) -> Int32s:
    """The codes of a dictionary-encoded column as int32."""
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32)


def month_codes(column: pa.ChunkedArray) -> tuple[Int32s, Int32s]:
    """Per bill the index of its month, and the first day of each month present."""
    days = np.asarray(pc.cast(column, pa.int32()).to_numpy(), dtype=np.int32)
    if not len(days):
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    distinct, inverse = _distinct_days(days)
    number = distinct.astype("datetime64[D]").astype("datetime64[M]")
    month_of_day = number.astype(np.int64)
    firsts_number, day_to_month = np.unique(month_of_day, return_inverse=True)
    firsts = firsts_number.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)
    return day_to_month.astype(np.int32).take(inverse), firsts


def charged_codes(
    month: pa.ChunkedArray, adjusts: pa.ChunkedArray | None
) -> tuple[Int32s, Int32s, Int32s | None]:
    """Per bill the index of its bill month and of the month it is charged as (the month a 退补 row
    corrects; None when no bill corrects one), and the first day of each month of either."""
    if adjusts is None or adjusts.null_count == len(adjusts):
        booked, months = month_codes(month)
        return booked, months, None
    corrected = pc.coalesce(adjusts.cast(month.type), month)
    both = pa.chunked_array([*month.chunks, *corrected.chunks], type=month.type)
    codes, months = month_codes(both)
    return codes[: len(month)], months, codes[len(month) :]


def _distinct_days(days: Int32s) -> tuple[Int32s, npt.NDArray[np.integer[Any]]]:
    """The distinct days, sorted, and per bill the index of its day among them."""
    low, high = int(days.min()), int(days.max())
    if high - low > 1_000_000:  # a span of millennia: a slow but general route
        distinct, inverse = np.unique(days, return_inverse=True)
        return distinct, inverse
    present = np.flatnonzero(np.bincount(days - low))
    table = np.zeros(high - low + 1, dtype=np.int32)
    table[present] = np.arange(len(present), dtype=np.int32)
    return (present + low).astype(np.int32), table.take(days - low)
