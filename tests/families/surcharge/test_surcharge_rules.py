"""Credit-rated surcharges, issue 11: red twice in a row counts rating periods, the 2020 score
bands (a provisional copy), the option for enterprises not yet rated, and the evidence tag of
every legal parameter of the family's tables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from ecocomp.families.surcharge.compute import compute_surcharge
from ecocomp.families.surcharge.ratings import period_starts
from ecocomp.families.surcharge.tables import CreditBandsTable, PeriodStep, SurchargeTable
from ecocomp.months import day_number
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.models import Rule
from tests.builders import day, user_tables

from .frames import KUNSHAN, NANJING, bills, lines, month_bills, ratings

# --- point 11: red twice in a row counts rating periods, not rating rows -----------------------


@pytest.mark.parametrize("district", [KUNSHAN, NANJING])
def test_two_red_rows_in_one_period_are_one_red(book: TariffBook, district: str) -> None:
    """A score moving from 2 to 1 inside 2019-H1 gives two red rows in one half-year: one red."""
    history = [
        ("甲", "green", "2018-01-01", "2018-12-31"),
        ("甲", "2", "2019-01-01", "2019-04-07"),
        ("甲", "1", "2019-04-08", None),
    ]
    got = lines(
        compute_surcharge(bills(month_bills("甲", district, ["2019-05"])), ratings(history), book=book)
    )
    row = got["甲 2019-05"]
    assert row["water_rating"] == "red" and row["water_rating_line"] == 4
    assert (row["water_red_repeat"], row["water_surcharge"]) == (False, Decimal("60.00"))  # 100 m3 x 0.6


def test_two_red_rows_in_one_annual_period_are_one_red(book: TariffBook) -> None:
    history = [
        ("甲", "yellow", "2017-01-01", "2017-12-31"),
        ("甲", "red", "2018-01-01", "2018-06-30"),
        ("甲", "red", "2018-07-01", "2018-12-31"),  # a revision inside the 2018 annual period
    ]
    got = lines(
        compute_surcharge(bills(month_bills("甲", KUNSHAN, ["2018-09"])), ratings(history), book=book)
    )
    assert (got["甲 2018-09"]["water_red_repeat"], got["甲 2018-09"]["water_surcharge"]) == (
        False,
        Decimal("60.00"),
    )


def test_red_in_two_periods_is_red_twice_and_both_rows_of_the_later_period_count(book: TariffBook) -> None:
    history = [
        ("甲", "red", "2018-01-01", "2018-12-31"),  # the 2018 annual list
        ("甲", "2", "2019-01-01", "2019-04-07"),  # 2019-H1
        ("甲", "1", "2019-04-08", "2019-06-30"),  # 2019-H1 again: still the second red
        ("甲", "2", "2019-07-01", None),  # 2019-H2: the previous period's last rating was red
    ]
    months = ["2019-03", "2019-05", "2019-08"]
    got = lines(compute_surcharge(bills(month_bills("甲", KUNSHAN, months)), ratings(history), book=book))
    for month in months:
        row = got[f"甲 {month}"]
        assert (row["water_red_repeat"], row["water_surcharge"]) == (True, Decimal("100.00")), month


def test_another_colour_between_two_reds_breaks_the_run(book: TariffBook) -> None:
    """Red in 2018, yellow, then red again inside 2019-H1: the second red starts a new run."""
    history = [
        ("甲", "red", "2018-01-01", "2018-12-31"),
        ("甲", "5", "2019-01-01", "2019-04-21"),
        ("甲", "1", "2019-04-22", None),
    ]
    got = lines(
        compute_surcharge(bills(month_bills("甲", KUNSHAN, ["2019-05"])), ratings(history), book=book)
    )
    assert (got["甲 2019-05"]["water_red_repeat"], got["甲 2019-05"]["water_surcharge"]) == (
        False,
        Decimal("60.00"),
    )


def test_rating_periods_are_years_then_half_years() -> None:
    steps = (
        PeriodStep(since=day("2016-01-01"), period="year"),
        PeriodStep(since=day("2019-01-01"), period="half_year"),
    )
    given = ["2015-05-03", "2018-06-30", "2018-07-01", "2019-06-30", "2019-07-01", "2020-12-31"]
    expected = ["2015-01-01", "2018-01-01", "2018-01-01", "2019-01-01", "2019-07-01", "2020-07-01"]
    days = np.array([day_number(day(d)) for d in given], dtype=np.int32)
    assert period_starts(steps, days).tolist() == [day_number(day(d)) for d in expected]


# --- point 10: the 2020 score bands ---------------------------------------------------------------


def test_the_2020_bands_table_is_in_force_for_2020_and_provisional(book: TariffBook) -> None:
    history = [("甲", "2", "2019-12-01", "2019-12-31"), ("甲", "2", "2020-01-01", None)]
    result = compute_surcharge(
        bills([("甲", KUNSHAN, "2019-12", None, "100"), ("甲", KUNSHAN, "2020-03", None, "100")]),
        ratings(history),
        book=book,
    )
    got = lines(result)
    assert got["甲 2020-03"]["water_rating"] == "red" and got["甲 2020-03"]["water_rating_line"] == 3
    explained = result.explain(["甲"])["甲"]
    assert (
        "《江苏省企事业环保信用评价办法》" in explained and "《江苏省企业环保信用评价暂行办法》" in explained
    )
    used = {t.id: t for t in result.tariffs}
    assert {"jiangsu-credit-bands-2019", "jiangsu-credit-bands-2020"} <= set(used)
    assert any(w.startswith("jiangsu-credit-bands-2020 ") and "provisional" in w for w in result.warnings)
    assert not any(w.startswith("jiangsu-credit-bands-2019 ") for w in result.warnings)


def test_the_2020_bands_say_what_they_copy(book: TariffBook) -> None:
    old, new = (book.get(i) for i in ("jiangsu-credit-bands-2019", "jiangsu-credit-bands-2020"))
    assert old.end is not None and old.end.isoformat() == "2019-12-31"
    assert new.start.isoformat() == "2020-01-01" and new.header.status == "provisional"
    copy = new.model
    assert isinstance(copy, CreditBandsTable) and isinstance(old.model, CreditBandsTable)
    assert copy.copied_from is not None and copy.copied_from.value == old.id
    assert copy.copied_from.evidence == "provisional"
    assert [(b.colour, b.min and b.min.value, b.max and b.max.value) for b in copy.bands] == [
        (b.colour, b.min and b.min.value, b.max and b.max.value) for b in old.model.bands
    ]
    assert all(v.evidence == "provisional" for b in copy.bands for v in (b.min, b.max) if v is not None)


# --- point 12: enterprises not yet rated ----------------------------------------------------------

UNRATED_LINE = 'unrated = { value = "error", evidence = "inferred",'


@pytest.mark.parametrize(("option", "rate"), [("as:red", "0.6"), ("as:black", "1.0"), ("as:yellow", "0")])
def test_unrated_as_a_colour_charges_its_rate_and_the_run_says_provisional(
    tmp_path: Path, option: str, rate: str
) -> None:
    book = user_tables(
        tmp_path,
        (
            "sewage_surcharge/jiangsu-sewage-2016.toml",
            UNRATED_LINE,
            f'unrated = {{ value = "{option}", evidence = "provisional",',
        ),
    )
    result = compute_surcharge(
        bills([("无名", KUNSHAN, "2018-01", None, "123.45"), ("甲", KUNSHAN, "2018-01", None, "100")]),
        ratings([("甲", "red", "2017-01-01", None)]),
        book=book,
    )
    assert result.rejected == ()
    got = lines(result)
    row = got["无名 2018-01"]
    expected = (Decimal("123.45") * Decimal(rate)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert (row["water_rating"], row["water_surcharge"], row["water_rating_line"]) == (
        "unrated",
        expected,
        None,
    )
    assert got["甲 2018-01"]["water_surcharge"] == Decimal("60.00")  # rated bills are unchanged
    warning = next(w for w in result.warnings if "not yet rated" in w)
    assert f"unrated = {option}, provisional" in warning and "jiangsu-sewage-2016" in warning
    assert any(w.startswith("jiangsu-sewage-2016 ") and "unrated" in w for w in result.warnings)
    assert "未评价，按" in result.explain(["无名"])["无名"]


# --- point 13: every legal parameter carries its evidence -----------------------------------------

RULES = ("kind", "rating_rule", "stop_rule", "red_repeat_as_black", "unrated")


def test_every_surcharge_rule_is_tagged(book: TariffBook) -> None:
    tables = [t for t in book.tariffs if t.family in ("electricity_surcharge", "sewage_surcharge")]
    assert len(tables) == 4
    for tariff in tables:
        model = tariff.model
        assert isinstance(model, SurchargeTable)
        for key in RULES:
            rule = getattr(model, key)
            assert isinstance(rule, Rule) and rule.note.strip(), (tariff.id, key)
        if model.red_repeat_as_black.value:
            assert model.rating_periods is not None and model.rating_periods.evidence == "inferred"
        if tariff.uncertain_rules():
            assert tariff.header.status == "provisional", tariff.id


def test_a_repeat_rule_without_rating_periods_is_refused(tmp_path: Path) -> None:
    from ecocomp.errors import TariffCheckError

    with pytest.raises(TariffCheckError, match="rating_periods"):
        user_tables(
            tmp_path,
            ("sewage_surcharge/jiangsu-sewage-2016.toml", "rating_periods = {", "# rating_periods = {"),
        )
