"""Water compensation properties: Taihu TP costs at least twice, amounts are monotonic, shares
conserve every fen whatever the order."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ecocomp.families.water.compute import WaterResult
from ecocomp.tariffs.book import TariffBook

from .frames import KUNSHAN, XIANGCHENG, compute, full, section

concentration = st.decimals(min_value="0.01", max_value="2", places=3)
flow = st.decimals(min_value="1", max_value="50000", places=2)


@settings(max_examples=40, deadline=None)
@given(excess=st.decimals(min_value="0.001", max_value="1", places=3), volume=flow)
def test_taihu_tp_costs_at_least_twice(book: TariffBook, excess: Decimal, volume: Decimal) -> None:
    measured = str(Decimal("0.2") + excess)
    sections = [section("T", basin="taihu"), section("O", basin="other")]
    rows = [(code, "2018-06", "TP", measured, str(volume)) for code in ("T", "O")]
    rows += [
        (code, "2018-06", f, v, str(volume))
        for code in ("T", "O")
        for f, v in (("CODMn", "6"), ("NH3-N", "1"))
    ]
    result = compute(book, sections, rows, "2018-06")
    tp = {x.section: x for x in result.lines if x.factor == "TP"}
    assert tp["T"].standard is not None and tp["O"].standard is not None
    assert tp["T"].standard >= 2 * tp["O"].standard
    assert tp["T"].amount >= 2 * tp["O"].amount - Decimal("0.01")  # each amount is rounded on its own


def _signed(result: WaterResult, factor: str) -> Decimal:
    """What the upstream side pays (negative: what it receives)."""
    line = next(x for x in result.lines if x.factor == factor)
    return {"upstream_pays": line.amount, "downstream_pays": -line.amount, "none": Decimal(0)}[line.direction]


@settings(max_examples=40, deadline=None)
@given(
    c1=concentration,
    c2=concentration,
    f1=flow,
    f2=flow,
    month=st.sampled_from(["2012-06", "2015-06", "2018-06", "2021-06"]),
)
def test_amounts_monotonic_in_concentration_and_flow(
    book: TariffBook, c1: Decimal, c2: Decimal, f1: Decimal, f2: Decimal, month: str
) -> None:
    def run(c: Decimal, f: Decimal) -> WaterResult:
        return compute(
            book, [section()], full("S1", month, {"CODMn": "6", "NH3-N": "1", "TP": str(c)}, str(f)), month
        )

    low, high = sorted((c1, c2))
    small, large = sorted((f1, f2))
    assert _signed(run(low, small), "TP") <= _signed(run(high, small), "TP")
    tp_small = next(x for x in run(high, small).lines if x.factor == "TP")
    tp_large = next(x for x in run(high, large).lines if x.factor == "TP")
    assert tp_small.amount <= tp_large.amount


@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.integers(1, 10_000), min_size=1, max_size=5),
    values=st.lists(concentration, min_size=3, max_size=3),
    volume=flow,
    order=st.randoms(),
)
def test_shares_conservation_balance_and_order(
    book: TariffBook, weights: list[int], values: list[Decimal], volume: Decimal, order
) -> None:  # type: ignore[no-untyped-def]
    districts = ["320505", "320506", "320507", "320508", "320581"][: len(weights)]
    whole = sum(weights)
    fractions = [Decimal(w) / whole for w in weights]
    fractions = [f.quantize(Decimal("0.000001")) for f in fractions]
    fractions[-1] = Decimal(1) - sum(fractions[:-1], Decimal(0))
    shares = [
        ("S1", f, d, str(s))
        for f in ("CODMn", "NH3-N", "TP")
        for d, s in zip(districts, fractions, strict=True)
    ]
    sections = [section("S1"), ("S2", "阳澄湖", "lake", "taihu", "III", XIANGCHENG, KUNSHAN)]
    rows = [
        (code, month, f, str(v * m), str(volume))
        for code, m in (("S1", 4), ("S2", 1))
        for month in ("2018-05", "2018-06")
        for f, v in zip(("CODMn", "NH3-N", "TP"), values, strict=True)
    ]
    result = compute(book, sections, rows, "2018-05", "2018-06", shares=shares)
    for line in result.lines:
        parts = [
            s.amount
            for s in result.shares
            if (s.section, s.month, s.factor) == (line.section, line.month, line.factor)
        ]
        assert sum(parts, Decimal(0)) == (line.amount if line.direction != "none" else 0)
    assert result.paid == result.received + result.kept and result.province is None and result.kept == 0
    assert sum((d.net for d in result.districts), Decimal(0)) == 0
    assert sum((m.net for m in result.monthly), Decimal(0)) == 0
    shuffled = list(rows)
    order.shuffle(shuffled)
    reordered = list(shares)
    order.shuffle(reordered)
    again = compute(book, sections, shuffled, "2018-05", "2018-06", shares=reordered)
    assert [replace(x, line=None) for x in again.lines] == [replace(x, line=None) for x in result.lines]
    assert (again.shares, again.districts, again.monthly) == (result.shares, result.districts, result.monthly)
