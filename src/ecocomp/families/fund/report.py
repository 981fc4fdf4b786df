"""A pollutant-linked fund run from files to report: read and check the ledgers, compute, and lay
the result out as the tables of a report (汇总, 明细, 不计费, 剔除记录, 费率表, 运行信息).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from ecocomp.codes import POLLUTANT_ZH
from ecocomp.errors import LedgerIssue
from ecocomp.families.fund.compute import FundResult, Level, compute_fund
from ecocomp.families.fund.rules import PROVINCE
from ecocomp.ledgers.ledger import read_ledger
from ecocomp.reports.manifest import (
    InputFile,
    frame_of,
    input_file,
    manifest,
    rejected_table,
    stop_if_invalid,
    tariffs_table,
)
from ecocomp.reports.model import Column, Report, Table
from ecocomp.tariffs.book import TariffBook

__all__ = ["FundRun", "fund_report", "run_fund"]


@dataclass(frozen=True)
class FundRun:
    """A finished run: the result, the inputs as read, and every rejected row."""

    result: FundResult
    inputs: tuple[InputFile, ...]
    rejected: tuple[LedgerIssue, ...]
    parameters: dict[str, object]

    @property
    def reconciliation(self) -> dict[str, int]:
        """Emission rows read = billed + excluded + rejected (by the ledger check or the rules)."""
        emissions = self.inputs[0]
        rejected_by_rules = len({(i.source, i.line) for i in self.result.rejected})
        return {
            "emissions_rows_read": emissions.rows_read,
            "billed": len(self.result.lines),
            "excluded": len(self.result.excluded),
            "rejected_by_ledger_check": emissions.rows_rejected,
            "rejected_by_rules": rejected_by_rules,
        }


def run_fund(
    emissions: Path,
    *,
    year: int,
    book: TariffBook,
    indicators: Path | None = None,
    carbon: Path | None = None,
    level: Level = "province",
    skip_invalid: bool = False,
) -> FundRun:
    """Read, check and compute. Strict by default: any problem raises `LedgerValidationError`."""
    if level == "province":
        book.in_force("pollutant_fund", PROVINCE, year=year)  # no table for the year: stop before reading
    ledgers = {"emissions": read_ledger("emissions", emissions, places=book.places)}
    for role, path in (("indicators", indicators), ("carbon", carbon)):
        if path is not None:
            ledgers[role] = read_ledger(role, path, places=book.places)
    stop_if_invalid([i for led in ledgers.values() for i in led.issues], skip_invalid)
    result = compute_fund(
        ledgers["emissions"].frame,
        year=year,
        book=book,
        indicators=frame_of(ledgers.get("indicators")),
        carbon=frame_of(ledgers.get("carbon")),
        level=level,
        sources={role: led.source for role, led in ledgers.items()},
    )
    stop_if_invalid(result.rejected, skip_invalid)
    rejected = tuple(i for led in ledgers.values() for i in led.issues) + result.rejected
    parameters: dict[str, object] = {"year": year, "level": level, "skip_invalid": skip_invalid}
    run = FundRun(result, tuple(input_file(r, led) for r, led in ledgers.items()), rejected, parameters)
    _check_reconciliation(run)
    return run


def _check_reconciliation(run: FundRun) -> None:
    counts = run.reconciliation
    parts = (
        counts["billed"]
        + counts["excluded"]
        + counts["rejected_by_ledger_check"]
        + counts["rejected_by_rules"]
    )
    if parts != counts["emissions_rows_read"]:  # a bug, not bad data: never hand out such a report
        raise AssertionError(f"emission rows do not reconcile: {counts}")


SUMMARY = (
    Column("payer", "缴费主体", "text"),
    Column("payer_code", "地区代码", "text"),
    Column("year", "年度", "int"),
    Column("region", "区域", "text"),
    Column("fund", "统筹资金(元)", "money", total=True),
    Column("return_ratio", "返还/奖励比例", "ratio"),
    Column("return_amount", "返还/奖励(元)", "money", total=True),
    Column("net", "净上缴(元)", "money", total=True),
    Column("met", "达标指标", "text"),
    Column("missed", "未达标指标", "text"),
    Column("tariff_id", "费率表", "text"),
    Column("explanation", "说明", "text"),
)
LINES = (
    Column("line", "台账行号", "int"),
    Column("payer", "缴费主体", "text"),
    Column("payer_code", "地区代码", "text"),
    Column("year", "年度", "int"),
    Column("pollutant", "污染物代码", "text"),
    Column("pollutant_name", "污染物", "text"),
    Column("quantity", "排放量", "decimal"),
    Column("unit", "单位", "text"),
    Column("billing_quantity", "计费量", "decimal"),
    Column("billing_unit", "计费单位", "text"),
    Column("rate", "费率(元/计费单位)", "decimal"),
    Column("coefficient", "调节系数", "decimal"),
    Column("amount", "金额(元)", "money", total=True),
    Column("tariff_id", "费率表", "text"),
    Column("explanation", "说明", "text"),
)
EXCLUDED = (
    *(c for c in LINES if c.key in ("line", "payer", "payer_code", "year", "pollutant", "quantity", "unit")),
    Column("reason", "不计费原因", "text"),
)


def fund_report(run: FundRun) -> Report:
    """The report tables of a fund run, with its manifest."""
    result = run.result
    summary = [asdict(p) | {"met": "、".join(p.met), "missed": "、".join(p.missed)} for p in result.payers]
    lines = [
        asdict(line)
        | {"pollutant_name": POLLUTANT_ZH[line.pollutant], "coefficient": line.coefficient.display()}
        | {"quantity": _plain(line.quantity), "billing_quantity": _plain(line.billing_quantity)}
        for line in result.lines
    ]
    excluded = [asdict(x) | {"quantity": _plain(x.quantity)} for x in result.excluded]
    info = manifest(
        command="fund",
        parameters=run.parameters,
        inputs=run.inputs,
        tariffs=result.tariffs,
        warnings=result.warnings,
        reconciliation=run.reconciliation,
    )
    return Report(
        f"污染物排放统筹资金 {result.year}年度",
        (
            Table("summary", "汇总", SUMMARY, summary, totals=True),
            Table("lines", "明细", LINES, lines, totals=True),
            Table("excluded", "不计费记录", EXCLUDED, excluded),
            rejected_table(run.rejected),
            tariffs_table(result.tariffs),
        ),
        info,
    )


def _plain(value: Decimal) -> Decimal:
    """A quantity without trailing zeros or an exponent: 10000.000000 -> 10000."""
    return Decimal(format(value.normalize(), "f"))
