"""The public API: everything in `ecocomp.__all__` imports, and the library never imports typer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ecocomp

#: The public names before the family redesign (issue 10): each must stay importable.
PUBLIC_NAMES = (
    "Column",
    "ConfigError",
    "DataError",
    "EcocompError",
    "FundResult",
    "FundRun",
    "Ledger",
    "LedgerError",
    "LedgerIssue",
    "LedgerValidationError",
    "MoneyError",
    "Report",
    "Settlement",
    "SurchargeResult",
    "SurchargeRun",
    "Table",
    "Tariff",
    "TariffBook",
    "TariffCheckError",
    "TariffError",
    "TariffLookupError",
    "UnknownPlaceError",
    "UsageError",
    "WaterResult",
    "WaterRun",
    "__version__",
    "compute_fund",
    "compute_surcharge",
    "compute_water",
    "fund_report",
    "read_ledger",
    "round_fen",
    "run_fund",
    "run_settlement",
    "run_surcharge",
    "run_water",
    "settlement_report",
    "split_largest_remainder",
    "surcharge_report",
    "to_money",
    "water_report",
    "write_report",
)


def test_the_public_names_of_before_the_redesign_are_kept() -> None:
    assert set(PUBLIC_NAMES) <= set(ecocomp.__all__)


def test_every_public_name_is_there() -> None:
    for name in ecocomp.__all__:
        assert getattr(ecocomp, name) is not None, name


def test_importing_the_library_does_not_import_the_cli() -> None:
    probe = "import sys, ecocomp; print('typer' in sys.modules, 'ecocomp.cli' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_the_documented_call_works(tmp_path: Path) -> None:
    from ecocomp.examples import examples_dir

    folder = examples_dir() / "suzhou-2018"
    book = ecocomp.TariffBook.load(env={})
    indicators = folder / "indicators.csv"
    run = ecocomp.run_fund(folder / "emissions.csv", year=2018, book=book, indicators=indicators)
    written = ecocomp.write_report(ecocomp.fund_report(run), tmp_path / "fund.xlsx")
    assert written == [tmp_path / "fund.xlsx"] and written[0].stat().st_size > 5000
    assert run.result.money()["net"].currency.code == "CNY"
