"""Credit-rated surcharges, properties: the vectorized engine equals the plain-Decimal reference
(tests/data/surcharge/reference.py) to the fen; green, blue and yellow pay nothing; amounts are
monotonic and independent of row order and chunk size."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from decimal import Decimal
from types import ModuleType

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecocomp.families.surcharge.compute import compute_surcharge
from ecocomp.tariffs.book import TariffBook
from tests.builders import TESTS

from .frames import COLOURS, KUNSHAN, NANJING, SIP, BillRow, RatingRow, bills, ratings


def _reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "surcharge_reference", TESTS / "data/surcharge/reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ref = _reference()
BOOK = TariffBook.load(env={})  # for hypothesis tests (a fixture's repr would flood the report)

MONTHS = [
    f"{y}-{m:02d}" for y in range(2016, 2021) for m in (1, 3, 6, 7, 12) if (y, m) != (2016, 1)
]  # sewage: 2016-02-15
DISTRICTS = [KUNSHAN, NANJING, SIP, "320300"]
quantity = st.one_of(st.none(), st.decimals(0, 10_000_000, places=2).map(str))
bill_rows = st.lists(
    st.tuples(
        st.sampled_from(["甲", "乙", "丙"]),
        st.sampled_from(DISTRICTS),
        st.sampled_from(MONTHS),
        quantity,
        quantity,
    ),
    min_size=1,
    max_size=25,
    unique_by=lambda r: (r[0], r[2]),
)


@st.composite
def histories(draw: st.DrawFn, colours: tuple[str, ...] = COLOURS) -> list[RatingRow]:
    rows: list[RatingRow] = []
    for name in ("甲", "乙", "丙"):
        starts = sorted(draw(st.sets(st.dates(date(2016, 6, 1), date(2020, 12, 31)), max_size=4)))
        rows.append((name, draw(st.sampled_from(colours)), "2015-01-01", None))
        rows += [(name, draw(st.sampled_from(colours)), f"{s}", None) for s in starts]
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=bill_rows, history=histories())
def test_vectorized_lines_equal_the_decimal_reference(rows: list[BillRow], history: list[RatingRow]) -> None:
    result = compute_surcharge(bills(rows), ratings(history), book=BOOK, chunk_size=7)
    assert result.rejected == ()
    reference = ref.histories(ratings(history).to_pylist(), BOOK)
    for line in result.lines().to_pylist():
        for key in ("electricity", "water"):
            colour, amount = ref.surcharge(line, key, reference, BOOK)
            assert (line[f"{key}_rating"], line[f"{key}_surcharge"]) == (colour, amount)
    electricity = sum((r["electricity_surcharge"] or 0 for r in result.lines().to_pylist()), Decimal(0))
    assert result.totals.electricity_surcharge == electricity
    assert result.totals.total == result.totals.electricity_surcharge + result.totals.water_surcharge


@settings(max_examples=40, deadline=None)
@given(rows=bill_rows, history=histories(("green", "blue", "yellow")))
def test_green_blue_and_yellow_pay_nothing(rows: list[BillRow], history: list[RatingRow]) -> None:
    result = compute_surcharge(bills(rows), ratings(history), book=BOOK)
    assert result.totals.total == 0
    assert all(not (r["electricity_surcharge"] or r["water_surcharge"]) for r in result.lines().to_pylist())


def _plus(value: str | None, extra: Decimal) -> str | None:
    return None if value is None else str(Decimal(value) + extra)


@settings(max_examples=40, deadline=None)
@given(rows=bill_rows, history=histories(), extra=st.decimals(0, 1_000_000, places=2))
def test_surcharges_are_monotonic_in_kwh_and_m3(
    rows: list[BillRow], history: list[RatingRow], extra: Decimal
) -> None:
    more = [(e, d, m, _plus(k, extra), _plus(w, extra)) for e, d, m, k, w in rows]
    low, high = (
        compute_surcharge(bills(r), ratings(history), book=BOOK).lines().to_pylist() for r in (rows, more)
    )
    for a, b in zip(low, high, strict=True):
        for key in ("electricity_surcharge", "water_surcharge"):
            assert (a[key] is None and b[key] is None) or a[key] <= b[key]


@settings(max_examples=40, deadline=None)
@given(rows=bill_rows, history=histories(), seed=st.integers(0, 2**32 - 1), chunk=st.integers(1, 30))
def test_independent_of_row_order_and_chunk_size(
    rows: list[BillRow], history: list[RatingRow], seed: int, chunk: int
) -> None:
    base = compute_surcharge(bills(rows), ratings(history), book=BOOK)
    order = np.random.default_rng(seed).permutation(len(rows))
    table = bills(rows).take(pa.array(order))
    shuffled = compute_surcharge(
        table,
        ratings(history).take(pa.array(np.random.default_rng(seed).permutation(len(history)))),
        book=BOOK,
        chunk_size=chunk,
    )
    key = "line"
    assert base.lines().sort_by(key).to_pylist() == shuffled.lines().sort_by(key).to_pylist()
    assert (base.totals, base.by_district, base.by_month, base.by_rating) == (
        shuffled.totals,
        shuffled.by_district,
        shuffled.by_month,
        shuffled.by_rating,
    )
    assert base.by_enterprise.equals(shuffled.by_enterprise)
