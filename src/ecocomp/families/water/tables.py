"""The tariff tables of water-environment compensation: the GB 3838 limits
(`water_quality_standard`), the compensation standards or bands (`water_compensation`), and the
seed plan's requirements on them (`plan_requirements`: Taihu TP at least 2x).

References (POLICY.md, family B): GB 3838-2002, 苏政办发〔2013〕195号, 苏环办〔2016〕341号,
苏环办〔2021〕131号, 苏委发〔2017〕13号.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ecocomp.tariffs.catalogue import TariffFamily
from ecocomp.tariffs.models import Model, TariffTable, Value

__all__ = [
    "TARIFF_FAMILIES",
    "Band",
    "PlanRequirementsTable",
    "QualityStandardTable",
    "WaterCompensationTable",
]

Basin = Literal["taihu", "other"]
WaterBody = Literal["all", "river", "lake"]
Factor = Literal["CODMn", "COD", "NH3-N", "TP", "TN"]
WaterClass = Literal["I", "II", "III", "IV", "V"]


class QualityStandardTable(TariffTable):
    limits: dict[Factor, dict[WaterBody, dict[WaterClass, Value]]]


class Band(Model):
    above: Value
    amount: Value


class WaterCompensationTable(TariffTable):
    method: Literal["load", "banded"]
    band_amount: Literal["fixed", "base_times_one_plus_multiple"] | None = None
    reverse_rule: Literal["none", "mirror"]
    missing_data: Literal["error", "previous_month", "annual_mean"]
    factors: dict[Basin, tuple[Factor, ...]]
    standards: dict[Basin, dict[Factor, Value]] = Field(default_factory=dict)
    bands: dict[Basin, dict[Literal["default", "CODMn", "COD", "NH3-N", "TP", "TN"], tuple[Band, ...]]] = (
        Field(default_factory=dict)
    )

    @model_validator(mode="after")
    def _method_has_its_numbers(self) -> WaterCompensationTable:
        if self.method == "load" and not self.standards:
            raise PydanticCustomError("method", "method 'load' needs [standards.<basin>]", {})
        if self.method == "banded" and (not self.bands or self.band_amount is None):
            raise PydanticCustomError(
                "method", "method 'banded' needs band_amount and [[bands.<basin>.<factor>]]", {}
            )
        return self


class PlanRequirementsTable(TariffTable):
    taihu_tp_min_factor: Value


TARIFF_FAMILIES = (
    TariffFamily(
        "water_compensation",
        WaterCompensationTable,
        units=(("standards.*", "CNY/t"), ("bands.*.above", "multiple"), ("bands.*.amount", "CNY")),
    ),
    TariffFamily("water_quality_standard", QualityStandardTable, units=(("limits.*", "mg/L"),)),
    TariffFamily("plan_requirements", PlanRequirementsTable, units=(("*", "factor"),)),
)
