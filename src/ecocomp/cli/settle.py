"""`ecocomp settle`: the main job, one run over everything a year needs, one report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from ecocomp.cli.common import (
    EXIT_DATA,
    IssuesOutOption,
    TariffsOption,
    err,
    exits_on_error,
    print_summary,
    run_outputs,
)
from ecocomp.errors import UsageError
from ecocomp.examples import example_config
from ecocomp.families.base import ledger_paths
from ecocomp.families.registry import FAMILIES
from ecocomp.settlement.config import load_config
from ecocomp.settlement.report import settlement_report
from ecocomp.settlement.run import run_settlement


@exits_on_error
def settle(
    config: Annotated[
        Path | None,
        typer.Argument(exists=True, dir_okay=False, help="Settlement config (TOML): year, ledgers, options."),
    ] = None,
    example: Annotated[
        str | None,
        typer.Option(help="Run a shipped example instead of a config, e.g. suzhou-2018 (no files needed)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="The report: .xlsx, .csv, .json or .parquet."),
    ] = None,
    fmt: Annotated[
        Literal["xlsx", "csv", "json", "parquet"] | None,
        typer.Option("--format", help="Output format when OUT's extension does not say it."),
    ] = None,
    language: Annotated[
        Literal["zh", "en"] | None, typer.Option(help="Headers and sheet names (default: the config's).")
    ] = None,
    wan_yuan: Annotated[
        bool | None, typer.Option("--wan-yuan/--yuan", help="Show amounts in 万元 in the workbook.")
    ] = None,
    require: Annotated[
        Literal["settled"] | None,
        typer.Option(
            help="settled: refuse to settle when any table in use is provisional (for a settlement "
            "that is paid out); default: the config's `require`."
        ),
    ] = None,
    with_range: Annotated[
        bool,
        typer.Option(
            "--range",
            help="Also the figures with every ranged tariff value at its low and at its high bound: "
            "汇总 shows each amount's central, low (·低) and high (·高) figure (default: the config's "
            "`range`).",
        ),
    ] = False,
    issues_out: IssuesOutOption = None,
    tariffs: TariffsOption = None,
) -> None:
    """Settle a year: every policy family the config names, in one report."""
    path = _config_path(config, example)
    with run_outputs(_inputs(path), [("--output", output)], issues_out) as out:
        settlement = run_settlement(
            path, tariff_dirs=tuple(tariffs or ()), require=require, with_range=with_range
        )
        out.issues(settlement.rejected)
        options = settlement.config.output
        writes_xlsx = output is not None and (fmt or output.suffix.lstrip(".").lower()) == "xlsx"
        report = settlement_report(settlement, datetime.now().astimezone() if writes_xlsx else None)
        if output is not None:
            out.report(
                report,
                output,
                fmt=fmt,
                language=language or options.language,
                wan_yuan=options.wan_yuan if wan_yuan is None else wan_yuan,
                csv_encoding=options.csv_encoding,
            )
    if output is None:
        print_summary(report)
    warnings = report.manifest.get("warnings")
    for warning in warnings if isinstance(warnings, list) else []:
        err(f"warning: {warning}")
    rejected = next(t for t in report.tables if t.key == "rejected").rows
    if rejected:
        err(f"{len(rejected)} row problem(s); see the rejected rows (剔除记录) in the report")
        raise typer.Exit(EXIT_DATA)


def _inputs(config: Path) -> list[Path]:
    """What the run reads: the config file and every ledger it names (relative to the config)."""
    settings, _ = load_config(config)
    paths = (
        ledger_paths(FAMILIES[key], section, lambda name, _key: config.parent / name)
        for key, section in settings.families.items()
    )
    return [config, *(p for found in paths for p in found.values() if p is not None)]


def _config_path(config: Path | None, example: str | None) -> Path:
    if (config is None) == (example is None):
        raise UsageError("give either a CONFIG file or --example NAME")
    return config if config is not None else example_config(example or "")
