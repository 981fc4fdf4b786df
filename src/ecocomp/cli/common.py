"""What every command shares: the --tariffs option, error-to-exit-code mapping, stderr output."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal, ParamSpec, TypeVar

import typer

from ecocomp.errors import DataError, EcocompError, LedgerIssue, LedgerValidationError, UsageError
from ecocomp.families.base import Result, Run
from ecocomp.ledgers.issues import write_issues
from ecocomp.reports.model import Report, column_totals
from ecocomp.reports.ranges import with_range
from ecocomp.reports.write import write_report
from ecocomp.tariffs.book import TARIFFS_ENV, TariffBook
from ecocomp.tariffs.readings import READINGS

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


TariffsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--tariffs",
        help=(
            "A folder of your own tariff tables (TOML), added to the shipped ones; a table for "
            "the same family, jurisdiction and period replaces the shipped one. Repeatable. "
            f"Also read from ${TARIFFS_ENV} (folders separated by '{os.pathsep}')."
        ),
        exists=True,
        file_okay=False,
        dir_okay=True,
        show_default=False,
    ),
]


def err(message: str) -> None:
    """Write one message to stderr."""
    typer.echo(message, err=True)


def exits_on_error(command: Callable[P, R]) -> Callable[P, R]:
    """Turn ecocomp's errors into a message on stderr and an exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            err(f"ecocomp: usage error: {exc}")
            raise typer.Exit(EXIT_USAGE) from None
        except DataError as exc:
            err(f"ecocomp: {exc}")
            raise typer.Exit(EXIT_DATA) from None
        except EcocompError as exc:
            err(f"ecocomp: {exc}")
            raise typer.Exit(EXIT_DATA) from None
        except OSError as exc:
            err(f"ecocomp: cannot read or write {exc.filename or ''}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_DATA) from None
        except (KeyboardInterrupt, typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # a bug: say so plainly, still without a traceback
            err(
                f"ecocomp: internal error ({type(exc).__name__}: {exc}). This is a bug in ecocomp; "
                "please report it with the command you ran. Set ECOCOMP_DEBUG=1 for details."
            )
            if _debug():
                raise
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper


def _debug() -> bool:
    return os.environ.get("ECOCOMP_DEBUG", "") not in ("", "0")


def print_summary(report: Report) -> None:
    """The report's first table on the terminal, with its totals (for runs without -o).

    Shows the first column and the figures; the long texts are in the written reports. A money
    column followed by its "<key>_low" and "<key>_high" columns (a settlement with the range)
    shows in one cell of three lines: the central figure, the low and the high. A table with a
    banner (e.g. figures on provisional rates) has it printed first, on one line of its own; its
    notes (e.g. the provisional values its marked rows rest on) follow the table. A column of
    codes (e.g. the evidence marks) shows its Chinese labels.
    """
    from rich.console import Console
    from rich.table import Table as RichTable

    table = report.tables[0]
    keys = {c.key for c in table.columns}
    ranged = {c.key for c in table.columns if {f"{c.key}_low", f"{c.key}_high"} <= keys}
    bounds = {f"{key}_{end}" for key in ranged for end in ("low", "high")}
    shown = [
        c
        for i, c in enumerate(table.columns)
        if (i == 0 or c.kind in ("money", "ratio") or c.labels)
        and c.key not in bounds
        and any(r.get(c.key) is not None for r in table.rows)
    ]
    view = RichTable(title=report.title)
    for column in shown:
        header = f"{column.zh}\n中/低/高" if column.key in ranged else column.zh
        view.add_column(header, justify="left" if column.kind == "text" else "right")

    def cells(values: Callable[[str], object]) -> list[str]:
        out = []
        for c in shown:
            text = _cell(c.shown(values(c.key), "zh"), c.kind)
            if c.key in ranged and text:
                low, high = (_cell(values(f"{c.key}_{end}"), c.kind) for end in ("low", "high"))
                text += f"\n{low}\n{high}"
            out.append(text)
        return out

    for row in table.rows:
        view.add_row(*cells(row.get))
    if table.totals:
        sums = column_totals(table)
        view.add_row("合计", *cells(sums.get)[1:])
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    if table.banner:
        console.print(table.banner, markup=False, soft_wrap=True)
    console.print(view)
    for note in table.notes:
        console.print(note, markup=False, soft_wrap=True)


def _cell(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money" and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if kind == "ratio" and isinstance(value, Decimal):
        return f"{(value * 100).normalize():f}%"
    return str(value)


def finish_run(
    report: Report,
    output: Path | None,
    run: Run[Result],
    *,
    language: str = "zh",
    csv_encoding: str = "utf-8-sig",
) -> None:
    """Write the report (or print its summary), then `end_run`."""
    if output is None:
        print_summary(report)
    else:
        for path in write_report(report, output, language=language, csv_encoding=csv_encoding):
            err(f"wrote {path}")
    end_run(run)


def end_run(run: Run[Result]) -> None:
    """Say the warnings and the reconciliation of rows, and exit 1 when any row was rejected
    (the report lists them)."""
    for warning in run.warnings:
        err(f"warning: {warning}")
    err("rows: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in run.reconciliation.items()))
    if run.rejected:
        err(f"{len(run.rejected)} row problem(s); see the rejected rows (剔除记录) in the report")
        raise typer.Exit(EXIT_DATA)


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Write the report: .xlsx, .csv (other tables beside it), .json or .parquet.",
    ),
]
LanguageOption = Annotated[
    Literal["zh", "en"],
    typer.Option(
        "--language",
        envvar="ECOCOMP_LANGUAGE",
        help="Headers of CSV files and of the workbook: zh (Chinese labels, the default) or en (the "
        "English column names of the export contract); set it once with $ECOCOMP_LANGUAGE.",
    ),
]
CsvEncodingOption = Annotated[
    Literal["utf-8-sig", "gb18030"],
    typer.Option("--csv-encoding", help="Text encoding of CSV files: utf-8-sig (UTF-8 with BOM) or gb18030."),
]

RangeOption = Annotated[
    bool,
    typer.Option(
        "--range",
        help="Also the figures with every ranged tariff value at its low and at its high bound: the "
        "summary shows each amount's central, low (·低) and high (·高) figure.",
    ),
]


def ranged(report: Report, rerun: Callable[[TariffBook], Report], book: TariffBook, wanted: bool) -> Report:
    """`report`, with `wanted` its summary ranged over the runs at the low and the high reading
    (`rerun(book)` makes the report of the same command on another book)."""
    if not wanted:
        return report
    return with_range(report, {reading: rerun(book.at_reading(reading)) for reading in READINGS})


SkipInvalidOption = Annotated[
    bool,
    typer.Option(help="Compute the valid rows, list every rejected row in the report, and still exit 1."),
]

IssuesOutOption = Annotated[
    Path | None,
    typer.Option(
        "--issues-out",
        dir_okay=False,
        help=(
            "Also write every rejected row (file, line, column, raw value, reason) to this .csv "
            "(UTF-8 with BOM) or .xlsx, including when a strict run stops on them."
        ),
    ),
]


@contextmanager
def issues_written_to(path: Path | None) -> Iterator[Callable[[Sequence[LedgerIssue]], None]]:
    """Yields a function that writes rejected rows to `path` (if given); the rows of a
    `LedgerValidationError` raised inside are written too before it propagates."""
    if path is not None and path.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"--issues-out {path.name}: give a file ending in .csv or .xlsx")

    def record(issues: Sequence[LedgerIssue]) -> None:
        if path is not None and issues:
            write_issues(issues, path)
            err(f"wrote {len(issues)} problem(s) to {path}")

    try:
        yield record
    except LedgerValidationError as exc:
        record(exc.issues)
        raise
