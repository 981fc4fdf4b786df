"""Issue 15: what a settlement workbook prints. The detail sheets are hidden (not printed) unless
`--details`; 汇总's printed page holds the place, each family's headline figures and its
evidence mark, and nothing else (the other figures are on screen and on the family's own page)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.families.registry import FAMILIES
from tests.builders import header_row

SUMMARIES = ("汇总", "统筹资金汇总", "水补偿汇总", "加价按地区")
DETAILS = ("统筹资金明细", "水补偿明细", "水补偿分担明细", "加价重点企业")


def _settle(tmp_path: Path, *extra: str) -> openpyxl.Workbook:
    out = tmp_path / "s.xlsx"
    result = CliRunner().invoke(app, ["settle", "--example", "suzhou-2018", "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return _settle(tmp_path_factory.mktemp("settle"))


def test_detail_sheets_are_hidden_and_summaries_shown_by_default(book: openpyxl.Workbook) -> None:
    states = {s.title: s.sheet_state for s in book.worksheets}
    assert all(states[name] == "visible" for name in SUMMARIES)
    assert all(states[name] == "hidden" for name in DETAILS)
    assert book.active.title == "汇总"


def test_details_option_shows_every_sheet(tmp_path: Path) -> None:
    shown = _settle(tmp_path, "--details")
    assert {s.sheet_state for s in shown.worksheets} == {"visible"}


def test_the_printed_page_of_the_summary_holds_the_headline_figures(book: openpyxl.Workbook) -> None:
    sheet = book["汇总"]
    top = header_row(sheet, "地区")
    last = re.search(r"\$([A-Z]+)\$\d+$", str(sheet.print_area))
    assert last is not None, sheet.print_area
    printed = [sheet.cell(top, col).value for col in range(1, column_index_from_string(last.group(1)) + 1)]
    others = [c.value for c in sheet[top][len(printed) :] if c.value]
    wanted = {"地区", "地区代码"}
    for family in FAMILIES.values():
        columns = {c.key: c.zh for c in family.summary_columns}
        wanted |= {columns[key] for key in family.headline_columns} | {f"{family.prefix_zh}依据等级"}
    assert set(printed) == wanted
    # on screen, beyond the print area: the rest of the figures, e.g. what water paid and received
    assert {"水补偿支付(元)", "水补偿收到(元)", "差别电价加价(元)", "分组"} <= set(others)
