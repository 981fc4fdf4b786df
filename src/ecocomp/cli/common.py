"""What every command shares: the --tariffs option, error-to-exit-code mapping, stderr output,
and the run's outputs as one transaction (`run_outputs`), interrupts included."""

from __future__ import annotations

import functools
import os
import signal
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, ParamSpec, TypeVar

import typer

from ecocomp import messages
from ecocomp.cli.says import count_label, error_message, issue_message, warning_message
from ecocomp.errors import EcocompError, LedgerIssue, LedgerValidationError, UsageError
from ecocomp.families.base import Result, Run
from ecocomp.messages import say
from ecocomp.reports.model import Report
from ecocomp.reports.staging import Staging, check_targets
from ecocomp.tariffs.book import TARIFFS_ENV, TariffBook
from ecocomp.tariffs.readings import READINGS

if TYPE_CHECKING:  # rich: imported when a summary is printed, not for a command's help
    from ecocomp.cli.summary import Section

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as a shell reports Ctrl-C
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143
SHOWN = 10  # rejected rows listed on stderr when no file holds them
#: Every command: -h as well as --help.
CONTEXT = {"help_option_names": ["-h", "--help"]}


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
    err(say("terminated" if code == EXIT_TERMINATED else "interrupted"))
    _SAID.append(code)
    return code


def interrupt_said() -> bool:
    """Whether `interrupted` has said its line in this process."""
    return bool(_SAID)


TariffsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--tariffs",
        metavar="DIR",
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
    """Turn ecocomp's errors into a message on stderr and an exit code, never a traceback. The
    messages are in the command's message language: its `language` (--lang) if given, else
    $ECOCOMP_LANG, else Chinese (a command may refine it, e.g. settle from its config)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        given = kwargs.get("language")
        messages.use(messages.message_language(given if isinstance(given, str) else None))
        try:
            return command(*args, **kwargs)
        except EcocompError as exc:
            err(error_message(exc))
            raise typer.Exit(EXIT_USAGE if isinstance(exc, UsageError) else EXIT_DATA) from None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if exc.filename:
                err(say("error_io", path=exc.filename, reason=reason))
            else:
                err(say("error_io_unnamed", reason=reason))
            raise typer.Exit(EXIT_DATA) from None
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the staged outputs are gone by now
            raise typer.Exit(interrupted(exc)) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # a bug: say so plainly, still without a traceback
            err(say("error_internal", kind=type(exc).__name__, text=exc))
            if _debug():
                raise
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper


def _debug() -> bool:
    return os.environ.get("ECOCOMP_DEBUG", "") not in ("", "0")


def print_summary(report: Report, view: View, sections: Sequence[Section] = ()) -> None:
    """The report's first table on the terminal, every amount in full (`ecocomp.cli.summary`)."""
    from ecocomp.cli import summary

    summary.print_summary(
        report, language=view.language, wan_yuan=view.wan_yuan, plain=view.plain, sections=sections
    )


@dataclass(frozen=True)
class View:
    """How a run without -o shows its summary: the output language, 万元, plain text."""

    language: str = "zh"
    wan_yuan: bool = False
    plain: bool = False


def finish_run(
    report: Report, output: Path | None, run: Run[Result], view: View, issues_out: Path | None
) -> None:
    """Print the report's summary (when it was not written), then `end_run`."""
    if output is None:
        print_summary(report, view)
    end_run(run, output, issues_out)


def end_run(run: Run[Result], output: Path | None, issues_out: Path | None) -> None:
    """Say the warnings and the reconciliation of rows, and exit 1 when any row was rejected
    (`rejected_rows` says where they are)."""
    say_warnings(run.warnings)
    err(say("rows", counts=_counts(run.reconciliation)))
    if run.rejected:
        rejected_rows(run.rejected, output, issues_out)
        raise typer.Exit(EXIT_DATA)


def say_warnings(warnings: Sequence[str]) -> None:
    """Each warning on stderr, a provisional table's in the message language."""
    for warning in warnings:
        err(warning_message(warning))


def rejected_rows(rejected: Sequence[LedgerIssue], output: Path | None, issues_out: Path | None) -> None:
    """Say how many rows were rejected and where they are: the report written (-o), the
    --issues-out file, or (neither written) the first of them here, with how to write them all."""
    count = len(rejected)
    if issues_out is not None:
        err(say("row_problems_in_issues", count=count, path=issues_out))
    elif output is not None:
        err(say("row_problems_in_report", count=count, path=output))
    else:
        err(say("row_problems_unwritten", count=count, shown=min(count, SHOWN)))
        for issue in rejected[:SHOWN]:
            err(issue_message(issue))
        err(say("row_problems_hint"))


def _counts(counts: Mapping[str, int]) -> str:
    """The reconciliation of rows, in the message language."""
    separator = "，" if messages.current() == "zh" else ", "
    return separator.join(f"{count_label(k)} {v:,}" for k, v in counts.items())


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
    Literal["zh", "en"] | None,
    typer.Option(
        "--lang",
        "--language",
        envvar="ECOCOMP_LANGUAGE",
        show_default=False,
        help="The language of everything this command writes and says: zh (Chinese, the default) or "
        "en (English): the headers and sheet names of the report and of the terminal summary, and "
        "the messages and errors. $ECOCOMP_LANGUAGE sets it once; $ECOCOMP_LANG sets the messages "
        "only.",
    ),
]
MessageLanguageOption = Annotated[
    Literal["zh", "en"] | None,
    typer.Option(
        "--lang",
        "--language",
        show_default=False,
        help="The language of the messages and errors: zh (Chinese, the default) or en (English); "
        "also set by $ECOCOMP_LANG.",
    ),
]
DetailsOption = Annotated[
    bool,
    typer.Option(
        "--details",
        help="Workbook: show the detail sheets (明细, every line) and print them too; by default they "
        "are in the workbook but hidden (right-click a sheet tab → 取消隐藏), so the printed report is "
        "the summaries and the reference sheets only.",
    ),
]
PlainOption = Annotated[
    bool,
    typer.Option(
        "--plain",
        help="Without -o: the summary as plain text for pipes and spreadsheets (no lines, no colours; "
        "one tab-separated line per row, amounts without thousands separators).",
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
    from ecocomp.reports.ranges import with_range

    return with_range(report, {reading: rerun(book.at_reading(reading)) for reading in READINGS})


SkipInvalidOption = Annotated[
    bool,
    typer.Option(
        help="Compute with the valid rows, list every rejected row (剔除记录: in the report with -o, "
        "in the --issues-out file, else the first ones here), and still exit 1."
    ),
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
        from ecocomp.ledgers.issues import write_issues

        if self.issues_out is not None and (found or always):
            write_issues(found, self.issues_out, self.stage)
            self._said[self.issues_out] = say("wrote_problems", count=len(found), path=self.issues_out)

    def report(self, report: Report, path: Path, **options: Any) -> None:
        """Stage the report's files (`write_report` with these options)."""
        from ecocomp.reports.write import write_report

        write_report(report, path, stage=self.stage, **options)

    def publish(self, only: Collection[Path] | None = None) -> None:
        """Publish every staged file (or `only` those) and say which were written."""
        for path in self.stage.commit(only):
            err(self._said.get(path) or say("wrote", path=path))


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
        raise UsageError(say("usage_issues_out", name=issues_out.name))
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
