"""The command line's messages in Chinese and in English: the catalogue is complete, --lang and
$ECOCOMP_LANG choose the language (else the output language), and a run with rejected rows says
where they are (never "in the report" when no report was written).

The test session runs with $ECOCOMP_LANG=en (tests/conftest.py): these tests ask for Chinese
with --lang zh or their own environment.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecocomp import messages
from ecocomp.cli.common import interrupted
from ecocomp.cli.main import app
from ecocomp.messages import CATALOGUE, fields_of
from tests.builders import EX18

ENV = {"ECOCOMP_TARIFFS": ""}


def invoke(*args: str, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=ENV | (env or {}))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def bad_emissions(tmp_path: Path) -> Path:
    """The example's emissions ledger with one quantity that is not a number (line 3)."""
    text = (EX18 / "emissions.csv").read_text("utf-8-sig")
    assert '"38,650.4"' in text
    path = tmp_path / "emissions.csv"
    path.write_text(text.replace('"38,650.4"', "abc", 1), "utf-8-sig")
    shutil.copy(EX18 / "indicators.csv", tmp_path / "indicators.csv")
    return path


def fund(ledger: Path, *args: str, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
    indicators = str(ledger.parent / "indicators.csv")
    return invoke("fund", str(ledger), "-y", "2018", "--indicators", indicators, *args, env=env)


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    assert len(CATALOGUE) >= 40
    for key, texts in CATALOGUE.items():
        assert set(texts) == {"zh", "en"}, key
        assert texts["zh"].strip() and texts["en"].strip(), key
        assert fields_of(texts["zh"]) == fields_of(texts["en"]), key


def test_the_chinese_texts_are_chinese() -> None:
    """Every Chinese text but the pure formats (e.g. "{label}：{value}") has Chinese in it."""
    for key, texts in CATALOGUE.items():
        bare = texts["zh"]
        for name in fields_of(bare):
            bare = bare.replace("{" + name + "}", "")
        if any(ch.isalpha() for ch in bare):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in bare), key


def test_usage_error_in_each_language() -> None:
    code, _, err = invoke("settle", "--lang", "zh")
    assert code == 2
    assert err.strip() == "ecocomp：用法错误：请给出配置文件 CONFIG 或 --example 示例名，二者只选其一"
    code, _, err = invoke("settle", "--lang", "en")
    assert code == 2 and err.strip() == "ecocomp: usage error: give either a CONFIG file or --example NAME"


def test_ecocomp_lang_chooses_the_messages_when_lang_is_not_given() -> None:
    code, _, err = invoke("settle", env={"ECOCOMP_LANG": "zh"})
    assert code == 2 and err.startswith("ecocomp：用法错误：")


def test_settle_speaks_its_output_language_by_default() -> None:
    """No --lang, no $ECOCOMP_LANG: the config's [output] language (zh in the example)."""
    code, _, err = invoke("settle", "--example", "suzhou-2018", env={"ECOCOMP_LANG": None})
    assert code == 0, err
    assert "警告：jiangsu-fund-2018（苏政发〔2019〕2号）为暂定表：return_rule.kind" in err.splitlines()
    assert "warning:" not in err


def test_provisional_warnings_in_english() -> None:
    code, _, err = invoke("settle", "--example", "suzhou-2018", "--lang", "en")
    assert code == 0
    assert (
        "warning: jiangsu-fund-2018 (苏政发〔2019〕2号) is provisional: return_rule.kind" in err.splitlines()
    )


def test_a_missing_tariff_table_in_chinese() -> None:
    code, _, err = invoke("fund", str(EX18 / "emissions.csv"), "-y", "1990", "--lang", "zh")
    assert code == 1
    assert err.startswith(
        "ecocomp：费率表错误：没有对 320000 在 1990 考核年度 有效的 pollutant_fund 费率表。"
    )
    assert "请用 --tariffs 目录 补充该期间的费率表。" in err
    code, _, err = invoke("fund", str(EX18 / "emissions.csv"), "-y", "1990")
    assert code == 1 and err.startswith(
        "ecocomp: no pollutant_fund table for 320000 is in force for assessment year 1990"
    )


def test_a_strict_run_stops_on_the_bad_row_in_chinese(bad_emissions: Path) -> None:
    code, _, err = fund(bad_emissions, "--lang", "zh")
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == "ecocomp：台账错误：台账有 1 处问题："
    assert lines[1] == "  emissions.csv:3：排放量='abc'：'abc' 不是数字；请写成 1234.5 这样［not_a_number］"


def test_skip_invalid_without_output_says_where_the_rows_are(bad_emissions: Path) -> None:
    code, out, err = fund(bad_emissions, "--skip-invalid")
    assert code == 1 and out  # the summary of the valid rows is shown
    assert "in the report" not in err
    assert "1 row problem(s), the first 1 (no report was written):" in err
    assert (
        "  emissions.csv:3: 排放量='abc': 'abc' is not a number; write it like 1234.5 [not_a_number]" in err
    )
    assert "write them all with --issues-out FILE.csv" in err
    code, _, err = fund(bad_emissions, "--skip-invalid", "--lang", "zh")
    assert code == 1
    assert "1 处行问题，前 1 处如下（未写出报告）：" in err and "--issues-out" in err


def test_skip_invalid_with_output_or_issues_names_the_file(bad_emissions: Path, tmp_path: Path) -> None:
    report = tmp_path / "fund.xlsx"
    code, _, err = fund(bad_emissions, "--skip-invalid", "-o", str(report))
    assert code == 1 and report.exists()
    assert f"1 row problem(s); see the rejected rows (剔除记录) in {report}" in err
    issues = tmp_path / "issues.csv"
    code, _, err = fund(bad_emissions, "--skip-invalid", "--issues-out", str(issues), "--lang", "zh")
    assert code == 1 and issues.exists()
    assert f"已将 1 处问题写入 {issues}" in err and f"1 处行问题；每一处都已写入 {issues}" in err


def test_ledger_check_in_chinese(bad_emissions: Path) -> None:
    code, out, _ = invoke("ledger", "check", "emissions", str(bad_emissions), "--lang", "zh")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("emissions.csv（emissions）：读入 ") and "剔除 1 行" in lines[0]
    assert lines[1:3] == [
        "1 处问题；前 1 处：",
        "  第 3 行 排放量 'abc'：'abc' 不是数字；请写成 1234.5 这样［not_a_number］",
    ]


def test_interrupted_in_each_language(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        messages.use("zh")
        assert interrupted(KeyboardInterrupt()) == 130
        messages.use("en")
        assert interrupted(KeyboardInterrupt()) == 130
    finally:
        messages.use("en")
    assert capsys.readouterr().err.splitlines() == ["ecocomp：已中断", "ecocomp: interrupted"]


def test_lang_en_also_gives_english_headers(tmp_path: Path) -> None:
    zh, en = tmp_path / "zh.csv", tmp_path / "en.csv"
    args = [str(EX18 / "emissions.csv"), "-y", "2018", "--indicators", str(EX18 / "indicators.csv")]
    assert invoke("fund", *args, "-o", str(zh))[0] == 0
    assert invoke("fund", *args, "-o", str(en), "--lang", "en")[0] == 0
    zh_header = zh.read_text("utf-8-sig").splitlines()[0]
    en_header = en.read_text("utf-8-sig").splitlines()[0]
    assert "统筹资金(元)" in zh_header.split(",")
    assert "fund" in en_header.split(",") and not any("\u4e00" <= ch <= "\u9fff" for ch in en_header)


def test_the_surcharge_total_line_in_chinese() -> None:
    code, _, err = invoke(
        "surcharge",
        str(EX18 / "bills.csv"),
        str(EX18 / "ratings.csv"),
        "--from",
        "2018-01",
        "--to",
        "2018-12",
        "--lang",
        "zh",
    )
    assert code == 0, err
    assert any(line.startswith("加价合计 ") and "张账单" in line for line in err.splitlines())
    assert "total " not in err and "rows:" not in err
    assert any(line.startswith("行数：") for line in err.splitlines())


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["settle", "--lang", "zh"], "zh"),
        (["settle", "--language=en"], "en"),
        (["fund", "x.csv", "-y", "2018"], None),
        (["settle", "--lang"], None),
    ],
)
def test_the_language_said_before_a_command_runs(argv: list[str], expected: str | None) -> None:
    from ecocomp.cli.main import argv_language

    assert argv_language(argv) == expected


def test_tariffs_list_headed_in_the_message_language() -> None:
    code, out, _ = invoke("tariffs", "list", "--lang", "zh", env={"COLUMNS": "300"})
    assert code == 0
    header = next(line for line in out.splitlines() if "编号" in line)
    assert all(word in header for word in ("类别", "辖区", "有效期", "状态", "不确定值"))
    code, out, _ = invoke("tariffs", "list", env={"COLUMNS": "300"})
    assert code == 0 and "jurisdiction" in out and "编号" not in out
