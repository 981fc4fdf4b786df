"""The report of a pollutant-linked fund run: 汇总, 明细, 不计费记录, then the tail every family
shares (剔除记录, 费率表, 运行信息). 汇总 shows the reduction-task return and the quality reward
side by side, each with its ratio, what was met and missed, and its arithmetic.
"""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from decimal import Decimal

from ecocomp.codes import NAME_EN, POLLUTANT_ZH, REGION_EN, UNIT_ZH
from ecocomp.families.base import (
    MASS_PHRASES_EN,
    MONEY_PHRASES_EN,
    Run,
    in_languages,
    patterns,
    phrases,
    rendered,
)
from ecocomp.families.fund.compute import FundLine, FundResult, PayerFund
from ecocomp.families.run import family_report, summary_table
from ecocomp.reports.model import Column, Report, Table, never_empty
from ecocomp.tariffs.evidence import EVIDENCE_COLUMNS, Basis, evidence_notes

__all__ = ["EXCLUDED", "LINES", "PRINTED", "SUMMARY", "fund_report"]

UNITS = tuple(UNIT_ZH.items())
_NAMES = sorted(NAME_EN.items(), key=lambda item: -len(item[0]))  # longest first: 总氮 after 总氮减排任务
#: The fund's composed texts (lists, bases, explanations) in English; names and documents stay.
TEXT_EN = phrases(
    (
        *((f"{zh}减排任务", f"reduction of {en}") for zh, en in _NAMES),
        (
            r"减排任务返还（(\d+)%，每未完成一项减(\d+)个百分点）",
            r"reduction-task return (\1%, less \2 points per task missed)",
        ),
        (r"质量奖励（按达标指标）", "quality reward (per indicator met)"),
        (r"无减排任务返还", "no reduction-task return"),
        (r"无质量奖励", "no quality reward"),
        (r"，不低于 ([\d.]+%)", r", at least \1"),
        (r"（比值）", " (ratio)"),
        (r"未考核（奖励比例为0）", "not assessed (reward share 0)"),
        (r"；未完成：", "; missed: "),
        (r"；完成：", "; met: "),
        (r"；未达标：", "; not met: "),
        (r"；达标：", "; met: "),
        (r"(?<=: )无", "none"),
        (
            r"；返还与奖励合计以统筹资金的 ([\d.,]+)% 为限，奖励由 ([\d.,-]+) 元减为 ([\d.,-]+) 元",
            r"; return and reward together capped at \1% of the fund: reward cut from \2 yuan to \3 yuan",
        ),
        (r" (\d{4})年度 统筹资金 ", r" \1: fund "),
        (r" (\d{4})年度 ", r" \1: "),
        (r" × 调节系数 ", " × coefficient "),
        (r"；返还 ", "; return "),
        (r"；奖励 ", "; reward "),
        (r"；净上缴 ", "; net paid "),
        *((zh, en) for zh, en in REGION_EN.items()),
        *_NAMES,
        *MONEY_PHRASES_EN,
        *MASS_PHRASES_EN,
    )
)
#: A list of names (任务、指标) in English.
NAMES_EN = phrases(tuple((f"{zh}减排任务", f"reduction of {en}") for zh, en in _NAMES) + tuple(_NAMES))
#: 不计费原因 in English: the computation's text with its Chinese names translated.
EXCLUDED_EN = phrases(tuple(_NAMES))
#: The reasons of 不计费记录 in Chinese (the data keeps the computation's English text).
EXCLUDED_ZH = patterns(
    (
        (r"assessment year (\d+), not (\d+)", r"考核年度为 \1 年，不是 \2 年"),
        (r"(\S+) is billed only for Taihu-basin payers under (.+)", r"\2 只对太湖流域缴费主体计征\1"),
        (r"(\S+) is not billed under (.+) \((.+)\)", r"\2（\3）不计征\1"),
    )
)


SUMMARY = never_empty(
    (
        Column("payer", "缴费主体", "text"),
        Column("payer_code", "地区代码", "text"),
        Column("year", "年度", "int"),
        Column("region", "区域", "text", render=rendered(en=REGION_EN)),
        Column("basic_fund", "基础统筹金额(元)", "money", total=True),
        Column("coefficient", "调节系数", "decimal", scale=10),
        Column("fund", "统筹资金(元)", "money", total=True),
        Column("return_ratio", "返还比例", "ratio"),
        Column("return_amount", "返还(元)", "money", total=True),
        Column("tasks_met", "完成减排任务", "text", render=rendered(en=NAMES_EN)),
        Column("tasks_missed", "未完成减排任务", "text", render=rendered(en=NAMES_EN)),
        Column("return_basis", "返还依据", "text", render=rendered(en=TEXT_EN)),
        Column("reward_ratio", "奖励比例", "ratio"),
        Column("reward_amount", "奖励(元)", "money", total=True),
        Column("indicators_met", "达标指标", "text", render=rendered(en=NAMES_EN)),
        Column("indicators_missed", "未达标指标", "text", render=rendered(en=NAMES_EN)),
        Column("reward_basis", "奖励依据", "text", render=rendered(en=TEXT_EN)),
        Column("net", "净上缴(元)", "money", total=True),
        *EVIDENCE_COLUMNS,
        Column("tariff_id", "费率表", "text"),
        Column("explanation", "说明", "text", render=rendered(en=TEXT_EN)),
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
        Column("pollutant_name", "污染物", "text", render=rendered(en=NAME_EN)),
        Column("quantity", "排放量", "decimal", scale=6),
        Column("unit", "单位", "text", labels=UNITS),
        Column("billing_quantity", "计费量", "decimal", scale=9),
        Column("billing_unit", "计费单位", "text", labels=UNITS),
        Column("rate", "费率(元/计费单位)", "decimal", scale=6),
        Column("coefficient", "调节系数", "decimal", scale=10),
        Column("amount", "金额(元)", "money", total=True),
        *EVIDENCE_COLUMNS,
        Column("tariff_id", "费率表", "text"),
        Column("explanation", "说明", "text", render=rendered(en=TEXT_EN)),
    )
)
EXCLUDED = (
    *(c for c in LINES if c.key in ("line", "payer", "payer_code", "year", "pollutant", "quantity", "unit")),
    Column("reason", "不计费原因", "text", render=rendered(zh=EXCLUDED_ZH, en=EXCLUDED_EN)),
)


#: What 汇总's printed page shows: the figures and the mark, not the long texts (任务、依据、说明).
PRINTED = (
    "payer",
    "payer_code",
    "region",
    "basic_fund",
    "coefficient",
    "fund",
    "return_ratio",
    "return_amount",
    "reward_ratio",
    "reward_amount",
    "net",
    "evidence",
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
    first = replace(
        summary_table(SUMMARY, summary, basis, "payer_code"),
        layout="summary",
        key_columns=2,
        print_columns=PRINTED,
    )
    tables = (
        in_languages(first, notes_en=evidence_notes(basis, "en")),
        Table("lines", "明细", LINES, lines, totals=True, layout="detail", key_columns=3),
        Table("excluded", "不计费记录", EXCLUDED, excluded, layout="detail", key_columns=3),
    )
    report = family_report(run, f"污染物排放统筹资金 {result.year}年度", tables)
    return replace(report, title_en=f"Pollutant-linked fund, {result.year}")


def _fields(record: FundLine | PayerFund) -> dict[str, object]:
    """The record's fields as report values (its basis becomes the evidence columns instead)."""
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name != "basis"}


def _plain(value: Decimal) -> Decimal:
    """A quantity without trailing zeros or an exponent: 10000.000000 -> 10000."""
    return Decimal(format(value.normalize(), "f"))
