"""What the command line says about ecocomp's errors, warnings and rejected rows, in the message
language (`ecocomp.messages`): the facts the exceptions keep, in catalogue texts.

Translated from their facts: usage errors raised by the CLI, `LedgerValidationError` (the count
and each row problem; the problems `not_a_number`, `bad_year`, `missing_value`,
`share_over_100` in full), `TariffLookupError`, `UnsettledTariffError`, `TariffCheckError` (the
count), `UnknownPlaceError`, the provisional-table warnings and the row counts. Every other
error keeps its own (English) text behind the translated lead of its class.
"""

from __future__ import annotations

import re

from ecocomp.errors import (
    ConfigError,
    EcocompError,
    ExportError,
    LedgerError,
    LedgerIssue,
    LedgerValidationError,
    MoneyError,
    TariffCheckError,
    TariffError,
    TariffLookupError,
    UnknownPlaceError,
    UnsettledTariffError,
    UsageError,
)
from ecocomp.messages import CATALOGUE, current, say

__all__ = ["count_label", "error_message", "issue_message", "issue_text", "warning_message"]

SHOWN_ISSUES = 20  # row problems listed in the message of a run that stops on them
_LEADS: tuple[tuple[type[EcocompError], str], ...] = (
    (UsageError, "error_usage"),
    (LedgerError, "error_ledger"),
    (TariffError, "error_tariff"),
    (ConfigError, "error_config"),
    (ExportError, "error_export"),
    (UnknownPlaceError, "error_place"),
    (MoneyError, "error_money"),
)
_PROVISIONAL = re.compile(r"^(?P<table>\S+) \((?P<document>.*)\) is provisional: (?P<what>.*)$", re.S)
_KEY_PATHS = re.compile(r"^[\w.\[\]-]+(, [\w.\[\]-]+)*$")
_ROWS_READ = "_rows_read"


def error_message(exc: EcocompError) -> str:
    """The error's line(s): the lead of its class, then its facts in the message language."""
    lead = next((key for cls, key in _LEADS if isinstance(exc, cls)), "error_data")
    return say(lead, text=_facts(exc))


def _facts(exc: EcocompError) -> str:
    if current() == "en" and not isinstance(exc, LedgerValidationError):
        return str(exc)  # the English texts are the exceptions' own
    if isinstance(exc, LedgerValidationError):
        return _ledger_problems(exc)
    if isinstance(exc, TariffLookupError):
        return _tariff_missing(exc)
    if isinstance(exc, UnsettledTariffError):
        tables = "\n".join(f"  {tid}（{document}）：{status}" for tid, document, status in exc.tables)
        return say("tariff_unsettled", count=len(exc.tables), tables=tables)
    if isinstance(exc, TariffCheckError):
        return say(
            "tariff_checks", count=len(exc.findings), findings="\n".join(f"  {f}" for f in exc.findings)
        )
    if isinstance(exc, UnknownPlaceError):
        hint = say("place_suggest", names="、".join(exc.suggestions)) if exc.suggestions else ""
        return say("place_unknown", name=exc.name, hint=hint)
    return str(exc)


def _ledger_problems(exc: LedgerValidationError) -> str:
    lines = [say("ledger_problems", count=len(exc.issues))]
    lines += [issue_message(i) for i in exc.issues[:SHOWN_ISSUES]]
    if len(exc.issues) > SHOWN_ISSUES:
        lines.append(say("ledger_more", count=len(exc.issues) - SHOWN_ISSUES))
    return "\n".join(lines)


def _tariff_missing(exc: TariffLookupError) -> str:
    when = say("tariff_year", year=exc.when) if isinstance(exc.when, int) else exc.when.isoformat()
    covered = "；".join(exc.covered) if exc.covered else say("tariff_none")
    return say("tariff_missing", family=exc.family, jurisdiction=exc.jurisdiction, when=when, covered=covered)


def issue_message(issue: LedgerIssue) -> str:
    """One row problem on one line: where (file, line, cell), what, and its code."""
    cell = say("issue_cell", column=issue.column, value=repr(issue.value)) if issue.column else ""
    where = f"{issue.source}:{issue.line}"
    return say("issue_line", where=where, cell=cell, text=issue_text(issue), code=issue.code)


def issue_text(issue: LedgerIssue) -> str:
    """What is wrong in the row, in the message language where the catalogue has the problem's
    text (from its facts: column and value), else the ledger's own text."""
    key = f"issue_{issue.code}"
    if current() == "en" or key not in CATALOGUE:
        return issue.message
    return say(key, value=repr(issue.value), column=issue.column)


def warning_message(warning: str) -> str:
    """One warning line; a provisional table's in the message language (its values are key
    paths, codes; a table whose reason is a note in words points to `tariffs show`)."""
    found = _PROVISIONAL.match(warning)
    if found is None:
        return say("warning", text=warning)
    what = found["what"]
    if current() != "en" and not _KEY_PATHS.match(what):
        what = say("provisional_see_table", table=found["table"])
    return say("warning_provisional", table=found["table"], document=found["document"], what=what)


def count_label(key: str) -> str:
    """A row count's name ("billed", "emissions rows read") in the message language."""
    if key.endswith(_ROWS_READ):
        return say("count_rows_read", ledger=key.removesuffix(_ROWS_READ))
    label = f"count_{key}"
    return say(label) if label in CATALOGUE else key.replace("_", " ")
