"""`ecocomp fund` end to end on the shipped examples: xlsx, csv and json read back to the same figures."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app
from tests.builders import EX18, EX21, LEDGERS, header_row

ENV = {"ECOCOMP_TARIFFS": ""}

# POLICY.md family A, 苏政发〔2019〕2号: 苏南 2000 yuan per t, TP per 100 kg (so 20 000 per t).
RATE_2018_SOUTH = {
    "COD": 2000,
    "NH3-N": 2000,
    "SO2": 2000,
    "NOx": 2000,
    "TN": 2000,
    "VOCs": 2000,
    "TP": 20000,
}
REWARD_2018 = {
    "空气质量优良天数比率": Decimal("0.15"),
    "PM2.5年均浓度": Decimal("0.10"),
    "地表水达到或好于Ⅲ类比例": Decimal("0.10"),
    "地表水功能区达标率": Decimal("0.10"),
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["fund", *args], env=ENV)
    return result.exit_code, result.output


def fund_2018(out: Path) -> tuple[int, str]:
    return run(
        str(EX18 / "emissions.csv"),
        "--year",
        "2018",
        "--indicators",
        str(EX18 / "indicators.csv"),
        "-o",
        str(out),
    )


def test_json_figures_follow_from_the_policy_by_hand(tmp_path: Path) -> None:
    code, output = fund_2018(tmp_path / "fund.json")
    assert code == 0, output
    data = json.loads((tmp_path / "fund.json").read_text("utf-8"))
    for line in data["lines"]:
        tonnes = Decimal(line["quantity"])  # the example ledger is in tonnes
        assert Decimal(line["amount"]) == (tonnes * RATE_2018_SOUTH[line["pollutant"]]).quantize(
            Decimal("0.01")
        )
        assert isinstance(line["amount"], str) and isinstance(line["rate"], str)
    for payer in data["summary"]:
        lines = [Decimal(x["amount"]) for x in data["lines"] if x["payer_code"] == payer["payer_code"]]
        assert Decimal(payer["fund"]) == sum(lines, Decimal(0))
        met = [m for m in payer["indicators_met"].split("、") if m]
        assert Decimal(payer["reward_ratio"]) == sum((REWARD_2018[m] for m in met), Decimal(0))
        # 158号 return, continued (provisional): 40 % less 5 points per missed task of 7
        missed = [m for m in payer["tasks_missed"].split("、") if m]
        assert len(missed) + len(payer["tasks_met"].split("、")) == 7
        assert Decimal(payer["return_ratio"]) == Decimal("0.40") - Decimal("0.05") * len(missed)
        for ratio, amount in (("return_ratio", "return_amount"), ("reward_ratio", "reward_amount")):
            exact = Decimal(payer["fund"]) * Decimal(payer[ratio])
            assert Decimal(payer[amount]) == exact.quantize(Decimal("0.01"))
        paid_back = Decimal(payer["return_amount"]) + Decimal(payer["reward_amount"])
        assert Decimal(payer["net"]) + paid_back == Decimal(payer["fund"])
    manifest = data["manifest"]
    assert manifest["reconciliation"] == {
        "emissions_rows_read": 35,
        "billed": 35,
        "excluded": 0,
        "rejected_by_ledger_check": 0,
        "rejected_by_rules": 0,
    }
    assert manifest["tariffs"][0]["document"] == "苏政发〔2019〕2号"
    assert len(manifest["inputs"][0]["sha256"]) == 64


def test_xlsx_and_csv_read_back_to_the_json_figures(tmp_path: Path) -> None:
    assert fund_2018(tmp_path / "fund.json")[0] == 0
    assert fund_2018(tmp_path / "fund.xlsx")[0] == 0
    assert fund_2018(tmp_path / "fund.csv")[0] == 0
    data = json.loads((tmp_path / "fund.json").read_text("utf-8"))
    expected = {p["payer"]: Decimal(p["net"]) for p in data["summary"]}
    total_fund = sum((Decimal(p["fund"]) for p in data["summary"]), Decimal(0))

    book = openpyxl.load_workbook(tmp_path / "fund.xlsx", data_only=True)
    assert book.sheetnames[:5] == ["汇总", "明细", "不计费记录", "剔除记录", "费率表"]
    sheet = book["汇总"]
    top = header_row(sheet, "缴费主体")  # under the title and the cover lines
    header = [c.value for c in sheet[top]]
    rows = list(sheet.iter_rows(min_row=top + 1, values_only=True))
    end = next(i for i, r in enumerate(rows) if r[0] == "合计")  # the notes follow the totals
    rows, total_row = rows[:end], rows[end]
    got = {r[0]: Decimal(str(r[header.index("净上缴(元)")])) for r in rows}
    assert got == expected
    assert Decimal(str(total_row[header.index("统筹资金(元)")])) == total_fund
    formulas = openpyxl.load_workbook(tmp_path / "fund.xlsx")["汇总"]
    assert str(formulas.cell(top + len(rows) + 1, header.index("统筹资金(元)") + 1).value).startswith("=SUM(")

    summary = pd.read_csv(tmp_path / "fund.csv", dtype=str, encoding="utf-8-sig")
    body = summary[summary["缴费主体"] != "合计"]
    assert dict(zip(body["缴费主体"], body["净上缴(元)"].map(Decimal), strict=True)) == expected
    lines = pd.read_csv(tmp_path / "fund.lines.csv", dtype=str, encoding="utf-8-sig")
    assert len(lines[lines.iloc[:, 0] != "合计"]) == 35


def test_2021_example_with_carbon_excludes_so2(tmp_path: Path) -> None:
    out = tmp_path / "fund21.json"
    code, output = run(
        str(EX21 / "emissions.csv"), "--year", "2021", "--indicators", str(EX21 / "indicators.csv"),
        "--carbon", str(EX21 / "carbon.csv"), "-o", str(out),
    )  # fmt: skip
    assert code == 0, output
    data = json.loads(out.read_text("utf-8"))
    assert {x["pollutant"] for x in data["excluded"]} == {"SO2"}
    assert {x["reason"] for x in data["excluded"]} == {
        "二氧化硫 is not billed under 苏政发〔2022〕31号 (2021-)"
    }
    assert {x["payer"] for x in data["excluded"]} == {"苏州市", "常熟市", "张家港市", "昆山市", "太仓市"}
    kunshan_cod = next(x for x in data["lines"] if x["payer"] == "昆山市" and x["pollutant"] == "COD")
    assert Decimal(kunshan_cod["amount"]) == Decimal("76604500.00")  # 15 320.9 t x 5000 yuan: no k per line
    kunshan = next(p for p in data["summary"] if p["payer"] == "昆山市")
    lines = [Decimal(x["amount"]) for x in data["lines"] if x["payer"] == "昆山市"]
    assert Decimal(kunshan["basic_fund"]) == sum(lines, Decimal(0))
    # fund = basic fund x 0.4427 / 0.6215 (example carbon ledger), rounded once to the fen
    exact = Decimal(kunshan["basic_fund"]) * Decimal("0.4427") / Decimal("0.6215")
    assert Decimal(kunshan["fund"]) == exact.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert kunshan["return_amount"] == "0.00"  # no reduction-task return from 2021
    tp = next(x for x in data["lines"] if x["payer"] == "昆山市" and x["pollutant"] == "TP")
    assert tp["unit"] == "kg" and tp["billing_unit"] == "100kg"


def test_bad_ledger_stops_with_exit_1_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "fund.xlsx"
    code, output = run(str(LEDGERS / "emissions_bad.csv"), "--year", "2018", "-o", str(out))
    assert code == 1
    assert "problem(s) in the ledger" in output and "unknown place '昆仑'" in output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_missing_indicators_stop_the_run(tmp_path: Path) -> None:
    code, output = run(str(EX18 / "emissions.csv"), "--year", "2018", "-o", str(tmp_path / "x.json"))
    assert code == 1
    assert "no indicators ledger was given (--indicators)" in output


def test_skip_invalid_reports_rejected_rows_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "emissions.csv"
    text = (EX18 / "emissions.csv").read_text("utf-8-sig") + "2018,昆仑市,化学需氧量,5,吨\r\n"
    bad.write_text(text, "utf-8-sig")
    out = tmp_path / "fund.json"
    code, _ = run(
        str(bad),
        "--year",
        "2018",
        "--indicators",
        str(EX18 / "indicators.csv"),
        "--skip-invalid",
        "-o",
        str(out),
    )
    assert code == 1
    data = json.loads(out.read_text("utf-8"))
    assert [(r["line"], r["code"]) for r in data["rejected"]] == [(38, "unknown_place")]
    counts = data["manifest"]["reconciliation"]
    assert (
        counts["emissions_rows_read"] == 36
        and counts["billed"] == 35
        and counts["rejected_by_ledger_check"] == 1
    )


@pytest.mark.parametrize("year", ["2015", "1999"])
def test_a_year_without_a_table_names_the_covered_years(year: str) -> None:
    code, output = run(
        str(EX18 / "emissions.csv"), "--year", year, "--indicators", str(EX18 / "indicators.csv")
    )
    assert code == 1
    assert f"assessment year {year}. Covered: 2016 (jiangsu-fund-2016);" in output


def test_a_year_with_no_rows_stops_naming_the_years_the_ledger_holds(tmp_path: Path) -> None:
    # issue 14: a run in which no row is for the year asked for stops (it printed 0.00 and exit 0)
    out = tmp_path / "fund.json"
    code, output = run(str(EX18 / "emissions.csv"), "--year", "2017", "-o", str(out))
    assert code == 1 and not out.exists()
    assert "emissions.csv holds the years 2018; no row is for 2017" in output


def test_issues_out_gets_every_problem_when_a_strict_run_stops(tmp_path: Path) -> None:
    issues = tmp_path / "problems.csv"
    bad = str(LEDGERS / "emissions_bad.csv")
    code, output = run(bad, "--year", "2018", "--issues-out", str(issues), "-o", str(tmp_path / "fund.json"))
    assert code == 1 and not (tmp_path / "fund.json").exists()
    assert f"wrote 11 problem(s) to {issues}" in output
    rows = pd.read_csv(issues, dtype=str, encoding="utf-8-sig")
    assert len(rows) == 11  # every problem of the ledger, not only the first ones shown on screen
    assert set(rows["code"]) >= {"duplicate_key", "unknown_place", "negative", "field_count"}


def test_issues_out_needs_csv_or_xlsx(tmp_path: Path) -> None:
    code, output = run(str(EX18 / "emissions.csv"), "--year", "2018", "--issues-out", str(tmp_path / "p.txt"))
    assert code == 2 and "give a file ending in .csv or .xlsx" in output
