"""Rounding to the fen and largest-remainder splits (POLICY.md, units, money and rounding)."""

from __future__ import annotations

import decimal
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from moneyed import Money

from ecocomp.errors import MoneyError
from ecocomp.money import (
    PRECISION,
    ROUNDING_MODES,
    Rounding,
    divide_rounded,
    exact_context,
    round_fen,
    round_units,
    split_largest_remainder,
    to_decimal,
    to_money,
)

amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False)
fen_amounts = st.decimals(
    min_value=-(10**10), max_value=10**10, places=2, allow_nan=False, allow_infinity=False
)
weights = st.dictionaries(
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
).filter(lambda w: sum(w.values(), Decimal(0)) > 0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2.345", "2.35"),
        ("2.344999", "2.34"),
        ("-2.345", "-2.35"),  # half away from zero, also below zero
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),
        ("2.355", "2.36"),  # not banker's rounding (which gives 2.36 too) ...
        ("2.365", "2.37"),  # ... but here banker's would give 2.36
        ("24000000", "24000000.00"),
    ],
)
def test_round_fen_worked_values(raw: str, expected: str) -> None:
    assert round_fen(raw) == Decimal(expected)
    assert str(round_fen(raw)) == expected


def test_declared_rounding_rule_is_used() -> None:
    assert Rounding(Decimal("1"), "down").apply("2.99") == Decimal("2")
    assert Rounding(Decimal("0.01"), "half_even").apply("2.365") == Decimal("2.36")


@pytest.mark.parametrize("bad", [0.1, float("nan"), True, "abc", "inf", None])
def test_floats_and_non_numbers_are_refused(bad: object) -> None:
    with pytest.raises(MoneyError):
        to_decimal(bad)  # type: ignore[arg-type]


@given(amounts)
def test_rounding_is_idempotent(value: Decimal) -> None:
    once = round_fen(value)
    assert round_fen(once) == once
    assert once == once.quantize(Decimal("0.01"))


@given(amounts)
def test_rounding_is_half_away_from_zero(value: Decimal) -> None:
    rounded = round_fen(value)
    error = rounded - value
    assert abs(error) <= Decimal("0.005")
    if abs(error) == Decimal("0.005"):  # a tie goes away from zero
        assert abs(rounded) > abs(value)


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_exact_ties_go_away_from_zero(fen: int) -> None:
    tie = Decimal(fen) / 100 + (Decimal("0.005") if fen >= 0 else Decimal("-0.005"))
    assert round_fen(tie) == Decimal(fen) / 100 + (Decimal("0.01") if fen >= 0 else Decimal("-0.01"))


def test_money_at_the_edge_keeps_the_exact_amount() -> None:
    money = to_money("24000000.00")
    assert money == Money(Decimal("24000000.00"), "CNY")
    assert money.amount == Decimal("24000000.00")


@given(fen_amounts, weights)
def test_split_parts_sum_exactly_to_the_whole(amount: Decimal, shares: dict[str, Decimal]) -> None:
    parts = split_largest_remainder(amount, shares)
    assert sum(parts.values(), Decimal(0)) == amount
    assert set(parts) == set(shares)


@given(fen_amounts, weights)
def test_split_parts_are_within_one_fen_of_exact_share(amount: Decimal, shares: dict[str, Decimal]) -> None:
    parts = split_largest_remainder(amount, shares)
    total_weight = sum(shares.values(), Decimal(0))
    for key, part in parts.items():
        exact = amount * shares[key] / total_weight
        assert abs(part - exact) < Decimal("0.01")


@given(fen_amounts, weights, st.randoms())
def test_split_does_not_depend_on_order(amount: Decimal, shares: dict[str, Decimal], rnd) -> None:  # type: ignore[no-untyped-def]
    items = list(shares.items())
    rnd.shuffle(items)
    assert split_largest_remainder(amount, dict(items)) == split_largest_remainder(amount, shares)


def test_split_zhenjiang_shares_of_a_section_amount() -> None:
    """京杭运河九里: CODMn shared 85.78 % 丹阳市 / 14.22 % 丹徒区 (POLICY.md B)."""
    parts = split_largest_remainder(Decimal("100000.01"), {"321181": "85.78", "321112": "14.22"})
    # exact shares 85780.008578 and 14220.001422: floors 85780.00 + 14220.00, one fen left,
    # the larger remainder (0.8578 fen vs 0.1422 fen) takes it
    assert parts == {"321112": Decimal("14220.00"), "321181": Decimal("85780.01")}


def test_split_tie_goes_to_the_smaller_key() -> None:
    parts = split_largest_remainder(Decimal("0.01"), {"320583": 1, "320505": 1})
    assert parts == {"320505": Decimal("0.01"), "320583": Decimal("0.00")}


def test_split_of_a_negative_amount_keeps_the_sign() -> None:
    parts = split_largest_remainder(Decimal("-10.00"), {"a": 1, "b": 2})
    assert parts == {"a": Decimal("-3.33"), "b": Decimal("-6.67")}
    assert sum(parts.values(), Decimal(0)) == Decimal("-10.00")


@pytest.mark.parametrize(
    ("amount", "shares", "message"),
    [
        ("10.00", {}, "no parties"),
        ("10.00", {"a": 0, "b": 0}, "sum to zero"),
        ("10.00", {"a": -1, "b": 2}, "negative"),
        ("10.001", {"a": 1}, "round it first"),
    ],
)
def test_split_refuses_what_cannot_be_split(amount: str, shares: dict[str, int], message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        split_largest_remainder(amount, shares)


# --- the int64 fixed-point path gives exactly what the Decimal path gives ----------------------

INT64_ROOM = 2**62  # int64 numerators, with room for the half added on rounding
MODES = sorted(ROUNDING_MODES)


@st.composite
def numerators(draw: st.DrawFn, digits: int, limit: int) -> list[int]:
    """Integers to divide by 10**digits: any, and exact ties (…5 followed by zeros), either sign."""
    tie = st.builds(
        lambda q, negative: (-1 if negative else 1) * (abs(q) * 10**digits + 5 * 10 ** (digits - 1)),
        st.integers(-(limit // 10 ** (digits + 1)), limit // 10 ** (digits + 1)),
        st.booleans(),
    )
    any_value = st.integers(-limit, limit)
    one = st.one_of(any_value, tie) if digits else any_value
    values = draw(st.lists(one, min_size=1, max_size=30))
    if draw(st.booleans()):  # all non-negative: the fast half-up route
        values = [abs(v) for v in values]
    return values


def _decimal_quotients(values: list[int], digits: int, mode: str) -> list[int]:
    with exact_context():
        exact = [Decimal(v).scaleb(-digits) for v in values]
        return [int(e.quantize(Decimal(1), rounding=ROUNDING_MODES[mode])) for e in exact]


@pytest.mark.parametrize("mode", MODES)
@given(data=st.data(), digits=st.integers(min_value=0, max_value=18))
def test_int64_division_equals_decimal_quantize(mode: str, data: st.DataObject, digits: int) -> None:
    values = data.draw(numerators(digits, INT64_ROOM))
    got = divide_rounded(np.array(values, dtype=np.int64), 10**digits, mode)
    assert got.dtype == np.int64
    assert got.tolist() == _decimal_quotients(values, digits, mode)


@pytest.mark.parametrize("mode", MODES)
@given(data=st.data(), digits=st.integers(min_value=0, max_value=30))
def test_wide_integer_division_equals_decimal_quantize(mode: str, data: st.DataObject, digits: int) -> None:
    """Products beyond int64 are rounded as Python integers (object arrays), as exactly."""
    values = data.draw(numerators(digits, 10**40))
    got = divide_rounded(np.array(values, dtype=object), 10**digits, mode)
    assert [int(v) for v in got] == _decimal_quotients(values, digits, mode)


@pytest.mark.parametrize("mode", MODES)
@given(
    data=st.data(),
    scale=st.integers(min_value=0, max_value=12),
    quantum=st.sampled_from(["0.01", "0.010", "0.1", "1", "10", "1E+1", "1000"]),  # 10 and 1E+1: tens
)
def test_round_units_equals_rounding_apply(mode: str, data: st.DataObject, scale: int, quantum: str) -> None:
    """Amounts in 10**-scale yuan rounded to a tariff's quantum: in fen, as `Rounding.apply` gives."""
    rule = Rounding(Decimal(quantum), mode)
    digits = max(scale + rule.quantum.adjusted(), 0)  # digits below the quantum: ties are …5 0…0
    values = data.draw(numerators(digits, INT64_ROOM // 1000))
    got = round_units(np.array(values, dtype=np.int64), scale, rule)
    expected = [int(rule.apply(Decimal(v).scaleb(-scale)).scaleb(2)) for v in values]
    assert got.tolist() == expected


def test_every_mode_has_an_int64_route() -> None:
    values = np.array([-15, -5, 5, 15, 25], dtype=np.int64)
    for mode in ROUNDING_MODES:
        assert divide_rounded(values, 10, mode).tolist() == _decimal_quotients(values.tolist(), 1, mode)
    with pytest.raises(MoneyError, match="power of ten"):
        Rounding(Decimal("0.05"))
    assert Rounding(Decimal("10")).apply(Decimal("15")) == Decimal("2E+1")  # tens, as on the int64 path
    with pytest.raises(MoneyError, match="unknown rounding mode"):
        divide_rounded(values, 10, "ceiling")


def test_exact_context_is_the_working_precision() -> None:
    with exact_context() as ctx:
        assert ctx.prec == decimal.getcontext().prec == PRECISION
        assert Decimal(1) / Decimal(3) == Decimal("0." + "3" * PRECISION)
