"""The tariff tables of the credit-rated surcharges: electricity (`electricity_surcharge`),
sewage-treatment fee (`sewage_surcharge`), and the score bands (`credit_score_bands`).

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (2016 trial, 2019 revision),
《江苏省污水处理费征收使用管理实施办法》, 南京市差别化污水处理费, 《江苏省企业环保信用评价暂行办法》
(2019 bands), 《江苏省企事业环保信用评价办法》 (from 2020, bands not seen).

Every legal parameter that is not a figure is a `Rule` with its evidence tag: the kind of rates
(level or floor), which rating applies to a bill, when the surcharge stops, whether red twice in a
row pays the black rate and what a "rating period" is for that count, what a bill of an enterprise
not yet rated pays, and which table a bands table copies.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Strict, StrictBool, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from ecocomp.tariffs.catalogue import TariffFamily
from ecocomp.tariffs.models import Model, Rule, TariffTable, Value

__all__ = [
    "TARIFF_FAMILIES",
    "CreditBandsTable",
    "PeriodStep",
    "ScoreBand",
    "SurchargeTable",
    "Unrated",
    "unrated_colour",
]

Colour = Literal["green", "blue", "yellow", "red", "black"]
#: What a bill of an enterprise with no rating in force pays: refused (`error`), nothing
#: (`no_surcharge`), or the rate of a named colour (`as:yellow`, ...).
Unrated = Literal["error", "no_surcharge", "as:green", "as:blue", "as:yellow", "as:red", "as:black"]
StrictDate = Annotated[date, Strict()]


class PeriodStep(Model):
    """From `since` on, a rating belongs to the calendar `year` or `half_year` its valid_from
    falls in (never to a period starting before `since`)."""

    since: StrictDate
    period: Literal["year", "half_year"]


class SurchargeTable(TariffTable):
    kind: Rule[Literal["level", "floor"]]
    rating_rule: Rule[Literal["in_force_in_month", "previous_half_year_end"]]
    stop_rule: Rule[Literal["when_rating_revised", "month_after_back_to_yellow"]]
    red_repeat_as_black: Rule[StrictBool]
    #: what "连续两次" counts: rating periods (the annual or half-year list a rating belongs to);
    #: ratings in the same period count once. Required when red_repeat_as_black is true.
    rating_periods: Rule[tuple[PeriodStep, ...]] | None = None
    unrated: Rule[Unrated]
    rates: dict[Colour, Value]

    @model_validator(mode="after")
    def _periods_for_the_repeat_rule(self) -> SurchargeTable:
        if self.red_repeat_as_black.value and self.rating_periods is None:
            raise PydanticCustomError(
                "missing_periods",
                "red_repeat_as_black is true: give rating_periods (what one rating period is, e.g. "
                '{ value = [{ since = 2016-01-01, period = "year" }], evidence = ..., note = ... })',
                {},
            )
        steps = self.rating_periods.value if self.rating_periods else ()
        if not steps and self.rating_periods is not None:
            raise PydanticCustomError("missing_periods", "rating_periods needs at least one step", {})
        if any(b.since <= a.since for a, b in pairwise(steps)):
            raise PydanticCustomError("period_order", "rating_periods steps must be in order of since", {})
        colour = unrated_colour(self.unrated.value)
        if colour is not None and colour not in self.rates:
            raise PydanticCustomError(
                "unrated_colour", "unrated charges as {colour}, which has no rate", {"colour": colour}
            )
        if colour is not None and not self.unrated.note.strip():
            raise PydanticCustomError(
                "missing_note",
                "unrated = as:{colour} needs a note saying on what text it rests",
                {"colour": colour},
            )
        return self


def unrated_colour(option: str) -> str | None:
    """The colour an `unrated = "as:<colour>"` option charges, None for the other options."""
    return option.removeprefix("as:") if option.startswith("as:") else None


class ScoreBand(Model):
    colour: Colour
    min: Value | None = None
    max: Value | None = None


class CreditBandsTable(TariffTable):
    initial_score: Value
    #: the id of the table whose bands this one repeats, when its own were not seen
    copied_from: Rule[StrictStr] | None = None
    bands: tuple[ScoreBand, ...]


TARIFF_FAMILIES = (
    TariffFamily("electricity_surcharge", SurchargeTable, units=(("rates.*", "CNY/kWh"),)),
    TariffFamily("sewage_surcharge", SurchargeTable, units=(("rates.*", "CNY/m3"),)),
    TariffFamily("credit_score_bands", CreditBandsTable, units=(("*", "points"),)),
)
