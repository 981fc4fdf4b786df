"""Which version is in force: boundaries, gaps, user tables that replace shipped ones."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.errors import TariffLookupError, UnknownPlaceError, UsageError
from ecocomp.tariffs.book import TariffBook
from tests.builders import REPO, edited_table

FUND_2018 = "pollutant_fund/jiangsu-fund-2018.toml"
SHIPPED_FUND_2018 = REPO / "tariffs" / FUND_2018


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2016, "jiangsu-fund-2016"),
        (2017, "jiangsu-fund-2017"),
        (2018, "jiangsu-fund-2018"),  # 苏政发〔2019〕2号 applies back to 2018
        (2020, "jiangsu-fund-2018"),
        (2021, "jiangsu-fund-2021"),  # 苏政发〔2022〕31号 applies back to 2021
        (2035, "jiangsu-fund-2021"),  # open-ended
    ],
)
def test_fund_version_by_assessment_year(book: TariffBook, year: int, expected: str) -> None:
    assert book.in_force("pollutant_fund", "江苏省", year=year).id == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2008, 1, 1), "jiangsu-water-pilot"),
        (date(2014, 9, 30), "jiangsu-water-pilot"),
        (date(2014, 10, 1), "jiangsu-water-2014"),
        (date(2016, 12, 31), "jiangsu-water-2014"),
        (date(2017, 1, 1), "jiangsu-water-2017"),
        (date(2021, 4, 30), "jiangsu-water-2017"),
        (date(2021, 5, 1), "jiangsu-water-2021"),
    ],
)
def test_water_version_on_first_and_last_days(book: TariffBook, day: date, expected: str) -> None:
    assert book.in_force("water_compensation", "江苏", on=day).id == expected


def test_before_the_first_version_names_the_covered_ranges(book: TariffBook) -> None:
    with pytest.raises(TariffLookupError) as caught:
        book.in_force("pollutant_fund", "江苏省", year=2015)
    message = str(caught.value)
    assert "assessment year 2015" in message
    assert (
        "2016 (jiangsu-fund-2016); 2017 (jiangsu-fund-2017); "
        "2018-2020 (jiangsu-fund-2018); 2021- (jiangsu-fund-2021)" in message
    )
    with pytest.raises(TariffLookupError, match="2007-12-31"):
        book.in_force("water_compensation", "320000", on=date(2007, 12, 31))


def test_year_lookup_of_a_dated_family_needs_the_whole_year(book: TariffBook) -> None:
    """2021 spans two water versions (to 04-30, from 05-01): no single table covers it."""
    with pytest.raises(TariffLookupError):
        book.in_force("water_compensation", "江苏省", year=2021)
    assert book.in_force("water_compensation", "江苏省", year=2018).id == "jiangsu-water-2017"


def test_municipal_versions_are_separate_jurisdictions(book: TariffBook) -> None:
    assert book.in_force("pollutant_fund", "连云港", year=2017).id == "lianyungang-fund-2016"
    with pytest.raises(TariffLookupError, match="2016-2017"):
        book.in_force("pollutant_fund", "连云港市", year=2018)
    with pytest.raises(TariffLookupError, match="no table at all"):
        book.in_force("pollutant_fund", "苏州市", year=2018)


def test_lookup_errors_for_unknown_places_and_ids(book: TariffBook) -> None:
    with pytest.raises(UnknownPlaceError, match="苏州市"):
        book.in_force("pollutant_fund", "苏洲市", year=2018)
    with pytest.raises(UsageError, match="jiangsu-fund-2018"):
        book.get("jiangsu-fund-2019")
    with pytest.raises(UsageError):
        book.in_force("pollutant_fund", "江苏省")


def _user_copy_of_fund_2018(folder: Path, rate: str) -> Path:
    return edited_table(
        folder,
        FUND_2018,
        ('id = "jiangsu-fund-2018"', 'id = "my-fund-2018"'),
        ("[rates.south]\nvalue = 2000", f"[rates.south]\nvalue = {rate}"),
        as_name="my-fund-2018.toml",
    )


def test_user_table_for_the_same_slot_replaces_the_shipped_one(tmp_path: Path) -> None:
    _user_copy_of_fund_2018(tmp_path, "2100")
    book = TariffBook.load([tmp_path], env={})
    used = book.in_force("pollutant_fund", "江苏省", year=2019)
    assert used.id == "my-fund-2018"
    assert used.model.rates["south"].value == 2100  # type: ignore[union-attr]
    assert used.replaces is not None and used.replaces.id == "jiangsu-fund-2018"
    assert book.replacements == [used]
    assert "jiangsu-fund-2018" not in {t.id for t in book.tariffs}


def test_user_folder_from_the_environment(tmp_path: Path) -> None:
    _user_copy_of_fund_2018(tmp_path, "2100")
    book = TariffBook.load(env={"ECOCOMP_TARIFFS": str(tmp_path)})
    assert book.in_force("pollutant_fund", "江苏省", year=2018).id == "my-fund-2018"


def test_user_folder_from_the_shell_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/conftest.py clears $ECOCOMP_TARIFFS for every test; a test that sets it gets it."""
    assert "ECOCOMP_TARIFFS" not in os.environ
    _user_copy_of_fund_2018(tmp_path, "2100")
    monkeypatch.setenv("ECOCOMP_TARIFFS", str(tmp_path))
    assert TariffBook.load().in_force("pollutant_fund", "江苏省", year=2018).id == "my-fund-2018"
    result = CliRunner().invoke(app, ["tariffs", "show", "my-fund-2018"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "rates.south" in line)
    assert "2100" in row and "CNY/billing_unit" in row


def test_cli_list_says_what_a_user_table_replaced(tmp_path: Path) -> None:
    _user_copy_of_fund_2018(tmp_path, "2100")
    result = CliRunner().invoke(
        app, ["tariffs", "list", "--tariffs", str(tmp_path)], env={"ECOCOMP_TARIFFS": ""}
    )
    assert result.exit_code == 0, result.output
    assert "my-fund-2018" in result.output
    assert "replaces tariffs/pollutant_fund/jiangsu-fund-2018.toml" in result.output


def test_a_missing_user_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        TariffBook.load(env={"ECOCOMP_TARIFFS": str(tmp_path / "nope")})


def test_content_hash_changes_with_any_byte(tmp_path: Path) -> None:
    shutil.copy(SHIPPED_FUND_2018, tmp_path / "a.toml")
    first = TariffBook.load([tmp_path], env={}).get("jiangsu-fund-2018").sha256
    (tmp_path / "a.toml").write_text(SHIPPED_FUND_2018.read_text("utf-8") + "\n# edited\n", "utf-8")
    second = TariffBook.load([tmp_path], env={}).get("jiangsu-fund-2018").sha256
    assert first != second and len(first) == len(second) == 64
