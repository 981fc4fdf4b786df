"""Credit-rated surcharges (family C): rating rules, score bands, tables by place, properties, CLI."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ecocomp.errors import LedgerValidationError, MoneyError
from ecocomp.families.surcharge.amounts import round_products
from ecocomp.families.surcharge.command import surcharge
from ecocomp.families.surcharge.compute import SurchargeResult, compute_surcharge
from ecocomp.families.surcharge.family import run_surcharge
from ecocomp.money import Rounding, fixed_point
from ecocomp.tariffs.book import TariffBook

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "suzhou-2018"
KUNSHAN, NANJING, SIP = "320583", "320100", "SZ-SIP"
COLOURS = ("green", "blue", "yellow", "red", "black")


def _reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "surcharge_reference", Path(__file__).parent / "data/surcharge/reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ref = _reference()
BOOK = TariffBook.load(env={})  # for hypothesis tests (a fixture's repr would flood the report)

BillRow = tuple[str, str, str, str | None, str | None]  # enterprise, district, "2018-03", kWh, m3
RatingRow = tuple[str, str, str, str | None]  # enterprise, colour or score, valid_from, valid_to


def _day(text: str) -> date:
    return date.fromisoformat(text if len(text) == 10 else f"{text}-01")


def _decimals(values: list[str | None]) -> pa.Array:
    return pa.array([None if v is None else Decimal(v) for v in values], pa.decimal128(38, 2))


def bills(rows: list[BillRow]) -> pa.Table:
    """A bills ledger as `read_ledger` gives it (typed columns, line numbers from 2)."""
    return pa.table(
        {
            "line": pa.array(range(2, len(rows) + 2), pa.int64()),
            "enterprise": pa.array([r[0] for r in rows], pa.string()),
            "district": pa.array([r[1] for r in rows], pa.string()),
            "month": pa.array([_day(r[2]) for r in rows], pa.date32()),
            "electricity_kwh": _decimals([r[3] for r in rows]),
            "water_m3": _decimals([r[4] for r in rows]),
        }
    )


def ratings(rows: list[RatingRow]) -> pa.Table:
    colour = [r[1] if r[1] in COLOURS else None for r in rows]
    return pa.table(
        {
            "line": pa.array(range(2, len(rows) + 2), pa.int64()),
            "enterprise": pa.array([r[0] for r in rows], pa.string()),
            "colour": pa.array(colour, pa.string()),
            "score": _decimals([None if r[1] in COLOURS else r[1] for r in rows]),
            "valid_from": pa.array([_day(r[2]) for r in rows], pa.date32()),
            "valid_to": pa.array([None if r[3] is None else _day(r[3]) for r in rows], pa.date32()),
        }
    )


def lines(result: SurchargeResult) -> dict[str, dict[str, object]]:
    """Bill lines keyed by "enterprise month"."""
    return {f"{r['enterprise']} {r['month']:%Y-%m}": r for r in result.lines().to_pylist()}


def month_bills(
    enterprise: str, district: str, months: list[str], kwh: str = "1000", m3: str = "100"
) -> list[BillRow]:
    return [(enterprise, district, m, kwh, m3) for m in months]


# --- rating rules -------------------------------------------------------------------------------


def test_change_during_a_month_applies_from_the_next_month(book: TariffBook) -> None:
    history = [("甲", "red", "2017-01-01", "2018-03-15"), ("甲", "green", "2018-03-16", None)]
    result = compute_surcharge(
        bills(month_bills("甲", KUNSHAN, ["2018-03", "2018-04"])), ratings(history), book=book
    )
    got = lines(result)
    assert got["甲 2018-03"]["electricity_rating"] == "red"
    assert got["甲 2018-03"]["electricity_surcharge"] == Decimal("50.00")
    assert got["甲 2018-03"]["water_surcharge"] == Decimal("60.00")
    assert got["甲 2018-04"]["electricity_rating"] == "green"
    assert got["甲 2018-04"]["electricity_surcharge"] == Decimal("0.00")


def test_change_on_the_first_day_applies_that_month(book: TariffBook) -> None:
    history = [("甲", "green", "2017-01-01", "2018-03-31"), ("甲", "black", "2018-04-01", None)]
    result = compute_surcharge(
        bills(month_bills("甲", KUNSHAN, ["2018-03", "2018-04"])), ratings(history), book=book
    )
    got = lines(result)
    assert (got["甲 2018-03"]["electricity_rating"], got["甲 2018-04"]["electricity_rating"]) == (
        "green",
        "black",
    )
    assert got["甲 2018-04"]["electricity_surcharge"] == Decimal("100.00")
    assert got["甲 2018-04"]["water_surcharge"] == Decimal("100.00")


@pytest.mark.parametrize(
    ("red_from", "first_red_month"),
    [
        ("2018-12-31", "2019-01"),  # in force on the last day of 2018: all of January-June 2019
        ("2019-01-01", "2019-07"),  # one day later: only from the July half-year
        ("2019-06-30", "2019-07"),
        ("2019-07-01", "2020-01"),
    ],
)
def test_2019_electricity_uses_the_rating_at_the_previous_half_year_end(
    book: TariffBook, red_from: str, first_red_month: str
) -> None:
    months = ["2019-01", "2019-06", "2019-07", "2019-12", "2020-01"]
    history = [("甲", "green", "2017-01-01", None), ("甲", "red", red_from, None)]
    got = lines(compute_surcharge(bills(month_bills("甲", KUNSHAN, months)), ratings(history), book=book))
    for month in months:
        red = month >= first_red_month
        row = got[f"甲 {month}"]
        assert row["electricity_tariff"] == "jiangsu-electricity-2019"
        assert row["electricity_rating"] == ("red" if red else "green"), month
        assert row["electricity_surcharge"] == (Decimal("50.00") if red else Decimal("0.00"))


def test_both_electricity_versions_meet_at_2019(book: TariffBook) -> None:
    history = [("甲", "green", "2017-01-01", "2018-12-14"), ("甲", "red", "2018-12-15", None)]
    got = lines(
        compute_surcharge(
            bills(month_bills("甲", KUNSHAN, ["2018-12", "2019-01"])), ratings(history), book=book
        )
    )
    assert got["甲 2018-12"]["electricity_tariff"] == "jiangsu-electricity-2016"
    assert got["甲 2018-12"]["electricity_rating"] == "green"  # in force on 2018-12-01
    assert got["甲 2019-01"]["electricity_tariff"] == "jiangsu-electricity-2019"
    assert got["甲 2019-01"]["electricity_rating"] == "red"  # in force on 2018-12-31


def test_a_late_list_overrides_from_its_start_and_the_earlier_rating_returns_after_it(
    book: TariffBook,
) -> None:
    history = [
        ("甲", "green", "2018-01-01", "2018-12-31"),  # the annual list
        ("甲", "black", "2018-05-01", "2018-08-31"),  # published late, applies back: latest valid_from wins
    ]
    months = ["2018-04", "2018-05", "2018-08", "2018-09"]
    got = lines(compute_surcharge(bills(month_bills("甲", KUNSHAN, months)), ratings(history), book=book))
    assert [got[f"甲 {m}"]["water_rating"] for m in months] == ["green", "black", "black", "green"]
    assert got["甲 2018-05"]["water_rating_line"] == 3


def test_red_twice_in_a_row_pays_the_black_sewage_rate(book: TariffBook) -> None:
    history = [("甲", "red", "2017-01-01", "2017-12-31"), ("甲", "red", "2018-01-01", None)]
    result = compute_surcharge(
        bills(month_bills("甲", KUNSHAN, ["2017-06", "2018-06"])), ratings(history), book=book
    )
    got = lines(result)
    first, second = got["甲 2017-06"], got["甲 2018-06"]
    assert (first["water_red_repeat"], first["water_surcharge"]) == (False, Decimal("60.00"))
    assert (second["water_red_repeat"], second["water_surcharge"]) == (True, Decimal("100.00"))
    assert second["water_rating"] == "red"
    assert second["electricity_surcharge"] == Decimal("50.00")  # electricity has no repeat rule
    by_rating = {r.rating: r for r in result.by_rating}
    assert by_rating["red_repeat"].water_bills == 1 and by_rating["red_repeat"].water_surcharge == Decimal(
        "100.00"
    )
    assert "连续两次红色按黑色计" in result.explain(["甲"])["甲"]


def test_red_after_another_colour_is_not_a_repeat(book: TariffBook) -> None:
    history = [
        ("甲", "red", "2016-01-01", "2016-12-31"),
        ("甲", "yellow", "2017-01-01", "2017-12-31"),
        ("甲", "red", "2018-01-01", None),
    ]
    got = lines(
        compute_surcharge(bills(month_bills("甲", KUNSHAN, ["2018-06"])), ratings(history), book=book)
    )
    assert got["甲 2018-06"]["water_red_repeat"] is False
    assert got["甲 2018-06"]["water_surcharge"] == Decimal("60.00")


def test_recovery_stops_the_surcharge_from_the_next_month_nanjing(book: TariffBook) -> None:
    history = [("乙", "red", "2017-01-01", "2018-06-15"), ("乙", "yellow", "2018-06-16", None)]
    got = lines(
        compute_surcharge(
            bills(month_bills("乙", NANJING, ["2018-06", "2018-07"])), ratings(history), book=book
        )
    )
    assert got["乙 2018-06"]["water_tariff"] == "nanjing-sewage-2017"
    assert got["乙 2018-06"]["water_surcharge"] == Decimal("60.00")
    assert got["乙 2018-07"]["water_surcharge"] == Decimal("0.00")


def test_the_city_table_applies_where_it_exists_else_the_province(book: TariffBook) -> None:
    rows = [*month_bills("乙", NANJING, ["2016-06", "2017-01"]), *month_bills("丙", SIP, ["2017-01"])]
    history = [("乙", "black", "2016-01-01", None), ("丙", "black", "2016-01-01", None)]
    result = compute_surcharge(bills(rows), ratings(history), book=book)
    got = lines(result)
    assert got["乙 2016-06"]["water_tariff"] == "jiangsu-sewage-2016"  # before Nanjing's own table
    assert got["乙 2017-01"]["water_tariff"] == "nanjing-sewage-2017"
    assert got["丙 2017-01"]["water_tariff"] == "jiangsu-sewage-2016"  # a Suzhou zone: the province
    assert {t.id for t in result.tariffs} >= {"jiangsu-sewage-2016", "nanjing-sewage-2017"}


# --- score bands --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        ("12", "green"),
        ("11", "green"),
        ("10", "blue"),
        ("6", "blue"),
        ("5", "yellow"),
        ("3", "yellow"),
        ("2", "red"),
        ("1", "red"),
        ("0", "black"),
    ],
)
def test_scores_become_colours_at_the_band_edges(book: TariffBook, score: str, colour: str) -> None:
    result = compute_surcharge(  # water only: the 2019 electricity rule looks at 2018-12-31
        bills([("甲", KUNSHAN, "2019-03", None, "100")]),
        ratings([("甲", score, "2019-01-01", None)]),
        book=book,
    )
    assert lines(result)["甲 2019-03"]["water_rating"] == colour
    assert "评分" in result.explain(["甲"])["甲"]


@pytest.mark.parametrize(
    ("score", "valid_from", "code"),
    [("10.5", "2019-01-01", "score_out_of_bands"), ("2", "2018-06-01", "no_score_bands")],
)
def test_a_score_without_a_band_is_a_problem_not_a_colour(
    book: TariffBook, score: str, valid_from: str, code: str
) -> None:
    result = compute_surcharge(
        bills(month_bills("甲", KUNSHAN, ["2019-03"])), ratings([("甲", score, valid_from, None)]), book=book
    )
    codes = [i.code for i in result.rejected]
    assert codes[0] == code and result.rejected[0].line == 2
    assert "unrated" in codes  # the bill that needed it is rejected, never charged as green
    assert len(result.kept) == 0


# --- unrated and missing tables -----------------------------------------------------------------


def test_a_month_without_a_rating_is_rejected_never_green(book: TariffBook) -> None:
    rows = [*month_bills("甲", KUNSHAN, ["2018-01"]), *month_bills("无名", KUNSHAN, ["2018-01"])]
    result = compute_surcharge(bills(rows), ratings([("甲", "green", "2017-01-01", None)]), book=book)
    assert [(i.line, i.code, i.column, i.value) for i in result.rejected] == [
        (3, "unrated", "enterprise", "无名"),
        (3, "unrated", "enterprise", "无名"),
    ]
    assert "no rating is in force on 2018-01-01" in result.rejected[0].message
    assert result.totals.bills == 1


def test_a_month_before_any_table_is_rejected(book: TariffBook) -> None:
    result = compute_surcharge(
        bills([("甲", KUNSHAN, "2015-06", "100", None)]),
        ratings([("甲", "red", "2015-01-01", None)]),
        book=book,
    )
    assert [(i.code, i.column, i.value) for i in result.rejected] == [("no_tariff", "month", "2015-06")]


def test_a_table_may_say_unrated_pays_nothing(tmp_path: Path) -> None:
    shipped = (ROOT / "tariffs/sewage_surcharge/jiangsu-sewage-2016.toml").read_text("utf-8")
    (tmp_path / "mine.toml").write_text(
        shipped.replace('unrated = "error"', 'unrated = "no_surcharge"'), "utf-8"
    )
    book = TariffBook.load([tmp_path], env={})
    result = compute_surcharge(
        bills([("无名", KUNSHAN, "2018-01", None, "100")]),
        ratings([("甲", "red", "2017-01-01", None)]),
        book=book,
    )
    row = result.lines().to_pylist()[0]
    assert (row["water_rating"], row["water_surcharge"], row["water_rating_line"]) == (
        "unrated",
        Decimal("0.00"),
        None,
    )
    assert row["electricity_rating"] is None and row["electricity_surcharge"] is None
    assert result.by_rating[0].rating == "unrated"


def test_strict_run_raises_and_skip_invalid_reports(book: TariffBook, tmp_path: Path) -> None:
    (tmp_path / "bills.csv").write_text(
        "企业名称,区县,月份,用电量\n甲,昆山,2018-01,100\n乙,昆山,2018-01,100\n", "utf-8"
    )
    (tmp_path / "ratings.csv").write_text("企业名称,信用等级,有效期起\n甲,红色,2017-01-01\n", "utf-8")
    with pytest.raises(LedgerValidationError) as caught:
        run_surcharge(tmp_path / "bills.csv", tmp_path / "ratings.csv", book=book)
    assert [i.code for i in caught.value.issues] == ["unrated"]
    run = run_surcharge(tmp_path / "bills.csv", tmp_path / "ratings.csv", book=book, skip_invalid=True)
    assert run.reconciliation["charged"] == 1 and run.reconciliation["rejected_by_rules"] == 1
    assert run.result.totals.electricity_surcharge == Decimal("5.00")


# --- arithmetic ---------------------------------------------------------------------------------


def test_rounding_is_half_away_from_zero_to_the_fen(book: TariffBook) -> None:
    rows = [("甲", KUNSHAN, "2018-01", "0.10", "0.01"), ("甲", KUNSHAN, "2018-02", "0.30", "0.03")]
    got = lines(compute_surcharge(bills(rows), ratings([("甲", "red", "2017-01-01", None)]), book=book))
    assert got["甲 2018-01"]["electricity_surcharge"] == Decimal("0.01")  # 0.005 -> 0.01
    assert got["甲 2018-01"]["water_surcharge"] == Decimal("0.01")  # 0.006 -> 0.01
    assert got["甲 2018-02"]["electricity_surcharge"] == Decimal("0.02")  # 0.015 -> 0.02
    assert got["甲 2018-02"]["water_surcharge"] == Decimal("0.02")  # 0.018 -> 0.02


def test_huge_quantities_stay_exact(book: TariffBook) -> None:
    big = "92233720368547758.07"  # int64 max in hundredths: the product needs Python integers
    got = lines(
        compute_surcharge(
            bills([("甲", KUNSHAN, "2018-01", big, None)]),
            ratings([("甲", "black", "2017-01-01", None)]),
            book=book,
        )
    )
    assert got["甲 2018-01"]["electricity_surcharge"] == Decimal("9223372036854775.81")


def test_values_beyond_64_bits_are_refused() -> None:
    with pytest.raises(MoneyError):
        fixed_point(pa.array([Decimal("1e20")], pa.decimal128(38, 2)), 2)


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_products_near_and_beyond_64_bits_round_exactly(mode: str) -> None:
    """A product just below int64's end must not wrap when the half is added; a wider one is
    rounded as Python integers, in every mode."""
    units = np.array([2**63 - 11, 2**62 + 5], dtype=np.int64)
    for rate, scale in ((1, 2), (3, 3)):
        rule = Rounding(Decimal("0.01"), mode)
        got = round_products(units, np.full(2, rate, np.int64), scale, (rule,), np.zeros(2, np.int32))
        exact = [rule.apply(Decimal(int(u) * rate).scaleb(-2 - scale)) for u in units]
        assert got.tolist() == [int(e.scaleb(2)) for e in exact]


# --- properties ---------------------------------------------------------------------------------

MONTHS = [
    f"{y}-{m:02d}" for y in range(2016, 2021) for m in (1, 3, 6, 7, 12) if (y, m) != (2016, 1)
]  # sewage: 2016-02-15
DISTRICTS = [KUNSHAN, NANJING, SIP, "320300"]
quantity = st.one_of(st.none(), st.decimals(0, 10_000_000, places=2).map(str))
bill_rows = st.lists(
    st.tuples(
        st.sampled_from(["甲", "乙", "丙"]),
        st.sampled_from(DISTRICTS),
        st.sampled_from(MONTHS),
        quantity,
        quantity,
    ),
    min_size=1,
    max_size=25,
    unique_by=lambda r: (r[0], r[2]),
)


@st.composite
def histories(draw: st.DrawFn, colours: tuple[str, ...] = COLOURS) -> list[RatingRow]:
    rows: list[RatingRow] = []
    for name in ("甲", "乙", "丙"):
        starts = sorted(draw(st.sets(st.dates(date(2016, 6, 1), date(2020, 12, 31)), max_size=4)))
        rows.append((name, draw(st.sampled_from(colours)), "2015-01-01", None))
        rows += [(name, draw(st.sampled_from(colours)), f"{s}", None) for s in starts]
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=bill_rows, history=histories())
def test_vectorized_lines_equal_the_decimal_reference(rows: list[BillRow], history: list[RatingRow]) -> None:
    result = compute_surcharge(bills(rows), ratings(history), book=BOOK, chunk_size=7)
    assert result.rejected == ()
    reference = ref.histories(ratings(history).to_pylist(), BOOK)
    for line in result.lines().to_pylist():
        for key in ("electricity", "water"):
            colour, amount = ref.surcharge(line, key, reference, BOOK)
            assert (line[f"{key}_rating"], line[f"{key}_surcharge"]) == (colour, amount)
    electricity = sum((r["electricity_surcharge"] or 0 for r in result.lines().to_pylist()), Decimal(0))
    assert result.totals.electricity_surcharge == electricity
    assert result.totals.total == result.totals.electricity_surcharge + result.totals.water_surcharge


@settings(max_examples=40, deadline=None)
@given(rows=bill_rows, history=histories(("green", "blue", "yellow")))
def test_green_blue_and_yellow_pay_nothing(rows: list[BillRow], history: list[RatingRow]) -> None:
    result = compute_surcharge(bills(rows), ratings(history), book=BOOK)
    assert result.totals.total == 0
    assert all(not (r["electricity_surcharge"] or r["water_surcharge"]) for r in result.lines().to_pylist())


def _plus(value: str | None, extra: Decimal) -> str | None:
    return None if value is None else str(Decimal(value) + extra)


@settings(max_examples=40, deadline=None)
@given(rows=bill_rows, history=histories(), extra=st.decimals(0, 1_000_000, places=2))
def test_surcharges_are_monotonic_in_kwh_and_m3(
    rows: list[BillRow], history: list[RatingRow], extra: Decimal
) -> None:
    more = [(e, d, m, _plus(k, extra), _plus(w, extra)) for e, d, m, k, w in rows]
    low, high = (
        compute_surcharge(bills(r), ratings(history), book=BOOK).lines().to_pylist() for r in (rows, more)
    )
    for a, b in zip(low, high, strict=True):
        for key in ("electricity_surcharge", "water_surcharge"):
            assert (a[key] is None and b[key] is None) or a[key] <= b[key]


@settings(max_examples=40, deadline=None)
@given(rows=bill_rows, history=histories(), seed=st.integers(0, 2**32 - 1), chunk=st.integers(1, 30))
def test_independent_of_row_order_and_chunk_size(
    rows: list[BillRow], history: list[RatingRow], seed: int, chunk: int
) -> None:
    base = compute_surcharge(bills(rows), ratings(history), book=BOOK)
    order = np.random.default_rng(seed).permutation(len(rows))
    table = bills(rows).take(pa.array(order))
    shuffled = compute_surcharge(
        table,
        ratings(history).take(pa.array(np.random.default_rng(seed).permutation(len(history)))),
        book=BOOK,
        chunk_size=chunk,
    )
    key = "line"
    assert base.lines().sort_by(key).to_pylist() == shuffled.lines().sort_by(key).to_pylist()
    assert (base.totals, base.by_district, base.by_month, base.by_rating) == (
        shuffled.totals,
        shuffled.by_district,
        shuffled.by_month,
        shuffled.by_rating,
    )
    assert base.by_enterprise.equals(shuffled.by_enterprise)


# --- the example through the CLI ---------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(surcharge)
    return app


def test_example_runs_and_every_format_reads_back_to_the_same_totals(tmp_path: Path) -> None:
    outputs = [tmp_path / f"out.{s}" for s in ("xlsx", "csv", "json", "parquet")]
    args = [str(EXAMPLE / "bills.csv"), str(EXAMPLE / "ratings.csv")]
    result = CliRunner().invoke(_app(), [*args, *(x for p in outputs for x in ("-o", str(p)))])
    assert result.exit_code == 0, result.output
    summary = json.loads(outputs[2].read_text("utf-8"))
    assert set(summary) >= {"summary", "by_enterprise", "by_district", "by_rating", "rejected", "manifest"}
    total = Decimal(summary["summary"]["total"])
    assert summary["summary"]["bills"] == 7200 and summary["summary"]["enterprises"] == 300
    assert sum((Decimal(r["total"]) for r in summary["by_enterprise"]), Decimal(0)) == total
    table = pq.read_table(outputs[3])
    assert table.num_rows == 7200
    parquet_total = (
        pc.sum(table.column("electricity_surcharge")).as_py()
        + pc.sum(table.column("water_surcharge")).as_py()
    )
    assert parquet_total == total
    with outputs[1].open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert (
        sum(
            (Decimal(r["electricity_surcharge"]) + Decimal(r["water_surcharge"] or 0) for r in rows),
            Decimal(0),
        )
        == total
    )
    book = openpyxl.load_workbook(outputs[0], read_only=True)
    sheet = book["按地区"]
    values = [row for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if "合计(元)" in row)
    column = values[header].index("合计(元)")
    districts = {r["district"] for r in summary["by_district"]}
    xlsx_total = sum(
        (Decimal(str(row[column])) for row in values[header + 1 :] if row[0] in districts), Decimal(0)
    )
    assert xlsx_total == total
    assert {"按地区", "按信用等级", "重点企业", "明细文件", "剔除记录", "费率表"} <= set(book.sheetnames)
    where = [row for row in book["明细文件"].iter_rows(values_only=True)]
    assert any("out.parquet" in str(cell) for row in where for cell in row)
    book.close()


def test_example_cases_are_charged_as_the_readme_says(book: TariffBook) -> None:
    run = run_surcharge(EXAMPLE / "bills.csv", EXAMPLE / "ratings.csv", book=book)
    got = {f"{r['enterprise'][-4:]} {r['month']:%Y-%m}": r for r in run.result.lines().to_pylist()}
    assert got["001号 2018-05"]["water_red_repeat"] is True  # red twice
    assert got["002号 2018-06"]["water_rating"] == "red" and got["002号 2018-07"]["water_rating"] == "yellow"
    assert [got[f"003号 2018-{m}"]["water_rating"] for m in ("04", "05", "08", "09")] == [
        "green",
        "black",
        "black",
        "green",
    ]
    assert (
        got["004号 2019-04"]["water_rating"] == "red"
        and got["004号 2019-06"]["electricity_rating"] == "green"
    )
    assert got["004号 2019-07"]["electricity_rating"] == "red"


def test_cli_exits_1_on_a_data_problem(tmp_path: Path) -> None:
    (tmp_path / "bills.csv").write_text("企业名称,区县,月份,用电量\n甲,昆山,2018-01,-1\n", "utf-8")
    (tmp_path / "ratings.csv").write_text("企业名称,信用等级,有效期起\n甲,红色,2017-01-01\n", "utf-8")
    result = CliRunner().invoke(_app(), [str(tmp_path / "bills.csv"), str(tmp_path / "ratings.csv")])
    assert result.exit_code == 1
    assert "negative" in result.output


def test_typed_parquet_fast_path_keeps_every_ledger_check(book: TariffBook, tmp_path: Path) -> None:
    from ecocomp.ledgers.ledger import read_ledger

    rows = [
        ("甲", "昆山", "2018-01-15", "1.5"),  # a day in a month column: the month is kept
        ("甲", "昆山", "2018-01-01", "2"),  # ... so this is the same enterprise and month
        ("乙", "外星", "2018-01-01", "3"),
        ("丙", "常熟", "2018-01-01", "-1"),
        ("丁", "常熟", "2018-01-01", "1.234"),
        ("戊", "常熟", "2018-02-01", "7"),
    ]
    pq.write_table(
        pa.table(
            {
                "企业名称": [r[0] for r in rows],
                "区县": [r[1] for r in rows],
                "月份": pa.array([date.fromisoformat(r[2]) for r in rows], pa.date32()),
                "用电量": pa.array([Decimal(r[3]) for r in rows], pa.decimal128(20, 3)),
            }
        ),
        tmp_path / "bills.parquet",
    )
    ledger = read_ledger("bills", tmp_path / "bills.parquet", places=book.places)
    codes = sorted((i.line, i.code) for i in ledger.issues)
    expected = ["duplicate_key", "duplicate_key", "unknown_place", "negative", "too_many_decimals"]
    assert codes == list(enumerate(expected, start=2))
    assert ledger.frame["month"].tolist() == [date(2018, 2, 1)]
    assert ledger.frame["electricity_kwh"].tolist() == [Decimal("7.00")]
