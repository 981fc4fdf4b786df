"""Small valid ledgers of every kind, cut from the shipped examples, and the CLI runs over them.

`write_corpus(folder)` writes one small ledger per kind (a few rows, the example's title row
kept) and a settle.toml over them; `family_args(kind, ledger, corpus, out)` is the family
command that reads a ledger of that kind (the other ledgers from the corpus). `invoke` runs the
CLI in-process and `check_clean` asserts what every run must keep: an exit code in {0, 1, 2}, no
traceback, no internal error. `check_conservation` asserts the conservation laws of a JSON
report (rows and money).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest.mock import patch

import typer
import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from ecocomp.cli.main import build_app
from ecocomp.tariffs.book import TARIFFS_ENV, TariffBook
from tests.builders import EX18, EX21

APP = build_app()
COMMAND = typer.main.get_command(APP)
RUNNER = CliRunner()

#: Months the small water and surcharge corpora hold and are run over.
WATER_MONTHS = ("2018-01", "2018-01")
BILL_MONTHS = ("2018-01", "2018-02", "2018-03")
BILL_ENTERPRISES = 10


@dataclass(frozen=True)
class Corpus:
    """Paths of one small valid ledger per kind, and of a settle.toml over them."""

    folder: Path
    ledgers: dict[str, Path]
    config: Path

    def __getitem__(self, kind: str) -> Path:
        return self.ledgers[kind]


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8-sig").splitlines()


def _keep(path: Path, keep: Callable[[str], bool], title_rows: int = 2) -> str:
    """The file's first `title_rows` lines (title and header) and the data lines kept."""
    lines = _lines(path)
    return "\n".join([*lines[:title_rows], *(x for x in lines[title_rows:] if keep(x))]) + "\n"


def _enterprise_number(line: str) -> int:
    name = line.split(",", 1)[0]
    return int(name[-4:-1]) if name.endswith("号") else 0


def small_texts() -> dict[str, str]:
    """The text of each small ledger, by kind (UTF-8, LF line ends)."""
    bills = set(BILL_MONTHS)
    return {
        "emissions": _keep(EX18 / "emissions.csv", lambda x: ",苏州市," in x or ",常熟市," in x),
        "indicators": _keep(EX18 / "indicators.csv", lambda x: ",苏州市," in x or ",常熟市," in x),
        "carbon": (EX21 / "carbon.csv").read_text("utf-8-sig"),
        "sections": (EX18 / "sections.csv").read_text("utf-8-sig"),
        "section_shares": (EX18 / "section_shares.csv").read_text("utf-8-sig"),
        "monitoring": _keep(EX18 / "monitoring.csv", lambda x: x.split(",")[1] == WATER_MONTHS[0]),
        "ratings": _keep(EX18 / "ratings.csv", lambda x: 0 < _enterprise_number(x) <= BILL_ENTERPRISES),
        "bills": _keep(
            EX18 / "bills.csv",
            lambda x: 0 < _enterprise_number(x) <= BILL_ENTERPRISES and x.split(",")[2] in bills,
        ),
        "emissions21": _keep(EX21 / "emissions.csv", lambda x: ",苏州市," in x or ",常熟市," in x),
        "indicators21": _keep(EX21 / "indicators.csv", lambda x: ",苏州市," in x or ",常熟市," in x),
    }


SETTLE_TOML = """\
year = 2018
level = "province"
title = "可靠性测试"

[fund]
emissions = "emissions.csv"
indicators = "indicators.csv"

[water]
sections = "sections.csv"
monitoring = "monitoring.csv"
shares = "section_shares.csv"
from = "{water_from}"
to = "{water_to}"

[surcharge]
bills = "bills.csv"
ratings = "ratings.csv"
from = "{bills_from}"
to = "{bills_to}"
"""


def settle_toml() -> str:
    """A settle.toml over the small corpus (paths relative to it)."""
    return SETTLE_TOML.format(
        water_from=WATER_MONTHS[0],
        water_to=WATER_MONTHS[1],
        bills_from=BILL_MONTHS[0],
        bills_to=BILL_MONTHS[-1],
    )


def write_corpus(folder: Path) -> Corpus:
    """One small valid ledger per kind in `folder`, and settle.toml over them."""
    folder.mkdir(parents=True, exist_ok=True)
    ledgers = {}
    for kind, text in small_texts().items():
        path = folder / f"{kind}.csv"
        path.write_text(text, "utf-8")
        ledgers[kind] = path
    config = folder / "settle.toml"
    config.write_text(settle_toml(), "utf-8")
    return Corpus(folder, ledgers, config)


def copy_corpus(corpus: Corpus, folder: Path) -> Corpus:
    """The corpus copied to `folder` (a test changes its own copy)."""
    shutil.copytree(corpus.folder, folder, dirs_exist_ok=True)
    return Corpus(
        folder, {k: folder / p.name for k, p in corpus.ledgers.items()}, folder / corpus.config.name
    )


#: The family command that reads each kind: its name.
COMMAND_OF = {
    "emissions": "fund",
    "indicators": "fund",
    "carbon": "fund",
    "sections": "water",
    "section_shares": "water",
    "monitoring": "water",
    "ratings": "surcharge",
    "bills": "surcharge",
}


def family_args(kind: str, ledger: Path, corpus: Corpus, out: Path | None = None) -> list[str]:
    """The family command over `ledger` (of `kind`) and the corpus's other ledgers, -o `out`."""
    c = {k: str(v) for k, v in corpus.ledgers.items()} | {kind: str(ledger)}
    if kind in ("emissions", "indicators"):
        args = ["fund", c["emissions"], "--year", "2018", "--indicators", c["indicators"]]
    elif kind == "carbon":
        args = ["fund", c["emissions21"], "--year", "2021", "--indicators", c["indicators21"]]
        args += ["--carbon", c["carbon"]]
    elif kind in ("sections", "section_shares", "monitoring"):
        args = ["water", c["sections"], c["monitoring"], "--shares", c["section_shares"]]
        args += ["--from", WATER_MONTHS[0], "--to", WATER_MONTHS[1]]
    else:
        args = ["surcharge", c["bills"], c["ratings"], "--from", BILL_MONTHS[0], "--to", BILL_MONTHS[-1]]
    return args + (["-o", str(out)] if out is not None else [])


# --- running and the invariants of every run ------------------------------------------------------


def invoke(args: Sequence[str]) -> Result:
    """The CLI in-process, as `ecocomp ARGS` (stdout and stderr kept apart and together).

    For speed (the suite runs hundreds of commands), the command tree is built once and the
    shipped tariff tables are read once: a run without tariff folders (no --tariffs, no
    $ECOCOMP_TARIFFS) gets the same book as a fresh read gives; any other run reads its own.
    """
    with (
        patch.object(typer.testing, "_get_command", _command),
        patch.object(TariffBook, "load", _cached_load),
    ):
        return RUNNER.invoke(APP, [str(a) for a in args])


def _command(app: typer.Typer) -> Any:
    return COMMAND if app is APP else typer.main.get_command(app)


_LOAD = TariffBook.load
_BOOKS: dict[bool, TariffBook] = {}


def _cached_load(
    user_dirs: Sequence[Path] = (), *, env: Mapping[str, str] | None = None, include_shipped: bool = True
) -> TariffBook:
    plain = (
        not user_dirs and include_shipped and not (env if env is not None else os.environ).get(TARIFFS_ENV)
    )
    if not plain:
        return _LOAD(user_dirs, env=env, include_shipped=include_shipped)
    if True not in _BOOKS:
        _BOOKS[True] = _LOAD((), env={}, include_shipped=True)
    return _BOOKS[True]


def output_of(result: Result) -> str:
    """Everything the run printed, stdout and stderr."""
    return result.output


def check_clean(result: Result, context: str = "") -> None:
    """What every run keeps, whatever its input: exit 0, 1 or 2, a message and never a
    traceback, never an internal error (exit 3)."""
    where = f"[{context}] " if context else ""
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), (
        f"{where}uncaught {type(exc).__name__}: {exc}\n{result.output[-2000:]}"
    )
    text = result.output
    assert result.exit_code in (0, 1, 2), f"{where}exit {result.exit_code}\n{text[-2000:]}"
    assert "Traceback" not in text, f"{where}traceback in the output\n{text[-3000:]}"
    assert "internal error" not in text, f"{where}internal error\n{text[-2000:]}"
    if result.exit_code != 0:
        assert text.strip(), f"{where}exit {result.exit_code} without a word"


# --- conservation of rows and money in a JSON report ----------------------------------------------

#: Per command: the rows read of its main input, and the reconciliation keys that add up to it.
RECONCILED = {
    "fund": ("emissions_rows_read", ("billed", "excluded", "rejected_by_ledger_check", "rejected_by_rules")),
    "water": (
        "monitoring_rows_read",
        ("computed", "excluded", "rejected_by_ledger_check", "rejected_by_rules"),
    ),
    "surcharge": (
        "bills_rows_read",
        ("charged", "outside_period", "rejected_by_ledger_check", "rejected_by_rules"),
    ),
}
SURCHARGE_MONEY = ("electricity_surcharge", "water_surcharge", "total")
SURCHARGE_TABLES = ("by_enterprise", "by_district", "by_month", "by_rating")


def dec(value: Any) -> Decimal:
    """A JSON amount (a decimal string; null is zero)."""
    return Decimal(0) if value is None else Decimal(str(value))


def check_conservation(doc: dict[str, Any], command: str, context: str = "") -> None:
    """Rows read = accepted + rejected for every input; the reconciliation adds up; every
    table's totals are the sums of its rows (exact decimals)."""
    where = f"[{context}] " if context else ""
    manifest = doc["manifest"]
    for item in manifest["inputs"]:
        assert item["rows_read"] == item["rows_accepted"] + item["rows_rejected"], f"{where}{item}"
    recon = manifest["reconciliation"]
    read, parts = RECONCILED[command]
    assert recon[read] == sum(recon[p] for p in parts), f"{where}reconciliation {recon}"
    for table, columns in doc.get("totals", {}).items():
        for column, total in columns.items():
            summed = sum((dec(r.get(column)) for r in doc[table]), Decimal(0))
            assert summed == dec(total), f"{where}{table}.{column}: rows sum {summed}, total {total}"
    if command == "fund":
        for row in doc["summary"]:
            net = dec(row["fund"]) - dec(row["return_amount"]) - dec(row["reward_amount"])
            assert dec(row["net"]) == net, f"{where}net ≠ fund − return − reward: {row}"
    if command == "water":
        paid, received = (dec(doc["totals"]["summary"][k]) for k in ("paid", "received"))
        assert paid == received, f"{where}water: paid {paid} ≠ received {received}"
    if command == "surcharge":
        summary = doc["summary"]
        parts_sum = dec(summary["electricity_surcharge"]) + dec(summary["water_surcharge"])
        assert dec(summary["total"]) == parts_sum, f"{where}surcharge total {summary}"
        for table in SURCHARGE_TABLES:
            for column in SURCHARGE_MONEY:
                summed = sum((dec(r.get(column)) for r in doc[table]), Decimal(0))
                assert summed == dec(summary[column]), f"{where}{table}.{column}: {summed} vs {summary}"


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data
