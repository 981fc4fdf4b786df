"""Issue 14 point 3: numbers and dates in range. Every decimal column declares a maximum
(`Column.maximum`, inclusive); a value beyond it, a 30-digit number in any number, date, month or
year column, is a row problem naming file, line, column and raw value, never an exception. Years
outside the tables' coverage stop with the covered range; tariff values beyond the largest a table
may give (`VALUE_MAXIMA`) are refused naming the file and the key; what is left of 64-bit fixed
point fails as a `DataError` naming the value.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.errors import DataError, MoneyError, TariffCheckError, TariffLookupError
from ecocomp.families.surcharge.amounts import check_sum, round_products
from ecocomp.ledgers.dates import parse_date, parse_month, parse_typed_date
from ecocomp.ledgers.kinds import KINDS
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.ledgers.parse import parse_decimal, parse_share, parse_typed_decimal, parse_year
from ecocomp.ledgers.values import parse_rating
from ecocomp.money import FixedPointError, Rounding, fixed_point
from ecocomp.places import Places
from ecocomp.tariffs.book import TariffBook
from tests.builders import EX18, edited_table

ENV = {"ECOCOMP_TARIFFS": ""}
THIRTY = "123456789012345678901234567890"
runner = CliRunner()


def _codes(parsed_problems: tuple[object, ...]) -> dict[str, list[int]]:
    return {p.code: np.flatnonzero(p.mask).tolist() for p in parsed_problems}  # type: ignore[attr-defined]


# --- decimals ------------------------------------------------------------------------------------


def test_maximum_is_inclusive_and_a_larger_value_is_out_of_range_and_nulled() -> None:
    text = pa.array(["10000000000", "10000000000.01", "-10000000000.01", "0.01", THIRTY, "9" * 40])
    parsed = parse_decimal(text, 2, maximum=Decimal("1e10"), unit="kWh")
    assert parsed.values.to_pylist() == [Decimal("10000000000.00"), None, None, Decimal("0.01"), None, None]
    assert _codes(parsed.problems)["out_of_range"] == [1, 2, 4, 5]
    out = next(p for p in parsed.problems if p.code == "out_of_range")
    assert out.describe("10000000000.01") == (
        "'10000000000.01' is larger than this column's maximum 10000000000 (kWh); "
        "check the unit and the digits"
    )


def test_without_a_maximum_only_38_digits_are_refused() -> None:
    parsed = parse_decimal(pa.array([THIRTY, "9" * 40]), 2)
    assert parsed.values.to_pylist() == [Decimal(THIRTY), None]
    assert _codes(parsed.problems)["number_too_large"] == [1]


def test_exponent_notation_is_not_a_number() -> None:
    parsed = parse_decimal(pa.array(["1e5", "1E+15", "1.5e-3"]), 6, maximum=Decimal("1e9"))
    assert parsed.values.to_pylist() == [None, None, None]
    assert _codes(parsed.problems)["not_a_number"] == [0, 1, 2]


def test_typed_parquet_decimals_have_the_same_range() -> None:
    values = pa.array(
        [Decimal("1000000000"), Decimal("1000000000.000001"), Decimal("-5")], pa.decimal128(20, 6)
    )
    parsed = parse_typed_decimal(values, 6, non_negative=True, maximum=Decimal("1e9"), unit="t")
    assert parsed.values.to_pylist() == [Decimal("1000000000.000000"), None, None]
    codes = _codes(parsed.problems)
    assert codes["out_of_range"] == [1] and codes["negative"] == [2]


def test_a_credit_score_above_its_maximum_is_out_of_range() -> None:
    colour, score = parse_rating(
        pa.array(["绿色", "1000", "1000.01", THIRTY]), {"绿色": "green"}, Decimal(1000)
    )
    assert colour.values.to_pylist() == ["green", None, None, None]
    assert score.values.to_pylist() == [None, Decimal("1000.00"), None, None]
    assert _codes(score.problems)["out_of_range"] == [2, 3]


@given(st.integers(min_value=0, max_value=10**40), st.integers(min_value=0, max_value=9))
def test_any_digit_string_parses_or_is_a_problem(whole: int, places: int) -> None:
    text = f"{whole}.{'7' * places}" if places else str(whole)
    parsed = parse_decimal(pa.array([text]), 6, maximum=Decimal("1e9"))
    value = parsed.values.to_pylist()[0]
    flagged = [p.code for p in parsed.problems if p.mask[0]]
    if places <= 6 and Decimal(text) <= Decimal("1e9"):
        assert value == Decimal(text) and flagged == []
    else:
        assert value is None and len(flagged) == 1


# --- dates, months, years ------------------------------------------------------------------------


def test_thirty_digit_dates_months_and_years_are_problems_not_exceptions() -> None:
    long = pa.array([THIRTY, f"{THIRTY}-01", f"2018-{THIRTY}", "9" * 20, f"{'9' * 25}.0", "2018-01"])
    months = parse_month(long)
    assert months.values.to_pylist()[:5] == [None] * 5
    assert _codes(months.problems)["bad_month"] == [0, 1, 2, 3, 4]
    dates = parse_date(long)
    assert _codes(dates.problems)["bad_date"] == [0, 1, 2, 3, 4, 5]  # 2018-01 has no day
    years = parse_year(pa.array([THIRTY, "0000", "2018", "9999年度"]))
    assert years.values.to_pylist() == [None, None, 2018, 9999]
    assert _codes(years.problems)["bad_year"] == [0, 1]


def test_typed_parquet_dates_outside_years_1_to_9999_are_out_of_range() -> None:
    days = pa.array([3_000_000, -800_000, 17_713, None], pa.date32())  # 17713 = 2018-07-01
    parsed = parse_typed_date(days, month=True)
    assert [None if d is None else d.isoformat() for d in parsed.values.to_pylist()] == [
        None,
        None,
        "2018-07-01",
        None,
    ]
    assert _codes(parsed.problems)["out_of_range"] == [0, 1]


# --- through the ledger reader and `ecocomp ledger check` ----------------------------------------


def test_every_bounded_column_of_every_kind_is_read_with_its_maximum() -> None:
    bounded = [c for kind in KINDS.values() for c in kind.columns if c.rule in ("decimal", "rating")]
    assert bounded and all(c.maximum is not None for c in bounded), [c.name for c in bounded if not c.maximum]


@pytest.mark.parametrize(
    ("kind", "header", "text", "message"),
    [
        ("bills", "用电量(kWh)", "10000000000.01", "larger than this column's maximum 10000000000 (kWh)"),
        ("bills", "用电量(kWh)", THIRTY, "larger than this column's maximum 10000000000 (kWh)"),
        ("bills", "月份", THIRTY, "is not a month"),
    ],
)
def test_ledger_check_names_file_line_column_and_value(
    tmp_path: Path, kind: str, header: str, text: str, message: str
) -> None:
    path = tmp_path / "bills.csv"
    row = {"企业名称": "甲公司", "区县": "姑苏区", "月份": "2018-01", "用电量(kWh)": "1", "用水量(m3)": "1"}
    row[header] = text
    path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n", "utf-8")
    result = runner.invoke(app, ["ledger", "check", kind, str(path)], env=ENV)
    assert result.exit_code == 1, result.output
    assert f"line 2 {header} '{text}'" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_a_parquet_quantity_above_the_maximum_is_an_issue(tmp_path: Path, places: Places) -> None:
    table = pa.table(
        {
            "年度": pa.array(["2018", "2018"]),
            "缴费主体": ["苏州市", "无锡市"],
            "污染物": ["COD", "COD"],
            "排放量": pa.array([Decimal("1000000000"), Decimal("1000000001")], pa.decimal128(12, 0)),
        }
    )
    pq.write_table(table, tmp_path / "e.parquet")
    ledger = read_ledger("emissions", tmp_path / "e.parquet", places=places)
    assert [(i.source, i.line, i.column, i.value, i.code) for i in ledger.issues] == [
        ("e.parquet", 3, "排放量", "1000000001", "out_of_range")
    ]
    assert ledger.frame["quantity"].tolist() == [Decimal("1000000000")]


# --- years outside the tables -------------------------------------------------------------------


@pytest.mark.parametrize("year", ["99999", "-5", "0", "10000", "99999999999999999999999"])
def test_fund_year_outside_the_tables_names_the_covered_range(year: str) -> None:
    result = runner.invoke(app, ["fund", str(EX18 / "emissions.csv"), f"--year={year}"], env=ENV)
    assert result.exit_code == 1, result.output
    assert f"assessment year {year}" in result.output
    assert (
        "Covered: 2016 (jiangsu-fund-2016)" in result.output and "2021- (jiangsu-fund-2021)" in result.output
    )
    assert "internal error" not in result.output


def test_in_force_for_a_year_no_date_can_hold_is_a_lookup_error(book: TariffBook) -> None:
    for year in (99999, -5, 0):
        with pytest.raises(TariffLookupError, match="Covered: 2016"):
            book.in_force("pollutant_fund", "江苏省", year=year)


def test_settle_with_year_99999_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    shutil.copytree(EX18, tmp_path / "example")
    config = tmp_path / "example" / "settle.toml"
    text = config.read_text("utf-8")
    assert "\nyear = 2018\n" in text
    config.write_text(text.replace("\nyear = 2018\n", "\nyear = 99999\n"), "utf-8")
    result = runner.invoke(app, ["settle", str(config)], env=ENV)
    assert result.exit_code == 1, result.output
    # refused by the config check (naming file and key) or by the tariff lookup (naming the tables)
    named = f"{config}: year = 99999" in result.output or "Covered:" in result.output
    assert named and "internal error" not in result.output, result.output


@pytest.mark.parametrize(("option", "value"), [("--from", "99999-01"), ("--to", "0000-13")])
def test_surcharge_months_out_of_range_are_usage_errors(option: str, value: str) -> None:
    other = "--to" if option == "--from" else "--from"
    words = ["surcharge", str(EX18 / "bills.csv"), str(EX18 / "ratings.csv"), option, value, other, "2018-06"]
    result = runner.invoke(app, words, env=ENV)
    assert result.exit_code == 2, result.output
    assert f"{value!r} is not a month" in result.output


# --- tariff values ------------------------------------------------------------------------------

ELECTRICITY = "electricity_surcharge/jiangsu-electricity-2016.toml"
BLACK = "black = { value = 0.10,"


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            BLACK,
            "black = { value = 1000000,",
            "rates.black.value",
            "1000000 CNY/kWh is larger than a table may give (100 CNY/kWh)",
        ),
        (
            BLACK,
            "black = { value = 0.1000001,",
            "rates.black.value",
            "0.1000001 has more than 6 decimal places",
        ),
        ("valid_from = 2016-01-01", "valid_from = 2016-01-01", "", ""),
    ],
)
def test_a_rate_beyond_the_largest_a_table_may_give_is_refused(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    folder = tmp_path / "tables"
    table = edited_table(folder, ELECTRICITY, (old, new))
    result = runner.invoke(app, ["tariffs", "check", str(folder)], env=ENV)
    if not key:  # the unedited copy passes: the maxima sit above every shipped figure
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    assert f"{folder}/{table.name}: {key}: {message}" in result.output
    with pytest.raises(TariffCheckError) as caught:
        TariffBook.load([folder], env={})
    assert [(f.key, f.code) for f in caught.value.findings] == [
        (key, "too_large" if "larger" in message else "too_many_decimals")
    ]


def test_a_table_year_no_date_can_hold_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    edited_table(folder, "pollutant_fund/jiangsu-fund-2021.toml", ("first_year = 2021", "first_year = 99999"))
    with pytest.raises(TariffCheckError) as caught:
        TariffBook.load([folder], env={})
    assert [(f.key, f.code, f.message) for f in caught.value.findings] == [
        ("tariff.first_year", "year_out_of_range", "year 99999 is outside 1 to 9999")
    ]


# --- what is left of 64-bit fixed point ----------------------------------------------------------


def test_fixed_point_overflow_is_a_data_error_naming_the_value() -> None:
    with pytest.raises(FixedPointError) as caught:
        fixed_point(pa.array([Decimal("1"), Decimal(THIRTY)], pa.decimal128(38, 2)), 2)
    assert isinstance(caught.value, DataError) and isinstance(caught.value, MoneyError)
    assert caught.value.value == f"{THIRTY}.00" and THIRTY in str(caught.value)


def test_surcharge_totals_are_refused_only_when_the_exact_sum_overflows() -> None:
    line = 10**14  # fen: the largest surcharge line the ranges allow (1e10 kWh x 100 yuan/kWh)
    check_sum(np.full(92_000, line, dtype=np.int64), np.zeros(3, dtype=np.int64))
    with pytest.raises(FixedPointError, match="the sum of the surcharge lines"):
        check_sum(np.full(50_000, line, dtype=np.int64), np.full(50_000, line, dtype=np.int64))


@given(
    st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=20), st.sampled_from([0, 2, 6])
)
def test_products_at_the_largest_quantity_and_rate_round_exactly(units: list[int], scale: int) -> None:
    """quantity (0.01 kWh units, up to 1e10 kWh) x rate (up to 100 yuan/kWh at `scale` places),
    rounded half up to the fen, against Decimal arithmetic."""
    rate_units = 100 * 10**scale
    quantities = np.array(units, dtype=np.int64)
    rates = np.full(len(units), rate_units, dtype=np.int64)
    fen = round_products(quantities, rates, scale, (Rounding(),), np.zeros(len(units), dtype=np.int32))
    expected = [
        int((Decimal(u).scaleb(-2) * Decimal(rate_units).scaleb(-scale)).quantize(Decimal("0.01")).scaleb(2))
        for u in units
    ]
    assert fen.tolist() == expected


@pytest.mark.parametrize("raw", [THIRTY, THIRTY + THIRTY[:10], "1" + "0" * 31 + " %"])
def test_a_share_of_thirty_digits_is_a_row_problem_not_an_exception(raw: str) -> None:
    parsed = parse_share(pa.array(["25", raw]), 6, percent_header=False)
    assert parsed.values.to_pylist()[1] is None
    flagged = {p.code for p in parsed.problems if p.mask[1]}
    assert flagged & {"out_of_range", "number_too_large"}, flagged


def test_a_share_over_100_percent_keeps_its_own_message() -> None:
    parsed = parse_share(pa.array(["25", "150"]), 6, percent_header=False)
    assert {p.code for p in parsed.problems if p.mask[1]} == {"share_over_100"}
