"""Checks of the fund's tariff tables beyond their shape, run on every load and by
`ecocomp tariffs check`: the indicator rewards of one table cannot exceed the fund itself."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ecocomp.errors import Finding
from ecocomp.families.fund.tables import FundTable
from ecocomp.places import Places
from ecocomp.tariffs.files import Tariff

__all__ = ["check_rewards"]


def check_rewards(tariffs: Sequence[Tariff], places: Places | None) -> list[Finding]:
    """The indicator rewards of a `pollutant_fund` table add up to at most 1 (100 % of the fund)."""
    findings = []
    for tariff in tariffs:
        if not isinstance(tariff.model, FundTable):
            continue
        rewards = sum((v.value for v in tariff.model.return_rule.indicators.values()), Decimal(0))
        if rewards > 1:
            findings.append(
                Finding(
                    tariff.display,
                    "return_rule.indicators",
                    "ratio_above_one",
                    f"the indicator rewards add up to {rewards}, above 1 (100 % of the fund)",
                )
            )
    return findings
