"""Typed ledgers for surcharge tests, as `read_ledger` gives them (Arrow tables), and a view of
a result's bill lines."""

from __future__ import annotations

import pyarrow as pa

from ecocomp.families.surcharge.compute import SurchargeResult
from tests.builders import dates, day, decimals, ledger, texts

KUNSHAN, NANJING, SIP = "320583", "320100", "SZ-SIP"
COLOURS = ("green", "blue", "yellow", "red", "black")

BillRow = tuple[str, str, str, str | None, str | None]  # enterprise, district, "2018-03", kWh, m3
RatingRow = tuple[str, str, str, str | None]  # enterprise, colour or score, valid_from, valid_to


def bills(rows: list[BillRow]) -> pa.Table:
    """A bills ledger as `read_ledger` gives it (typed columns, line numbers from 2)."""
    return ledger(
        {
            "enterprise": texts(r[0] for r in rows),
            "district": texts(r[1] for r in rows),
            "month": dates(day(r[2]) for r in rows),
            "uscc": texts(None for _ in rows),  # optional: 统一社会信用代码, 户号, 退补月份
            "account": texts(None for _ in rows),
            "adjusts": dates(None for _ in rows),
            "electricity_kwh": decimals((r[3] for r in rows), 2),
            "water_m3": decimals((r[4] for r in rows), 2),
        },
        len(rows),
    )


def ratings(rows: list[RatingRow]) -> pa.Table:
    """A ratings ledger: a colour, or a score where the second field is not a colour."""
    return ledger(
        {
            "enterprise": texts(r[0] for r in rows),
            "uscc": texts(None for _ in rows),
            "colour": texts(r[1] if r[1] in COLOURS else None for r in rows),
            "score": decimals((None if r[1] in COLOURS else r[1] for r in rows), 2),
            "valid_from": dates(day(r[2]) for r in rows),
            "valid_to": dates(None if r[3] is None else day(r[3]) for r in rows),
        },
        len(rows),
    )


def lines(result: SurchargeResult) -> dict[str, dict[str, object]]:
    """Bill lines keyed by "enterprise month"."""
    return {f"{r['enterprise']} {r['month']:%Y-%m}": r for r in result.lines().to_pylist()}


def month_bills(
    enterprise: str, district: str, months: list[str], kwh: str = "1000", m3: str = "100"
) -> list[BillRow]:
    return [(enterprise, district, m, kwh, m3) for m in months]
