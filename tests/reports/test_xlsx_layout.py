"""The workbook as a leader prints it (issue 15): cover, contents, layouts, groups, charts.

A synthetic report in every shape the writer knows: a grouped summary with print columns, charts,
a banner and notes first; a family summary; a wide detail table; a reference table. Expected
rows and cells are counted by hand from the layout rules in `ecocomp.reports.xlsx`.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ecocomp.reports.model import Chart, Column, CoverLine, Report, Table
from ecocomp.reports.runinfo import run_info_table
from ecocomp.reports.write import write_report
from tests.settlement.libreoffice import recalculated_sheets
from tests.settlement.test_pdf_report import flat, pdf_pages, pdf_text, render_pdf

TITLE = "苏州市 2018年度 环境经济政策资金结算（测试）"
TITLE_EN = "Suzhou 2018 settlement (test)"
BANNER = "注意：以下数字使用了暂定费率表，不是最终结算依据：js-2018（苏政发〔2019〕2号）。"
COVER = (
    CoverLine("考核年度", "Assessment year", "2018年", "2018"),
    CoverLine("运行时间", "Run at", "2026-12-08 07:00（北京时间）", "2026-12-08 07:00 (Beijing time)"),
)
EVIDENCE = (("provisional", "暂定"), ("verified", "已核实"))
SUMMARY_COLUMNS = (
    Column("district", "地区", "text"),
    Column("district_code", "地区代码", "text"),
    Column("group", "分组", "text", labels=(("city", "本市"), ("urban", "市区"), ("other", "外市"))),
    Column("net", "净上缴(元)", "money", total=True),
    Column("water_net", "水补偿净额(元，收到−支付)", "money", total=True),
    Column("surcharge", "加价合计（元）", "money", total=True),
    Column("evidence", "依据等级", "text", labels=EVIDENCE),
    Column("remark", "说明", "text"),
)


def summary_row(name: str, code: str, group: str, net: str, water: str, surcharge: str) -> dict[str, object]:
    """One line of 汇总."""
    return {
        "district": name,
        "district_code": code,
        "group": group,
        "net": Decimal(net),
        "water_net": Decimal(water),
        "surcharge": Decimal(surcharge),
        "evidence": "provisional",
        "remark": "统筹资金由苏州市区代缴，不单独缴纳。" * 3,
    }


SUMMARY_ROWS = [
    summary_row("吴中区", "320506", "city", "0.00", "-13764401.11", "7292536.27"),
    summary_row("相城区", "320507", "city", "0.00", "9235946.28", "5626063.76"),
    summary_row("苏州市区", "320500", "urban", "121235370.00", "0.00", "0.00"),
    summary_row("无锡市", "320200", "other", "0.00", "-18568685.01", "0.00"),
]
EXACT = {
    "net": Decimal("121235370.00"),
    "water_net": Decimal("-23097139.84"),
    "surcharge": Decimal("12918600.03"),
}
CHARTS = (
    Chart("fund", "净上缴（正数 = 向省上缴）", "Net paid (positive = paid to the province)", ("net",)),
    Chart("water", "水补偿净额（正数 = 收到）", "Water net (positive = received)", ("water_net",)),
    Chart("surcharge", "加价合计（差别电价 + 差别水价）", "Surcharges (electricity + water)", ("surcharge",)),
)
SUMMARY = Table(
    "summary",
    "汇总",
    SUMMARY_COLUMNS,
    SUMMARY_ROWS,
    totals=True,
    banner=BANNER,
    chart_note="含暂定数",
    notes=("注：依据等级为“暂定”的数字用到了暂定费率表。",),
    layout="summary",
    group="group",
    charts=CHARTS,
    print_columns=("district", "district_code", "net", "water_net", "surcharge", "evidence"),
)
FAMILY = Table(
    "fund_summary",
    "统筹资金汇总",
    (Column("payer", "缴费主体", "text"), Column("fund", "统筹资金(元)", "money", total=True)),
    [{"payer": "苏州市区", "fund": Decimal("404117900.00")}, {"payer": "常熟市", "fund": Decimal("1.05")}],
    totals=True,
    layout="summary",
    en="fund_summary",
)
DETAIL_COLUMNS = (
    Column("enterprise", "企业名称", "text"),
    Column("month", "月份", "month"),
    *(Column(f"amount_{i}", f"金额{i}(元)", "money", total=True) for i in range(14)),
    Column("reason", "说明", "text"),
)
DETAIL = Table(
    "water_lines",
    "水补偿明细",
    DETAIL_COLUMNS,
    [
        {
            "enterprise": f"苏州市第{i}印染有限公司",
            "month": f"2018-{i % 12 + 1:02d}",
            **{f"amount_{k}": Decimal(f"{1000 * i + k}.25") for k in range(14)},
            "reason": "断面月均浓度超过考核标准，按超标倍数计算补偿资金。" * 2,
        }
        for i in range(60)
    ],
    totals=True,
    layout="detail",
    key_columns=2,
)
REFERENCE = Table(
    "tables_used",
    "费率表",
    (Column("id", "费率表编号", "text"), Column("document", "文号", "text")),
    [{"id": "jiangsu-fund-2018", "document": "苏政发〔2019〕2号"}],
    layout="reference",
)


MANIFEST = {"ecocomp_version": "0.1.0", "command": "settle"}
RUN_INFO_ROWS = len(run_info_table(MANIFEST, "zh").rows)


def sample() -> Report:
    """The synthetic report: 汇总, a family summary, a detail table, a reference table."""
    return Report(TITLE, (SUMMARY, DETAIL, REFERENCE, FAMILY), MANIFEST, COVER, TITLE_EN)


@pytest.fixture(scope="module")
def book_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("layout") / "s.xlsx"
    write_report(sample(), path)
    return path


@pytest.fixture(scope="module")
def book(book_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(book_path)


def test_sheets_summaries_first_each_chart_sheet_after_its_table(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == ["汇总", "汇总图表", "统筹资金汇总", "水补偿明细", "费率表", "运行信息"]


def test_cover_title_lines_unit_banner_then_header(book: openpyxl.Workbook) -> None:
    sheet = book["汇总"]
    column_a = [sheet.cell(row, 1).value for row in range(1, 8)]
    assert column_a == [
        TITLE,
        "考核年度：2018年",
        "运行时间：2026-12-08 07:00（北京时间）",
        "金额单位：元",
        BANNER,
        "地区",
        "本市",
    ]
    assert sheet["A1"].font.b and sheet["A1"].font.sz >= 14
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:F1", "A4:F4", "A5:F5"} <= merged  # across the printed columns A-F
    assert sheet.freeze_panes == "A7"  # everything down to the header stays on screen
    assert sheet.print_title_rows == "$5:$6"  # banner and header on every printed page
    assert sheet.oddHeader.center.text is None  # the title is in the cells, not repeated above
    assert "&P" in (sheet.oddFooter.center.text or "")


def test_print_columns_first_and_only_they_print(book: openpyxl.Workbook) -> None:
    sheet = book["汇总"]
    header = [c.value for c in sheet[6]]
    assert header == [
        "地区",
        "地区代码",
        "净上缴(元)",
        "水补偿净额(元，收到−支付)",
        "加价合计（元）",
        "依据等级",
        "分组",
        "说明",
    ]
    assert sheet.print_area == "'汇总'!$A$1:$F$17"  # cover to the notes; not the contents
    assert sheet["A17"].value == "打印页只含左起 6 列；其余 2 列只在屏幕上，位于右侧。"
    assert sheet["H8"].alignment.wrap_text is not True  # a column that does not print stays one line


def test_group_headings_and_totals_that_stay_exact(book: openpyxl.Workbook, book_path: Path) -> None:
    sheet = book["汇总"]
    rows = {row: [c.value for c in sheet[row]] for row in range(7, 15)}
    headings = {row: values[0] for row, values in rows.items() if values[1:] == [None] * 7}
    assert headings == {7: "本市", 10: "市区", 12: "外市"}
    for row in headings:
        cell = sheet.cell(row, 1)
        assert (
            cell.font.b
            and cell.fill.fgColor.rgb == "FFF2F2F2"
            and sheet.cell(row, 8).fill.fgColor.rgb == "FFF2F2F2"
        )
    assert [rows[r][0] for r in (8, 9, 11, 13)] == ["吴中区", "相城区", "苏州市区", "无锡市"]
    assert rows[14][:6] == ["合计", None, "=SUM(C7:C13)", "=SUM(D7:D13)", "=SUM(E7:E13)", None]
    cached = openpyxl.load_workbook(book_path, data_only=True)["汇总"]
    assert [Decimal(str(cached.cell(14, col).value)) for col in (3, 4, 5)] == list(EXACT.values())
    assert sheet.auto_filter.ref == "A6:H13"  # header, headings and lines; not the totals


@pytest.mark.slow
def test_libreoffice_recalculates_the_grouped_totals(book_path: Path, tmp_path: Path) -> None:
    sheets = recalculated_sheets(book_path, tmp_path)
    assert [Decimal(sheets["汇总"][13][col]) for col in (2, 3, 4)] == list(EXACT.values())


def test_contents_lists_every_sheet_with_rows_and_print_state(book: openpyxl.Workbook) -> None:
    sheet = book["汇总"]
    assert sheet["A19"].value == "目录" and sheet["A18"].value is None
    lines = [sheet.cell(row, 1).value for row in range(20, 26)]
    assert lines == [
        "汇总（4 行）：打印（一页）",
        "汇总图表（汇总的图表）：打印（一页）",
        "统筹资金汇总（2 行）：打印（一页）",
        "水补偿明细（60 行）：已隐藏，不打印：右键工作表标签→取消隐藏",
        "费率表（1 行）：打印",
        f"运行信息（{RUN_INFO_ROWS} 行）：打印",
    ]
    assert sheet.max_row == 25


def test_detail_sheet_is_hidden_and_laid_out_across_pages(book: openpyxl.Workbook) -> None:
    detail = book["水补偿明细"]
    assert detail.sheet_state == "hidden"
    assert next(s.title for s in book.worksheets if s.sheet_state == "visible") == "汇总"
    assert book.active.title == "汇总" and book.active.sheet_state == "visible"
    assert not (detail.sheet_properties.pageSetUpPr and detail.sheet_properties.pageSetUpPr.fitToPage)
    assert detail.print_title_cols == "$A:$B" and detail.print_title_rows == "$1:$1"
    assert detail.freeze_panes == "C2"
    assert detail.page_setup.orientation == "landscape" and str(detail.page_setup.paperSize) == "9"
    assert detail.column_dimensions["Q"].width < 39  # the long text column capped (36 + 2), wrapped
    assert detail["Q1"].value == "说明" and detail["Q2"].alignment.wrap_text
    assert detail.row_dimensions[2].height >= 30  # as tall as its wrapped text
    assert detail.oddHeader.center.text == TITLE and detail.oddHeader.left.text == "&A"


def test_show_details_makes_detail_sheets_visible(tmp_path: Path) -> None:
    write_report(sample(), tmp_path / "d.xlsx", show_details=True)
    book = openpyxl.load_workbook(tmp_path / "d.xlsx")
    assert {s.title: s.sheet_state for s in book.worksheets}["水补偿明细"] == "visible"
    assert book["汇总"]["A23"].value == "水补偿明细（60 行）：打印"


def test_a_grouped_table_prints_without_its_group_column(tmp_path: Path) -> None:
    table = Table("s", "汇总", SUMMARY_COLUMNS, SUMMARY_ROWS, totals=True, layout="summary", group="group")
    write_report(Report("t", (table,), {}), tmp_path / "g.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "g.xlsx")["汇总"]
    header = [c.value for c in sheet[3]]
    assert header == [
        "地区",
        "地区代码",
        "净上缴(元)",
        "水补偿净额(元，收到−支付)",
        "加价合计（元）",
        "依据等级",
        "说明",
        "分组",
    ]
    assert sheet.print_area == "'汇总'!$A$1:$G$13"  # the headings show the group; its column is on screen
    assert sheet["A4"].value == "本市" and sheet["A11"].value == "合计"
    assert sheet["A13"].value == "打印页只含左起 7 列；其余 1 列只在屏幕上，位于右侧。"


def test_a_detail_table_first_is_never_hidden(tmp_path: Path) -> None:
    write_report(Report("t", (DETAIL, REFERENCE), {}), tmp_path / "d.xlsx")
    book = openpyxl.load_workbook(tmp_path / "d.xlsx")
    assert book.worksheets[0].sheet_state == "visible" and book.active.title == "水补偿明细"


def test_summary_prints_on_one_page_reference_one_page_wide(book: openpyxl.Workbook) -> None:
    for name in ("汇总", "统筹资金汇总", "汇总图表"):
        setup = book[name].page_setup
        assert book[name].sheet_properties.pageSetUpPr.fitToPage, name
        assert (setup.fitToWidth in (None, 1), setup.fitToHeight in (None, 1)) == (True, True), name
        assert setup.orientation == "landscape" and str(setup.paperSize) == "9", name
    reference = book["费率表"]
    assert reference.sheet_properties.pageSetUpPr.fitToPage and str(reference.page_setup.fitToHeight) == "0"
    assert book["统筹资金汇总"].oddHeader.center.text == TITLE


def chart_xml(path: Path) -> list[str]:
    """Every chart part of the workbook, in order."""
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [archive.read(n).decode("utf-8") for n in names]


def chart_title(xml: str) -> str:
    return "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("</c:title>")[0]))


def test_one_chart_per_chart_on_the_chart_sheet(book: openpyxl.Workbook, book_path: Path) -> None:
    assert len(book["汇总图表"]._charts) == 3
    assert book["汇总图表"]["A1"].value == "汇总：图表（金额单位：元）"
    charts = chart_xml(book_path)
    assert [chart_title(x) for x in charts] == [c.zh + "（含暂定数）" for c in CHARTS]
    for xml, column in zip(charts, "CDE", strict=True):
        refs = [ref.replace("'", "") for ref in re.findall(r"<c:f>([^<]*)</c:f>", xml)]
        assert refs[0] == f"汇总!${column}$6"  # the series name: its header
        # the lines only: no group heading (7, 10, 12), no totals row (14)
        assert refs[1] == "(汇总!$A$8:$A$9,汇总!$A$11,汇总!$A$13)"
        assert refs[2] == f"(汇总!${column}$8:${column}$9,汇总!${column}$11,汇总!${column}$13)"
        assert "<c:v>元</c:v>" in xml or ">元<" in xml  # the value axis names the unit


def test_an_old_style_chart_still_draws(tmp_path: Path) -> None:
    table = Table("lines", "明细", FAMILY.columns, FAMILY.rows, totals=True, chart=("fund",))
    write_report(Report("t", (table,), {}), tmp_path / "c.xlsx")
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames == ["明细", "明细图表", "运行信息"]
    (xml,) = chart_xml(tmp_path / "c.xlsx")
    assert chart_title(xml) == "统筹资金(元)" and "'明细'!$B$4:$B$5" in xml


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def test_english_workbook_has_no_chinese_of_its_own(tmp_path: Path) -> None:
    write_report(sample(), tmp_path / "en.xlsx", language="en")
    book = openpyxl.load_workbook(tmp_path / "en.xlsx")
    assert book.sheetnames == [
        "summary",
        "summary_charts",
        "fund_summary",
        "water_lines",
        "tables_used",
        "run_info",
    ]
    sheet = book["summary"]
    cover = [sheet.cell(row, 1).value for row in range(1, 5)]
    assert cover == [
        TITLE_EN,
        "Assessment year: 2018",
        "Run at: 2026-12-08 07:00 (Beijing time)",
        "Amounts in: yuan",
    ]
    own = [*book.sheetnames, *cover]
    for each in book.worksheets:
        own += [str(c.value) for c in each[6 if each.title == "summary" else 1] if c.value is not None]
    own += [str(sheet.cell(row, 1).value) for row in range(7, 30) if sheet.cell(row, 1).value]
    # the report's own data and notes (written by each calculation, per language) are not the writer's
    data = {str(v) for t in sample().tables for r in t.rows for v in r.values()} | {BANNER, *SUMMARY.notes}
    found = [text for text in own if CJK.search(text) and text not in data]
    assert found == []
    assert (
        "Contents" in own
        and "water_lines (60 rows): hidden, not printed: right-click a sheet tab → Unhide" in own
    )
    assert chart_title(chart_xml(tmp_path / "en.xlsx")[0]).startswith(
        "Net paid (positive = paid to the province)"
    )


@pytest.mark.slow
def test_libreoffice_prints_one_page_per_printed_sheet(book_path: Path, tmp_path: Path) -> None:
    pdf = render_pdf(book_path, tmp_path)
    # 汇总, 汇总图表, 统筹资金汇总, 费率表, 运行信息: one page each; the detail sheet is hidden
    assert pdf_pages(pdf) == 5
    first = flat(pdf_text(pdf, 1, 1))
    assert flat(TITLE) in first and "金额单位：元" in first and flat(BANNER) in first
    assert "目录" not in first and "水补偿明细" not in flat(pdf_text(pdf))
    assert all(name in first for name in ("吴中区", "苏州市区", "无锡市", "本市", "外市"))
    assert "苏州市第" not in flat(pdf_text(pdf))  # the detail lines are not printed


@pytest.mark.slow
def test_libreoffice_prints_details_across_pages_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    write_report(sample(), path, show_details=True)
    pdf = render_pdf(path, tmp_path)
    pages = pdf_pages(pdf)
    assert pages >= 7  # the 60-line, 17-column detail spans pages at full size
    text = pdf_text(pdf, 4, pages - 2)
    assert text.count("企业名称") >= 2 and text.count("月份") >= 2  # key columns repeated
