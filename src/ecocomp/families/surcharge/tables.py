"""The tariff tables of the credit-rated surcharges: electricity (`electricity_surcharge`),
sewage-treatment fee (`sewage_surcharge`), and the 2019 score bands (`credit_score_bands`).

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (2016 trial, 2019 revision),
《江苏省污水处理费征收使用管理实施办法》, 南京市差别化污水处理费, 《江苏省企业环保信用评价暂行办法》.
"""

from __future__ import annotations

from typing import Literal

from pydantic import StrictBool

from ecocomp.tariffs.catalogue import TariffFamily
from ecocomp.tariffs.models import Model, TariffTable, Value

__all__ = ["TARIFF_FAMILIES", "CreditBandsTable", "ScoreBand", "SurchargeTable"]

Colour = Literal["green", "blue", "yellow", "red", "black"]


class SurchargeTable(TariffTable):
    kind: Literal["level", "floor"]
    rating_rule: Literal["in_force_in_month", "previous_half_year_end"]
    stop_rule: Literal["when_rating_revised", "month_after_back_to_yellow"]
    red_repeat_as_black: StrictBool
    unrated: Literal["error", "no_surcharge"]
    rates: dict[Colour, Value]


class ScoreBand(Model):
    colour: Colour
    min: Value | None = None
    max: Value | None = None


class CreditBandsTable(TariffTable):
    initial_score: Value
    bands: tuple[ScoreBand, ...]


TARIFF_FAMILIES = (
    TariffFamily("electricity_surcharge", SurchargeTable, units=(("rates.*", "CNY/kWh"),)),
    TariffFamily("sewage_surcharge", SurchargeTable, units=(("rates.*", "CNY/m3"),)),
    TariffFamily("credit_score_bands", CreditBandsTable, units=(("*", "points"),)),
)
