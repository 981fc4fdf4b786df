"""`ecocomp settle --range`: the figures at the low and at the high reading of every ranged
tariff value, beside the central ones in 汇总 (issue 12, point 3).

A small settlement of the test-only flat-fee family on a user table whose rate 12.5 is
provisional within 10..15.25 re-derives the figures by hand; the shipped example with that
table settles every family with the range; without the range the report is what it was.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.examples import examples_dir
from ecocomp.families.registry import register, unregister
from ecocomp.reports.model import Report, column_totals
from ecocomp.reports.write import write_report
from ecocomp.settlement.report import settlement_report, summary_columns
from ecocomp.settlement.run import Settlement, run_settlement
from tests.builders import header_row
from tests.families.flatfee.family import DATA, FLATFEE
from tests.tariffs.test_readings import ranged_flat_table

ENV = {"ECOCOMP_TARIFFS": ""}
CENT = Decimal("0.01")


@pytest.fixture(autouse=True)
def flatfee() -> Iterator[None]:
    register(FLATFEE)
    yield
    unregister(FLATFEE.key)


def flat_config(folder: Path, low: str = "10", high: str = "15.25", extra: str = "") -> Path:
    """A settlement of the flat fee alone, on the user table with the rate's range low..high."""
    ranged_flat_table(folder / "my-tariffs", low, high)
    shutil.copy(DATA / "deliveries.csv", folder)
    config = folder / "settle.toml"
    config.write_text(
        f'year = 2018\ntariffs = ["my-tariffs"]\n{extra}\n[flatfee]\ndeliveries = "deliveries.csv"\n', "utf-8"
    )
    return config


def example_config_with_range_table(folder: Path) -> Path:
    """The shipped 2018 example with the flat fee's section and ranged table."""
    shutil.copytree(examples_dir() / "suzhou-2018", folder)
    ranged_flat_table(folder / "my-tariffs", "10", "15.25")
    shutil.copy(DATA / "deliveries.csv", folder)
    config = folder / "settle.toml"
    text = config.read_text("utf-8")
    config.write_text(
        f'tariffs = ["my-tariffs"]\n{text}\n[flatfee]\ndeliveries = "deliveries.csv"\n', "utf-8"
    )
    return config


def summary(report: Report) -> dict[str, dict[str, object]]:
    table = report.tables[0]
    assert table.key == "summary"
    return {str(row["district"]): dict(row) for row in table.rows}


def money_keys() -> list[str]:
    return [c.key for c in summary_columns() if c.kind == "money"]


def json_bytes(settlement: Settlement, out: Path) -> bytes:
    write_report(settlement_report(settlement), out)
    return out.read_bytes()


def test_the_low_and_high_figures_re_derived_by_hand(tmp_path: Path) -> None:
    settlement = run_settlement(flat_config(tmp_path), with_range=True)
    assert set(settlement.readings) == {"low", "high"}
    report = settlement_report(settlement)
    rows = summary(report)
    # 交付量 1,000.5 t, 200.004 t and 3 t; 12.5, 10 and 15.25 元/吨, each line rounded half up to the fen
    by_hand = {
        "苏州市区": ("12506.25", "10005.00", "15257.63"),  # 1000.5 × 15.25 = 15257.625 -> 15257.63
        "昆山市": ("2500.05", "2000.04", "3050.06"),  # 200.004 × 15.25 = 3050.061 -> 3050.06
        "太仓市": ("37.50", "30.00", "45.75"),
    }
    for place, (central, low, high) in by_hand.items():
        row = rows[place]
        assert (row["flat_fee"], row["flat_fee_low"], row["flat_fee_high"]) == tuple(
            Decimal(v) for v in (central, low, high)
        ), place
    totals = column_totals(report.tables[0])
    assert totals["flat_fee"] == Decimal("15043.80")
    # a sum of per-place extremes is the figure of no reading: the range columns have no total,
    # each reading's own totals are in the run info and in the notes under 汇总
    assert "flat_fee_low" not in totals and "flat_fee_high" not in totals
    columns = {c.key: c for c in report.tables[0].columns}
    assert columns["flat_fee_low"].zh == "定额费(元)·低" and columns["flat_fee_high"].zh == "定额费(元)·高"
    assert not columns["flat_fee_low"].total and columns["flat_fee_high"].kind == "money"
    info = report.manifest["range"]
    assert isinstance(info, dict)
    assert info["ranged_values"] == {"jiangsu-flat-2018": {"rate": "10..15.25"}}
    # 12,506.25 + 2,500.05 + 37.50 at 12.5 元/吨; 15,257.63 + 3,050.06 + 45.75 at 15.25 元/吨
    assert info["totals"]["low"]["flat_fee"] == "12035.04"
    assert info["totals"]["central"]["flat_fee"] == "15043.80"
    assert info["totals"]["high"]["flat_fee"] == "18353.44"
    assert "合计（低值）：定额费(元) 12,035.04" in report.tables[0].notes


def test_low_and_high_are_the_least_and_greatest_whatever_way_a_bound_moves(tmp_path: Path) -> None:
    """Which way a bound moves a place is computed: with the readings swapped the columns stay."""
    settlement = run_settlement(flat_config(tmp_path), with_range=True)
    swapped = replace(
        settlement, readings={"low": settlement.readings["high"], "high": settlement.readings["low"]}
    )
    assert settlement_report(swapped).tables[0].rows == settlement_report(settlement).tables[0].rows


def test_low_equal_high_equal_value_gives_three_identical_columns(tmp_path: Path) -> None:
    settlement = run_settlement(flat_config(tmp_path, "12.5", "12.5"), with_range=True)
    for row in settlement_report(settlement).tables[0].rows:
        for key in money_keys():
            assert row[key] == row[f"{key}_low"] == row[f"{key}_high"], (row["district"], key)


def test_without_the_range_no_extra_columns_and_the_same_bytes(tmp_path: Path) -> None:
    config = flat_config(tmp_path)
    plain = run_settlement(config)
    ranged = run_settlement(config, with_range=True)
    assert not plain.readings and not plain.with_range
    keys = {c.key for c in settlement_report(plain).tables[0].columns}
    assert not any(k.endswith(("_low", "_high")) for k in keys)
    before = json_bytes(plain, tmp_path / "plain.json")
    assert json_bytes(replace(ranged, readings={}), tmp_path / "dropped.json") == before
    with_range = json_bytes(ranged, tmp_path / "ranged.json")
    assert with_range != before
    data = json.loads(with_range)
    assert {"flat_fee_low", "flat_fee_high"} <= set(data["summary"][0])
    assert not {"flat_fee_low", "flat_fee_high"} & set(data["totals"]["summary"])
    assert data["manifest"]["range"]["totals"]["high"]["flat_fee"] == "18353.44"
    assert "range" not in json.loads(before)["manifest"]


def test_settle_range_on_the_example_every_family_low_central_high(tmp_path: Path) -> None:
    config = example_config_with_range_table(tmp_path / "ex")
    out = tmp_path / "settlement.xlsx"
    result = CliRunner().invoke(app, ["settle", str(config), "--range", "-o", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out, data_only=True)
    sheet = book["汇总"]
    top = header_row(sheet, "地区")  # under the title, the cover lines and the banner
    assert str(sheet.cell(top - 1, 1).value).startswith("注意：")  # the example's tables are provisional
    header = [c.value for c in sheet[top]]
    every = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=top + 1, values_only=True)]
    end = next(i for i, r in enumerate(every) if r[header[0]] == "合计")
    rows, totals, notes_rows = every[:end], every[end], every[end + 1 :]
    checked = 0
    for column in (c for c in summary_columns() if c.kind == "money"):
        low, high = f"{column.zh}·低", f"{column.zh}·高"
        at = header.index(column.zh)
        assert (header.index(low), header.index(high)) == (at + 1, at + 2)
        for row in rows:
            if row[column.zh] is None:
                assert row[low] is None and row[high] is None
                continue
            central = Decimal(str(row[column.zh])).quantize(CENT)
            assert Decimal(str(row[low])).quantize(CENT) <= central <= Decimal(str(row[high])).quantize(CENT)
            checked += 1
    assert checked >= 20
    assert totals["定额费(元)·高"] is None  # no total of per-place extremes
    notes = [str(r[header[0]]) for r in notes_rows if str(r[header[0]]).startswith("合计（")]
    assert "定额费(元) 18,353.44" in next(n for n in notes if n.startswith("合计（高值）"))


def test_the_terminal_summary_shows_central_low_and_high(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["settle", str(flat_config(tmp_path)), "--range"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "中/低/高" in result.output
    for figure in ("12,506.25", "10,005.00", "15,257.63", "15,043.80", "12,035.04", "18,353.44"):
        assert figure in result.output, figure
    plain = CliRunner().invoke(app, ["settle", str(flat_config(tmp_path / "plain"))], env=ENV)
    assert plain.exit_code == 0 and "中/低/高" not in plain.output and "10,005.00" not in plain.output


def test_range_true_in_the_config_and_a_bad_value_is_refused(tmp_path: Path) -> None:
    settlement = run_settlement(flat_config(tmp_path / "a", extra="range = true"))
    assert settlement.with_range
    assert settlement_report(settlement).manifest["config"]["range"] is True  # type: ignore[index]
    bad = flat_config(tmp_path / "b", extra='range = "yes"')
    result = CliRunner().invoke(app, ["settle", str(bad)], env=ENV)
    assert result.exit_code != 0 and "range" in result.output, result.output
