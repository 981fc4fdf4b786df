"""The shape of a tariff file: frozen, validated models, one per tariff family.

A tariff file is TOML read with `parse_float=Decimal`. It has a `[tariff]` header (identity,
validity, document, rounding, source) and a family body. Every number is a *value*: a table
`{ value = …, unit = "…", evidence = "…", note = "…" }`, so each figure carries its unit and
its evidence tag from POLICY.md (verified / translated / inferred / provisional).

The vocabularies below (families, units, pollutant and factor codes, colours) are names, not
rates: every rate, date and threshold lives in the files under `tariffs/`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ecocomp.money import ROUNDING_MODES

__all__ = [
    "COLOURS",
    "FACTORS",
    "FAMILIES",
    "INDICATORS",
    "POLLUTANTS",
    "UNITS",
    "CreditBandsTable",
    "FundTable",
    "Header",
    "PlacesTable",
    "PlanRequirementsTable",
    "QualityStandardTable",
    "SurchargeTable",
    "TableModel",
    "Value",
    "WaterCompensationTable",
    "model_for_family",
]

#: Units a value may declare, with what each means.
UNITS: dict[str, str] = {
    "CNY": "yuan",
    "CNY/t": "yuan per tonne",
    "CNY/billing_unit": "yuan per billing unit of the pollutant (t, or 100 kg where it says so)",
    "CNY/kWh": "yuan per kilowatt-hour",
    "CNY/m3": "yuan per cubic metre",
    "ratio": "a fraction of 1 (0.15 = 15 %)",
    "mg/L": "milligrams per litre",
    "multiple": "exceedance multiple, (measured - target) / target",
    "points": "credit-score points",
    "factor": "a dimensionless multiplier (2 = twice)",
}
EVIDENCE = ("verified", "translated", "inferred", "provisional")
POLLUTANTS = ("COD", "NH3-N", "TN", "TP", "SO2", "NOx", "VOCs", "PM")
FACTORS = ("CODMn", "COD", "NH3-N", "TP", "TN")
WATER_CLASSES = ("I", "II", "III", "IV", "V")
COLOURS = ("green", "blue", "yellow", "red", "black")
INDICATORS = (
    "air_good_days",
    "pm25",
    "water_class_iii",
    "water_function_zone",
    "drinking_water",
    "co2_intensity_decline",
)

Family = Literal[
    "places",
    "pollutant_fund",
    "water_compensation",
    "water_quality_standard",
    "electricity_surcharge",
    "sewage_surcharge",
    "credit_score_bands",
    "plan_requirements",
]
FAMILIES: tuple[str, ...] = get_args(Family)

StrictDate = Annotated[date, Strict()]
Region = Literal["south", "middle", "north"]
Basin = Literal["taihu", "other"]
WaterBody = Literal["all", "river", "lake"]
Colour = Literal["green", "blue", "yellow", "red", "black"]
Pollutant = Literal["COD", "NH3-N", "TN", "TP", "SO2", "NOx", "VOCs", "PM"]
Factor = Literal["CODMn", "COD", "NH3-N", "TP", "TN"]
WaterClass = Literal["I", "II", "III", "IV", "V"]


def _exact_number(raw: Any) -> Decimal:
    """A TOML integer or decimal; strings, booleans, floats and inf/nan are refused."""
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | float):
        raise PydanticCustomError(
            "not_a_number",
            "{raw} is not a number; write a plain TOML number such as 1500 or 0.05, without quotes",
            {"raw": repr(raw)},
        )
    if isinstance(raw, float):
        raise PydanticCustomError(
            "binary_float",
            "{raw} is a binary float; read tariff files with parse_float=Decimal",
            {"raw": repr(raw)},
        )
    number = Decimal(raw)
    if not number.is_finite():
        raise PydanticCustomError("not_finite", "{raw} is not a finite decimal number", {"raw": str(raw)})
    return number


ExactNumber = Annotated[Decimal, BeforeValidator(_exact_number)]


def _one_of(allowed: tuple[str, ...], what: str) -> AfterValidator:
    """A key that must be one of a vocabulary (typed as str, so lookups by any str type-check)."""

    def check(key: str) -> str:
        if key not in allowed:
            raise PydanticCustomError(
                "unknown_code",
                "unknown {what} {key}; use one of: {known}",
                {"what": what, "key": repr(key), "known": ", ".join(allowed)},
            )
        return key

    return AfterValidator(check)


PollutantKey = Annotated[str, _one_of(POLLUTANTS, "pollutant")]
IndicatorKey = Annotated[str, _one_of(INDICATORS, "indicator")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Value(_Model):
    """One figure of a tariff, with its unit and its evidence tag."""

    value: ExactNumber
    unit: StrictStr
    evidence: Literal["verified", "translated", "inferred", "provisional"]
    note: StrictStr = ""

    @field_validator("value")
    @classmethod
    def _not_negative(cls, number: Decimal) -> Decimal:
        if number < 0:
            raise PydanticCustomError(
                "negative",
                "{number} is negative; rates and limits cannot be",
                {"number": str(number)},
            )
        return number

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        if unit not in UNITS:
            raise PydanticCustomError(
                "unknown_unit",
                "unknown unit {unit}; use one of: {known}",
                {"unit": repr(unit), "known": ", ".join(UNITS)},
            )
        return unit

    @model_validator(mode="after")
    def _provisional_needs_note(self) -> Value:
        if self.evidence in ("inferred", "provisional") and not self.note.strip():
            raise PydanticCustomError(
                "missing_note",
                "an {evidence} value needs a note saying why",
                {"evidence": self.evidence},
            )
        return self


class RoundingRule(_Model):
    quantum: ExactNumber
    mode: StrictStr

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, mode: str) -> str:
        if mode not in ROUNDING_MODES:
            raise PydanticCustomError(
                "unknown_rounding",
                "unknown rounding mode {mode}; use one of: {known}",
                {"mode": repr(mode), "known": ", ".join(ROUNDING_MODES)},
            )
        return mode


class Header(_Model):
    """The `[tariff]` table: identity, validity, document and source of one version."""

    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    family: Family
    jurisdiction: StrictStr
    version: StrictStr
    title: StrictStr
    document: StrictStr
    issuer: StrictStr = ""
    status: Literal["settled", "provisional"]
    valid_from: StrictDate | None = None
    valid_to: StrictDate | None = None
    first_year: StrictInt | None = None
    last_year: StrictInt | None = None
    rounding: RoundingRule
    source: Annotated[StrictStr, Field(min_length=1)]
    note: StrictStr = ""

    @model_validator(mode="after")
    def _one_kind_of_validity(self) -> Header:
        by_year = self.family == "pollutant_fund"
        if by_year and (self.first_year is None or self.valid_from or self.valid_to):
            raise PydanticCustomError(
                "validity",
                "a pollutant_fund table is valid by assessment year: give first_year "
                "(and last_year unless open-ended), not valid_from/valid_to",
                {},
            )
        if not by_year and (self.valid_from is None or self.first_year or self.last_year):
            raise PydanticCustomError(
                "validity",
                "give valid_from (and valid_to unless open-ended), not first_year/last_year",
                {},
            )
        years_reversed = (
            self.first_year is not None and self.last_year is not None and self.last_year < self.first_year
        )
        dates_reversed = (
            self.valid_from is not None and self.valid_to is not None and self.valid_to < self.valid_from
        )
        if years_reversed or dates_reversed:
            raise PydanticCustomError("validity", "validity ends before it starts", {})
        return self


class _Table(_Model):
    tariff: Header


# --- places -------------------------------------------------------------------------------


class Place(_Model):
    code: Annotated[StrictStr, Field(min_length=1)]
    name: StrictStr
    short: StrictStr
    aliases: tuple[StrictStr, ...] = ()
    level: Literal["nation", "province", "city", "county", "zone"]
    parent: StrictStr = ""
    region: Region | None = None
    taihu: Literal["whole", "part", "none"] | None = None
    evidence: Literal["verified", "translated", "inferred", "provisional"]
    note: StrictStr = ""


class PlacesTable(_Table):
    place: tuple[Place, ...]


# --- A. pollutant-linked fund -------------------------------------------------------------


class BilledPollutant(_Model):
    billing_unit: Literal["t", "100kg"]
    scope: Literal["all", "taihu"]
    note: StrictStr = ""


class ReturnRule(_Model):
    kind: Literal["reduction_tasks", "indicator_rewards"]
    base: Value | None = None
    step_per_missed_task: Value | None = None
    floor: Value | None = None
    tasks: tuple[Pollutant, ...] = ()
    indicators: dict[IndicatorKey, Value] = {}
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


class Adjustment(_Model):
    kind: Literal["none", "co2_intensity_ratio"]
    note: StrictStr = ""


class FundTable(_Table):
    pollutants: dict[PollutantKey, BilledPollutant]
    rates: dict[Literal["south", "middle", "north", "flat"], Value]
    adjustment: Adjustment
    return_rule: ReturnRule


# --- B. water compensation -----------------------------------------------------------------


class QualityStandardTable(_Table):
    limits: dict[Factor, dict[WaterBody, dict[WaterClass, Value]]]


class Band(_Model):
    above: Value
    amount: Value


class WaterCompensationTable(_Table):
    method: Literal["load", "banded"]
    band_amount: Literal["fixed", "base_times_one_plus_multiple"] | None = None
    reverse_rule: Literal["none", "mirror"]
    missing_data: Literal["error", "previous_month", "annual_mean"]
    factors: dict[Basin, tuple[Factor, ...]]
    standards: dict[Basin, dict[Factor, Value]] = {}
    bands: dict[Basin, dict[Literal["default", "CODMn", "COD", "NH3-N", "TP", "TN"], tuple[Band, ...]]] = {}

    @model_validator(mode="after")
    def _method_has_its_numbers(self) -> WaterCompensationTable:
        if self.method == "load" and not self.standards:
            raise PydanticCustomError("method", "method 'load' needs [standards.<basin>]", {})
        if self.method == "banded" and (not self.bands or self.band_amount is None):
            raise PydanticCustomError(
                "method", "method 'banded' needs band_amount and [[bands.<basin>.<factor>]]", {}
            )
        return self


# --- C. credit-rated prices ----------------------------------------------------------------


class SurchargeTable(_Table):
    kind: Literal["level", "floor"]
    rating_rule: Literal["in_force_in_month", "previous_half_year_end"]
    stop_rule: Literal["when_rating_revised", "month_after_back_to_yellow"]
    red_repeat_as_black: StrictBool
    unrated: Literal["error", "no_surcharge"]
    rates: dict[Colour, Value]


class ScoreBand(_Model):
    colour: Colour
    min: Value | None = None
    max: Value | None = None


class CreditBandsTable(_Table):
    initial_score: Value
    bands: tuple[ScoreBand, ...]


# --- requirements of the seed plan on other tables -----------------------------------------


class PlanRequirementsTable(_Table):
    taihu_tp_min_factor: Value


TableModel = (
    PlacesTable
    | FundTable
    | QualityStandardTable
    | WaterCompensationTable
    | SurchargeTable
    | CreditBandsTable
    | PlanRequirementsTable
)

_MODELS: dict[str, type[_Table]] = {
    "places": PlacesTable,
    "pollutant_fund": FundTable,
    "water_quality_standard": QualityStandardTable,
    "water_compensation": WaterCompensationTable,
    "electricity_surcharge": SurchargeTable,
    "sewage_surcharge": SurchargeTable,
    "credit_score_bands": CreditBandsTable,
    "plan_requirements": PlanRequirementsTable,
}


def model_for_family(family: str) -> type[_Table] | None:
    """The model class for a family name, or None for an unknown family."""
    return _MODELS.get(family)
