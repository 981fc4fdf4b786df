"""Every shipped provisional or inferred figure either declares the range the texts allow
(`low`/`high`, each bound explained in its note) or says in its note that no range is known;
and the 2017 water standards' ranges follow from the 2014 standards and the reported rise."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.models import Value

NO_RANGE = "no range known"

#: 苏环办〔2016〕341号 raised the standards "to 1.25-2x" the old ones (S39, research-notes.md B.1).
RISE_LOW, RISE_HIGH = Decimal("1.25"), Decimal("2")
#: ... and set the Taihu TP standard at 2x the non-Taihu one (S39; the seed plan's 2倍以上).
TAIHU_TP_FACTOR = Decimal("2")


@pytest.fixture(scope="module")
def shipped() -> TariffBook:
    return TariffBook.load(env={})


def uncertain_values(book: TariffBook) -> list[tuple[str, str, Value]]:
    return [
        (tariff.id, key, leaf)
        for tariff in book.tariffs
        for key, leaf in tariff.values().items()
        if isinstance(leaf, Value) and leaf.evidence in ("provisional", "inferred")
    ]


def bounds(value: Value) -> tuple[Decimal, Decimal]:
    low = value.value if value.low is None else value.low
    high = value.value if value.high is None else value.high
    return low, high


def test_the_book_has_uncertain_values(shipped: TariffBook) -> None:
    assert len(uncertain_values(shipped)) > 50


def test_every_uncertain_value_has_a_range_or_says_none_is_known(shipped: TariffBook) -> None:
    missing = [
        f"{tid}: {key}"
        for tid, key, value in uncertain_values(shipped)
        if value.low is None and value.high is None and NO_RANGE not in value.note
    ]
    assert missing == []


def test_every_range_holds_its_value_and_explains_itself(shipped: TariffBook) -> None:
    ranged = [
        (tid, key, v) for tid, key, v in uncertain_values(shipped) if v.low is not None or v.high is not None
    ]
    assert ranged
    for tid, key, value in ranged:
        low, high = bounds(value)
        assert low <= value.value <= high, f"{tid}: {key}"
        assert "range:" in value.note, f"{tid}: {key} gives no reason for its bounds"
        assert NO_RANGE not in value.note, f"{tid}: {key} has a range and says it has none"


def test_settled_values_have_no_range(shipped: TariffBook) -> None:
    for tariff in shipped.tariffs:
        for key, leaf in tariff.values().items():
            if isinstance(leaf, Value) and leaf.evidence in ("verified", "translated"):
                assert leaf.low is None and leaf.high is None, f"{tariff.id}: {key}"


def test_2017_water_ranges_follow_the_2014_standards_and_the_reported_rise(shipped: TariffBook) -> None:
    old = shipped.get("jiangsu-water-2014").model.standards
    new = shipped.get("jiangsu-water-2017").model.standards
    expected: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for basin in ("taihu", "other"):
        for factor in ("CODMn", "NH3-N"):
            base = old[basin][factor].value
            expected[basin, factor] = (base * RISE_LOW, base * RISE_HIGH)
    other_tp = old["other"]["TP"].value
    expected["other", "TP"] = (other_tp * RISE_LOW, other_tp * RISE_HIGH)
    expected["taihu", "TP"] = (
        TAIHU_TP_FACTOR * expected["other", "TP"][0],
        TAIHU_TP_FACTOR * expected["other", "TP"][1],
    )
    # the figures the research states, so that a change in the 2014 table cannot hide here
    assert expected["taihu", "CODMn"] == (Decimal(18750), Decimal(30000))
    assert expected["other", "TP"] == (Decimal(125000), Decimal(200000))
    assert expected["taihu", "TP"] == (Decimal(250000), Decimal(400000))
    for (basin, factor), (low, high) in expected.items():
        value = new[basin][factor]
        assert (value.low, value.high) == (low, high), f"{basin}.{factor}"
        # the shipped central figure is the low end of the rise, and it did not move
        assert value.value == low, f"{basin}.{factor}"


def test_taihu_tp_rule_holds_at_every_reading(shipped: TariffBook) -> None:
    """Taihu TP >= 2 x non-Taihu TP at the low, central and high readings of every water table."""
    checked = 0
    for tariff in shipped.tariffs:
        model = tariff.model
        for standards in (
            getattr(model, "standards", None),
            getattr(getattr(model, "reverse", None), "standards", None),
        ):
            if not isinstance(standards, dict) or "TP" not in standards.get("taihu", {}):
                continue
            if "TP" not in standards.get("other", {}):
                continue
            taihu, other = standards["taihu"]["TP"], standards["other"]["TP"]
            (t_low, t_high), (o_low, o_high) = bounds(taihu), bounds(other)
            if tariff.start.year >= 2017:
                assert t_low >= TAIHU_TP_FACTOR * o_low, tariff.id
                assert taihu.value >= TAIHU_TP_FACTOR * other.value, tariff.id
                assert t_high >= TAIHU_TP_FACTOR * o_high, tariff.id
                checked += 1
    assert checked >= 2
