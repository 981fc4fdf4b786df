"""`ecocomp settle`: the main job, one run over everything a year needs, one report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from ecocomp import messages
from ecocomp.cli.common import (
    EXIT_DATA,
    DetailsOption,
    IssuesOutOption,
    LanguageOption,
    PlainOption,
    TariffsOption,
    View,
    exits_on_error,
    print_summary,
    rejected_rows,
    run_outputs,
    say_warnings,
)
from ecocomp.errors import UsageError
from ecocomp.examples import example_config
from ecocomp.families.base import ledger_paths
from ecocomp.families.registry import FAMILIES
from ecocomp.messages import say
from ecocomp.reports.model import Report

if TYPE_CHECKING:  # rich and the settlement: imported when a settlement runs, not for the help
    from ecocomp.cli.summary import Section
    from ecocomp.settlement.run import Settlement


@exits_on_error
def settle(
    config: Annotated[
        Path | None,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="The settlement config (settle.toml): the assessment year, your ledgers, the options.",
        ),
    ] = None,
    example: Annotated[
        str | None,
        typer.Option(
            help="Run a shipped example instead of a config: suzhou-2018 or suzhou-2021 (no files needed)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write the report: .xlsx (the workbook to hand on), .csv (one file per table), .json "
            "or .parquet. Without it: the summary (汇总) here.",
        ),
    ] = None,
    fmt: Annotated[
        Literal["xlsx", "csv", "json", "parquet"] | None,
        typer.Option("--format", help="Output format when OUT's extension does not say it."),
    ] = None,
    language: LanguageOption = None,
    wan_yuan: Annotated[
        bool | None,
        typer.Option(
            "--wan-yuan/--yuan",
            help="Amounts in 万元 (to 0.01 万元) in the workbook and in the summary here; --yuan: "
            "in yuan (default: the config's `wan_yuan`). CSV, JSON and Parquet always keep yuan.",
        ),
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
    plain: PlainOption = False,
    details: DetailsOption = False,
) -> None:
    """Settle an assessment year: 统筹资金, 水环境区域补偿 and 差别电价/差别化污水处理费 in one report.

    One run over every instrument the config names: the pollutant-linked fund each payer hands
    the province (污染物排放统筹资金, with its return and reward), the water-environment
    compensation between districts (水环境区域补偿), and the surcharges on enterprises' electricity
    and water bills by environmental-credit rating (差别电价, 差别化污水处理费).

    Give the settlement config (settle.toml: the year, your ledgers, the output options; the
    examples show one), or --example NAME to see it on shipped data. Without -o: the summary per
    district (汇总) here; with -o: the workbook with 汇总, each instrument's tables, the rejected
    rows (剔除记录), the tariff tables used (费率表) and the run info (运行信息).
    """
    from ecocomp.settlement.report import settlement_report

    path = _config_path(config, example)
    with run_outputs(_inputs(path), [("--output", output)], issues_out) as out:
        settlement = run_settlement(
            path, tariff_dirs=tuple(tariffs or ()), require=require, with_range=with_range
        )
        options = settlement.config.output
        shown = language or options.language
        messages.use(messages.message_language(language, shown))
        out.issues(settlement.rejected)
        writes_xlsx = output is not None and (fmt or output.suffix.lstrip(".").lower()) == "xlsx"
        report = settlement_report(settlement, datetime.now().astimezone() if writes_xlsx else None)
        wan = options.wan_yuan if wan_yuan is None else wan_yuan
        if output is not None:
            out.report(
                report,
                output,
                fmt=fmt,
                language=shown,
                wan_yuan=wan,
                csv_encoding=options.csv_encoding,
                show_details=details,
            )
    if output is None:
        print_summary(report, View(shown, wan, plain), family_sections(report, shown))
    warnings = report.manifest.get("warnings")
    say_warnings(warnings if isinstance(warnings, list) else [])
    if settlement.rejected:
        rejected_rows(settlement.rejected, output, issues_out)
        raise typer.Exit(EXIT_DATA)


def run_settlement(
    path: Path, *, tariff_dirs: tuple[Path, ...] = (), require: str | None = None, with_range: bool = False
) -> Settlement:
    """`ecocomp.settlement.run.run_settlement`, imported when a settlement runs (not for the help)."""
    from ecocomp.settlement import run

    return run.run_settlement(path, tariff_dirs=tariff_dirs, require=require, with_range=with_range)


def family_sections(report: Report, language: str) -> list[Section]:
    """汇总's figures per family (its summary columns and its evidence mark), under its title."""
    from ecocomp.cli.summary import Section

    keys = {c.key for c in report.tables[0].columns}
    sections = []
    for family in FAMILIES.values():
        own = [c.key for c in family.summary_columns]
        own += [f"{c}_{end}" for c in own for end in ("low", "high")] + [f"{family.key}_evidence"]
        title = family.title_zh if language == "zh" else getattr(family, "title_en", family.key)
        sections.append(Section(str(title), tuple(k for k in own if k in keys)))
    return sections


def _inputs(config: Path) -> list[Path]:
    """What the run reads: the config file and every ledger it names (relative to the config)."""
    from ecocomp.settlement.config import load_config

    settings, _ = load_config(config)
    paths = (
        ledger_paths(FAMILIES[key], section, lambda name, _key: config.parent / name)
        for key, section in settings.families.items()
    )
    return [config, *(p for found in paths for p in found.values() if p is not None)]


def _config_path(config: Path | None, example: str | None) -> Path:
    if (config is None) == (example is None):
        raise UsageError(say("usage_config_or_example"))
    return config if config is not None else example_config(example or "")
