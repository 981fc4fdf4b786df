"""`ecocomp settle`: the main job on the shipped example, end to end, in every format.

The example is settled once per session and its report written once per format (conftest.py);
the tests that change the inputs or the config run their own settlement.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pyarrow.parquet as pq
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.examples import examples_dir
from ecocomp.families.registry import register, unregister
from ecocomp.reports.model import Column, Report, Table, column_totals
from ecocomp.reports.schema import schema_text, shipped_schema
from ecocomp.settlement.report import provisional_banner, settlement_report
from ecocomp.settlement.run import Settlement, run_settlement
from ecocomp.settlement.schemas import example_reports, report_schemas, schema_names
from tests.families.flatfee.family import DATA, FLATFEE, TARIFFS

from .example import ENV, serving, settle
from .libreoffice import recalculated_sheets, soffice

EXAMPLE = examples_dir() / "suzhou-2018"


# The first sheet's layout (ecocomp.reports.xlsx): the cover (title, cover lines, unit), the
# banner if any, the header, then the lines with a heading row before each group.
def cover_rows(sheet: Any) -> int:
    """The cover's rows above the first table: the title, each cover line (those of the report
    plus the run's time, which the command adds), the money unit (the cover's last row)."""
    return next(row for row in range(2, 30) if sheet.cell(row, 1).value == "金额单位：元")


def printed(table: Table) -> list[str]:
    """The keys of the columns that print: the print columns, else all but the group column."""
    return list(table.print_columns) or [c.key for c in table.columns if c.key != table.group]


def sheet_columns(table: Table) -> list[Column]:
    """The table's columns in sheet order: those that print first, then the others."""
    first = [c for c in table.columns if c.key in printed(table)]
    return first + [c for c in table.columns if c.key not in printed(table)]


def entries(table: Table) -> list[object]:
    """The rows under the header: a group's label (a heading row) before each run of one value
    of the group column, then the lines (row mappings)."""
    if table.group is None:
        return list(table.rows)
    column = next(c for c in table.columns if c.key == table.group)
    out: list[object] = []
    for i, row in enumerate(table.rows):
        if i == 0 or row[column.key] != table.rows[i - 1][column.key]:
            out.append(dict(column.labels).get(str(row[column.key]), row[column.key]))
        out.append(row)
    return out


def test_workbook_sheets_and_cached_totals(workbook: Path, report: Report) -> None:
    book = openpyxl.load_workbook(workbook, data_only=True)
    assert book.sheetnames[:3] == ["汇总", "汇总图表", "统筹资金汇总"]
    assert {"剔除记录", "费率表", "运行信息"} <= set(book.sheetnames)
    summary = book["汇总"]
    header = [c.value for c in summary[cover_rows(summary) + 2]]  # under the cover and the banner
    total_row = next(r for r in summary.iter_rows(values_only=True) if r[0] == "合计")
    for key, total in column_totals(report.tables[0]).items():
        column = next(c for c in report.tables[0].columns if c.key == key)
        assert Decimal(str(total_row[header.index(column.zh)])) == total, key
    info = {r[0]: r[1] for r in book["运行信息"].iter_rows(min_row=2, values_only=True)}
    assert info["命令"] == "结算" and re.fullmatch(
        r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", info["运行时间（北京时间）"]
    )
    assert any(k.endswith("内容哈希(SHA-256)") for k in info) and not any("families." in k for k in info)


PROVISIONAL = (
    "jiangsu-electricity-2016",
    "jiangsu-fund-2018",
    "jiangsu-sewage-2016",
    "jiangsu-water-2017",
    "suzhou-water-2017",
)


def test_summary_sheet_opens_with_the_provisional_banner(
    workbook: Path, report: Report, settlement: Settlement
) -> None:
    summary = report.tables[0]
    banner = summary.banner
    assert banner is not None and banner.startswith("注意：以下数字使用了暂定费率表，不是最终结算依据：")
    assert "provisional" not in banner
    used = {t.id: t for run in settlement.runs.values() for t in run.result.tariffs}
    assert sorted(i for i, t in used.items() if t.header.status == "provisional") == list(PROVISIONAL)
    named = [f"{i}（{used[i].header.document}）" for i in PROVISIONAL]
    assert banner.endswith("、".join(named) + "。")
    assert [banner.index(n) for n in named] == sorted(banner.index(n) for n in named)  # sorted by id
    assert banner == provisional_banner(list(used.values()))

    sheet = openpyxl.load_workbook(workbook)["汇总"]
    top = cover_rows(sheet)
    banner_row, header_row = top + 1, top + 2
    columns = sheet_columns(summary)
    prints = len(printed(summary))
    last, last_printed = get_column_letter(len(columns)), get_column_letter(prints)
    cover = [report.title, *(f"{line.zh}：{line.value}" for line in report.cover), "金额单位：元"]
    shown = [sheet.cell(row, 1).value for row in range(1, top + 1)]
    assert [line for line in shown if not line.startswith("运行时间（北京时间）：")] == cover
    assert len(shown) == len(cover) + 1  # and the time of the run
    assert sheet.cell(banner_row, 1).value == banner and sheet.cell(banner_row, 1).data_type == "s"
    cell = sheet.cell(banner_row, 1)
    assert cell.font.b and cell.alignment.wrap_text and cell.fill.fgColor.rgb == "FF" + "FFEB9C"
    assert [c.value for c in sheet[header_row]] == [c.zh for c in columns]
    rows = entries(summary)
    code_col = next(i for i, c in enumerate(columns, start=1) if c.key == "district_code")
    for offset, entry in enumerate(rows, start=1):
        if isinstance(entry, dict):
            assert sheet.cell(header_row + offset, code_col).value == entry["district_code"]
        else:  # a group's heading: its label in column A only
            assert [c.value for c in sheet[header_row + offset]] == [entry] + [None] * (len(columns) - 1)
    assert len(rows) > len(summary.rows)  # 汇总 is grouped (本市 / 市区 / 省级 / 外市)
    totals_row = header_row + len(rows) + 1
    assert sheet.cell(totals_row, 1).value == "合计"
    # a blank row, then the notes naming the uncertain values the marked figures rest on
    assert summary.notes and sheet.cell(totals_row + 1, 1).value is None
    notes = [sheet.cell(totals_row + 2 + i, 1).value for i in range(len(summary.notes))]
    assert notes == list(summary.notes)
    notes_end = totals_row + 1 + len(summary.notes) + (1 if prints < len(columns) else 0)
    if prints < len(columns):  # a note says which columns print
        only = f"打印页只含左起 {prints} 列；其余 {len(columns) - prints} 列只在屏幕上，位于右侧。"
        assert sheet.cell(notes_end, 1).value == only
    # then a blank row and the contents (on screen only): 目录 and one line per sheet
    sheets = openpyxl.load_workbook(workbook).sheetnames
    assert sheet.cell(notes_end + 1, 1).value is None and sheet.cell(notes_end + 2, 1).value == "目录"
    assert sheet.max_row == notes_end + 2 + len(sheets)
    contents = [str(sheet.cell(notes_end + 3 + i, 1).value) for i in range(len(sheets))]
    assert [line.startswith(name) for line, name in zip(contents, sheets, strict=True)] == [True] * len(
        sheets
    )
    merged = sorted((r.min_row, str(r)) for r in sheet.merged_cells.ranges)
    merged_rows = [*range(1, banner_row + 1), *range(totals_row + 2, notes_end + 1)]
    merged_rows += range(notes_end + 2, notes_end + 3 + len(sheets))
    assert merged == [(row, f"A{row}:{last_printed}{row}") for row in merged_rows]  # cover, banner, notes
    sums = 0
    for col, column in enumerate(columns, start=1):
        cell = sheet.cell(totals_row, col)
        if column.total:
            letter = cell.column_letter
            assert cell.value == f"=SUM({letter}{header_row + 1}:{letter}{totals_row - 1})", column.key
            sums += 1
    assert sums == sum(c.total for c in summary.columns) >= 8
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert (
        sheet.auto_filter.ref == f"A{header_row}:{last}{totals_row - 1}"
    )  # header and lines, not the totals
    assert sheet.print_title_rows == f"${banner_row}:${header_row}"


def test_summary_chart_title_says_it_includes_provisional_figures(workbook: Path, report: Report) -> None:
    summary = report.tables[0]
    with zipfile.ZipFile(workbook) as archive:
        charts = [
            archive.read(n).decode("utf-8")
            for n in sorted(archive.namelist())
            if re.fullmatch(r"xl/charts/chart\d+\.xml", n)
        ]
    assert len(charts) == len(summary.charts) >= 3  # one per family, on the sheet 汇总图表
    header_row = cover_rows(openpyxl.load_workbook(workbook)["汇总"]) + 2
    lines = [row for row, e in enumerate(entries(summary), start=header_row + 1) if isinstance(e, dict)]
    runs: list[list[int]] = []
    for row in lines:
        if runs and runs[-1][-1] == row - 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    cells = [f"汇总!$A${r[0]}:$A${r[-1]}" if len(r) > 1 else f"汇总!$A${r[0]}" for r in runs]
    categories = "(" + ",".join(cells) + ")" if len(cells) > 1 else cells[0]
    for chart, xml in zip(summary.charts, charts, strict=True):
        title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("</c:title>")[0]))
        note = f"（{summary.chart_note}）" if summary.chart_note else ""
        assert title == chart.zh + note and title.endswith("（含暂定数）"), title
        refs = [ref.replace("'", "") for ref in re.findall(r"<c:f>([^<]*)</c:f>", xml)]
        assert refs[1] == categories  # the lines only: no group heading, no totals row


def test_terminal_summary_starts_with_the_banner(settlement: Settlement, report: Report) -> None:
    with serving(settlement):
        result = CliRunner().invoke(app, ["settle", "--example", "suzhou-2018"], env=ENV)
    assert result.exit_code == 0, result.output
    banner = report.tables[0].banner
    assert banner is not None
    opening = ""  # the banner comes first, wrapped to the terminal's width, not a character lost
    for line in result.stdout.splitlines():
        opening += line
        if len(opening) >= len(banner):
            break
    assert opening == banner
    assert "注意" not in result.stderr


def test_every_summary_figure_on_a_provisional_table_is_marked(
    workbook: Path, settlement: Settlement
) -> None:
    """On the example every family's tables are provisional (PROVISIONAL): each place's figures of
    a family are marked 暂定 exactly where the place has figures of that family; read back from
    the workbook, the marks are the Chinese labels."""
    sheet = openpyxl.load_workbook(workbook, data_only=True)["汇总"]
    top = cover_rows(sheet) + 2  # the header, under the cover and banner
    header = [c.value for c in sheet[top]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=top + 1, values_only=True)]
    rows = rows[: next(i for i, r in enumerate(rows) if r["地区"] == "合计")]
    rows = [r for r in rows if r["地区代码"] is not None]  # not the groups' heading rows
    groups = {
        "统筹资金依据等级": ("统筹资金(元)", "返还(元)", "奖励(元)", "净上缴(元)"),
        "水补偿依据等级": ("水补偿支付(元)", "水补偿收到(元)", "水补偿净额(元)"),
        "加价依据等级": ("差别电价加价(元)", "差别水价加价(元)", "加价合计(元)"),
    }
    assert set(groups) <= set(header)
    marked = 0
    for row in rows:
        for mark, figures in groups.items():
            has_figures = any(row[f] is not None for f in figures)
            assert row[mark] == ("暂定" if has_figures else None), (row["地区"], mark)
            marked += has_figures
    assert marked >= 20
    notes = [str(r[0]) for r in sheet.iter_rows(values_only=True) if r[0] and "（暂定）" in str(r[0])]
    for table in ("jiangsu-fund-2018", "jiangsu-water-2017", "suzhou-water-2017", "jiangsu-electricity-2016"):
        assert any(n.startswith(f"{table}:") and f"{table}:tariff.status（暂定）" in n for n in notes), table


@pytest.fixture
def flatfee() -> Iterator[None]:
    """The test-only family, whose one table (jiangsu-flat-2018) is settled."""
    register(FLATFEE)
    yield
    unregister(FLATFEE.key)


def test_a_settlement_on_settled_tables_shows_no_banner(flatfee: None, tmp_path: Path) -> None:
    shutil.copy(DATA / "deliveries.csv", tmp_path)
    config = tmp_path / "settle.toml"
    config.write_text(
        f'year = 2018\ntariffs = [{str(TARIFFS)!r}]\n[flatfee]\ndeliveries = "deliveries.csv"\n', "utf-8"
    )
    settled = settlement_report(run_settlement(config))
    summary = settled.tables[0]
    assert summary.banner is None and summary.chart_note is None
    out = tmp_path / "s.xlsx"
    code, output = settle(str(config), "-o", str(out))
    assert code == 0, output
    sheet = openpyxl.load_workbook(out)["汇总"]
    header_row = cover_rows(sheet) + 1  # right under the cover: no banner
    columns = sheet_columns(summary)
    assert [c.value for c in sheet[header_row]] == [c.zh for c in columns]
    rows = entries(summary)
    total = header_row + len(rows) + 1
    # nothing merged but the cover and the contents (after a blank row under the totals)
    assert [r.min_row for r in sheet.merged_cells.ranges if header_row - 1 <= r.min_row <= total + 1] == [
        header_row - 1
    ]
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    column = next(i for i, c in enumerate(columns, start=1) if c.key == "flat_fee")
    cell = sheet.cell(total, column)
    assert cell.value == f"=SUM({cell.column_letter}{header_row + 1}:{cell.column_letter}{total - 1})"
    mark = [c.value for c in sheet[header_row]].index("定额费依据等级") + 1
    lines = [row for row, e in enumerate(rows, start=header_row + 1) if isinstance(e, dict)]
    assert {sheet.cell(row, mark).value for row in lines} == {"已核实"}
    # nothing uncertain: no note names a provisional value; the notes, then the contents
    assert not any("暂定" in note for note in summary.notes)
    notes = [sheet.cell(total + 2 + i, 1).value for i in range(len(summary.notes) + 1)]
    prints = len(printed(summary))
    only = f"打印页只含左起 {prints} 列；其余 {len(columns) - prints} 列只在屏幕上，位于右侧。"
    assert sheet.cell(total + 1, 1).value is None and notes == [*summary.notes, only]
    after = total + 3 + len(summary.notes)
    assert sheet.cell(after, 1).value is None and sheet.cell(after + 1, 1).value == "目录"
    with zipfile.ZipFile(out) as archive:
        chart = next(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/charts/")
        )
    assert "暂定" not in chart
    result = CliRunner().invoke(app, ["settle", str(config)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "注意" not in result.output and "暂定" not in result.output
    assert result.stdout.lstrip().startswith(settlement_report(run_settlement(config)).title)


@pytest.mark.slow
def test_libreoffice_recalculates_every_total_to_ecocomps_figures(workbook: Path, tmp_path: Path) -> None:
    if soffice() is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed here; .ci/run installs it")
    recalculated = recalculated_sheets(workbook, tmp_path)
    cached = openpyxl.load_workbook(workbook, data_only=True)
    formulas = openpyxl.load_workbook(workbook)
    checked = 0
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=SUM("):
                    ours = Decimal(str(cached[sheet.title][cell.coordinate].value))
                    theirs = Decimal(recalculated[sheet.title][cell.row - 1][cell.column - 1])
                    assert theirs.quantize(Decimal("0.01")) == ours.quantize(Decimal("0.01")), (
                        sheet.title,
                        cell.coordinate,
                    )
                    checked += 1
    assert checked >= 20


def test_libreoffice_check_can_fail(tmp_path: Path) -> None:
    """The recalculation really recalculates: a wrong cached value comes back corrected."""
    if soffice() is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed here; .ci/run installs it")
    import xlsxwriter

    path = tmp_path / "wrong.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("汇总")
    sheet.write_number(1, 0, 1.25)
    sheet.write_number(2, 0, 2.5)
    sheet.write_formula(3, 0, "=SUM(A2:A3)", None, 999)
    book.close()
    assert recalculated_sheets(path, tmp_path)["汇总"][3][0] == "3.75"


def run_json(tmp_path: Path, name: str, *args: str) -> dict:  # type: ignore[type-arg]
    out = tmp_path / f"{name}.json"
    result = CliRunner().invoke(app, [*args, "-o", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text("utf-8"))  # type: ignore[no-any-return]


def read_json(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]


def test_summary_columns_equal_the_family_commands_totals(tmp_path: Path, exports: dict[str, Path]) -> None:
    names = ("emissions", "indicators", "sections", "monitoring", "section_shares", "bills", "ratings")
    ex = {name: str(EXAMPLE / f"{name}.csv") for name in names}
    settled = read_json(exports["json"])["totals"]["summary"]
    f = run_json(tmp_path, "f", "fund", ex["emissions"], "--year", "2018", "--indicators", ex["indicators"])
    w = run_json(tmp_path, "w", "water", ex["sections"], ex["monitoring"], "--shares", ex["section_shares"],
                 "--from", "2018-01", "--to", "2018-12")  # fmt: skip
    year = ("--from", "2018-01", "--to", "2018-12")
    c = run_json(tmp_path, "c", "surcharge", ex["bills"], ex["ratings"], *year)["summary"]
    f, w = f["totals"]["summary"], w["totals"]["summary"]
    assert (settled["fund"], settled["fund_return"], settled["fund_net"]) == (
        f["fund"],
        f["return_amount"],
        f["net"],
    )
    assert (settled["water_paid"], settled["water_received"]) == (w["paid"], w["received"])
    assert settled["water_net"] == w["net"]
    assert (settled["electricity_surcharge"], settled["water_surcharge"]) == (
        c["electricity_surcharge"],
        c["water_surcharge"],
    )
    assert settled["surcharge_total"] == c["total"]


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_exports_are_deterministic(
    exports: dict[str, Path], exports_again: dict[str, Path], fmt: str
) -> None:
    """Two settlements of the example, each computed on its own, write the same bytes."""
    first, second = exports[fmt].parent, exports_again[fmt].parent
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) and len(names) >= (1 if fmt == "json" else 5)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_csv_and_parquet_read_back(exports: dict[str, Path]) -> None:
    data = read_json(exports["json"])
    nets = {r["district_code"]: r["water_net"] for r in data["summary"]}
    table = pq.read_table(exports["parquet"])
    assert str(table.schema.field("water_net").type).startswith("decimal128")
    codes, values = table.column("district_code").to_pylist(), table.column("water_net").to_pylist()
    got = {c: (None if v is None else format(v, "f")) for c, v in zip(codes, values, strict=True)}
    assert got == nets
    english = exports["csv-en"]
    raw = english.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert (english.parent / "settlement.manifest.json").exists()
    assert (english.parent / "settlement.fund_lines.csv").exists()


def test_json_output_validates_against_the_shipped_schema(exports: dict[str, Path]) -> None:
    document = read_json(exports["json"])
    jsonschema.validate(document, shipped_schema("settlement"))
    document["summary"][0]["fund"] = 12.5  # a JSON number where a decimal string belongs
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, shipped_schema("settlement"))


def test_shipped_schemas_are_up_to_date() -> None:
    schemas = report_schemas(example_reports())
    assert tuple(schemas) == schema_names() == ("settlement", "fund", "water")
    for name in schema_names():
        assert schema_text(schemas[name]) == schema_text(shipped_schema(name)), (
            f"run `python -m ecocomp.settlement.schemas` to refresh {name}.schema.json"
        )


def test_text_from_an_input_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE, folder)
    sections = folder / "sections.csv"
    text = sections.read_text("utf-8-sig").replace("望虞河琳桥", "=1+2", 1)
    sections.write_text(
        text.replace("阳澄湖湖心", "@SUM(A1)", 1).replace("淀山湖", "+cmd|calc", 1), "utf-8-sig"
    )
    out = tmp_path / "s.xlsx"
    code, output = settle(str(folder / "settle.toml"), "-o", str(out))
    assert code == 0, output
    sheet = openpyxl.load_workbook(out)["水补偿明细"]
    names = {c.value for c in sheet["B"][1:]}
    assert {"=1+2", "@SUM(A1)"} <= names
    cells = [c for c in sheet["B"][1:] if c.value in ("=1+2", "@SUM(A1)") or str(c.value).startswith("+cmd")]
    assert len(cells) >= 3 and all(c.data_type == "s" for c in cells)


def test_a_failure_half_way_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settlement: Settlement
) -> None:
    import ecocomp.reports.xlsx as xlsx

    calls = {"n": 0}
    original = xlsx._write_sheet

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        return original(*args, **kwargs)

    monkeypatch.setattr(xlsx, "_write_sheet", failing)
    with serving(settlement):
        code, output = settle("--example", "suzhou-2018", "-o", str(tmp_path / "s.xlsx"))
    assert code == 1 and "No space left on device" in output
    assert list(tmp_path.iterdir()) == []


def test_settlement_charges_the_bills_of_its_year_only(exports: dict[str, Path]) -> None:
    data = read_json(exports["json"])
    counts = data["manifest"]["families"]["surcharge"]["reconciliation"]
    months = {r["month"] for r in data["surcharge_by_month"]}
    assert months == {f"2018-{m:02d}" for m in range(1, 13)}
    assert counts["bills_rows_read"] == counts["charged"] + counts["outside_period"] == 7200
    assert counts["outside_period"] == 3600  # the example's 2019 bills


def test_bad_config_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "settle.toml"
    config.write_text('year = 2018\n[fund]\nemissions = "nope.csv"\n', "utf-8")
    code, output = settle(str(config))
    assert code == 1
    assert 'fund.emissions = "nope.csv": no such file' in output
    config.write_text('year = "2018"\n[fund]\nemission = "x.csv"\n', "utf-8")
    code, output = settle(str(config))
    assert code == 1 and 'settle.toml: year = "2018": should be a whole number' in output
    assert "fund.emissions: is required" in output
    assert 'fund.emission = "x.csv": unknown key (did you mean fund.emissions?)' in output


def test_unknown_example_is_a_usage_error() -> None:
    code, output = settle("--example", "nanjing-2030")
    assert code == 2 and "known: suzhou-2018" in output


def test_require_settled_refuses_the_provisional_example_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    code, output = settle("--example", "suzhou-2018", "--require", "settled", "-o", str(out))
    assert code == 1 and not out.exists()
    assert "5 table(s) in use are not settled" in output
    for table in (
        "jiangsu-electricity-2016",
        "jiangsu-fund-2018",
        "jiangsu-sewage-2016",
        "jiangsu-water-2017",
        "suzhou-water-2017",
    ):
        assert f"  {table} (" in output and "provisional" in output
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE, folder)
    config = folder / "settle.toml"
    config.write_text('require = "settled"\n' + config.read_text("utf-8"), "utf-8")
    code, output = settle(str(config), "-o", str(out))
    assert (
        code == 1 and not out.exists() and "jiangsu-water-2017 (苏环办〔2016〕341号): provisional" in output
    )


def test_settle_range_json_validates_against_the_shipped_schema(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    args = ["settle", "--example", "suzhou-2018", "--range", "-o", str(out)]
    code, output = settle(*args[1:])
    assert code == 0, output
    data = json.loads(out.read_text("utf-8"))
    jsonschema.validate(data, shipped_schema("settlement"))
    assert {"water_net_low", "water_net_high", "water_evidence"} <= set(data["summary"][0])
    data["summary"][0]["water_net_low"] = 1.5  # a JSON number where a decimal string belongs
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, shipped_schema("settlement"))
