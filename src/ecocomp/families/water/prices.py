"""The amount and direction of one cell, by the method of the water_compensation table in force.

References (POLICY.md, family B): load method of 苏政办发〔2013〕195号 and 苏环办〔2016〕341号
(超标量 × 水量 × 补偿标准, two-way), exceedance bands of 苏环办〔2021〕131号 (超标倍数);
compliance is judged per section (补偿断面水质达到水质目标时，由下游地区补偿上游地区, S52).

    excess = measured − target
    forward (excess > 0, upstream pays downstream):
      load:     amount = round(excess × flow(10⁴ m³) ÷ 100 × standard[basin][factor])
      banded:   the highest band whose `above` < excess ÷ target: its amount, or
                round(amount × (1 + excess ÷ target))
    reverse (only in a section-month that meets its target on every factor; `reverse_price`):
      rule "load": amount = round(|excess| × flow ÷ 100 × reverse.standards[basin][factor]),
      paid by the downstream side or the province as the table's reverse.payer says;
      rule "none": nothing.
    at target, or better than target in a section-month that failed a factor: nothing.

Rounding is the table's (`money.Rounding`); call inside a 60-digit decimal context.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, NamedTuple

from ecocomp.families.water.rules import Step, Version
from ecocomp.money.rounding import exact_context

__all__ = ["Direction", "Priced", "band_for", "nothing", "price", "reverse_price"]

Direction = Literal["upstream_pays", "downstream_pays", "none"]


class Priced(NamedTuple):
    """The amount of one cell and what it was computed from."""

    direction: Direction
    amount: Decimal
    standard: Decimal | None = None  # load: yuan per tonne; banded: the band's amount
    band_above: Decimal | None = None
    base: Decimal | None = None  # base_times_one_plus_multiple: the band amount before × (1 + multiple)
    reason: str = ""  # direction "none": why no reverse payment (empty: the table sets none)


_NOTHING = Priced("none", Decimal("0.00"))


def nothing(reason: str = "") -> Priced:
    """No payment, and why (a section-month that failed a factor or could not be judged)."""
    return Priced("none", Decimal("0.00"), reason=reason) if reason else _NOTHING


def price(
    version: Version, basin: str, factor: str, measured: Decimal, target: Decimal, flow: Decimal
) -> Priced | str:
    """What the upstream side pays for one cell worse than its target (nothing at or better than
    target); a reason (str) if the table cannot price it."""
    excess = measured - target
    if excess <= 0:
        return _NOTHING
    direction: Direction = "upstream_pays"
    if version.method == "load":
        std = version.standards.get((basin, factor))
        if std is None:
            return f"{version.tariff_id} has no standard for basin {basin} and factor {factor}"
        with exact_context():  # the product at the ledgers' maxima needs more than 28 digits
            return Priced(direction, version.rounding.apply(excess * flow / 100 * std), std)
    band = band_for(version, basin, factor, excess / target)
    if isinstance(band, str):
        return band
    if band is None:
        return Priced(direction, Decimal("0.00"))
    if version.band_amount == "fixed":
        return Priced(direction, band.rounded, band.amount, band.above)
    with exact_context():
        amount = version.rounding.apply(band.amount * (1 + excess / target))
    return Priced(direction, amount, band.amount, band.above, band.amount)


def reverse_price(
    version: Version, basin: str, factor: str, measured: Decimal, target: Decimal, flow: Decimal
) -> Priced | str:
    """What one factor of a fully compliant section-month earns the upstream side, by the table's
    own reverse rule and standards (never the forward ones); a reason (str) if it cannot."""
    shortfall = target - measured
    if shortfall <= 0 or version.reverse_rule == "none":
        return _NOTHING
    std = version.reverse_standards.get((basin, factor))
    if std is None:
        return f"{version.tariff_id} has no reverse standard for basin {basin} and factor {factor}"
    with exact_context():
        return Priced("downstream_pays", version.rounding.apply(shortfall * flow / 100 * std), std)


def band_for(version: Version, basin: str, factor: str, multiple: Decimal) -> Step | str | None:
    """The highest band whose `above` is strictly below `multiple`; None if no band applies;
    a reason (str) if the table has no bands for this basin and factor."""
    bands = version.bands.get((basin, factor))
    if not bands:
        return f"no bands for basin {basin} and factor {factor} (nor default) in the table"
    for step in bands:
        if step.above < multiple:
            return step
    return None
