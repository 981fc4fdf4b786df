"""CSV encodings and line ends, and Parquet values out of range (issue 14, point 2).

The whole file is decoded strictly (UTF-8, else GB18030); a bad byte, a mixed file or Latin-1
text read as GBK by accident is refused naming the line and column (in characters) an editor
shows; CR, LF and CRLF all end lines. Parquet dates and numbers beyond what Python holds become
row problems, never an exception.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.errors import LedgerError, LedgerStructureError
from ecocomp.ledgers.ledger import Ledger, read_ledger
from tests.builders import LEDGERS, REPO, shipped_places

PLACES = shipped_places()
EXAMPLES = REPO / "examples" / "suzhou-2018"
ADVICE = "save it as CSV UTF-8"
BILLS_HEADER = "企业名称,区县,月份,用电量,用水量"
runner = CliRunner()


def _bills_rows(count: int) -> list[str]:
    """Good bill rows (one enterprise per row, so no duplicate key)."""
    return [f"苏州第{n}制造有限公司,昆山市,2018-01,{n}.5,{n}" for n in range(count)]


def _issues(ledger: Ledger) -> list[tuple[int, str, str]]:
    return [(i.line, i.column, i.code) for i in ledger.issues]


def _refusal(path: Path, kind: str = "bills") -> str:
    with pytest.raises(LedgerStructureError) as caught:
        read_ledger(kind, path, places=PLACES)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: ")
    return message


def _days_before_year(year: int) -> int:
    """Days from 0001-01-01 to January 1st of `year` (proleptic Gregorian calendar)."""
    y = year - 1
    return 365 * y + y // 4 - y // 100 + y // 400


# --- GBK ledgers are still read --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["bills", "emissions", "monitoring", "ratings", "sections"])
def test_example_ledgers_in_gbk_read_like_utf8(tmp_path: Path, kind: str) -> None:
    source = EXAMPLES / f"{kind}.csv"
    gbk = tmp_path / f"{kind}.csv"
    gbk.write_bytes(source.read_text(encoding="utf-8-sig").encode("gbk"))
    original = read_ledger(kind, source, places=PLACES)
    again = read_ledger(kind, gbk, places=PLACES)
    assert again.rows_read == original.rows_read > 0
    assert _issues(again) == _issues(original)
    pd.testing.assert_frame_equal(again.frame, original.frame)


def test_ascii_file_with_one_gbk_line_past_64_kib_is_gbk(tmp_path: Path) -> None:
    """Nothing before the GBK line says UTF-8: the whole file decodes as GB18030 and is GBK."""
    rows = ["enterprise,district,month,electricity_kwh"]
    rows += [f"Factory {n},320583,2018-01,{n}" for n in range(3000)]
    rows.insert(2500, "昆山第一印染有限公司,昆山市,2018-01,7")
    path = tmp_path / "b.csv"
    path.write_bytes("\n".join(rows).encode("gbk"))
    assert path.stat().st_size > 1 << 16
    ledger = read_ledger("bills", path, places=PLACES)
    assert ledger.issues == ()
    assert "昆山第一印染有限公司" in set(ledger.frame["enterprise"])


# --- bad bytes, mixed files -------------------------------------------------------------------


def test_gbk_line_after_64_kib_of_utf8_is_refused_naming_the_line(tmp_path: Path) -> None:
    rows = [BILLS_HEADER, *_bills_rows(3000)]
    path = tmp_path / "mixed.csv"
    utf8 = "\n".join(rows[:2500]).encode() + b"\n"
    pasted = "昆山第一印染有限公司,昆山市,2018-02,7\n".encode("gbk")  # line 2501
    path.write_bytes(utf8 + pasted + "\n".join(rows[2500:]).encode())
    assert len(utf8) > 1 << 16
    message = _refusal(path)
    assert "line 2501, column 1:" in message
    assert f"byte 0x{pasted[0]:02X}" in message
    assert "mixes encodings" in message and ADVICE in message


def test_one_bad_byte_far_into_a_utf8_file_names_line_and_character_column(tmp_path: Path) -> None:
    rows = [BILLS_HEADER, *_bills_rows(4000)]
    rows[3000] = "甲公司,昆山市,\udcff2018-01,1,2"  # line 3001; 8 characters before the byte
    path = tmp_path / "bad.csv"
    path.write_bytes("\n".join(rows).encode("utf-8", errors="surrogateescape"))
    message = _refusal(path)
    assert "line 3001, column 9: byte 0xFF" in message and ADVICE in message


def test_utf8_bom_declares_utf8_so_a_gbk_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    body = b"enterprise,district,month,electricity_kwh\n" + "甲公司,昆山市,2018-01,1\n".encode("gbk")
    path.write_bytes(b"\xef\xbb\xbf" + body)
    assert "line 2, column 1:" in _refusal(path)


def test_bad_byte_in_a_gbk_file_is_named_where_gbk_fails(tmp_path: Path) -> None:
    rows = [BILLS_HEADER, *_bills_rows(50)]
    data = "\n".join(rows).encode("gbk").split(b"\n")
    data[40] = data[40][:4] + b"\x80" + data[40][4:]  # line 41, after 2 characters (4 bytes)
    path = tmp_path / "gbk.csv"
    path.write_bytes(b"\r\n".join(data))
    message = _refusal(path)
    assert "line 41, column 3: byte 0x80 is neither UTF-8 nor GB18030/GBK" in message
    assert ADVICE in message


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_of_a_bad_byte_counts_every_kind_of_line_end(tmp_path: Path, ending: str) -> None:
    rows = [BILLS_HEADER, *_bills_rows(5)]
    rows[4] = "丁公司,昆山市,2018-01,\udce9,1"  # line 5; 16 characters before the byte
    path = tmp_path / "b.csv"
    path.write_bytes(ending.join(rows).encode("utf-8", errors="surrogateescape"))
    assert "line 5, column 17: byte 0xE9" in _refusal(path)


# --- Latin-1 / Windows-1252 -------------------------------------------------------------------

LATIN_NAMES = ["Müller GmbH", "Zürich Versicherung", "Böhler AG", "Crème brûlée SARL", "Gebrüder Schöller"]


def test_cp1252_that_decodes_as_gb18030_is_refused_with_a_guess(tmp_path: Path) -> None:
    rows = ["enterprise,district,month,electricity_kwh,water_m3"]
    rows += [f"{name},320583,2018-{n + 1:02d},{n}00.5,{n}" for n, name in enumerate(LATIN_NAMES * 2)]
    data = "\n".join(rows).encode("cp1252")
    data.decode("gb18030")  # the trap: it does decode, into rare hanzi (M黮ler GmbH)
    path = tmp_path / "latin.csv"
    path.write_bytes(data)
    message = _refusal(path)
    assert "not Chinese" in message and "line 2, column 2" in message
    assert re.search(r"it looks like Latin-1/Windows-1252 text \(charset-normalizer guesses \w+\)", message)
    assert ADVICE in message


def test_cp1252_that_does_not_decode_names_the_byte_and_a_guess(tmp_path: Path) -> None:
    rows = ["enterprise,district,month,electricity_kwh"]
    rows += [
        "Société Générale,320583,2018-01,1",
        "Müller GmbH,320583,2018-02,2",
        "Nestlé Schweiz,320583,2018-03,3",
    ]
    path = tmp_path / "latin.csv"
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    message = _refusal(path)
    assert "line 2, column 5: byte 0xE9 is neither UTF-8 nor GB18030/GBK" in message
    assert re.search(r"\(charset-normalizer guesses \w+\)", message) and ADVICE in message


def test_gbk_with_rare_hanzi_in_names_is_still_read(tmp_path: Path) -> None:
    """Names with characters outside GB2312 (堃, 喆, 昇) are real Chinese, not Latin-1."""
    rows = [BILLS_HEADER, "苏州堃喆昇科技有限公司,昆山市,2018-01,1,2", "鑫淼犇焱有限公司,常熟市,2018-01,3,4"]
    path = tmp_path / "rare.csv"
    path.write_bytes("\n".join(rows).encode("gbk"))
    ledger = read_ledger("bills", path, places=PLACES)
    assert ledger.issues == ()
    assert list(ledger.frame["enterprise"]) == ["苏州堃喆昇科技有限公司", "鑫淼犇焱有限公司"]


def test_gbk_with_traditional_names_passes_on_the_second_opinion(tmp_path: Path) -> None:
    """Over half of the characters are outside GB2312 (traditional hanzi), but charset-normalizer
    calls the text Chinese, so it is read."""
    names = ["臺灣積體電路製造", "鴻海精密工業"]
    rows = ["enterprise,district,month,electricity_kwh", *(f"{n},320583,2018-01,1" for n in names)]
    path = tmp_path / "trad.csv"
    path.write_bytes("\n".join(rows).encode("gbk"))
    ledger = read_ledger("bills", path, places=PLACES)
    assert ledger.issues == () and list(ledger.frame["enterprise"]) == names


# --- line ends --------------------------------------------------------------------------------


@pytest.mark.parametrize("ending", ["\r\n", "\r", "mixed"])
@pytest.mark.parametrize(("kind", "name"), [("bills", "bills_bad.csv"), ("emissions", "emissions_good.csv")])
def test_cr_lf_and_crlf_files_read_alike(tmp_path: Path, ending: str, kind: str, name: str) -> None:
    text = (LEDGERS / name).read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    if ending == "mixed":
        joined = "".join(line + ("\r\n", "\n", "\r")[n % 3] for n, line in enumerate(lines[:-1]))
        joined += lines[-1]
    else:
        joined = ending.join(lines)
    path = tmp_path / name
    path.write_bytes(joined.encode("utf-8"))
    as_lf = read_ledger(kind, LEDGERS / name, places=PLACES)
    again = read_ledger(kind, path, places=PLACES)
    assert again.rows_read == as_lf.rows_read > 0
    assert _issues(again) == _issues(as_lf)
    pd.testing.assert_frame_equal(again.frame, as_lf.frame)


def test_cr_only_file_has_the_editors_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(
        "台账\r\r企业名称,区县,月份,用电量\r甲公司,昆山市,2018-01,1\r乙公司,外星,2018-01,2\r".encode()
    )
    ledger = read_ledger("bills", path, places=PLACES)
    assert list(ledger.frame["line"]) == [4]
    assert _issues(ledger) == [(5, "区县", "unknown_place")]


# --- not text ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_keeps_its_clear_refusal(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "u16.csv"
    data = (BILLS_HEADER + "\n").encode(encoding)
    path.write_bytes(data if data[:2] in (b"\xff\xfe", b"\xfe\xff") else b"\xfe\xff" + data)
    assert "the file is UTF-16" in _refusal(path)


def test_nul_byte_anywhere_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(("\n".join([BILLS_HEADER, *_bills_rows(3000)]) + "\n").encode() + b"x\x00y\n")
    assert path.stat().st_size > 1 << 16
    assert "binary file" in _refusal(path)


# --- Parquet values out of range --------------------------------------------------------------

YEAR_99999 = _days_before_year(99999) - _days_before_year(1970)  # days from 1970-01-01


def _bills_parquet(path: Path, month: pa.Array, kwh: pa.Array | None = None) -> Path:
    columns = {
        "企业名称": ["甲公司", "乙公司", "丙公司"],
        "区县": ["昆山市", "昆山市", "昆山市"],
        "月份": month,
        "用电量": kwh if kwh is not None else pa.array([1, 2, 3], pa.int64()),
    }
    pq.write_table(pa.table(columns), path)
    return path


@pytest.mark.parametrize(
    ("month", "far"),
    [
        (pa.array([17532, YEAR_99999, None], pa.date32()), "99999-01-01"),
        (pa.array([17532, 2**31 - 1, None], pa.date32()), "5881580-07-11"),
        (pa.array([17532, -(2**31), None], pa.date32()), "-5877641-06-23"),
        (pa.array([17532 * 86_400_000, YEAR_99999 * 86_400_000, None], pa.date64()), "99999-01-01"),
        (pa.array([17532 * 86_400, YEAR_99999 * 86_400, None], pa.timestamp("s")), "99999-01-01T00:00:00"),
        (
            pa.array([17532 * 86_400_000, 2**63 - 1, None], pa.timestamp("ms", tz="Asia/Shanghai")),
            "292278994",
        ),
    ],
    ids=["date32-99999", "date32-max", "date32-min", "date64-99999", "timestamp-99999", "timestamp-max"],
)
def test_parquet_dates_out_of_range_are_row_problems(tmp_path: Path, month: pa.Array, far: str) -> None:
    ledger = read_ledger("bills", _bills_parquet(tmp_path / "b.parquet", month), places=PLACES)
    assert ledger.rows_read == 3
    assert [(i.line, i.column, i.code) for i in ledger.issues if i.line == 3] == [(3, "月份", "bad_month")]
    assert next(i.value for i in ledger.issues if i.line == 3).startswith(far)
    assert ledger.frame["line"].iloc[0] == 2
    assert ledger.frame["month"].iloc[0].isoformat() == "2018-01-01"


def test_parquet_rating_dates_out_of_range_are_row_problems(tmp_path: Path) -> None:
    table = pa.table(
        {
            "企业名称": ["甲公司", "乙公司"],
            "信用等级": ["绿色", "蓝色"],
            "有效期起": pa.array([17532, YEAR_99999], pa.date32()),
            "有效期止": pa.array([2**31 - 1, 17897], pa.date32()),
        }
    )
    pq.write_table(table, tmp_path / "r.parquet")
    ledger = read_ledger("ratings", tmp_path / "r.parquet", places=PLACES)
    assert ledger.rows_accepted == 0
    assert {(i.line, i.column) for i in ledger.issues} == {(2, "有效期止"), (3, "有效期起")}


def test_parquet_open_end_9999_12_31_is_a_date(tmp_path: Path) -> None:
    last = _days_before_year(10000) - _days_before_year(1970) - 1  # 9999-12-31
    table = pa.table(
        {
            "企业名称": ["甲公司"],
            "信用等级": ["绿色"],
            "有效期起": pa.array([17532], pa.date32()),
            "有效期止": pa.array([last], pa.date32()),
        }
    )
    pq.write_table(table, tmp_path / "r.parquet")
    ledger = read_ledger("ratings", tmp_path / "r.parquet", places=PLACES)
    assert ledger.issues == ()
    assert ledger.frame["valid_to"].iloc[0].isoformat() == "9999-12-31"


@pytest.mark.parametrize(
    "values",
    [
        pa.array([2**63 - 1, -(2**63), 5], pa.int64()),
        pa.array([2**64 - 1, 0, 5], pa.uint64()),
        pa.array([10**37, -(10**37), 5], pa.decimal128(38, 0)),
        pa.array([1e300, float("inf"), 5.0], pa.float64()),
    ],
    ids=["int64", "uint64", "decimal128", "float64"],
)
def test_parquet_numbers_at_the_extremes_never_raise(tmp_path: Path, values: pa.Array) -> None:
    """In a quantity (bills, monitoring) or a month column: row problems or exact values."""
    months = pa.array([17532, 17563, 17591], pa.date32())
    bills = read_ledger("bills", _bills_parquet(tmp_path / "b.parquet", months, values), places=PLACES)
    as_month = read_ledger("bills", _bills_parquet(tmp_path / "m.parquet", values), places=PLACES)
    monitoring = pa.table(
        {
            "断面编号": ["SZ01", "SZ02", "SZ03"],
            "月份": months,
            "因子": ["CODMn", "CODMn", "CODMn"],
            "浓度": values,
            "水量": values,
        }
    )
    pq.write_table(monitoring, tmp_path / "w.parquet")
    flows = read_ledger("monitoring", tmp_path / "w.parquet", places=PLACES)
    for ledger in (bills, as_month, flows):
        assert ledger.rows_read == 3 and ledger.rows_accepted + ledger.rows_rejected == 3
    assert {i.line for i in as_month.issues} == {2, 3, 4}  # no number is a month
    assert {i.line for i in as_month.issues if i.code == "bad_month"} >= {2, 3}
    for ledger, column in ((bills, "electricity_kwh"), (flows, "flow_10k_m3")):
        accepted = dict(zip(ledger.frame["line"], ledger.frame[column], strict=True))
        assert accepted.get(4) == 5  # the ordinary value
        for line in (2, 3):  # an extreme: refused on its line, or kept exactly
            raw = values[line - 2].as_py()
            assert line in {i.line for i in ledger.issues} or accepted[line] == raw


def test_parquet_column_of_lists_names_the_column(tmp_path: Path) -> None:
    table = pa.table({"企业名称": ["甲"], "区县": ["昆山市"], "月份": ["2018-01"], "用电量": [[1, 2]]})
    pq.write_table(table, tmp_path / "l.parquet")
    message = _refusal(tmp_path / "l.parquet")
    assert "column '用电量' holds list<" in message


# --- through the CLI --------------------------------------------------------------------------


def _check(path: Path, kind: str = "bills") -> tuple[int, str]:
    result = runner.invoke(app, ["ledger", "check", kind, str(path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, " ".join(result.output.replace("│", " ").split())


def test_cli_mixed_file_exits_1_naming_line_and_column(tmp_path: Path) -> None:
    rows = [BILLS_HEADER, *_bills_rows(3000)]
    path = tmp_path / "mixed.csv"
    gbk_line = "昆山第一印染有限公司,昆山市,2018-02,7".encode("gbk")
    path.write_bytes("\n".join(rows[:2800]).encode() + b"\n" + gbk_line + b"\n")
    code, output = _check(path)
    assert code == 1
    assert "mixed.csv: line 2801, column 1: byte 0x" in output and "mixes encodings" in output


def test_cli_latin1_exits_1_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    rows = ["enterprise,district,month,electricity_kwh", *(f"{n},320583,2018-01,1" for n in LATIN_NAMES)]
    path.write_bytes("\n".join(rows).encode("cp1252"))
    code, output = _check(path)
    assert code == 1 and "latin.csv: the text is not Chinese" in output and ADVICE in output


def test_cli_cr_only_file_reads_like_the_lf_one(tmp_path: Path) -> None:
    path = tmp_path / "bills_bad.csv"
    path.write_bytes((LEDGERS / "bills_bad.csv").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    code, output = _check(path)
    assert code == 1
    assert "6 rows read, 0 accepted, 6 rejected" in output and "line 5 区县 '外星'" in output


def test_cli_parquet_date_out_of_range_is_a_row_problem(tmp_path: Path) -> None:
    path = _bills_parquet(tmp_path / "b.parquet", pa.array([17532, YEAR_99999, 17532], pa.date32()))
    code, output = _check(path)
    assert code == 1
    assert "3 rows read, 2 accepted, 1 rejected" in output and "99999-01-01" in output


def test_ledger_error_not_other_exception_for_every_csv_mutation(tmp_path: Path) -> None:
    """Bytes 0x80..0xFF put in every position of a small ledger: a ledger or a LedgerError."""
    base = io.StringIO()
    csv.writer(base, lineterminator="\r").writerows(
        [BILLS_HEADER.split(","), ["甲公司", "昆山市", "2018-01", "1", "2"]]
    )
    data = base.getvalue().encode("utf-8")
    path = tmp_path / "m.csv"
    for position in range(0, len(data), 3):
        for byte in (0x80, 0xA1, 0xC3, 0xE9, 0xFF):
            path.write_bytes(data[:position] + bytes([byte]) + data[position:])
            try:
                ledger = read_ledger("bills", path, places=PLACES)
            except LedgerError as error:
                assert str(error).startswith("m.csv: ")
                continue
            assert ledger.rows_read == ledger.rows_accepted + ledger.rows_rejected
