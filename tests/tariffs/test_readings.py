"""A tariff book at the low or the high reading: every ranged value at its bound, nothing else
changed (ids, hashes, headers, places, values without a range)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from ecocomp.errors import UsageError
from ecocomp.families.registry import register, unregister
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.files import flatten
from ecocomp.tariffs.models import Value
from ecocomp.tariffs.readings import at_reading, ranged_values
from tests.families.flatfee.family import FLATFEE, TARIFFS

FLAT = (TARIFFS / "flat_fee" / "jiangsu-flat-2018.toml").read_text("utf-8")


def ranged_flat_table(folder: Path, low: str, high: str) -> Path:
    """The test family's table with its rate provisional, 12.5 within low..high."""
    folder.mkdir(parents=True, exist_ok=True)
    text = FLAT.replace(
        'rate = { value = 12.5, unit = "CNY/t", evidence = "verified" }',
        f'rate = {{ value = 12.5, unit = "CNY/t", low = {low}, high = {high}, evidence = "provisional", '
        'note = "a test range: low and high as the test needs them" }',
    ).replace('status = "settled"', 'status = "provisional"')
    assert text != FLAT
    (folder / "jiangsu-flat-2018.toml").write_text(text, "utf-8")
    return folder


@pytest.fixture
def book(tmp_path: Path) -> Iterator[TariffBook]:
    register(FLATFEE)
    try:
        yield TariffBook.load([ranged_flat_table(tmp_path / "t", "10", "15.25")], env={})
    finally:
        unregister(FLATFEE.key)


def test_low_and_high_replace_exactly_the_ranged_values(book: TariffBook) -> None:
    for reading, index in (("low", 0), ("high", 1)):
        moved = book.at_reading(reading)
        assert moved.places is book.places
        for before, after in zip(book.tariffs, moved.tariffs, strict=True):
            assert (after.id, after.sha256, after.header, after.path, after.origin) == (
                before.id,
                before.sha256,
                before.header,
                before.path,
                before.origin,
            )
            ranged = ranged_values(before.model)
            old, new = flatten(before.model), flatten(after.model)
            assert old.keys() == new.keys()
            for key, leaf in old.items():
                if key in ranged:
                    assert isinstance(leaf, Value)
                    bound = (leaf.low, leaf.high)[index]
                    assert new[key].value == (leaf.value if bound is None else bound), (after.id, key)
                    assert (new[key].low, new[key].high, new[key].unit) == (leaf.low, leaf.high, leaf.unit)
                else:
                    assert new[key] == leaf, (after.id, key)
            if not ranged:
                assert after is before  # a table without a range is the very same object


def test_the_ranged_user_value_moves_and_the_unranged_basis_stays(book: TariffBook) -> None:
    flat = book.in_force("flat_fee", "江苏省", year=2018)
    assert flat.model.rate.value == Decimal("12.5")  # type: ignore[attr-defined]
    low = book.at_reading("low").in_force("flat_fee", "江苏省", year=2018)
    high = book.at_reading("high").in_force("flat_fee", "江苏省", year=2018)
    assert low.model.rate.value == Decimal("10")  # type: ignore[attr-defined]
    assert high.model.rate.value == Decimal("15.25")  # type: ignore[attr-defined]
    assert low.model.basis is flat.model.basis  # type: ignore[attr-defined]
    assert low.sha256 == flat.sha256 == high.sha256


def test_a_value_without_a_range_is_unchanged() -> None:
    plain = Value(value=Decimal("3"), unit="CNY/t", evidence="verified")
    one_sided = Value(value=Decimal("3"), unit="CNY/t", low=Decimal("2"), evidence="inferred", note="n")
    assert at_reading(plain, "low") is plain and at_reading(plain, "high") is plain
    assert at_reading(one_sided, "high") is one_sided
    assert at_reading(one_sided, "low").value == Decimal("2")
    nested = {"a": (plain, one_sided), "b": [plain]}
    low = at_reading(nested, "low")
    assert low["b"] is nested["b"] and low["a"][0] is plain and low["a"][1].value == Decimal("2")
    with pytest.raises(UsageError):
        at_reading(plain, "middle")
