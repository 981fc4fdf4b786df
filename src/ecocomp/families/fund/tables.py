"""The tariff tables of the pollutant-linked fund (`pollutant_fund`): billed pollutants, the
rates per region class, the CO2 adjustment, and the return or reward rule.

References (POLICY.md, family A): 苏政发〔2016〕158号, 苏政发〔2019〕2号, 苏政发〔2022〕31号, and the
cities' pass-through versions (连云港, 淮安 淮政发〔2022〕13号).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from ecocomp.tariffs.catalogue import TariffFamily
from ecocomp.tariffs.models import IndicatorKey, Model, PollutantKey, TariffTable, Value

__all__ = ["TARIFF_FAMILIES", "FundTable"]

Pollutant = Literal["COD", "NH3-N", "TN", "TP", "SO2", "NOx", "VOCs", "PM"]


class BilledPollutant(Model):
    billing_unit: Literal["t", "100kg"]
    scope: Literal["all", "taihu"]
    note: StrictStr = ""


class ReturnRule(Model):
    kind: Literal["reduction_tasks", "indicator_rewards"]
    base: Value | None = None
    step_per_missed_task: Value | None = None
    floor: Value | None = None
    tasks: tuple[Pollutant, ...] = ()
    indicators: dict[IndicatorKey, Value] = Field(default_factory=dict)
    note: StrictStr = ""

    @model_validator(mode="after")
    def _fields_of_kind(self) -> ReturnRule:
        if self.kind == "reduction_tasks":
            if self.base is None or self.step_per_missed_task is None or self.floor is None:
                raise PydanticCustomError(
                    "return_rule",
                    "kind 'reduction_tasks' needs base, step_per_missed_task and floor",
                    {},
                )
        elif not self.indicators:
            raise PydanticCustomError("return_rule", "kind 'indicator_rewards' needs indicators", {})
        return self


class Adjustment(Model):
    kind: Literal["none", "co2_intensity_ratio"]
    note: StrictStr = ""


class FundTable(TariffTable):
    pollutants: dict[PollutantKey, BilledPollutant]
    rates: dict[Literal["south", "middle", "north", "flat"], Value]
    adjustment: Adjustment
    return_rule: ReturnRule


TARIFF_FAMILIES = (
    TariffFamily(
        "pollutant_fund",
        FundTable,
        units=(("rates.*", "CNY/billing_unit"), ("return_rule.*", "ratio")),
        by_year=True,
    ),
)
