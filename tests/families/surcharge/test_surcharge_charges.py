"""Credit-rated surcharges: unrated bills and missing tables, strict runs, exact arithmetic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from ecocomp.errors import LedgerValidationError, MoneyError
from ecocomp.families.surcharge.amounts import round_products
from ecocomp.families.surcharge.compute import compute_surcharge
from ecocomp.families.surcharge.family import run_surcharge
from ecocomp.money import Rounding, fixed_point
from ecocomp.tariffs.book import TariffBook
from tests.builders import user_tables

from .frames import KUNSHAN, bills, lines, month_bills, ratings

# --- unrated and missing tables -----------------------------------------------------------------


def test_a_month_without_a_rating_is_rejected_never_green(book: TariffBook) -> None:
    rows = [*month_bills("甲", KUNSHAN, ["2018-01"]), *month_bills("无名", KUNSHAN, ["2018-01"])]
    result = compute_surcharge(bills(rows), ratings([("甲", "green", "2017-01-01", None)]), book=book)
    assert [(i.line, i.code, i.column, i.value) for i in result.rejected] == [
        (3, "unrated", "enterprise", "无名"),
        (3, "unrated", "enterprise", "无名"),
    ]
    assert "no rating is in force on 2018-01-01" in result.rejected[0].message
    assert result.totals.bills == 1


def test_a_month_before_any_table_is_rejected(book: TariffBook) -> None:
    result = compute_surcharge(
        bills([("甲", KUNSHAN, "2015-06", "100", None)]),
        ratings([("甲", "red", "2015-01-01", None)]),
        book=book,
    )
    assert [(i.code, i.column, i.value) for i in result.rejected] == [("no_tariff", "month", "2015-06")]


def test_a_table_may_say_unrated_pays_nothing(tmp_path: Path) -> None:
    book = user_tables(
        tmp_path,
        (
            "sewage_surcharge/jiangsu-sewage-2016.toml",
            'unrated = { value = "error"',
            'unrated = { value = "no_surcharge"',
        ),
    )
    result = compute_surcharge(
        bills([("无名", KUNSHAN, "2018-01", None, "100")]),
        ratings([("甲", "red", "2017-01-01", None)]),
        book=book,
    )
    row = result.lines().to_pylist()[0]
    assert (row["water_rating"], row["water_surcharge"], row["water_rating_line"]) == (
        "unrated",
        Decimal("0.00"),
        None,
    )
    assert row["electricity_rating"] is None and row["electricity_surcharge"] is None
    assert result.by_rating[0].rating == "unrated"


def test_strict_run_raises_and_skip_invalid_reports(book: TariffBook, tmp_path: Path) -> None:
    (tmp_path / "bills.csv").write_text(
        "企业名称,区县,月份,用电量\n甲,昆山,2018-01,100\n乙,昆山,2018-01,100\n", "utf-8"
    )
    (tmp_path / "ratings.csv").write_text("企业名称,信用等级,有效期起\n甲,红色,2017-01-01\n", "utf-8")
    with pytest.raises(LedgerValidationError) as caught:
        run_surcharge(tmp_path / "bills.csv", tmp_path / "ratings.csv", book=book)
    assert [i.code for i in caught.value.issues] == ["unrated"]
    run = run_surcharge(tmp_path / "bills.csv", tmp_path / "ratings.csv", book=book, skip_invalid=True)
    assert run.reconciliation["charged"] == 1 and run.reconciliation["rejected_by_rules"] == 1
    assert run.result.totals.electricity_surcharge == Decimal("5.00")


# --- arithmetic ---------------------------------------------------------------------------------


def test_rounding_is_half_away_from_zero_to_the_fen(book: TariffBook) -> None:
    rows = [("甲", KUNSHAN, "2018-01", "0.10", "0.01"), ("甲", KUNSHAN, "2018-02", "0.30", "0.03")]
    got = lines(compute_surcharge(bills(rows), ratings([("甲", "red", "2017-01-01", None)]), book=book))
    assert got["甲 2018-01"]["electricity_surcharge"] == Decimal("0.01")  # 0.005 -> 0.01
    assert got["甲 2018-01"]["water_surcharge"] == Decimal("0.01")  # 0.006 -> 0.01
    assert got["甲 2018-02"]["electricity_surcharge"] == Decimal("0.02")  # 0.015 -> 0.02
    assert got["甲 2018-02"]["water_surcharge"] == Decimal("0.02")  # 0.018 -> 0.02


def test_huge_quantities_stay_exact(book: TariffBook) -> None:
    big = "92233720368547758.07"  # int64 max in hundredths: the product needs Python integers
    got = lines(
        compute_surcharge(
            bills([("甲", KUNSHAN, "2018-01", big, None)]),
            ratings([("甲", "black", "2017-01-01", None)]),
            book=book,
        )
    )
    assert got["甲 2018-01"]["electricity_surcharge"] == Decimal("9223372036854775.81")


def test_values_beyond_64_bits_are_refused() -> None:
    with pytest.raises(MoneyError):
        fixed_point(pa.array([Decimal("1e20")], pa.decimal128(38, 2)), 2)


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_products_near_and_beyond_64_bits_round_exactly(mode: str) -> None:
    """A product just below int64's end must not wrap when the half is added; a wider one is
    rounded as Python integers, in every mode."""
    units = np.array([2**63 - 11, 2**62 + 5], dtype=np.int64)
    for rate, scale in ((1, 2), (3, 3)):
        rule = Rounding(Decimal("0.01"), mode)
        got = round_products(units, np.full(2, rate, np.int64), scale, (rule,), np.zeros(2, np.int32))
        exact = [rule.apply(Decimal(int(u) * rate).scaleb(-2 - scale)) for u in units]
        assert got.tolist() == [int(e.scaleb(2)) for e in exact]
