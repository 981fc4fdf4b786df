"""The files of a credit-rated surcharge run: bill lines (Parquet, CSV), the JSON summary, the workbook.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01).

`write_lines` streams every bill line to Parquet or CSV in batches, both following the declared
columns of the export contract (`columns`: the Arrow schema, the one CSV dialect of ecocomp); the
workbook holds the summaries only (`report`). JSON holds the contract version, the summary, per
enterprise, district, month and rating, the rejected rows and the manifest, amounts as exact
decimal strings (its JSON Schema: `schema`). Every file is written to a temporary name beside its
target; all the files of a run are moved into place together, only when every one is complete
(`ecocomp.reports.staging`), or, given a run's `stage`, published with its other outputs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.errors import UsageError
from ecocomp.families.surcharge.columns import LINE_COLUMNS, LINE_SCHEMA, csv_body, csv_header, typed_batch
from ecocomp.families.surcharge.compute import CHUNK, GroupTotal, RatingTotal, SurchargeResult
from ecocomp.families.surcharge.report import MONEY, TITLE, Progress, SurchargeRun, surcharge_report
from ecocomp.reports.contract import CONTRACT_VERSION
from ecocomp.reports.model import LANGUAGES, Report, Table
from ecocomp.reports.staging import Staging
from ecocomp.reports.text import json_ready
from ecocomp.reports.write import write_report

__all__ = ["OUTPUT_SUFFIXES", "check_outputs", "surcharge_json", "write_lines", "write_outputs"]

OUTPUT_SUFFIXES = (".xlsx", ".parquet", ".csv", ".json")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
UTF8 = frozenset({"utf-8", "utf-8-sig"})
CSV_SLICE = 1 << 17  # lines turned into CSV text at once (a batch's text stays far below 2 GiB)


def write_outputs(
    run: SurchargeRun,
    outputs: Sequence[Path],
    *,
    progress: Progress | None = None,
    summary: Callable[[Report], Report] | None = None,
    language: str = "zh",
    encoding: str = "utf-8-sig",
    stage: Staging | None = None,
    show_details: bool = False,
) -> list[Path]:
    """Write each output by its suffix; an .xlsx without a lines file gets <stem>.lines.parquet beside
    (`show_details`: the workbook's detail sheets shown and printed, not hidden).
    `summary` (e.g. the range over the low and high readings) reworks the report before it is written.
    `language` sets the CSV header and the workbook's language, `encoding` the CSV's. Every file
    is published together, or none; with `stage` they are only staged in it."""
    check_outputs(outputs)
    _check_text_options(language, encoding)
    with _staging(stage) as files:
        lines = _line_files(outputs)
        report = surcharge_report(run, lines)
        report = summary(report) if summary else report
        for path in lines:
            write_lines(
                run.result,
                path,
                progress=progress,
                language=language,
                encoding=encoding,
                manifest=report.manifest,
                stage=files,
            )
        for path in outputs:
            if path.suffix.lower() == ".xlsx":
                write_report(report, path, language=language, stage=files, show_details=show_details)
            elif path.suffix.lower() == ".json":
                with files.writing(path) as temp:
                    temp.write_bytes(surcharge_json(run, report.manifest, report.tables[0]))
        return files.targets


def check_outputs(outputs: Sequence[Path]) -> None:
    """Refuse (`UsageError`) an output of an unknown kind or in a folder that does not exist."""
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
def _staging(stage: Staging | None) -> Iterator[Staging]:
    """`stage` as it is; else a staging of its own, published when the block ends without an error."""
    if stage is not None:
        yield stage
        return
    own = Staging()
    try:
        yield own
        own.commit()
    finally:
        own.discard()


def write_lines(
    result: SurchargeResult,
    path: Path,
    *,
    batch: int = CHUNK,
    progress: Progress | None = None,
    language: str = "zh",
    encoding: str = "utf-8-sig",
    manifest: Mapping[str, object] | None = None,
    stage: Staging | None = None,
) -> Path:
    """Every bill line to .parquet or .csv, in batches, moved into place when done. Both follow the
    declared columns (`columns.LINE_COLUMNS`). CSV: the header in `language` (Chinese labels or
    English keys), `encoding` (UTF-8 with BOM or GB18030), CRLF, minimal quoting. Parquet: the
    declared Arrow schema, and key-value metadata `ecocomp` (contract version, Chinese labels,
    totals, `manifest`). With `stage`, the file is only staged in it."""
    import pyarrow.parquet as pq

    _check_text_options(language, encoding)
    csv = path.suffix.lower() == ".csv"
    with _staging(stage) as files, files.writing(path) as temp, temp.open("wb") as handle:
        if csv:
            handle.write(csv_header(language).encode(encoding))
            for lines in _counted(result, batch, progress):
                for start in range(0, lines.num_rows, CSV_SLICE):
                    body = csv_body(typed_batch(lines.slice(start, CSV_SLICE)), language)
                    handle.write(body if encoding in UTF8 else body.decode("utf-8").encode(encoding))
        else:
            schema = LINE_SCHEMA.with_metadata(_parquet_metadata(result, manifest))
            with pq.ParquetWriter(handle, schema) as writer:
                for lines in _counted(result, batch, progress):
                    writer.write_batch(typed_batch(lines), row_group_size=batch)
    return path


def _check_text_options(language: str, encoding: str) -> None:
    if language not in LANGUAGES:
        raise UsageError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    if encoding not in CSV_ENCODINGS:
        raise UsageError(f"unknown CSV encoding {encoding!r}: use one of {', '.join(CSV_ENCODINGS)}")


def _parquet_metadata(result: SurchargeResult, manifest: Mapping[str, object] | None) -> dict[bytes, bytes]:
    """The `ecocomp` key of a bill-lines Parquet file: what `ecocomp.reports.parquet` records for a
    report table (contract version, title, table key and names, totals, manifest)."""
    totals = result.totals
    about = {
        "schema_version": CONTRACT_VERSION,
        "title": TITLE,
        "table": "lines",
        "zh": "账单明细",
        "columns_zh": {c.key: c.zh for c in LINE_COLUMNS},
        "totals": {
            "line": totals.bills,
            "electricity_surcharge": f"{totals.electricity_surcharge:f}",
            "water_surcharge": f"{totals.water_surcharge:f}",
        },
        "manifest": json_ready(manifest or {}),
    }
    return {b"ecocomp": json.dumps(about, ensure_ascii=False, sort_keys=True).encode("utf-8")}


def _counted(result: SurchargeResult, batch: int, progress: Progress | None) -> Iterator[pa.RecordBatch]:
    """The line batches, reporting the lines written so far after each."""
    done = 0
    for lines in result.line_batches(batch):
        yield lines
        done += lines.num_rows
        if progress is not None:
            progress("write", done, len(result.kept))


def surcharge_json(run: SurchargeRun, info: object, by_district: Table | None = None) -> bytes:
    """The summary document (its schema: `schema.surcharge_json_schema`): schema_version, summary,
    by_enterprise, by_district, by_month, by_rating, rejected, manifest. With `by_district` (the
    report's 按地区 with the range), each district also has its "<key>_low" and "<key>_high" figures."""
    result = run.result
    ranges = _ranges(by_district)
    document = {
        "schema_version": CONTRACT_VERSION,
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
