"""One report writer for every calculation: tables of typed columns out to XLSX, CSV, JSON or Parquet.

A `Report` is a title, tables and a manifest (run info). It knows nothing about any policy: each
calculation builds its own tables and `write_report` renders them. Rules kept here:

- values are str, int, Decimal, datetime.date, bool or None; a float anywhere is refused
  (`MoneyError`), so no binary float reaches a file (checks: `ecocomp.reports.checks`);
- totals are exact sums of the Decimal (or int) column, computed once (`column_totals`);
- files are written to temporary names in the target folder and moved into place only when every
  file of the report is complete; on any error they are removed and an older report stays as it
  was (each file is replaced atomically; a CSV report's files are replaced one after the other);
- JSON and Parquet are the lossless machine formats (decimals as exact strings / decimal128);
  CSV serves people and imports: exact decimal text, but text that Excel would run as a formula
  (= + - @) gets a leading apostrophe (`ecocomp.reports.text`); XLSX is for people
  (`ecocomp.reports.xlsx`);
- 万元 (`wan_yuan=True`) is a display unit of the XLSX only (POLICY.md: "display unit only");
  every file keeps amounts in yuan.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ecocomp.errors import UsageError
from ecocomp.reports.checks import check_report
from ecocomp.reports.text import column_totals, json_bytes, write_csv

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "Column",
    "ColumnKind",
    "Report",
    "Staging",
    "Table",
    "column_totals",
    "write_report",
]

ColumnKind = Literal["text", "int", "money", "ratio", "decimal", "date"]
FORMATS = ("xlsx", "csv", "json", "parquet")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Column:
    """One column: its stable English key, its Chinese header, its kind, whether it is totalled."""

    key: str
    zh: str
    kind: ColumnKind
    total: bool = False

    def header(self, language: str) -> str:
        """The header in `language` ("zh" or "en"; English headers are the keys)."""
        return self.zh if language == "zh" else self.key


@dataclass(frozen=True)
class Table:
    """One table of the report: a key ("lines"), a Chinese name ("明细"), columns and rows."""

    key: str
    zh: str
    columns: tuple[Column, ...]
    rows: Sequence[Mapping[str, object]]
    totals: bool = False
    chart: tuple[str, ...] = ()  # XLSX: a bar chart of these columns by the first column

    def name(self, language: str) -> str:
        """The sheet name in `language`."""
        return self.zh if language == "zh" else self.key


@dataclass(frozen=True)
class Report:
    """A titled set of tables (the first is the primary one) and the run's manifest."""

    title: str
    tables: tuple[Table, ...]
    manifest: Mapping[str, object]


def write_report(
    report: Report,
    path: Path,
    *,
    fmt: str | None = None,
    language: str = "zh",
    wan_yuan: bool = False,
    csv_encoding: str = "utf-8-sig",
) -> list[Path]:
    """Write `report` to `path` in `fmt` (or the format its suffix names); return the files written.

    Nothing is left behind if writing fails: every file goes to a temporary name in the same
    folder first and is moved into place only when all of them are complete.
    """
    kind = _format_of(path, fmt)
    _check_options(language, csv_encoding)
    check_report(report)
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {path.parent} does not exist; create it first")
    stage = Staging()
    try:
        _dispatch(kind, report, path, stage, language, wan_yuan, csv_encoding)
        return stage.commit()
    finally:
        stage.discard()


def _format_of(path: Path, fmt: str | None) -> str:
    """The format asked for, from `fmt` or the file's suffix."""
    name = (fmt if fmt is not None else path.suffix).lower().lstrip(".")
    if name not in FORMATS:
        what = f"format {fmt!r}" if fmt is not None else f"file name {path.name!r}"
        accepted = ", ".join(f".{f}" for f in FORMATS)
        raise UsageError(f"cannot write a report with {what}: use one of {accepted}")
    return name


def _check_options(language: str, csv_encoding: str) -> None:
    """Refuse an unknown language or text encoding before anything is written."""
    if language not in LANGUAGES:
        raise UsageError(f"unknown report language {language!r}: use one of {', '.join(LANGUAGES)}")
    try:
        "".encode(csv_encoding)
    except LookupError:
        raise UsageError(f"unknown CSV encoding {csv_encoding!r}: use utf-8-sig or gb18030") from None


def _dispatch(
    kind: str, report: Report, path: Path, stage: Staging, language: str, wan_yuan: bool, encoding: str
) -> None:
    """Hand the report to the writer of its format (XLSX and Parquet import their libraries lazily)."""
    if kind == "json":
        stage.file(path).write_bytes(json_bytes(report))
    elif kind == "csv":
        write_csv(report, path, stage, language=language, encoding=encoding)
    elif kind == "xlsx":
        from ecocomp.reports.xlsx import write_xlsx

        write_xlsx(report, stage.file(path), language=language, wan_yuan=wan_yuan)
    else:
        from ecocomp.reports.parquet import write_parquet

        write_parquet(report, path, stage)


# --- atomic files -------------------------------------------------------------------------------


class Staging:
    """Temporary files beside their targets, moved into place together only on success."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def file(self, target: Path) -> Path:
        """A new empty temporary file in `target`'s folder; write it, `commit` moves it to `target`."""
        if any(t == target for _, t in self._pending):
            raise UsageError(f"two parts of the report would both be written to {target}")
        temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        self._pending.append((temp, target))
        return temp

    def commit(self) -> list[Path]:
        """Move every temporary file into place; return the targets in the order they were staged."""
        for temp, target in self._pending:
            os.replace(temp, target)
        done = [target for _, target in self._pending]
        self._pending.clear()
        return done

    def discard(self) -> None:
        """Remove every temporary file not yet moved into place."""
        for temp, _ in self._pending:
            temp.unlink(missing_ok=True)
        self._pending.clear()
