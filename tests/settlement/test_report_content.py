"""What the settlement report says (issue 15): 汇总 grouped by the party's role (本市各区、县级市,
市区, 省级, 外市), 苏州市区 named as the urban area it is, one chart per family in the sign
convention its title states, the print layouts, the cover lines (Beijing time), the English
title, the top enterprises without zero surcharges, and `settle --example suzhou-2021`.

Expected values come from the example's ledgers and the places table, not from the code: the
codes of Suzhou's districts, the province and 无锡市, and the README's 2021 figures.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from ecocomp.examples import example_config
from ecocomp.families.registry import FAMILIES, register, unregister
from ecocomp.reports.model import Report, Table
from ecocomp.reports.text import json_bytes
from ecocomp.settlement.report import settlement_report
from ecocomp.settlement.run import Settlement, run_settlement
from tests.families.flatfee.family import DATA, FLATFEE, TARIFFS

CITY_PARTS = {
    "320505",
    "320506",
    "320507",
    "320508",
    "320509",
    "320581",
    "320582",
    "320583",
    "320585",
    "SZ-SIP",
}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def table(report: Report, key: str) -> Table:
    return next(t for t in report.tables if t.key == key)


def shown(report: Report, column: str, language: str) -> dict[str, object]:
    """汇总's column as people read it, by place code."""
    summary = report.tables[0]
    col = next(c for c in summary.columns if c.key == column)
    return {str(r["district_code"]): col.shown(r[column], language) for r in summary.rows}


def test_summary_rows_are_grouped_by_role_in_order(report: Report) -> None:
    summary = report.tables[0]
    assert summary.group == "group"
    groups = {str(r["district_code"]): r["group"] for r in summary.rows}
    assert groups == {**dict.fromkeys(CITY_PARTS, "districts"), "320500": "urban", "320000": "province"} | {
        "320200": "other_cities"
    }
    codes = [str(r["district_code"]) for r in summary.rows]
    assert codes == [*sorted(CITY_PARTS), "320500", "320000", "320200"]  # by group, then code


def test_group_labels_in_each_language(report: Report) -> None:
    zh, en = shown(report, "group", "zh"), shown(report, "group", "en")
    assert {zh[c] for c in CITY_PARTS} == {"本市各区、县级市"}
    assert (zh["320500"], zh["320000"], zh["320200"]) == ("市区", "省级", "外市")
    assert en["320200"] == "Other cities" and en["320000"] == "Province"
    assert not any(CJK.search(str(v)) for v in en.values())


def test_the_urban_area_row_says_so(report: Report) -> None:
    rows = {str(r["district_code"]): r for r in report.tables[0].rows}
    assert rows["320500"]["district"] == "苏州市区"
    assert "苏州市" not in {r["district"] for r in rows.values()}  # no row reads like the city's total
    assert rows["320500"]["fund"] == Decimal("404117900.00")  # the fund's payer, as fund_summary says
    notes = report.tables[0].notes
    urban = next(n for n in notes if n.startswith("市区："))
    assert "苏州市区（320500）" in urban and "统筹资金的缴费主体" in urban and "不是全市合计" in urban
    # the urban districts it pays for: those without a fund figure of their own
    for name in ("姑苏区", "吴中区", "相城区", "虎丘区", "吴江区"):
        assert name in urban
    assert "常熟市" not in urban  # a county-level city pays its own fund


def test_other_cities_and_the_province_are_explained(report: Report) -> None:
    notes = report.tables[0].notes
    assert any(n.startswith("外市：") and "无锡市（320200）" in n for n in notes)
    assert any(n.startswith("省级：") and "江苏省（320000）" in n for n in notes)


def test_one_chart_per_family_in_the_sign_convention_of_its_title(report: Report) -> None:
    summary = report.tables[0]
    assert summary.chart == ()  # replaced by the charts
    charts = {c.key: c for c in summary.charts}
    assert list(charts) == ["fund_net", "water_net", "surcharge_total"]
    assert charts["fund_net"].zh.startswith("净上缴（正数＝向省上缴）")
    assert charts["water_net"].zh.startswith("水补偿净额（正数＝收到，负数＝支付）")
    assert charts["surcharge_total"].zh.startswith("差别电价、差别化污水处理费加价合计")
    for chart in charts.values():
        assert chart.columns == (chart.key,)
        assert chart.zh.endswith("（含暂定数）") and chart.en.endswith("(includes provisional figures)")
        assert not CJK.search(chart.en)
    money = {c.key for c in summary.columns if c.kind == "money"}
    assert {k for c in charts.values() for k in c.columns} <= money
    # the conventions the titles state hold in the figures
    for row in summary.rows:
        if row["fund"] is not None:
            assert row["fund_net"] == row["fund"] - row["fund_return"] - row["fund_reward"]
        if row["water_net"] is not None:
            assert row["water_net"] == row["water_received"] - row["water_paid"]
        if row["surcharge_total"] is not None:
            assert row["surcharge_total"] >= 0


def test_each_family_brings_its_own_charts() -> None:
    for family in FAMILIES.values():
        own = {c.key for c in family.summary_columns}
        assert all(set(chart.columns) <= own for chart in family.charts), family.key


def test_on_settled_tables_the_chart_titles_have_no_provisional_remark(tmp_path: Path) -> None:
    shutil.copy(DATA / "deliveries.csv", tmp_path)
    config = tmp_path / "settle.toml"
    config.write_text(
        f'year = 2018\ntariffs = [{str(TARIFFS)!r}]\n[flatfee]\ndeliveries = "deliveries.csv"\n', "utf-8"
    )
    register(FLATFEE)
    try:
        summary = settlement_report(run_settlement(config)).tables[0]
    finally:
        unregister(FLATFEE.key)
    assert summary.banner is None
    assert [(c.zh, c.en) for c in summary.charts] == [(c.zh, c.en) for c in FLATFEE.charts]


def test_layouts(report: Report) -> None:
    layouts = {t.key: t.layout for t in report.tables}
    summaries = [k for k, v in layouts.items() if v == "summary"]
    assert summaries == ["summary", "fund_summary", "water_summary", "surcharge_by_district"]
    assert {k for k, v in layouts.items() if v == "reference"} == {"rejected", "tables_used"}
    for t in report.tables:
        keys = [c.key for c in t.columns]
        assert 1 <= t.key_columns <= len(keys), t.key
        assert set(t.print_columns) <= set(keys), t.key
    fund = table(report, "fund_summary")
    assert len(fund.columns) >= 20 and 0 < len(fund.print_columns) <= 12
    assert not {"explanation", "return_basis", "reward_basis"} & set(fund.print_columns)
    assert "evidence" in fund.print_columns and "net" in fund.print_columns


def test_top_enterprises_are_those_with_a_surcharge(settlement: Settlement, report: Report) -> None:
    top = table(report, "surcharge_top_enterprises")
    assert top.rows and all(Decimal(str(r["total"])) != 0 for r in top.rows)
    every = settlement.runs["surcharge"].result.by_enterprise  # type: ignore[attr-defined]
    zero = sum(1 for v in every.column("total").to_pylist() if v == 0)
    assert zero > 0 and len(top.rows) + zero == every.num_rows
    assert top.notes == (f"另有 {zero:,} 家企业加价为零，未列入本表；其账单见账单明细。",)
    assert [r["rank"] for r in top.rows] == list(range(1, len(top.rows) + 1))


def test_cover_lines_in_beijing_time(settlement: Settlement) -> None:
    at = datetime(2026, 12, 7, 15, 10, 42, tzinfo=UTC)
    cover = {c.zh: c for c in settlement_report(settlement, at).cover}
    assert cover["运行时间（北京时间）"].shown("zh") == "2026-12-07 23:10"
    assert cover["运行时间（北京时间）"].label("en") == "Run at (Beijing time)"
    new_york = datetime(2026, 12, 7, 10, 10, tzinfo=timezone(timedelta(hours=-5)))
    later = {c.zh: c for c in settlement_report(settlement, new_york).cover}
    assert later["运行时间（北京时间）"].value == "2026-12-07 23:10"
    assert cover["考核年度"].shown("zh") == "2018年" and cover["考核年度"].shown("en") == "2018"
    assert cover["水补偿结算期间"].shown("zh") == "2018年1月至2018年12月"
    assert cover["水补偿结算期间"].shown("en") == "2018-01 to 2018-12"
    assert cover["配置文件"].value == "settle.toml"
    assert "ecocomp 版本" in cover and "统筹资金结算期间" not in cover  # the fund has a year, no months


def test_without_a_time_there_is_no_time_line_and_the_cover_is_never_data(settlement: Settlement) -> None:
    plain = settlement_report(settlement)
    assert "运行时间（北京时间）" not in {c.zh for c in plain.cover} and plain.cover
    assert "generated_at" not in plain.manifest
    assert json_bytes(plain) == json_bytes(replace(plain, cover=(), title_en=None))


def test_english_title_from_the_config_or_the_year(settlement: Settlement) -> None:
    report = settlement_report(settlement)
    assert report.title_en == settlement.config.title_en != ""
    assert report.heading("en") == report.title_en and report.heading("zh") == report.title
    untitled = replace(settlement, config=settlement.config.model_copy(update={"title_en": ""}))
    assert settlement_report(untitled).heading("en") == "Settlement of environmental-fiscal funds, 2018"
    assert "title_en" not in untitled.config.dump()  # recorded only when given


@pytest.fixture(scope="module")
def suzhou_2021() -> Settlement:
    return run_settlement(example_config("suzhou-2021"))


def test_the_2021_example_settles_the_fund(suzhou_2021: Settlement) -> None:
    assert list(suzhou_2021.runs) == ["fund"]
    report = settlement_report(suzhou_2021)
    rows = {str(r["district_code"]): r for r in report.tables[0].rows}
    assert rows["320583"]["fund_net"] == Decimal("184033499.23")  # README: 昆山市 net
    assert rows["320583"]["fund_reward"] == Decimal("78871499.67")
    assert rows["320500"]["district"] == "苏州市区" and rows["320500"]["group"] == "urban"
    assert [c.key for c in report.tables[0].charts] == ["fund_net"]
    assert report.heading("en").startswith("Suzhou")
