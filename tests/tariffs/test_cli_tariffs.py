"""The CLI skeleton through typer's CliRunner: version, list, show, diff, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecocomp._version import __version__
from ecocomp.cli.main import app
from ecocomp.tariffs.book import TariffBook

BAD_TARIFFS = Path(__file__).parents[1] / "tariffs_bad"

ENV = {"ECOCOMP_TARIFFS": ""}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=ENV)
    return result.exit_code, result.output


def test_version() -> None:
    code, out = invoke("--version")
    assert code == 0
    assert out.strip() == f"ecocomp {__version__}"


def test_list_shows_every_table_with_document_status_and_hash(book: TariffBook) -> None:
    code, out = invoke("tariffs", "list")
    assert code == 0
    lines = out.splitlines()
    for tariff in book.tariffs:
        row = next(line for line in lines if f" {tariff.id} " in line)
        for cell in (
            tariff.family,
            tariff.header.document,
            tariff.header.status,
            tariff.short_hash,
        ):
            assert cell in row, (tariff.id, cell)


def test_show_prints_values_with_units_and_evidence() -> None:
    code, out = invoke("tariffs", "show", "jiangsu-fund-2018")
    assert code == 0
    assert "苏政发〔2019〕2号" in out
    row = next(line for line in out.splitlines() if "rates.south" in line)
    assert "2000" in row and "CNY/billing_unit" in row and "verified" in row


def test_show_unknown_id_is_a_usage_error_with_known_ids() -> None:
    code, out = invoke("tariffs", "show", "jiangsu-fund-1999")
    assert code == 2
    assert "no tariff table with id 'jiangsu-fund-1999'" in out
    assert "jiangsu-fund-2018" in out
    assert "Traceback" not in out


def test_diff_shows_changed_rates_value_by_value() -> None:
    code, out = invoke("tariffs", "diff", "jiangsu-fund-2017", "jiangsu-fund-2018")
    assert code == 0
    south = next(line for line in out.splitlines() if "rates.south.value" in line or "rates.south " in line)
    assert "1500 CNY/billing_unit" in south and "2000 CNY/billing_unit" in south
    assert "changed" in south


def test_diff_shows_added_pollutants() -> None:
    code, out = invoke("tariffs", "diff", "jiangsu-fund-2016", "jiangsu-fund-2017")
    assert code == 0
    assert any("pollutants.VOCs.scope" in line and "added" in line for line in out.splitlines())
    assert any(
        "pollutants.TP.scope" in line and "taihu" in line and "all" in line for line in out.splitlines()
    )


def test_diff_of_a_table_with_itself_has_no_differences() -> None:
    code, out = invoke("tariffs", "diff", "gb3838-2002", "gb3838-2002")
    assert code == 0
    assert "0 difference(s)" in out


def flat(text: str) -> str:
    """The text without whitespace or box lines, so that a message wrapped in a box still matches."""
    return "".join(text.replace("│", " ").split())


@pytest.mark.parametrize(
    ("args", "usage", "message"),
    [
        (["tariffs", "nonsense"], "Usage: ecocomp tariffs [OPTIONS] COMMAND", "No such command 'nonsense'."),
        (["--no-such-option"], "Usage: ecocomp [OPTIONS] COMMAND", "No such option: --no-such-option"),
        (["tariffs", "diff", "only-one"], "Usage: ecocomp tariffs diff [OPTIONS]", "Missing argument 'B'."),
    ],
    ids=["unknown-command", "unknown-option", "missing-argument"],
)
def test_bad_usage_exits_2(args: list[str], usage: str, message: str) -> None:
    code, out = invoke(*args)
    assert code == 2
    assert out.startswith(usage) and flat(message) in flat(out)
    assert "Traceback" not in out


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ecocomp", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"ecocomp {__version__}"


def test_list_counts_each_tables_uncertain_values_and_rules(book: TariffBook) -> None:
    code, out = invoke("tariffs", "list")
    assert code == 0 and "uncertain" in out
    rows = {t.id: next(line for line in out.splitlines() if f" {t.id} " in line) for t in book.tariffs}
    for tariff in book.tariffs:
        count = len(tariff.uncertain_values())
        assert f" {count} " in rows[tariff.id].split(tariff.header.status, 1)[1], tariff.id
    assert len(book.get("jiangsu-water-2017").uncertain_values()) >= 12  # the 2017 standards, reverse
    assert book.get("jiangsu-credit-bands-2019").uncertain_values() == []


def test_show_prints_the_range_beside_a_value(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    table = (BAD_TARIFFS / "range_outside" / "suzhou-fund-2018.toml").read_text("utf-8")
    (folder / "t.toml").write_text(table.replace("low = 1200", "low = 900"), "utf-8")
    code, out = invoke("tariffs", "show", "suzhou-fund-test", "--tariffs", str(folder))
    assert code == 0, out
    assert "1000 (900..2000)" in out
