"""What each water line and each district's figures rest on (issue 12): the weakest evidence
among the tariff values and rules used, and which of them are not verified."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.families.base import Run
from ecocomp.families.water.compute import WaterResult
from ecocomp.families.water.family import WATER
from ecocomp.families.water.report import water_report
from ecocomp.reports.model import Table
from ecocomp.tariffs.book import TariffBook, shipped_tariffs_dir
from ecocomp.tariffs.evidence import NOTE_LEAD
from tests.builders import EX18

from .frames import KUNSHAN, WUJIANG, WUZHONG, XIANGCHENG, compute, example_run, full, section
from .frames import sections as section_frame

WATER_2017 = "water_compensation/jiangsu-water-2017.toml"
TABLE_FILES = {
    "jiangsu-water-2017": WATER_2017,
    "suzhou-water-2017": "water_compensation/suzhou-water-2017.toml",
    "gb3838-2002": "water_quality_standard/gb3838-2002.toml",
}
USE = re.compile(r"^(?P<table>[^:]+):(?P<path>\S+) \((?P<tag>\w+)\)$")


def _toml(name: str) -> dict[str, object]:
    """A shipped table as tomllib reads it, independently of ecocomp's loader."""
    with (shipped_tariffs_dir() / name).open("rb") as handle:
        return tomllib.load(handle)


def _leaf(document: dict[str, object], path: str) -> object:
    """The TOML node at a key path like `standards.taihu.TP` or `bands.taihu.default[0].above`."""
    node: object = document
    for part in path.split("."):
        name, *indexes = re.split(r"\[(\d+)\]", part)
        assert isinstance(node, dict), path
        node = node[name]
        for index in (i for i in indexes if i):
            assert isinstance(node, list), path
            node = node[int(index)]
    return node


def _uses(text: str) -> list[tuple[str, str, str]]:
    """(table, path, tag) of each use named in an evidence_values text."""
    if not text:
        return []
    found = []
    for part in text.split("; "):
        match = USE.match(part)
        assert match, part
        found.append((match["table"], match["path"], match["tag"]))
    return found


def _run(result: WaterResult) -> Run[WaterResult]:
    return Run("water", result, (), (), {}, {})


def _table(result: WaterResult, key: str) -> Table:
    return next(t for t in water_report(_run(result)).tables if t.key == key)


# --- the shipped example: provisional tables -----------------------------------------------------


@pytest.fixture(scope="module")
def example(book: TariffBook) -> WaterResult:
    return example_run(book).result


def test_example_lines_under_the_2017_tables_are_provisional_and_name_real_values(
    example: WaterResult,
) -> None:
    documents = {table: _toml(name) for table, name in TABLE_FILES.items()}
    under_2017 = [x for x in example.lines if x.tariff_id == "jiangsu-water-2017"]
    assert under_2017 and {x.tariff_id for x in example.lines} == set(TABLE_FILES) - {"gb3838-2002"}
    for line in example.lines:
        assert line.basis.evidence == "provisional", line
        uses = _uses(line.basis.values_text)
        assert uses, line
        assert {table for table, _, _ in uses} == {line.tariff_id}  # GB 3838 is verified
        for table, path, tag in uses:
            document = documents[table]
            if path == "tariff.status":
                assert _leaf(document, "tariff.status") == "provisional" == tag
                continue
            leaf = _leaf(document, path)
            assert isinstance(leaf, dict) and leaf["evidence"] == tag, (path, leaf)
            assert tag in ("provisional", "inferred")
        assert (line.tariff_id, "tariff.status", "provisional") in uses


def test_example_lines_name_the_values_their_direction_used(example: WaterResult) -> None:
    for line in (x for x in example.lines if x.tariff_id == "jiangsu-water-2017"):
        paths = {path for _, path, _ in _uses(line.basis.values_text)}
        standard = f"standards.{line.basin}.{line.factor}"
        assert f"factors.{line.basin}" in paths  # inferred in the 2017 table
        if line.direction == "upstream_pays":
            assert {standard, "method"} <= paths
            assert not any(p.startswith("reverse.") for p in paths)
        elif line.direction == "downstream_pays":
            assert {f"reverse.{standard}", "reverse.rule", "reverse.payer"} <= paths
            assert standard not in paths and "method" not in paths and "province.share" not in paths
        else:
            assert not any(p.startswith(("standards.", "reverse.standards.")) for p in paths)


def test_example_reports_evidence_columns_and_notes(example: WaterResult) -> None:
    lines = _table(example, "lines")
    keys = [c.key for c in lines.columns]
    assert keys.index("evidence") + 2 == keys.index("tariff_id")
    assert {row["evidence"] for row in lines.rows} == {"provisional"}
    assert all(row["evidence_values"] for row in lines.rows)
    assert "basis" not in lines.rows[0]
    summary = _table(example, "summary")
    assert {row["evidence"] for row in summary.rows} == {"provisional"}
    assert summary.notes[0] == NOTE_LEAD
    assert any(
        note.startswith("jiangsu-water-2017:") and "standards.taihu.TP" in note for note in summary.notes
    )
    for key in ("monthly", "shares", "control"):
        assert {row["evidence"] for row in _table(example, key).rows} == {"provisional"}, key


def test_example_settlement_figures_carry_the_district_basis(book: TariffBook) -> None:
    run = example_run(book)
    places = list(WATER.by_place(run))
    assert places and {p.code for p in places} == {d.district_code for d in run.result.districts}
    assert all(p.basis.evidence == "provisional" for p in places)


# --- a table whose every value and rule is verified -------------------------------------------------


def _verified_2017(folder: Path) -> TariffBook:
    """A user copy of jiangsu-water-2017 (same id and validity: it replaces the shipped one) with
    every value and rule verified (without the range only an uncertain value has) and its status
    settled."""
    text = (shipped_tariffs_dir() / WATER_2017).read_text("utf-8")
    text = re.sub(r'evidence = "(provisional|inferred)"', 'evidence = "verified"', text)
    text = re.sub(r"low = [\d.]+, high = [\d.]+, ", "", text)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / Path(WATER_2017).name).write_text(
        text.replace('status = "provisional"', 'status = "settled"'), "utf-8"
    )
    return TariffBook.load([folder], env={})


def _two_sections(book: TariffBook, city: tuple[str, ...] = ()) -> WaterResult:
    """2018-03: S1 (吴中区 -> 吴江区) fails CODMn; S2 (相城区 -> 昆山市) fails TP; S3 (吴中区 ->
    吴江区) meets every target and earns the reverse payment; the sections `city` under Suzhou's
    own scheme (its provisional table), the others under the province's."""
    s2 = ("S2", "断面S2", "river", "taihu", "III", XIANGCHENG, KUNSHAN)
    rows = [
        *full("S1", "2018-03", {"CODMn": "8", "NH3-N": "0.5", "TP": "0.1"}),
        *full("S2", "2018-03", {"CODMn": "5", "NH3-N": "0.5", "TP": "0.3"}),
        *full("S3", "2018-03", {"CODMn": "5", "NH3-N": "0.5", "TP": "0.1"}),
    ]
    frame = section_frame([section("S1"), s2, section("S3")], schemes={code: "city" for code in city})
    return compute(book, frame, rows, "2018-03")


def test_verified_table_gives_verified_lines_and_no_notes(tmp_path: Path) -> None:
    result = _two_sections(_verified_2017(tmp_path / "tariffs"))
    assert not result.rejected
    assert {x.direction for x in result.lines} == {"upstream_pays", "downstream_pays", "none"}
    for line in result.lines:
        assert line.tariff_id == "jiangsu-water-2017"
        assert line.basis.evidence == "verified" and line.basis.values_text == "", line
        assert line.basis.columns() == {"evidence": "verified", "evidence_values": ""}
    summary = _table(result, "summary")
    assert summary.notes == ()
    assert {(row["evidence"], row["evidence_values"]) for row in summary.rows} == {("verified", "")}
    assert {row["evidence"] for row in _table(result, "lines").rows} == {"verified"}


def test_district_marks_follow_their_own_lines(tmp_path: Path) -> None:
    # S1 under Suzhou's provisional table; S2 and S3 under the verified provincial copy
    result = _two_sections(_verified_2017(tmp_path / "tariffs"), city=("S1",))
    assert not result.rejected
    s1 = next(x for x in result.lines if x.section == "S1" and x.factor == "CODMn")
    assert (s1.tariff_id, s1.direction, s1.basis.evidence) == (
        "suzhou-water-2017",
        "upstream_pays",
        "provisional",
    )
    assert {x.basis.evidence for x in result.lines if x.section != "S1"} == {"verified"}
    marks = {d.district_code: d.basis.evidence for d in result.districts}
    assert marks[WUZHONG] == marks[WUJIANG] == "provisional"  # S1: 吴中区 pays 吴江区
    assert marks[XIANGCHENG] == marks[KUNSHAN] == "verified"  # S2 only
    rows = {row["district_code"]: row for row in _table(result, "summary").rows}
    assert rows[WUJIANG]["evidence"] == "provisional" and rows[KUNSHAN]["evidence"] == "verified"
    assert "suzhou-water-2017:standards.taihu.CODMn (provisional)" in str(rows[WUJIANG]["evidence_values"])
    assert rows[KUNSHAN]["evidence_values"] == ""
    notes = _table(result, "summary").notes
    assert notes[0] == NOTE_LEAD and len(notes) == 2 and notes[1].startswith("suzhou-water-2017:")
    assert "standards.taihu.CODMn（暂定）" in notes[1] and "reverse." not in notes[1]
    by_place = {p.code: p.basis.evidence for p in WATER.by_place(_run(result))}
    assert by_place == marks


def test_a_section_target_uses_no_table_and_a_class_limit_uses_gb3838(tmp_path: Path) -> None:
    book = _verified_2017(tmp_path / "tariffs")
    sections = [section("S1"), section("S2")]
    frame = section_frame(sections, targets={"S2": {"TP": "0.15"}})
    rows = [
        *full("S1", "2018-03", {"CODMn": "8", "NH3-N": "0.5", "TP": "0.3"}),
        *full("S2", "2018-03", {"CODMn": "8", "NH3-N": "0.5", "TP": "0.3"}),
    ]
    result = compute(book, frame, rows, "2018-03")
    refs = {
        x.section: {ref for ref, _ in x.basis.uses if ref.startswith("gb3838")}
        for x in result.lines
        if x.factor == "TP"
    }
    assert refs == {"S1": {"gb3838-2002:limits.TP.river.III"}, "S2": set()}


# --- the workbook shows labels, the data keeps codes -------------------------------------------------


def test_workbook_shows_the_label_while_csv_keeps_the_code(tmp_path: Path) -> None:
    args = [
        "water",
        str(EX18 / "sections.csv"),
        str(EX18 / "monitoring.csv"),
        "--shares",
        str(EX18 / "section_shares.csv"),
        "--from",
        "2018-01",
        "--to",
        "2018-12",
    ]
    for suffix in ("xlsx", "csv"):
        out = CliRunner().invoke(
            app, [*args, "-o", str(tmp_path / f"water.{suffix}")], env={"ECOCOMP_TARIFFS": ""}
        )
        assert out.exit_code == 0, out.output
    sheet = openpyxl.load_workbook(tmp_path / "water.xlsx", data_only=True)["明细"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if "依据等级" in row)
    column = rows[header].index("依据等级")
    values = {row[column] for row in rows[header + 1 :] if row[0] not in (None, "合计")}
    assert values == {"暂定"}
    assert "未核实的依据值" in rows[header]
    with (tmp_path / "water.lines.csv").open(encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    head = next(i for i, row in enumerate(table) if "evidence" in row or "依据等级" in row)
    at = table[head].index("evidence") if "evidence" in table[head] else table[head].index("依据等级")
    assert {row[at] for row in table[head + 1 :] if row and row[0] != "合计"} == {"provisional"}
