"""The files of a credit-rated surcharge run: bill lines (Parquet, CSV), the JSON summary, the workbook.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01).

`write_lines` streams every bill line to Parquet or CSV with pyarrow in batches; the workbook holds
the summaries only (`report`). JSON holds the summary, per enterprise, district,
month and rating, the rejected rows and the manifest, amounts as exact decimal strings. Every file
is written to a temporary name beside its target and moved into place only when complete.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.errors import UsageError
from ecocomp.families.surcharge.compute import CHUNK, GroupTotal, RatingTotal, SurchargeResult
from ecocomp.families.surcharge.report import MONEY, Progress, SurchargeRun, surcharge_report
from ecocomp.reports.guard import guard_column
from ecocomp.reports.model import Report, Table
from ecocomp.reports.staging import Staging
from ecocomp.reports.write import write_report

__all__ = ["OUTPUT_SUFFIXES", "surcharge_json", "write_lines", "write_outputs"]

OUTPUT_SUFFIXES = (".xlsx", ".parquet", ".csv", ".json")


def write_outputs(
    run: SurchargeRun,
    outputs: Sequence[Path],
    *,
    progress: Progress | None = None,
    summary: Callable[[Report], Report] | None = None,
) -> list[Path]:
    """Write each output by its suffix; an .xlsx without a lines file gets <stem>.lines.parquet beside.
    `summary` (e.g. the range over the low and high readings) reworks the report before it is written."""
    _check_outputs(outputs)
    lines = _line_files(outputs)
    written = [write_lines(run.result, path, progress=progress) for path in lines]
    report = surcharge_report(run, lines)
    report = summary(report) if summary else report
    for path in outputs:
        if path.suffix.lower() == ".xlsx":
            written += write_report(report, path)
        elif path.suffix.lower() == ".json":
            with _staged(path) as temp:
                temp.write_bytes(surcharge_json(run, report.manifest, report.tables[0]))
            written.append(path)
    return written


def _check_outputs(outputs: Sequence[Path]) -> None:
    for path in outputs:
        if path.suffix.lower() not in OUTPUT_SUFFIXES:
            raise UsageError(f"cannot write {path.name}: use one of {', '.join(OUTPUT_SUFFIXES)}")
        if not path.parent.is_dir():
            raise UsageError(f"cannot write {path}: folder {path.parent} does not exist; create it first")


def _line_files(outputs: Sequence[Path]) -> list[Path]:
    """The .parquet and .csv outputs; else, beside the first .xlsx, <stem>.lines.parquet."""
    lines = [p for p in outputs if p.suffix.lower() in (".parquet", ".csv")]
    xlsx = [p for p in outputs if p.suffix.lower() == ".xlsx"]
    if not lines and xlsx:
        lines = [xlsx[0].with_name(f"{xlsx[0].stem}.lines.parquet")]
    return lines


@contextmanager
def _staged(path: Path) -> Iterator[Path]:
    """A temporary file beside `path`, moved into place when the block ends without an error."""
    stage = Staging()
    try:
        yield stage.file(path)
        stage.commit()
    finally:
        stage.discard()


def write_lines(
    result: SurchargeResult, path: Path, *, batch: int = CHUNK, progress: Progress | None = None
) -> Path:
    """Every bill line to .parquet or .csv (UTF-8 with BOM), in batches, moved into place when done."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    csv = path.suffix.lower() == ".csv"
    with _staged(path) as temp, temp.open("wb") as handle:
        if csv:
            handle.write(b"\xef\xbb\xbf")
        writer = None
        for lines in _counted(result, batch, progress):
            lines = _guarded(lines) if csv else lines
            if writer is None:
                writer = (
                    pacsv.CSVWriter(handle, lines.schema) if csv else pq.ParquetWriter(handle, lines.schema)
                )
            writer.write_batch(lines) if csv else writer.write_batch(lines, row_group_size=batch)
        if writer is not None:
            writer.close()
    return path


def _counted(result: SurchargeResult, batch: int, progress: Progress | None) -> Iterator[pa.RecordBatch]:
    """The line batches, reporting the lines written so far after each."""
    done = 0
    for lines in result.line_batches(batch):
        yield lines
        done += lines.num_rows
        if progress is not None:
            progress("write", done, len(result.kept))


def _guarded(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (`ecocomp.reports.guard`)."""
    columns = []
    for column in batch.columns:
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        columns.append(guard_column(column))
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def surcharge_json(run: SurchargeRun, info: object, by_district: Table | None = None) -> bytes:
    """The summary document: summary, by_enterprise, by_district, by_month, by_rating, rejected,
    manifest. With `by_district` (the report's 按地区 with the range), each district also has its
    "<key>_low" and "<key>_high" figures."""
    result = run.result
    ranges = _ranges(by_district)
    document = {
        "summary": asdict(result.totals),
        "by_enterprise": _enterprises(result.by_enterprise),
        "by_district": [
            _group(g, {"district": g.name, "district_code": g.key}) | ranges.get(g.key, {})
            for g in result.by_district
        ],
        "by_month": [_group(g, {"month": g.key}) for g in result.by_month],
        "by_rating": [_rating(r) for r in result.by_rating],
        "rejected": [asdict(i) for i in run.rejected],
        "manifest": info,
    }
    # no indent: only then does the json module use its C encoder (a run may have 10^5-10^6 enterprises)
    return json.dumps(document, ensure_ascii=False, default=_json_default).encode("utf-8")


def _ranges(table: Table | None) -> dict[str, dict[str, object]]:
    """District code -> its low and high figures, from a ranged 按地区 (none without the range)."""
    if table is None:
        return {}
    keys = [c.key for c in table.columns if c.key.endswith(("_low", "_high"))]
    return {str(r["district_code"]): {k: r[k] for k in keys} for r in table.rows} if keys else {}


def _enterprises(table: pa.Table) -> list[dict[str, object]]:
    """Per enterprise: name, bills, money as exact decimal text, and the weakest evidence of its
    lines (which values those were is in its lines' evidence_values: per enterprise they would
    repeat long texts a million times)."""
    money = [c.key for c in MONEY]
    texts = {k: pc.cast(table.column(k), pa.string()).to_pylist() for k in money}
    texts["evidence"] = table.column("evidence").to_pylist()
    names, bills = table.column("enterprise").to_pylist(), table.column("bills").to_pylist()
    keys = [*money, "evidence"]
    return [
        {"enterprise": name, "bills": count} | {k: texts[k][i] for k in keys}
        for i, (name, count) in enumerate(zip(names, bills, strict=True))
    ]


def _group(g: GroupTotal, labels: dict[str, str]) -> dict[str, object]:
    """A district or month: its counts and money, then `labels` in place of key and name, then
    its evidence and unverified values."""
    counts = {k: v for k, v in asdict(g).items() if k not in ("key", "name", "basis")}
    return counts | labels | g.basis.columns()


def _rating(r: RatingTotal) -> dict[str, object]:
    """A rating: its counts and money, then its evidence and unverified values."""
    return {k: v for k, v in asdict(r).items() if k != "basis"} | r.basis.columns()


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
