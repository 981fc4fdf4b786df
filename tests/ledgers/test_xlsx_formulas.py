"""XLSX formula cells (issue 14): a formula with a cached value reads as that value; a formula
without one (files written by other programs, openpyxl among them) is refused by naming the
cells, never read as an empty cell."""

from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.errors import LedgerStructureError
from ecocomp.ledgers import xlsx as ledger_xlsx
from ecocomp.ledgers.ledger import read_ledger
from tests.builders import EX18, shipped_places
from tests.settlement.libreoffice import PROFILE, soffice

PLACES = shipped_places()
HEADER = ["企业名称", "区县", "月份", "用电量(kWh)", "用水量(m3)"]
ENTERPRISE = "苏州示例纺织印染有限公司001号"  # rated in the example's ratings ledger
SHEET = "xl/worksheets/sheet1.xml"


def _bills(path: Path, months: int) -> Path:
    """A bills ledger whose electricity cells D2.. are formulas (openpyxl caches no value):
    row r's formula gives 1000 * (r - 1)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for n in range(1, months + 1):
        sheet.append([ENTERPRISE, "姑苏区", f"2018-{n:02d}", None, 10])
        sheet[f"D{n + 1}"] = f"=1000*{n}"
    book.save(path)
    return path


def _cache(path: Path, values: dict[str, str]) -> Path:
    """Write cached values into the formula cells named, as Excel does when it saves."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts[SHEET].decode("utf-8")
    for ref, value in values.items():
        xml, count = re.subn(rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/>', rf"\1<v>{value}</v>", xml)
        assert count == 1, ref
    parts[SHEET] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_formulas_without_values_are_refused_naming_the_cells(tmp_path: Path) -> None:
    path = _bills(tmp_path / "bills.xlsx", 12)
    with pytest.raises(LedgerStructureError) as caught:
        read_ledger("bills", path, places=PLACES)
    message = str(caught.value)
    assert message.startswith("bills.xlsx: 12 cell(s) hold a formula without a calculated value")
    refs = ", ".join(f"D{r}" for r in range(2, 12))
    assert f"({refs} and 2 more)" in message and "D12" not in message
    assert "open the workbook in Excel or WPS and save it" in message


def test_formulas_with_cached_values_read_as_those_values(tmp_path: Path) -> None:
    path = _cache(_bills(tmp_path / "bills.xlsx", 3), {"D2": "1000", "D3": "2000.5", "D4": "3000"})
    ledger = read_ledger("bills", path, places=PLACES)
    assert ledger.issues == ()
    assert list(ledger.frame["electricity_kwh"]) == [Decimal("1000"), Decimal("2000.5"), Decimal("3000")]


def test_one_formula_left_without_value_is_named_alone(tmp_path: Path) -> None:
    path = _cache(_bills(tmp_path / "bills.xlsx", 3), {"D2": "1000", "D4": "3000"})
    with pytest.raises(LedgerStructureError, match=r"1 cell\(s\) hold a formula .*\(D3\)"):
        read_ledger("bills", path, places=PLACES)


def test_text_that_looks_like_a_formula_is_no_formula(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append([ENTERPRISE, "姑苏区", "2018-01", 5, 10])
    cell = sheet.cell(row=2, column=1, value="=HYPERLINK(1)")
    cell.data_type = "s"  # written as text: no <f> in the XML
    book.save(tmp_path / "b.xlsx")
    ledger = read_ledger("bills", tmp_path / "b.xlsx", places=PLACES)
    assert ledger.rows_read == 1 and list(ledger.frame["enterprise"]) == ["=HYPERLINK(1)"]


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(data: str, after: str = "") -> bytes:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData>{after}</worksheet>'.encode()


PREFIXED = f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{{}}</x:sheetData></x:worksheet>'
SNIPPETS = {
    "no formula": (_sheet('<row r="1"><c r="A1"><v>1</v></c></row>'), []),
    "cached number": (_sheet('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'), []),
    "empty v, number": (_sheet('<row r="2"><c r="B2"><f>1+1</f><v></v></c></row>'), ["B2"]),
    "no v": (_sheet('<row r="2"><c r="C2" s="1"><f>1+1</f></c></row>'), ["C2"]),
    "cached empty text": (_sheet('<row r="1"><c r="A1" t="str"><f>""</f><v></v></c></row>'), []),
    "shared formula": (
        _sheet('<row r="1"><c r="A1"/><c r="B1"><f t="shared" si="0"/></c>'
               '<c r="C1"><f t="shared" si="0"/><v>3</v></c></row>'),
        ["B1"],
    ),
    "prefixed": (
        PREFIXED.format('<x:row r="4"><x:c r="E4"><x:f>1</x:f><x:v/></x:c></x:row>').encode(), ["E4"]
    ),
    "conditional formula": (
        _sheet("", "<conditionalFormatting><cfRule><formula>A1</formula></cfRule></conditionalFormatting>"),
        [],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", SNIPPETS)
def test_the_byte_scan_and_the_xml_parser_find_the_same_cells(name: str) -> None:
    data, expected = SNIPPETS[name]
    assert ledger_xlsx._scan_formulas(io.BytesIO(data)) == expected
    assert list(ledger_xlsx.uncached_formulas(io.BytesIO(data))) == expected


def test_cells_without_references_are_placed_by_the_xml_parser() -> None:
    data = _sheet("<row><c><v>1</v></c><c><f>1</f></c></row><row><c><f>2</f></c></row>")
    assert ledger_xlsx._scan_formulas(io.BytesIO(data)) is None  # the fast scan cannot name them
    assert list(ledger_xlsx.uncached_formulas(io.BytesIO(data))) == ["B1", "A2"]


def test_the_command_stops_with_exit_1_naming_the_cells(tmp_path: Path) -> None:
    path = _bills(tmp_path / "bills.xlsx", 2)
    result = CliRunner().invoke(app, ["surcharge", str(path), str(EX18 / "ratings.csv")])
    assert result.exit_code == 1, result.output
    assert "bills.xlsx: 2 cell(s) hold a formula without a calculated value (D2, D3)" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_a_workbook_recalculated_by_libreoffice_reads_its_values(tmp_path: Path) -> None:
    program = soffice()
    if program is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed here; .ci/run installs it")
    assert program is not None
    (tmp_path / "src").mkdir()
    source = _bills(tmp_path / "src" / "bills.xlsx", 3)
    profile, out = tmp_path / "profile", tmp_path / "out"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, "utf-8")
    subprocess.run(
        [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    ledger = read_ledger("bills", out / "bills.xlsx", places=PLACES)
    assert ledger.issues == ()
    assert list(ledger.frame["electricity_kwh"]) == [Decimal(1000), Decimal(2000), Decimal(3000)]
