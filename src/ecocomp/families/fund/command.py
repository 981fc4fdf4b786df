"""`ecocomp fund`: the pollutant-linked fund of every payer in an emissions ledger."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from ecocomp.cli.common import (
    CsvEncodingOption,
    DetailsOption,
    IssuesOutOption,
    LanguageOption,
    OutputOption,
    PlainOption,
    RangeOption,
    SkipInvalidOption,
    TariffsOption,
    View,
    exits_on_error,
    finish_run,
    ranged,
    run_outputs,
)
from ecocomp.tariffs.book import TariffBook

if TYPE_CHECKING:  # the run is imported when the command runs: its help needs none of it
    from ecocomp.families.fund.family import FundRun

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
    language: LanguageOption = None,
    csv_encoding: CsvEncodingOption = "utf-8-sig",
    plain: PlainOption = False,
    details: DetailsOption = False,
) -> None:
    """污染物排放统筹资金: what each payer pays the province for its emissions, and gets back.

    A payer (a city, or a county-level city that settles on its own) pays a fund per tonne of
    each pollutant it emitted (COD, 氨氮, SO2, NOx, …, at the rates of the province's document
    for the assessment year); the province returns a share for the reduction tasks met (返还) and
    rewards better air and water quality (奖励); the net is what the payer finally hands over.

    Give the emissions ledger 排放量台账 (tonnes per payer, pollutant and year); for the return and
    the reward also the indicators ledger 考核指标台账 (which targets were met), from 2021 on the
    CO2-intensity ledger 碳排放强度台账. Without -o: the summary per payer here; with -o: the report
    (汇总, 明细 per payer and pollutant, 不计费记录, 剔除记录, the tariff tables used).
    """

    from ecocomp.families.fund.family import run_fund
    from ecocomp.families.fund.report import fund_report

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
            out.report(
                report, output, language=language or "zh", csv_encoding=csv_encoding, show_details=details
            )
    finish_run(report, output, run, View(language or "zh", plain=plain), issues_out)
