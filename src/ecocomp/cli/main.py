"""The `ecocomp` command: sub-commands are registered here; each lives in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

from ecocomp._version import __version__
from ecocomp.cli.ledger import ledger_app
from ecocomp.cli.settle import settle
from ecocomp.cli.tariffs import tariffs_app
from ecocomp.families.fund.command import fund
from ecocomp.families.surcharge.command import surcharge
from ecocomp.families.water.command import water

app = typer.Typer(
    name="ecocomp",
    help=(
        "ecocomp computes the money flows of Jiangsu and Suzhou environmental-fiscal policies "
        "(pollutant-linked funds, water-environment compensation, credit-rated surcharges) "
        "from your ledgers, with every rate traced to the document that set it."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("settle")(settle)
app.add_typer(tariffs_app, name="tariffs")
app.add_typer(ledger_app, name="ledger")
app.command("surcharge")(surcharge)
app.command("fund")(fund)
app.command("water")(water)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"ecocomp {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """ecocomp: environmental-fiscal money flows, exact to the fen."""


def run() -> None:
    """Console-script entry point."""
    app()
