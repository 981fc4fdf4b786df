"""The terminal summary of `ecocomp settle` (no -o): every amount of 汇总 and its totals digit for
digit in an 80-column terminal, in 万元 with --wan-yuan, and as tab-separated text with --plain.

The expected amounts come from the JSON report of the same run (the export contract), summed and
formatted here, never from the terminal code.
"""

from __future__ import annotations

import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.cli.settle import family_sections
from ecocomp.cli.summary import print_summary, wrap_cells
from ecocomp.families.registry import FAMILIES
from ecocomp.settlement.report import settlement_report
from ecocomp.settlement.run import run_settlement
from tests.builders import EX18

ENV = {"ECOCOMP_TARIFFS": ""}
BOX = set("─│┃━┏┓┗┛┡┩╭╮╰╯┼┬┴")
MONEY = [c.key for f in FAMILIES.values() for c in f.summary_columns if c.kind == "money"]
CLOSING = "、，。；：）》〕"


def settle(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["settle", "--example", "suzhou-2018", *args], env=ENV | (env or {}))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    """汇总's rows as the JSON report of the same run has them."""
    out = tmp_path_factory.mktemp("json") / "s.json"
    code, _, err = settle("-o", str(out))
    assert code == 0, err
    rows: list[dict[str, object]] = json.loads(out.read_text("utf-8"))["summary"]
    return rows


def amounts(rows: list[dict[str, object]]) -> list[Decimal]:
    """Every amount of 汇总 and each money column's total, exact."""
    found = [Decimal(str(r[k])) for r in rows for k in MONEY if r.get(k) is not None]
    totals = [sum((Decimal(str(r[k])) for r in rows if r.get(k) is not None), Decimal("0.00")) for k in MONEY]
    return found + totals


def shown_in(text: str, figure: str) -> bool:
    """`figure` appears whole: no digit, comma or point glued to either side."""
    return re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d,])", text) is not None


def widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


def test_every_amount_digit_for_digit_at_80_columns(summary: list[dict[str, object]]) -> None:
    code, out, err = settle(env={"COLUMNS": "80"})
    assert code == 0, err
    assert widest(out) <= 80
    figures = amounts(summary)
    assert len(figures) >= 60
    missing = [f"{f:,.2f}" for f in figures if not shown_in(out, f"{f:,.2f}")]
    assert not missing, missing
    assert "…" not in out
    assert "404,117,900.00" in out and "1,034,599,060.00" in out  # the cut amount, the fund total


@pytest.mark.parametrize("width", [80, 60, 40])
def test_a_rich_console_of_any_width_shows_every_amount(summary: list[dict[str, object]], width: int) -> None:
    report = settlement_report(run_settlement(EX18 / "settle.toml"))
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    print_summary(report, sections=family_sections(report, "zh"), console=console)
    text = buffer.getvalue()
    assert widest(text) <= width
    assert all(shown_in(text, f"{f:,.2f}") for f in amounts(summary))


def test_the_title_cover_unit_and_group_headings_come_with_the_figures() -> None:
    code, out, _ = settle(env={"COLUMNS": "80"})
    report = settlement_report(run_settlement(EX18 / "settle.toml"))
    assert code == 0
    lines = [line.rstrip() for line in out.splitlines()]
    table = report.tables[0]
    assert report.heading("zh") in lines
    assert "金额单位：元" in lines
    for cover in report.cover:
        assert f"{cover.label('zh')}：{cover.shown('zh')}" in out
    heading = lines.index(report.heading("zh"))
    assert heading < lines.index("金额单位：元") < lines.index(FAMILIES["fund"].title_zh + "（1/2）")
    if table.group is not None:
        column = next(c for c in table.columns if c.key == table.group)
        for value in {str(r[table.group]) for r in table.rows}:
            assert f"【{column.shown(value, 'zh')}】" in lines, value


def test_wan_yuan_shows_every_amount_in_wan_yuan_half_up(summary: list[dict[str, object]]) -> None:
    code, out, err = settle("--wan-yuan", env={"COLUMNS": "80"})
    assert code == 0, err
    assert "金额单位：万元" in out and "(万元)" in out and "(元)" not in out
    wan = [(f / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for f in amounts(summary)]
    missing = [f"{w:,.2f}" for w in wan if not shown_in(out, f"{w:,.2f}")]
    assert not missing, missing
    assert "40,411.79" in out and not shown_in(out, "404,117,900.00")


def test_plain_is_tab_separated_with_every_exact_amount(summary: list[dict[str, object]]) -> None:
    code, out, err = settle("--plain", env={"COLUMNS": "40"})
    assert code == 0, err
    assert not BOX & set(out) and "\x1b" not in out
    lines = out.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("地区\t"))
    header = lines[header_at].split("\t")
    rows = [
        dict(zip(header, line.split("\t"), strict=True)) for line in lines[header_at + 1 :] if "\t" in line
    ]
    by_place = {r["地区"]: r for r in rows}
    zh = {c.key: c.zh for f in FAMILIES.values() for c in f.summary_columns}
    for row in summary:
        shown = by_place[str(row["district"])]
        for key in MONEY:
            expected = "" if row.get(key) is None else str(Decimal(str(row[key])))
            assert shown[zh[key]] == expected, (row["district"], key)
    total = sum((Decimal(str(r["fund"])) for r in summary if r.get("fund") is not None), Decimal("0.00"))
    assert by_place["合计"][zh["fund"]] == f"{total}"
    banner = next(line for line in lines if line.startswith("注意："))
    assert banner.endswith("。")  # the notice on one line, never wrapped


def test_english_headers_and_totals_with_lang_en(summary: list[dict[str, object]]) -> None:
    code, out, err = settle("--lang", "en", env={"COLUMNS": "80"})
    assert code == 0, err
    lines = out.splitlines()
    assert "Amounts in yuan" in lines and any(line.startswith("Total ") for line in lines)
    assert not any(line.startswith(("合计", "地区", "金额单位")) for line in lines)
    assert any(line.startswith("district ") for line in lines)
    assert all(shown_in(out, f"{f:,.2f}") for f in amounts(summary))
    assert "warning: jiangsu-fund-2018" in err


@pytest.mark.parametrize("width", [8, 12, 20, 80])
def test_wrapping_loses_no_character_and_starts_no_line_with_a_closing_mark(width: int) -> None:
    text = (
        "注意：以下数字使用了暂定费率表，不是最终结算依据：jiangsu-electricity-2016（江苏省环保信用评价"
        "差别电价(试行), 文号未见）、jiangsu-fund-2018（苏政发〔2019〕2号）、差别电价加价(元)"
    )
    lines = wrap_cells(text, width).split("\n")
    assert "".join(lines) == text
    assert all(cell_len(line) <= max(width, 2) for line in lines)
    assert not any(line[0] in CLOSING for line in lines[1:])


def test_example_2021_settles_when_it_ships(tmp_path: Path) -> None:
    config = EX18.parent / "suzhou-2021" / "settle.toml"
    if not config.exists():
        pytest.skip("examples/suzhou-2021 has no settle.toml yet")
    result = CliRunner().invoke(app, ["settle", "--example", "suzhou-2021"], env=ENV | {"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert widest(result.stdout) <= 80
