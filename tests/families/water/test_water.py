"""Water-environment regional compensation: worked examples, targets, versions and directions."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from ecocomp.errors import TariffLookupError
from ecocomp.families.water.compute import compute_water
from ecocomp.families.water.family import run_water
from ecocomp.tariffs.book import TariffBook
from tests.builders import book_with_places, user_tables

from . import frames as wf
from .frames import DANTU, DANYANG, DATA, compute, full, section

# --- worked examples ------------------------------------------------------------------------


def test_load_example_from_the_issue(book: TariffBook) -> None:
    expected = tomllib.loads((DATA / "load-example-expected.toml").read_text("utf-8"))
    month = wf.month(expected["month"])
    run = run_water(
        DATA / "load-example-sections.csv",
        DATA / "load-example-monitoring.csv",
        start=month,
        end=month,
        book=book,
    )
    result = run.result
    line = next(x for x in result.lines if x.factor == expected["factor"])
    assert line.tariff_id == expected["tariff"]
    for key in ("concentration", "target", "excess", "flow", "load_t", "standard", "amount"):
        assert getattr(line, key) == Decimal(expected[key]), key
    assert (line.payer_code, line.receiver_code, line.via) == (
        expected["payer"],
        expected["receiver"],
        "江苏省",
    )
    assert result.paid == result.received == Decimal(expected["total"])
    assert line.explanation == (
        "示例断面 2012年3月 总磷 0.30 mg/L − 目标 0.20 mg/L = 0.10 mg/L × 5,000 万m³ ÷ 100 = 5 吨 × "
        "100,000 元/吨（太湖，省级试点文件未见; 镇江市太湖流域环境资源区域补偿方案 seen）= 500,000.00 元，"
        "上游 吴中区 经省财政 付 下游 吴江区"
    )
    on_target = [x for x in result.lines if x.factor != "TP"]
    assert [(x.direction, x.amount) for x in on_target] == [("none", 0), ("none", 0)]
    assert "恰好达标" in on_target[0].explanation


@pytest.fixture
def zhenjiang_book(tmp_path: Path) -> TariffBook:
    """The shipped places table with 丹阳市 and 丹徒区 added (same id and validity: it replaces it)."""
    county = {"level": "county", "parent": "321100", "evidence": "verified"}
    added = [
        {"code": DANYANG, "name": "丹阳市", "short": "丹阳", "taihu": "whole"} | county,
        {"code": DANTU, "name": "丹徒区", "short": "丹徒", "taihu": "part"} | county,
    ]
    return book_with_places(tmp_path / "places", added)


def test_zhenjiang_shares_split_to_the_fen(zhenjiang_book: TariffBook) -> None:
    expected = tomllib.loads((DATA / "zhenjiang-expected.toml").read_text("utf-8"))
    month = wf.month("2015-03")
    run = run_water(
        DATA / "zhenjiang-sections.csv",
        DATA / "zhenjiang-monitoring.csv",
        shares=DATA / "zhenjiang-shares.csv",
        start=month,
        end=month,
        book=zhenjiang_book,
    )
    result = run.result
    assert {x.factor: x.amount for x in result.lines} == {
        k: Decimal(v) for k, v in expected["amount"].items()
    }
    parts = {(s.district_code, s.factor): s.amount for s in result.shares}
    for factor in ("CODMn", "NH3-N", "TP"):
        assert parts[(DANYANG, factor)] == Decimal(expected["danyang"][factor])
        assert parts[(DANTU, factor)] == Decimal(expected["dantu"][factor])
    tp = next(x for x in result.lines if x.factor == "TP")
    assert tp.payer == "丹徒区 11.93%、丹阳市 88.07%" and tp.receiver == "常州市"
    assert "上游 丹徒区 11.93%、丹阳市 88.07% 经省财政 付 下游 常州市" in tp.explanation
    by_district = {d.district: d for d in result.districts}
    assert by_district["常州市"].received == sum(
        (Decimal(v) for v in expected["amount"].values()), Decimal(0)
    )
    assert by_district["丹阳市"].paid == sum((Decimal(v) for v in expected["danyang"].values()), Decimal(0))
    assert "镇江市" not in by_district  # the shares replace the whole upstream place


# --- targets, versions and directions -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "target", "direction"),
    [("river", "0.2", "downstream_pays"), ("lake", "0.05", "upstream_pays")],
)
def test_tp_class_limit_differs_for_rivers_and_lakes(
    book: TariffBook, body: str, target: str, direction: str
) -> None:
    rows = full("S1", "2018-06", {"CODMn": "6", "NH3-N": "1", "TP": "0.06"})  # the others on target
    result = compute(book, [section(body=body)], rows, "2018-06", shares=None)
    line = next(x for x in result.lines if x.factor == "TP")
    assert (line.target, line.target_basis, line.direction) == (Decimal(target), "III类", direction)


def test_class_limits_and_section_override(book: TariffBook) -> None:
    rows = full("S1", "2018-06", {"CODMn": "5", "NH3-N": "0.4", "TP": "0.06"}) + full(
        "S2", "2018-06", {"CODMn": "5", "NH3-N": "0.4", "TP": "0.06"}
    )
    frame = wf.sections(
        [section("S1", "river", cls="II"), section("S2", "lake", cls="IV")], {"S2": {"TP": "0.08"}}
    )
    result = compute_water(
        frame, wf.monitoring(rows), start=wf.month("2018-06"), end=wf.month("2018-06"), book=book
    )
    targets = {(x.section, x.factor): (x.target, x.target_basis) for x in result.lines}
    assert targets[("S1", "CODMn")] == (Decimal(4), "II类")
    assert targets[("S2", "CODMn")] == (Decimal(10), "IV类")
    assert targets[("S1", "TP")] == (Decimal("0.1"), "II类")
    assert targets[("S2", "TP")] == (Decimal("0.08"), "断面目标")


def test_tn_assessed_only_in_taihu_and_from_2021_05(book: TariffBook) -> None:
    frame = wf.sections(
        [section("LK", "lake"), section("RV", "river"), section("OT", "lake", basin="other")],
        {"RV": {"TN": "2.0"}},
    )
    values = {"CODMn": "5", "NH3-N": "0.5", "TP": "0.04", "TN": "1.2"}
    rows = [r for code in ("LK", "RV", "OT") for m in ("2021-04", "2021-05") for r in full(code, m, values)]
    result = compute_water(
        frame, wf.monitoring(rows), start=wf.month("2021-04"), end=wf.month("2021-05"), book=book
    )
    assert result.rejected == ()
    tn = {(x.section, f"{x.month:%Y-%m}") for x in result.lines if x.factor == "TN"}
    assert tn == {("LK", "2021-05"), ("RV", "2021-05")}
    excluded = {(x.section, f"{x.month:%Y-%m}", x.factor) for x in result.excluded}
    assert excluded == {
        ("LK", "2021-04", "TN"),
        ("RV", "2021-04", "TN"),
        ("OT", "2021-04", "TN"),
        ("OT", "2021-05", "TN"),
    }
    assert all("总氮 is not assessed" in x.reason for x in result.excluded)
    assert {x.tariff_id for x in result.lines} == {"jiangsu-water-2017", "jiangsu-water-2021"}
    lake_tn = next(x for x in result.lines if (x.section, x.factor) == ("LK", "TN"))
    assert lake_tn.target == Decimal("1.0") and lake_tn.amount == Decimal("500000.00")  # band > 0


def test_tn_in_a_river_without_own_target_is_a_problem(book: TariffBook) -> None:
    rows = full("RV", "2021-05", {"CODMn": "5", "NH3-N": "0.5", "TP": "0.1", "TN": "1.2"})
    result = compute(book, [section("RV")], rows, "2021-05")
    (issue,) = result.rejected
    assert (issue.source, issue.line, issue.code) == ("monitoring", 5, "no_target")
    assert "section RV (断面RV) has no target for TN" in issue.message
    assert {x.factor for x in result.lines} == {"CODMn", "NH3-N", "TP"}


def test_banded_2021_table(book: TariffBook) -> None:
    rows = full(
        "S1", "2021-06", {"CODMn": "9", "NH3-N": "1.0", "TP": "0.5", "TN": "1.0"}
    )  # multiples 0.5, 0, 1.5
    frame = wf.sections([section()], {"S1": {"TN": "1.0"}})
    result = compute_water(
        frame, wf.monitoring(rows), start=wf.month("2021-06"), end=wf.month("2021-06"), book=book
    )
    lines = {x.factor: x for x in result.lines}
    assert (lines["CODMn"].amount, lines["CODMn"].band_above, lines["CODMn"].multiple) == (
        Decimal("500000.00"),
        Decimal(0),
        Decimal("0.5"),
    )
    assert lines["TP"].amount == Decimal("1500000.00")  # Taihu TP bands: 2 x default, band > 1
    assert lines["NH3-N"].direction == "none" and lines["NH3-N"].amount == 0
    assert lines["CODMn"].explanation == (
        "断面S1 2021年6月 高锰酸盐指数 9.00 mg/L − 目标 6.00 mg/L = 3.00 mg/L，超标倍数 3.00 ÷ 6.00 = 0.5，"
        "适用倍数 > 0 档定额 500,000 元（太湖，苏环办〔2021〕131号）= 500,000.00 元，"
        "上游 吴中区 经省财政 付 下游 吴江区"
    )


def test_banded_base_times_one_plus_multiple(tmp_path: Path) -> None:
    book = user_tables(
        tmp_path,
        (
            "water_compensation/jiangsu-water-2021.toml",
            'band_amount = { value = "fixed"',
            'band_amount = { value = "base_times_one_plus_multiple"',
        ),
    )
    result = compute(
        book, [section()], full("S1", "2021-06", {"CODMn": "9", "NH3-N": "1", "TP": "0.2"}), "2021-06"
    )
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert codmn.amount == Decimal("750000.00")  # 500 000 x (1 + 0.5)
    assert "500,000 元 × (1 + 0.5)" in codmn.explanation


def test_reverse_rule_none_pays_nothing_and_says_why(book: TariffBook) -> None:
    result = compute(
        book, [section()], full("S1", "2012-06", {"CODMn": "5", "NH3-N": "1", "TP": "0.2"}), "2012-06"
    )
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert codmn.direction == "none" and codmn.amount == 0 and codmn.payer == ""
    assert "达标；" in codmn.explanation and "不设下游补偿上游" in codmn.explanation
    assert result.districts == ()


def test_a_month_without_table_is_an_error(book: TariffBook) -> None:
    with pytest.raises(TariffLookupError, match="2007-12-01"):
        compute(book, [section()], [], "2007-12", "2008-01")
