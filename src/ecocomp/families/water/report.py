"""The report of a water-compensation run: 汇总, 分月汇总, 明细, 分担明细, 资金平衡, 不计算记录,
then the tail every family shares (剔除记录, 费率表, 运行信息).

Every line says what it rests on (依据等级: the weakest evidence among the tariff values and
rules it used, and which of them are not verified); every row of money in a summary carries the
mark of the lines it is made of, and 汇总 names the uncertain values under it (`summary_table`).
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from ecocomp.codes import BASIN_ZH, DIRECTION_ZH, FACTOR_ZH, PROVINCE
from ecocomp.families.base import Run
from ecocomp.families.run import family_report, summary_table
from ecocomp.families.water.compute import WaterResult
from ecocomp.families.water.rules import plain
from ecocomp.months import month_zh
from ecocomp.reports.model import Column, Report, Table, never_empty
from ecocomp.tariffs.evidence import EVIDENCE_COLUMNS, Basis

__all__ = ["LINES", "SUMMARY", "water_report"]

ZERO = Decimal("0.00")
EVIDENCE = EVIDENCE_COLUMNS[0]  # the mark alone, on summaries whose rows are many lines


SUMMARY = never_empty(
    (
        Column("district", "地区", "text"),
        Column("district_code", "地区代码", "text"),
        Column("paid", "支付(元)", "money", total=True),
        Column("received", "收到(元)", "money", total=True),
        Column("net", "净额(元，收到−支付)", "money", total=True),
        *EVIDENCE_COLUMNS,
    )
)
MONTHLY = never_empty(
    (
        Column("district", "地区", "text"),
        Column("district_code", "地区代码", "text"),
        Column("month", "月份", "month"),
        *SUMMARY[2:5],
        EVIDENCE,
    )
)
LINES = never_empty(
    (
        Column("section", "断面编号", "text"),
        Column("section_name", "断面名称", "text"),
        Column("month", "月份", "month"),
        Column("factor", "因子代码", "text"),
        Column("factor_name", "因子", "text"),
        Column("basin", "流域", "text"),
        Column("concentration", "监测浓度(mg/L)", "decimal", scale=4),
        Column("target", "目标浓度(mg/L)", "decimal", scale=4),
        Column("target_basis", "目标依据", "text"),
        Column("excess", "超标量(mg/L)", "decimal", scale=4),
        Column("multiple", "超标倍数", "decimal", scale=4),
        Column("flow", "水量(万m³)", "decimal", scale=4),
        Column("load_t", "超标负荷(吨)", "decimal", scale=10),
        Column("method", "核算方法", "text"),
        Column("standard", "补偿标准(元/吨或档额)", "decimal", scale=6),
        Column("band_above", "档位(倍数 >)", "decimal", scale=6),
        Column("direction", "方向", "text"),
        Column("amount", "金额(元)", "money", total=True),
        Column("kept", "省级留存(元)", "money", total=True),  # a city-scheme line: the city's (市级留存)
        Column("payer", "付款方", "text"),
        Column("payer_code", "付款方代码", "text"),
        Column("via", "经由", "text"),
        Column("via_code", "经由代码", "text"),
        Column("receiver", "收款方", "text"),
        Column("receiver_code", "收款方代码", "text"),
        *EVIDENCE_COLUMNS,
        Column("tariff_id", "费率表", "text"),
        Column("line", "监测台账行号", "int"),
        Column("substituted", "缺测替代", "text"),
        Column("explanation", "说明", "text"),
    ),
    "standard",
    "band_above",
    "line",
)
SHARES = never_empty(
    (
        Column("section", "断面编号", "text"),
        Column("month", "月份", "month"),
        Column("factor", "因子代码", "text"),
        Column("district", "地区", "text"),
        Column("district_code", "地区代码", "text"),
        Column("role", "支付/收到", "text"),
        Column("share", "分担系数", "ratio"),
        Column("amount", "金额(元)", "money", total=True),
        EVIDENCE,
    )
)
CONTROL = (
    Column("item", "项目", "text"),
    Column("amount", "金额(元)", "money"),
    EVIDENCE,
)
EXCLUDED = never_empty(
    (
        Column("line", "监测台账行号", "int"),
        Column("section", "断面编号", "text"),
        Column("month", "月份", "month"),
        Column("factor", "因子代码", "text"),
        Column("concentration", "监测浓度(mg/L)", "decimal", scale=4),
        Column("reason", "不计算原因", "text"),
    )
)


def water_report(run: Run[WaterResult]) -> Report:
    """The report tables of a water-compensation run, with its manifest."""
    result = run.result
    columns: dict[Basis, dict[str, str]] = {}  # lines share their bases: each text made once
    lines = [
        _fields(vars(line))
        | (columns.get(line.basis) or columns.setdefault(line.basis, line.basis.columns()))
        | {
            "month": f"{line.month:%Y-%m}",
            "factor_name": FACTOR_ZH[line.factor],
            "basin": BASIN_ZH[line.basin],
        }
        | {"direction": _direction(line.direction, line.payer_code, line.via_code)}
        | {k: plain(getattr(line, k)) for k in ("concentration", "target", "excess", "multiple", "flow")}
        for line in result.lines
    ]
    shares = [_marked(vars(s)) | {"month": f"{s.month:%Y-%m}"} for s in result.shares]
    monthly = [_marked(vars(m)) | {"month": f"{m.month:%Y-%m}"} for m in result.monthly]
    summary = [_fields(vars(d)) | d.basis.columns() for d in result.districts]
    everything = Basis.union(line.basis for line in result.lines)
    excluded = [
        asdict(x) | {"month": f"{x.month:%Y-%m}", "concentration": plain(x.concentration)}
        for x in result.excluded
    ]
    title = f"水环境区域补偿 {month_zh(result.start)}至{month_zh(result.end)}"
    tables = (
        summary_table(SUMMARY, summary, everything, "district_code"),
        Table("monthly", "分月汇总", MONTHLY, monthly, totals=True),
        Table("lines", "明细", LINES, lines, totals=True),
        Table("shares", "分担明细", SHARES, shares, totals=True),
        Table("control", "资金平衡", CONTROL, _control(result, everything)),
        Table("excluded", "不计算记录", EXCLUDED, excluded),
    )
    return family_report(run, title, tables)


def _control(result: WaterResult, everything: Basis) -> list[dict[str, object]]:
    """资金平衡: what the districts pay in and get back, and each treasury's own flows and balance
    (the province's; with city-scheme sections, each city's too, and their sum). A sum over the
    districts rests on every line (`everything`), a treasury's own flows on its row's lines."""
    province = result.province
    got, gave = (province.received, province.paid) if province else (ZERO, ZERO)
    own = province.basis if province else result.passed(PROVINCE)
    if not result.cities:
        return _rows(
            ("地区付款合计（付至省财政）", result.paid, everything),
            ("地区收款合计（省财政拨付）", result.received, everything),
            ("省财政收到（留存份额、无省内下游断面）", got, own),
            ("省财政支付（省付或无省内下游断面的达标补偿）", gave, own),
            ("省财政结余（地区付款 − 地区收款）", result.kept, everything),
        )
    control = [
        ("地区付款合计（付至省、市财政）", result.paid, everything),
        ("地区收款合计（省、市财政拨付）", result.received, everything),
        ("省财政收到（留存份额、无省内下游断面）", got, own),
        ("省财政支付（省付或无省内下游断面的达标补偿）", gave, own),
        ("省财政结余", got - gave, own),
    ]
    for city in result.cities:
        control += [
            (f"{city.district}财政收到（留存份额、无市内下游断面）", city.received, city.basis),
            (f"{city.district}财政支付（市付或无市内下游断面的达标补偿）", city.paid, city.basis),
            (f"{city.district}财政结余", city.net, city.basis),
        ]
    control.append(("省、市财政结余合计（地区付款 − 地区收款）", result.kept, everything))
    return _rows(*control)


def _rows(*items: tuple[str, Decimal, Basis]) -> list[dict[str, object]]:
    return [{"item": item, "amount": amount, "evidence": basis.evidence} for item, amount, basis in items]


def _fields(record: dict[str, object]) -> dict[str, object]:
    """A record's fields as report values (its basis becomes the evidence columns instead)."""
    return {k: v for k, v in record.items() if k != "basis"}


def _marked(record: dict[str, object]) -> dict[str, object]:
    """A record's fields as report values, its basis as the evidence mark alone."""
    basis = record["basis"]
    assert isinstance(basis, Basis)
    return _fields(record) | {"evidence": basis.evidence}


def _direction(direction: str, payer: str, via: str) -> str:
    """The direction's name; the reverse amount paid by the treasury itself (the province's, or
    a city's under its own scheme) says so."""
    if direction == "downstream_pays" and payer == via:
        return "省付上游" if payer == PROVINCE else "市付上游"
    return DIRECTION_ZH[direction]
