"""Golden figures of every shipped example: each run's figures equal its reviewed file under
`tests/golden/` byte for byte, and the hand-checked figures below were worked out from the
ledgers with POLICY.md's arithmetic (not by ecocomp) before the files were accepted.

Hand-checked (POLICY.md A, B, C):
- fund 2018, payers 苏州市 and 太仓市: every pollutant line, the reward ratio, the net;
- water 2018, sections SZ01 and SZ03 in 2018-01: every factor line and its direction;
- surcharge, bills on ledger lines 3, 4, 5, 7, 23 and 5411 (red, red twice on water, green,
  black, and black under the 2019 half-year rule).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.golden.cases import CASES, Case, run_case


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_figures_equal_the_golden_file(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.path.read_text("utf-8")


def golden(name: str) -> Any:
    return json.loads(next(c for c in CASES if c.name == name).path.read_text("utf-8"))


def fen(value: Decimal) -> Decimal:
    """Half away from zero to the fen, as POLICY.md "Units, money and rounding" says."""
    return value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


# POLICY.md A, 苏政发〔2019〕2号 for 2018: 2000 yuan per t in 苏南, TP per 100 kg (t x 10).
# Rewards: air days 15 %, PM2.5 10 %, class III share 10 %, function zones 10 %.
SOUTH_2018 = Decimal(2000)
HAND_FUND_2018 = {
    # payer: (COD, NH3-N, TN, TP, SO2, NOx, VOCs in t from emissions.csv; reward ratio)
    "苏州市": (("38650.4", "3920.15", "9870.3", "402.66", "31520.8", "52840.2", "61230.5"), "0.35"),
    "太仓市": (("7860.2", "742.35", "1950.8", "81.94", "12430.5", "16780.2", "11920.6"), "0.45"),
}


@pytest.mark.parametrize("payer", HAND_FUND_2018)
def test_fund_2018_hand_checked(payer: str) -> None:
    quantities, ratio = HAND_FUND_2018[payer]
    tonnes = [Decimal(q) for q in quantities]
    tonnes[3] *= 10  # TP is billed per 100 kg
    fund = sum((fen(t * SOUTH_2018) for t in tonnes), Decimal(0))
    reward = fen(fund * Decimal(ratio))
    row = next(p for p in golden("fund-suzhou-2018")["payers"] if p["payer"] == payer)
    assert (Decimal(row["fund"]), Decimal(row["return_amount"]), Decimal(row["net"])) == (
        fund,
        reward,
        fund - reward,
    )
    assert {"苏州市": Decimal("404117900.00"), "太仓市": Decimal("105008100.00")}[payer] == fund


# POLICY.md B, load method: tonnes = |measured - target| (mg/L) x flow (10^4 m3) / 100, times the
# standard; the 2017 table (provisional) has CODMn 18750, NH3-N 125000, Taihu TP 250000 yuan/t
# and mirrors the forward rule: below target, the downstream side pays the upstream side.
# GB 3838 river targets: class III CODMn 6, NH3-N 1.0, TP 0.2; class IV 10, 1.5, 0.3.
STANDARD = {"CODMn": Decimal(18750), "NH3-N": Decimal(125000), "TP": Decimal(250000)}
HAND_WATER = {
    # section-month: (flow, {factor: (measured, target)}, expected downstream-pays sum)
    "SZ01 2018-01": ("12980", {"CODMn": ("5.33", "6"), "NH3-N": ("0.977", "1.0"), "TP": ("0.171", "0.2")}),
    "SZ03 2018-01": ("21850", {"CODMn": ("6.91", "10"), "NH3-N": ("1.068", "1.5"), "TP": ("0.299", "0.3")}),
}
HAND_WATER_TOTALS = {"SZ01 2018-01": Decimal("2944837.50"), "SZ03 2018-01": Decimal("24512968.75")}


@pytest.mark.parametrize("cell", HAND_WATER)
def test_water_2018_hand_checked(cell: str) -> None:
    flow, factors = HAND_WATER[cell]
    total = Decimal(0)
    for factor, (measured, target) in factors.items():
        assert Decimal(measured) < Decimal(target)  # every factor beats its target: downstream pays
        tonnes = (Decimal(target) - Decimal(measured)) * Decimal(flow) / 100
        total += fen(tonnes * STANDARD[factor])
    months = golden("water-suzhou-2018")["section_months"]
    assert months[cell] == {"下游付上游": str(total)}
    assert total == HAND_WATER_TOTALS[cell]


# POLICY.md C: electricity red +0.05, black +0.10 yuan/kWh; sewage red +0.6, black +1.0 yuan/m3,
# black also for red twice in a row; green pays nothing.
HAND_BILLS = {
    # ledger line: (kWh x rate, m3 x rate)
    "3": (("1035458.55", "0.05"), ("36422.30", "1.0")),  # red; red 2017 and 2018 -> black on water
    "4": (("1321075.61", "0.05"), ("41304.20", "0.6")),  # red
    "5": (("624136.94", "0"), ("4437.90", "0")),  # green
    "7": (("567721.04", "0.05"), ("48753.70", "0.6")),  # red
    "23": (("1423458.48", "0.10"), ("29839.00", "1.0")),  # black
    "5411": (("1055676.10", "0.10"), ("34878.40", "1.0")),  # black on 2019-06-30: 2019-H2
}


def test_five_bills_hand_checked() -> None:
    bills = {b["line"]: b for b in golden("surcharge-suzhou-2018")["sample_bills"]}
    for line, ((kwh, e_rate), (m3, w_rate)) in HAND_BILLS.items():
        expected = (fen(Decimal(kwh) * Decimal(e_rate)), fen(Decimal(m3) * Decimal(w_rate)))
        assert (
            Decimal(bills[line]["electricity_surcharge"]),
            Decimal(bills[line]["water_surcharge"]),
        ) == expected
