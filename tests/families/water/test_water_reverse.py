"""Issue 11: compliance per section and month, the reverse direction's own standard, the province
as a party (payer, receiver, its share and balance), the 2021 bands' tags, the TN requirement,
the pilot's tags and the evidence tag of every legal parameter of the water tables."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from ecocomp.codes import PROVINCE
from ecocomp.errors import TariffCheckError
from ecocomp.families.water.family import run_water
from ecocomp.families.water.tables import WaterCompensationTable
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.models import Rule, Value
from tests.builders import edited_table, month, shipped_tariffs_dir, user_tables

from .frames import WUJIANG, WUZHONG, compute, example_run, full, section

T2017 = "water_compensation/jiangsu-water-2017.toml"
COMPLIANT = {"CODMn": "5", "NH3-N": "1", "TP": "0.2"}  # CODMn 1 mg/L better, the others on target


def _water_tables(book: TariffBook) -> list[Tariff]:
    return [t for t in book.tariffs if isinstance(t.model, WaterCompensationTable)]


# --- 1. compliance per section and month ------------------------------------------------------


def test_a_section_month_failing_one_factor_pays_it_and_earns_nothing(book: TariffBook) -> None:
    rows = full("S1", "2018-06", {"CODMn": "5", "NH3-N": "1.2", "TP": "0.1"})
    result = compute(book, [section()], rows, "2018-06")
    lines = {x.factor: x for x in result.lines}
    assert lines["NH3-N"].direction == "upstream_pays"
    assert lines["NH3-N"].amount == Decimal("250000.00")  # 0.2 x 1000 / 100 = 2 t x 125 000
    for factor in ("CODMn", "TP"):  # better than target, but the section failed NH3-N
        assert (lines[factor].direction, lines[factor].amount) == ("none", 0)
        assert "断面当月氨氮超标，断面未达标，不发生达标补偿" in lines[factor].explanation
    assert result.paid == result.received == Decimal("250000.00")


def test_a_factor_that_cannot_be_computed_blocks_the_reverse_payment(book: TariffBook) -> None:
    rows = full("S1", "2018-06", {"CODMn": "5", "NH3-N": "0.5"})  # TP missing
    result = compute(book, [section()], rows, "2018-06")
    assert [i.code for i in result.rejected] == ["missing_data"]
    assert all(x.direction == "none" for x in result.lines)
    assert "不判定断面达标" in result.lines[0].explanation


def test_no_section_month_of_the_example_both_pays_and_receives(book: TariffBook) -> None:
    run = example_run(book)
    directions: dict[tuple[str, object], set[str]] = defaultdict(set)
    for line in run.result.lines:
        if line.direction != "none":
            directions[line.section, line.month].add(line.direction)
    assert directions and all(len(d) == 1 for d in directions.values())
    assert {d for ds in directions.values() for d in ds} == {"upstream_pays", "downstream_pays"}


# --- 2. the reverse direction has its own standard --------------------------------------------


def test_the_reverse_payment_uses_the_tables_reverse_standard(book: TariffBook) -> None:
    result = compute(book, [section()], full("S1", "2018-06", COMPLIANT), "2018-06")
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert codmn.direction == "downstream_pays"
    assert (codmn.payer_code, codmn.receiver_code) == (WUJIANG, WUZHONG)
    # (6 - 5) x 1000 / 100 = 10 t x 1 875 (reverse standard), not x 18 750 (forward standard)
    assert (codmn.standard, codmn.amount) == (Decimal(1875), Decimal("18750.00"))
    assert "达标补偿标准" in codmn.explanation
    assert "断面当月全部因子达标，下游 吴江区 经省财政 付 上游 吴中区" in codmn.explanation
    on_target = [x for x in result.lines if x.factor != "CODMn"]
    assert [(x.direction, x.amount) for x in on_target] == [("none", 0), ("none", 0)]


def test_a_reverse_rule_without_its_own_standards_is_refused(tmp_path: Path) -> None:
    text = (shipped_tariffs_dir() / T2017).read_text("utf-8")
    start, end = text.index("[reverse.standards.taihu]"), text.index("[province]")
    folder = tmp_path / "tariffs"
    edited_table(folder, T2017, (text[start:end], ""))
    with pytest.raises((TariffCheckError, ValidationError)) as caught:
        TariffBook.load([folder], env={})
    assert "reverse rule 'load' needs reverse.payer and [reverse.standards.<basin>]" in str(caught.value)


def test_shipped_reverse_standards_are_provisional_and_below_the_forward_ones(book: TariffBook) -> None:
    for tariff in _water_tables(book):
        model = tariff.model
        assert isinstance(model, WaterCompensationTable)
        for basin, by_factor in model.reverse.standards.items():
            for factor, value in by_factor.items():
                assert value.evidence == "provisional", (tariff.id, basin, factor)
                assert value.value < model.standards[basin][factor].value, (tariff.id, basin, factor)
    t2014 = next(t for t in _water_tables(book) if t.id == "jiangsu-water-2014")
    t2017 = next(t for t in _water_tables(book) if t.id == "jiangsu-water-2017")
    assert "好于水质目标值部分和省规定的补偿标准" in t2014.header.note
    assert "由省或下游地区" in t2017.header.note and "2.97" in t2017.header.note


# --- 3. the province is a party ----------------------------------------------------------------


def _run(tmp_path: Path, downstream: str, book: TariffBook, rows: str) -> object:
    sections = tmp_path / "sections.csv"
    sections.write_text(
        f"断面编号,断面名称,水体类型,流域,目标水质,上游,下游\nS1,入江断面,河流,太湖,III,吴中区,{downstream}\n",
        "utf-8",
    )
    monitoring = tmp_path / "monitoring.csv"
    monitoring.write_text("断面编号,月份,因子,浓度(mg/L),水量(万立方米)\n" + rows, "utf-8")
    return run_water(sections, monitoring, start=month("2018-06"), end=month("2018-06"), book=book)


FAILING = "S1,2018-06,高锰酸盐指数,7,1000\nS1,2018-06,氨氮,1,1000\nS1,2018-06,总磷,0.2,1000\n"
PASSING = "S1,2018-06,高锰酸盐指数,5,1000\nS1,2018-06,氨氮,1,1000\nS1,2018-06,总磷,0.2,1000\n"


def test_a_section_without_downstream_district_pays_the_province(tmp_path: Path, book: TariffBook) -> None:
    run = _run(tmp_path, "江苏省", book, FAILING)
    result = run.result  # type: ignore[attr-defined]
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert (codmn.payer_code, codmn.receiver_code, codmn.amount) == (WUZHONG, PROVINCE, Decimal("187500.00"))
    assert "上游 吴中区 付 省财政（断面无省内下游地区）" in codmn.explanation
    assert result.province is not None and result.province.net == Decimal("187500.00")
    assert (result.paid, result.received, result.kept) == (Decimal("187500.00"), 0, Decimal("187500.00"))
    control = {r["item"]: r["amount"] for r in _control(run)}
    assert control["省财政结余（地区付款 − 地区收款）"] == Decimal("187500.00")
    places = {p.code: p.figures for p in _by_place(run)}
    assert places[PROVINCE]["water_net"] == Decimal("187500.00")


def test_the_province_pays_the_reverse_amount_when_the_table_says_so(tmp_path: Path) -> None:
    book = user_tables(
        tmp_path,
        (T2017, 'payer = { value = "downstream"', 'payer = { value = "province"'),
    )
    run = _run(tmp_path, "吴江区", book, PASSING)
    result = run.result  # type: ignore[attr-defined]
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert (codmn.payer_code, codmn.receiver_code, codmn.amount) == (PROVINCE, WUZHONG, Decimal("18750.00"))
    assert "省财政 付 上游 吴中区" in codmn.explanation
    assert result.province.paid == Decimal("18750.00") and result.kept == Decimal("-18750.00")
    assert WUJIANG not in {d.district_code for d in result.districts}  # the downstream pays nothing
    assert {r["direction"] for r in _lines(run) if r["factor"] == "CODMn"} == {"省付上游"}


def test_the_province_keeps_its_share_and_the_money_balances(tmp_path: Path) -> None:
    book = user_tables(
        tmp_path,
        (
            T2017,
            'share = { value = 0, unit = "ratio", evidence = "inferred"',
            'share = { value = 0.1, unit = "ratio", evidence = "inferred"',
        ),
    )
    run = _run(tmp_path, "吴江区", book, FAILING)  # reconcile ran inside run_water
    result = run.result  # type: ignore[attr-defined]
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert (codmn.amount, codmn.kept) == (Decimal("187500.00"), Decimal("18750.00"))
    assert "其中省级留存 18,750.00 元" in codmn.explanation
    by_code = {d.district_code: d for d in result.districts}
    assert by_code[WUJIANG].received == Decimal("168750.00")
    assert by_code[PROVINCE].received == result.kept == Decimal("18750.00")
    assert result.paid == result.received + result.kept
    assert sum((d.net for d in result.districts), Decimal(0)) == 0


def _report(run: object) -> object:
    from ecocomp.families.water.report import water_report

    return water_report(run)  # type: ignore[arg-type]


def _table(run: object, key: str) -> list[dict[str, object]]:
    return next(t for t in _report(run).tables if t.key == key).rows  # type: ignore[attr-defined]


def _control(run: object) -> list[dict[str, object]]:
    return _table(run, "control")


def _lines(run: object) -> list[dict[str, object]]:
    return _table(run, "lines")


def _by_place(run: object) -> list[object]:
    from ecocomp.families.water.family import WATER

    return list(WATER.by_place(run))  # type: ignore[arg-type]


# --- 5. the 2021 bands and the TN requirement --------------------------------------------------


def test_2021_taihu_tp_doubling_is_inferred_and_the_bands_provisional(book: TariffBook) -> None:
    table = next(t for t in _water_tables(book) if t.id == "jiangsu-water-2021").model
    assert isinstance(table, WaterCompensationTable)
    assert {b.amount.evidence for b in table.bands["taihu"]["TP"]} == {"inferred"}
    assert table.band_amount is not None and table.band_amount.evidence == "provisional"
    for basin in table.bands.values():
        for bands in basin.values():
            assert {b.above.evidence for b in bands} == {"provisional"}


def test_a_2021_table_without_tn_for_taihu_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TariffCheckError) as caught:
        user_tables(
            tmp_path,
            (
                "water_compensation/jiangsu-water-2021.toml",
                'taihu = { value = ["CODMn", "NH3-N", "TP", "TN"]',
                'taihu = { value = ["CODMn", "NH3-N", "TP"]',
            ),
        )
    (finding,) = [f for f in caught.value.findings if f.code == "taihu_factors"]
    assert finding.key == "factors.taihu.value" and "do not assess TN" in finding.message


# --- 6 and 13. evidence tags -------------------------------------------------------------------


def test_the_pilot_standards_are_not_verified(book: TariffBook) -> None:
    pilot = next(t for t in _water_tables(book) if t.id == "jiangsu-water-pilot")
    values = [v for v in pilot.values().values() if isinstance(v, Value | Rule)]
    assert values and "verified" not in {v.evidence for v in values}
    assert pilot.header.status == "provisional"


def test_every_legal_parameter_of_the_water_tables_carries_a_tag(book: TariffBook) -> None:
    for tariff in _water_tables(book):
        model = tariff.model
        assert isinstance(model, WaterCompensationTable)
        rules = [model.method, model.missing_data, model.reverse.rule, *model.factors.values()]
        if model.band_amount is not None:
            rules.append(model.band_amount)
        if model.reverse.payer is not None:
            rules.append(model.reverse.payer)
        assert all(isinstance(r, Rule) for r in rules), tariff.id
        assert isinstance(model.province.share, Value), tariff.id
        for rule in rules:
            assert rule.evidence == "verified" or rule.note.strip(), tariff.id
