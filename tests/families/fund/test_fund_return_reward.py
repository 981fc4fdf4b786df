"""Issue 11, fund points 7, 8, 9 and 13: the reduction-task return and the quality reward side
by side, the zero-rate reward of 2016-2017, the task list as table data, the CO2 coefficient on
the payer's total, the cap, and honest table status. Every expected figure is hand arithmetic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ecocomp.families.fund.compute import compute_fund
from ecocomp.families.fund.tables import FundTable
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.tariffs.book import TariffBook, shipped_tariffs_dir
from tests.builders import EX18, edited_table

from . import frames as ff

KUNSHAN = "320583"
FUND_2017 = "pollutant_fund/jiangsu-fund-2017.toml"
FUND_2018 = "pollutant_fund/jiangsu-fund-2018.toml"
FUND_2021 = "pollutant_fund/jiangsu-fund-2021.toml"
REWARDS_2018 = ["air_good_days", "pm25", "water_class_iii", "water_function_zone"]
TASKS_2018 = [f"reduction_{p}" for p in ("COD", "NH3-N", "SO2", "NOx", "TP", "TN", "VOCs")]
ALL_2021 = ["air_good_days", "pm25", "water_class_iii", "drinking_water", "co2_intensity_decline"]


def met(year: int, payer: str, codes: list[str], value: bool = True) -> list[tuple[int, str, str, bool]]:
    return [(year, payer, code, value) for code in codes]


def user_book(tmp_path: Path, name: str, *edits: tuple[str, str]) -> TariffBook:
    """The shipped tables plus one text-edited copy of `name` that replaces it."""
    edited_table(tmp_path / "tariffs", name, *edits)
    return TariffBook.load([tmp_path / "tariffs"], env={})


def fund_table(book: TariffBook, year: int) -> FundTable:
    model = book.in_force("pollutant_fund", "江苏省", year=year).model
    assert isinstance(model, FundTable)
    return model


# --- point 7: 2018-2020, the 158号 return continues beside the new quality reward --------------


def test_2018_return_and_reward_separately_to_the_fen_from_the_example(book: TariffBook) -> None:
    emissions = read_ledger("emissions", EX18 / "emissions.csv", places=book.places)
    indicators = read_ledger("indicators", EX18 / "indicators.csv", places=book.places)
    result = compute_fund(emissions.frame, year=2018, book=book, indicators=indicators.frame)
    payers = {p.payer: p for p in result.payers}
    # 张家港市, emissions.csv (t) x 2000 yuan (苏南), TP x 10 (billed per 100 kg):
    #   COD 12 480.3 -> 24 960 600; NH3-N 1 205.67 -> 2 411 340; TN 3 140.2 -> 6 280 400;
    #   TP 133.07 x 10 -> 2 661 400; SO2 24 600.4 -> 49 200 800; NOx 29 870.3 -> 59 740 600;
    #   VOCs 26 730.8 -> 53 461 600;  fund = 198 716 740.00
    # indicators.csv: SO2 and NOx tasks missed -> return 40 % - 2 x 5 % = 30 %
    #   = 198 716 740 x 0.30 = 59 615 022.00
    # quality: water class III and function zones met (10 % + 10 %), air days and PM2.5 missed
    #   = 198 716 740 x 0.20 = 39 743 348.00
    # net = 198 716 740 - 59 615 022 - 39 743 348 = 99 358 370.00
    zjg = payers["张家港市"]
    assert (zjg.fund, zjg.return_ratio, zjg.return_amount) == (
        Decimal("198716740.00"),
        Decimal("0.30"),
        Decimal("59615022.00"),
    )
    assert (zjg.reward_ratio, zjg.reward_amount, zjg.net) == (
        Decimal("0.20"),
        Decimal("39743348.00"),
        Decimal("99358370.00"),
    )
    assert zjg.tasks_missed == ("二氧化硫减排任务", "氮氧化物减排任务")
    assert zjg.indicators_missed == ("空气质量优良天数比率", "PM2.5年均浓度")
    # 昆山市: COD 15 320.9 -> 30 641 800; NH3-N 1 512.84 -> 3 025 680; TN 3 980.6 -> 7 961 200;
    #   TP 163.55 x 10 -> 3 271 000; SO2 9 870.2 -> 19 740 400; NOx 15 240.7 -> 30 481 400;
    #   VOCs 30 150.4 -> 60 300 800;  fund = 155 422 280.00
    # TN task missed -> 35 % = 54 397 798.00; air days + class III met -> 25 % = 38 855 570.00
    # net = 155 422 280 - 54 397 798 - 38 855 570 = 62 168 912.00
    ks = payers["昆山市"]
    assert (ks.fund, ks.return_amount, ks.reward_amount, ks.net) == (
        Decimal("155422280.00"),
        Decimal("54397798.00"),
        Decimal("38855570.00"),
        Decimal("62168912.00"),
    )
    assert "40% − 1 × 5% = 35%" in ks.return_basis and "未完成：总氮减排任务" in ks.return_basis
    assert "15% + 10% = 25%" in ks.reward_basis


def test_2018_table_is_provisional_and_names_the_alternative(book: TariffBook) -> None:
    tariff = book.in_force("pollutant_fund", "江苏省", year=2018)
    table = fund_table(book, 2018)
    assert tariff.header.status == "provisional"
    assert table.return_rule.kind.value == "reduction_tasks"
    assert table.return_rule.kind.evidence == "provisional"
    assert "ALTERNATIVE" in table.return_rule.kind.note and "kind = none" in table.return_rule.kind.note
    assert table.reward_rule.kind.value == "indicator_rewards"
    assert [v.value for v in table.reward_rule.indicators.values()] == [
        Decimal("0.15"),
        Decimal("0.10"),
        Decimal("0.10"),
        Decimal("0.10"),
    ]


def test_2018_alternative_reading_is_a_user_table(tmp_path: Path) -> None:
    """The other reading of 2019〕2号 (return dropped) needs no code: kind = none in a table."""
    text = (shipped_tariffs_dir() / FUND_2018).read_text("utf-8")
    start, end = text.index("[return_rule]"), text.index("[reward_rule]")
    edited = (
        text[:start]
        + '[return_rule]\nkind = { value = "none", evidence = "provisional", note = "dropped" }\n\n'
    )
    folder = tmp_path / "tariffs"
    folder.mkdir()
    (folder / "jiangsu-fund-2018.toml").write_text(edited + text[end:], "utf-8")
    book = TariffBook.load([folder], env={})
    frame = ff.emissions([(2018, KUNSHAN, "COD", "1000", "t")])
    result = compute_fund(
        frame, year=2018, book=book, indicators=ff.indicators(met(2018, KUNSHAN, REWARDS_2018))
    )
    (payer,) = result.payers
    # 1000 t x 2000 = 2 000 000; no return; reward 45 % = 900 000; net 1 100 000
    assert (payer.return_amount, payer.reward_amount, payer.net) == (
        Decimal("0.00"),
        Decimal("900000.00"),
        Decimal("1100000.00"),
    )


# --- point 8: 2016-2017, the quality reward exists, its shares were not found ------------------


@pytest.mark.parametrize("year", [2016, 2017])
def test_2016_2017_zero_rate_reward_rule_is_present_and_provisional(book: TariffBook, year: int) -> None:
    tariff = book.in_force("pollutant_fund", "江苏省", year=year)
    table = fund_table(book, year)
    assert tariff.header.status == "provisional"
    assert table.reward_rule.kind.value == "indicator_rewards"
    assert table.reward_rule.indicators, "the reward is an explicit rule, not left out"
    for key, share in table.reward_rule.indicators.items():
        assert share.value == 0 and share.evidence == "provisional", key
        assert "share not found" in share.note, key
    assert any("reward_rule.indicators" in k for k in tariff.provisional_values())
    frame = ff.emissions([(year, KUNSHAN, "COD", "1000", "t")])
    tasks = [f"reduction_{p}" for p in (table.return_rule.tasks.value if table.return_rule.tasks else {})]
    result = compute_fund(frame, year=year, book=book, indicators=ff.indicators(met(year, KUNSHAN, tasks)))
    (payer,) = result.payers  # zero-share indicators need no result in the ledger
    assert (payer.return_amount, payer.reward_amount) == (Decimal("600000.00"), Decimal("0.00"))
    assert "未考核（奖励比例为0）" in payer.reward_basis
    assert any(f"jiangsu-fund-{year}" in w and "provisional" in w for w in result.warnings)


def test_a_user_table_fills_in_the_2017_reward(tmp_path: Path) -> None:
    zero = '[reward_rule.indicators.pm25]\nvalue = 0\nunit = "ratio"\nevidence = "provisional"'
    filled = '[reward_rule.indicators.pm25]\nvalue = 0.10\nunit = "ratio"\nevidence = "provisional"'
    book = user_book(tmp_path, FUND_2017, (zero, filled))
    tasks = [f"reduction_{p}" for p in ("COD", "NH3-N", "SO2", "NOx", "TP", "TN", "VOCs")]
    frame = ff.emissions([(2017, KUNSHAN, "COD", "1000", "t")])
    result = compute_fund(
        frame, year=2017, book=book, indicators=ff.indicators(met(2017, KUNSHAN, [*tasks, "pm25"]))
    )
    (payer,) = result.payers
    # 1000 t x 1500 = 1 500 000; return 40 % = 600 000; reward 10 % = 150 000; net 750 000
    assert (payer.return_amount, payer.reward_amount, payer.net) == (
        Decimal("600000.00"),
        Decimal("150000.00"),
        Decimal("750000.00"),
    )


# --- point 9: the task list is table data ------------------------------------------------------


def test_task_list_is_read_from_the_table(book: TariffBook, tmp_path: Path) -> None:
    table = fund_table(book, 2018)
    assert table.return_rule.tasks is not None
    assert table.return_rule.tasks.evidence == "inferred" and "tasks = the billed pollutants" in (
        table.return_rule.tasks.note
    )
    frame = ff.emissions([(2018, KUNSHAN, "COD", "1000", "t")])
    missed = ["reduction_SO2", "reduction_NOx"]
    rows = met(2018, KUNSHAN, REWARDS_2018) + met(2018, KUNSHAN, TASKS_2018[:2] + TASKS_2018[4:])
    indicators = ff.indicators(rows + met(2018, KUNSHAN, missed, False))
    shipped = compute_fund(frame, year=2018, book=book, indicators=indicators).payers[0]
    assert shipped.return_ratio == Decimal("0.30")  # 7 tasks, SO2 and NOx missed: 40 - 2 x 5
    shipped_tasks = (
        'tasks = { value = { COD = "all", "NH3-N" = "all", SO2 = "all", NOx = "all", TP = "all", '
        'TN = "all", VOCs = "all" }'
    )
    assert shipped_tasks in (shipped_tariffs_dir() / FUND_2018).read_text("utf-8")
    user = user_book(
        tmp_path,
        FUND_2018,
        (shipped_tasks, 'tasks = { value = { COD = "all", "NH3-N" = "all", SO2 = "all" }'),
    )
    mine = compute_fund(frame, year=2018, book=user, indicators=indicators).payers[0]
    # the user's 3 tasks: only SO2 missed -> 40 % - 5 % = 35 % of 2 000 000 = 700 000
    assert (mine.return_ratio, mine.return_amount) == (Decimal("0.35"), Decimal("700000.00"))
    assert mine.tasks_met == ("化学需氧量减排任务", "氨氮减排任务")


def test_2016_taihu_only_tasks_count_only_for_basin_payers(book: TariffBook) -> None:
    xuzhou = "320300"  # outside the Taihu basin
    frame = ff.emissions([(2016, xuzhou, "COD", "1000", "t")])
    tasks = [f"reduction_{p}" for p in ("COD", "NH3-N", "SO2", "NOx")]
    result = compute_fund(frame, year=2016, book=book, indicators=ff.indicators(met(2016, xuzhou, tasks)))
    (payer,) = result.payers  # no TP or TN task result needed: tasks.value marks them "taihu"
    assert payer.return_ratio == Decimal("0.40")  # 1000 t x 1000 (苏北) x 40 % = 400 000
    assert payer.return_amount == Decimal("400000.00")


# --- point 9: the CO2 coefficient applies to the payer's total ---------------------------------


def _two_lines_at_two_thirds(book: TariffBook) -> tuple[Decimal, Decimal]:
    # k = 0.4 / 0.6 = 2/3; COD 1 t and NH3-N 1 t, 5000 yuan each (苏南)
    frame = ff.emissions([(2021, KUNSHAN, "COD", "1", "t"), (2021, KUNSHAN, "NH3-N", "1", "t")])
    carbon = ff.carbon([(2021, "320000", "0.6"), (2021, KUNSHAN, "0.4")])
    result = compute_fund(
        frame, year=2021, book=book, indicators=ff.indicators(met(2021, KUNSHAN, ALL_2021)), carbon=carbon
    )
    return result.payers[0].fund, sum((line.amount for line in result.lines), Decimal(0))


def test_co2_coefficient_on_the_total_not_per_line(book: TariffBook, tmp_path: Path) -> None:
    table = fund_table(book, 2021)
    assert table.adjustment.applies_to is not None and table.adjustment.applies_to.value == "payer_total"
    assert table.adjustment.coefficient_rounding is not None
    assert table.adjustment.coefficient_rounding.value == "exact"
    fund, lines = _two_lines_at_two_thirds(book)
    # on the total: (5000 + 5000) x 2/3 = 6666.666... -> 6666.67; the lines stay 5000 + 5000
    assert (fund, lines) == (Decimal("6666.67"), Decimal("10000.00"))
    per_line = user_book(
        tmp_path,
        FUND_2021,
        ('applies_to = { value = "payer_total"', 'applies_to = { value = "line"'),
    )
    fund, lines = _two_lines_at_two_thirds(per_line)
    # per line: 5000 x 2/3 = 3333.333... -> 3333.33 twice = 6666.66, one fen less
    assert (fund, lines) == (Decimal("6666.66"), Decimal("6666.66"))


def test_coefficient_rounding_is_table_data(tmp_path: Path) -> None:
    book = user_book(
        tmp_path,
        FUND_2021,
        ('coefficient_rounding = { value = "exact"', "coefficient_rounding = { value = 2"),
    )
    fund, _ = _two_lines_at_two_thirds(book)
    assert fund == Decimal("6700.00")  # k = 0.666... rounded to 0.67; 10 000 x 0.67


# --- the cap: return + reward never exceed the fund --------------------------------------------


def test_cap_cuts_the_reward_first(tmp_path: Path) -> None:
    cap = '[cap]\nvalue = 1\nunit = "ratio"\nevidence = "inferred"'
    book = user_book(tmp_path, FUND_2018, (cap, '[cap]\nvalue = 0.50\nunit = "ratio"\nevidence = "inferred"'))
    frame = ff.emissions([(2018, KUNSHAN, "COD", "1000", "t")])
    indicators = ff.indicators(met(2018, KUNSHAN, REWARDS_2018 + TASKS_2018))
    (payer,) = compute_fund(frame, year=2018, book=book, indicators=indicators).payers
    # fund 2 000 000; return 40 % = 800 000; reward 45 % = 900 000 but the cap is 50 % = 1 000 000,
    # so the reward is cut to 1 000 000 - 800 000 = 200 000; net 1 000 000
    assert (payer.return_amount, payer.reward_amount, payer.net) == (
        Decimal("800000.00"),
        Decimal("200000.00"),
        Decimal("1000000.00"),
    )
    assert "奖励由 900,000.00 元减为 200,000.00 元" in payer.reward_basis


def test_cap_when_both_halves_round_up(tmp_path: Path) -> None:
    """Two halves of one fen both round up; together they may not exceed the fund."""
    book = user_book(
        tmp_path,
        FUND_2018,
        ("[return_rule.base]\nvalue = 0.40", "[return_rule.base]\nvalue = 0.50"),
        (
            "[reward_rule.indicators.air_good_days]\nvalue = 0.15",
            "[reward_rule.indicators.air_good_days]\nvalue = 0.50",
        ),
    )
    frame = ff.emissions([(2018, KUNSHAN, "COD", "0.0025", "kg")])  # 0.0000025 t x 2000 = 0.005 -> 0.01
    indicators = ff.indicators(
        met(2018, KUNSHAN, ["air_good_days", *TASKS_2018]) + met(2018, KUNSHAN, REWARDS_2018[1:], False)
    )
    (payer,) = compute_fund(frame, year=2018, book=book, indicators=indicators).payers
    # fund 0.01; return 50 % = 0.005 -> 0.01; reward 50 % = 0.005 -> 0.01, but 0.01 + 0.01 > 0.01:
    # the reward is cut to round(0.01 x 1) - 0.01 = 0.00; net 0.00
    assert (payer.fund, payer.return_amount, payer.reward_amount, payer.net) == (
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("0.00"),
    )


# --- point 13 and status honesty ---------------------------------------------------------------


def test_every_fund_rule_carries_an_evidence_tag(book: TariffBook) -> None:
    for tariff in book.tariffs:
        if tariff.family != "pollutant_fund":
            continue
        table = tariff.model
        assert isinstance(table, FundTable)
        for code, spec in table.pollutants.items():
            assert spec.billing_unit.evidence and spec.scope.evidence, (tariff.id, code)
        for rule in (table.adjustment.kind, table.return_rule.kind, table.reward_rule.kind):
            assert rule.evidence in ("verified", "translated", "inferred", "provisional"), tariff.id
        if table.return_rule.kind.value == "reduction_tasks":
            assert table.return_rule.tasks is not None and table.return_rule.tasks.evidence, tariff.id
        # a table that holds an inferred or provisional rule says so
        if tariff.uncertain_rules() or tariff.provisional_values():
            assert tariff.header.status == "provisional", tariff.id


def test_a_settled_claim_over_an_uncertain_rule_is_refused(tmp_path: Path) -> None:
    edited_table(tmp_path / "tariffs", FUND_2018, ('status = "provisional"', 'status = "settled"'))
    _, findings = TariffBook.check([tmp_path / "tariffs"], env={})
    mine = [f for f in findings if f.file.endswith("jiangsu-fund-2018.toml")]
    # the provisional return reading, and the inferred task list: two reasons, each named
    assert [(f.key, f.code) for f in mine] == [
        ("return_rule.kind.evidence", "status"),
        ("return_rule.tasks.evidence", "status"),
    ]
    assert "(return_rule.tasks)" in mine[1].message


def test_a_task_that_is_not_a_billed_pollutant_is_refused(tmp_path: Path) -> None:
    edited_table(tmp_path / "tariffs", FUND_2018, ('VOCs = "all" }', 'VOCs = "all", PM = "all" }'))
    _, findings = TariffBook.check([tmp_path / "tariffs"], env={})
    assert [(f.key, f.code, f.message) for f in findings if f.file.endswith("jiangsu-fund-2018.toml")] == [
        ("return_rule.tasks", "unknown_task", "task(s) PM name pollutants this table does not bill")
    ]
