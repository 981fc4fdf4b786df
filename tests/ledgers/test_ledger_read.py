"""Reading ledgers: encodings, delimiters, XLSX layouts, Parquet, safety, and never a stray error."""

from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from ecocomp.errors import LedgerError, LedgerStructureError, UsageError
from ecocomp.ledgers import xlsx as ledger_xlsx
from ecocomp.ledgers.ledger import Ledger, read_ledger
from tests.builders import LEDGERS, shipped_places

PLACES = shipped_places()  # a module constant: the hypothesis tests take no fixtures
EMISSIONS = [
    ["年度", "地区", "污染物", "排放量", "单位"],
    ["2018", "昆山市", "化学需氧量", "1,234.5", "吨"],
    ["2018", "常熟", "NH3-N", "0.1", "kg"],
    ["2018", "苏州", "TP", "12", ""],
]


def _csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def _issues(ledger: Ledger) -> list[tuple[int, str, str]]:
    return [(i.line, i.column, i.code) for i in ledger.issues]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_encodings_and_delimiters_read_alike(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [["苏州市排放量台账"], *EMISSIONS] if delimiter == "," else EMISSIONS
    path = _csv(tmp_path / "e.csv", rows, encoding=encoding, delimiter=delimiter)
    ledger = read_ledger("emissions", path, places=PLACES)
    assert ledger.issues == ()
    assert list(ledger.frame["quantity"]) == [Decimal("1234.5"), Decimal("0.1"), Decimal(12)]
    assert list(ledger.frame["line"]) == ([3, 4, 5] if delimiter == "," else [2, 3, 4])


def test_non_utf8_after_the_head_falls_back_to_gb18030(tmp_path: Path) -> None:
    rows = [EMISSIONS[0]] + [["2018", "苏州", p, "1", "t"] for p in ("COD", "TP", "TN", "SO2")] * 1
    rows += [["2018", f"{n}公司", "COD", "1", "t"] for n in range(5000)]
    path = _csv(tmp_path / "e.csv", rows, encoding="gbk")
    ledger = read_ledger("emissions", path, places=PLACES)
    assert ledger.rows_read == len(rows) - 1
    assert {i.code for i in ledger.issues} == {"unknown_place"}


def _workbook(rows: list[list[object]], path: Path, *, title: bool = True) -> Path:
    """An XLSX as clerks make them: merged title rows, text-formatted numbers, trailing formatting."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "台账"
    start = 1
    if title:
        sheet.append(["苏州市2018年台账"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        sheet.append(["填报单位：财政局", None, None, "单位：吨"])
        sheet.append([])
        start = 4
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row=start + offset, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # formulas-looking text stays text
                cell.number_format = "@"
            elif isinstance(value, datetime | date):
                cell.number_format = "yyyy-mm"
    for row in range(start + len(rows), start + len(rows) + 50):  # formatted, empty
        sheet.cell(row=row, column=1).fill = PatternFill("solid", fgColor="FFFF00")
    book.create_sheet("说明").append(["这是说明"])
    book.save(path)
    return path


def test_xlsx_with_title_rows_merged_cells_and_text_numbers(tmp_path: Path) -> None:
    path = _workbook([list(r) for r in EMISSIONS], tmp_path / "e.xlsx")
    ledger = read_ledger("emissions", path, places=PLACES)
    assert ledger.issues == ()
    assert list(ledger.frame["line"]) == [5, 6, 7]
    assert list(ledger.frame["quantity"]) == [Decimal("1234.5"), Decimal("0.1"), Decimal(12)]


def test_xlsx_bad_ledger_same_issues_as_csv_shifted_by_title_rows(tmp_path: Path) -> None:
    with (LEDGERS / "emissions_bad.csv").open(encoding="utf-8") as handle:
        rows: list[list[object]] = [list(r) for r in csv.reader(handle)]
    path = _workbook(rows, tmp_path / "bad.xlsx")
    from_csv = read_ledger("emissions", LEDGERS / "emissions_bad.csv", places=PLACES)
    from_xlsx = read_ledger("emissions", path, places=PLACES)
    assert _issues(from_xlsx) == [(line + 3, col, code) for line, col, code in _issues(from_csv)]


def test_xlsx_numbers_and_dates_are_exact(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["企业名称", "区县", "月份", "用电量", "用水量"],
        ["甲公司", "昆山市", datetime(2018, 1, 1), 0.1, 3],
        ["乙公司", "昆山市", datetime(2018, 2, 1), 1234567.89, 1e-2],
        ["=SUM(A1)", "昆山市", "2018年3月", "1,000", 12.0],
    ]
    frame = read_ledger("bills", _workbook(rows, tmp_path / "b.xlsx"), places=PLACES).frame
    assert list(frame["electricity_kwh"]) == [Decimal("0.1"), Decimal("1234567.89"), Decimal(1000)]
    assert list(frame["water_m3"]) == [Decimal(3), Decimal("0.01"), Decimal(12)]
    assert list(frame["month"]) == [date(2018, 1, 1), date(2018, 2, 1), date(2018, 3, 1)]
    assert frame["enterprise"].iloc[2] == "=SUM(A1)"


def test_xlsx_named_sheet_and_unknown_sheet(tmp_path: Path) -> None:
    path = _workbook([list(r) for r in EMISSIONS], tmp_path / "e.xlsx")
    assert read_ledger("emissions", path, places=PLACES, sheet="台账").rows_read == 3
    with pytest.raises(UsageError, match="说明"):
        read_ledger("emissions", path, places=PLACES, sheet="Sheet9")


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(LedgerStructureError, match="zip bomb"):
        read_ledger("emissions", path, places=PLACES)


def test_oversized_workbook_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook([list(r) for r in EMISSIONS], tmp_path / "e.xlsx")
    monkeypatch.setattr(ledger_xlsx, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(LedgerStructureError, match="over the limit"):
        read_ledger("emissions", path, places=PLACES)


def test_parquet_bills(tmp_path: Path) -> None:
    table = pa.table(
        {
            "enterprise": ["甲公司", "乙公司"],
            "district": ["昆山市", "320581"],
            "month": pa.array([date(2018, 1, 1), date(2018, 1, 1)], pa.date32()),
            "electricity_kwh": [0.1, 1e16],
            "water_m3": pa.array([Decimal("3.25"), None], pa.decimal128(10, 2)),
        }
    )
    pq.write_table(table, tmp_path / "b.parquet")
    ledger = read_ledger("bills", tmp_path / "b.parquet", places=PLACES)
    # 1e16 is read exactly (not as '1e+16'), and refused: above the column's maximum of 1e10 kWh
    assert [(i.line, i.value, i.code) for i in ledger.issues] == [(3, "10000000000000000", "out_of_range")]
    assert list(ledger.frame["line"]) == [2]
    assert list(ledger.frame["electricity_kwh"]) == [Decimal("0.1")]


def test_round_trip_xlsx_and_csv_give_identical_frames(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["enterprise", "district", "month", "electricity_kwh", "water_m3"],
        ["@甲", "昆山市", "2018-01", "1,000.5", "0.01"],
        ["-乙", "常熟市", "2018-02", "7", ""],
        ["丙 公司", "320505", "2018-03", "0.1", "12"],
    ]
    csv_path = _csv(tmp_path / "b.csv", [[str(v) for v in r] for r in rows])
    xlsx_path = _workbook(rows, tmp_path / "b.xlsx", title=False)
    from_csv = read_ledger("bills", csv_path, places=PLACES)
    from_xlsx = read_ledger("bills", xlsx_path, places=PLACES)
    assert from_csv.issues == from_xlsx.issues == ()
    pd.testing.assert_frame_equal(from_csv.frame, from_xlsx.frame)
    assert list(from_csv.frame["enterprise"]) == ["@甲", "-乙", "丙 公司"]


def test_file_that_is_not_a_ledger(tmp_path: Path) -> None:
    for name, data in [("x.xlsx", b"PK\x03\x04garbage"), ("x.csv", b""), ("x.parquet", b"nope")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(LedgerStructureError):
            read_ledger("emissions", tmp_path / name, places=PLACES)


_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".parquet", ".txt"]))
def test_random_bytes_raise_only_ledger_errors(tmp_path: Path, data: bytes, suffix: str) -> None:
    """Any bytes give either a ledger whose rows add up, every problem naming the file, or a
    ledger error that names the file and says what is wrong with it; never another exception."""
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        ledger = read_ledger("bills", path, places=PLACES)
    except LedgerError as error:
        assert str(error).startswith(f"{path.name}: ") and len(str(error)) > len(f"{path.name}: ")
        return
    assert ledger.rows_read == ledger.rows_accepted + ledger.rows_rejected
    assert len(ledger.frame) == ledger.rows_accepted
    assert all(issue.source == path.name and issue.message for issue in ledger.issues)


_CELL = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@_SETTINGS
@given(cells=st.lists(st.lists(_CELL, min_size=5, max_size=5), max_size=6), xlsx=st.booleans())
def test_random_cells_raise_only_ledger_errors(tmp_path: Path, cells: list[list[str]], xlsx: bool) -> None:
    rows: list[list[object]] = [["企业名称", "区县", "月份", "用电量", "用水量"], *cells]
    path = _workbook(rows, tmp_path / "r.xlsx", title=False) if xlsx else _csv(tmp_path / "r.csv", rows)  # type: ignore[arg-type]
    try:
        ledger = read_ledger("bills", path, places=PLACES)
    except LedgerError:
        return
    assert ledger.rows_read == ledger.rows_accepted + ledger.rows_rejected


@pytest.mark.parametrize(
    "data",
    [
        b"\xe5\xb9\xb4\xe5\xba\xa6,\xe5\x9c\xb0\xe5\x8c\xba,\xe6\xb1\xa1\xe6\x9f\x93\xe7\x89\xa9,\xe6\x8e\x92\xe6\x94\xbe\xe9\x87\x8f",
        "年度,地区,污染物,排放量\r\n".encode(),
    ],
)
def test_header_only_ledger_has_no_rows(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "h.csv").write_bytes(data)
    ledger = read_ledger("emissions", tmp_path / "h.csv", places=PLACES)
    assert (ledger.rows_read, ledger.issues) == (0, ())
