"""Writing a ledger's issues as a table a clerk opens in Excel (CSV UTF-8 with BOM, or XLSX).

Source: issue 3 "Ledgers in", section "Checking" (`--issues-out FILE` writes the full list).
Raw values are written as plain text. In the XLSX every cell is typed as text, so a value such
as `=SUM(A1)` is never a formula; in the CSV such a value gets a leading apostrophe, the usual
guard against formula injection (`ecocomp.reports.guard`, the rule of every ecocomp CSV).
The file is staged and published whole (`ecocomp.reports.staging`): a full disk never leaves a
truncated list that looks complete.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from ecocomp.errors import LedgerIssue, UsageError
from ecocomp.reports.guard import guard
from ecocomp.reports.staging import Staging

__all__ = ["ISSUE_COLUMNS", "write_issues"]

ISSUE_COLUMNS = ("file", "line", "column", "value", "code", "message")


def write_issues(issues: Sequence[LedgerIssue], path: Path, stage: Staging | None = None) -> None:
    """Write every issue to `path`; the format comes from its suffix (.csv or .xlsx). With
    `stage` (a run's outputs) the file is only staged in it; without, it is published at once."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"cannot write issues to {path.name}: give a file ending in .csv or .xlsx")
    if stage is not None:
        _stage(issues, path, stage)
        return
    own = Staging()
    try:
        _stage(issues, path, own)
        own.commit()
    finally:
        own.discard()


def _stage(issues: Sequence[LedgerIssue], path: Path, stage: Staging) -> None:
    """Write the issues to a file staged in `stage` for `path`."""
    with stage.writing(path) as temp:
        if path.suffix.lower() == ".csv":
            _write_csv(issues, temp)
        else:
            _write_xlsx(issues, temp)


def _row(issue: LedgerIssue) -> tuple[str, int, str, str, str, str]:
    return (issue.source, issue.line, issue.column, issue.value, issue.code, issue.message)


def _write_csv(issues: Sequence[LedgerIssue], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ISSUE_COLUMNS)
        for issue in issues:
            writer.writerow([guard(v) if isinstance(v, str) else v for v in _row(issue)])


def _write_xlsx(issues: Sequence[LedgerIssue], path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped, unused-ignore]

    book = Workbook(write_only=True)
    sheet = book.create_sheet("issues")
    sheet.append(list(ISSUE_COLUMNS))
    for issue in issues:
        cells = []
        for value in _row(issue):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            cells.append(cell)
        sheet.append(cells)
    book.save(path)
