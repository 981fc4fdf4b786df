"""Checks of the fund's tariff tables beyond their shape, run on every load and by
`ecocomp tariffs check`: the indicator rewards of one table cannot exceed the fund itself, and
a reduction-task task list names only pollutants the table bills."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ecocomp.errors import Finding
from ecocomp.families.fund.tables import FundTable
from ecocomp.places import Places
from ecocomp.tariffs.files import Tariff

__all__ = ["check_rewards"]


def check_rewards(tariffs: Sequence[Tariff], places: Places | None) -> list[Finding]:
    """The indicator rewards of a `pollutant_fund` table add up to at most 1 (100 % of the fund);
    every reduction task is a billed pollutant."""
    findings = []
    for tariff in tariffs:
        if not isinstance(tariff.model, FundTable):
            continue
        model = tariff.model
        rewards = sum((v.value for v in model.reward_rule.indicators.values()), Decimal(0))
        if rewards > 1:
            findings.append(
                Finding(
                    tariff.display,
                    "reward_rule.indicators",
                    "ratio_above_one",
                    f"the indicator rewards add up to {rewards}, above 1 (100 % of the fund)",
                )
            )
        tasks = model.return_rule.tasks.value if model.return_rule.tasks else {}
        unbilled = [p for p in tasks if p not in model.pollutants]
        if unbilled:
            findings.append(
                Finding(
                    tariff.display,
                    "return_rule.tasks",
                    "unknown_task",
                    f"task(s) {', '.join(unbilled)} name pollutants this table does not bill",
                )
            )
    return findings
