"""Pollutant-linked fund (与污染物排放总量挂钩财政政策): fund, return/reward and net per payer.

References (POLICY.md, family A): 苏政发〔2016〕158号 (2016, 2017), 苏政发〔2019〕2号 (2018-2020),
苏政发〔2022〕31号 (2021-); municipal pass-through tables such as 连云港 (2016-2017) and
淮政发〔2022〕13号 (淮安, 2021-).

    line_ip   = round_fen(billing_quantity(i, p) × rate(class(i)))    # × k_i if k applies per line
    basic_i   = Σ_p line_ip                                            # 基础统筹金额
    fund_i    = round_fen(k_i × basic_i)  (k applies to the payer's total; k = 1 before 2021)
    billing_quantity = tonnes, or tonnes × 10 where the table bills per 100 kg (TP)
    return_i  = round_fen(fund_i × task_ratio_i)      # 减排任务返还 (158号)
    reward_i  = round_fen(fund_i × reward_ratio_i)    # 质量奖励 (achieved indicators)
    capped so that return_i + reward_i <= round_fen(fund_i × cap): the reward is cut first
    net_i     = fund_i − return_i − reward_i

Which pollutants are billed, the rates, the coefficient (and whether it applies per line or
to the total, and its rounding), the task list, the return, reward and cap all come from the
tariff version in force for the assessment year; this module only does the arithmetic.
Emission ledgers hold one row per payer and pollutant (hundreds of rows), so lines are
computed as exact `Decimal` values one by one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

import pandas as pd
from moneyed import Money

from ecocomp.codes import POLLUTANT_ZH, REGION_ZH, UNIT_ZH, amount_text, number_text
from ecocomp.errors import LedgerIssue
from ecocomp.families.fund.rules import (
    Coefficient,
    Ratio,
    carbon_coefficients,
    jurisdiction_for,
    quality_reward,
    task_return,
)
from ecocomp.families.fund.tables import FundTable
from ecocomp.money import Rounding, exact_context, to_money, total
from ecocomp.places import PlaceInfo
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.evidence import Basis, basis_of, place_basis
from ecocomp.tariffs.files import Tariff, provisional_warnings

__all__ = ["ExcludedRow", "FundLine", "FundResult", "PayerFund", "compute_fund"]

Level = Literal["province", "city"]
TONNES_PER: Mapping[str, Decimal] = {"t": Decimal(1), "kg": Decimal("0.001"), "100kg": Decimal("0.1")}


@dataclass(frozen=True)
class FundLine:
    """One billed pollutant of one payer."""

    line: int
    payer_code: str
    payer: str
    year: int
    pollutant: str
    quantity: Decimal
    unit: str
    billing_quantity: Decimal
    billing_unit: str
    rate: Decimal
    coefficient: Coefficient
    amount: Decimal
    tariff_id: str
    explanation: str
    basis: Basis = field(default_factory=Basis)  # the table values and rules the line used


@dataclass(frozen=True)
class ExcludedRow:
    """An emissions row the version does not bill, with the reason (kept, never dropped)."""

    line: int
    payer_code: str
    payer: str
    year: int
    pollutant: str
    quantity: Decimal
    unit: str
    reason: str


@dataclass(frozen=True)
class PayerFund:
    """A payer's fund; its reduction-task return and its quality reward, each with its ratio and
    basis (tasks met/missed, indicators met/missed); and the net it pays."""

    payer_code: str
    payer: str
    year: int
    region: str
    tariff_id: str
    basic_fund: Decimal  # Σ of the payer's rounded lines (基础统筹金额)
    coefficient: Decimal  # k as displayed (1 when none; already in the lines when per line)
    fund: Decimal
    return_ratio: Decimal
    return_amount: Decimal
    tasks_met: tuple[str, ...]
    tasks_missed: tuple[str, ...]
    return_basis: str
    reward_ratio: Decimal
    reward_amount: Decimal
    indicators_met: tuple[str, ...]
    indicators_missed: tuple[str, ...]
    reward_basis: str
    net: Decimal
    explanation: str
    basis: Basis = field(default_factory=Basis)  # its lines' and its return, reward and cap rules

    def money(self) -> dict[str, Money]:
        """fund, return, reward and net as py-moneyed `Money` (CNY) for the public API edge."""
        return _money(self.fund, self.return_amount, self.reward_amount, self.net)


@dataclass(frozen=True)
class FundResult:
    """Everything one run computed, plus the rows it could not use."""

    year: int
    level: Level
    lines: tuple[FundLine, ...]
    excluded: tuple[ExcludedRow, ...]
    payers: tuple[PayerFund, ...]
    rejected: tuple[LedgerIssue, ...]
    tariffs: tuple[Tariff, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def fund(self) -> Decimal:
        return total(p.fund for p in self.payers)

    @property
    def return_amount(self) -> Decimal:
        return total(p.return_amount for p in self.payers)

    @property
    def reward_amount(self) -> Decimal:
        return total(p.reward_amount for p in self.payers)

    @property
    def net(self) -> Decimal:
        return total(p.net for p in self.payers)

    def money(self) -> dict[str, Money]:
        """The totals over payers as py-moneyed `Money` (CNY)."""
        return _money(self.fund, self.return_amount, self.reward_amount, self.net)


def _money(fund: Decimal, returned: Decimal, reward: Decimal, net: Decimal) -> dict[str, Money]:
    return {
        "fund": to_money(fund),
        "return": to_money(returned),
        "reward": to_money(reward),
        "net": to_money(net),
    }


def compute_fund(
    emissions: pd.DataFrame,
    *,
    year: int,
    book: TariffBook,
    indicators: pd.DataFrame | None = None,
    carbon: pd.DataFrame | None = None,
    level: Level = "province",
    sources: Mapping[str, str] | None = None,
) -> FundResult:
    """The fund of every payer in `emissions` for assessment `year` (frames as `read_ledger` gives).

    Rows of other years are excluded with the reason; a payer whose table, indicators or CO2
    data are missing has its rows rejected with a reason, never computed on a guess.
    """
    names = dict(sources or {})
    rows = _rows(emissions)
    other_year = [r for r in rows if r["year"] != year]
    excluded = [_excluded(r, book, f"assessment year {r['year']}, not {year}") for r in other_year]
    rejected: list[LedgerIssue] = []
    lines: list[FundLine] = []
    payers: list[PayerFund] = []
    used: dict[str, Tariff] = {}
    by_payer: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        if row["year"] == year:
            by_payer.setdefault(str(row["payer"]), []).append(row)
    coefficients = carbon_coefficients(carbon, year, book, names.get("carbon", "carbon"))
    for code in sorted(by_payer):
        payer = book.places.get(code)
        outcome = _payer_fund(payer, by_payer[code], year, level, book, indicators, coefficients, names)
        if isinstance(outcome, list):
            rejected += outcome
            continue
        tariff, payer_lines, payer_excluded, summary = outcome
        used[tariff.id] = tariff
        lines += payer_lines
        excluded += payer_excluded
        payers.append(summary)
    tariffs = tuple(used[k] for k in sorted(used))
    warnings = provisional_warnings(tariffs)
    if rows and len(other_year) == len(rows):
        warnings += (
            f"no row of the emissions ledger is for assessment year {year}; all {len(rows)} excluded",
        )
    return FundResult(
        year, level, tuple(lines), tuple(excluded), tuple(payers), tuple(rejected), tariffs, warnings
    )


def _rows(emissions: pd.DataFrame) -> list[dict[str, object]]:
    """The ledger rows as plain records (Arrow decimals become `Decimal`)."""
    wanted = ["line", "year", "payer", "pollutant", "quantity", "unit"]
    return [dict(zip(wanted, values, strict=True)) for values in emissions[wanted].itertuples(index=False)]


@dataclass(frozen=True)
class _Terms:
    """What one payer's lines are computed with: its table, rate, region class and k (as the
    table rounds it), and whether k applies per line or to the payer's total."""

    payer: PlaceInfo
    year: int
    tariff: Tariff
    table: FundTable
    rate: Decimal
    region: str
    coefficient: Coefficient
    per_line: bool
    basis: Basis  # what every line of the payer rests on, its pollutant's entry aside

    @property
    def line_coefficient(self) -> Coefficient:
        return self.coefficient if self.per_line else Coefficient.one()

    @property
    def rounding(self) -> Rounding:
        return Rounding(self.tariff.header.rounding.quantum, self.tariff.header.rounding.mode)


def _payer_fund(
    payer: PlaceInfo,
    rows: Sequence[dict[str, object]],
    year: int,
    level: Level,
    book: TariffBook,
    indicators: pd.DataFrame | None,
    coefficients: Mapping[str, Coefficient | str],
    names: Mapping[str, str],
) -> tuple[Tariff, list[FundLine], list[ExcludedRow], PayerFund] | list[LedgerIssue]:
    source = names.get("emissions", "emissions")
    terms = _terms(payer, year, level, book, coefficients)
    if isinstance(terms, tuple):
        return _reject(rows, source, *terms)
    table, tariff = terms.table, terms.tariff
    billed = [r for r in rows if _billed(table, str(r["pollutant"]), payer)]
    excluded = [
        _excluded(r, book, _why_not_billed(table, tariff, str(r["pollutant"])))
        for r in rows
        if r not in billed
    ]
    lines = [_line(r, terms) for r in billed]
    basic = total(line.amount for line in lines)
    basis = Basis.union([terms.basis, *(line.basis for line in lines)])
    basis |= basis_of(tariff, "return_rule", "reward_rule", "cap")
    where = names.get("indicators", "indicators")
    returned = task_return(table, tariff, payer, year, indicators, where)
    if isinstance(returned, str):
        return _reject(rows, source, "missing_indicator", returned)
    reward = quality_reward(table, tariff, payer, year, indicators, where)
    if isinstance(reward, str):
        return _reject(rows, source, "missing_indicator", reward)
    return tariff, lines, excluded, replace(_summary(terms, basic, returned, reward), basis=basis)


def _terms(
    payer: PlaceInfo, year: int, level: Level, book: TariffBook, coefficients: Mapping[str, Coefficient | str]
) -> _Terms | tuple[str, str]:
    """The payer's table, rate and k; or (reason code, message) when one cannot be had."""
    found = jurisdiction_for(payer, level, year, book)
    if isinstance(found, str):
        return "no_tariff", found
    tariff, table = found
    rate, region = _rate(table, payer)
    if rate is None:
        return "no_rate", f"{payer.name} has no region class for {tariff.id}"
    adjustment = table.adjustment
    basis = basis_of(tariff, f"rates.{region}", "adjustment") | place_basis(book.tariffs, payer.code)
    if adjustment.kind.value == "none":
        return _Terms(payer, year, tariff, table, rate, region, Coefficient.one(), False, basis)
    coefficient = coefficients.get(payer.code)
    if not isinstance(coefficient, Coefficient):
        missing = f"no CO2 intensity for {payer.name} in {year} (carbon ledger); {tariff.id} needs it"
        return "missing_carbon", coefficient or missing
    assert adjustment.applies_to and adjustment.coefficient_rounding  # the model requires them
    k = coefficient.rounded(adjustment.coefficient_rounding.value)
    return _Terms(payer, year, tariff, table, rate, region, k, adjustment.applies_to.value == "line", basis)


def _rate(table: FundTable, payer: PlaceInfo) -> tuple[Decimal | None, str]:
    if "flat" in table.rates:
        return table.rates["flat"].value, "flat"
    if payer.region is None or payer.region not in table.rates:
        return None, ""
    return table.rates[payer.region].value, payer.region


def _billed(table: FundTable, pollutant: str, payer: PlaceInfo) -> bool:
    spec = table.pollutants.get(pollutant)
    return spec is not None and (spec.scope.value == "all" or payer.in_taihu_basin)


def _why_not_billed(table: FundTable, tariff: Tariff, pollutant: str) -> str:
    doc = tariff.header.document
    if pollutant in table.pollutants:
        return f"{POLLUTANT_ZH[pollutant]} is billed only for Taihu-basin payers under {doc}"
    return f"{POLLUTANT_ZH[pollutant]} is not billed under {doc} ({tariff.validity_label()})"


def _line(row: Mapping[str, object], terms: _Terms) -> FundLine:
    """round(quantity in billing units x rate), times k when the table applies k per line."""
    pollutant, unit = str(row["pollutant"]), str(row["unit"])
    quantity = Decimal(str(row["quantity"]))
    billing_unit = terms.table.pollutants[pollutant].billing_unit.value
    with exact_context():
        billing_quantity = quantity * TONNES_PER[unit] / TONNES_PER[billing_unit]
    amount = terms.rounding.apply(terms.line_coefficient.times(billing_quantity * terms.rate))
    payer = terms.payer
    line = FundLine(
        int(str(row["line"])), payer.code, payer.name, terms.year, pollutant, quantity, unit,
        billing_quantity.normalize(), billing_unit, terms.rate, terms.line_coefficient, amount,
        terms.tariff.id, "",
    )  # fmt: skip
    basis = terms.basis | basis_of(terms.tariff, f"pollutants.{pollutant}")
    return replace(line, explanation=_line_text(line, terms), basis=basis)


def _line_text(line: FundLine, terms: _Terms) -> str:
    """E.g. 昆山市 2018年度 化学需氧量 10,000 吨 × 2,000 元/吨（苏南，苏政发〔2019〕2号）= 20,000,000.00 元"""
    quantity = f"{number_text(line.quantity)} {UNIT_ZH[line.unit]}"
    if line.unit != line.billing_unit:
        quantity += f" = {number_text(line.billing_quantity)} {UNIT_ZH[line.billing_unit]}"
    k = f" × 调节系数 {line.coefficient.text}" if line.coefficient.text else ""
    document = terms.tariff.header.document
    basis = document if terms.region == "flat" else f"{REGION_ZH[terms.region]}，{document}"
    return (
        f"{line.payer} {line.year}年度 {POLLUTANT_ZH[line.pollutant]} {quantity} × {number_text(line.rate)} "
        f"元/{UNIT_ZH[line.billing_unit]}{k}（{basis}）= {amount_text(line.amount)} 元"
    )


def _summary(terms: _Terms, basic: Decimal, returned: Ratio, reward: Ratio) -> PayerFund:
    """fund = round(k x basic) when k applies to the total; return and reward rounded each, the
    reward cut so that both together stay within round(fund x cap); net = fund - both, exactly."""
    payer, year, region, tariff, rounding = (
        terms.payer,
        terms.year,
        terms.region,
        terms.tariff,
        terms.rounding,
    )
    per_total = not terms.per_line and terms.coefficient.text != ""
    fund = rounding.apply(terms.coefficient.times(basic)) if per_total else basic
    cap = terms.table.cap.value
    ceiling = rounding.apply(fund * cap)
    return_amount = min(rounding.apply(fund * returned.value), ceiling)
    full_reward = rounding.apply(fund * reward.value)
    reward_amount = min(full_reward, ceiling - return_amount)
    reward_basis = _basis(reward, "达标", "未达标")
    if reward_amount < full_reward:
        reward_basis += (
            f"；返还与奖励合计以统筹资金的 {number_text(cap * 100)}% 为限，"
            f"奖励由 {amount_text(full_reward)} 元减为 {amount_text(reward_amount)} 元"
        )
    net = fund - return_amount - reward_amount
    k = f" × 调节系数 {terms.coefficient.text} = {amount_text(fund)} 元" if per_total else ""
    text = (
        f"{payer.name} {year}年度 统筹资金 {amount_text(basic)} 元{k}；"
        f"返还 {amount_text(return_amount)} 元（{_basis(returned, '完成', '未完成')}）；"
        f"奖励 {amount_text(reward_amount)} 元（{reward_basis}）；"
        f"净上缴 {amount_text(net)} 元（{tariff.header.document}）"
    )
    return PayerFund(
        payer.code,
        payer.name,
        year,
        REGION_ZH.get(region, "统一费率"),
        tariff.id,
        basic,
        terms.coefficient.display(),
        fund,
        returned.value,
        return_amount,
        returned.met,
        returned.missed,
        _basis(returned, "完成", "未完成"),
        reward.value,
        reward_amount,
        reward.met,
        reward.missed,
        reward_basis,
        net,
        text,
    )


def _basis(ratio: Ratio, met: str, missed: str) -> str:
    """The rule with its arithmetic and what was met and missed, e.g. for 汇总 and explanations."""
    if not (ratio.met or ratio.missed or ratio.unassessed):
        return ratio.rule
    parts = [
        ratio.rule,
        f"{met}：{'、'.join(ratio.met) or '无'}",
        f"{missed}：{'、'.join(ratio.missed) or '无'}",
    ]
    if ratio.unassessed:
        parts.append(f"未考核（奖励比例为0）：{'、'.join(ratio.unassessed)}")
    return "；".join(parts)


def _excluded(row: Mapping[str, object], book: TariffBook, reason: str) -> ExcludedRow:
    payer = book.places.get(str(row["payer"]))
    return ExcludedRow(
        int(str(row["line"])),
        payer.code,
        payer.name,
        int(str(row["year"])),
        str(row["pollutant"]),
        Decimal(str(row["quantity"])),
        str(row["unit"]),
        reason,
    )


def _reject(rows: Sequence[Mapping[str, object]], source: str, code: str, reason: str) -> list[LedgerIssue]:
    return [LedgerIssue(source, int(str(r["line"])), "payer", str(r["payer"]), code, reason) for r in rows]
