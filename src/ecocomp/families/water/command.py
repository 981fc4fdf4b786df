"""`ecocomp water`: water-environment regional compensation per section, month and factor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from ecocomp.families.base import params_of
from ecocomp.families.water.family import WaterParams
from ecocomp.tariffs.book import TariffBook

if TYPE_CHECKING:  # the run is imported when the command runs: its help needs none of it
    from ecocomp.families.water.family import WaterRun


@exits_on_error
def water(
    sections: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Sections registry 断面台账.")
    ],
    monitoring: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Monthly monitoring 断面监测台账.")
    ],
    start: Annotated[str, typer.Option("--from", help="First month, YYYY-MM.")],
    end: Annotated[str, typer.Option("--to", help="Last month, YYYY-MM.")],
    shares: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Sharing coefficients 断面分担比例台账 (分担系数)."),
    ] = None,
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
    """水环境区域补偿: who pays whom for the water that crosses a border, month by month.

    At each assessed section (断面) on a river between two districts or cities, a monthly
    concentration worse than the target makes the upstream party pay, per factor (COD, 氨氮, 总磷,
    …); where the scheme says so a better one makes the downstream party pay back. The money
    passes through the province (or the city's treasury), which may keep a share.

    Give the sections registry 断面台账 (each section, its parties and scheme), the monthly
    monitoring 断面监测台账 (concentrations per section, month and factor), optionally the sharing
    coefficients 分担系数 of sections with several payers, and the months with --from and --to.
    Without -o: what each district paid, received and its net, here; with -o: the report (per
    section, month and factor, per district, 剔除记录, the tariff tables used).
    """
    from ecocomp.families.water.family import run_water
    from ecocomp.families.water.report import water_report

    with run_outputs([sections, monitoring, shares], [("--output", output)], issues_out) as out:
        book = TariffBook.load(tariffs or [])
        params = params_of(WaterParams, {"from": start, "to": end})

        def compute(at: TariffBook) -> WaterRun:
            return run_water(
                sections,
                monitoring,
                start=params.start,
                end=params.end,
                book=at,
                shares=shares,
                skip_invalid=skip_invalid,
            )

        run = compute(book)
        out.issues(run.rejected)
        report = ranged(water_report(run), lambda at: water_report(compute(at)), book, with_range)
        if output is not None:
            out.report(
                report, output, language=language or "zh", csv_encoding=csv_encoding, show_details=details
            )
    finish_run(report, output, run, View(language or "zh", plain=plain), issues_out)
