"""What a surcharge run says per bill: the columns of each bill line, or why a bill was rejected.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01).

A bill line repeats the bill's columns, then per instrument the rating applied, whether it was red
twice in a row, the ratings-ledger line, the table and the surcharge; last, the weakest evidence
of the tariff values and rules both instruments used (`evidence`, a code) and those not verified
(`evidence_values`, `evidence.LineEvidence`). A bill whose table or rating
is missing (where the table makes that an error) is rejected with a worded reason, never charged on
a guess; only these rejected bills are looked at one by one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ecocomp.codes import COLOURS
from ecocomp.errors import LedgerIssue
from ecocomp.families.surcharge.bills import BillKeys
from ecocomp.families.surcharge.charges import INSTRUMENTS, RED_REPEAT, Charges, Instrument
from ecocomp.families.surcharge.evidence import LineEvidence
from ecocomp.families.surcharge.ratings import RED, RULE_TEXT, History
from ecocomp.money import decimal_array
from ecocomp.months import day_date, month_text
from ecocomp.tariffs.book import TariffBook

__all__ = ["bill_issues", "line_batch"]

Ints = npt.NDArray[np.int64]


def line_batch(
    bills: pa.Table,
    charges: Mapping[str, Charges],
    history: History,
    positions: Ints,
    evidence: LineEvidence,
    pair: npt.NDArray[np.int32],
) -> pa.RecordBatch:
    """The lines of the bills at `positions`: input columns, then rating, tariff, surcharge per
    instrument, then evidence and evidence_values."""
    contiguous = len(positions) and positions[-1] - positions[0] + 1 == len(positions)
    if contiguous:
        given = bills.slice(int(positions[0]), len(positions))
    else:
        given = bills.take(pa.array(positions, pa.int64()))
    columns = {name: given.column(name).combine_chunks() for name in given.column_names}
    for instrument in INSTRUMENTS:
        columns |= _line_columns(instrument.prefix, charges[instrument.key], history, positions)
    columns |= evidence.columns(
        pair[int(positions[0]) : int(positions[-1]) + 1] if contiguous else pair[positions]
    )
    return pa.RecordBatch.from_pydict(columns)


def _line_columns(prefix: str, charges: Charges, history: History, positions: Ints) -> dict[str, pa.Array]:
    billed = charges.billed[positions]
    rating = np.where(billed, charges.rating[positions], -1)
    category = charges.category[positions]
    colour = np.where(category == RED_REPEAT, RED, category)
    names = pa.array([*COLOURS, "unrated"], pa.string())
    ids = pa.array([t.id for t in charges.plan.tariffs] or [""], pa.string())
    tariff = charges.tariff[positions]
    has_rating = rating >= 0
    lines = history.line[np.maximum(rating, 0)] if len(history.line) else np.zeros(len(rating), np.int64)
    return {
        f"{prefix}_rating": pa.DictionaryArray.from_arrays(pa.array(colour, pa.int8(), mask=~billed), names),
        f"{prefix}_red_repeat": pa.array(category == RED_REPEAT, pa.bool_(), mask=~billed),
        f"{prefix}_rating_line": pa.array(lines, pa.int64(), mask=~has_rating),
        f"{prefix}_tariff": pa.DictionaryArray.from_arrays(
            pa.array(np.maximum(tariff, 0), pa.int32(), mask=(tariff < 0) | ~billed), ids
        ),
        f"{prefix}_surcharge": decimal_array(charges.fen[positions], 2, billed & (tariff >= 0)),
    }


def bill_issues(
    bills: pa.Table, charges: Mapping[str, Charges], keys: BillKeys, book: TariffBook, source: str
) -> list[tuple[int, LedgerIssue]]:
    """(position, issue) for every bill with no table in force or no rating where one is required."""
    found: list[tuple[int, LedgerIssue]] = []
    for instrument in INSTRUMENTS:
        c = charges[instrument.key]
        found += _no_table(bills, c, instrument, keys, book, source)
        found += _unrated(bills, c, instrument, keys, source)
    return sorted(found, key=lambda pair: (pair[1].line, pair[1].code))


def _no_table(
    bills: pa.Table, c: Charges, instrument: Instrument, keys: BillKeys, book: TariffBook, source: str
) -> Iterator[tuple[int, LedgerIssue]]:
    charged = keys.charged_month()  # a 退补 row: the month it corrects
    for row in np.flatnonzero(c.billed & (c.tariff < 0)).tolist():
        place = book.places.get(keys.districts[keys.district[row]])
        month = month_text(day_date(keys.months[charged[row]]))
        message = (
            f"no {instrument.family} table is in force for {place.name} ({place.code}) or the places "
            f"above it in {month}; add a table with --tariffs or correct the month"
        )
        yield row, _issue(bills, row, source, "month", "no_tariff", message)


def _unrated(
    bills: pa.Table, c: Charges, instrument: Instrument, keys: BillKeys, source: str
) -> Iterator[tuple[int, LedgerIssue]]:
    plan = c.plan
    error = plan.unrated_error[np.maximum(c.tariff, 0)] if plan.tariffs else np.zeros(len(c.tariff), bool)
    charged = keys.charged_month()  # a 退补 row: the month it corrects
    for row in np.flatnonzero(c.billed & (c.tariff >= 0) & (c.rating < 0) & error).tolist():
        t = int(c.tariff[row])
        rule = plan.model(t).rating_rule.value
        day = day_date(plan.lookup[t, charged[row]])
        month = month_text(day_date(keys.months[charged[row]]))
        message = (
            f"no rating is in force on {day} ({RULE_TEXT[rule]}, {plan.tariffs[t].id}) for this "
            f"{month} {instrument.zh}; add the rating to the ratings "
            "ledger (a list published late may apply back) or correct the enterprise name"
        )
        yield row, _issue(bills, row, source, "enterprise", "unrated", message)


def _issue(bills: pa.Table, row: int, source: str, column: str, code: str, message: str) -> LedgerIssue:
    value = bills.column(column)[row].as_py()
    text = month_text(value) if isinstance(value, date) else str(value)
    return LedgerIssue(source, int(bills.column("line")[row].as_py()), column, text, code, message)
