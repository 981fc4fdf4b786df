"""Rules of the pollutant-linked fund that need more than one table: which version applies to
a payer, its CO2 coefficient (苏政发〔2022〕31号: k = payer CO2 intensity ÷ provincial average),
and its return/reward ratio (158号: 40 % − 5 points per missed reduction task, floored;
2019〕2号 and 2022〕31号: a share of the fund per quality indicator met).

Missing data is never read as "not met": each function returns the reason as text instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ecocomp.codes import INDICATOR_ZH, PROVINCE, number_text
from ecocomp.errors import TariffLookupError
from ecocomp.families.fund.tables import FundTable
from ecocomp.money import exact_context
from ecocomp.places import PlaceInfo
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.files import Tariff

__all__ = ["Coefficient", "Ratio", "carbon_coefficients", "jurisdiction_for", "return_ratio"]

#: Indicators where a smaller actual value is the better one (a concentration).
LOWER_IS_BETTER = frozenset({"pm25"})


@dataclass(frozen=True)
class Coefficient:
    """k = numerator ÷ denominator, kept as a fraction so amounts stay exact until rounded."""

    numerator: Decimal
    denominator: Decimal
    text: str  # how it was formed, for explanations ("" when k = 1)

    @classmethod
    def one(cls) -> Coefficient:
        return cls(Decimal(1), Decimal(1), "")

    def times(self, value: Decimal) -> Decimal:
        """value × k, exact to 60 significant digits (rounding happens on the line amount)."""
        with exact_context():
            return value * self.numerator / self.denominator

    def display(self) -> Decimal:
        """k to ten decimal places, for tables (the amount uses the exact fraction)."""
        return self.times(Decimal(1)).quantize(Decimal("1e-10")).normalize()


@dataclass(frozen=True)
class Ratio:
    """A return/reward ratio with the indicators behind it (Chinese labels) and the rule's name."""

    value: Decimal
    met: tuple[str, ...]
    missed: tuple[str, ...]
    rule: str


def jurisdiction_for(
    payer: PlaceInfo, level: str, year: int, book: TariffBook
) -> tuple[Tariff, FundTable] | str:
    """The fund table for a payer: the province's, or its city's own pass-through table."""
    city = payer.code if payer.level == "city" else payer.parent
    jurisdiction = PROVINCE if level == "province" else city
    try:
        tariff = book.in_force("pollutant_fund", jurisdiction, year=year)
    except TariffLookupError as exc:
        return str(exc)
    assert isinstance(tariff.model, FundTable)
    return tariff, tariff.model


def carbon_coefficients(
    carbon: pd.DataFrame | None, year: int, book: TariffBook, source: str
) -> dict[str, Coefficient | str]:
    """k per payer code for `year`: the ledger's ratio, or intensity ÷ the province's row."""
    if carbon is None:
        return {}
    rows = carbon[carbon["year"] == year]
    province = rows[rows["payer"] == PROVINCE]["co2_intensity"].dropna()
    average = Decimal(str(province.iloc[0])) if len(province) else None
    out: dict[str, Coefficient | str] = {}
    for code, intensity, ratio in zip(rows["payer"], rows["co2_intensity"], rows["ratio"], strict=True):
        if code == PROVINCE:
            continue
        if not pd.isna(ratio):
            out[code] = Coefficient(
                Decimal(str(ratio)), Decimal(1), f"{number_text(Decimal(str(ratio)))}（比值）"
            )
        elif average is None or average == 0:
            out[code] = f"{source} has no provincial average CO2 intensity (江苏省 row) for {year}"
        else:
            value = Decimal(str(intensity))
            out[code] = Coefficient(value, average, f"{number_text(value)} ÷ {number_text(average)}")
    return out


def return_ratio(
    table: FundTable,
    tariff: Tariff,
    payer: PlaceInfo,
    year: int,
    indicators: pd.DataFrame | None,
    source: str,
) -> Ratio | str:
    """The payer's ratio under the version's rule, or why it cannot be determined."""
    rule = table.return_rule
    if rule.kind == "reduction_tasks":
        billed = {p for p, spec in table.pollutants.items() if spec.scope == "all" or payer.in_taihu_basin}
        wanted = [f"reduction_{p}" for p in rule.tasks if p in billed]
    else:
        wanted = list(rule.indicators)
    outcome = _outcomes(indicators, payer.code, year, wanted)
    missing = [code for code in wanted if code not in outcome]
    if missing:
        names = ", ".join(f"{c} ({INDICATOR_ZH.get(c, c)})" for c in missing)
        where = source if indicators is not None else "no indicators ledger was given (--indicators)"
        return f"{where}: no result for {payer.name} {year} of {names}; {tariff.header.document} needs them"
    met = tuple(INDICATOR_ZH[c] for c in wanted if outcome[c])
    missed = tuple(INDICATOR_ZH[c] for c in wanted if not outcome[c])
    if rule.kind == "reduction_tasks":
        assert rule.base and rule.step_per_missed_task and rule.floor
        value = max(rule.floor.value, rule.base.value - rule.step_per_missed_task.value * len(missed))
        base, step = number_text(rule.base.value * 100), number_text(rule.step_per_missed_task.value * 100)
        return Ratio(value, met, missed, f"返还（{base}%，每未完成一项减{step}个百分点）")
    value = sum((rule.indicators[c].value for c in wanted if outcome[c]), Decimal(0))
    return Ratio(value, met, missed, "奖励（按达标指标）")


def _outcomes(
    indicators: pd.DataFrame | None, payer: str, year: int, wanted: list[str]
) -> Mapping[str, bool]:
    """indicator -> met, from the `met` column or from target and actual."""
    if indicators is None:
        return {}
    rows = indicators[(indicators["payer"] == payer) & (indicators["year"] == year)]
    out: dict[str, bool] = {}
    for code, met, target, actual in zip(
        rows["indicator"], rows["met"], rows["target"], rows["actual"], strict=True
    ):
        if code not in wanted:
            continue
        if not pd.isna(met):
            out[code] = bool(met)
        elif not (pd.isna(target) or pd.isna(actual)):
            t, a = Decimal(str(target)), Decimal(str(actual))
            out[code] = a <= t if code in LOWER_IS_BETTER else a >= t
    return out
