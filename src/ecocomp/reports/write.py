"""Writing a report: `write_report` picks the format's writer and stages its files atomically.

Formats (`FORMATS`): JSON and Parquet are the lossless machine formats (decimals as exact strings
/ decimal128); CSV serves people and imports: exact decimal text, with text that Excel would run
as a formula guarded (`ecocomp.reports.text`, rule in `ecocomp.reports.guard`); XLSX is for
people (`ecocomp.reports.xlsx`). 万元 (`wan_yuan=True`) is a display unit of the XLSX only
(POLICY.md: "display unit only"): its money columns show 万元, each beside a hidden column with
the exact yuan; every other file keeps amounts in yuan. `show_details=True` (XLSX only): the
detail sheets are visible and print, instead of hidden.

Files are written to temporary names in the target folder and moved into place only when every
file of the report is complete (`ecocomp.reports.staging`); on any error they are removed and an
older report stays as it was. Given the `stage` of a larger run (e.g. the CLI's, which also holds
the issues file), the files join it and are published with the run's other outputs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ecocomp.errors import UsageError
from ecocomp.reports.checks import check_report
from ecocomp.reports.model import LANGUAGES, Report
from ecocomp.reports.staging import Staging
from ecocomp.reports.text import json_bytes, sibling, write_csv

__all__ = ["FORMATS", "file_names", "write_report"]

FORMATS = ("xlsx", "csv", "json", "parquet")


def write_report(
    report: Report,
    path: Path,
    *,
    fmt: str | None = None,
    language: str = "zh",
    wan_yuan: bool = False,
    csv_encoding: str = "utf-8-sig",
    stage: Staging | None = None,
    show_details: bool = False,
) -> list[Path]:
    """Write `report` to `path` in `fmt` (or the format its suffix names); return the files written.

    Nothing is left behind if writing fails: every file goes to a temporary name in the same
    folder first and is moved into place only when all of them are complete. With `stage`, the
    files are only staged in it (its `commit` publishes them); the files it will write are returned.
    `show_details` (XLSX only): the detail sheets are visible and print, instead of hidden.
    """
    kind = _format_of(path, fmt)
    _check_options(language, csv_encoding)
    check_report(report)
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {path.parent} does not exist; create it first")
    if kind in ("csv", "parquet"):  # a set of files: its manifest lists them all
        report = replace(report, manifest=dict(report.manifest) | {"files": file_names(kind, report, path)})
    if stage is not None:
        before = len(stage.targets)
        _dispatch(kind, report, path, stage, language, (wan_yuan, show_details), csv_encoding)
        return stage.targets[before:]
    own = Staging()
    try:
        _dispatch(kind, report, path, own, language, (wan_yuan, show_details), csv_encoding)
        return own.commit()
    finally:
        own.discard()


def file_names(kind: str, report: Report, path: Path) -> list[str]:
    """The names of every file a report in `kind` at `path` writes: one for JSON and XLSX; for
    CSV and Parquet (whose manifest lists them) a file per table, the manifest and the data
    package descriptor beside it."""
    if kind in ("json", "xlsx"):
        return [path.name]
    tables = [path.name, *(sibling(path, t.key, path.suffix).name for t in report.tables[1:])]
    return [*tables, sibling(path, "manifest", ".json").name, sibling(path, "datapackage", ".json").name]


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
    kind: str,
    report: Report,
    path: Path,
    stage: Staging,
    language: str,
    xlsx_options: tuple[bool, bool],
    encoding: str,
) -> None:
    """Hand the report to the writer of its format (XLSX and Parquet import their libraries
    lazily); `xlsx_options`: 万元 and show the detail sheets."""
    if kind == "json":
        with stage.writing(path) as temp:
            temp.write_bytes(json_bytes(report))
    elif kind == "csv":
        write_csv(report, path, stage, language=language, encoding=encoding)
    elif kind == "xlsx":
        from ecocomp.reports.xlsx import write_xlsx

        with stage.writing(path) as temp:
            wan_yuan, show_details = xlsx_options
            write_xlsx(report, temp, language=language, wan_yuan=wan_yuan, show_details=show_details)
    else:
        from ecocomp.reports.parquet import write_parquet

        write_parquet(report, path, stage)
