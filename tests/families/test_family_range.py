"""Issue 12 point 3 on the family commands: `ecocomp water|surcharge --range` (fund: see
tests/families/fund/test_fund_evidence.py) gives each district's central, low and high figure,
with low <= central <= high, and a JSON that the shipped schema accepts."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.reports.schema import shipped_schema
from tests.builders import EX18

ENV = {"ECOCOMP_TARIFFS": ""}
TARIFFS = Path(__file__).resolve().parents[2] / "tariffs"
WATER = ["water", str(EX18 / "sections.csv"), str(EX18 / "monitoring.csv")]
WATER += ["--shares", str(EX18 / "section_shares.csv"), "--from", "2018-01", "--to", "2018-12"]


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=ENV)
    assert result.exit_code == 0, result.output
    return result.output


def test_water_range_on_the_example_moves_districts_both_ways(tmp_path: Path) -> None:
    out = tmp_path / "water.json"
    invoke(*WATER, "--range", "-o", str(out))
    data = json.loads(out.read_text("utf-8"))
    jsonschema.validate(data, shipped_schema("water"))
    moved = 0
    for row in data["summary"]:
        for key in ("paid", "received", "net"):
            low, central, high = (Decimal(row[f"{key}{end}"]) for end in ("_low", "", "_high"))
            assert low <= central <= high, (row["district"], key)
            moved += low != high
    assert moved >= 10  # the 2017 standards are ranged: the high reading moves most districts
    totals = data["manifest"]["range"]["totals"]
    # money is conserved at every reading: paid = received, over all parties
    for reading in ("central", "low", "high"):
        assert totals[reading]["paid"] == totals[reading]["received"], reading
    assert Decimal(totals["high"]["paid"]) > Decimal(totals["central"]["paid"])
    plain = tmp_path / "plain.json"
    invoke(*WATER, "-o", str(plain))
    without = json.loads(plain.read_text("utf-8"))
    jsonschema.validate(without, shipped_schema("water"))
    assert not any(k.endswith("_low") for k in without["summary"][0])
    assert [r["paid"] for r in without["summary"]] == [r["paid"] for r in data["summary"]]


def ranged_electricity_table(folder: Path) -> Path:
    """jiangsu-electricity-2016 with the red rate 0.05 made provisional, range 0.05..0.08."""
    folder.mkdir(parents=True, exist_ok=True)
    source = TARIFFS / "electricity_surcharge" / "jiangsu-electricity-2016.toml"
    text, n = re.subn(
        r'^red = \{ value = 0.05, unit = "CNY/kWh", evidence = "verified"',
        'red = { value = 0.05, low = 0.05, high = 0.08, unit = "CNY/kWh", evidence = "provisional"',
        source.read_text("utf-8"),
        flags=re.M,
    )
    assert n == 1
    (folder / source.name).write_text(text, "utf-8")
    return folder


def test_surcharge_range_raises_only_the_red_districts(tmp_path: Path) -> None:
    tariffs = ranged_electricity_table(tmp_path / "my-tariffs")
    out = tmp_path / "s.json"
    args = ["surcharge", str(EX18 / "bills.csv"), str(EX18 / "ratings.csv"), "--tariffs", str(tariffs)]
    invoke(*args, "--range", "-o", str(out), "-o", str(tmp_path / "s.xlsx"))
    data = json.loads(out.read_text("utf-8"))
    raised = 0
    for row in data["by_district"]:
        low, central, high = (
            Decimal(str(row[f"electricity_surcharge{end}"])) for end in ("_low", "", "_high")
        )
        assert low == central <= high, row["district"]  # the low bound is the value itself
        raised += central < high
    assert raised >= 5
    totals = data["manifest"]["range"]["totals"]
    assert totals["low"]["electricity_surcharge"] == totals["central"]["electricity_surcharge"]
    assert Decimal(totals["high"]["electricity_surcharge"]) > Decimal(
        totals["central"]["electricity_surcharge"]
    )
    assert totals["high"]["water_surcharge"] == totals["central"]["water_surcharge"]  # not ranged
    terminal = invoke(*args, "--range")
    assert "中/低/高" in terminal
