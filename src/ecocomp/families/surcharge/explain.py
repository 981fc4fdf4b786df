"""Per-enterprise explanations of a surcharge run: which rating applied when, under which table.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01),
《江苏省企业环保信用评价暂行办法》 (2019 score bands).

An explanation is told per run of consecutive months with the same rating, table and charge basis,
not per bill: "差别电价 2018-01至2018-12 黑色（评价台账第699行，2018-01-01起） × 0.1 元/千瓦时
（jiangsu-electricity-2016，江苏省环保信用评价差别电价(试行), 文号未见）= 1,380,787.59 元".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.codes import COLOUR_ZH, COLOURS
from ecocomp.families.surcharge.charges import INSTRUMENTS, RED_REPEAT, Charges, Instrument
from ecocomp.families.surcharge.ratings import BLACK, UNRATED, History
from ecocomp.families.surcharge.tables import unrated_colour
from ecocomp.money import yuan
from ecocomp.months import day_date, month_text

if TYPE_CHECKING:
    from ecocomp.families.surcharge.compute import SurchargeResult

__all__ = ["explain"]

Ints = npt.NDArray[np.int64]


def explain(result: SurchargeResult, names: Sequence[str]) -> dict[str, str]:
    """Which ratings applied when, under which table, for each enterprise named (not per bill)."""
    wanted = pc.index_in(result.enterprises, value_set=pa.array(list(names), pa.string()))
    chosen = np.asarray(pc.fill_null(wanted, -1).to_numpy(), dtype=np.int64)
    rows = result.kept[chosen[result.enterprise[result.kept]] >= 0]
    rows = rows[np.lexsort((result.charged_month()[rows], result.enterprise[rows]))]  # 退补: as corrected
    texts: dict[str, list[str]] = {}
    for instrument in INSTRUMENTS:
        for name, text in _segments(result, instrument, rows):
            texts.setdefault(name, []).append(text)
    return {name: "；".join(texts.get(name, ["无计费账单"])) for name in names}


def _segments(result: SurchargeResult, instrument: Instrument, rows: Ints) -> Iterator[tuple[str, str]]:
    """Per enterprise, runs of consecutive bills with the same rating, table and charge basis."""
    c = result.charges[instrument.key]
    rows = rows[c.billed[rows]]
    if not len(rows):
        return
    state = np.stack([result.enterprise[rows], c.rating[rows], c.tariff[rows], c.category[rows]], axis=1)
    breaks = np.flatnonzero(np.any(state[1:] != state[:-1], axis=1)) + 1
    for run in np.split(np.arange(len(rows)), breaks):
        first, last = rows[run[0]], rows[run[-1]]
        name = str(result.enterprises[int(result.enterprise[first])].as_py())
        amount = yuan(int(c.fen[rows[run]].sum()))
        yield name, _segment_text(result, instrument, c, int(first), int(last), amount)


def _segment_text(
    result: SurchargeResult, instrument: Instrument, c: Charges, first: int, last: int, amount: Decimal
) -> str:
    month = result.charged_month()  # a 退补 row counts in the month it corrects
    start, end = (day_date(result.months[month[row]]) for row in (first, last))
    span = f"{month_text(start)}至{month_text(end)}"
    category = int(c.category[first])
    t = int(c.tariff[first])
    tariff = c.plan.tariffs[t]
    basis = _basis(result.history, int(c.rating[first]), category)
    charged_as = unrated_colour(c.plan.model(t).unrated.value)
    if int(c.rating[first]) < 0 and charged_as is not None:
        basis += f"，按{COLOUR_ZH[charged_as]}计（unrated，{c.plan.model(t).unrated.evidence}）"
    charged = BLACK if category == RED_REPEAT else min(category, UNRATED)
    rate = Decimal(int(c.plan.rates[t, charged])).scaleb(-c.plan.scale).normalize()
    return (
        f"{instrument.zh} {span} {basis} × {rate:f} 元/{instrument.unit_zh}"
        f"（{tariff.id}，{tariff.header.document}）= {amount:,.2f} 元"
    )


def _basis(history: History, rating: int, category: int) -> str:
    """The rating charged: colour, ratings-ledger line, start and how the colour was found."""
    if rating < 0:
        return "未评价"
    start = day_date(history.start[rating])
    how = history.basis(rating)
    how = f"，{how}" if how else ""
    colour = COLOUR_ZH[COLOURS[int(history.colour[rating])]]
    basis = f"{colour}（评价台账第{int(history.line[rating])}行，{start}起{how}）"
    return basis + "，连续两次红色按黑色计" if category == RED_REPEAT else basis
