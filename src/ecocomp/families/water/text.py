"""The explanation (说明) of one water-compensation line, in the words of the policy texts.

References (POLICY.md, family B): the load formula of 苏政办发〔2013〕195号 and 苏环办〔2016〕341号
(超标量 × 水量 × 补偿标准), the exceedance bands of 苏环办〔2021〕131号 (超标倍数), and the
payment through the province (经省财政) both texts prescribe. Every line says how its amount
arose, from which table, and who pays whom.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from ecocomp.codes import BASIN_ZH, PROVINCE, amount_text, number_text
from ecocomp.families.water.prices import Priced
from ecocomp.families.water.rules import Section, Shares, Version
from ecocomp.places import Places

__all__ = ["Cell", "Parties", "Party", "concentration_text", "line_text", "number"]

number = functools.lru_cache(maxsize=8192)(number_text)  # flows and standards repeat line after line
Party = tuple[str, str]  # (display name, code or codes)


def concentration_text(value: Decimal) -> str:
    """A concentration with at least two decimals and no trailing zeros beyond: 0.30, 0.025, 6.00."""
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.rstrip('0'):0<2}"


@functools.lru_cache(maxsize=64)
def _basis(basin: str, document: str) -> str:
    return f"（{BASIN_ZH[basin]}，{document}）"


class Parties:
    """Places by their official names, and each section's two sides as lines show them."""

    def __init__(self, places: Places, shares: Shares) -> None:
        self.places, self.shares = places, shares
        self.names: dict[str, str] = {}
        self.sides: dict[tuple[str, str | None], Party] = {}

    def name(self, code: str) -> str:
        """A place's official name (the code itself if the places table does not know it)."""
        if code not in self.names:
            place = self.places.find(code)
            self.names[code] = code if place is None else place.name
        return self.names[code]

    def side(self, section: Section, factor: str | None) -> Party:
        """The upstream side (districts with their shares of `factor`, if any), or for factor None
        the downstream side."""
        key = (section.code, factor)
        if key not in self.sides:
            if factor is None:
                self.sides[key] = self.name(section.downstream), section.downstream
            else:
                self.sides[key] = self._shared(section.upstream, self.shares.get((section.code, factor)))
        return self.sides[key]

    def _shared(self, code: str, shares: Mapping[str, Decimal] | None) -> Party:
        if not shares:
            return self.name(code), code
        parts = sorted(shares)
        shown = "、".join(f"{self.name(d)} {number(shares[d] * 100)}%" for d in parts)
        return shown, "、".join(parts)


class Cell(NamedTuple):
    """The numbers one line's explanation shows besides its amount."""

    head: str  # "京杭运河九里 2018年3月 总磷 ": section, month and factor
    basin: str
    measured: Decimal
    target: Decimal
    flow: Decimal
    excess: Decimal  # measured − target
    multiple: Decimal  # excess ÷ target, to 0.0001
    load: Decimal  # excess × flow ÷ 100, in tonnes
    notes: str  # the substitutions, if any


def line_text(
    cell: Cell,
    version: Version,
    priced: Priced,
    payer: Party,
    receiver: Party,
    kept: Decimal,
    treasury: Party = ("江苏省", PROVINCE),
) -> str:
    """E.g. 京杭运河九里 2018年3月 总磷 0.30 mg/L − 目标 0.20 mg/L = 0.10 mg/L × 5,000 万m³ ÷ 100 = 5 吨
    × 100,000 元/吨（太湖，苏环办〔2016〕341号）= 500,000.00 元，上游 丹阳市 经省财政 付 下游 …"""
    tail = f"（{cell.notes}）" if cell.notes else ""
    c, t = concentration_text(cell.measured), concentration_text(cell.target)
    if priced.direction == "none" and cell.excess <= 0:
        return f"{cell.head}{_compliant(c, t, cell.excess, version, priced.reason)}，金额 0.00 元{tail}"
    worse = priced.direction == "upstream_pays"
    g = concentration_text(abs(cell.excess))
    diff = f"{c} mg/L − 目标 {t} mg/L = {g} mg/L" if worse else f"目标 {t} mg/L − {c} mg/L = {g} mg/L"
    basis = _basis(cell.basin, version.document)
    if not worse:
        basis = f"（达标补偿标准，{basis[1:]}"
    if version.method == "load" or not worse:
        how = f"{diff}{_load(cell, priced, basis)}"
    else:
        how = (
            f"{diff}，{'超标倍数' if worse else '优于目标倍数'} {g} ÷ {t} = {number_text(abs(cell.multiple))}"
        )
        if priced.band_above is None:
            return f"{cell.head}{how}，未超过最低一档，金额 0.00 元{tail}"
        how += _band(priced, priced.band_above, abs(cell.multiple), basis)
    return f"{cell.head}{how}，{_who(worse, payer, receiver, kept, treasury)}{tail}"


@functools.lru_cache(maxsize=64)
def _treasury(treasury: Party) -> tuple[str, str]:
    """The treasury as the texts name it (省财政, 苏州市财政) and its level (省, 市)."""
    if treasury[1] == PROVINCE:
        return "省财政", "省"
    return f"{treasury[0]}财政", "市"


def _who(worse: bool, payer: Party, receiver: Party, kept: Decimal, treasury: Party) -> str:
    """Who pays whom: through the treasury (the province's, or the city's for a city-scheme
    section), or with the treasury itself as a party."""
    fiscal, level = _treasury(treasury)
    if not worse:
        if payer[1] == treasury[1]:
            return f"断面当月全部因子达标，{fiscal} 付 上游 {receiver[0]}"
        return f"断面当月全部因子达标，下游 {payer[0]} 经{fiscal} 付 上游 {receiver[0]}"
    if receiver[1] == treasury[1]:
        return f"上游 {payer[0]} 付 {fiscal}（断面无{level}内下游地区）"
    share = f"，其中{level}级留存 {amount_text(kept)} 元" if kept else ""
    return f"上游 {payer[0]} 经{fiscal} 付 下游 {receiver[0]}{share}"


def _compliant(c: str, t: str, excess: Decimal, version: Version, reason: str) -> str:
    if excess == 0:
        return f"{c} mg/L = 目标 {t} mg/L，恰好达标，{version.document} 下本因子不发生补偿"
    if reason:
        return f"{c} mg/L < 目标 {t} mg/L，本因子达标；{reason}（{version.document}）"
    return f"{c} mg/L < 目标 {t} mg/L，达标；{version.document} 不设下游补偿上游"


def _load(cell: Cell, priced: Priced, basis: str) -> str:
    """× flow ÷ 100 = load × standard (basin, document) = amount."""
    load, standard = number_text(abs(cell.load)), number(priced.standard or Decimal(0))
    amount = amount_text(priced.amount)
    return f" × {number(cell.flow)} 万m³ ÷ 100 = {load} 吨 × {standard} 元/吨{basis}= {amount} 元"


def _band(priced: Priced, above: Decimal, multiple: Decimal, basis: str) -> str:
    """The band that applies, and its fixed amount or the amount × (1 + multiple)."""
    if priced.base is None:
        return _fixed_band(priced, basis)
    band, base, amount = number(above), number(priced.base), amount_text(priced.amount)
    return f"，适用倍数 > {band} 档 {base} 元 × (1 + {number_text(multiple)}){basis}= {amount} 元"


@functools.lru_cache(maxsize=256)
def _fixed_band(priced: Priced, basis: str) -> str:
    above, fixed = number(priced.band_above or Decimal(0)), number(priced.standard or Decimal(0))
    return f"，适用倍数 > {above} 档定额 {fixed} 元{basis}= {amount_text(priced.amount)} 元"
