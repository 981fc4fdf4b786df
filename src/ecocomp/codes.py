"""The Chinese words and number forms explanations and reports use (one place for all of them)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ecocomp.ledgers.kinds import INDICATOR_NAMES, POLLUTANT_NAMES

__all__ = ["INDICATOR_ZH", "POLLUTANT_ZH", "REGION_ZH", "UNIT_ZH", "amount_text", "number_text"]

POLLUTANT_ZH: Mapping[str, str] = {code: names[0] for code, names in POLLUTANT_NAMES.items()}
INDICATOR_ZH: Mapping[str, str] = {code: names[0] for code, names in INDICATOR_NAMES.items()}
UNIT_ZH: Mapping[str, str] = {"t": "吨", "kg": "千克", "100kg": "百公斤"}
REGION_ZH: Mapping[str, str] = {"south": "苏南", "middle": "苏中", "north": "苏北"}


def number_text(value: Decimal) -> str:
    """A quantity or rate as people write it: thousands separators, no trailing zeros, no exponent."""
    plain = value.normalize()
    if plain == plain.to_integral_value():
        plain = plain.quantize(Decimal(1))
    return f"{plain:,f}"


def amount_text(value: Decimal) -> str:
    """An amount in yuan with thousands separators and two decimals: 20,000,000.00."""
    return f"{value:,.2f}"
