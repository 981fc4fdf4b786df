"""Water prices stay exact at the ledgers' declared maxima (issue 14, point 3): the product of
excess, flow and standard needs more than Python's default 28 significant digits."""

from __future__ import annotations

import decimal
from decimal import Decimal
from types import SimpleNamespace

from ecocomp.families.water.prices import price, reverse_price
from ecocomp.money.rounding import Rounding

EXCESS, FLOW, STD = Decimal("999999.1237"), Decimal("99999999.3331"), Decimal("983217.343803")


def _version() -> SimpleNamespace:
    return SimpleNamespace(
        method="load",
        tariff_id="test",
        rounding=Rounding(Decimal("0.01"), "half_up"),
        standards={("taihu", "TP"): STD},
        reverse_rule="load",
        reverse_standards={("taihu", "TP"): STD},
    )


def _by_hand(amount: Decimal) -> Decimal:
    """Round half away from zero to the fen, computed with 100 digits of precision."""
    with decimal.localcontext(prec=100):
        return amount.quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)


def test_load_price_at_the_maxima_is_exact_to_the_fen() -> None:
    with decimal.localcontext(prec=100):
        expected = _by_hand(EXCESS * FLOW / 100 * STD)
    assert str(expected).endswith("905.57")  # 28 digits would give ...905.58
    priced = price(_version(), "taihu", "TP", EXCESS + 1, Decimal(1), FLOW)  # type: ignore[arg-type]
    assert not isinstance(priced, str) and priced.amount == expected


def test_reverse_price_at_the_maxima_is_exact_to_the_fen() -> None:
    with decimal.localcontext(prec=100):
        expected = _by_hand(EXCESS * FLOW / 100 * STD)
    priced = reverse_price(_version(), "taihu", "TP", Decimal(1), EXCESS + 1, FLOW)  # type: ignore[arg-type]
    assert not isinstance(priced, str) and priced.amount == expected
