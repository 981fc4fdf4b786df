"""The test-only family shows up in every family-neutral place once it is registered, without a
line changed outside its folder: `tariffs check`, `ledger check`, `--help` and its command, the
settlement workbook's summary and sheets, and the settlement's JSON Schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import openpyxl
from typer.testing import CliRunner

from ecocomp.cli.main import build_app
from ecocomp.settlement.run import run_settlement
from ecocomp.settlement.schemas import example_reports, report_schemas, schema_names
from tests.families.conftest import contract_config
from tests.families.flatfee.family import DATA, TARIFFS, FlatFeeFamily

BAD_TARIFFS = Path(__file__).parent / "tariffs_bad"
ENV = {"ECOCOMP_TARIFFS": ""}


def ecocomp(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), list(args), env=ENV)
    return result.exit_code, result.output


def test_unregistered_its_tables_are_unknown() -> None:
    code, out = ecocomp("tariffs", "check", str(TARIFFS))
    assert code == 1 and "unknown family 'flat_fee'" in out


def test_tariffs_check_reads_its_tables_with_its_unit_rules(flatfee: FlatFeeFamily) -> None:
    code, out = ecocomp("tariffs", "check", str(TARIFFS))
    assert code == 0, out
    code, out = ecocomp("tariffs", "check", str(BAD_TARIFFS))
    assert code == 1
    assert (
        "jiangsu-flat-2018.toml: rate.unit: unit 'CNY/kWh' does not fit here; this value is in 'CNY/t'" in out
    )


def test_ledger_check_knows_its_kind(flatfee: FlatFeeFamily) -> None:
    code, out = ecocomp("ledger", "check", "deliveries", str(DATA / "deliveries.csv"))
    assert code == 0, out
    assert "3 rows read, 3 accepted, 0 rejected" in out
    assert "deliveries (交付量台账)" in ecocomp("ledger", "check", "--help")[1]


def test_help_lists_its_command_which_runs(flatfee: FlatFeeFamily) -> None:
    code, out = ecocomp("--help")
    assert code == 0 and "flatfee" in out and "定额费" in out
    code, out = ecocomp("flatfee", str(DATA / "deliveries.csv"), "--year", "2018", "--tariffs", str(TARIFFS))
    # 1,000.5 t x 12.5 = 12,506.25; 200.004 x 12.5 = 2,500.05; 3 x 12.5 = 37.50
    assert code == 0 and "flat fee total 15,043.80" in out, out


def test_settlement_workbook_has_its_summary_column_and_sheets(
    flatfee: FlatFeeFamily, tmp_path: Path
) -> None:
    config = contract_config(tmp_path / "ex")
    out = tmp_path / "s.xlsx"
    code, output = ecocomp("settle", str(config), "-o", str(out))
    assert code == 0, output
    book = openpyxl.load_workbook(out)
    assert "定额费汇总" in book.sheetnames and "统筹资金汇总" in book.sheetnames
    rows = [[c.value for c in r] for r in book["汇总"].iter_rows()]
    header = next(r for r in rows if "定额费(元)" in r)
    column = header.index("定额费(元)")
    kunshan = next(r for r in rows if "320583" in r)
    assert kunshan[column] == 2500.05  # 200.004 t x 12.5 yuan/t


def test_settlement_json_schema_has_its_tables(flatfee: FlatFeeFamily, tmp_path: Path) -> None:
    config = contract_config(tmp_path / "ex")
    assert schema_names() == ("settlement", "fund", "water", "flatfee")
    schemas = report_schemas(example_reports(run_settlement(config)))
    settlement = schemas["settlement"]
    assert "flatfee_summary" in settlement["properties"]  # type: ignore[operator]
    assert "flatfee_summary" not in settlement["required"]  # type: ignore[operator]
    assert "flatfee" in schemas
    out = tmp_path / "s.json"
    assert ecocomp("settle", str(config), "-o", str(out))[0] == 0
    document = json.loads(out.read_text("utf-8"))
    jsonschema.validate(document, settlement)
    assert [r["amount"] for r in document["flatfee_summary"]] == ["12506.25", "2500.05", "37.50"]


def test_every_legal_rule_carries_its_evidence(flatfee: FlatFeeFamily, tmp_path: Path) -> None:
    table = (TARIFFS / "flat_fee" / "jiangsu-flat-2018.toml").read_text("utf-8")
    folder = tmp_path / "flat_fee"
    folder.mkdir()
    untagged = table.replace('basis = { value = "delivered", evidence = "verified" }', 'basis = "delivered"')
    (folder / "t.toml").write_text(untagged, "utf-8")
    code, out = ecocomp("tariffs", "check", str(tmp_path))
    assert code == 1 and "t.toml: basis: a legal rule needs its evidence: write { value = …" in out
    inferred = 'basis = { value = "delivered", evidence = "inferred", note = "read from practice" }'
    (folder / "t.toml").write_text(
        table.replace('basis = { value = "delivered", evidence = "verified" }', inferred)
    )
    code, out = ecocomp("tariffs", "check", str(tmp_path))
    assert code == 1
    assert (
        "t.toml: basis.evidence: 1 rule(s) are only inferred or provisional (basis) but tariff.status" in out
    )
    assert (
        ecocomp("tariffs", "show", "jiangsu-flat-2018", "--tariffs", str(TARIFFS))[1].count("delivered") == 1
    )


def test_require_settled_runs_on_settled_tables(flatfee: FlatFeeFamily, tmp_path: Path) -> None:
    shutil.copy(DATA / "deliveries.csv", tmp_path)
    config = tmp_path / "settle.toml"
    text = f'year = 2018\nrequire = "settled"\ntariffs = [{str(TARIFFS)!r}]\n'
    config.write_text(text + '[flatfee]\ndeliveries = "deliveries.csv"\n', "utf-8")
    out = tmp_path / "s.json"
    code, output = ecocomp("settle", str(config), "-o", str(out))
    assert code == 0, output
    assert json.loads(out.read_text("utf-8"))["manifest"]["config"]["require"] == "settled"
    code, output = ecocomp("settle", str(config), "--require", "settled", "-o", str(out))
    assert code == 0, output
