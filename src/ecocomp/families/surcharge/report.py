"""A credit-rated surcharge run from files to report tables: read and check the bills and ratings
ledgers, compute (`compute`), lay the summaries out as report tables (按地区, 按信用等级,
按月份, 重点企业, 明细文件, 剔除记录, 费率表, 运行信息).

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01),
《江苏省企业环保信用评价暂行办法》 (2019 score bands).

Bill lines never go through the in-memory report tables: a run may have ten million of them. The
workbook holds the summaries only and names the file with the full lines (Excel stops at 1,048,576
rows); `files` writes the lines, the JSON and every output file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from ecocomp.errors import LedgerIssue
from ecocomp.families.surcharge.compute import GroupTotal, SurchargeResult, compute_surcharge
from ecocomp.families.surcharge.explain import COLOUR_ZH
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.reports.manifest import (
    InputFile,
    input_file,
    manifest,
    rejected_table,
    stop_if_invalid,
    tariffs_table,
)
from ecocomp.reports.model import Column, Report, Table
from ecocomp.tariffs.book import TariffBook

__all__ = ["MONEY", "Progress", "SurchargeRun", "run_surcharge", "surcharge_report"]

#: A progress callback: phase ("compute", "write"), units done, units in all.
Progress = Callable[[str, int, int], None]
TOP_ENTERPRISES = 200
MAX_SHEET_ROWS = 1_048_576 - 10  # Excel's limit, less a header, a title and a totals row
RATING_ZH = COLOUR_ZH | {"red_repeat": "红色(连续两次，按黑色计)", "unrated": "未评价(不加价)"}


@dataclass(frozen=True)
class SurchargeRun:
    """A finished run: the result, the inputs as read, every rejected row, the parameters."""

    result: SurchargeResult
    inputs: tuple[InputFile, ...]
    rejected: tuple[LedgerIssue, ...]
    parameters: dict[str, object]
    outside_period: int = 0  # bills of months outside the run's period: not charged in this run

    @property
    def reconciliation(self) -> dict[str, int]:
        """Bill rows read = charged + outside the period + rejected by the ledger check or the rules."""
        bills, ratings = self.inputs
        charged = len(self.result.kept)
        return {
            "bills_rows_read": bills.rows_read,
            "charged": charged,
            "outside_period": self.outside_period,
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
    period: tuple[date, date] | None = None,
) -> SurchargeRun:
    """Read, check and compute the bills of `period` (first and last month; None: every bill).
    Strict by default: any problem raises `LedgerValidationError`."""
    ledgers = {
        "bills": read_ledger("bills", bills, places=book.places),
        "ratings": read_ledger("ratings", ratings, places=book.places),
    }
    read_issues = [i for led in ledgers.values() for i in led.issues]
    stop_if_invalid(read_issues, skip_invalid)
    bills_frame, outside = _within(ledgers["bills"].frame, period)
    result = compute_surcharge(
        bills_frame,
        ledgers["ratings"].frame,
        book=book,
        sources={role: led.source for role, led in ledgers.items()},
        progress=None if progress is None else lambda done, total: progress("compute", done, total),
    )
    stop_if_invalid(result.rejected, skip_invalid)
    inputs = tuple(input_file(role, led) for role, led in ledgers.items())
    parameters: dict[str, object] = {"skip_invalid": skip_invalid}
    if period is not None:
        parameters |= {"from": period[0].isoformat()[:7], "to": period[1].isoformat()[:7]}
    run = SurchargeRun(result, inputs, tuple(read_issues) + result.rejected, parameters, outside)
    _check_reconciliation(run)
    return run


def _within(bills: pd.DataFrame, period: tuple[date, date] | None) -> tuple[pd.DataFrame, int]:
    """The bills of the period's months, and how many bills lie outside it."""
    if period is None:
        return bills, 0
    months = bills["month"]
    inside = ((months >= period[0]) & (months <= period[1])).fillna(False).astype(bool)
    return bills[inside.to_numpy()], int((~inside).sum())


def _check_reconciliation(run: SurchargeRun) -> None:
    counts = run.reconciliation
    parts = counts["charged"] + counts["outside_period"]
    parts += counts["rejected_by_ledger_check"] + counts["rejected_by_rules"]
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
    return Report(
        "差别化电价与污水处理费(环保信用评价)",
        (
            *_summary_tables(result),
            Table("top_enterprises", "重点企业", TOP, _top(result)),
            Table("lines_location", "明细文件", WHERE, _where(run, lines)),
            _rejected(run.rejected),
            tariffs_table(result.tariffs),
        ),
        _manifest(run, lines),
    )


def _summary_tables(result: SurchargeResult) -> tuple[Table, Table, Table]:
    """按地区, 按信用等级, 按月份, each with a totals row."""
    districts = [
        {"district": g.name, "district_code": g.key} | _group(g) | {"bills": g.bills}
        for g in result.by_district
    ]
    months = [{"month": g.key} | _group(g) | {"bills": g.bills} for g in result.by_month]
    ratings = [asdict(r) | {"rating_name": RATING_ZH[r.rating]} for r in result.by_rating]
    return (
        Table("by_district", "按地区", BY_DISTRICT, districts, totals=True),
        Table("by_rating", "按信用等级", BY_RATING, ratings, totals=True),
        Table("by_month", "按月份", BY_MONTH, months, totals=True),
    )


def _manifest(run: SurchargeRun, lines: Sequence[Path]) -> dict[str, object]:
    """The run info, with the names of the files holding the bill lines."""
    info = manifest(
        command="surcharge",
        parameters=run.parameters,
        inputs=run.inputs,
        tariffs=run.result.tariffs,
        warnings=run.result.warnings,
        reconciliation=run.reconciliation,
    )
    info["bill_lines"] = [p.name for p in lines]
    return info


def _group(g: GroupTotal) -> dict[str, object]:
    return {k: v for k, v in asdict(g).items() if k in ("enterprises", *(c.key for c in MONEY))}


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
