"""Rules of the pollutant-linked fund that need more than one table: which version applies to
a payer, its CO2 coefficient (苏政发〔2022〕31号: k = payer CO2 intensity ÷ provincial average),
its reduction-task return ratio (158号: 40 % − 5 points per missed task, floored; the tasks
are the table's tagged task list) and its quality-reward ratio (a share of the fund per
indicator met: 2019〕2号, 2022〕31号; zero shares where a reward existed but its terms were not
found).

Missing data is never read as "not met": each function returns the reason as text instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ecocomp.codes import INDICATOR_ZH, POLLUTANT_ZH, PROVINCE, number_text
from ecocomp.errors import TariffLookupError
from ecocomp.families.fund.tables import FundTable
from ecocomp.money import Rounding, exact_context
from ecocomp.places import PlaceInfo
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.files import Tariff

__all__ = [
    "Coefficient",
    "Ratio",
    "carbon_coefficients",
    "jurisdiction_for",
    "quality_reward",
    "task_return",
]

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

    def rounded(self, places: int | str) -> Coefficient:
        """k as the table rounds it: `exact` keeps the fraction; n rounds k half up to n places."""
        if places == "exact" or self.text == "":
            return self
        value = Rounding(Decimal(1).scaleb(-int(places)), "half_up").apply(self.times(Decimal(1)))
        return Coefficient(value, Decimal(1), f"{self.text} ≈ {number_text(value)}")

    def display(self) -> Decimal:
        """k to ten decimal places, for tables (the amount uses the exact fraction)."""
        return self.times(Decimal(1)).quantize(Decimal("1e-10")).normalize()


@dataclass(frozen=True)
class Ratio:
    """A return or reward ratio with the tasks or indicators behind it (Chinese labels) and its rule."""

    value: Decimal
    met: tuple[str, ...]
    missed: tuple[str, ...]
    rule: str  # the rule and its arithmetic, e.g. "减排任务返还（40%，…）：40% − 1 × 5% = 35%"
    unassessed: tuple[str, ...]  # zero-share indicators without a result


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


def task_return(
    table: FundTable,
    tariff: Tariff,
    payer: PlaceInfo,
    year: int,
    indicators: pd.DataFrame | None,
    source: str,
) -> Ratio | str:
    """The reduction-task return ratio (158号): base − step × tasks missed, not below the floor.

    The tasks are the table's `return_rule.tasks` (a tagged rule): a `taihu` task counts only
    for a Taihu-basin payer. Every task needs its reduction_<pollutant> result."""
    rule = table.return_rule
    if rule.kind.value == "none":
        return Ratio(Decimal(0), (), (), "无减排任务返还", ())
    assert rule.base and rule.step_per_missed_task and rule.floor and rule.tasks
    tasks = rule.tasks.value
    wanted = [f"reduction_{p}" for p, scope in tasks.items() if scope == "all" or payer.in_taihu_basin]
    outcome = _outcomes(indicators, payer.code, year, wanted)
    problem = _missing(wanted, outcome, indicators, source, payer, year, tariff)
    if problem:
        return problem
    label = {f"reduction_{p}": f"{POLLUTANT_ZH[p]}减排任务" for p in tasks}
    met = tuple(label[c] for c in wanted if outcome[c])
    missed = tuple(label[c] for c in wanted if not outcome[c])
    value = max(rule.floor.value, rule.base.value - rule.step_per_missed_task.value * len(missed))
    base, step = _percent(rule.base.value), _percent(rule.step_per_missed_task.value)
    text = f"减排任务返还（{base}，每未完成一项减{step[:-1]}个百分点）：{base} − {len(missed)} × {step}"
    if value == rule.floor.value and value > rule.base.value - rule.step_per_missed_task.value * len(missed):
        text += f"，不低于 {_percent(rule.floor.value)}"
    return Ratio(value, met, missed, f"{text} = {_percent(value)}", ())


def quality_reward(
    table: FundTable,
    tariff: Tariff,
    payer: PlaceInfo,
    year: int,
    indicators: pd.DataFrame | None,
    source: str,
) -> Ratio | str:
    """The quality-reward ratio: the sum of the shares of the indicators met.

    An indicator with a zero share (a reward known to exist, its share not found) needs no
    result: without one it is listed as not assessed and earns nothing either way."""
    rule = table.reward_rule
    if rule.kind.value == "none":
        return Ratio(Decimal(0), (), (), "无质量奖励", ())
    codes = list(rule.indicators)
    outcome = _outcomes(indicators, payer.code, year, codes)
    needed = [c for c in codes if rule.indicators[c].value > 0]
    problem = _missing(needed, outcome, indicators, source, payer, year, tariff)
    if problem:
        return problem
    met = tuple(INDICATOR_ZH[c] for c in codes if outcome.get(c) is True)
    missed = tuple(INDICATOR_ZH[c] for c in codes if outcome.get(c) is False)
    unassessed = tuple(INDICATOR_ZH[c] for c in codes if c not in outcome)
    earned = [c for c in codes if outcome.get(c) is True]
    value = sum((rule.indicators[c].value for c in earned), Decimal(0))
    terms = " + ".join(_percent(rule.indicators[c].value) for c in earned) or "0%"
    return Ratio(value, met, missed, f"质量奖励（按达标指标）：{terms} = {_percent(value)}", unassessed)


def _missing(
    wanted: list[str],
    outcome: Mapping[str, bool],
    indicators: pd.DataFrame | None,
    source: str,
    payer: PlaceInfo,
    year: int,
    tariff: Tariff,
) -> str:
    missing = [code for code in wanted if code not in outcome]
    if not missing:
        return ""
    names = ", ".join(f"{c} ({INDICATOR_ZH.get(c, c)})" for c in missing)
    where = source if indicators is not None else "no indicators ledger was given (--indicators)"
    return f"{where}: no result for {payer.name} {year} of {names}; {tariff.header.document} needs them"


def _percent(ratio: Decimal) -> str:
    return f"{number_text(ratio * 100)}%"


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
