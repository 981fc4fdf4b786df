"""The tariff tables of the pollutant-linked fund (`pollutant_fund`): billed pollutants, the
rates per region class, the CO2 adjustment, the reduction-task return, the quality reward and
the cap on the two together.

Every legal parameter that is not a figure is a tagged `Rule` (`{ value = …, evidence = …,
note = … }`): a pollutant's billing unit and scope, the kinds of the adjustment, return and
reward, the task list, where the coefficient applies and how it is rounded. A table whose
reading of the texts is only inferred or provisional must say `status = "provisional"`.

References (POLICY.md, family A): 苏政发〔2016〕158号, 苏政发〔2019〕2号, 苏政发〔2022〕31号, and the
cities' pass-through versions (连云港, 淮安 淮政发〔2022〕13号).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from ecocomp.tariffs.catalogue import TariffFamily
from ecocomp.tariffs.models import IndicatorKey, Model, PollutantKey, Rule, TariffTable, Value

__all__ = ["TARIFF_FAMILIES", "Adjustment", "BilledPollutant", "FundTable", "ReturnRule", "RewardRule"]

Scope = Literal["all", "taihu"]


class BilledPollutant(Model):
    billing_unit: Rule[Literal["t", "100kg"]]
    scope: Rule[Scope]
    note: StrictStr = ""


class ReturnRule(Model):
    """The reduction-task return (减排任务返还, 158号): `base` of the fund when every task is met,
    `step_per_missed_task` less per task missed, never below `floor`. `tasks` names each task
    (a pollutant whose reduction_<pollutant> result counts) and which payers have it: `all`, or
    `taihu` (Taihu-basin payers only)."""

    kind: Rule[Literal["reduction_tasks", "none"]]
    base: Value | None = None
    step_per_missed_task: Value | None = None
    floor: Value | None = None
    tasks: Rule[dict[PollutantKey, Scope]] | None = None
    note: StrictStr = ""

    @model_validator(mode="after")
    def _fields_of_kind(self) -> ReturnRule:
        parts = (self.base, self.step_per_missed_task, self.floor, self.tasks)
        if self.kind.value == "reduction_tasks" and (None in parts or not self.tasks or not self.tasks.value):
            raise PydanticCustomError(
                "return_rule",
                "kind 'reduction_tasks' needs base, step_per_missed_task, floor and a non-empty tasks rule",
                {},
            )
        if self.kind.value == "none" and any(p is not None for p in parts):
            raise PydanticCustomError("return_rule", "kind 'none' takes no base, step, floor or tasks", {})
        return self


class RewardRule(Model):
    """The quality reward (达标奖励 / 指标考核奖励 / 达标返还): each indicator met earns its share
    of the fund. A share of 0 is an explicit "reward exists, amount unknown" rule: the indicator
    needs no result in the ledger and earns nothing until a user table fills the share in."""

    kind: Rule[Literal["indicator_rewards", "none"]]
    indicators: dict[IndicatorKey, Value] = Field(default_factory=dict)
    note: StrictStr = ""

    @model_validator(mode="after")
    def _fields_of_kind(self) -> RewardRule:
        if self.kind.value == "indicator_rewards" and not self.indicators:
            raise PydanticCustomError("reward_rule", "kind 'indicator_rewards' needs indicators", {})
        if self.kind.value == "none" and self.indicators:
            raise PydanticCustomError("reward_rule", "kind 'none' takes no indicators", {})
        return self


class Adjustment(Model):
    """The CO2 coefficient k. `applies_to`: `payer_total` (fund = round(k × Σ rounded lines),
    the text's 基础统筹金额 × 调节系数) or `line` (each line = round(k × quantity × rate)).
    `coefficient_rounding`: `exact` (k is kept as the exact fraction) or a number of decimal
    places k is rounded to (half up) before it multiplies."""

    kind: Rule[Literal["none", "co2_intensity_ratio"]]
    applies_to: Rule[Literal["payer_total", "line"]] | None = None
    coefficient_rounding: Rule[Literal["exact"] | Annotated[int, Field(ge=0, le=12)]] | None = None
    note: StrictStr = ""

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Adjustment:
        parts = (self.applies_to, self.coefficient_rounding)
        if self.kind.value != "none" and None in parts:
            raise PydanticCustomError(
                "adjustment", "a coefficient needs applies_to and coefficient_rounding", {}
            )
        if self.kind.value == "none" and any(p is not None for p in parts):
            raise PydanticCustomError(
                "adjustment", "kind 'none' takes no applies_to or coefficient_rounding", {}
            )
        return self


class FundTable(TariffTable):
    pollutants: dict[PollutantKey, BilledPollutant]
    rates: dict[Literal["south", "middle", "north", "flat"], Value]
    adjustment: Adjustment
    return_rule: ReturnRule
    reward_rule: RewardRule
    cap: Value  # return + reward together, as a share of the fund


TARIFF_FAMILIES = (
    TariffFamily(
        "pollutant_fund",
        FundTable,
        units=(
            ("rates.*", "CNY/billing_unit"),
            ("return_rule.*", "ratio"),
            ("reward_rule.*", "ratio"),
            ("cap", "ratio"),
        ),
        by_year=True,
    ),
)
