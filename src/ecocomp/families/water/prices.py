"""The amount and direction of one cell, by the method of the water_compensation table in force.

References (POLICY.md, family B): load method of 苏政办发〔2013〕195号 and 苏环办〔2016〕341号
(超标量 × 水量 × 补偿标准, two-way), exceedance bands of 苏环办〔2021〕131号 (超标倍数).

    excess = measured − target
    load:     amount = round(|excess| × flow(10⁴ m³) ÷ 100 × standard[basin][factor])
    banded:   the highest band whose `above` < |excess| ÷ target: its amount, or
              round(amount × (1 + |excess| ÷ target))
    worse than target: upstream pays downstream; better: downstream pays upstream only when the
    table's reverse_rule is "mirror" (same formula on the shortfall); at target: nothing.

Rounding is the table's (`money.Rounding`); call inside a 60-digit decimal context.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, NamedTuple

from ecocomp.families.water.rules import Step, Version

__all__ = ["Direction", "Priced", "band_for", "price"]

Direction = Literal["upstream_pays", "downstream_pays", "none"]


class Priced(NamedTuple):
    """The amount of one cell and what it was computed from."""

    direction: Direction
    amount: Decimal
    standard: Decimal | None = None  # load: yuan per tonne; banded: the band's amount
    band_above: Decimal | None = None
    base: Decimal | None = None  # base_times_one_plus_multiple: the band amount before × (1 + multiple)


_NOTHING = Priced("none", Decimal("0.00"))


def price(
    version: Version, basin: str, factor: str, measured: Decimal, target: Decimal, flow: Decimal
) -> Priced | str:
    """Who pays and how much for one cell; a reason (str) if the table cannot price it."""
    excess = measured - target
    if excess == 0 or (excess < 0 and version.table.reverse_rule == "none"):
        return _NOTHING
    direction: Direction = "upstream_pays" if excess > 0 else "downstream_pays"
    if version.table.method == "load":
        std = version.standards.get((basin, factor))
        if std is None:
            return f"{version.tariff_id} has no standard for basin {basin} and factor {factor}"
        return Priced(direction, version.rounding.apply(abs(excess) * flow / 100 * std), std)
    band = band_for(version, basin, factor, abs(excess) / target)
    if isinstance(band, str):
        return band
    if band is None:
        return Priced(direction, Decimal("0.00"))
    if version.table.band_amount == "fixed":
        return Priced(direction, band.rounded, band.amount, band.above)
    amount = version.rounding.apply(band.amount * (1 + abs(excess) / target))
    return Priced(direction, amount, band.amount, band.above, band.amount)


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
