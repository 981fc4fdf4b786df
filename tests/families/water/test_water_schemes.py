"""Issue 11, point 4: two schemes, two levels. A section of the provincial scheme (the default:
cross-city, provincial-border, 入江入湖) is priced by the province's table and its money passes
through the province; a section of a city's own scheme (考核层级 市: Suzhou's sections between its
own districts, S54) is priced by that city's table and its money passes through the city."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ecocomp.codes import PROVINCE
from ecocomp.errors import LedgerValidationError
from ecocomp.families.water.compute import DistrictTotal, WaterLine, WaterResult
from ecocomp.families.water.family import WATER, WaterRun, run_water
from ecocomp.families.water.report import water_report
from ecocomp.tariffs.book import TariffBook
from tests.builders import EX18, month, user_tables

from . import frames as wf
from .frames import WUJIANG, WUZHONG, example_run, full

SUZHOU = "320500"
S2017 = "water_compensation/suzhou-water-2017.toml"
T2017 = "water_compensation/jiangsu-water-2017.toml"
HEADER = "断面编号,断面名称,水体类型,流域,目标水质,上游,下游,考核层级\n"
# CODMn 1 mg/L worse than the class III river target 6: 1 x 1000 / 100 = 10 t x 18 750 = 187 500
FAILING = {"CODMn": "7", "NH3-N": "1", "TP": "0.2"}


def _run(tmp_path: Path, book: TariffBook, sections: str, months: dict[str, dict[str, str]]) -> WaterRun:
    """Run the ledgers written as CSV (sections rows after HEADER; per section the 2018-06 values)."""
    path = tmp_path / "sections.csv"
    path.write_text(HEADER + sections, "utf-8")
    monitoring = tmp_path / "monitoring.csv"
    rows = "".join(f"{s},2018-06,{f},{v},1000\n" for s, values in months.items() for f, v in values.items())
    monitoring.write_text("断面编号,月份,因子,浓度(mg/L),水量(万立方米)\n" + rows, "utf-8")
    return run_water(path, monitoring, start=month("2018-06"), end=month("2018-06"), book=book)


def _table(run: WaterRun, key: str) -> list[dict[str, object]]:
    return next(t for t in water_report(run).tables if t.key == key).rows


def _codmn(result: WaterResult, section: str) -> WaterLine:
    return next(x for x in result.lines if x.section == section and x.factor == "CODMn")


def test_a_city_section_is_priced_by_the_suzhou_table_and_passes_through_suzhou(
    tmp_path: Path, book: TariffBook
) -> None:
    run = _run(
        tmp_path,
        book,
        "C1,市级断面,河流,太湖,III,吴中区,吴江区,市\nP1,跨市断面,河流,太湖,III,无锡市,吴江区,省\n",
        {"C1": FAILING, "P1": FAILING},
    )
    city, provincial = _codmn(run.result, "C1"), _codmn(run.result, "P1")
    assert (city.tariff_id, city.via, city.via_code) == ("suzhou-water-2017", "苏州市", SUZHOU)
    assert (city.payer_code, city.receiver_code, city.amount) == (WUZHONG, WUJIANG, Decimal("187500.00"))
    assert "苏州市水环境区域补偿方案" in city.explanation
    assert city.explanation.endswith("上游 吴中区 经苏州市财政 付 下游 吴江区")
    assert (provincial.tariff_id, provincial.via, provincial.via_code) == (
        "jiangsu-water-2017",
        "江苏省",
        PROVINCE,
    )
    assert provincial.explanation.endswith("上游 无锡市 经省财政 付 下游 吴江区")
    rows = {(r["section"], r["factor"]): r for r in _table(run, "lines")}
    assert (rows["C1", "CODMn"]["via"], rows["C1", "CODMn"]["via_code"]) == ("苏州市", SUZHOU)
    control = {r["item"]: r["amount"] for r in _table(run, "control")}
    assert control == {
        "地区付款合计（付至省、市财政）": Decimal("375000.00"),
        "地区收款合计（省、市财政拨付）": Decimal("375000.00"),
        "省财政收到（留存份额、无省内下游断面）": Decimal("0.00"),
        "省财政支付（省付或无省内下游断面的达标补偿）": Decimal("0.00"),
        "省财政结余": Decimal("0.00"),
        "苏州市财政收到（留存份额、无市内下游断面）": Decimal("0.00"),
        "苏州市财政支付（市付或无市内下游断面的达标补偿）": Decimal("0.00"),
        "苏州市财政结余": Decimal("0.00"),
        "省、市财政结余合计（地区付款 − 地区收款）": Decimal("0.00"),
    }
    assert {t.id for t in run.result.tariffs} >= {"suzhou-water-2017", "jiangsu-water-2017"}


@pytest.mark.parametrize("spelling", ["市", "市级", "city"])
def test_the_scheme_column_accepts_its_spellings(tmp_path: Path, book: TariffBook, spelling: str) -> None:
    run = _run(tmp_path, book, f"C1,市级断面,河流,太湖,III,吴中区,吴江区,{spelling}\n", {"C1": FAILING})
    assert {x.tariff_id for x in run.result.lines} == {"suzhou-water-2017"}


def test_a_city_section_whose_districts_are_in_two_cities_is_rejected(
    tmp_path: Path, book: TariffBook
) -> None:
    with pytest.raises(LedgerValidationError) as caught:
        _run(tmp_path, book, "C1,望虞河,河流,太湖,III,无锡市,常熟市,市\n", {"C1": FAILING})
    [issue] = caught.value.issues
    assert (issue.source, issue.line, issue.column, issue.code) == (
        "sections.csv",
        2,
        "考核层级",  # the header the ledger wrote, not the internal name (issue 14)
        "not_one_city",
    )
    assert (
        "upstream 无锡市 (in 无锡市) and downstream 常熟市 (in 苏州市) are not in one city" in issue.message
    )
    assert "mark it 省" in issue.message


def test_a_city_section_without_a_city_table_in_force_is_rejected_never_priced_by_the_province(
    book: TariffBook,
) -> None:
    # 2016: the provincial 2014 table is in force, no Suzhou table is (suzhou-water-2017 starts 2017)
    frame = wf.sections([wf.section("C1"), wf.section("P1")], schemes={"C1": "city"})
    rows = [r for s in ("C1", "P1") for m in ("2016-11", "2016-12") for r in full(s, m, FAILING)]
    result = wf.compute(book, frame, rows, "2016-11", "2016-12")
    [issue] = result.rejected
    assert (issue.source, issue.line, issue.column, issue.code) == ("sections", 2, "scheme", "no_city_table")
    assert "no water_compensation table of 苏州市 is in force for 2016-11..2016-12" in issue.message
    assert "suzhou-water-2017" in issue.message and "never priced by the provincial table" in issue.message
    assert {x.section for x in result.lines} == {"P1"}  # the provincial section is computed as usual
    assert {x.tariff_id for x in result.lines} == {"jiangsu-water-2014"}
    assert len(result.excluded) == 6 and all("rejected for 2016-1" in x.reason for x in result.excluded)


def test_without_the_column_every_section_is_provincial_as_before(tmp_path: Path, book: TariffBook) -> None:
    text = (EX18 / "sections.csv").read_text("utf-8-sig").splitlines()
    plain = tmp_path / "sections.csv"  # the example without its 考核层级 column
    plain.write_text("\n".join(line.rsplit(",", 1)[0] for line in text) + "\n", "utf-8")
    run = run_water(
        plain,
        EX18 / "monitoring.csv",
        shares=EX18 / "section_shares.csv",
        start=month("2018-01"),
        end=month("2018-12"),
        book=book,
    )
    result = run.result
    assert {x.via_code for x in result.lines if x.direction != "none"} == {PROVINCE}
    assert {x.tariff_id for x in result.lines} == {"jiangsu-water-2017"}
    assert result.city_treasuries == () and result.cities == ()
    # the figures of the example before the schemes (README-water.md)
    assert (result.paid, result.received, result.kept) == (
        Decimal("123201661.92"),
        Decimal("121962306.92"),
        Decimal("1239355.00"),
    )
    control = {r["item"]: r["amount"] for r in _table(run, "control")}
    assert control["省财政结余（地区付款 − 地区收款）"] == Decimal("1239355.00")
    # the example's internal sections under the Suzhou table copy its figures: the same money
    shipped = example_run(book).result

    def money(districts: tuple[DistrictTotal, ...]) -> list[tuple[object, ...]]:
        return [(d.district, d.district_code, d.paid, d.received, d.net) for d in districts]

    assert money(shipped.districts) == money(result.districts)  # the tables (their bases) differ
    assert shipped.city_treasuries == ((SUZHOU, "苏州市"),)
    assert {x.section for x in shipped.lines if x.tariff_id == "jiangsu-water-2017"} == {
        "SZ01",
        "SZ02",
        "SZ06",
    }


def test_money_balances_with_the_province_and_the_city_as_parties(tmp_path: Path) -> None:
    # the city keeps 10 % of each city-scheme payment; a provincial section pays the province
    book = user_tables(
        tmp_path,
        (
            S2017,
            'share = { value = 0, unit = "ratio", evidence = "provisional"',
            'share = { value = 0.1, unit = "ratio", evidence = "provisional"',
        ),
    )
    sections = "C1,市级断面,河流,太湖,III,吴中区,吴江区,市\nC2,入城断面,河流,太湖,III,吴中区,苏州市,市\n"
    sections += "P1,出省断面,河流,太湖,III,昆山市,江苏省,\n"
    run = _run(tmp_path, book, sections, {"C1": FAILING, "C2": FAILING, "P1": FAILING})  # reconciles
    result = run.result
    c1, c2, p1 = (_codmn(result, s) for s in ("C1", "C2", "P1"))
    assert (c1.amount, c1.kept) == (Decimal("187500.00"), Decimal("18750.00"))
    assert "其中市级留存 18,750.00 元" in c1.explanation
    assert c2.receiver_code == SUZHOU and c2.kept == 0
    assert "上游 吴中区 付 苏州市财政（断面无市内下游地区）" in c2.explanation
    assert p1.receiver_code == PROVINCE
    by_code = {d.district_code: d for d in result.districts}
    assert by_code[WUJIANG].received == Decimal("168750.00")
    assert by_code[SUZHOU].net == Decimal("18750.00") + Decimal("187500.00")
    assert by_code[PROVINCE].net == Decimal("187500.00")
    assert result.paid == Decimal("562500.00") and result.received == Decimal("168750.00")
    assert (
        result.paid
        == result.received + by_code[PROVINCE].net + by_code[SUZHOU].net
        == (result.received + result.kept)
    )
    assert sum((d.net for d in result.districts), Decimal(0)) == 0
    control = {r["item"]: r["amount"] for r in _table(run, "control")}
    assert control["省财政结余"] == Decimal("187500.00")
    assert control["苏州市财政收到（留存份额、无市内下游断面）"] == Decimal("206250.00")
    assert control["苏州市财政结余"] == Decimal("206250.00")
    assert control["省、市财政结余合计（地区付款 − 地区收款）"] == Decimal("393750.00")
    places = {p.code: p.figures for p in WATER.by_place(run)}
    assert places[SUZHOU]["water_net"] == Decimal("206250.00")


def test_the_city_pays_the_reverse_amount_when_its_table_says_so(tmp_path: Path) -> None:
    book = user_tables(tmp_path, (S2017, 'payer = { value = "downstream"', 'payer = { value = "province"'))
    passing = {"CODMn": "5", "NH3-N": "1", "TP": "0.2"}  # CODMn 1 mg/L better: 10 t x 1 875
    run = _run(tmp_path, book, "C1,市级断面,河流,太湖,III,吴中区,吴江区,市\n", {"C1": passing})
    codmn = _codmn(run.result, "C1")
    assert (codmn.payer_code, codmn.receiver_code, codmn.amount) == (SUZHOU, WUZHONG, Decimal("18750.00"))
    assert "苏州市财政 付 上游 吴中区" in codmn.explanation
    assert {r["direction"] for r in _table(run, "lines") if r["factor"] == "CODMn"} == {"市付上游"}
    assert run.result.cities[0].net == Decimal("-18750.00") == run.result.kept


def test_the_suzhou_table_is_its_own_jurisdiction_and_passes_the_plan_checks(book: TariffBook) -> None:
    _, findings = TariffBook.check(env={})
    assert findings == []
    [suzhou] = book.versions("water_compensation", "苏州市")
    assert (suzhou.id, suzhou.header.status) == ("suzhou-water-2017", "provisional")
    assert (suzhou.start, suzhou.end) == (
        book.get("jiangsu-water-2017").start,
        book.get("jiangsu-water-2017").end,
    )
    assert "jiangsu-water-2017" in suzhou.header.note and "S54" in suzhou.header.source
    assert [t.id for t in book.versions("water_compensation", "江苏省")] == [
        "jiangsu-water-pilot",
        "jiangsu-water-2014",
        "jiangsu-water-2017",
        "jiangsu-water-2021",
    ]
    assert book.versions("water_compensation", "无锡市") == []
