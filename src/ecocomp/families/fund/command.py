"""`ecocomp fund`: the pollutant-linked fund of every payer in an emissions ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ecocomp.cli.common import (
    CsvEncodingOption,
    IssuesOutOption,
    LanguageOption,
    OutputOption,
    RangeOption,
    SkipInvalidOption,
    TariffsOption,
    exits_on_error,
    finish_run,
    ranged,
    run_outputs,
)
from ecocomp.families.fund.family import FundRun, run_fund
from ecocomp.families.fund.report import fund_report
from ecocomp.tariffs.book import TariffBook

LedgerPath = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, help="Emissions ledger 排放量台账 (.csv, .xlsx).")
]


@exits_on_error
def fund(
    emissions: LedgerPath,
    year: Annotated[
        int, typer.Option("--year", "-y", help="Assessment year 考核年度; picks the tariff version.")
    ],
    indicators: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="Indicators ledger 考核指标台账: which targets were met."
        ),
    ] = None,
    carbon: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="CO2-intensity ledger 碳排放强度台账 (2021 on)."),
    ] = None,
    level: Annotated[
        Literal["province", "city"],
        typer.Option(help="province: the provincial table; city: the payer's city's own pass-through table."),
    ] = "province",
    output: OutputOption = None,
    with_range: RangeOption = False,
    skip_invalid: SkipInvalidOption = False,
    issues_out: IssuesOutOption = None,
    tariffs: TariffsOption = None,
    language: LanguageOption = "zh",
    csv_encoding: CsvEncodingOption = "utf-8-sig",
) -> None:
    """Compute each payer's fund, task return, quality reward and net for a year (污染物排放统筹资金)."""

    def compute(at: TariffBook) -> FundRun:
        return run_fund(
            emissions,
            year=year,
            book=at,
            indicators=indicators,
            carbon=carbon,
            level=level,
            skip_invalid=skip_invalid,
        )

    with run_outputs([emissions, indicators, carbon], [("--output", output)], issues_out) as out:
        book = TariffBook.load(tariffs or [])
        run = compute(book)
        out.issues(run.rejected)
        report = ranged(fund_report(run), lambda at: fund_report(compute(at)), book, with_range)
        if output is not None:
            out.report(report, output, language=language, csv_encoding=csv_encoding)
    finish_run(report, output, run)
