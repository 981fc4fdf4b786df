"""`ecocomp tariffs ...`: list, show, check and compare the tariff tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecocomp.cli.common import EXIT_DATA, MessageLanguageOption, TariffsOption, err, exits_on_error
from ecocomp.messages import say
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.diff import describe, diff_tariffs
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.models import Rule, Value

if TYPE_CHECKING:  # rich: imported by the commands that print, not for their help
    from rich.console import Console
    from rich.table import Table

tariffs_app = typer.Typer(
    help="The tariff tables (rates, dates, thresholds) ecocomp computes with: list, show, check, diff.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _console() -> Console:
    """Wide, plain output when piped, so no column is cut."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 400, highlight=False, soft_wrap=False)


def _origin(tariff: Tariff) -> str:
    if tariff.replaces is not None:
        return f"user, replaces {tariff.replaces.display}"
    return tariff.origin


@tariffs_app.command("list")
@exits_on_error
def list_tables(tariffs: TariffsOption = None, language: MessageLanguageOption = None) -> None:
    """List every table: family, jurisdiction, version, validity, document, status, how many of
    its values and rules are provisional or inferred ("uncertain"), hash."""
    book = TariffBook.load(tariffs or [])
    table = _table(
        "id",
        "family",
        "jurisdiction",
        "version",
        "valid",
        "document",
        "status",
        "uncertain",
        "sha256",
        "origin",
    )
    for t in sorted(book.tariffs, key=lambda t: (t.family, t.header.jurisdiction, t.start)):
        h = t.header
        table.add_row(
            t.id,
            t.family,
            h.jurisdiction,
            h.version,
            t.validity_label(),
            h.document,
            h.status,
            str(len(t.uncertain_values())),
            t.short_hash,
            _origin(t),
        )
    _console().print(table)
    for t in book.replacements:
        err(say("note_replaces", table=t.display, shipped=t.replaces.display if t.replaces else ""))


@tariffs_app.command("show")
@exits_on_error
def show_table(
    tariff_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="The table's id, as `ecocomp tariffs list` shows it."),
    ],
    tariffs: TariffsOption = None,
    language: MessageLanguageOption = None,
) -> None:
    """Show one table: its document, validity, source, hash, and every value with unit and evidence."""
    t = TariffBook.load(tariffs or []).get(tariff_id)
    h = t.header
    console = _console()
    for label, text in [
        ("id", t.id),
        ("family", t.family),
        ("jurisdiction", h.jurisdiction),
        ("version", h.version),
        ("title", h.title),
        ("document", h.document),
        ("issuer", h.issuer),
        ("status", h.status),
        ("valid", t.validity_label()),
        ("rounding", f"{h.rounding.quantum} {h.rounding.mode}"),
        ("source", h.source),
        ("note", h.note),
        ("file", t.display),
        ("sha256", t.sha256),
        ("origin", _origin(t)),
    ]:
        if text:
            console.print(f"{_label(label)} {text}", markup=False)
    table = _table("key", "value", "unit", "evidence", "note")
    for key, leaf in t.values().items():
        if isinstance(leaf, Value):
            table.add_row(key, _with_range(leaf), leaf.unit, leaf.evidence, leaf.note)
        elif isinstance(leaf, Rule):
            table.add_row(key, describe(leaf.value), "", leaf.evidence, leaf.note)
        else:
            table.add_row(key, describe(leaf), "", "", "")
    console.print(table)


@tariffs_app.command("check")
@exits_on_error
def check_tables(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="A folder of your own tables to check together with the shipped ones.",
            exists=True,
            file_okay=False,
            dir_okay=True,
        ),
    ] = None,
    tariffs: TariffsOption = None,
    language: MessageLanguageOption = None,
) -> None:
    """Check the tables (the shipped ones, plus FOLDER and --tariffs); exit 1 on any finding."""
    dirs = [*(tariffs or []), *([folder] if folder else [])]
    found, findings = TariffBook.check(dirs)
    for finding in findings:
        typer.echo(str(finding))
    provisional = [t for t in found if t.header.status == "provisional"]
    typer.echo(say("tariffs_checked", count=len(found), problems=len(findings), provisional=len(provisional)))
    if findings:
        raise typer.Exit(EXIT_DATA)


@tariffs_app.command("diff")
@exits_on_error
def diff_tables(
    old_id: Annotated[str, typer.Argument(metavar="A", help="The id of the older table.")],
    new_id: Annotated[str, typer.Argument(metavar="B", help="The id of the newer table.")],
    tariffs: TariffsOption = None,
    language: MessageLanguageOption = None,
) -> None:
    """Show what changed from table A to table B, value by value."""
    book = TariffBook.load(tariffs or [])
    old, new = book.get(old_id), book.get(new_id)
    changes = diff_tariffs(old, new)
    table = _table("key", "change")
    table.add_column(old.id)
    table.add_column(new.id)
    for change in changes:
        table.add_row(change.key, change.kind, describe(change.before), describe(change.after))
    console = _console()
    heading = say(
        "tariffs_diff",
        old=old.id,
        old_document=old.header.document,
        new=new.id,
        new_document=new.header.document,
        count=len(changes),
    )
    console.print(heading, markup=False)
    if changes:
        console.print(table)


def _table(*columns: str) -> Table:
    """A table with these columns, headed in the message language."""
    from rich.table import Table

    return Table(*(say(f"col_{c}") for c in columns))


def _label(name: str) -> str:
    """A `tariffs show` label in the message language, padded to one column width."""
    from rich.cells import cell_len

    text = say(f"col_{name}")
    return text + " " * max(13 - cell_len(text), 0)


def _with_range(value: Value) -> str:
    """A value, and the range the texts allow when it has one: '18750 (18750..30000)'."""
    if value.low is None and value.high is None:
        return str(value.value)
    low = value.value if value.low is None else value.low
    high = value.value if value.high is None else value.high
    return f"{value.value} ({low}..{high})"
