"""Issue 14 point 8: bills as power and water companies keep them (one row per account 户号 and
month, several accounts per enterprise, 退补 rows) and enterprises matched by 统一社会信用代码.

Expected amounts by hand from the shipped tables for 2018 bills in 姑苏区 (320508):
jiangsu-electricity-2016 red +0.05, black +0.10 yuan/kWh; jiangsu-sewage-2016 red +0.6 yuan/m3;
both round half up to the fen; unrated = error. Valid codes are made with python-stdnum (17
characters and their check character), never copied.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc
from typer.testing import CliRunner

from ecocomp.cli.main import build_app
from ecocomp.errors import LedgerIssue, LedgerValidationError
from ecocomp.families.surcharge.accounts import CAP, checked_codes, code_problem
from ecocomp.families.surcharge.columns import LINE_COLUMNS
from ecocomp.families.surcharge.compute import compute_surcharge
from ecocomp.families.surcharge.family import SurchargeRun, run_surcharge
from ecocomp.families.surcharge.schema import surcharge_json_schema
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.places import Places
from ecocomp.tariffs.book import TariffBook

BILLS_HEAD = "企业名称,统一社会信用代码,户号,区县,月份,用电量(kWh),用水量(m3)"
RATINGS_HEAD = "企业名称,统一社会信用代码,信用等级,有效期起,有效期止"


def code(serial: int) -> str:
    """A valid code: 9 (工商), 1 (企业), 320500 (苏州), a 9-character body, its check character."""
    body = f"91320500MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def wrong_check(valid: str) -> str:
    """`valid` with another check character."""
    return valid[:-1] + ("1" if valid[-1] != "1" else "2")


A, B, C = code(1), code(2), code(3)


def write(path: Path, head: str, *rows: str) -> Path:
    path.write_text("\n".join((head, *rows)) + "\n", "utf-8")
    return path


def ratings_file(folder: Path, *rows: str) -> Path:
    default = (f"甲公司,{A},红色,2018-01-01,2018-12-31", f"乙公司,{B},黑色,2018-01-01,2018-12-31")
    return write(folder / "ratings.csv", RATINGS_HEAD, *(rows or default))


def run(folder: Path, book: TariffBook, *bills: str, ratings: tuple[str, ...] = ()) -> SurchargeRun:
    bills_path = write(folder / "bills.csv", BILLS_HEAD, *bills)
    return run_surcharge(bills_path, ratings_file(folder, *ratings), book=book)


def problems(stop: pytest.ExceptionInfo[LedgerValidationError]) -> list[LedgerIssue]:
    return list(stop.value.issues)


def test_codes_made_for_these_tests_are_valid_and_the_altered_ones_are_not() -> None:
    assert all(uscc.is_valid(c) for c in (A, B, C))
    assert not uscc.is_valid(wrong_check(A))


def test_two_accounts_of_one_enterprise_in_one_month_are_both_charged_at_its_rating(
    tmp_path: Path, book: TariffBook
) -> None:
    done = run(
        tmp_path,
        book,
        f"甲公司,{A},E001,姑苏区,2018-03,1000.10,10",
        f"甲公司,{A},E002,姑苏区,2018-03,2000.20,",
    )
    lines = {r["account"]: r for r in done.result.lines().to_pylist()}
    assert lines["E001"]["electricity_surcharge"] == Decimal("50.01")  # 1000.10 × 0.05 = 50.005
    assert lines["E002"]["electricity_surcharge"] == Decimal("100.01")  # 2000.20 × 0.05
    assert lines["E001"]["water_surcharge"] == Decimal("6.00")  # 10 × 0.6
    assert {r["electricity_rating"] for r in lines.values()} == {"red"}
    assert {r["uscc"] for r in lines.values()} == {A}
    totals = done.result.totals
    assert totals.electricity_surcharge == Decimal("150.02") and totals.total == Decimal("156.02")
    assert totals.bills == 2 and totals.enterprises == 1


def test_the_same_account_and_month_twice_is_rejected(tmp_path: Path, places: Places) -> None:
    path = write(
        tmp_path / "bills.csv",
        BILLS_HEAD,
        f"甲公司,{A},E001,姑苏区,2018-03,1000,",
        f"甲公司,{A},E001,姑苏区,2018-03,2000,",
        f"甲公司,{A},E002,姑苏区,2018-03,3000,",  # another account of the same month: fine
    )
    ledger = read_ledger("bills", path, places=places)
    assert [(i.line, i.column, i.value, i.code) for i in ledger.issues] == [
        (2, "户号", "E001", "duplicate_key"),
        (3, "户号", "E001", "duplicate_key"),
    ]
    assert "the same 户号 + 月份 is on lines 2, 3" in ledger.issues[0].message  # headers as written
    assert ledger.rows_accepted == 1


def test_without_an_account_column_the_key_stays_enterprise_and_month(tmp_path: Path, places: Places) -> None:
    path = write(
        tmp_path / "bills.csv",
        "企业名称,区县,月份,用电量(kWh)",
        "甲公司,姑苏区,2018-03,1",
        "甲公司,姑苏区,2018-03,2",
    )
    assert {i.code for i in read_ledger("bills", path, places=places).issues} == {"duplicate_key"}


def test_a_bill_without_its_account_is_rejected_when_the_others_have_one(
    tmp_path: Path, book: TariffBook
) -> None:
    with pytest.raises(LedgerValidationError) as stop:
        run(tmp_path, book, f"甲公司,{A},E001,姑苏区,2018-03,1000,", f"甲公司,{A},,姑苏区,2018-04,1000,")
    [issue] = problems(stop)
    assert (issue.line, issue.column, issue.code) == (3, "户号", "missing_value")
    assert "every bill needs its account" in issue.message


def test_an_adjustment_row_of_the_same_account_and_month_is_not_a_duplicate_and_is_charged(
    tmp_path: Path, places: Places, book: TariffBook
) -> None:
    head = BILLS_HEAD + ",退补月份"
    rows = (f"甲公司,{A},E001,姑苏区,2018-04,1000,,", f"甲公司,{A},E001,姑苏区,2018-04,200,,2018-02")
    path = write(tmp_path / "bills.csv", head, *rows)
    assert read_ledger("bills", path, places=places).issues == ()  # key: account + month + 退补月份
    done = run_surcharge(path, ratings_file(tmp_path), book=book)
    got = {r["line"]: r["electricity_surcharge"] for r in done.result.lines().to_pylist()}
    assert got == {2: Decimal("50.00"), 3: Decimal("10.00")}  # red: 1000 × 0.05, 200 × 0.05
    assert done.rejected == ()


def test_a_renamed_enterprise_is_matched_by_code_with_a_warning(tmp_path: Path, book: TariffBook) -> None:
    done = run(tmp_path, book, f"乙公司新名,{B},E003,姑苏区,2018-03,300,")
    [line] = done.result.lines().to_pylist()
    assert line["electricity_rating"] == "black" and line["electricity_surcharge"] == Decimal("30.00")
    [warning] = [w for w in done.warnings if "统一社会信用代码" in w]
    assert f"乙公司新名 → 乙公司 ({B})" in warning


def test_a_code_no_rating_has_is_unrated_even_when_the_name_matches(tmp_path: Path, book: TariffBook) -> None:
    bills = write(tmp_path / "bills.csv", BILLS_HEAD, f"甲公司,{C},E001,姑苏区,2018-03,1000,")
    frames = {
        k: read_ledger(k, p, places=book.places).frame
        for k, p in (("bills", bills), ("ratings", ratings_file(tmp_path)))
    }
    result = compute_surcharge(frames["bills"], frames["ratings"], book=book)
    assert [(i.line, i.code) for i in result.rejected] == [(2, "unrated")]
    assert any(f"甲公司 ({C})" in w and "match no rating" in w for w in result.warnings)


def test_a_bill_without_a_code_takes_the_code_the_ratings_give_its_name(
    tmp_path: Path, book: TariffBook
) -> None:
    done = run(tmp_path, book, "甲公司,,E001,姑苏区,2018-03,1000,", f"乙公司,{B},E002,姑苏区,2018-03,1000,")
    got = {r["enterprise"]: r["electricity_surcharge"] for r in done.result.lines().to_pylist()}
    assert got == {"甲公司": Decimal("50.00"), "乙公司": Decimal("100.00")}  # red, black
    assert not [w for w in done.warnings if "统一社会信用代码" in w]


@pytest.mark.parametrize("ledger", ["bills", "ratings"])
def test_an_invalid_check_digit_is_rejected_with_the_reason(
    tmp_path: Path, book: TariffBook, ledger: str
) -> None:
    bad = wrong_check(A)
    bills = (f"甲公司,{bad if ledger == 'bills' else A},E001,姑苏区,2018-03,1000,",)
    ratings = (f"甲公司,{bad if ledger == 'ratings' else A},红色,2018-01-01,2018-12-31",)
    with pytest.raises(LedgerValidationError) as stop:
        run(tmp_path, book, *bills, ratings=ratings)
    found = problems(stop)
    issue = next(i for i in found if i.code == "invalid_uscc")
    assert (issue.source, issue.line, issue.column, issue.value) == (
        f"{ledger}.csv",
        2,
        "统一社会信用代码",
        bad,
    )
    assert "校验码错误" in issue.message and bad in issue.message
    assert len(found) == 1 or ledger == "ratings"  # a rejected rating leaves the bill unrated


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("91320500MA0000001", "17 characters, not 18"),
        ("91320500MA00000I01", "characters a code cannot have"),
        ("9132050OMA00000010", "characters a code cannot have"),  # a letter O among the 8 digits
    ],
)
def test_invalid_codes_name_the_reason(text: str, reason: str) -> None:
    assert code_problem(text)[0] is None
    assert reason in str(code_problem(text)[1])


def test_codes_are_compacted_before_they_are_checked(tmp_path: Path, book: TariffBook) -> None:
    spaced = f"{A[:4]} {A[4:8]}-{A[8:].lower()}"
    done = run(tmp_path, book, f"甲公司,{spaced},E001,姑苏区,2018-03,1000,")
    assert [r["uscc"] for r in done.result.lines().to_pylist()] == [A]


@pytest.mark.parametrize("coded", ["bills", "ratings"])
def test_only_one_ledger_with_codes_matches_by_name_with_a_warning(
    tmp_path: Path, book: TariffBook, coded: str
) -> None:
    bills = write(
        tmp_path / "bills.csv",
        BILLS_HEAD if coded == "bills" else "企业名称,户号,区县,月份,用电量(kWh)",
        f"甲公司,{C},E001,姑苏区,2018-03,1000," if coded == "bills" else "甲公司,E001,姑苏区,2018-03,1000",
    )
    ratings = write(
        tmp_path / "ratings.csv",
        RATINGS_HEAD if coded == "ratings" else "企业名称,信用等级,有效期起,有效期止",
        f"甲公司,{C},红色,2018-01-01," if coded == "ratings" else "甲公司,红色,2018-01-01,",
    )
    done = run_surcharge(bills, ratings, book=book)
    assert done.result.totals.electricity_surcharge == Decimal("50.00")  # red by name, 1000 × 0.05
    [warning] = [w for w in done.warnings if "统一社会信用代码" in w]
    assert f"only the {coded} ledger has 统一社会信用代码" in warning and "by enterprise name" in warning


def test_one_code_twice_on_one_day_under_two_names_is_rejected(tmp_path: Path, book: TariffBook) -> None:
    ratings = (f"甲公司,{A},红色,2018-01-01,", f"甲公司(旧名),{A},黑色,2018-01-01,")
    with pytest.raises(LedgerValidationError) as stop:
        run(tmp_path, book, f"甲公司,{A},E001,姑苏区,2018-03,1000,", ratings=ratings)
    duplicates = [i for i in problems(stop) if i.code == "duplicate_key"]
    assert [(i.source, i.line, i.value) for i in duplicates] == [("ratings.csv", 2, A), ("ratings.csv", 3, A)]
    assert "the same 统一社会信用代码 + 有效期起 is on lines 2, 3" in duplicates[0].message


def test_names_that_match_no_code_are_listed_in_one_capped_warning(tmp_path: Path, book: TariffBook) -> None:
    unknown = [f"企业{n:02d},,E{n:03d},姑苏区,2018-03,1000," for n in range(CAP + 3)]
    ratings = (f"甲公司,{A},红色,2018-01-01,", *(f"企业{n:02d},,黄色,2018-01-01," for n in range(CAP + 3)))
    done = run(tmp_path, book, f"甲公司,{A},E100,姑苏区,2018-03,1000,", *unknown, ratings=ratings)
    assert done.result.totals.electricity_surcharge == Decimal("50.00")  # 甲 red; the others yellow
    [warning] = [w for w in done.warnings if "matched by name only" in w]
    assert warning.startswith(f"{CAP + 3} enterprise(s)") and "企业00" in warning and "and 3 more" in warning
    assert "企业12" not in warning


def test_the_command_writes_accounts_and_codes_and_the_json_warns(tmp_path: Path) -> None:
    bills = write(
        tmp_path / "bills.csv",
        BILLS_HEAD,
        f"甲公司,{A},E001,姑苏区,2018-03,1000.10,10",
        f"甲公司,{A},E002,姑苏区,2018-03,2000.20,",
        f"乙公司新名,{B},E003,姑苏区,2018-03,300,",
    )
    out, lines = tmp_path / "out.json", tmp_path / "lines.csv"
    args = ["surcharge", str(bills), str(ratings_file(tmp_path)), "-o", str(out), "-o", str(lines)]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    summary = json.loads(out.read_text("utf-8"))
    assert summary["summary"]["electricity_surcharge"] == "180.02"  # 50.01 + 100.01 + 30.00 (black)
    assert summary["summary"]["total"] == "186.02" and summary["summary"]["bills"] == 3
    by_enterprise = {r["enterprise"]: r["total"] for r in summary["by_enterprise"]}
    assert by_enterprise == {"甲公司": "156.02", "乙公司新名": "30.00"}
    assert any("乙公司新名 → 乙公司" in w for w in summary["manifest"]["warnings"])
    with lines.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["户号"], r["统一社会信用代码"]) for r in rows] == [("E001", A), ("E002", A), ("E003", B)]


def test_the_command_refuses_an_invalid_code_with_exit_1(tmp_path: Path) -> None:
    bills = write(tmp_path / "bills.csv", BILLS_HEAD, f"甲公司,{wrong_check(A)},E001,姑苏区,2018-03,1000,")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        build_app(), ["surcharge", str(bills), str(ratings_file(tmp_path)), "-o", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert (
        "bills.csv:2" in result.output and wrong_check(A) in result.output and "校验码错误" in result.output
    )
    assert "Traceback" not in result.output and not out.exists()


_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcz -"


@given(
    st.lists(
        st.one_of(
            st.integers(0, 10**7 - 1).map(code),
            st.integers(0, 10**7 - 1).map(lambda n: wrong_check(code(n))),
            st.tuples(st.integers(0, 10**7 - 1), st.integers(0, 17), st.sampled_from(_CHARS)).map(
                lambda t: code(t[0])[: t[1]] + t[2] + code(t[0])[t[1] + 1 :]
            ),
            st.text(_CHARS, max_size=22),
            st.none(),
        ),
        max_size=30,
    )
)
def test_the_column_check_agrees_with_stdnum_on_every_value(texts: list[str | None]) -> None:
    codes, reasons = checked_codes(pa.array(texts, pa.string()))
    for text, got, reason in zip(texts, codes.to_pylist(), reasons.to_pylist(), strict=True):
        if text is None:
            assert got is None and reason is None
        elif uscc.is_valid(text):
            assert got == uscc.compact(text) and reason is None
        else:
            assert got is None and reason == code_problem(text)[1]


def test_the_surcharge_schema_describes_a_bill_line_with_account_and_code() -> None:
    line = surcharge_json_schema()["$defs"]["bill_line"]  # type: ignore[index]
    assert list(line["properties"]) == [c.key for c in LINE_COLUMNS]
    for key in ("account", "uscc"):  # may be empty: a ledger without them
        assert line["properties"][key]["type"] == ["string", "null"], key
