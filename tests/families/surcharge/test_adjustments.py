"""Issue 14 point 8: 退补 (adjustment) rows are charged, and codes are checked by the ledger check.

A bill row whose 退补月份 is filled is booked in its bill month (periods, summaries) and charged at
the rating and the table of the month it corrects. Expected amounts by hand from the shipped
tables for bills in 姑苏区 (320508): jiangsu-electricity-2016 (to 2018-12, the rating in force in
the bill month) yellow 0, red +0.05, black +0.10 yuan/kWh; jiangsu-electricity-2019 (from
2019-01, the rating at the end of the previous half-year) the same rates; jiangsu-sewage-2016
red +0.6 yuan/m3; every table rounds half away from zero (half_up) to the fen.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc
from typer.testing import CliRunner

from ecocomp.cli.main import build_app
from ecocomp.families.surcharge.compute import compute_surcharge
from ecocomp.families.surcharge.family import run_surcharge
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.ledgers.uscc import checked_codes
from ecocomp.money import Rounding, round_units
from ecocomp.places import Places
from ecocomp.tariffs.book import TariffBook
from tests.builders import dates, day, decimals, ledger, texts
from tests.families.surcharge.frames import ratings

HEAD = "企业名称,区县,月份,退补月份,用电量(kWh),用水量(m3)"
RATINGS_HEAD = "企业名称,信用等级,有效期起,有效期止"
GUSU = "320508"
AdjustedRow = tuple[str, str, str | None, str | None, str | None]  # enterprise, month, adjusts, kWh, m3


def write(path: Path, head: str, *rows: str) -> Path:
    path.write_text("\n".join((head, *rows)) + "\n", "utf-8")
    return path


def ratings_file(folder: Path, *rows: str) -> Path:
    return write(folder / "ratings.csv", RATINGS_HEAD, *(rows or ("甲公司,红色,2016-01-01,",)))


def bills(rows: list[AdjustedRow]) -> pa.Table:
    """A bills ledger of 姑苏区 with 退补月份, as `read_ledger` gives it."""
    return ledger(
        {
            "enterprise": texts(r[0] for r in rows),
            "district": texts(GUSU for _ in rows),
            "month": dates(day(r[1]) for r in rows),
            "uscc": texts(None for _ in rows),
            "account": texts(None for _ in rows),
            "adjusts": dates(None if r[2] is None else day(r[2]) for r in rows),
            "electricity_kwh": decimals((r[3] for r in rows), 2),
            "water_m3": decimals((r[4] for r in rows), 2),
        },
        len(rows),
    )


def surcharges(result: object) -> dict[int, tuple[object, object]]:
    """Per ledger line: (electricity surcharge, its rating)."""
    lines = result.lines().to_pylist()  # type: ignore[attr-defined]
    return {r["line"]: (r["electricity_surcharge"], r["electricity_rating"]) for r in lines}


# --- charging ------------------------------------------------------------------------------------


def test_an_original_bill_and_its_full_reversal_net_to_zero(tmp_path: Path, book: TariffBook) -> None:
    path = write(
        tmp_path / "bills.csv",
        HEAD,
        "甲公司,姑苏区,2018-02,,1000.10,",
        "甲公司,姑苏区,2018-04,2018-02,-1000.10,",
    )
    done = run_surcharge(path, ratings_file(tmp_path), book=book)
    # red 0.05: 1000.10 × 0.05 = 50.005 -> 50.01; -50.005 -> -50.01 (half away from zero)
    assert surcharges(done.result) == {2: (Decimal("50.01"), "red"), 3: (Decimal("-50.01"), "red")}
    assert done.result.totals.electricity_surcharge == Decimal("0.00")
    assert done.result.totals.total == Decimal("0.00")
    by_month = {g.key: g.electricity_surcharge for g in done.result.by_month}
    assert by_month == {"2018-02": Decimal("50.01"), "2018-04": Decimal("-50.01")}  # booked in April
    a = done.result.adjustments
    assert (a.rows, a.total, a.electricity_surcharge) == (1, Decimal("-50.01"), Decimal("-50.01"))


def test_an_adjustment_is_charged_at_the_rating_of_the_month_it_corrects(book: TariffBook) -> None:
    rated = ratings([("甲公司", "yellow", "2018-01-01", "2018-02-28"), ("甲公司", "red", "2018-03-01", None)])
    rows: list[AdjustedRow] = [
        ("甲公司", "2018-04", "2018-02", "1000", None),
        ("甲公司", "2018-04", None, "1000", None),
    ]
    result = compute_surcharge(bills(rows), rated, book=book)
    # the 退补 of February: yellow then, 0; the April bill: red, 1000 × 0.05
    assert surcharges(result) == {2: (Decimal("0.00"), "yellow"), 3: (Decimal("50.00"), "red")}
    assert result.totals.total == Decimal("50.00")
    by_rating = {r.rating: r.electricity_bills for r in result.by_rating}
    assert by_rating == {"yellow": 1, "red": 1}
    [text] = result.explain(["甲公司"]).values()  # the 退补 is told in the month it corrects
    assert "2018-02至2018-02 黄色" in text and "2018-04至2018-04 红色" in text


def test_an_adjustment_uses_the_table_in_force_in_the_month_it_corrects(book: TariffBook) -> None:
    # red until 2018-12-31, black from 2019-01-01 (during the 2019 table's first half-year)
    rated = ratings([("甲公司", "red", "2018-01-01", "2018-12-31"), ("甲公司", "black", "2019-01-01", None)])
    rows: list[AdjustedRow] = [
        ("甲公司", "2019-02", "2018-11", "100", None),
        ("甲公司", "2019-02", None, "100", None),
    ]
    lines = {r["line"]: r for r in compute_surcharge(bills(rows), rated, book=book).lines().to_pylist()}
    # 2018-11: the 2016 table, the rating in force in November (red): 100 × 0.05
    assert lines[2]["electricity_tariff"] == "jiangsu-electricity-2016"
    assert (lines[2]["electricity_rating"], lines[2]["electricity_surcharge"]) == ("red", Decimal("5.00"))
    assert lines[2]["adjusts"] == date(2018, 11, 1)
    # 2019-02: the 2019 table, the rating at 2018-12-31 (red as well): 100 × 0.05
    assert lines[3]["electricity_tariff"] == "jiangsu-electricity-2019"
    assert lines[3]["adjusts"] is None
    assert lines[2]["evidence"] is not None  # the evidence of the table it used


def test_an_adjustment_carries_water_too(book: TariffBook) -> None:
    rated = ratings([("甲公司", "red", "2016-01-01", None)])
    rows: list[AdjustedRow] = [("甲公司", "2018-05", "2018-03", None, "-10.01")]
    result = compute_surcharge(bills(rows), rated, book=book)
    [line] = result.lines().to_pylist()
    assert line["water_surcharge"] == Decimal("-6.01")  # -10.01 × 0.6 = -6.006 -> -6.01
    assert result.totals.water_surcharge == Decimal("-6.01")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quantity=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
    water=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
    colour=st.sampled_from(["green", "blue", "yellow", "red", "black"]),
    corrected=st.integers(0, 23),
    later=st.integers(0, 6),
)
def test_an_adjustment_reversing_a_bill_conserves_money(
    book: TariffBook, quantity: Decimal, water: Decimal, colour: str, corrected: int, later: int
) -> None:
    month = f"{2018 + corrected // 12}-{corrected % 12 + 1:02d}"
    booked = corrected + later
    booked_month = f"{2018 + booked // 12}-{booked % 12 + 1:02d}"
    rated = ratings([("甲公司", colour, "2016-01-01", None)])
    rows: list[AdjustedRow] = [
        ("甲公司", month, None, str(quantity), str(water)),
        ("甲公司", booked_month, month, str(-quantity), str(-water)),
    ]
    result = compute_surcharge(bills(rows), rated, book=book)
    original, reversal = result.lines().to_pylist()
    for key in ("electricity_surcharge", "water_surcharge"):
        assert reversal[key] == -original[key]
    assert result.totals.total == Decimal("0.00") and result.rejected == ()


# --- rounding of negative amounts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "fen"),
    # -50.005, -50.0049, -50.0051 yuan in fen: half_up is half away from zero (四舍五入)
    [
        ("half_up", [-5001, -5000, -5001]),
        ("half_even", [-5000, -5000, -5001]),
        ("down", [-5000, -5000, -5000]),
        ("up", [-5001, -5001, -5001]),
    ],
)
def test_a_negative_amount_rounds_as_its_magnitude_does(mode: str, fen: list[int]) -> None:
    units = np.array([-500050, -500049, -500051], dtype=np.int64)  # units of 0.0001 yuan
    rule = Rounding(Decimal("0.01"), mode)
    assert round_units(units, 4, rule).tolist() == fen
    assert round_units(-units, 4, rule).tolist() == [-f for f in fen]  # the same magnitudes, positive


# --- the ledger check ---------------------------------------------------------------------------


def test_a_negative_quantity_without_an_adjustment_month_is_still_refused(
    tmp_path: Path, places: Places
) -> None:
    path = write(
        tmp_path / "bills.csv", HEAD, "甲公司,姑苏区,2018-02,,-5,", "甲公司,姑苏区,2018-03,2018-02,-5,-1"
    )
    found = read_ledger("bills", path, places=places)
    assert [(i.line, i.column, i.value, i.code) for i in found.issues] == [
        (2, "用电量(kWh)", "-5", "negative")
    ]
    assert "only a row with 退补月份 filled" in found.issues[0].message
    assert found.rows_accepted == 1


def test_without_an_adjustment_column_every_negative_quantity_is_refused(
    tmp_path: Path, places: Places
) -> None:
    path = write(tmp_path / "bills.csv", "企业名称,区县,月份,用电量(kWh)", "甲公司,姑苏区,2018-02,-5")
    [issue] = read_ledger("bills", path, places=places).issues
    assert (issue.line, issue.value, issue.code) == (2, "-5", "negative")


def test_an_adjustment_of_a_later_month_is_refused(tmp_path: Path, places: Places, book: TariffBook) -> None:
    path = write(tmp_path / "bills.csv", HEAD, "甲公司,姑苏区,2018-02,2018-03,-5,")
    [issue] = read_ledger("bills", path, places=places).issues
    assert (issue.line, issue.column, issue.value, issue.code) == (
        2,
        "退补月份",
        "2018-03",
        "adjusts_after_month",
    )
    assert "after this row's 月份" in issue.message
    # the same bill given as a frame (not through the ledger check) is refused by the run too
    rows: list[AdjustedRow] = [("甲公司", "2018-02", "2018-03", "-5", None)]
    result = compute_surcharge(bills(rows), ratings([("甲公司", "red", "2016-01-01", None)]), book=book)
    assert [(i.line, i.code) for i in result.rejected] == [(2, "adjusts_after_month")]
    assert len(result.kept) == 0


def test_a_negative_plain_bill_given_as_a_frame_is_refused_by_the_run(book: TariffBook) -> None:
    rows: list[AdjustedRow] = [
        ("甲公司", "2018-02", None, "-5", None),
        ("甲公司", "2018-03", None, "5", None),
    ]
    result = compute_surcharge(bills(rows), ratings([("甲公司", "red", "2016-01-01", None)]), book=book)
    assert [(i.line, i.code, i.value) for i in result.rejected] == [(2, "negative", "-5.00")]
    assert result.totals.total == Decimal("0.25")  # 5 × 0.05


def code(serial: int) -> str:
    body = f"91320500MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def test_the_ledger_check_reports_a_bad_check_digit_with_file_line_column_and_value(tmp_path: Path) -> None:
    good = code(7)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    path = write(
        tmp_path / "bills.csv",
        "企业名称,统一社会信用代码,区县,月份,用电量(kWh)",
        f"甲公司,{good},姑苏区,2018-02,5",
        f"乙公司,{bad},姑苏区,2018-02,5",
    )
    result = CliRunner().invoke(build_app(), ["ledger", "check", "bills", str(path)])
    assert result.exit_code == 1, result.output
    assert "bills.csv (bills)" in result.output and "line 3 统一社会信用代码" in result.output
    assert bad in result.output and "校验码错误" in result.output
    assert "Traceback" not in result.output


def test_the_uscc_rule_keeps_the_compacted_code(tmp_path: Path, places: Places) -> None:
    good = code(8)
    spaced = f"{good[:6]} {good[6:10]}-{good[10:].lower()}"
    path = write(
        tmp_path / "ratings.csv",
        "企业名称,统一社会信用代码,信用等级,有效期起",
        f"甲公司,{spaced},红色,2018-01-01",
    )
    found = read_ledger("ratings", path, places=places)
    assert found.issues == () and found.frame["uscc"].tolist() == [good]


def test_the_shared_column_check_flags_only_invalid_codes() -> None:
    good = code(9)
    codes, reasons = checked_codes(pa.array([good, good[:-1] + "Z", None], pa.string()))
    assert codes.to_pylist() == [good, None, None]
    assert reasons.to_pylist()[0] is None and reasons.to_pylist()[2] is None
    assert "characters a code cannot have" in str(reasons.to_pylist()[1])  # Z is not in the alphabet


# --- the command ---------------------------------------------------------------------------------


def _run(tmp_path: Path, *extra: str) -> dict[str, object]:
    path = write(
        tmp_path / "bills.csv",
        HEAD,
        "甲公司,姑苏区,2018-02,,1000.10,",
        "甲公司,姑苏区,2018-04,2018-02,-1000.10,",
    )
    out = tmp_path / "out.json"
    args = ["surcharge", str(path), str(ratings_file(tmp_path)), "-o", str(out), *extra]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    loaded: dict[str, object] = json.loads(out.read_text("utf-8"))
    return loaded


def test_the_command_nets_the_adjustment_and_says_so_in_the_json(tmp_path: Path) -> None:
    summary = _run(tmp_path, "-o", str(tmp_path / "lines.csv"))
    with (tmp_path / "lines.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["退补月份"], r["差别电价加价(元)"]) for r in rows] == [("", "50.01"), ("2018-02", "-50.01")]
    assert summary["summary"]["total"] == "0.00" and summary["summary"]["bills"] == 2  # type: ignore[index]
    months = {r["month"]: r["total"] for r in summary["by_month"]}  # type: ignore[attr-defined, index]
    assert months == {"2018-02": "50.01", "2018-04": "-50.01"}
    assert summary["manifest"]["adjustments"] == {  # type: ignore[index]
        "rows": 1,
        "electricity_surcharge": "-50.01",
        "water_surcharge": "0.00",
        "total": "-50.01",
    }


@pytest.mark.parametrize(
    ("first", "last", "total", "bills_count"),
    [
        ("2018-03", "2018-04", "-50.01", 1),
        ("2018-01", "2018-02", "50.01", 1),
        ("2018-01", "2018-12", "0.00", 2),
    ],
)
def test_from_and_to_select_adjustments_by_their_bill_month(
    tmp_path: Path, first: str, last: str, total: str, bills_count: int
) -> None:
    summary = _run(tmp_path, "--from", first, "--to", last)
    assert summary["summary"]["total"] == total  # type: ignore[index]
    assert summary["summary"]["bills"] == bills_count  # type: ignore[index]


def test_the_terminal_report_notes_the_adjustments_and_their_net_amount(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bills.csv",
        HEAD,
        "甲公司,姑苏区,2018-02,,1000.10,",
        "甲公司,姑苏区,2018-04,2018-02,-1000.10,",
    )
    result = CliRunner().invoke(build_app(), ["surcharge", str(path), str(ratings_file(tmp_path))])
    assert result.exit_code == 0, result.output
    said = "".join(result.output.splitlines())  # a note wraps to the terminal's width, no character lost
    assert "含退补(调整)行 1 行" in said and "净额 -50.01 元" in said
