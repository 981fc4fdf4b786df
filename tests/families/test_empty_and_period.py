"""Issue 14: an empty ledger, or a run whose period no row lies in, stops (exit 1) instead of
settling to 0.00, unless the family may be empty; and a rule's rejected row names the column by
the header the user wrote (企业名称), never by ecocomp's own name (enterprise)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.errors import LedgerValidationError
from ecocomp.families.base import params_of
from ecocomp.families.fund.family import FUND, FundParams
from ecocomp.families.run import EmptyLedgerError, NoRowInPeriodError, run_family
from ecocomp.families.surcharge.family import SURCHARGE, SurchargeParams
from ecocomp.families.water.family import WATER, WaterParams
from ecocomp.tariffs.book import TariffBook
from tests.builders import EX18

EMISSIONS_HEADER = "年度,缴费主体,污染物,排放量,单位\n"
BILLS_HEADER = "企业名称,区县,月份,用电量(kWh)\n"
MONITORING_HEADER = "断面编号,月份,因子,浓度(mg/L),水量(万立方米)\n"


def _file(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def _invoke(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


# --- empty ledgers -----------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", ",,,,\n , ,,,\n"], ids=["header only", "empty rows"])
def test_an_empty_ledger_stops_the_run(tmp_path: Path, body: str) -> None:
    path = _file(tmp_path / "emissions.csv", EMISSIONS_HEADER + body)
    code, output = _invoke("fund", path, "--year", "2018")
    assert code == 1
    assert (
        "emissions.csv: the ledger has no data rows (only the header); if the family is empty on "
        "purpose, say allow_empty = true in its settle.toml section [fund]"
    ) in output


def test_an_optional_ledger_given_empty_stops_the_run(tmp_path: Path) -> None:
    indicators = _file(tmp_path / "indicators.csv", "年度,缴费主体,指标,是否达标\n")
    code, output = _invoke("fund", EX18 / "emissions.csv", "--indicators", indicators, "--year", "2018")
    assert code == 1 and "indicators.csv: the ledger has no data rows" in output


def test_an_empty_bills_ledger_stops_the_surcharge(tmp_path: Path) -> None:
    bills = _file(tmp_path / "bills.csv", BILLS_HEADER)
    code, output = _invoke("surcharge", bills, EX18 / "ratings.csv")
    assert code == 1 and "bills.csv: the ledger has no data rows" in output and "[surcharge]" in output


def test_an_empty_ledger_allowed_settles_to_nothing(tmp_path: Path, book: TariffBook) -> None:
    path = _file(tmp_path / "emissions.csv", EMISSIONS_HEADER)
    params = params_of(FundParams, {"year": 2018})
    with pytest.raises(EmptyLedgerError) as caught:
        run_family(FUND, {"emissions": path}, params, book=book)
    assert caught.value.source == "emissions.csv" and caught.value.family == "fund"
    run = run_family(FUND, {"emissions": path}, params, book=book, allow_empty=True)
    assert run.result.payers == () and run.reconciliation["emissions_rows_read"] == 0


def test_empty_bills_allowed_charge_nothing(tmp_path: Path, book: TariffBook) -> None:
    bills = _file(tmp_path / "bills.csv", BILLS_HEADER)
    paths = {"bills": bills, "ratings": EX18 / "ratings.csv"}
    params = params_of(SurchargeParams, {"from": "2018-01", "to": "2018-12"})
    run = run_family(SURCHARGE, paths, params, book=book, allow_empty=True)
    assert run.reconciliation["bills_rows_read"] == run.reconciliation["charged"] == 0


def test_empty_water_ledgers_allowed_compute_nothing(tmp_path: Path, book: TariffBook) -> None:
    sections = _file(tmp_path / "sections.csv", "断面编号,断面名称,水体类型,流域,目标水质,上游,下游\n")
    monitoring = _file(tmp_path / "monitoring.csv", MONITORING_HEADER)
    paths = {"sections": sections, "monitoring": monitoring}
    params = params_of(WaterParams, {"from": "2018-01", "to": "2018-12"})
    run = run_family(WATER, paths, params, book=book, allow_empty=True)
    assert run.reconciliation["monitoring_rows_read"] == run.reconciliation["computed"] == 0
    assert run.result.paid == 0


def test_empty_monitoring_allowed_still_misses_the_sections_data(tmp_path: Path, book: TariffBook) -> None:
    """Allowed to be empty is not allowed to be incomplete: registered sections lack their data."""
    monitoring = _file(tmp_path / "monitoring.csv", MONITORING_HEADER)
    paths = {"sections": EX18 / "sections.csv", "monitoring": monitoring}
    params = params_of(WaterParams, {"from": "2018-01", "to": "2018-12"})
    with pytest.raises(LedgerValidationError) as caught:
        run_family(WATER, paths, params, book=book, allow_empty=True)
    assert {i.code for i in caught.value.issues} == {"missing_data"}


# --- no row in the period ------------------------------------------------------------------------


def test_fund_for_a_year_the_ledger_does_not_hold_stops(tmp_path: Path) -> None:
    code, output = _invoke("fund", EX18 / "emissions.csv", "--year", "2019")
    assert code == 1 and "emissions.csv holds the years 2018; no row is for 2019" in output


def test_the_years_held_are_named_as_runs(tmp_path: Path) -> None:
    rows = "".join(f"{y},苏州市,化学需氧量,1,吨\n" for y in (2015, 2016, 2018))
    path = _file(tmp_path / "e.csv", EMISSIONS_HEADER + rows)
    code, output = _invoke("fund", path, "--year", "2017")
    assert code == 1 and "e.csv holds the years 2015 to 2016, 2018; no row is for 2017" in output


def test_surcharge_for_months_the_bills_do_not_hold_stops() -> None:
    code, output = _invoke(
        "surcharge", EX18 / "bills.csv", EX18 / "ratings.csv", "--from", "2021-01", "--to", "2021-12"
    )
    assert code == 1  # the example's bills are of 2018 and 2019
    assert "bills.csv holds the months 2018-01 to 2019-12; none is in 2021-01 to 2021-12" in output


def test_water_for_months_the_monitoring_does_not_hold_stops() -> None:
    code, output = _invoke(
        "water", EX18 / "sections.csv", EX18 / "monitoring.csv", "--from", "2021-03", "--to", "2021-03"
    )
    assert code == 1 and "monitoring.csv holds the months 2018-01 to 2018-12; none is in 2021-03" in output


def test_a_period_that_overlaps_the_ledger_runs() -> None:
    code, output = _invoke(
        "surcharge", EX18 / "bills.csv", EX18 / "ratings.csv", "--from", "2019-07", "--to", "2020-06"
    )
    assert code == 0, output


def test_no_row_in_the_period_allowed_reconciles(book: TariffBook) -> None:
    params = params_of(FundParams, {"year": 2019})
    with pytest.raises(NoRowInPeriodError) as caught:
        run_family(FUND, {"emissions": EX18 / "emissions.csv"}, params, book=book)
    assert caught.value.source == "emissions.csv" and caught.value.held == "2018"
    run = run_family(FUND, {"emissions": EX18 / "emissions.csv"}, params, book=book, allow_empty=True)
    counts = run.reconciliation
    assert counts["billed"] == 0 and counts["excluded"] == counts["emissions_rows_read"] == 35


def test_bills_outside_the_months_are_counted_when_allowed(book: TariffBook) -> None:
    paths = {"bills": EX18 / "bills.csv", "ratings": EX18 / "ratings.csv"}
    params = params_of(SurchargeParams, {"from": date(2021, 1, 1), "to": date(2021, 12, 1)})
    run = run_family(SURCHARGE, paths, params, book=book, allow_empty=True)
    assert run.reconciliation["outside_period"] == run.reconciliation["bills_rows_read"] == 7200


# --- rule problems name the header as written ----------------------------------------------------


@pytest.mark.parametrize("header", ["企业名称", "单位名称"])
def test_an_unrated_enterprise_is_named_by_its_header(tmp_path: Path, header: str) -> None:
    bills = _file(
        tmp_path / "bills.csv", f"{header},区县,月份,用电量(kWh)\n未评价示例公司,姑苏区,2018-03,1000\n"
    )
    code, output = _invoke("surcharge", bills, EX18 / "ratings.csv")
    assert code == 1
    assert f"bills.csv:2: {header}='未评价示例公司': no rating is in force" in output
    assert "enterprise='" not in output


def test_rejected_rows_carry_the_header_in_the_run(tmp_path: Path, book: TariffBook) -> None:
    monitoring = tmp_path / "monitoring.csv"
    shutil.copy(EX18 / "monitoring.csv", monitoring)
    with monitoring.open("a", encoding="utf-8") as handle:
        handle.write("SZ99,2018-01,CODMn,5.33,100\n")
    paths = {"sections": EX18 / "sections.csv", "monitoring": monitoring}
    params = params_of(WaterParams, {"from": "2018-01", "to": "2018-12"})
    with pytest.raises(LedgerValidationError) as caught:
        run_family(WATER, paths, params, book=book)
    (issue,) = caught.value.issues
    assert (issue.source, issue.column, issue.value, issue.code) == (
        "monitoring.csv",
        "断面编号",
        "SZ99",
        "unknown_section",
    )
    run = run_family(WATER, paths, params, book=book, skip_invalid=True)
    assert [i.column for i in run.rejected] == [i.column for i in run.result.rejected] == ["断面编号"]


def test_settle_toml_says_which_family_may_be_empty(tmp_path: Path) -> None:
    _file(tmp_path / "emissions.csv", EMISSIONS_HEADER)
    strict = _file(tmp_path / "strict.toml", 'year = 2018\n[fund]\nemissions = "emissions.csv"\n')
    code, output = _invoke("settle", strict, "-o", tmp_path / "strict.json")
    assert code == 1 and "emissions.csv: the ledger has no data rows" in output
    assert not (tmp_path / "strict.json").exists()
    allowed = _file(tmp_path / "allowed.toml", strict.read_text("utf-8") + "allow_empty = true\n")
    code, output = _invoke("settle", allowed, "-o", tmp_path / "allowed.json")
    assert code == 0, output
    assert (tmp_path / "allowed.json").exists()
