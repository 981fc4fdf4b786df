"""The report of a pollutant-linked fund run: 汇总, 明细, 不计费记录, then the tail every family
shares (剔除记录, 费率表, 运行信息). 汇总 shows the reduction-task return and the quality reward
side by side, each with its ratio, what was met and missed, and its arithmetic.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from decimal import Decimal

from ecocomp.codes import POLLUTANT_ZH
from ecocomp.families.base import Run
from ecocomp.families.fund.compute import FundLine, FundResult, PayerFund
from ecocomp.families.run import family_report, summary_table
from ecocomp.reports.model import Column, Report, Table, never_empty
from ecocomp.tariffs.evidence import EVIDENCE_COLUMNS, Basis

__all__ = ["EXCLUDED", "LINES", "SUMMARY", "fund_report"]


SUMMARY = never_empty(
    (
        Column("payer", "缴费主体", "text"),
        Column("payer_code", "地区代码", "text"),
        Column("year", "年度", "int"),
        Column("region", "区域", "text"),
        Column("basic_fund", "基础统筹金额(元)", "money", total=True),
        Column("coefficient", "调节系数", "decimal", scale=10),
        Column("fund", "统筹资金(元)", "money", total=True),
        Column("return_ratio", "返还比例", "ratio"),
        Column("return_amount", "返还(元)", "money", total=True),
        Column("tasks_met", "完成减排任务", "text"),
        Column("tasks_missed", "未完成减排任务", "text"),
        Column("return_basis", "返还依据", "text"),
        Column("reward_ratio", "奖励比例", "ratio"),
        Column("reward_amount", "奖励(元)", "money", total=True),
        Column("indicators_met", "达标指标", "text"),
        Column("indicators_missed", "未达标指标", "text"),
        Column("reward_basis", "奖励依据", "text"),
        Column("net", "净上缴(元)", "money", total=True),
        *EVIDENCE_COLUMNS,
        Column("tariff_id", "费率表", "text"),
        Column("explanation", "说明", "text"),
    ),
    "tasks_met",
    "tasks_missed",
    "indicators_met",
    "indicators_missed",
)
LINES = never_empty(
    (
        Column("line", "台账行号", "int"),
        Column("payer", "缴费主体", "text"),
        Column("payer_code", "地区代码", "text"),
        Column("year", "年度", "int"),
        Column("pollutant", "污染物代码", "text"),
        Column("pollutant_name", "污染物", "text"),
        Column("quantity", "排放量", "decimal", scale=6),
        Column("unit", "单位", "text"),
        Column("billing_quantity", "计费量", "decimal", scale=9),
        Column("billing_unit", "计费单位", "text"),
        Column("rate", "费率(元/计费单位)", "decimal", scale=6),
        Column("coefficient", "调节系数", "decimal", scale=10),
        Column("amount", "金额(元)", "money", total=True),
        *EVIDENCE_COLUMNS,
        Column("tariff_id", "费率表", "text"),
        Column("explanation", "说明", "text"),
    )
)
EXCLUDED = (
    *(c for c in LINES if c.key in ("line", "payer", "payer_code", "year", "pollutant", "quantity", "unit")),
    Column("reason", "不计费原因", "text"),
)


def fund_report(run: Run[FundResult]) -> Report:
    """The report tables of a fund run, with its manifest."""
    result = run.result
    lists = ("tasks_met", "tasks_missed", "indicators_met", "indicators_missed")
    summary = [
        _fields(p) | {k: "、".join(getattr(p, k)) for k in lists} | p.basis.columns() for p in result.payers
    ]
    lines = [
        _fields(line)
        | line.basis.columns()
        | {"pollutant_name": POLLUTANT_ZH[line.pollutant], "coefficient": line.coefficient.display()}
        | {"quantity": _plain(line.quantity), "billing_quantity": _plain(line.billing_quantity)}
        for line in result.lines
    ]
    basis = Basis.union(p.basis for p in result.payers)
    excluded = [asdict(x) | {"quantity": _plain(x.quantity)} for x in result.excluded]
    tables = (
        summary_table(SUMMARY, summary, basis, "payer_code"),
        Table("lines", "明细", LINES, lines, totals=True),
        Table("excluded", "不计费记录", EXCLUDED, excluded),
    )
    return family_report(run, f"污染物排放统筹资金 {result.year}年度", tables)


def _fields(record: FundLine | PayerFund) -> dict[str, object]:
    """The record's fields as report values (its basis becomes the evidence columns instead)."""
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name != "basis"}


def _plain(value: Decimal) -> Decimal:
    """A quantity without trailing zeros or an exponent: 10000.000000 -> 10000."""
    return Decimal(format(value.normalize(), "f"))
