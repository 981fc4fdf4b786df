"""What every command shares: the --tariffs option, error-to-exit-code mapping, stderr output,
and the run's outputs as one transaction (`run_outputs`), interrupts included."""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, Literal, NoReturn, ParamSpec, TypeVar

import typer

from ecocomp.errors import DataError, EcocompError, LedgerIssue, LedgerValidationError, UsageError
from ecocomp.families.base import Result, Run
from ecocomp.ledgers.issues import write_issues
from ecocomp.reports.model import Report, column_totals
from ecocomp.reports.ranges import with_range
from ecocomp.reports.staging import Staging, check_targets
from ecocomp.reports.write import write_report
from ecocomp.tariffs.book import TARIFFS_ENV, TariffBook
from ecocomp.tariffs.readings import READINGS

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as a shell reports Ctrl-C
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as an interrupt is, so every cleanup on the way out runs."""


def _terminate(signum: int, frame: FrameType | None) -> NoReturn:
    raise Terminated


@contextmanager
def raising_signals() -> Iterator[None]:
    """While the block runs, SIGINT raises KeyboardInterrupt and SIGTERM `Terminated` (so the
    staged outputs are removed on the way out); the previous handlers are restored after. Only
    the main thread can install handlers: elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        for number, handler in previous.items():
            if handler is not None:
                signal.signal(number, handler)


_SAID: list[int] = []  # the exit codes `interrupted` has said its line for, in this process


def interrupted(exc: KeyboardInterrupt) -> int:
    """Say in one line that the run was interrupted; its exit code: 130, or 143 for SIGTERM."""
    code = EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    err("ecocomp: terminated" if code == EXIT_TERMINATED else "ecocomp: interrupted")
    _SAID.append(code)
    return code


def interrupt_said() -> bool:
    """Whether `interrupted` has said its line in this process."""
    return bool(_SAID)


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
            where = f"cannot read or write {exc.filename}" if exc.filename else "input/output error"
            err(f"ecocomp: {where}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_DATA) from None
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the staged outputs are gone by now
            raise typer.Exit(interrupted(exc)) from None
        except (typer.Exit, typer.Abort):
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


def finish_run(report: Report, output: Path | None, run: Run[Result]) -> None:
    """Print the report's summary (when it was not written), then `end_run`."""
    if output is None:
        print_summary(report)
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


class Outputs:
    """The outputs of one command run, staged together in `stage` (see `run_outputs`)."""

    def __init__(self, stage: Staging, issues_out: Path | None) -> None:
        self.stage = stage
        self.issues_out = issues_out
        self._said: dict[Path, str] = {}

    def issues(self, found: Sequence[LedgerIssue], *, always: bool = False) -> None:
        """Stage the --issues-out file with `found`, when there are problems (or `always`)."""
        if self.issues_out is not None and (found or always):
            write_issues(found, self.issues_out, self.stage)
            self._said[self.issues_out] = f"wrote {len(found)} problem(s) to {self.issues_out}"

    def report(self, report: Report, path: Path, **options: Any) -> None:
        """Stage the report's files (`write_report` with these options)."""
        write_report(report, path, stage=self.stage, **options)

    def publish(self, only: Collection[Path] | None = None) -> None:
        """Publish every staged file (or `only` those) and say which were written."""
        for path in self.stage.commit(only):
            err(self._said.get(path, f"wrote {path}"))


@contextmanager
def run_outputs(
    inputs: Sequence[Path | None],
    outputs: Sequence[tuple[str, Path | None]] = (),
    issues_out: Path | None = None,
) -> Iterator[Outputs]:
    """One transaction over every output of a run: before any work, an output that is an input
    (same file, also through links) or two outputs naming one file are refused (exit 2); the
    block stages its files in the yielded `Outputs`; they are published together when it ends
    without an error, else removed, no target touched. A strict run that stops on invalid rows
    (`LedgerValidationError`) still publishes the --issues-out file, alone: that is its purpose.
    SIGINT and SIGTERM raise while the block runs, so an interrupt removes the staged files too."""
    if issues_out is not None and issues_out.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"--issues-out {issues_out.name}: give a file ending in .csv or .xlsx")
    check_targets([*outputs, ("--issues-out", issues_out)], inputs)
    out = Outputs(Staging(protected=[p for p in inputs if p is not None]), issues_out)
    with raising_signals():
        try:
            yield out
            out.publish()
        except LedgerValidationError as exc:
            if issues_out is not None:
                if issues_out not in out.stage.targets:
                    out.issues(exc.issues)
                out.publish(only={issues_out})
            raise
        finally:
            out.stage.discard()
