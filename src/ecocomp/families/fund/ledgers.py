"""The ledgers of the pollutant-linked fund: emissions (排放量台账), indicators (考核指标台账)
and, from 2021, the CO2 intensity (碳排放强度台账)."""

from __future__ import annotations

from decimal import Decimal

from ecocomp.codes import INDICATOR_NAMES, POLLUTANT_NAMES, UNIT_NAMES
from ecocomp.ledgers.kinds import PAYER, YEAR, Column, Kind, codes_of

__all__ = ["CARBON", "EMISSIONS", "INDICATORS", "KINDS"]

DEC = "decimal"

EMISSIONS = Kind(
    "emissions",
    "排放量台账",
    (
        YEAR,
        PAYER,
        Column("pollutant", ("污染物", "污染物名称", "因子"), "code", codes=codes_of(POLLUTANT_NAMES)),
        Column(
            "quantity",
            ("排放量", "排放总量", "quantity_t"),
            DEC,
            scale=6,
            non_negative=True,
            unit="t",
            maximum=Decimal("1e9"),
        ),
        Column("unit", ("单位", "计量单位"), "unit", required=False, codes=codes_of(UNIT_NAMES)),
    ),
    key=("payer", "year", "pollutant"),
)

INDICATORS = Kind(
    "indicators",
    "考核指标台账",
    (
        YEAR,
        PAYER,
        Column("indicator", ("指标", "指标名称", "考核指标"), "code", codes=codes_of(INDICATOR_NAMES)),
        Column("met", ("是否达标", "达标", "是否完成", "完成情况"), "bool", required=False),
        Column("target", ("目标值", "目标"), DEC, required=False, scale=4, maximum=Decimal("1e9")),
        Column("actual", ("实际值", "完成值", "实际"), DEC, required=False, scale=4, maximum=Decimal("1e9")),
    ),
    key=("payer", "year", "indicator"),
    one_of=(("met",), ("target", "actual")),
)

CARBON = Kind(
    "carbon",
    "碳排放强度台账",
    (
        YEAR,
        PAYER,
        Column(
            "co2_intensity",
            ("单位GDP二氧化碳排放", "碳排放强度", "碳强度"),
            DEC,
            required=False,
            scale=6,
            non_negative=True,
            maximum=Decimal("1e6"),
        ),
        Column(
            "ratio",
            ("比值", "强度比", "与全省平均比值"),
            DEC,
            required=False,
            scale=6,
            non_negative=True,
            maximum=Decimal("1e6"),
        ),
    ),
    key=("payer", "year"),
    one_of=(("co2_intensity",), ("ratio",)),
)

KINDS = (EMISSIONS, INDICATORS, CARBON)
