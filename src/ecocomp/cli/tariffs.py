"""`ecocomp tariffs ...`: list, show, check and compare the tariff tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ecocomp.cli.common import EXIT_DATA, TariffsOption, err, exits_on_error
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.diff import describe, diff_tariffs
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.models import Rule, Value

tariffs_app = typer.Typer(
    help="The tariff tables (rates, dates, thresholds) ecocomp computes with: list, show, check, diff.",
    no_args_is_help=True,
)


def _console() -> Console:
    """Wide, plain output when piped, so no column is cut."""
    return Console(width=None if sys.stdout.isatty() else 400, highlight=False, soft_wrap=False)


def _origin(tariff: Tariff) -> str:
    if tariff.replaces is not None:
        return f"user, replaces {tariff.replaces.display}"
    return tariff.origin


@tariffs_app.command("list")
@exits_on_error
def list_tables(tariffs: TariffsOption = None) -> None:
    """List every table: family, jurisdiction, version, validity, document, status, how many of
    its values and rules are provisional or inferred ("uncertain"), hash."""
    book = TariffBook.load(tariffs or [])
    table = Table(
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
        err(f"note: {t.display} replaces the shipped table {t.replaces.display if t.replaces else ''}")


@tariffs_app.command("show")
@exits_on_error
def show_table(
    tariff_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="The table's id, as `ecocomp tariffs list` shows it."),
    ],
    tariffs: TariffsOption = None,
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
            console.print(f"{label:13} {text}")
    table = Table("key", "value", "unit", "evidence", "note")
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
) -> None:
    """Check the tables (the shipped ones, plus FOLDER and --tariffs); exit 1 on any finding."""
    dirs = [*(tariffs or []), *([folder] if folder else [])]
    found, findings = TariffBook.check(dirs)
    for finding in findings:
        typer.echo(str(finding))
    provisional = [t for t in found if t.header.status == "provisional"]
    typer.echo(
        f"{len(found)} table(s) read, {len(findings)} problem(s); "
        f"{len(provisional)} table(s) are provisional (their outputs carry a warning)."
    )
    if findings:
        raise typer.Exit(EXIT_DATA)


@tariffs_app.command("diff")
@exits_on_error
def diff_tables(
    old_id: Annotated[str, typer.Argument(metavar="A", help="The id of the older table.")],
    new_id: Annotated[str, typer.Argument(metavar="B", help="The id of the newer table.")],
    tariffs: TariffsOption = None,
) -> None:
    """Show what changed from table A to table B, value by value."""
    book = TariffBook.load(tariffs or [])
    old, new = book.get(old_id), book.get(new_id)
    changes = diff_tariffs(old, new)
    table = Table("key", "change", old.id, new.id)
    for change in changes:
        table.add_row(change.key, change.kind, describe(change.before), describe(change.after))
    console = _console()
    console.print(
        f"{old.id} ({old.header.document}) -> {new.id} ({new.header.document}): {len(changes)} difference(s)"
    )
    if changes:
        console.print(table)


def _with_range(value: Value) -> str:
    """A value, and the range the texts allow when it has one: '18750 (18750..30000)'."""
    if value.low is None and value.high is None:
        return str(value.value)
    low = value.value if value.low is None else value.low
    high = value.value if value.high is None else value.high
    return f"{value.value} ({low}..{high})"
