"""-h and --help on every command, shell completion, and help texts in the user's terms: they
never point to files a user does not have (the project's POLICY.md, its "family A/B/C")."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app

COMMANDS = [
    [],
    ["settle"],
    ["fund"],
    ["water"],
    ["surcharge"],
    ["tariffs"],
    ["tariffs", "list"],
    ["tariffs", "show"],
    ["tariffs", "check"],
    ["tariffs", "diff"],
    ["ledger"],
    ["ledger", "check"],
]
NOT_THE_USERS = re.compile(r"POLICY|DESIGN\.md|famil(y|ies) [ABC]\b|family [ABC]/|A/B/C")


def help_of(command: list[str], flag: str) -> str:
    result = CliRunner().invoke(app, [*command, flag], env={"COLUMNS": "200"})
    assert result.exit_code == 0, (command, flag, result.output)
    return result.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "ecocomp")
def test_dash_h_is_help_everywhere(command: list[str]) -> None:
    short, long = help_of(command, "-h"), help_of(command, "--help")
    assert short == long and "Usage:" in short


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "ecocomp")
def test_help_points_to_nothing_the_user_lacks(command: list[str]) -> None:
    text = help_of(command, "--help")
    assert not NOT_THE_USERS.search(text), NOT_THE_USERS.search(text)


@pytest.mark.parametrize("command", [["settle"], ["fund"], ["water"], ["surcharge"]])
def test_every_run_command_has_lang_and_plain(command: list[str]) -> None:
    text = help_of(command, "--help")
    assert "--lang" in text and "--language" in text and "--plain" in text


@pytest.mark.parametrize(
    ("command", "terms"),
    [
        (["settle"], ["统筹资金", "水环境区域补偿", "差别电价", "差别化污水处理费", "settle.toml", "-o"]),
        (["fund"], ["污染物排放统筹资金", "排放量台账", "考核指标台账", "返还", "奖励"]),
        (["water"], ["水环境区域补偿", "断面台账", "断面监测台账", "--from"]),
        (["surcharge"], ["差别电价", "差别化污水处理费", "企业用电用水台账", "企业环境信用评价台账"]),
    ],
)
def test_help_explains_the_instrument_and_its_files(command: list[str], terms: list[str]) -> None:
    text = help_of(command, "--help")
    missing = [t for t in terms if t not in text]
    assert not missing, missing


def test_shell_completion_is_offered_and_shows_a_script() -> None:
    text = help_of([], "--help")
    assert "--install-completion" in text and "--show-completion" in text
    result = CliRunner().invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0 and "_ECOCOMP_COMPLETE" in result.output.upper()


def test_the_command_sources_name_no_policy_file() -> None:
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "ecocomp"
    files = [*(src / "cli").glob("*.py"), *(src / "families").glob("*/command.py")]
    assert len(files) >= 8
    for path in files:
        assert not NOT_THE_USERS.search(path.read_text("utf-8")), path
