"""The generic report writer: exact decimals in every format, totals that add up, atomic files."""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecocomp.errors import ExportError, MoneyError, UsageError
from ecocomp.reports.contract import CONTRACT_VERSION
from ecocomp.reports.model import Column, Report, Table, column_totals
from ecocomp.reports.write import write_report
from ecocomp.reports.xlsx import MONEY_FORMAT, sheet_names, text_width

LINE_COLUMNS = (
    Column("district", "区县", "text"),
    Column("tonnes", "排放量（吨）", "decimal", total=True, scale=6),
    Column("amount", "统筹资金（元）", "money", total=True),
    Column("share", "分担比例", "ratio"),
    Column("firms", "企业数", "int", total=True),
    Column("paid_on", "缴纳日期", "date"),
)
LINES = [
    {
        "district": "吴江区",
        "tonnes": Decimal("12.345"),
        "amount": Decimal("24000000.00"),
        "share": Decimal("0.25"),
        "firms": 3,
        "paid_on": date(2018, 3, 1),
    },
    {
        "district": "昆山市",
        "tonnes": Decimal("0.5"),
        "amount": Decimal("-1234.56"),
        "share": None,
        "firms": 1,
        "paid_on": None,
    },
    {
        "district": '=HYPERLINK("http://x")',
        "tonnes": Decimal("1"),
        "amount": Decimal("0.10"),
        "share": Decimal("0.5"),
        "firms": 2,
        "paid_on": date(2018, 12, 31),
    },
]
EXACT_AMOUNT = Decimal("23998765.54")
SUMMARY = Table(
    "summary",
    "汇总",
    (Column("item", "项目", "text"), Column("amount", "金额（元）", "money")),
    [{"item": "应缴", "amount": Decimal("23998765.54")}, {"item": "已核", "amount": None}],
)
MANIFEST = {
    "version": "0.1.0",
    "tariffs": ["js-2018"],
    "rate": Decimal("1.40"),
    "checked": True,
    "a": {"z": 1},
}


def make_report(lines: Sequence[dict[str, object]] = LINES, manifest: dict[str, object] = MANIFEST) -> Report:
    """The sample report: a lines table with totals first, then a summary."""
    return Report(
        "污染物排放统筹资金 2018年度",
        (Table("lines", "明细", LINE_COLUMNS, lines, totals=True), SUMMARY),
        manifest,
    )


# --- JSON ---------------------------------------------------------------------------------------


def test_json_keeps_decimals_as_exact_strings(tmp_path: Path) -> None:
    written = write_report(make_report(), tmp_path / "r.json")
    assert written == [tmp_path / "r.json"]
    doc = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert list(doc) == ["schema_version", "title", "lines", "summary", "totals", "manifest"]
    assert doc["schema_version"] == CONTRACT_VERSION
    first = doc["lines"][0]
    assert first == {
        "district": "吴江区",
        "tonnes": "12.345",
        "amount": "24000000.00",
        "share": "0.25",
        "firms": 3,
        "paid_on": "2018-03-01",
    }
    assert doc["totals"] == {"lines": {"tonnes": "13.845", "amount": "23998765.54", "firms": 6}}
    assert doc["manifest"]["rate"] == "1.40"
    assert list(doc["manifest"]) == sorted(MANIFEST)


def test_json_has_no_number_for_a_decimal(tmp_path: Path) -> None:
    write_report(make_report(), tmp_path / "r.json")
    doc = json.loads((tmp_path / "r.json").read_text("utf-8"), parse_float=lambda s: pytest.fail(s))
    assert doc["lines"][1]["amount"] == "-1234.56"
    assert "\\u" not in (tmp_path / "r.json").read_text("utf-8")  # ensure_ascii=False


def test_json_is_byte_identical_for_identical_input(tmp_path: Path) -> None:
    reordered = dict(reversed(list(MANIFEST.items())))
    write_report(make_report(), tmp_path / "a.json")
    write_report(make_report(manifest=reordered), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_json_leaves_out_a_run_info_table(tmp_path: Path) -> None:
    run_info = Table("run_info", "运行信息", (Column("key", "项目", "text"),), [{"key": "x"}])
    report = Report("t", (SUMMARY, run_info), {})
    write_report(report, tmp_path / "r.json")
    assert list(json.loads((tmp_path / "r.json").read_text("utf-8"))) == [
        "schema_version",
        "title",
        "summary",
        "totals",
        "manifest",
    ]


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_writes_bom_data_rows_only_and_files_beside(tmp_path: Path) -> None:
    written = write_report(make_report(), tmp_path / "r.csv")
    names = ["r.csv", "r.summary.csv", "r.manifest.json", "r.datapackage.json"]
    assert written == [tmp_path / n for n in names]
    assert json.loads((tmp_path / "r.manifest.json").read_text("utf-8"))["files"] == names
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "区县,排放量（吨）,统筹资金（元）,分担比例,企业数,缴纳日期"
    assert lines[1] == "吴江区,12.345,24000000.00,0.25,3,2018-03-01"
    # data rows only: a totals row would be summed again by pandas, DuckDB or a budget system
    assert len(lines) == 1 + len(LINES) + 1 and lines[-1] == ""
    assert not any(line.startswith(("合计", "Total")) for line in lines)
    assert json.loads((tmp_path / "r.manifest.json").read_text("utf-8"))["rate"] == "1.40"
    assert (tmp_path / "r.summary.csv").read_text("utf-8-sig").splitlines()[1] == "应缴,23998765.54"


def test_csv_in_gb18030_and_english(tmp_path: Path) -> None:
    write_report(make_report(), tmp_path / "r.csv", csv_encoding="gb18030", language="en")
    raw = (tmp_path / "r.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("gb18030").splitlines()
    assert lines[0] == "district,tonnes,amount,share,firms,paid_on"
    assert lines[1].startswith("吴江区,")
    assert len(lines) == 1 + len(LINES) and raw.count(b"\r\n") == 1 + len(LINES)


def test_csv_guards_formula_text_and_is_deterministic(tmp_path: Path) -> None:
    write_report(make_report(), tmp_path / "a.csv")
    write_report(make_report(), tmp_path / "b.csv")
    text = (tmp_path / "a.csv").read_bytes().decode("utf-8-sig")
    assert '\r\n"\'=HYPERLINK(""http://x"")",1,0.10' in text
    assert ",-1234.56," in text  # a negative amount is a plain number, not guarded
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


# --- XLSX ---------------------------------------------------------------------------------------

COVER = 2  # the first sheet's cover above its table: the title and the unit line (no cover lines)


@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    """The sample report as a workbook."""
    path = tmp_path / "r.xlsx"
    assert write_report(make_report(), path) == [path]
    return path


def test_xlsx_totals_are_live_formulas_with_exact_cached_values(xlsx: Path) -> None:
    sheet = openpyxl.load_workbook(xlsx)["明细"]
    assert [c.value for c in sheet[7]] == ["合计", "=SUM(B4:B6)", "=SUM(C4:C6)", None, "=SUM(E4:E6)", None]
    cached = openpyxl.load_workbook(xlsx, data_only=True)["明细"]
    assert Decimal(str(cached["C7"].value)) == EXACT_AMOUNT
    assert Decimal(str(cached["B7"].value)) == Decimal("13.845")
    assert cached["E7"].value == 6


def test_xlsx_reads_back_with_pandas(xlsx: Path) -> None:
    # the table: under the cover, above the contents
    frame = pd.read_excel(xlsx, sheet_name="明细", header=COVER, nrows=len(LINES) + 1)
    assert list(frame.columns) == [c.zh for c in LINE_COLUMNS]
    assert Decimal(str(frame["统筹资金（元）"].iloc[-1])) == EXACT_AMOUNT
    assert Decimal(str(frame["统筹资金（元）"].iloc[0])) == Decimal("24000000.00")
    assert frame["区县"].iloc[-1] == "合计"


def test_xlsx_sheet_layout(xlsx: Path) -> None:
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["明细", "汇总", "运行信息"]
    sheet = book["明细"]
    assert (sheet["A1"].value, sheet["A2"].value) == (
        "污染物排放统筹资金 2018年度",
        "金额单位：元",
    )  # the cover
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:F6"  # header and lines, not the totals row
    assert (
        sheet["A3"].font.b and sheet["A3"].fill.fgColor.rgb == "FFDDEBF7" and sheet["A3"].alignment.wrap_text
    )
    assert sheet["A4"].font.name == "等线"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and str(sheet.page_setup.fitToHeight) == "0"
    assert sheet.print_title_rows == "$3:$3"


def test_xlsx_number_formats(xlsx: Path) -> None:
    sheet = openpyxl.load_workbook(xlsx)["明细"]
    assert sheet["B4"].number_format == "#,##0.000"
    assert sheet["C4"].number_format == MONEY_FORMAT == "#,##0.00;[Red]-#,##0.00"
    assert sheet["C7"].number_format == MONEY_FORMAT
    assert sheet["D4"].number_format == "0.00%"
    assert sheet["E4"].number_format == "#,##0"
    assert sheet["F4"].number_format == "yyyy-mm-dd"
    assert sheet["E7"].number_format == "#,##0"
    assert sheet["F4"].value.date() == date(2018, 3, 1)


def test_xlsx_ids_have_no_separator_and_empty_tables_total_zero(tmp_path: Path) -> None:
    columns = (Column("year", "年度", "int"), Column("amount", "金额", "money", total=True))
    report = Report("t", (Table("lines", "明细", columns, [], totals=True),), {})
    write_report(report, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["明细"]
    assert [c.value for c in sheet[COVER + 2]] == ["合计", 0]
    rows = [{"year": 2018, "amount": Decimal("5.00")}]
    write_report(Report("t", (Table("lines", "明细", columns, rows),), {}), tmp_path / "r.xlsx")
    assert openpyxl.load_workbook(tmp_path / "r.xlsx")["明细"]["A4"].number_format == "0"


def test_xlsx_wan_yuan_shows_wan_and_keeps_the_exact_yuan_beside(tmp_path: Path) -> None:
    """万元: the money column holds 万元 (two places, separators), a hidden twin the exact yuan
    (tests/reports/test_xlsx_wan_yuan.py checks every detail)."""
    write_report(make_report(), tmp_path / "w.xlsx", wan_yuan=True)
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx", data_only=True)["明细"]
    assert sheet["A2"].value == "金额单位：万元"
    assert (sheet["C3"].value, sheet["D3"].value) == ("统筹资金（万元）", "统筹资金（元）")
    assert sheet["C4"].number_format == MONEY_FORMAT
    assert sheet["C4"].value == 2400  # 24,000,000.00 yuan
    assert sheet["D4"].value == 24000000 and sheet.column_dimensions["D"].hidden
    assert Decimal(str(sheet["D7"].value)) == EXACT_AMOUNT
    assert Decimal(str(sheet["C7"].value)) == EXACT_AMOUNT / 10000


def test_xlsx_text_never_becomes_a_formula(tmp_path: Path) -> None:
    hostile = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "=cmd|' /C calc'!A0"]
    rows = [{"item": text, "amount": Decimal(1)} for text in hostile]
    report = Report("t", (Table("summary", "汇总", SUMMARY.columns, rows),), {"note": "=2+2"})
    write_report(report, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    cells = [row[0] for row in book["汇总"].iter_rows(min_row=COVER + 2)]
    assert [c.value for c in cells[: len(hostile) + 1]] == [*hostile, None]  # the contents follow
    assert {c.data_type for c in cells[: len(hostile)]} == {"s"}
    note = book["运行信息"]["B2"]
    assert (note.value, note.data_type) == ("=2+2", "s")


BANNER = "注意：以下数字使用了暂定费率表，不是最终结算依据：js-2018（苏政发〔2019〕2号）。"


def banner_report() -> Report:
    """The sample report with a banner (and a chart) on its lines table."""
    lines = Table("lines", "明细", LINE_COLUMNS, LINES, totals=True, chart=("amount",))
    return Report("t", (replace(lines, banner=BANNER, chart_note="含暂定数"), SUMMARY), MANIFEST)


def test_xlsx_banner_is_the_first_row_and_the_table_moves_down_one(tmp_path: Path) -> None:
    write_report(banner_report(), tmp_path / "b.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "b.xlsx")["明细"]
    assert sheet["A3"].value == BANNER and sheet["A3"].data_type == "s"  # under the title and unit
    merged = sorted((r.min_row, str(r)) for r in sheet.merged_cells.ranges)
    assert [m for row, m in merged if row <= 8] == ["A1:F1", "A2:F2", "A3:F3"]  # the contents below
    a3 = sheet["A3"]
    assert a3.font.b and a3.alignment.wrap_text and a3.fill.fgColor.rgb == "FFFFEB9C"
    assert [c.value for c in sheet[4]] == [c.zh for c in LINE_COLUMNS]
    assert sheet["A5"].value == "吴江区"
    assert [c.value for c in sheet[8]] == ["合计", "=SUM(B5:B7)", "=SUM(C5:C7)", None, "=SUM(E5:E7)", None]
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:F7"
    assert sheet.print_title_rows == "$3:$4"
    cached = openpyxl.load_workbook(tmp_path / "b.xlsx", data_only=True)["明细"]
    assert Decimal(str(cached["C8"].value)) == EXACT_AMOUNT
    frame = pd.read_excel(tmp_path / "b.xlsx", sheet_name="明细", header=COVER + 1)
    assert list(frame.columns) == [c.zh for c in LINE_COLUMNS]
    with zipfile.ZipFile(tmp_path / "b.xlsx") as archive:
        chart = archive.read("xl/charts/chart1.xml").decode("utf-8")
    assert "统筹资金（元）（含暂定数）" in chart and "$A$5:$A$7" in chart and "$C$5:$C$7" in chart
    other = openpyxl.load_workbook(tmp_path / "b.xlsx")["汇总"]  # a table without a banner
    assert other["A1"].value == "项目" and other.freeze_panes == "A2"


def test_xlsx_banner_over_a_single_column(tmp_path: Path) -> None:
    table = Table("notes", "说明", (Column("item", "项目", "text"),), [{"item": "x"}], banner=BANNER)
    write_report(Report("t", (table,), {}), tmp_path / "one.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "one.xlsx")["说明"]
    assert [sheet.cell(row, 1).value for row in range(1, 6)] == ["t", "金额单位：元", BANNER, "项目", "x"]
    assert not sheet.merged_cells.ranges


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_exports_leave_the_banner_out(tmp_path: Path, fmt: str) -> None:
    plain, bannered = tmp_path / "plain", tmp_path / "banner"
    plain.mkdir()
    bannered.mkdir()
    with_chart = replace(make_report().tables[0], chart=("amount",))
    write_report(Report("t", (with_chart, SUMMARY), MANIFEST), plain / f"r.{fmt}")
    write_report(banner_report(), bannered / f"r.{fmt}")
    names = sorted(p.name for p in plain.iterdir())
    assert names == sorted(p.name for p in bannered.iterdir())
    for name in names:
        assert (plain / name).read_bytes() == (bannered / name).read_bytes(), name


def test_xlsx_run_info_sheet_labels_the_manifest(xlsx: Path) -> None:
    """Known keys read as labelled rows (the tariff tables used: 费率表); a key ecocomp has no
    label for still shows, under its key path, so nothing of the manifest is left out."""
    rows = list(openpyxl.load_workbook(xlsx)["运行信息"].iter_rows(values_only=True))
    assert rows[0] == ("项目", "值")
    assert rows[1:] == [
        ("费率表", "js-2018"),
        ("a.z", "1"),
        ("checked", "是"),
        ("rate", "1.40"),
        ("version", "0.1.0"),
    ]


def test_xlsx_english_names(tmp_path: Path) -> None:
    write_report(make_report(), tmp_path / "r.xlsx", language="en")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["lines", "summary", "run_info"]
    assert (book["lines"]["A1"].value, book["lines"]["A2"].value) == (
        "污染物排放统筹资金 2018年度",
        "Amounts in: yuan",
    )
    assert book["lines"]["A3"].value == "district" and book["lines"]["A7"].value == "Total"


def test_xlsx_widths_count_wide_characters_twice(xlsx: Path) -> None:
    assert text_width("吴江区") == 6 and text_width("ab") == 2 and text_width("（") == 2
    sheet = openpyxl.load_workbook(xlsx)["明细"]
    assert sheet.column_dimensions["C"].width > len("24,000,000.00")
    assert sheet.column_dimensions["A"].width >= text_width('=HYPERLINK("http://x")')


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["a/b:c", "x" * 40, "X" * 40, "'q'", "History", ""])
    assert names[0] == "a_b_c" and names[3] == "q"
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[4] != "History"


def test_xlsx_refuses_money_beyond_fifteen_digits(tmp_path: Path) -> None:
    rows = [{"item": "x", "amount": Decimal("12345678901234.56")}]
    report = Report("t", (Table("summary", "汇总", SUMMARY.columns, rows),), {})
    with pytest.raises(MoneyError, match="15"):
        write_report(report, tmp_path / "r.xlsx")
    assert list(tmp_path.iterdir()) == []
    write_report(report, tmp_path / "r.json")  # the exact formats keep every digit
    assert "12345678901234.56" in (tmp_path / "r.json").read_text("utf-8")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
        max_size=30,
    )
)
def test_cached_total_equals_exact_sum(amounts: list[Decimal]) -> None:
    columns = (Column("item", "项目", "text"), Column("amount", "金额", "money", total=True))
    rows = [{"item": str(i), "amount": a} for i, a in enumerate(amounts)]
    table = Table("lines", "明细", columns, rows, totals=True)
    exact = sum(amounts, Decimal("0.00"))
    assert column_totals(table) == {"amount": exact}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.xlsx"
        write_report(Report("t", (table,), {}), path)
        cached = openpyxl.load_workbook(path, data_only=True)["明细"].cell(COVER + len(rows) + 2, 2).value
    assert Decimal(str(cached)) == exact


# --- Parquet ------------------------------------------------------------------------------------


def test_parquet_keeps_exact_decimals(tmp_path: Path) -> None:
    written = write_report(make_report(), tmp_path / "r.parquet")
    names = ["r.parquet", "r.summary.parquet", "r.manifest.json", "r.datapackage.json"]
    assert written == [tmp_path / n for n in names]
    table = pq.read_table(tmp_path / "r.parquet")
    assert str(table.schema.field("amount").type) == "decimal128(38, 2)"
    # the declared scale, whatever the data: files of several runs read together without loss
    assert str(table.schema.field("tonnes").type) == "decimal128(38, 6)"
    assert str(table.schema.field("share").type) == "decimal128(38, 10)"
    assert table.column("amount").to_pylist() == [row["amount"] for row in LINES]
    about = json.loads(table.schema.metadata[b"ecocomp"])
    assert about["schema_version"] == CONTRACT_VERSION
    assert about["totals"] == {"tonnes": "13.845", "amount": "23998765.54", "firms": 6}


# --- refusals and atomic writing ----------------------------------------------------------------


@pytest.mark.parametrize("ext", ["xlsx", "csv", "json", "parquet"])
def test_failure_midway_leaves_nothing(tmp_path: Path, ext: str) -> None:
    old = tmp_path / f"r.{ext}"
    old.write_bytes(b"previous report")
    broken = Table("summary", "汇总", SUMMARY.columns, [{"item": "\ud800", "amount": Decimal(1)}])
    report = Report("t", (make_report().tables[0], broken), {})
    with pytest.raises(UnicodeEncodeError):
        write_report(report, old)
    assert sorted(p.name for p in tmp_path.iterdir()) == [old.name]
    assert old.read_bytes() == b"previous report"


@pytest.mark.parametrize(
    ("row", "manifest"),
    [
        ({"item": "x", "amount": 0.1}, {}),
        ({"item": "x", "amount": Decimal(1), "note": 1.5}, {}),
        ({"item": "x", "amount": Decimal(1)}, {"run": {"rate": 0.25}}),
    ],
)
def test_float_is_refused(tmp_path: Path, row: dict[str, object], manifest: dict[str, object]) -> None:
    report = Report("t", (Table("summary", "汇总", SUMMARY.columns, [row]),), manifest)
    for ext in ("json", "csv", "xlsx"):
        with pytest.raises(MoneyError, match="float"):
            write_report(report, tmp_path / f"r.{ext}")
    assert list(tmp_path.iterdir()) == []


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.xlsx, \.csv, \.json, \.parquet"):
        write_report(make_report(), tmp_path / "r.xls")
    with pytest.raises(UsageError, match="format 'pdf'"):
        write_report(make_report(), tmp_path / "r.xlsx", fmt="pdf")
    assert write_report(make_report(), tmp_path / "report", fmt="JSON") == [tmp_path / "report"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (Table("summary", "汇总", SUMMARY.columns, [{"item": "x"}]), "no value for column 'amount'"),
        (Table("summary", "汇总", SUMMARY.columns, [{"item": 3, "amount": None}]), "not a valid text"),
        (Table("summary", "汇总", SUMMARY.columns, [{"item": "x", "amount": True}]), "not a valid money"),
        (Table("Sum mary", "汇总", SUMMARY.columns, []), "lower-case"),
        (Table("totals", "汇总", SUMMARY.columns, []), "lower-case"),
        (Table("s", "汇总", (Column("a", "甲", "ratio", total=True),), []), "cannot be totalled"),
    ],
)
def test_bad_tables_are_refused(tmp_path: Path, table: Table, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        write_report(Report("t", (table,), {}), tmp_path / "r.json")


def test_bad_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="language"):
        write_report(make_report(), tmp_path / "r.csv", language="fr")
    with pytest.raises(UsageError, match="encoding"):
        write_report(make_report(), tmp_path / "r.csv", csv_encoding="no-such-codec")
    with pytest.raises(UsageError, match="does not exist"):
        write_report(make_report(), tmp_path / "missing" / "r.csv")
    with pytest.raises(UsageError, match="twice"):
        write_report(Report("t", (SUMMARY, SUMMARY), {}), tmp_path / "r.csv")


def test_a_value_finer_than_its_declared_scale_is_refused_not_rounded(tmp_path: Path) -> None:
    fine = [dict(LINES[0]) | {"tonnes": Decimal("1.1234567")}]
    report = Report("t", (Table("lines", "明细", LINE_COLUMNS, fine),), {})
    for ext in ("json", "csv", "parquet", "xlsx"):
        with pytest.raises(ExportError, match=r"1\.1234567 has 7 digits after the point.*declares 6"):
            write_report(report, tmp_path / f"r.{ext}")
    assert not list(tmp_path.iterdir())
    trailing = [dict(LINES[0]) | {"tonnes": Decimal("1.5000000000")}]  # zeros are not places
    write_report(Report("t", (Table("lines", "明细", LINE_COLUMNS, trailing),), {}), tmp_path / "ok.json")


def test_a_month_is_yyyy_mm_in_every_format(tmp_path: Path) -> None:
    columns = (Column("month", "月份", "month"), Column("amount", "金额(元)", "money"))
    rows = [{"month": date(2018, 3, 1), "amount": Decimal("1.00")}, {"month": "2018-04", "amount": None}]
    report = Report("t", (Table("m", "按月", columns, rows),), {})
    write_report(report, tmp_path / "r.json")
    assert [r["month"] for r in json.loads((tmp_path / "r.json").read_text("utf-8"))["m"]] == [
        "2018-03",
        "2018-04",
    ]
    write_report(report, tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_bytes().decode("utf-8-sig").split("\r\n")[1:3] == [
        "2018-03,1.00",
        "2018-04,",
    ]
    write_report(report, tmp_path / "r.parquet")
    table = pq.read_table(tmp_path / "r.parquet")
    assert str(table.schema.field("month").type) == "string"
    assert table.column("month").to_pylist() == ["2018-03", "2018-04"]
    write_report(report, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert sheet["A4"].value == "2018-03" and sheet["A4"].data_type == "s"
    bad = Report("t", (Table("m", "按月", columns, [{"month": "2018-13", "amount": None}]),), {})
    with pytest.raises(UsageError, match="not a valid month value"):
        write_report(bad, tmp_path / "bad.json")
