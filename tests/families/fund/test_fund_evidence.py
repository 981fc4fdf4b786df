"""Issue 12, points 1-2 for the fund: each line and each payer says how sure it is.

Expectations come from the tariff files read here with `tomllib`, never from ecocomp's own
walk of them: a reference "<id>:<path>" in `evidence_values` must name a value or rule whose
tag in the TOML is the one printed, and a table with `status = "provisional"` makes every line
that uses it provisional.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from typer.testing import CliRunner

from ecocomp.cli.main import app
from tests.builders import EX18, header_row

ENV = {"ECOCOMP_TARIFFS": ""}
TARIFFS = Path(__file__).resolve().parents[3] / "tariffs"
FUND_2018 = TARIFFS / "pollutant_fund" / "jiangsu-fund-2018.toml"
PLACES = TARIFFS / "places" / "jiangsu-places.toml"
RANK = {"verified": 0, "translated": 1, "inferred": 2, "provisional": 3}
USE = re.compile(r"^(?P<table>[^:]+):(?P<path>\S+) \((?P<tag>[a-z]+)\)$")


def fund(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    args = ["fund", str(EX18 / "emissions.csv"), "--indicators", str(EX18 / "indicators.csv")]
    result = CliRunner().invoke(app, [*args, "-y", "2018", *extra, "-o", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    return out


def tag_in_toml(data: dict[str, Any], path: str) -> str:
    """The evidence tag at a key path ("return_rule.kind", "rates.south") of a TOML table."""
    node: Any = data
    for part in path.split("."):
        node = node[part]
    return str(node["evidence"])


def place_tags() -> dict[str, str]:
    return {p["code"]: p["evidence"] for p in tomllib.loads(PLACES.read_text("utf-8"))["place"]}


def check_uses(text: str, tables: dict[str, dict[str, Any]]) -> str:
    """Every use named in an `evidence_values` cell carries its TOML tag; returns the weakest."""
    weakest = "verified"
    places = place_tags()
    for use in filter(None, text.split("; ")):
        m = USE.match(use)
        assert m, use
        table, path, tag = m["table"], m["path"], m["tag"]
        if path == "tariff.status":
            assert tables[table]["tariff"]["status"] == "provisional" and tag == "provisional"
        elif path.startswith("place."):
            assert places[path.removeprefix("place.")] == tag, use
        else:
            assert tag_in_toml(tables[table], path) == tag, use
        assert tag != "verified", use  # only the values to check are listed
        weakest = max(weakest, tag, key=RANK.__getitem__)
    return weakest


def test_every_line_and_payer_of_the_2018_example_rests_on_the_provisional_table(tmp_path: Path) -> None:
    data = json.loads(fund(tmp_path, "fund.json").read_text("utf-8"))
    tables = {"jiangsu-fund-2018": tomllib.loads(FUND_2018.read_text("utf-8"))}
    assert tables["jiangsu-fund-2018"]["tariff"]["status"] == "provisional"
    for row in data["lines"] + data["summary"]:
        assert row["evidence"] == "provisional", row
        assert "jiangsu-fund-2018:tariff.status (provisional)" in row["evidence_values"]
        assert check_uses(row["evidence_values"], tables) == row["evidence"]
    # the payer's figure also rests on the return rule the line does not use
    for payer in data["summary"]:
        assert "jiangsu-fund-2018:return_rule.kind (provisional)" in payer["evidence_values"]
    for line in data["lines"]:
        assert "return_rule" not in line["evidence_values"]


def verified_fund_table(folder: Path) -> Path:
    """jiangsu-fund-2018 with every tag verified and the table settled (a user's checked copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = FUND_2018.read_text("utf-8")
    text = re.sub(r'evidence = "[a-z]+"', 'evidence = "verified"', text)
    text = text.replace('status = "provisional"', 'status = "settled"')
    (folder / "jiangsu-fund-2018.toml").write_text(text, "utf-8")
    return folder


def test_verified_values_give_verified_lines_and_no_notes(tmp_path: Path) -> None:
    tariffs = verified_fund_table(tmp_path / "my-tariffs")
    data = json.loads(fund(tmp_path, "fund.json", "--tariffs", str(tariffs)).read_text("utf-8"))
    places = place_tags()
    for row in data["lines"] + data["summary"]:
        # what is left uncertain is the payer's places entry alone (苏州市's region class is inferred)
        expected = places[row["payer_code"]]
        assert row["evidence"] == expected, row
        if expected == "verified":
            assert row["evidence_values"] == ""
        else:
            assert row["evidence_values"] == f"places-jiangsu:place.{row['payer_code']} ({expected})"
    marks = {p["payer"]: p["evidence"] for p in data["summary"]}
    assert marks["常熟市"] == "verified" and marks["苏州市"] == "inferred"


def test_workbook_shows_chinese_labels_and_the_note_csv_keeps_the_code(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(fund(tmp_path, "fund.xlsx"))
    for sheet_name, first in (("汇总", "缴费主体"), ("明细", "台账行号")):
        sheet = book[sheet_name]
        top = header_row(sheet, first)  # 汇总 opens with the title and the cover lines
        header = [c.value for c in sheet[top]]
        at = header.index("依据等级")
        assert "未核实的依据值" in header[at + 1 :]  # 汇总 prints its figures first, the texts follow
        rows = list(sheet.iter_rows(min_row=top + 1, values_only=True))
        end = next(i for i, r in enumerate(rows) if r[0] == "合计")
        assert rows[:end] and {r[at] for r in rows[:end]} == {"暂定"}, sheet_name
    summary = list(book["汇总"].iter_rows(values_only=True))
    notes = [str(r[0]) for r in summary if r[0] and str(r[0]).startswith(("注：", "jiangsu-", "places-"))]
    assert notes[0].startswith("注：依据等级为“暂定”或“推定”的数字")
    assert any(
        n.startswith("jiangsu-fund-2018:") and "jiangsu-fund-2018:return_rule.kind（暂定）" in n
        for n in notes
    )

    out = fund(tmp_path, "fund.csv")
    with (out.parent / "fund.lines.csv").open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle))
    assert lines and {r["依据等级"] for r in lines if r["台账行号"].isdigit()} == {"provisional"}


def ranged_fund_table(folder: Path, low: str, high: str) -> Path:
    """jiangsu-fund-2018 with the 苏南 rate 2000 made provisional with the range low..high."""
    folder.mkdir(parents=True, exist_ok=True)
    text = FUND_2018.read_text("utf-8").replace(
        '[rates.south]\nvalue = 2000\nunit = "CNY/billing_unit"\nevidence = "verified"\n',
        f'[rates.south]\nvalue = 2000\nlow = {low}\nhigh = {high}\nunit = "CNY/billing_unit"\n'
        'evidence = "provisional"\n',
    )
    assert f"low = {low}" in text
    (folder / "jiangsu-fund-2018.toml").write_text(text, "utf-8")
    return folder


def test_fund_range_scales_each_payer_by_the_rate_bound(tmp_path: Path) -> None:
    tariffs = ranged_fund_table(tmp_path / "my-tariffs", "1500", "3000")
    out = fund(tmp_path, "fund.json", "--tariffs", str(tariffs), "--range")
    data = json.loads(out.read_text("utf-8"))
    payers = {p["payer"]: p for p in data["summary"]}
    suzhou = payers["苏州市"]
    # every 苏南 line is quantity x 2000 (TP per 100 kg): the fund scales with the rate exactly,
    # 404,117,900.00 x 1500/2000 and x 3000/2000
    assert (suzhou["fund"], suzhou["fund_low"], suzhou["fund_high"]) == (
        "404117900.00",
        "303088425.00",
        "606176850.00",
    )
    for payer in payers.values():
        for key in ("fund", "return_amount", "reward_amount", "net"):
            low, central, high = (Decimal(payer[f"{key}{end}"]) for end in ("_low", "", "_high"))
            assert low <= central <= high, (payer["payer"], key)
    totals = data["manifest"]["range"]["totals"]
    assert totals["low"]["fund"] == str(sum(Decimal(p["fund_low"]) for p in payers.values()))
    assert "fund_low" not in data["totals"]["summary"]


def test_fund_range_with_low_equal_high_equal_value_gives_three_identical_columns(tmp_path: Path) -> None:
    tariffs = ranged_fund_table(tmp_path / "my-tariffs", "2000", "2000")
    data = json.loads(fund(tmp_path, "fund.json", "--tariffs", str(tariffs), "--range").read_text("utf-8"))
    for payer in data["summary"]:
        for key in ("basic_fund", "fund", "return_amount", "reward_amount", "net"):
            assert payer[key] == payer[f"{key}_low"] == payer[f"{key}_high"], (payer["payer"], key)
