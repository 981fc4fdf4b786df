"""`ecocomp ledger check KIND FILE`: read one ledger and report its problems (exit 0 clean, 1 problems)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecocomp.cli.common import (
    EXIT_DATA,
    MessageLanguageOption,
    TariffsOption,
    err,
    exits_on_error,
    run_outputs,
)
from ecocomp.cli.says import issue_text, warning_message
from ecocomp.errors import UsageError
from ecocomp.ledgers.kinds import KINDS
from ecocomp.messages import say
from ecocomp.places import Places

if TYPE_CHECKING:  # pandas and pyarrow: imported by `check` when it reads
    from ecocomp.ledgers.ledger import Ledger

SHOWN = 10


def load_places(tariffs: list[Path]) -> Places:
    """The places table of the tariff book in force (shipped tables plus --tariffs folders)."""
    from ecocomp.tariffs.book import TariffBook

    return TariffBook.load(tariffs).places


def ledger_app() -> typer.Typer:
    """`ecocomp ledger`, over the ledger kinds the registered families define."""
    app = typer.Typer(
        help="Ledgers (台账) you give ecocomp: check one before a run, and fix every row it names.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    kinds = ", ".join(f"{name} ({kind.title})" for name, kind in KINDS.items())
    app.command("check", help=f"{CHECK_HELP}\n\nLedger kinds: {kinds}.")(check)
    return app


CHECK_HELP = (
    "Read one ledger, check every row, and say the rows read, accepted and rejected, and what is "
    "wrong in each rejected row (file, line as Excel shows it, column, value), so you can fix it."
)


@exits_on_error
def check(
    kind: Annotated[str, typer.Argument(help="The ledger kind (listed above).", show_default=False)],
    file: Annotated[
        Path, typer.Argument(help="The ledger: .csv, .xlsx or .parquet.", exists=True, dir_okay=False)
    ],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The sheet to read (default: the first).")
    ] = None,
    issues_out: Annotated[
        Path | None,
        typer.Option("--issues-out", help="Write every problem to this .csv (UTF-8 with BOM) or .xlsx."),
    ] = None,
    tariffs: TariffsOption = None,
    language: MessageLanguageOption = None,
) -> None:
    """Read one ledger, check every row, and report rows read, accepted and rejected."""
    if kind not in KINDS:
        raise UsageError(say("usage_ledger_kind", kind=repr(kind), kinds=", ".join(KINDS)))
    from ecocomp.ledgers.ledger import read_ledger

    with run_outputs([file], issues_out=issues_out) as out:
        ledger = read_ledger(kind, file, places=load_places(tariffs or []), sheet=sheet)
        out.issues(ledger.issues, always=True)
    _summary(ledger, issues_out)
    if ledger.issues:
        raise typer.Exit(EXIT_DATA)


def _summary(ledger: Ledger, issues_out: Path | None) -> None:
    typer.echo(
        say(
            "ledger_summary",
            source=ledger.source,
            kind=ledger.kind,
            read=ledger.rows_read,
            accepted=ledger.rows_accepted,
            rejected=ledger.rows_rejected,
            sha=ledger.sha256[:12],
        )
    )
    for warning in ledger.warnings:  # e.g. columns not used, units converted
        err(warning_message(warning))
    if not ledger.issues:
        typer.echo(say("ledger_clean"))
        return
    typer.echo(say("ledger_first", count=len(ledger.issues), shown=min(SHOWN, len(ledger.issues))))
    for issue in ledger.issues[:SHOWN]:
        column = f" {issue.column}" if issue.column else ""
        text = issue_text(issue)
        typer.echo(
            say(
                "ledger_issue",
                line=issue.line,
                column=column,
                value=repr(issue.value),
                text=text,
                code=issue.code,
            )
        )
    if issues_out is not None:
        typer.echo(say("ledger_all_in", path=issues_out))
    elif len(ledger.issues) > SHOWN:
        typer.echo(say("ledger_write_all"))
