"""Bad ledgers give exactly the expected issues; column rules parse every accepted form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

from ecocomp.errors import LedgerStructureError, LedgerValidationError
from ecocomp.ledgers.dates import parse_date, parse_month
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.ledgers.parse import clean, parse_decimal, parse_share
from ecocomp.places import Places
from tests.builders import LEDGERS

# (kind, file) -> every issue expected, as (line, column, code); nothing else may be reported.
EXPECTED = {
    ("emissions", "emissions_bad.csv"): [
        (2, "地区", "duplicate_key"),
        (3, "地区", "unknown_place"),
        (4, "污染物", "unknown_code"),
        (5, "排放量", "negative"),
        (6, "排放量", "too_many_decimals"),
        (7, "排放量", "not_a_number"),
        (8, "排放量", "missing_value"),
        (9, "年度", "bad_year"),
        (10, "地区", "duplicate_key"),
        (11, "", "field_count"),
        (12, "单位", "unknown_code"),
    ],
    ("emissions", "emissions_gbk.csv"): [(5, "排放量", "negative")],
    ("monitoring", "monitoring_bad.tsv"): [
        (2, "断面", "duplicate_key"),
        (3, "断面", "duplicate_key"),
        (5, "流量(万立方米)", "negative"),
        (6, "月份", "bad_month"),
        (7, "浓度(mg/L)", "too_many_decimals"),
        (8, "因子", "unknown_code"),
    ],
    ("section_shares", "section_shares_bad.csv"): [
        (4, "分担比例", "shares_not_100"),
        (5, "分担比例", "shares_not_100"),
        (6, "分担比例", "share_over_100"),
        (7, "区县", "unknown_place"),
    ],
    ("indicators", "indicators_bad.csv"): [
        (5, "是否达标", "missing_value"),
        (6, "指标", "unknown_code"),
        (7, "是否达标", "bad_boolean"),
    ],
    ("ratings", "ratings_bad.csv"): [
        (4, "信用等级", "unknown_code"),
        (5, "有效期止", "dates_reversed"),
        (6, "有效期起", "bad_date"),
    ],
    ("bills", "bills_bad.csv"): [
        (2, "企业名称", "duplicate_key"),
        (3, "企业名称", "duplicate_key"),
        (4, "用电量", "negative"),
        (5, "区县", "unknown_place"),
        (6, "用电量", "missing_value"),
        (7, "用电量", "too_many_decimals"),
    ],
    ("sections", "sections_bad.csv"): [
        (4, "水体类型", "unknown_code"),
        (5, "流域", "unknown_code"),
        (5, "目标水质", "unknown_code"),
        (6, "下游", "missing_value"),
    ],
    ("emissions", "emissions_good.csv"): [],
    ("carbon", "carbon_good.csv"): [],
}


@pytest.mark.parametrize(("kind", "name"), list(EXPECTED))
def test_bad_ledger_gives_exactly_the_expected_issues(kind: str, name: str, places: Places) -> None:
    ledger = read_ledger(kind, LEDGERS / name, places=places)
    assert [(i.line, i.column, i.code) for i in ledger.issues] == EXPECTED[(kind, name)]
    rejected = {i.line for i in ledger.issues}
    assert ledger.rows_rejected == len(rejected)
    assert ledger.rows_read == ledger.rows_accepted + ledger.rows_rejected
    assert not set(ledger.frame["line"]) & rejected
    assert all(i.source == name and i.message for i in ledger.issues)


def test_strict_mode_raises_every_issue_at_once(places: Places) -> None:
    ledger = read_ledger("bills", LEDGERS / "bills_bad.csv", places=places)
    with pytest.raises(LedgerValidationError) as caught:
        ledger.raise_for_issues()
    assert caught.value.issues == ledger.issues and caught.value.rows_read == 6
    read_ledger("carbon", LEDGERS / "carbon_good.csv", places=places).raise_for_issues()


def test_unknown_place_names_the_closest(places: Places) -> None:
    ledger = read_ledger("emissions", LEDGERS / "emissions_bad.csv", places=places)
    place = next(i for i in ledger.issues if i.code == "unknown_place")
    assert "昆山市" in place.message
    code = next(i for i in ledger.issues if i.line == 4)
    assert "NOx" in code.message and "COD" in code.message


def test_good_emissions_are_typed(places: Places) -> None:
    frame = read_ledger("emissions", LEDGERS / "emissions_good.csv", places=places).frame
    assert list(frame["line"]) == [4, 5, 7, 8]
    assert list(frame["payer"]) == ["320583", "320583", "320500", "320000"]
    assert list(frame["pollutant"]) == ["COD", "NH3-N", "TP", "SO2"]
    assert list(frame["quantity"]) == [Decimal("1234.5"), Decimal("12.5"), Decimal("0.25"), Decimal(100)]
    assert list(frame["unit"]) == ["t", "kg", "t", "100kg"]
    assert str(frame["quantity"].dtype) == "decimal128(38, 6)[pyarrow]"


def test_text_that_looks_like_a_formula_stays_text(places: Places) -> None:
    frame = read_ledger("ratings", LEDGERS / "ratings_bad.csv", places=places).frame
    assert list(frame["enterprise"]) == ['=HYPERLINK("x")', "+甲公司"]
    assert list(frame["colour"]) == ["green", "red"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("structure_missing_column.csv", "pollutant"), ("structure_duplicate_header.csv", "both give quantity")],
)
def test_structure_problems_stop_at_once(name: str, expected: str, places: Places) -> None:
    with pytest.raises(LedgerStructureError) as caught:
        read_ledger("emissions", LEDGERS / name, places=places)
    assert expected in str(caught.value)
    assert "年度" in caught.value.found and any("pollutant" in e for e in caught.value.expected)


def _text(*values: str | None) -> pa.Array:
    return clean(pa.array(list(values), pa.string()))


def test_decimals_are_exact_and_never_rounded() -> None:
    parsed = parse_decimal(_text("１，２３４．５０", "1,234,567.1", "+3", ".5", "0.125", "1,23", None), 2)
    assert parsed.values.to_pylist() == [
        Decimal("1234.50"),
        Decimal("1234567.10"),
        Decimal("3.00"),
        Decimal("0.50"),
        None,
        None,
        None,
    ]
    codes = {p.code: p.mask.nonzero()[0].tolist() for p in parsed.problems}
    assert codes == {"not_a_number": [5], "too_many_decimals": [4], "number_too_large": []}


def test_shares_as_percent_or_fraction() -> None:
    assert parse_share(_text("25%", "0.75"), 6, percent_header=False).values.to_pylist() == [
        Decimal("0.25"),
        Decimal("0.75"),
    ]
    assert parse_share(_text("25", "75"), 6, percent_header=False).values.to_pylist() == [
        Decimal("0.25"),
        Decimal("0.75"),
    ]
    assert parse_share(_text("0.5"), 6, percent_header=True).values.to_pylist() == [Decimal("0.005")]


def test_months_in_every_form() -> None:
    forms = (
        "2018-01",
        "2018/1",
        "2018年1月",
        "201801",
        "2018-01-01",
        "43101",
        "2018.01",
        "2018-01-01 00:00:00",
    )
    parsed = parse_month(_text(*forms, "2018-13", "2018-02-30", "一月"))
    assert parsed.values.to_pylist() == [date(2018, 1, 1)] * len(forms) + [None] * 3
    assert parsed.problems[0].mask.nonzero()[0].tolist() == [8, 9, 10]


def test_dates_need_a_day() -> None:
    parsed = parse_date(_text("2018-01-31", "2018/1/31", "2018年1月31日", "20180131", "2018-01"))
    assert parsed.values.to_pylist() == [date(2018, 1, 31)] * 4 + [None]
