"""A water-compensation run from files to report: read and check the ledgers, compute, and lay the
result out as the tables of a report (汇总, 分月汇总, 明细, 分担明细, 资金平衡, 不计算记录,
剔除记录, 费率表, 运行信息).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from ecocomp.errors import LedgerIssue
from ecocomp.families.water.compute import WaterResult, compute_water
from ecocomp.families.water.monitoring import month_text
from ecocomp.families.water.rules import BASIN_ZH, FACTOR_ZH, plain
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

__all__ = ["WaterRun", "run_water", "water_report"]

DIRECTION_ZH = {"upstream_pays": "上游付下游", "downstream_pays": "下游付上游", "none": "不发生支付"}


@dataclass(frozen=True)
class WaterRun:
    """A finished run: the result, the inputs as read, and every rejected row or missing cell."""

    result: WaterResult
    inputs: tuple[InputFile, ...]
    rejected: tuple[LedgerIssue, ...]
    parameters: dict[str, object]

    @property
    def reconciliation(self) -> dict[str, int]:
        """Monitoring rows read = computed + excluded + rejected (by the ledger check or the rules)."""
        monitoring = next(i for i in self.inputs if i.role == "monitoring")
        by_rules = {i.line for i in self.result.rejected if i.source == monitoring.name}
        return {
            "monitoring_rows_read": monitoring.rows_read,
            "computed": sum(1 for line in self.result.lines if line.line is not None),
            "excluded": len(self.result.excluded),
            "rejected_by_ledger_check": monitoring.rows_rejected,
            "rejected_by_rules": len(by_rules),
            "substituted_cells": sum(1 for line in self.result.lines if line.line is None),
        }


def run_water(
    sections: Path,
    monitoring: Path,
    *,
    start: date,
    end: date,
    book: TariffBook,
    shares: Path | None = None,
    skip_invalid: bool = False,
) -> WaterRun:
    """Read, check and compute. Strict by default: any problem raises `LedgerValidationError`."""
    ledgers = {
        "sections": read_ledger("sections", sections, places=book.places),
        "monitoring": read_ledger("monitoring", monitoring, places=book.places),
    }
    if shares is not None:
        ledgers["section_shares"] = read_ledger("section_shares", shares, places=book.places)
    stop_if_invalid([i for led in ledgers.values() for i in led.issues], skip_invalid)
    result = compute_water(
        ledgers["sections"].frame,
        ledgers["monitoring"].frame,
        start=start,
        end=end,
        book=book,
        shares=frame_of(ledgers.get("section_shares")),
        sources={role: led.source for role, led in ledgers.items()},
    )
    stop_if_invalid(result.rejected, skip_invalid)
    rejected = tuple(i for led in ledgers.values() for i in led.issues) + result.rejected
    parameters: dict[str, object] = {
        "from": f"{start:%Y-%m}",
        "to": f"{end:%Y-%m}",
        "skip_invalid": skip_invalid,
    }
    run = WaterRun(result, tuple(input_file(r, led) for r, led in ledgers.items()), rejected, parameters)
    _check(run)
    return run


def _check(run: WaterRun) -> None:
    """Rows reconcile and money balances; a failure is a bug, never a report to hand out."""
    counts = run.reconciliation
    parts = sum(counts[k] for k in ("computed", "excluded", "rejected_by_ledger_check", "rejected_by_rules"))
    if parts != counts["monitoring_rows_read"]:
        raise AssertionError(f"monitoring rows do not reconcile: {counts}")
    result = run.result
    if result.kept != 0 or sum((d.net for d in result.districts), Decimal(0)) != -result.kept:
        raise AssertionError(f"money does not balance: paid {result.paid}, received {result.received}")


SUMMARY = (
    Column("district", "地区", "text"),
    Column("district_code", "地区代码", "text"),
    Column("paid", "支付(元)", "money", total=True),
    Column("received", "收到(元)", "money", total=True),
    Column("net", "净额(元，收到−支付)", "money", total=True),
)
MONTHLY = (
    Column("district", "地区", "text"),
    Column("district_code", "地区代码", "text"),
    Column("month", "月份", "text"),
    *SUMMARY[2:],
)
LINES = (
    Column("section", "断面编号", "text"),
    Column("section_name", "断面名称", "text"),
    Column("month", "月份", "text"),
    Column("factor", "因子代码", "text"),
    Column("factor_name", "因子", "text"),
    Column("basin", "流域", "text"),
    Column("concentration", "监测浓度(mg/L)", "decimal"),
    Column("target", "目标浓度(mg/L)", "decimal"),
    Column("target_basis", "目标依据", "text"),
    Column("excess", "超标量(mg/L)", "decimal"),
    Column("multiple", "超标倍数", "decimal"),
    Column("flow", "水量(万m³)", "decimal"),
    Column("load_t", "超标负荷(吨)", "decimal"),
    Column("method", "核算方法", "text"),
    Column("standard", "补偿标准(元/吨或档额)", "decimal"),
    Column("band_above", "档位(倍数 >)", "decimal"),
    Column("direction", "方向", "text"),
    Column("amount", "金额(元)", "money", total=True),
    Column("payer", "付款方", "text"),
    Column("payer_code", "付款方代码", "text"),
    Column("via", "经由", "text"),
    Column("receiver", "收款方", "text"),
    Column("receiver_code", "收款方代码", "text"),
    Column("tariff_id", "费率表", "text"),
    Column("line", "监测台账行号", "int"),
    Column("substituted", "缺测替代", "text"),
    Column("explanation", "说明", "text"),
)
SHARES = (
    Column("section", "断面编号", "text"),
    Column("month", "月份", "text"),
    Column("factor", "因子代码", "text"),
    Column("district", "地区", "text"),
    Column("district_code", "地区代码", "text"),
    Column("role", "支付/收到", "text"),
    Column("share", "分担系数", "ratio"),
    Column("amount", "金额(元)", "money", total=True),
)
CONTROL = (
    Column("item", "项目", "text"),
    Column("amount", "金额(元)", "money"),
)
EXCLUDED = (
    Column("line", "监测台账行号", "int"),
    Column("section", "断面编号", "text"),
    Column("month", "月份", "text"),
    Column("factor", "因子代码", "text"),
    Column("concentration", "监测浓度(mg/L)", "decimal"),
    Column("reason", "不计算原因", "text"),
)


def water_report(run: WaterRun) -> Report:
    """The report tables of a water-compensation run, with its manifest."""
    result = run.result
    lines = [
        dict(vars(line))
        | {
            "month": f"{line.month:%Y-%m}",
            "factor_name": FACTOR_ZH[line.factor],
            "basin": BASIN_ZH[line.basin],
        }
        | {"direction": DIRECTION_ZH[line.direction]}
        | {k: plain(getattr(line, k)) for k in ("concentration", "target", "excess", "multiple", "flow")}
        for line in result.lines
    ]
    shares = [dict(vars(s)) | {"month": f"{s.month:%Y-%m}"} for s in result.shares]
    monthly = [dict(vars(m)) | {"month": f"{m.month:%Y-%m}"} for m in result.monthly]
    excluded = [
        asdict(x) | {"month": f"{x.month:%Y-%m}", "concentration": plain(x.concentration)}
        for x in result.excluded
    ]
    control = [
        {"item": "上游/下游付款合计（付至省财政）", "amount": result.paid},
        {"item": "收款合计（省财政拨付）", "amount": result.received},
        {"item": "省级留存", "amount": result.kept},
    ]
    info = manifest(
        command="water",
        parameters=run.parameters,
        inputs=run.inputs,
        tariffs=result.tariffs,
        warnings=result.warnings,
        reconciliation=run.reconciliation,
    )
    title = f"水环境区域补偿 {month_text(result.start)}至{month_text(result.end)}"
    return Report(
        title,
        (
            Table("summary", "汇总", SUMMARY, [dict(vars(d)) for d in result.districts], totals=True),
            Table("monthly", "分月汇总", MONTHLY, monthly, totals=True),
            Table("lines", "明细", LINES, lines, totals=True),
            Table("shares", "分担明细", SHARES, shares, totals=True),
            Table("control", "资金平衡", CONTROL, control),
            Table("excluded", "不计算记录", EXCLUDED, excluded),
            rejected_table(run.rejected),
            tariffs_table(result.tariffs),
        ),
        info,
    )
