"""`ecocomp ledger check`: exit codes, summary, --issues-out (through typer's CliRunner)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from ecocomp.cli.main import app
from tests.builders import LEDGERS

runner = CliRunner()


def test_clean_ledger_exits_0() -> None:
    result = runner.invoke(app, ["ledger", "check", "carbon", str(LEDGERS / "carbon_good.csv")])
    assert result.exit_code == 0, result.output
    assert "2 rows read, 2 accepted, 0 rejected" in result.output


def test_bad_ledger_exits_1_with_summary() -> None:
    result = runner.invoke(app, ["ledger", "check", "bills", str(LEDGERS / "bills_bad.csv")])
    assert result.exit_code == 1
    assert "6 rows read, 0 accepted, 6 rejected" in result.output
    assert "line 5 区县 '外星'" in result.output
    assert "Traceback" not in result.output


def test_issues_out_csv_has_every_issue_with_bom(tmp_path: Path) -> None:
    out = tmp_path / "issues.csv"
    result = runner.invoke(
        app, ["ledger", "check", "emissions", str(LEDGERS / "emissions_bad.csv"), "--issues-out", str(out)]
    )
    assert result.exit_code == 1
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines()))
    assert len(rows) == 11
    assert rows[4] == {
        "file": "emissions_bad.csv",
        "line": "6",
        "column": "排放量",
        "value": "1.2345678",
        "code": "too_many_decimals",
        "message": rows[4]["message"],
    }
    assert rows[3]["value"] == "-3"  # a plain negative number is not guarded


def test_issues_out_xlsx_keeps_formula_like_values_as_text(tmp_path: Path) -> None:
    ledger = tmp_path / "r.csv"
    ledger.write_text("企业名称,信用等级,有效期起\n=CMD(),紫,2018-01-01\n", encoding="utf-8")
    out = tmp_path / "issues.xlsx"
    result = runner.invoke(app, ["ledger", "check", "ratings", str(ledger), "--issues-out", str(out)])
    assert result.exit_code == 1
    sheet = load_workbook(out).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:5] == ["r.csv", 2, "信用等级", "紫", "unknown_code"]
    assert sheet["A2"].data_type == "s"


def flat(text: str) -> str:
    """The text without whitespace or box lines, so that a message wrapped in a box still matches."""
    return "".join(text.replace("│", " ").split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["nonsense", str(LEDGERS / "carbon_good.csv")],
            "ecocomp: usage error: unknown ledger kind 'nonsense'; use one of: emissions, indicators, "
            "carbon, sections, section_shares, monitoring, ratings, bills",
        ),
        (
            ["carbon", str(LEDGERS / "no-such-file.csv")],
            "Invalid value for 'file': file '" + str(LEDGERS / "no-such-file.csv") + "' does not exist.",
        ),
        (
            ["carbon", str(LEDGERS / "carbon_good.csv"), "--issues-out", "x.txt"],
            "ecocomp: usage error: --issues-out x.txt: give a file ending in .csv or .xlsx",
        ),
    ],
    ids=["unknown-kind", "missing-file", "issues-out-suffix"],
)
def test_bad_usage_exits_2(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["ledger", "check", *args])
    assert result.exit_code == 2
    assert flat(message) in flat(result.output)
    assert "rows read" not in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no issues file, nothing else


def test_structure_error_exits_1_with_expected_columns() -> None:
    result = runner.invoke(
        app, ["ledger", "check", "emissions", str(LEDGERS / "structure_missing_column.csv")]
    )
    assert result.exit_code == 1
    assert "Expected columns" in result.output and "Found: 年度, 地区, 排放量" in result.output
