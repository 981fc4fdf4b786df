"""`ecocomp surcharge`: credit-rated electricity and sewage surcharges of every bill."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecocomp.cli.common import (
    CsvEncodingOption,
    DetailsOption,
    IssuesOutOption,
    LanguageOption,
    PlainOption,
    RangeOption,
    SkipInvalidOption,
    TariffsOption,
    View,
    end_run,
    err,
    exits_on_error,
    print_summary,
    ranged,
    run_outputs,
)
from ecocomp.families.base import Progress, params_of
from ecocomp.families.surcharge.family import SurchargeParams
from ecocomp.messages import say
from ecocomp.reports.model import Report
from ecocomp.tariffs.book import TariffBook

if TYPE_CHECKING:  # the run is imported when the command runs: its help needs none of it
    from ecocomp.families.surcharge.report import SurchargeRun

BIG_INPUT = 20_000_000  # bytes of input above which a progress bar is shown (on a terminal only)


@exits_on_error
def surcharge(
    bills: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="Bills ledger 企业用电用水台账 (.csv, .xlsx, .parquet)."
        ),
    ],
    ratings: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="Ratings ledger 企业环境信用评价台账 (colour or score)."
        ),
    ],
    output: Annotated[
        list[Path] | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help=(
                "Repeatable. .xlsx: summary workbook (bill lines to <stem>.lines.parquet beside unless a "
                ".parquet/.csv is also given); .parquet/.csv: every bill line; .json: the summary."
            ),
        ),
    ] = None,
    skip_invalid: SkipInvalidOption = False,
    start: Annotated[
        str | None, typer.Option("--from", help="First bill month charged, YYYY-MM (default: every bill).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last bill month charged, YYYY-MM.")] = None,
    with_range: RangeOption = False,
    issues_out: IssuesOutOption = None,
    tariffs: TariffsOption = None,
    language: LanguageOption = None,
    csv_encoding: CsvEncodingOption = "utf-8-sig",
    plain: PlainOption = False,
    details: DetailsOption = False,
) -> None:
    """差别电价, 差别化污水处理费: surcharges on enterprises' power and water bills by credit rating.

    Each enterprise's environmental-credit rating (环保信用评价: green, blue, yellow, red, black, or
    a score) sets a surcharge per kWh of electricity and per m3 of sewage on the bills of the
    months it is in force, at the rates of the province's (or the city's own) tables.

    Give the bills ledger 企业用电用水台账 (kWh and m3 per enterprise, account and month) and the
    ratings ledger 企业环境信用评价台账 (each rating with the day it took effect). Without -o: the
    totals per district here; with -o: the workbook (per district, per rating, the enterprises
    with a surcharge, 剔除记录, the tariff tables used) and every bill line (.parquet or .csv).
    """
    from ecocomp.families.surcharge.family import run_surcharge
    from ecocomp.families.surcharge.files import check_outputs, write_outputs
    from ecocomp.families.surcharge.report import surcharge_report

    outputs = output or []
    check_outputs(outputs)
    show = sys.stderr.isatty() and (bills.stat().st_size + ratings.stat().st_size) > BIG_INPUT
    named = [("--output", path) for path in outputs]
    with run_outputs([bills, ratings], named, issues_out) as out, _progress(show) as tick:
        book = TariffBook.load(tariffs or [])
        params = params_of(SurchargeParams, {"from": start, "to": end})

        def compute(at: TariffBook, progress: Progress | None = None) -> SurchargeRun:
            return run_surcharge(
                bills, ratings, book=at, skip_invalid=skip_invalid, progress=progress, period=params.period
            )

        def summary(report: Report) -> Report:
            return ranged(report, lambda at: surcharge_report(compute(at)), book, with_range)

        run = compute(book, tick)
        out.issues(run.rejected)
        if outputs:
            write_outputs(
                run,
                outputs,
                progress=tick,
                summary=summary,
                language=language or "zh",
                encoding=csv_encoding,
                stage=out.stage,
                show_details=details,
            )
    if not outputs:
        print_summary(summary(surcharge_report(run)), View(language or "zh", plain=plain))
    totals = run.result.totals
    err(
        say(
            "surcharge_total",
            total=f"{totals.total:,.2f}",
            electricity=f"{totals.electricity_surcharge:,.2f}",
            water=f"{totals.water_surcharge:,.2f}",
            bills=f"{totals.bills:,}",
            enterprises=f"{totals.enterprises:,}",
        )
    )
    workbook = next((p for p in outputs if p.suffix.lower() == ".xlsx"), None)
    end_run(run, workbook, issues_out)


@contextmanager
def _progress(show: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr, or nothing (stderr not a terminal, or a small input)."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import TaskID

    with Bar(console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def tick(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(
                    {"compute": "computing", "write": "writing lines"}.get(phase, phase), total=total
                )
            bar.update(tasks[phase], completed=done)

        yield tick
