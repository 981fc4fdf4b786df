"""万元 throughout (issue 15): headers, values, totals and charts in 万元, the exact yuan beside.

Expected figures are the yuan amounts of tests/reports/test_xlsx_layout.py moved four places by
hand; cells are counted from the layout rules in `ecocomp.reports.xlsx`.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ecocomp.reports.model import Column, Report, Table
from ecocomp.reports.write import write_report
from ecocomp.reports.xlsx import MONEY_FORMAT
from ecocomp.reports.xlsx_plan import wan_header
from tests.settlement.libreoffice import recalculated_sheets

from .test_xlsx_layout import BANNER, chart_xml, sample

# 汇总 in 万元: A 地区, B 地区代码, C 净上缴(万元), D 净上缴(元) hidden, E 水补偿净额 万元, F its yuan,
# G 加价合计 万元, H its yuan, I 依据等级 (the print columns), then J 分组, K 说明.
HEADER_ROW, TOTALS_ROW = 6, 14
LINES = (8, 9, 11, 13)  # 吴中区, 相城区, 苏州市区, 无锡市 (7, 10, 12 are group headings)


@pytest.fixture(scope="module")
def wan_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wan") / "w.xlsx"
    write_report(sample(), path, wan_yuan=True)
    return path


def test_headers_say_wan_yuan_and_the_hidden_twin_says_yuan(wan_path: Path) -> None:
    sheet = openpyxl.load_workbook(wan_path)["汇总"]
    assert sheet["A4"].value == "金额单位：万元"
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == [
        "地区",
        "地区代码",
        "净上缴(万元)",
        "净上缴(元)",
        "水补偿净额(万元，收到−支付)",
        "水补偿净额(元，收到−支付)",
        "加价合计（万元）",
        "加价合计（元）",
        "依据等级",
        "分组",
        "说明",
    ]
    hidden = [letter for letter in "ABCDEFGHIJK" if sheet.column_dimensions[letter].hidden]
    assert hidden == ["D", "F", "H"]
    assert sheet.print_area == "'汇总'!$A$1:$I$17"  # the print columns with their hidden twins


def test_wan_cells_hold_wan_and_the_twins_the_exact_yuan(wan_path: Path) -> None:
    sheet = openpyxl.load_workbook(wan_path, data_only=True)["汇总"]
    assert [sheet.cell(row, 5).value for row in LINES] == [-1376.4401110, 923.5946280, 0, -1856.8685010]
    assert [sheet.cell(row, 6).value for row in LINES] == [-13764401.11, 9235946.28, 0, -18568685.01]
    assert sheet.cell(11, 3).value == 12123.537 and sheet.cell(11, 4).value == 121235370
    for col in range(3, 9):
        assert sheet.cell(LINES[0], col).number_format == MONEY_FORMAT == "#,##0.00;[Red]-#,##0.00"
        assert sheet.cell(TOTALS_ROW, col).number_format == MONEY_FORMAT
    with zipfile.ZipFile(wan_path) as archive:
        assert '"万"' not in archive.read("xl/styles.xml").decode("utf-8")  # no scaled display format


def test_totals_are_live_sums_with_exact_cached_values(wan_path: Path) -> None:
    formulas = openpyxl.load_workbook(wan_path)["汇总"]
    assert [formulas.cell(TOTALS_ROW, col).value for col in range(3, 9)] == [
        f"=SUM({letter}7:{letter}13)" for letter in "CDEFGH"
    ]
    cached = openpyxl.load_workbook(wan_path, data_only=True)["汇总"]
    wan = [Decimal(str(cached.cell(TOTALS_ROW, col).value)) for col in (3, 5, 7)]
    yuan = [Decimal(str(cached.cell(TOTALS_ROW, col).value)) for col in (4, 6, 8)]
    assert yuan == [Decimal("121235370.00"), Decimal("-23097139.84"), Decimal("12918600.03")]
    assert wan == [Decimal("12123.537"), Decimal("-2309.713984"), Decimal("1291.860003")]


@pytest.mark.slow
def test_libreoffice_recalculates_the_wan_totals(wan_path: Path, tmp_path: Path) -> None:
    row = recalculated_sheets(wan_path, tmp_path)["汇总"][TOTALS_ROW - 1]
    assert [Decimal(row[col]) for col in (2, 4, 6)] == [
        Decimal("12123.537"),
        Decimal("-2309.713984"),
        Decimal("1291.860003"),
    ]
    assert Decimal(row[5]) == Decimal("-23097139.84")


def test_widths_fit_the_shown_wan_text(wan_path: Path) -> None:
    sheet = openpyxl.load_workbook(wan_path)["汇总"]
    wan, yuan = sheet.column_dimensions["C"].width, sheet.column_dimensions["D"].width
    assert wan >= len("12,123.54") + 2 and wan < yuan  # "12,123.54" is narrower than "121,235,370.00"


def test_charts_draw_the_wan_cells_and_say_wan(wan_path: Path) -> None:
    book = openpyxl.load_workbook(wan_path)
    assert book["汇总图表"]["A1"].value == "汇总：图表（金额单位：万元）"
    charts = chart_xml(wan_path)
    assert len(charts) == 3
    for xml, column in zip(charts, "CEG", strict=True):
        refs = [ref.replace("'", "") for ref in re.findall(r"<c:f>([^<]*)</c:f>", xml)]
        assert refs[0] == f"汇总!${column}${HEADER_ROW}"
        assert refs[2] == f"(汇总!${column}$8:${column}$9,汇总!${column}$11,汇总!${column}$13)"
        assert ">万元<" in xml


def test_english_wan_headers_and_unit(tmp_path: Path) -> None:
    write_report(sample(), tmp_path / "en.xlsx", wan_yuan=True, language="en")
    sheet = openpyxl.load_workbook(tmp_path / "en.xlsx")["summary"]
    assert sheet["A4"].value == "Amounts in: 10,000 yuan"
    assert [c.value for c in sheet[HEADER_ROW]][2:4] == ["net (10,000 yuan)", "net (yuan)"]
    assert sheet["A5"].value == BANNER


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        ("净上缴(元)", "净上缴(万元)"),
        ("统筹资金（元）", "统筹资金（万元）"),
        ("净额(元，收到−支付)", "净额(万元，收到−支付)"),
        ("净额（元，收到−支付）", "净额（万元，收到−支付）"),
        ("统筹资金", "统筹资金（万元）"),
        ("元宝山区补偿(元)", "元宝山区补偿(万元)"),
    ],
)
def test_wan_header(header: str, shown: str) -> None:
    assert wan_header(header, "zh") == shown


def test_a_table_without_money_is_unchanged_by_wan(tmp_path: Path) -> None:
    columns = (Column("kind", "类别", "text"), Column("n", "件数", "int", total=True))
    table = Table("t", "计数", columns, [{"kind": "账单", "n": 3}], totals=True)
    write_report(Report("t", (table,), {}), tmp_path / "a.xlsx", wan_yuan=True)
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx")["计数"]
    assert [c.value for c in sheet[3]] == ["类别", "件数"] and sheet["B4"].value == 3
    assert [c.value for c in sheet[5]] == ["合计", "=SUM(B4:B4)"]
