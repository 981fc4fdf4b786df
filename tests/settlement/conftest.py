"""Session fixtures of the settlement tests: the shipped example settled once, and its report
written once in each format by `ecocomp settle --example suzhou-2018`, served that settlement
(example.py). Tests that change the inputs or the config run their own settlement.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecocomp.examples import example_config
from ecocomp.reports.model import Report
from ecocomp.settlement.report import settlement_report
from ecocomp.settlement.run import Settlement, run_settlement

from .example import EXAMPLE_NAME, FORMATS, export


@pytest.fixture(scope="session")
def settlement() -> Settlement:
    """The shipped example, settled once for the session (read-only for every test)."""
    return run_settlement(example_config(EXAMPLE_NAME))


@pytest.fixture(scope="session")
def settled_again() -> Settlement:
    """The example settled a second time, on its own: two runs must write the same bytes."""
    return run_settlement(example_config(EXAMPLE_NAME))


@pytest.fixture(scope="session")
def report(settlement: Settlement) -> Report:
    """The settlement report, as the JSON, CSV and Parquet files hold it."""
    return settlement_report(settlement)


@pytest.fixture(scope="session")
def exports(settlement: Settlement, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's report in each format, each in a folder of its own (the files written
    beside the CSV and Parquet reports share names): format -> the report file. "csv-en" is
    the CSV with English headers (--language en)."""
    root = tmp_path_factory.mktemp("settlement")
    written = {fmt: export(settlement, root / fmt / f"settlement.{fmt}") for fmt in FORMATS}
    written["csv-en"] = export(settlement, root / "csv-en" / "settlement.csv", "--language", "en")
    return written


@pytest.fixture(scope="session")
def exports_again(settled_again: Settlement, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The JSON, CSV and Parquet reports of the second run."""
    root = tmp_path_factory.mktemp("settlement-again")
    return {fmt: export(settled_again, root / fmt / f"settlement.{fmt}") for fmt in FORMATS[1:]}


@pytest.fixture(scope="session")
def workbook(exports: dict[str, Path]) -> Path:
    """The example's settlement workbook."""
    return exports["xlsx"]
