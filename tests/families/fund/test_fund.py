"""Pollutant-linked fund: worked examples from the policy texts, version rules, properties."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecocomp.families.fund.compute import compute_fund
from ecocomp.families.fund.rules import task_return
from ecocomp.families.fund.tables import FundTable
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.models import Value

from . import frames as ff

DATA = Path(__file__).parent / "data"
KUNSHAN, XUZHOU, LIANYUNGANG = "320583", "320300", "320700"
ALL_MET_2018 = ["air_good_days", "pm25", "water_class_iii", "water_function_zone"]
ALL_MET_2021 = ["air_good_days", "pm25", "water_class_iii", "drinking_water", "co2_intensity_decline"]
TASKS_2018 = [f"reduction_{p}" for p in ("COD", "NH3-N", "SO2", "NOx", "TP", "TN", "VOCs")]


def met(year: int, payer: str, codes: list[str], value: bool = True) -> list[tuple[int, str, str, bool]]:
    return [(year, payer, code, value) for code in codes]


def test_policy_worked_example_to_the_fen(book: TariffBook) -> None:
    expected = tomllib.loads((DATA / "worked-example-2018-expected.toml").read_text("utf-8"))
    emissions = read_ledger("emissions", DATA / "worked-example-2018-emissions.csv", places=book.places)
    indicators = read_ledger("indicators", DATA / "worked-example-2018-indicators.csv", places=book.places)
    result = compute_fund(emissions.frame, year=2018, book=book, indicators=indicators.frame)
    (payer,) = result.payers
    assert payer.payer_code == expected["payer"]
    assert payer.fund == Decimal(expected["fund"])
    assert payer.return_ratio == Decimal(expected["return_ratio"])
    assert payer.return_amount == Decimal(expected["return_amount"])
    assert payer.reward_ratio == Decimal(expected["reward_ratio"])
    assert payer.reward_amount == Decimal(expected["reward_amount"])
    assert payer.net == Decimal(expected["net"])
    assert {line.pollutant: line.amount for line in result.lines} == {
        k: Decimal(v) for k, v in expected["lines"].items()
    }
    cod = next(line for line in result.lines if line.pollutant == "COD")
    assert cod.explanation == (
        "昆山市 2018年度 化学需氧量 10,000 吨 × 2,000 元/吨（苏南，苏政发〔2019〕2号）= 20,000,000.00 元"
    )
    tp = next(line for line in result.lines if line.pollutant == "TP")
    assert tp.billing_quantity == 1200 and tp.billing_unit == "100kg"


@pytest.mark.parametrize(
    ("year", "payer", "pollutant", "billed"),
    [
        (2016, KUNSHAN, "TP", True),  # Taihu-basin payer: TP and TN billed from 2016
        (2016, XUZHOU, "TP", False),  # outside the basin: not in 2016 ...
        (2016, XUZHOU, "TN", False),
        (2017, XUZHOU, "TP", True),  # ... but from 2017 for all payers
        (2016, KUNSHAN, "VOCs", False),  # VOCs added in 2017
        (2017, KUNSHAN, "VOCs", True),
        (2018, KUNSHAN, "SO2", True),
        (2021, KUNSHAN, "SO2", False),  # SO2 dropped by 苏政发〔2022〕31号
        (2018, KUNSHAN, "PM", False),  # particulate matter billed from 2021 only
        (2021, KUNSHAN, "PM", True),
    ],
)
def test_each_version_bills_its_own_pollutants(
    book: TariffBook, year: int, payer: str, pollutant: str, billed: bool
) -> None:
    frame = ff.emissions([(year, payer, pollutant, "10", "t")])
    indicators = _all_indicators(book, year, payer)
    carbon = ff.carbon([(year, "320000", "0.5"), (year, payer, "0.5")])
    result = compute_fund(frame, year=year, book=book, indicators=indicators, carbon=carbon)
    assert result.rejected == ()
    assert (len(result.lines), len(result.excluded)) == ((1, 0) if billed else (0, 1))
    if not billed and pollutant in ("TP", "TN"):
        assert result.excluded[0].reason.endswith(
            "is billed only for Taihu-basin payers under 苏政发〔2016〕158号"
        )
    elif not billed:
        assert "is not billed under" in result.excluded[0].reason


def _all_indicators(book: TariffBook, year: int, payer: str):  # type: ignore[no-untyped-def]
    model = book.in_force("pollutant_fund", "江苏省", year=year).model
    assert isinstance(model, FundTable)
    tasks = model.return_rule.tasks.value if model.return_rule.tasks else {}
    codes = [f"reduction_{p}" for p in tasks] + list(model.reward_rule.indicators)
    return ff.indicators(met(year, payer, codes))


@pytest.mark.parametrize(("year", "rate"), [(2016, "15000.00"), (2018, "20000.00"), (2021, "50000.00")])
def test_tp_is_billed_per_100kg(book: TariffBook, year: int, rate: str) -> None:
    frame = ff.emissions([(year, KUNSHAN, "TP", "1", "t")])
    carbon = ff.carbon([(year, "320000", "0.5"), (year, KUNSHAN, "0.5")])
    result = compute_fund(
        frame, year=year, book=book, indicators=_all_indicators(book, year, KUNSHAN), carbon=carbon
    )
    assert result.lines[0].amount == Decimal(rate)  # 1 t = 10 x 100 kg x the 苏南 rate


@pytest.mark.parametrize(
    ("rows", "amount"),
    [
        ([("COD", "10000000", "kg")], "20000000.00"),
        ([("COD", "100000", "100kg")], "20000000.00"),
        ([("TP", "120000", "kg")], "2400000.00"),
        ([("TP", "1200", "100kg")], "2400000.00"),
        ([("NH3-N", "0.0004", "t")], "0.80"),
        ([("NH3-N", "0.0025", "t")], "5.00"),
        ([("NH3-N", "0.002", "kg")], "0.00"),  # 0.004 yuan rounds down
        ([("NH3-N", "0.0025", "kg")], "0.01"),  # 0.005 yuan rounds half away from zero
    ],
)
def test_unit_conversion_and_rounding(
    book: TariffBook, rows: list[tuple[str, str, str]], amount: str
) -> None:
    frame = ff.emissions([(2018, KUNSHAN, p, q, u) for p, q, u in rows])
    result = compute_fund(frame, year=2018, book=book, indicators=_all_indicators(book, 2018, KUNSHAN))
    assert result.fund == Decimal(amount)


def test_2021_coefficient_is_intensity_over_provincial_average(book: TariffBook) -> None:
    frame = ff.emissions([(2021, KUNSHAN, "COD", "1000", "t"), (2021, XUZHOU, "COD", "1", "t")])
    carbon = ff.carbon([(2021, "320000", "0.50"), (2021, KUNSHAN, "0.55"), (2021, XUZHOU, "0.40")])
    indicators = ff.indicators(met(2021, KUNSHAN, ALL_MET_2021) + met(2021, XUZHOU, ALL_MET_2021, False))
    result = compute_fund(frame, year=2021, book=book, indicators=indicators, carbon=carbon)
    kunshan, xuzhou = sorted(result.lines, key=lambda line: line.payer_code, reverse=True)
    assert kunshan.amount == Decimal("5000000.00")  # 1000 t x 5000: k applies to the total
    assert xuzhou.amount == Decimal("3750.00")  # 1 t x 3750 (苏北)
    payers = {p.payer_code: p for p in result.payers}
    assert payers[KUNSHAN].fund == Decimal("5500000.00")  # 5 000 000 x 0.55 / 0.5 = x 1.1
    assert "× 调节系数 0.55 ÷ 0.5 = 5,500,000.00 元" in payers[KUNSHAN].explanation
    assert payers[XUZHOU].fund == Decimal("3000.00")  # 3750 x 0.4 / 0.5 = x 0.8
    assert payers[KUNSHAN].reward_ratio == Decimal("0.50")  # 5 indicators x 10 %
    assert payers[XUZHOU].reward_ratio == 0
    assert payers[KUNSHAN].return_amount == 0  # no reduction-task return in 2022〕31号


def test_2021_coefficient_with_a_repeating_fraction_rounds_only_the_fund(book: TariffBook) -> None:
    frame = ff.emissions([(2021, KUNSHAN, "COD", "1", "t")])
    carbon = ff.carbon([(2021, "320000", "0.6"), (2021, KUNSHAN, "0.4")])
    result = compute_fund(
        frame, year=2021, book=book, indicators=ff.indicators(met(2021, KUNSHAN, ALL_MET_2021)), carbon=carbon
    )
    assert result.lines[0].amount == Decimal("5000.00")
    assert result.fund == Decimal("3333.33")  # 5000 x 2/3 = 3333.333...


def test_missing_carbon_data_rejects_the_payer_rows(book: TariffBook) -> None:
    frame = ff.emissions([(2021, KUNSHAN, "COD", "1", "t"), (2021, KUNSHAN, "TP", "1", "t")])
    result = compute_fund(
        frame, year=2021, book=book, indicators=ff.indicators(met(2021, KUNSHAN, ALL_MET_2021))
    )
    assert result.payers == () and result.lines == ()
    assert [(i.line, i.code) for i in result.rejected] == [(2, "missing_carbon"), (3, "missing_carbon")]
    assert "no CO2 intensity for 昆山市 in 2021" in result.rejected[0].message


def test_missing_indicator_is_a_problem_not_a_miss(book: TariffBook) -> None:
    frame = ff.emissions([(2018, KUNSHAN, "COD", "1", "t")])
    indicators = ff.indicators(met(2018, KUNSHAN, TASKS_2018 + ALL_MET_2018[:3]))
    result = compute_fund(frame, year=2018, book=book, indicators=indicators)
    assert result.payers == ()
    (issue,) = result.rejected
    assert issue.code == "missing_indicator"
    assert "water_function_zone (地表水功能区达标率)" in issue.message


def test_reduction_task_return_loses_five_points_per_missed_task(book: TariffBook) -> None:
    frame = ff.emissions([(2017, KUNSHAN, "COD", "1000", "t")])
    model = book.in_force("pollutant_fund", "江苏省", year=2017).model
    assert isinstance(model, FundTable)
    assert model.return_rule.tasks is not None
    tasks = [f"reduction_{p}" for p in model.return_rule.tasks.value]
    indicators = ff.indicators(met(2017, KUNSHAN, tasks[:2], False) + met(2017, KUNSHAN, tasks[2:]))
    result = compute_fund(frame, year=2017, book=book, indicators=indicators)
    assert result.payers[0].return_ratio == Decimal("0.30")  # 40 % - 2 x 5
    assert result.payers[0].return_amount == Decimal("450000.00")  # 1000 t x 1500 x 0.30
    assert result.payers[0].tasks_missed == ("化学需氧量减排任务", "氨氮减排任务")


def test_lianyungang_city_table_return_rule_and_floor(book: TariffBook) -> None:
    tariff = book.in_force("pollutant_fund", "连云港", year=2017)
    model = tariff.model
    assert isinstance(model, FundTable)
    frame = ff.emissions([(2017, LIANYUNGANG, "COD", "100", "t")])
    assert model.return_rule.tasks is not None
    tasks = [f"reduction_{p}" for p in model.return_rule.tasks.value]
    result = compute_fund(
        frame, year=2017, book=book, level="city", indicators=ff.indicators(met(2017, LIANYUNGANG, tasks))
    )
    payer = result.payers[0]
    assert payer.tariff_id == tariff.id
    assert payer.fund == Decimal("100000.00")  # 100 t x 1000 yuan/t (flat municipal rate)
    assert payer.return_ratio == Decimal("0.40")
    place = book.places.get(LIANYUNGANG)
    step = Value(value=Decimal("0.10"), unit="ratio", evidence="verified")
    floored = model.model_copy(
        update={"return_rule": model.return_rule.model_copy(update={"step_per_missed_task": step})}
    )
    all_missed = ff.indicators(met(2017, LIANYUNGANG, tasks, False))
    ratio = task_return(floored, tariff, place, 2017, all_missed, "indicators")
    assert not isinstance(ratio, str)
    assert ratio.value == 0  # 40 % - 7 x 10 points would be -30 %: floored at 0
    assert ratio.rule.endswith("，不低于 0% = 0%")


amount_text = st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False, allow_infinity=False)
POLLUTANTS_2018 = ["COD", "NH3-N", "SO2", "NOx", "TP", "TN", "VOCs"]


@settings(max_examples=40, deadline=None)
@given(
    quantities=st.lists(amount_text, min_size=7, max_size=7),
    extra=st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False),
    which=st.integers(0, 6),
    flags=st.lists(st.booleans(), min_size=11, max_size=11),
    order=st.randoms(),
)
def test_fund_properties(book, quantities, extra, which, flags, order) -> None:  # type: ignore[no-untyped-def]
    rows = [(2018, KUNSHAN, p, str(q), "t") for p, q in zip(POLLUTANTS_2018, quantities, strict=True)]
    codes = ALL_MET_2018 + TASKS_2018
    indicators = ff.indicators([(2018, KUNSHAN, c, f) for c, f in zip(codes, flags, strict=True)])
    base = compute_fund(ff.emissions(rows), year=2018, book=book, indicators=indicators)
    payer = base.payers[0]
    assert payer.return_amount >= 0 and payer.reward_amount >= 0
    assert payer.return_amount + payer.reward_amount <= payer.fund
    assert payer.return_amount + payer.reward_amount + payer.net == payer.fund
    assert payer.fund == sum((line.amount for line in base.lines), Decimal(0))
    more = list(rows)
    more[which] = (*rows[which][:3], str(Decimal(rows[which][3]) + extra), "t")
    assert compute_fund(ff.emissions(more), year=2018, book=book, indicators=indicators).fund >= base.fund
    shuffled = list(rows)
    order.shuffle(shuffled)
    again = compute_fund(ff.emissions(shuffled), year=2018, book=book, indicators=indicators)
    assert again.payers == base.payers
    zero = [(*r[:3], "0", "t") for r in rows]
    assert compute_fund(ff.emissions(zero), year=2018, book=book, indicators=indicators).fund == 0


def test_money_at_the_api_edge(book: TariffBook) -> None:
    from moneyed import Money

    frame = ff.emissions([(2018, KUNSHAN, "COD", "10000", "t")])
    indicators = ff.indicators(met(2018, KUNSHAN, ALL_MET_2018 + TASKS_2018))
    result = compute_fund(frame, year=2018, book=book, indicators=indicators)
    assert result.money() == {
        "fund": Money("20000000.00", "CNY"),
        "return": Money("8000000.00", "CNY"),  # every task met: 40 %
        "reward": Money("9000000.00", "CNY"),  # 15 + 10 + 10 + 10 = 45 %
        "net": Money("3000000.00", "CNY"),
    }
    assert result.payers[0].money()["net"] == Money("3000000.00", "CNY")
