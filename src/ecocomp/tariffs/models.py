"""The shape of a tariff file: the header every table has, exact values, and the places table.

A tariff file is TOML read with `parse_float=Decimal`. It has a `[tariff]` header (identity,
validity, document, rounding, source) and a family body; each policy family defines the model
of its own bodies (`ecocomp.families.<family>.tables`) and registers it in
`ecocomp.tariffs.catalogue`. Every number is a *value*: a table
`{ value = …, unit = "…", evidence = "…", note = "…" }`, so each figure carries its unit and
its evidence tag from POLICY.md (verified / translated / inferred / provisional).

The vocabularies (units, pollutant and factor codes, colours) live in `ecocomp.codes`: names,
not rates. Every rate, date and threshold lives in the files under `tariffs/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ecocomp.codes import INDICATORS, POLLUTANTS, UNITS
from ecocomp.money.rounding import ROUNDING_MODES, is_power_of_ten
from ecocomp.tariffs.catalogue import TariffFamily, register, tariff_family

__all__ = [
    "MAX_PLACES",
    "VALUE_MAXIMA",
    "YEARS",
    "ExactNumber",
    "Header",
    "IndicatorKey",
    "Model",
    "Place",
    "PlacesTable",
    "PollutantKey",
    "Rule",
    "TariffTable",
    "Value",
    "one_of",
]

StrictDate = Annotated[date, Strict()]

#: The largest value (inclusive) a table may give in each unit (checked by `ecocomp.tariffs.checks`
#: with `MAX_PLACES`): far above any real table, low
#: enough that a rate times the largest quantity a ledger accepts (`Column.maximum`: 1e10 kWh,
#: 1e9 m3 or t) stays exact: a surcharge line is at most 1e12 yuan (1e14 fen), so even 90 000
#: such lines sum within 64-bit fen. Ratios are checked against 1 on their own (ratio_above_one).
VALUE_MAXIMA: Mapping[str, Decimal] = {
    "CNY": Decimal("1e9"),
    "CNY/t": Decimal("1e6"),
    "CNY/billing_unit": Decimal("1e6"),
    "CNY/kWh": Decimal("100"),
    "CNY/m3": Decimal("1000"),
    "mg/L": Decimal("1e6"),
    "multiple": Decimal("1e6"),
    "points": Decimal("1000"),
    "factor": Decimal("1000"),
}
#: Most decimal places a value may have (every shipped figure has at most 3).
MAX_PLACES = 6
#: The years a table's validity may name (what a date can hold).
YEARS = (date.min.year, date.max.year)
Region = Literal["south", "middle", "north"]


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


def one_of(allowed: tuple[str, ...], what: str) -> AfterValidator:
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


PollutantKey = Annotated[str, one_of(POLLUTANTS, "pollutant")]
IndicatorKey = Annotated[str, one_of(INDICATORS, "indicator")]


class Model(BaseModel):
    """Every part of a tariff file: frozen, and an unknown key is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Value(Model):
    """One figure of a tariff, with its unit and its evidence tag; a provisional or inferred
    figure may declare the interval the texts allow (`low`, `high`, each bound explained in
    the note), e.g. 18750 within 18750..30000 for "raised to 1.25-2x"."""

    value: ExactNumber
    unit: StrictStr
    low: ExactNumber | None = None
    high: ExactNumber | None = None
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
    def _bounds_hold_the_value(self) -> Value:
        if self.low is None and self.high is None:
            return self
        if self.evidence not in ("inferred", "provisional"):
            raise PydanticCustomError(
                "range_on_settled_value",
                "only an inferred or provisional value has a range; a {evidence} value has none",
                {"evidence": self.evidence},
            )
        low = self.value if self.low is None else self.low
        high = self.value if self.high is None else self.high
        if not low <= self.value <= high:
            raise PydanticCustomError(
                "range",
                "the range {low}..{high} does not contain the value {value}",
                {"low": str(low), "high": str(high), "value": str(self.value)},
            )
        return self

    @model_validator(mode="after")
    def _provisional_needs_note(self) -> Value:
        if self.evidence in ("inferred", "provisional") and not self.note.strip():
            raise PydanticCustomError(
                "missing_note",
                "an {evidence} value needs a note saying why",
                {"evidence": self.evidence},
            )
        return self


T = TypeVar("T")


class Rule(Model, Generic[T]):
    """One legal parameter of a tariff that is not a figure (a pollutant's scope or billing unit,
    a task list, a direction or rating rule, a factor list), with its evidence tag:
    `{ value = "taihu", evidence = "verified", note = "…" }`. Every reading the texts leave
    open is such a rule, so a table says which reading it takes and how sure that is."""

    value: T
    evidence: Literal["verified", "translated", "inferred", "provisional"]
    note: StrictStr = ""

    @model_validator(mode="after")
    def _uncertain_needs_note(self) -> Rule[T]:
        if self.evidence in ("inferred", "provisional") and not self.note.strip():
            raise PydanticCustomError(
                "missing_note",
                "an {evidence} rule needs a note saying why",
                {"evidence": self.evidence},
            )
        return self


class RoundingRule(Model):
    quantum: ExactNumber
    mode: StrictStr

    @field_validator("quantum")
    @classmethod
    def _power_of_ten(cls, quantum: Decimal) -> Decimal:
        if not is_power_of_ten(quantum):
            raise PydanticCustomError(
                "rounding_quantum",
                "rounding quantum {quantum} is not a power of ten; use 0.01 (the fen), 0.1, 1, 10 ...",
                {"quantum": str(quantum)},
            )
        return quantum

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


class Header(Model):
    """The `[tariff]` table: identity, validity, document and source of one version."""

    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    family: StrictStr  # a family of `ecocomp.tariffs.catalogue`; checked before the model is chosen
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

    @field_validator("first_year", "last_year")
    @classmethod
    def _year_in_range(cls, year: int | None) -> int | None:
        if year is not None and not YEARS[0] <= year <= YEARS[1]:
            raise PydanticCustomError(
                "year_out_of_range",
                "year {year} is outside {first} to {last}",
                {"year": year, "first": YEARS[0], "last": YEARS[1]},
            )
        return year

    @model_validator(mode="after")
    def _one_kind_of_validity(self) -> Header:
        kind = tariff_family(self.family)
        by_year = kind is not None and kind.by_year
        if by_year and (self.first_year is None or self.valid_from or self.valid_to):
            raise PydanticCustomError(
                "validity",
                f"a {self.family} table is valid by assessment year: give first_year "
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


class TariffTable(Model):
    """A whole tariff file: the header, and the body its family's model adds."""

    tariff: Header


# --- places -------------------------------------------------------------------------------


class Place(Model):
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


class PlacesTable(TariffTable):
    place: tuple[Place, ...]


register("places", [TariffFamily("places", PlacesTable)])
