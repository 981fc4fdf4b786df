"""ecocomp's exceptions: one root, each class also the matching built-in, facts as attributes.

The CLI maps them to exit codes: `DataError` subclasses (bad tables, bad ledgers) exit 1,
`UsageError` exits 2. The library never prints or exits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

__all__ = [
    "ConfigError",
    "DataError",
    "EcocompError",
    "ExportError",
    "Finding",
    "LedgerError",
    "LedgerIssue",
    "LedgerStructureError",
    "LedgerValidationError",
    "MoneyError",
    "TariffCheckError",
    "TariffError",
    "TariffLookupError",
    "UnknownPlaceError",
    "UsageError",
]


class EcocompError(Exception):
    """Root of every error ecocomp raises on purpose."""


class DataError(EcocompError):
    """Input data (a tariff table, a ledger) is wrong; the CLI exits 1."""


class UsageError(EcocompError, ValueError):
    """The call itself is wrong (bad option, unknown id); the CLI exits 2."""


class ExportError(DataError, ValueError):
    """A value does not fit the export contract (e.g. more decimal places than its column
    declares): refused, never rounded; the CLI exits 1."""


class MoneyError(EcocompError, ValueError):
    """An amount or a split that cannot be computed exactly (e.g. weights that sum to zero)."""


@dataclass(frozen=True)
class Finding:
    """One problem in a tariff table: the file, the key path inside it, a code and a message."""

    file: str
    key: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        return f"{where}: {self.message} [{self.code}]"


class TariffError(DataError, ValueError):
    """A tariff table cannot be used."""


class TariffCheckError(TariffError):
    """One or more tariff tables failed their checks; `findings` lists every problem found."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        lines = "\n".join(f"  {f}" for f in self.findings)
        super().__init__(f"{len(self.findings)} problem(s) in the tariff tables:\n{lines}")


class UnsettledTariffError(TariffError):
    """A run that requires settled tables used provisional ones; `tables` lists them
    (id, document, status)."""

    def __init__(self, tables: Sequence[tuple[str, str, str]]) -> None:
        self.tables = tuple(tables)
        listed = "\n".join(f"  {tid} ({document}): {status}" for tid, document, status in self.tables)
        super().__init__(
            f"{len(self.tables)} table(s) in use are not settled, and this run requires settled tables "
            f'(--require settled / require = "settled"):\n{listed}\n'
            "Replace them with the official tables (--tariffs DIR), or run without the requirement."
        )


class TariffLookupError(TariffError, LookupError):
    """No table is in force for the family, jurisdiction and date or year asked for."""

    def __init__(
        self,
        family: str,
        jurisdiction: str,
        when: date | int,
        covered: Sequence[str],
    ) -> None:
        self.family = family
        self.jurisdiction = jurisdiction
        self.when = when
        self.covered = tuple(covered)
        ranges = "; ".join(self.covered) if self.covered else "no table at all"
        what = f"assessment year {when}" if isinstance(when, int) else f"{when.isoformat()}"
        super().__init__(
            f"no {family} table for {jurisdiction} is in force for {what}. "
            f"Covered: {ranges}. Add a table for that period with --tariffs DIR."
        )


class UnknownPlaceError(DataError, LookupError):
    """A place name or code that the places table does not know."""

    def __init__(self, name: str, suggestions: Sequence[str], source: Path | str = "") -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        self.source = str(source)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown place {name!r}.{hint}")


@dataclass(frozen=True)
class LedgerIssue:
    """One problem in one ledger cell or row, as a clerk can find and fix it.

    `line` is the line as Excel or an editor shows it (1-based, header and title rows
    counted); `column` is the header as written in the file; `value` is the raw text.
    """

    source: str
    line: int
    column: str
    value: str
    code: str
    message: str

    def __str__(self) -> str:
        cell = f"{self.column}={self.value!r}: " if self.column else ""
        return f"{self.source}:{self.line}: {cell}{self.message} [{self.code}]"


class LedgerError(DataError, ValueError):
    """A ledger cannot be read or used."""


class LedgerStructureError(LedgerError):
    """The file as a whole is unusable (missing or duplicate columns, unreadable, too large)."""

    def __init__(
        self,
        source: str,
        message: str,
        *,
        expected: Sequence[str] = (),
        found: Sequence[str] = (),
    ) -> None:
        self.source = source
        self.expected = tuple(expected)
        self.found = tuple(found)
        detail = ""
        if self.expected or self.found:
            detail = f" Expected columns: {', '.join(self.expected)}. Found: {', '.join(self.found)}."
        super().__init__(f"{source}: {message}.{detail}")


class LedgerValidationError(LedgerError):
    """Rows of a ledger failed their checks; `issues` holds every problem found in one pass."""

    def __init__(self, issues: Sequence[LedgerIssue], rows_read: int = 0) -> None:
        self.issues = tuple(issues)
        self.rows_read = rows_read
        shown = "\n".join(f"  {i}" for i in self.issues[:20])
        more = f"\n  ... and {len(self.issues) - 20} more" if len(self.issues) > 20 else ""
        super().__init__(f"{len(self.issues)} problem(s) in the ledger:\n{shown}{more}")


class ConfigError(DataError, ValueError):
    """A settlement config that cannot be used: the file, the key and what is wrong."""

    def __init__(self, source: str, key: str, message: str) -> None:
        self.source = source
        self.key = key
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {message}")
