"""ecocomp: money flows of Jiangsu and Suzhou environmental-fiscal policies, exact to the fen.

The public API: load the tariff book, read ledgers, compute a family, write a report.

    from pathlib import Path
    import ecocomp

    book = ecocomp.TariffBook.load()
    run = ecocomp.run_fund(Path("emissions.csv"), year=2018, book=book, indicators=Path("indicators.csv"))
    ecocomp.write_report(ecocomp.fund_report(run), Path("fund.xlsx"))

Importing ecocomp never imports the command-line layer (typer).
"""

from __future__ import annotations

import sys as _sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

if _sys.orig_argv[1:3] == ["-m", "ecocomp"]:  # `python -m ecocomp`: the CLI, guard its start-up too
    from ecocomp_entry import guard_startup as _guard_startup

    _guard_startup()  # Ctrl-C during the imports below: one line, exit 130 (see ecocomp_entry)

from ecocomp.errors import (
    ConfigError,
    DataError,
    EcocompError,
    LedgerError,
    LedgerIssue,
    LedgerValidationError,
    MoneyError,
    TariffCheckError,
    TariffError,
    TariffLookupError,
    UnknownPlaceError,
    UsageError,
)
from ecocomp.families import registry as _registry  # noqa: F401  (registers the shipped families first)

if TYPE_CHECKING:
    from ecocomp._version import __version__
    from ecocomp.families.fund.compute import FundResult, compute_fund
    from ecocomp.families.fund.family import FundRun, run_fund
    from ecocomp.families.fund.report import fund_report
    from ecocomp.families.surcharge.compute import SurchargeResult, compute_surcharge
    from ecocomp.families.surcharge.family import SurchargeRun, run_surcharge
    from ecocomp.families.surcharge.report import surcharge_report
    from ecocomp.families.water.compute import WaterResult, compute_water
    from ecocomp.families.water.family import WaterRun, run_water
    from ecocomp.families.water.report import water_report
    from ecocomp.ledgers.ledger import Ledger, read_ledger
    from ecocomp.money import round_fen, split_largest_remainder, to_money
    from ecocomp.reports.model import Column, Report, Table
    from ecocomp.reports.write import write_report
    from ecocomp.settlement.report import settlement_report
    from ecocomp.settlement.run import Settlement, run_settlement
    from ecocomp.tariffs.book import TariffBook
    from ecocomp.tariffs.files import Tariff

#: Where each public name lives, imported on first use (PEP 562): `import ecocomp` (and so every
#: command, `ecocomp --help` too) does not pay for pandas, pyarrow and the families' computations.
_LAZY = {
    "__version__": "ecocomp._version",
    "FundResult": "ecocomp.families.fund.compute",
    "compute_fund": "ecocomp.families.fund.compute",
    "FundRun": "ecocomp.families.fund.family",
    "run_fund": "ecocomp.families.fund.family",
    "fund_report": "ecocomp.families.fund.report",
    "SurchargeResult": "ecocomp.families.surcharge.compute",
    "compute_surcharge": "ecocomp.families.surcharge.compute",
    "SurchargeRun": "ecocomp.families.surcharge.family",
    "run_surcharge": "ecocomp.families.surcharge.family",
    "surcharge_report": "ecocomp.families.surcharge.report",
    "WaterResult": "ecocomp.families.water.compute",
    "compute_water": "ecocomp.families.water.compute",
    "WaterRun": "ecocomp.families.water.family",
    "run_water": "ecocomp.families.water.family",
    "water_report": "ecocomp.families.water.report",
    "Ledger": "ecocomp.ledgers.ledger",
    "read_ledger": "ecocomp.ledgers.ledger",
    "round_fen": "ecocomp.money",
    "split_largest_remainder": "ecocomp.money",
    "to_money": "ecocomp.money",
    "Column": "ecocomp.reports.model",
    "Report": "ecocomp.reports.model",
    "Table": "ecocomp.reports.model",
    "write_report": "ecocomp.reports.write",
    "settlement_report": "ecocomp.settlement.report",
    "Settlement": "ecocomp.settlement.run",
    "run_settlement": "ecocomp.settlement.run",
    "TariffBook": "ecocomp.tariffs.book",
    "Tariff": "ecocomp.tariffs.files",
}


def __getattr__(name: str) -> Any:
    """A public name, from its module (`_LAZY`), imported the first time it is asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ecocomp' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
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
]
