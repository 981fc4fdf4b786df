"""What every report carries so a result can be reproduced and audited: the ecocomp version,
the input files (name, SHA-256, rows read / accepted / rejected), the tariff tables used
(document, version, status, content hash, and what a user table replaced), the warnings for
provisional values, and the reconciliation of rows. Also the report tables every family shares,
and the two steps every run takes between reading its ledgers and computing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from ecocomp._version import __version__
from ecocomp.errors import LedgerIssue, LedgerValidationError
from ecocomp.ledgers.ledger import Ledger
from ecocomp.reports.model import Column, Table
from ecocomp.tariffs.files import Tariff

__all__ = [
    "InputFile",
    "frame_of",
    "input_file",
    "manifest",
    "rejected_table",
    "stop_if_invalid",
    "tariffs_table",
]


@dataclass(frozen=True)
class InputFile:
    """One input ledger as the run read it."""

    role: str
    name: str
    sha256: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int


def input_file(role: str, ledger: Ledger) -> InputFile:
    return InputFile(
        role, ledger.source, ledger.sha256, ledger.rows_read, ledger.rows_accepted, ledger.rows_rejected
    )


def frame_of(ledger: Ledger | None) -> pd.DataFrame | None:
    """The typed rows of an optional ledger (None when the run was given no such file)."""
    return None if ledger is None else ledger.frame


def stop_if_invalid(issues: Sequence[LedgerIssue], skip_invalid: bool) -> None:
    """Strict mode: raise `LedgerValidationError` with every issue; with `skip_invalid`, go on
    (the issues are listed in the report and the command still exits 1)."""
    if issues and not skip_invalid:
        raise LedgerValidationError(issues)


def manifest(
    *,
    command: str,
    parameters: Mapping[str, object],
    inputs: Sequence[InputFile],
    tariffs: Sequence[Tariff],
    warnings: Sequence[str],
    reconciliation: Mapping[str, int],
) -> dict[str, object]:
    """The run info of one run (no clock time, so equal inputs give equal bytes)."""
    return {
        "ecocomp_version": __version__,
        "command": command,
        "parameters": dict(parameters),
        "inputs": [asdict(i) for i in inputs],
        "tariffs": [_tariff_info(t) for t in tariffs],
        "warnings": list(warnings),
        "reconciliation": dict(reconciliation),
    }


def _tariff_info(t: Tariff) -> dict[str, object]:
    h = t.header
    return {
        "id": t.id,
        "family": t.family,
        "jurisdiction": h.jurisdiction,
        "version": h.version,
        "valid": t.validity_label(),
        "document": h.document,
        "title": h.title,
        "status": h.status,
        "sha256": t.sha256,
        "origin": t.origin,
        "replaces": t.replaces.id if t.replaces else None,
    }


def tariffs_table(tariffs: Sequence[Tariff]) -> Table:
    """费率表: every table used, with its document, status and content hash."""
    columns = (
        Column("id", "费率表编号", "text"),
        Column("family", "类别", "text"),
        Column("jurisdiction", "适用地区", "text"),
        Column("version", "版本", "text"),
        Column("valid", "有效期", "text"),
        Column("document", "文号", "text"),
        Column("title", "文件名称", "text"),
        Column("status", "状态", "text"),
        Column("sha256", "内容哈希(SHA-256)", "text"),
        Column("origin", "来源", "text"),
        Column("replaces", "替换的内置表", "text"),
    )
    return Table("tables_used", "费率表", columns, [_tariff_info(t) for t in tariffs])


def rejected_table(issues: Sequence[LedgerIssue]) -> Table:
    """剔除记录: every rejected row with file, line, column, raw value and reason."""
    columns = (
        Column("source", "文件", "text"),
        Column("line", "行号", "int"),
        Column("column", "列", "text"),
        Column("value", "原始值", "text"),
        Column("code", "原因代码", "text"),
        Column("message", "原因", "text"),
    )
    rows = [asdict(i) for i in issues]
    return Table("rejected", "剔除记录", columns, rows)
