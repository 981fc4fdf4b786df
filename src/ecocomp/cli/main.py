"""The `ecocomp` command: the core commands (settle, tariffs, ledger) and one command per
registered policy family, each from the family's own `command` (imported only here)."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Annotated, Any

import typer

from ecocomp import messages
from ecocomp.cli.common import CONTEXT, EXIT_INTERRUPTED, err, interrupt_said, interrupted, raising_signals
from ecocomp.cli.ledger import ledger_app
from ecocomp.cli.settle import settle
from ecocomp.cli.tariffs import tariffs_app
from ecocomp.families.base import Family
from ecocomp.families.registry import FAMILIES

HELP = (
    "ecocomp computes the money flows of Jiangsu and Suzhou environmental-fiscal policies "
    "({families}) from your ledgers, with every rate traced to the document that set it.\n\n"
    "Start with `ecocomp settle --example suzhou-2018` (no files needed), then "
    "`ecocomp settle settle.toml -o settlement.xlsx` on your own ledgers. Every command takes "
    "--lang zh|en and -h."
)


def _show_version(value: bool) -> None:
    if value:
        from ecocomp._version import __version__

        typer.echo(f"ecocomp {__version__}")
        raise typer.Exit()


def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """ecocomp: environmental-fiscal money flows, exact to the fen."""


def family_command(family: Family) -> Any:
    """A family's typer command function, from its `command` ("module:function")."""
    module, name = family.command.split(":")
    return getattr(import_module(module), name)


def build_app() -> typer.Typer:
    """The command tree over the families registered now (a test may register one more)."""
    families = "、".join(f.title_zh for f in FAMILIES.values())
    app = typer.Typer(
        name="ecocomp",
        help=HELP.format(families=families),
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,  # plain help: wrapped, never cut (rich cuts lines with Chinese)
    )
    app.callback()(_main)
    app.command("settle", short_help=short_help(settle.__doc__))(settle)
    app.add_typer(tariffs_app, name="tariffs", short_help=short_help(tariffs_app.info.help))
    ledgers = ledger_app()
    app.add_typer(ledgers, name="ledger", short_help=short_help(ledgers.info.help))
    for family in FAMILIES.values():
        command = family_command(family)
        app.command(family.key, short_help=short_help(command.__doc__))(command)
    return app


def short_help(text: object) -> str | None:
    """A command's line in the list of commands: the first line of its help, whole (the list
    would cut a longer default)."""
    return text.strip().splitlines()[0] if isinstance(text, str) and text.strip() else None


app = build_app()


def run() -> None:
    """Run the command line (`ecocomp_entry.main` calls it). Ctrl-C or SIGTERM at any moment ends
    with one line and exit 130 (143), never a traceback; during a command, its staged outputs
    are removed first (`common.run_outputs`)."""
    messages.use(messages.message_language(argv_language(sys.argv[1:])))
    with raising_signals():
        try:
            build_app()()
        except KeyboardInterrupt as exc:  # before or after the command itself
            raise SystemExit(interrupted(exc)) from None
        except SystemExit as exc:  # typer ends an interrupt outside a command with 130, silently
            if exc.code == EXIT_INTERRUPTED and not interrupt_said():
                err(messages.say("interrupted"))
            raise


def argv_language(argv: list[str]) -> str | None:
    """The --lang (--language) given on the command line, for what is said before a command runs."""
    for i, arg in enumerate(argv):
        name, _, value = arg.partition("=")
        if name in ("--lang", "--language"):
            return value or (argv[i + 1] if i + 1 < len(argv) else None)
    return None
