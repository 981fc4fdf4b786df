"""What each surcharge line and summary row rests on: `evidence` (the weakest tag of the tariff
values and rules used) and `evidence_values` (those not verified). Expectations come from the
TOML files read with tomllib, not through ecocomp's own tariff code."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from ecocomp.families.surcharge.command import surcharge
from ecocomp.families.surcharge.compute import compute_surcharge
from ecocomp.families.surcharge.family import SURCHARGE, run_surcharge
from ecocomp.families.surcharge.report import surcharge_report
from ecocomp.tariffs.book import TariffBook, shipped_tariffs_dir
from tests.builders import EX18

from .frames import KUNSHAN, BillRow, RatingRow, bills, month_bills, ratings

ORDER = ("verified", "translated", "inferred", "provisional")
TABLES = ("electricity_surcharge", "sewage_surcharge", "credit_score_bands")


def _toml(family: str, name: str) -> dict[str, Any]:
    with (shipped_tariffs_dir() / family / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _weakest(tags: list[str]) -> str:
    return max(tags, key=ORDER.index, default="verified")


def _refs(text: str) -> set[str]:
    """The references named in an evidence_values text, with their tags."""
    return set(text.split("; ")) if text else set()


def _expected(table: dict[str, Any], colour: str, repeat: bool) -> set[str]:
    """The unverified uses of one instrument's line charged `colour` (the rating's colour)."""
    tid = table["tariff"]["id"]
    rules = ["kind", "rating_rule"]
    if colour == "red":
        rules.append("red_repeat_as_black")
        if table["red_repeat_as_black"]["value"]:
            rules.append("rating_periods")
    uses = {f"rates.{'black' if repeat else colour}": table["rates"]["black" if repeat else colour]}
    uses |= {rule: table[rule] for rule in rules}
    found = {
        f"{tid}:{path} ({use['evidence']})" for path, use in uses.items() if use["evidence"] != "verified"
    }
    if table["tariff"]["status"] == "provisional":
        found.add(f"{tid}:tariff.status (provisional)")
    return found


@pytest.fixture(scope="module")
def example_lines() -> list[dict[str, Any]]:
    run = run_surcharge(EX18 / "bills.csv", EX18 / "ratings.csv", book=TariffBook.load(env={}))
    lines: list[dict[str, Any]] = run.result.lines().to_pylist()
    return lines


def test_lines_under_the_provisional_2019_electricity_table_say_so(
    example_lines: list[dict[str, Any]],
) -> None:
    table = _toml("electricity_surcharge", "jiangsu-electricity-2019")
    assert table["tariff"]["status"] == "provisional"
    assert table["rates"]["red"]["evidence"] == "verified"  # provisional by its status only
    under = [r for r in example_lines if r["electricity_tariff"] == "jiangsu-electricity-2019"]
    assert under
    for row in under:
        assert row["evidence"] == "provisional"
        assert "jiangsu-electricity-2019:tariff.status (provisional)" in _refs(row["evidence_values"])


def test_every_example_line_names_the_unverified_uses_of_its_tables(
    example_lines: list[dict[str, Any]],
) -> None:
    tables = {
        t: _toml(f, t)
        for f in TABLES[:2]
        for t in (p.stem for p in (shipped_tariffs_dir() / f).glob("*.toml"))
    }
    bands = {p.stem: _toml(TABLES[2], p.stem) for p in (shipped_tariffs_dir() / TABLES[2]).glob("*.toml")}
    band_refs = {
        f"{tid}:{path}"
        for tid, table in bands.items()
        for path in ["copied_from", "tariff.status"]
        + [f"bands[{i}].{end}" for i in range(len(table["bands"])) for end in ("min", "max")]
    }
    for row in example_lines:
        wanted: set[str] = set()
        for prefix in ("electricity", "water"):
            if row[f"{prefix}_tariff"] is not None:
                rating = row[f"{prefix}_rating"]
                wanted |= _expected(
                    tables[row[f"{prefix}_tariff"]], rating, bool(row[f"{prefix}_red_repeat"])
                )
        got = _refs(row["evidence_values"])
        assert wanted <= got, row
        assert all(re.sub(r" \(\w+\)$", "", ref) in band_refs for ref in got - wanted), row
        assert row["evidence"] == _weakest([ref.rsplit("(", 1)[1][:-1] for ref in got])


def test_a_green_line_under_an_inferred_green_rate_is_at_least_inferred(
    example_lines: list[dict[str, Any]],
) -> None:
    inferred = {
        p.stem
        for p in (shipped_tariffs_dir() / "electricity_surcharge").glob("*.toml")
        if _toml("electricity_surcharge", p.stem)["rates"]["green"]["evidence"] == "inferred"
    }
    assert inferred
    green = [
        r for r in example_lines if r["electricity_rating"] == "green" and r["electricity_tariff"] in inferred
    ]
    assert green
    for row in green:
        assert row["evidence"] in ("inferred", "provisional")
        assert f"{row['electricity_tariff']}:rates.green (inferred)" in _refs(row["evidence_values"])


# --- user tables all verified and settled ---------------------------------------------------------

SETTLE = {
    "electricity_surcharge": ("jiangsu-electricity-2016", "jiangsu-electricity-2019"),
    "sewage_surcharge": ("jiangsu-sewage-2016",),
    "credit_score_bands": ("jiangsu-credit-bands-2019",),
}


def _settled_book(folder: Path, edits: tuple[tuple[str, str, str], ...] = ()) -> TariffBook:
    """Copies of the shipped tables Kunshan uses in 2018-2019 with every tag verified and the
    status settled (then each (table, old, new) edit), replacing the shipped ones."""
    folder.mkdir(parents=True, exist_ok=True)
    for family, names in SETTLE.items():
        for name in names:
            text = (shipped_tariffs_dir() / family / f"{name}.toml").read_text("utf-8")
            text = re.sub(r'evidence = "(inferred|provisional|translated)"', 'evidence = "verified"', text)
            text = text.replace('status = "provisional"', 'status = "settled"')
            for table, old, new in edits:
                if table == name:
                    assert old in text, (name, old)
                    text = text.replace(old, new)
            (folder / f"{name}.toml").write_text(text, "utf-8")
    return TariffBook.load([folder], env={})


def _kunshan_run(book: TariffBook) -> Any:
    months = [f"{y}-{m:02d}" for y in (2018, 2019) for m in range(1, 13)]
    bill_rows: list[BillRow] = month_bills("甲", KUNSHAN, months) + [
        ("乙", KUNSHAN, m, "1000", None) for m in months
    ]
    rating_rows: list[RatingRow] = [
        ("甲", "red", "2017-01-01", "2018-12-31"),
        ("甲", "2", "2019-01-01", None),
    ]
    rating_rows += [("乙", "green", "2017-01-01", None)]
    return compute_surcharge(bills(bill_rows), ratings(rating_rows), book=book)


def test_verified_settled_tables_give_verified_lines_and_no_notes(tmp_path: Path) -> None:
    book = _settled_book(tmp_path / "tariffs")
    result = _kunshan_run(book)
    lines = result.lines().to_pylist()
    assert len(lines) == 48 and not result.rejected
    assert {r["evidence"] for r in lines} == {"verified"}
    assert {r["evidence_values"] for r in lines} == {""}
    assert {r["electricity_tariff"] for r in lines} == {
        "jiangsu-electricity-2016",
        "jiangsu-electricity-2019",
    }
    assert not result.basis.uncertain
    assert all(
        g.basis.evidence == "verified" for g in (*result.by_district, *result.by_month, *result.by_rating)
    )


def test_verified_settled_report_has_no_notes_and_marks_rows_verified(tmp_path: Path) -> None:
    book = _settled_book(tmp_path / "tariffs")
    folder = tmp_path / "ledgers"
    folder.mkdir()
    (folder / "bills.csv").write_text(
        "企业名称,区县,月份,用电量,用水量\n"
        + "".join(f"甲,昆山,2018-{m:02d},1000,100\n" for m in range(1, 13)),
        "utf-8",
    )
    (folder / "ratings.csv").write_text("企业名称,信用等级,有效期起\n甲,红色,2017-01-01\n", "utf-8")
    run = run_surcharge(folder / "bills.csv", folder / "ratings.csv", book=book)
    report = surcharge_report(run)
    tables = {t.key: t for t in report.tables}
    for key in ("by_district", "by_rating", "by_month", "top_enterprises"):
        assert tables[key].rows and {r["evidence"] for r in tables[key].rows} == {"verified"}, key
        assert {r["evidence_values"] for r in tables[key].rows} == {""}, key
    assert tables["by_district"].notes == ()
    assert [p.basis.evidence for p in SURCHARGE.by_place(run)] == ["verified"]


# --- a line's evidence is the weakest of its two instruments' ---------------------------------------

ELECTRICITY_RED = 'red = { value = 0.05, unit = "CNY/kWh", evidence = "verified"'
SEWAGE_RED = 'red = { value = 0.6, unit = "CNY/m3", evidence = "verified"'


@pytest.mark.parametrize("electricity", ORDER)
@pytest.mark.parametrize("sewage", ORDER)
def test_a_line_is_as_weak_as_the_weaker_of_its_instruments(
    tmp_path: Path, electricity: str, sewage: str
) -> None:
    tables = {"jiangsu-electricity-2019": electricity, "jiangsu-sewage-2016": sewage}
    edits = [
        ("jiangsu-electricity-2019", ELECTRICITY_RED, ELECTRICITY_RED.replace("verified", electricity)),
        ("jiangsu-sewage-2016", SEWAGE_RED, SEWAGE_RED.replace("verified", sewage)),
    ]
    # a provisional value needs a provisional table (the book refuses it otherwise)
    edits += [
        (t, 'status = "settled"', 'status = "provisional"')
        for t, tag in tables.items()
        if tag == "provisional"
    ]
    book = _settled_book(tmp_path / "tariffs", tuple(edits))
    bill_rows: list[BillRow] = [
        ("甲", KUNSHAN, "2019-03", "1000", "100"),
        ("乙", KUNSHAN, "2019-03", "1000", None),
    ]
    rating_rows: list[RatingRow] = [(name, "red", "2018-01-01", None) for name in ("甲", "乙")]
    result = compute_surcharge(bills(bill_rows), ratings(rating_rows), book=book)
    both, electricity_only = result.lines().to_pylist()
    assert both["electricity_rating"] == both["water_rating"] == "red"
    assert both["evidence"] == _weakest([electricity, sewage])
    assert electricity_only["evidence"] == electricity
    wanted = {f"{t}:rates.red ({tag})" for t, tag in tables.items()}
    wanted |= {f"{t}:tariff.status (provisional)" for t, tag in tables.items() if tag == "provisional"}
    assert _refs(both["evidence_values"]) == {w for w in wanted if not w.endswith("(verified)")}
    by_rating = {r.rating: r for r in result.by_rating}
    assert by_rating["red"].basis.evidence == _weakest([electricity, sewage])


# --- the outputs through the command ----------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(surcharge)
    return app


def test_workbook_shows_labels_and_csv_parquet_keep_codes(tmp_path: Path) -> None:
    outputs = [tmp_path / f"out.{s}" for s in ("xlsx", "csv", "parquet")]
    args = [str(EX18 / "bills.csv"), str(EX18 / "ratings.csv")]
    result = CliRunner().invoke(_app(), [*args, *(x for p in outputs for x in ("-o", str(p)))])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(outputs[0], read_only=True)
    try:
        for sheet_name in ("按地区", "按月份", "按信用等级", "重点企业"):
            rows = list(workbook[sheet_name].iter_rows(values_only=True))
            header = next(i for i, row in enumerate(rows) if "依据等级" in row)
            column = rows[header].index("依据等级")
            marks = {row[column] for row in rows[header + 1 :] if row[column] is not None}
            assert marks == {"暂定"}, sheet_name
            assert "未核实的依据值" in rows[header]
        district = [cell for row in workbook["按地区"].iter_rows(values_only=True) for cell in row]
        assert any(isinstance(c, str) and c.startswith("注：依据等级") for c in district)
        assert any(isinstance(c, str) and c.startswith("jiangsu-electricity-2019:") for c in district)
    finally:
        workbook.close()
    with outputs[1].open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["依据等级"] for r in rows} == {"provisional"}  # Chinese header, the code as data
    assert all("tariff.status (provisional)" in r["未核实的依据值"] for r in rows)
    table = pq.read_table(outputs[2])
    assert table.column_names[-2:] == ["evidence", "evidence_values"]
    assert set(table.column("evidence").to_pylist()) == {"provisional"}
