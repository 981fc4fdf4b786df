"""A credit-rated surcharge run from files to outputs: read and check the bills and ratings ledgers,
compute (`ecocomp.credit_pricing`), lay the summaries out as report tables (按地区, 按信用等级, 按月份,
重点企业, 明细文件, 剔除记录, 费率表, 运行信息) and write every bill line with pyarrow in batches.

Bill lines never go through the in-memory report tables: a run may have ten million of them.
`write_lines` streams them to Parquet or CSV, atomically (a temporary file moved into place);
the workbook holds the summaries only and names the file with the full lines (Excel stops at
1,048,576 rows). JSON holds the summary, per enterprise, district, month and rating, the rejected
rows and the manifest, amounts as exact decimal strings.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.credit_pricing import CHUNK, SurchargeResult, compute_surcharge
from ecocomp.errors import LedgerIssue, LedgerValidationError, UsageError
from ecocomp.ledgers import read_ledger
from ecocomp.report import Column, Report, Table, write_report
from ecocomp.run_info import InputFile, input_file, manifest, rejected_table, tariffs_table
from ecocomp.tariff_book import TariffBook

__all__ = [
    "OUTPUT_SUFFIXES",
    "Progress",
    "SurchargeRun",
    "run_surcharge",
    "surcharge_json",
    "surcharge_report",
    "write_lines",
    "write_outputs",
]

#: A progress callback: phase ("compute", "write"), units done, units in all.
Progress = Callable[[str, int, int], None]
OUTPUT_SUFFIXES = (".xlsx", ".parquet", ".csv", ".json")
TOP_ENTERPRISES = 200
MAX_SHEET_ROWS = 1_048_576 - 10  # Excel's limit, less a header, a title and a totals row
RATING_ZH = {
    "green": "绿色",
    "blue": "蓝色",
    "yellow": "黄色",
    "red": "红色",
    "red_repeat": "红色(连续两次，按黑色计)",
    "black": "黑色",
    "unrated": "未评价(不加价)",
}


@dataclass(frozen=True)
class SurchargeRun:
    """A finished run: the result, the inputs as read, every rejected row, the parameters."""

    result: SurchargeResult
    inputs: tuple[InputFile, ...]
    rejected: tuple[LedgerIssue, ...]
    parameters: dict[str, object]

    @property
    def reconciliation(self) -> dict[str, int]:
        """Bill rows read = charged + rejected by the ledger check + rejected by the rules."""
        bills, ratings = self.inputs
        charged = len(self.result.kept)
        return {
            "bills_rows_read": bills.rows_read,
            "charged": charged,
            "rejected_by_ledger_check": bills.rows_rejected,
            "rejected_by_rules": self.result.bills.num_rows - charged,
            "ratings_rows_read": ratings.rows_read,
            "ratings_rejected": ratings.rows_read - len(self.result.history.line),
        }


def run_surcharge(
    bills: Path,
    ratings: Path,
    *,
    book: TariffBook,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> SurchargeRun:
    """Read, check and compute. Strict by default: any problem raises `LedgerValidationError`."""
    ledgers = {
        "bills": read_ledger("bills", bills, places=book.places),
        "ratings": read_ledger("ratings", ratings, places=book.places),
    }
    read_issues = [i for led in ledgers.values() for i in led.issues]
    _stop_if_invalid(read_issues, skip_invalid)
    result = compute_surcharge(
        ledgers["bills"].frame,
        ledgers["ratings"].frame,
        book=book,
        sources={role: led.source for role, led in ledgers.items()},
        progress=None if progress is None else lambda done, total: progress("compute", done, total),
    )
    _stop_if_invalid(result.rejected, skip_invalid)
    inputs = tuple(input_file(role, led) for role, led in ledgers.items())
    run = SurchargeRun(result, inputs, tuple(read_issues) + result.rejected, {"skip_invalid": skip_invalid})
    _check_reconciliation(run)
    return run


def _stop_if_invalid(issues: Sequence[LedgerIssue], skip_invalid: bool) -> None:
    if issues and not skip_invalid:
        raise LedgerValidationError(issues)


def _check_reconciliation(run: SurchargeRun) -> None:
    counts = run.reconciliation
    parts = counts["charged"] + counts["rejected_by_ledger_check"] + counts["rejected_by_rules"]
    if parts != counts["bills_rows_read"]:  # a bug, not bad data: never hand out such a report
        raise AssertionError(f"bill rows do not reconcile: {counts}")


# --- report tables -----------------------------------------------------------------------------

MONEY = (
    Column("electricity_surcharge", "差别电价加价(元)", "money", total=True),
    Column("water_surcharge", "差别化污水处理费加价(元)", "money", total=True),
    Column("total", "合计(元)", "money", total=True),
)
BY_DISTRICT = (
    Column("district", "地区", "text"),
    Column("district_code", "地区代码", "text"),
    Column("bills", "账单数", "int", total=True),
    Column("enterprises", "企业数", "int"),
    *MONEY,
)
BY_MONTH = (
    Column("month", "月份", "text"),
    Column("bills", "账单数", "int", total=True),
    Column("enterprises", "企业数", "int"),
    *MONEY,
)
BY_RATING = (
    Column("rating", "信用等级代码", "text"),
    Column("rating_name", "信用等级", "text"),
    Column("electricity_bills", "电费账单数", "int", total=True),
    Column("electricity_enterprises", "电费企业数", "int"),
    Column("electricity_surcharge", "差别电价加价(元)", "money", total=True),
    Column("water_bills", "水费账单数", "int", total=True),
    Column("water_enterprises", "水费企业数", "int"),
    Column("water_surcharge", "差别化污水处理费加价(元)", "money", total=True),
    Column("total", "合计(元)", "money", total=True),
)
TOP = (
    Column("rank", "排名", "int"),
    Column("enterprise", "企业名称", "text"),
    Column("bills", "账单数", "int"),
    *(Column(c.key, c.zh, c.kind) for c in MONEY),
    Column("explanation", "说明(适用等级、期间与文件)", "text"),
)
WHERE = (Column("item", "项目", "text"), Column("value", "内容", "text"))


def surcharge_report(run: SurchargeRun, lines: Sequence[Path] = ()) -> Report:
    """The summary tables of a run (never the bill lines themselves), with its manifest."""
    result = run.result
    districts = [
        {"district": g.name, "district_code": g.key} | _group(g) | {"bills": g.bills}
        for g in result.by_district
    ]
    months = [{"month": g.key} | _group(g) | {"bills": g.bills} for g in result.by_month]
    ratings = [asdict(r) | {"rating_name": RATING_ZH[r.rating]} for r in result.by_rating]
    info = manifest(
        command="surcharge",
        parameters=run.parameters,
        inputs=run.inputs,
        tariffs=result.tariffs,
        warnings=result.warnings,
        reconciliation=run.reconciliation,
    )
    info["bill_lines"] = [p.name for p in lines]
    return Report(
        "差别化电价与污水处理费(环保信用评价)",
        (
            Table("by_district", "按地区", BY_DISTRICT, districts, totals=True),
            Table("by_rating", "按信用等级", BY_RATING, ratings, totals=True),
            Table("by_month", "按月份", BY_MONTH, months, totals=True),
            Table("top_enterprises", "重点企业", TOP, _top(result)),
            Table("lines_location", "明细文件", WHERE, _where(run, lines)),
            _rejected(run.rejected),
            tariffs_table(result.tariffs),
        ),
        info,
    )


def _group(g: object) -> dict[str, object]:
    return {k: v for k, v in asdict(g).items() if k in ("enterprises", *(c.key for c in MONEY))}  # type: ignore[call-overload]


def _top(result: SurchargeResult) -> list[dict[str, object]]:
    table = result.by_enterprise
    order = pc.sort_indices(table, [("total", "descending"), ("enterprise", "ascending")])
    top = table.take(order[:TOP_ENTERPRISES]).to_pylist()
    texts = result.explain([str(row["enterprise"]) for row in top])
    return [row | {"rank": i + 1, "explanation": texts[str(row["enterprise"])]} for i, row in enumerate(top)]


def _where(run: SurchargeRun, lines: Sequence[Path]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {
            "item": "账单明细(每张账单一行)",
            "value": ", ".join(str(p) for p in lines) or "未写出(用 -o 明细.parquet)",
        },
        {"item": "明细行数", "value": f"{len(run.result.kept):,}"},
        {"item": "说明", "value": "工作簿只含汇总；Excel 每表最多 1,048,576 行，全部账单行见上述文件"},
    ]
    rows += [{"item": "警告", "value": w} for w in run.result.warnings]
    return rows


def _rejected(issues: Sequence[LedgerIssue]) -> Table:
    table = rejected_table(issues[:MAX_SHEET_ROWS])
    if len(issues) <= MAX_SHEET_ROWS:
        return table
    note = {"source": "", "line": None, "column": "", "value": "", "code": "truncated"}
    note["message"] = f"{len(issues) - MAX_SHEET_ROWS:,} more rejected rows: see the JSON output"
    return Table(table.key, table.zh, table.columns, [*table.rows, note])


# --- files -------------------------------------------------------------------------------------


def write_outputs(
    run: SurchargeRun, outputs: Sequence[Path], *, progress: Progress | None = None
) -> list[Path]:
    """Write each output by its suffix; an .xlsx without a lines file gets <stem>.lines.parquet beside."""
    for path in outputs:
        if path.suffix.lower() not in OUTPUT_SUFFIXES:
            raise UsageError(f"cannot write {path.name}: use one of {', '.join(OUTPUT_SUFFIXES)}")
        if not path.parent.is_dir():
            raise UsageError(f"cannot write {path}: folder {path.parent} does not exist; create it first")
    lines = [p for p in outputs if p.suffix.lower() in (".parquet", ".csv")]
    if not lines and any(p.suffix.lower() == ".xlsx" for p in outputs):
        xlsx = next(p for p in outputs if p.suffix.lower() == ".xlsx")
        lines = [xlsx.with_name(f"{xlsx.stem}.lines.parquet")]
    written: list[Path] = []
    for path in lines:
        written.append(write_lines(run.result, path, progress=progress))
    report = surcharge_report(run, lines)
    for path in outputs:
        if path.suffix.lower() == ".xlsx":
            written += write_report(report, path)
        elif path.suffix.lower() == ".json":
            written.append(_atomic(path, surcharge_json(run, report.manifest)))
    return written


def write_lines(
    result: SurchargeResult, path: Path, *, batch: int = CHUNK, progress: Progress | None = None
) -> Path:
    """Every bill line to .parquet or .csv (UTF-8 with BOM), in batches, moved into place when done."""
    import pyarrow.csv as pacsv  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    csv = path.suffix.lower() == ".csv"
    try:
        with temp.open("wb") as handle:
            writer = None
            if csv:
                handle.write(b"\xef\xbb\xbf")
            done = 0
            for lines in result.line_batches(batch):
                lines = _guarded(lines) if csv else lines
                if writer is None:
                    writer = (
                        pacsv.CSVWriter(handle, lines.schema)
                        if csv
                        else pq.ParquetWriter(handle, lines.schema)
                    )
                writer.write_batch(lines) if csv else writer.write_batch(lines, row_group_size=batch)
                done += lines.num_rows
                if progress is not None:
                    progress("write", done, len(result.kept))
            if writer is not None:
                writer.close()
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def _guarded(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Text that Excel would run as a formula (= + - @) gets a leading apostrophe, as in report CSVs."""
    columns = []
    for column in batch.columns:
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        if pa.types.is_string(column.type):
            risky = pc.fill_null(pc.match_substring_regex(column, r"^[=+\-@]"), False)
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def surcharge_json(run: SurchargeRun, info: object) -> bytes:
    """The summary document: summary, by_enterprise, by_district, by_month, by_rating, rejected, manifest."""
    result = run.result
    table = result.by_enterprise
    money = [c.key for c in MONEY]
    texts = {k: pc.cast(table.column(k), pa.string()).to_pylist() for k in money}
    enterprises = [
        {"enterprise": name, "bills": bills} | {k: texts[k][i] for k in money}
        for i, (name, bills) in enumerate(
            zip(table.column("enterprise").to_pylist(), table.column("bills").to_pylist(), strict=True)
        )
    ]
    document = {
        "summary": asdict(result.totals),
        "by_enterprise": enterprises,
        "by_district": [asdict(g) | {"district": g.name, "district_code": g.key} for g in result.by_district],
        "by_month": [asdict(g) | {"month": g.key} for g in result.by_month],
        "by_rating": [asdict(r) for r in result.by_rating],
        "rejected": [asdict(i) for i in run.rejected],
        "manifest": info,
    }
    for rows in (document["by_district"], document["by_month"]):
        for row in rows:  # type: ignore[attr-defined]
            row.pop("key")
            row.pop("name")
    # no indent: only then does the json module use its C encoder (a run may have 10^5-10^6 enterprises)
    return json.dumps(document, ensure_ascii=False, default=_json_default).encode("utf-8")


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _atomic(path: Path, data: bytes) -> Path:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path
