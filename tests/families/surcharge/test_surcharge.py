"""Credit-rated surcharges (family C): which rating applies to a bill, and score bands."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecocomp.families.surcharge.compute import compute_surcharge
from ecocomp.tariffs.book import TariffBook

from .frames import KUNSHAN, NANJING, SIP, bills, lines, month_bills, ratings

# --- rating rules -------------------------------------------------------------------------------


def test_change_during_a_month_applies_from_the_next_month(book: TariffBook) -> None:
    history = [("甲", "red", "2017-01-01", "2018-03-15"), ("甲", "green", "2018-03-16", None)]
    result = compute_surcharge(
        bills(month_bills("甲", KUNSHAN, ["2018-03", "2018-04"])), ratings(history), book=book
    )
    got = lines(result)
    assert got["甲 2018-03"]["electricity_rating"] == "red"
    assert got["甲 2018-03"]["electricity_surcharge"] == Decimal("50.00")
    assert got["甲 2018-03"]["water_surcharge"] == Decimal("60.00")
    assert got["甲 2018-04"]["electricity_rating"] == "green"
    assert got["甲 2018-04"]["electricity_surcharge"] == Decimal("0.00")


def test_change_on_the_first_day_applies_that_month(book: TariffBook) -> None:
    history = [("甲", "green", "2017-01-01", "2018-03-31"), ("甲", "black", "2018-04-01", None)]
    result = compute_surcharge(
        bills(month_bills("甲", KUNSHAN, ["2018-03", "2018-04"])), ratings(history), book=book
    )
    got = lines(result)
    assert (got["甲 2018-03"]["electricity_rating"], got["甲 2018-04"]["electricity_rating"]) == (
        "green",
        "black",
    )
    assert got["甲 2018-04"]["electricity_surcharge"] == Decimal("100.00")
    assert got["甲 2018-04"]["water_surcharge"] == Decimal("100.00")


@pytest.mark.parametrize(
    ("red_from", "first_red_month"),
    [
        ("2018-12-31", "2019-01"),  # in force on the last day of 2018: all of January-June 2019
        ("2019-01-01", "2019-07"),  # one day later: only from the July half-year
        ("2019-06-30", "2019-07"),
        ("2019-07-01", "2020-01"),
    ],
)
def test_2019_electricity_uses_the_rating_at_the_previous_half_year_end(
    book: TariffBook, red_from: str, first_red_month: str
) -> None:
    months = ["2019-01", "2019-06", "2019-07", "2019-12", "2020-01"]
    history = [("甲", "green", "2017-01-01", None), ("甲", "red", red_from, None)]
    got = lines(compute_surcharge(bills(month_bills("甲", KUNSHAN, months)), ratings(history), book=book))
    for month in months:
        red = month >= first_red_month
        row = got[f"甲 {month}"]
        assert row["electricity_tariff"] == "jiangsu-electricity-2019"
        assert row["electricity_rating"] == ("red" if red else "green"), month
        assert row["electricity_surcharge"] == (Decimal("50.00") if red else Decimal("0.00"))


def test_both_electricity_versions_meet_at_2019(book: TariffBook) -> None:
    history = [("甲", "green", "2017-01-01", "2018-12-14"), ("甲", "red", "2018-12-15", None)]
    got = lines(
        compute_surcharge(
            bills(month_bills("甲", KUNSHAN, ["2018-12", "2019-01"])), ratings(history), book=book
        )
    )
    assert got["甲 2018-12"]["electricity_tariff"] == "jiangsu-electricity-2016"
    assert got["甲 2018-12"]["electricity_rating"] == "green"  # in force on 2018-12-01
    assert got["甲 2019-01"]["electricity_tariff"] == "jiangsu-electricity-2019"
    assert got["甲 2019-01"]["electricity_rating"] == "red"  # in force on 2018-12-31


def test_a_late_list_overrides_from_its_start_and_the_earlier_rating_returns_after_it(
    book: TariffBook,
) -> None:
    history = [
        ("甲", "green", "2018-01-01", "2018-12-31"),  # the annual list
        ("甲", "black", "2018-05-01", "2018-08-31"),  # published late, applies back: latest valid_from wins
    ]
    months = ["2018-04", "2018-05", "2018-08", "2018-09"]
    got = lines(compute_surcharge(bills(month_bills("甲", KUNSHAN, months)), ratings(history), book=book))
    assert [got[f"甲 {m}"]["water_rating"] for m in months] == ["green", "black", "black", "green"]
    assert got["甲 2018-05"]["water_rating_line"] == 3


def test_red_twice_in_a_row_pays_the_black_sewage_rate(book: TariffBook) -> None:
    history = [("甲", "red", "2017-01-01", "2017-12-31"), ("甲", "red", "2018-01-01", None)]
    result = compute_surcharge(
        bills(month_bills("甲", KUNSHAN, ["2017-06", "2018-06"])), ratings(history), book=book
    )
    got = lines(result)
    first, second = got["甲 2017-06"], got["甲 2018-06"]
    assert (first["water_red_repeat"], first["water_surcharge"]) == (False, Decimal("60.00"))
    assert (second["water_red_repeat"], second["water_surcharge"]) == (True, Decimal("100.00"))
    assert second["water_rating"] == "red"
    assert second["electricity_surcharge"] == Decimal("50.00")  # electricity has no repeat rule
    by_rating = {r.rating: r for r in result.by_rating}
    assert by_rating["red_repeat"].water_bills == 1 and by_rating["red_repeat"].water_surcharge == Decimal(
        "100.00"
    )
    assert "连续两次红色按黑色计" in result.explain(["甲"])["甲"]


def test_red_after_another_colour_is_not_a_repeat(book: TariffBook) -> None:
    history = [
        ("甲", "red", "2016-01-01", "2016-12-31"),
        ("甲", "yellow", "2017-01-01", "2017-12-31"),
        ("甲", "red", "2018-01-01", None),
    ]
    got = lines(
        compute_surcharge(bills(month_bills("甲", KUNSHAN, ["2018-06"])), ratings(history), book=book)
    )
    assert got["甲 2018-06"]["water_red_repeat"] is False
    assert got["甲 2018-06"]["water_surcharge"] == Decimal("60.00")


def test_recovery_stops_the_surcharge_from_the_next_month_nanjing(book: TariffBook) -> None:
    history = [("乙", "red", "2017-01-01", "2018-06-15"), ("乙", "yellow", "2018-06-16", None)]
    got = lines(
        compute_surcharge(
            bills(month_bills("乙", NANJING, ["2018-06", "2018-07"])), ratings(history), book=book
        )
    )
    assert got["乙 2018-06"]["water_tariff"] == "nanjing-sewage-2017"
    assert got["乙 2018-06"]["water_surcharge"] == Decimal("60.00")
    assert got["乙 2018-07"]["water_surcharge"] == Decimal("0.00")


def test_the_city_table_applies_where_it_exists_else_the_province(book: TariffBook) -> None:
    rows = [*month_bills("乙", NANJING, ["2016-06", "2017-01"]), *month_bills("丙", SIP, ["2017-01"])]
    history = [("乙", "black", "2016-01-01", None), ("丙", "black", "2016-01-01", None)]
    result = compute_surcharge(bills(rows), ratings(history), book=book)
    got = lines(result)
    assert got["乙 2016-06"]["water_tariff"] == "jiangsu-sewage-2016"  # before Nanjing's own table
    assert got["乙 2017-01"]["water_tariff"] == "nanjing-sewage-2017"
    assert got["丙 2017-01"]["water_tariff"] == "jiangsu-sewage-2016"  # a Suzhou zone: the province
    assert {t.id for t in result.tariffs} >= {"jiangsu-sewage-2016", "nanjing-sewage-2017"}


# --- score bands --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        ("12", "green"),
        ("11", "green"),
        ("10", "blue"),
        ("6", "blue"),
        ("5", "yellow"),
        ("3", "yellow"),
        ("2", "red"),
        ("1", "red"),
        ("0", "black"),
    ],
)
def test_scores_become_colours_at_the_band_edges(book: TariffBook, score: str, colour: str) -> None:
    result = compute_surcharge(  # water only: the 2019 electricity rule looks at 2018-12-31
        bills([("甲", KUNSHAN, "2019-03", None, "100")]),
        ratings([("甲", score, "2019-01-01", None)]),
        book=book,
    )
    assert lines(result)["甲 2019-03"]["water_rating"] == colour
    assert "评分" in result.explain(["甲"])["甲"]


@pytest.mark.parametrize(
    ("score", "valid_from", "code"),
    [("10.5", "2019-01-01", "score_out_of_bands"), ("2", "2018-06-01", "no_score_bands")],
)
def test_a_score_without_a_band_is_a_problem_not_a_colour(
    book: TariffBook, score: str, valid_from: str, code: str
) -> None:
    result = compute_surcharge(
        bills(month_bills("甲", KUNSHAN, ["2019-03"])), ratings([("甲", score, valid_from, None)]), book=book
    )
    codes = [i.code for i in result.rejected]
    assert codes[0] == code and result.rejected[0].line == 2
    assert "unrated" in codes  # the bill that needed it is rejected, never charged as green
    assert len(result.kept) == 0
