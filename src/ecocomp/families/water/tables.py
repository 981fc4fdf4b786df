"""The tariff tables of water-environment compensation: the GB 3838 limits
(`water_quality_standard`), the compensation standards or bands (`water_compensation`), and the
seed plan's requirements on them (`plan_requirements`: Taihu TP at least 2x, TN a Taihu factor).

Every legal parameter that is not a figure is a `Rule` with its evidence tag: the method, what a
band amount attaches to, the factor lists, the missing-data rule, the reverse (达标) direction's
rule and payer. Figures are `Value`s: standards, bands, the reverse standards, the province's share.

References (POLICY.md, family B): GB 3838-2002, 苏政办发〔2013〕195号, 苏环办〔2016〕341号,
苏环办〔2021〕131号, 苏委发〔2017〕13号.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ecocomp.tariffs.catalogue import TariffFamily
from ecocomp.tariffs.models import Model, Rule, TariffTable, Value

__all__ = [
    "TARIFF_FAMILIES",
    "Band",
    "PlanRequirementsTable",
    "ProvinceTerms",
    "QualityStandardTable",
    "Reverse",
    "WaterCompensationTable",
]

Basin = Literal["taihu", "other"]
WaterBody = Literal["all", "river", "lake"]
Factor = Literal["CODMn", "COD", "NH3-N", "TP", "TN"]
WaterClass = Literal["I", "II", "III", "IV", "V"]
Method = Literal["load", "banded"]
BandAmount = Literal["fixed", "base_times_one_plus_multiple"]
MissingData = Literal["error", "previous_month", "annual_mean"]
ReverseRule = Literal["none", "load"]
ReversePayer = Literal["downstream", "province"]


class QualityStandardTable(TariffTable):
    limits: dict[Factor, dict[WaterBody, dict[WaterClass, Value]]]


class Band(Model):
    above: Value
    amount: Value


class Reverse(Model):
    """`[reverse]`: what a section-month that meets its target on every factor earns, and from whom.

    rule "none": nothing; "load": Σ over factors of (target − measured) × flow ÷ 100 × the
    reverse standard of the basin and factor (its own figures, never the forward standards).
    payer "downstream": the downstream side pays (through the province); "province": the
    province pays from its own funds."""

    rule: Rule[ReverseRule]
    payer: Rule[ReversePayer] | None = None
    standards: dict[Basin, dict[Factor, Value]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _rule_has_its_numbers(self) -> Reverse:
        if self.rule.value == "load" and (not self.standards or self.payer is None):
            raise PydanticCustomError(
                "reverse", "reverse rule 'load' needs reverse.payer and [reverse.standards.<basin>]", {}
            )
        return self


class ProvinceTerms(Model):
    """`[province]`: the province as a party. `share` is the part of every upstream-pays amount
    the province keeps (its net receipts stay with it: the report shows the balance)."""

    share: Value


class WaterCompensationTable(TariffTable):
    method: Rule[Method]
    band_amount: Rule[BandAmount] | None = None
    missing_data: Rule[MissingData]
    factors: dict[Basin, Rule[tuple[Factor, ...]]]
    reverse: Reverse
    province: ProvinceTerms
    standards: dict[Basin, dict[Factor, Value]] = Field(default_factory=dict)
    bands: dict[Basin, dict[Literal["default", "CODMn", "COD", "NH3-N", "TP", "TN"], tuple[Band, ...]]] = (
        Field(default_factory=dict)
    )

    @model_validator(mode="after")
    def _method_has_its_numbers(self) -> WaterCompensationTable:
        if self.method.value == "load" and not self.standards:
            raise PydanticCustomError("method", "method 'load' needs [standards.<basin>]", {})
        if self.method.value == "banded" and (not self.bands or self.band_amount is None):
            raise PydanticCustomError(
                "method", "method 'banded' needs band_amount and [[bands.<basin>.<factor>]]", {}
            )
        return self


class PlanRequirementsTable(TariffTable):
    taihu_tp_min_factor: Value
    #: factors every water_compensation table must assess for Taihu sections, from `taihu_factors_from`
    taihu_factors: Rule[tuple[Factor, ...]] | None = None
    taihu_factors_from: Rule[date] | None = None


TARIFF_FAMILIES = (
    TariffFamily(
        "water_compensation",
        WaterCompensationTable,
        units=(
            ("standards.*", "CNY/t"),
            ("reverse.standards.*", "CNY/t"),
            ("province.share", "ratio"),
            ("bands.*.above", "multiple"),
            ("bands.*.amount", "CNY"),
        ),
    ),
    TariffFamily("water_quality_standard", QualityStandardTable, units=(("limits.*", "mg/L"),)),
    TariffFamily("plan_requirements", PlanRequirementsTable, units=(("*", "factor"),)),
)
