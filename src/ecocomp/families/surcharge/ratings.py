"""Which credit rating applies to a bill (环保信用评价): rating histories, score bands, lookup dates.

References (POLICY.md, family C): the 2016 electricity trial and the provincial and Nanjing
sewage texts (rating in force in the bill's month), the 2019 electricity revision (rating on the
last day of the previous half-year), 《江苏省企业环保信用评价暂行办法》 (2019 score bands).

The rules, all chosen by the tariff table, never by this code:

- ``in_force_in_month``: the rating whose validity covers the first day of the bill month, so a
  change during a month takes effect from the next month ("the surcharge stops from the month
  after the rating is back to yellow or better").
- ``previous_half_year_end``: bills of January-June of year Y use the rating in force on
  (Y-1)-12-31, July-December the one in force on Y-06-30.
- Overlapping ratings of one enterprise (an annual list, then a revision or a list published
  late that applies back): on any day the rating with the **latest valid_from** among those
  covering that day wins. A later start is a later decision; when a later rating ends, an
  earlier one still covering the day is in force again. The ledger has no publication date, so
  "latest listed" is read as "latest valid_from" (the key enterprise + valid_from is unique).
- A score becomes a colour by the ``credit_score_bands`` table in force on the rating's
  valid_from; a score in no band, or on a day no bands table covers, is a problem (the rating
  row is rejected, never guessed).
- Red twice in a row (连续两次(含)以上被评为红色) counts rating periods, not ledger rows: each
  table with ``red_repeat_as_black`` names its ``rating_periods`` (e.g. calendar years until
  2018, half-years from 2019), a rating belongs to the period its valid_from falls in, and a red
  rating is a repeat when the enterprise's unbroken run of red ratings up to it (by valid_from)
  began in an earlier period. Two red rows inside one period (a score moving from 2 to 1) are one
  red; any other colour between two reds breaks the run, as before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.codes import COLOURS
from ecocomp.errors import LedgerIssue
from ecocomp.families.surcharge.tables import CreditBandsTable, PeriodStep, SurchargeTable
from ecocomp.money import fixed_point
from ecocomp.months import day_number
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.models import Value

__all__ = [
    "BLACK",
    "COLOUR_INDEX",
    "OPEN_END",
    "RED",
    "RED_REPEAT",
    "RULE_TEXT",
    "UNRATED",
    "History",
    "build_history",
    "lookup_days",
    "model_of",
    "period_starts",
    "province_code",
    "red_repeats",
]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Int8s = npt.NDArray[np.int8]
Bools = npt.NDArray[np.bool_]
Model = TypeVar("Model", SurchargeTable, CreditBandsTable)

COLOUR_INDEX = {colour: i for i, colour in enumerate(COLOURS)}
RED, BLACK = COLOUR_INDEX["red"], COLOUR_INDEX["black"]
UNRATED = len(COLOURS)  # colour index of "no rating in force" under unrated = "no_surcharge"
RED_REPEAT = UNRATED + 1  # the category of a bill charged as red twice in a row (`Charges.category`)
OPEN_END = np.iinfo(np.int32).max
RULE_TEXT = {
    "in_force_in_month": "当月1日有效的评价等级",
    "previous_half_year_end": "上半年度末(6月30日或12月31日)的评价等级",
}


def province_code(book: TariffBook) -> str:
    """The code of the province the places table describes (the root below the nation)."""
    return next(p.code for p in book.places if p.level == "province")


def model_of(tariff: Tariff, kind: type[Model]) -> Model:
    """The checked model of a family C table, as the class its family guarantees."""
    model = tariff.model
    if not isinstance(model, kind):
        raise TypeError(f"{tariff.id} is a {tariff.family} table, not a {kind.__name__}")
    return model


def lookup_days(rule: str, month_days: Int32s) -> Int32s:
    """The day whose rating applies to bills of each month (days since 1970-01-01), by the rule."""
    months = month_days.astype("datetime64[D]").astype("datetime64[M]")
    if rule == "in_force_in_month":
        return months.astype("datetime64[D]").astype(np.int32)
    year_start = months.astype("datetime64[Y]").astype("datetime64[M]")
    second_half = (months - year_start).astype(np.int64) >= 6
    start = np.where(second_half, year_start + 6, year_start).astype("datetime64[D]")
    return (start - 1).astype(np.int32)


@dataclass(frozen=True, eq=False)
class History:
    """Usable ratings sorted by (enterprise, valid_from): colours as indexes into COLOURS."""

    enterprises: pa.Array  # distinct enterprise names; the position is the enterprise id
    enterprise: Int32s
    start: Int32s
    end: Int32s  # OPEN_END when open-ended
    colour: Int8s
    line: Ints
    score: Ints  # in hundredths of a point (scores only)
    band: Int8s  # index into band_tables for a score, -1 for a colour as given
    band_tables: tuple[Tariff, ...]

    def basis(self, index: int) -> str:
        """How rating `index` got its colour: "" when given as a colour, else score and bands table."""
        band = int(self.band[index])
        if band < 0:
            return ""
        points = Decimal(int(self.score[index])).scaleb(-2).normalize()
        return f"评分 {points:f} 分，按 {self.band_tables[band].header.document}"

    def applicable(self, days: Int32s) -> Int32s:
        """Rating index in force per (enterprise id, day): latest valid_from among the covering; -1 none."""
        grid = np.full((len(self.enterprises), len(days)), -1, dtype=np.int32)
        for column, day in enumerate(days.tolist()):
            covering = np.flatnonzero((self.start <= day) & (self.end >= day))
            owners = self.enterprise[covering]
            last = np.ones(len(covering), dtype=np.bool_)
            last[:-1] = owners[1:] != owners[:-1]
            grid[owners[last], column] = covering[last]
        return grid


def build_history(ratings: pa.Table, book: TariffBook, source: str) -> tuple[History, list[LedgerIssue]]:
    """The usable ratings and one issue per rating row whose score has no colour."""
    colour = _colour_codes(ratings.column("colour"))
    score, has_score = fixed_point(ratings.column("score"), 2)
    start = _days(ratings.column("valid_from"), 0)
    tables = tuple(book.versions("credit_score_bands", province_code(book)))
    need = has_score & (colour < 0)
    band_of = _bands(tables, colour, score, need, start)
    bad = np.flatnonzero(need & (colour < 0))
    issues = [_band_issue(ratings, int(row), int(band_of[row]), tables, source) for row in bad]
    return _history(ratings, colour, score, start, band_of, tables), issues


def _history(
    ratings: pa.Table, colour: Int8s, score: Ints, start: Int32s, band_of: Int8s, tables: tuple[Tariff, ...]
) -> History:
    """The rows with a colour, sorted by (enterprise, valid_from)."""
    encoded = pc.dictionary_encode(ratings.column("enterprise").combine_chunks())
    owner = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    rows = np.flatnonzero(colour >= 0)
    rows = rows[np.lexsort((start[rows], owner[rows]))]
    end = _days(ratings.column("valid_to"), OPEN_END)[rows]
    lines = np.asarray(ratings.column("line").to_numpy(), dtype=np.int64)[rows]
    return History(
        encoded.dictionary,
        owner[rows],
        start[rows],
        end,
        colour[rows],
        lines,
        score[rows],
        band_of[rows],
        tables,
    )


def period_starts(steps: Sequence[PeriodStep], days: Int32s) -> Int32s:
    """Per day: the first day of the rating period it falls in. The step in force is the last one
    with since <= day (the first step before any); its calendar year or half-year, never starting
    before that step's since. Non-decreasing in the day."""
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype("datetime64[M]")
    half = np.where((months - year).astype(np.int64) >= 6, year + 6, year)
    floors = {
        "year": year.astype("datetime64[D]").astype(np.int32),
        "half_year": half.astype("datetime64[D]").astype(np.int32),
    }
    since = np.array([day_number(s.since) for s in steps], dtype=np.int32)
    step = np.maximum(np.searchsorted(since, days, side="right") - 1, 0)
    start = np.empty(len(days), dtype=np.int32)
    for k, s in enumerate(steps):
        chosen = step == k
        start[chosen] = floors[s.period][chosen]
    after = days >= since[step]
    return np.where(after, np.maximum(start, since[step]), start).astype(np.int32)


def red_repeats(history: History, steps: Sequence[PeriodStep]) -> Bools:
    """Per rating: red, and the enterprise's unbroken run of red ratings up to it began in an
    earlier rating period (red in two periods in a row; red rows of one period count once).

    Ratings are sorted by (enterprise, valid_from) and periods never decrease with valid_from, so
    comparing the period of a red run's first rating with each rating's own is enough."""
    owner, colour = history.enterprise, history.colour
    size = len(owner)
    red = colour == RED
    period = period_starts(steps, history.start)
    begins = red.copy()
    begins[1:] &= (owner[1:] != owner[:-1]) | ~red[:-1]
    run_start = np.maximum.accumulate(np.where(begins, np.arange(size), 0)) if size else np.zeros(0, np.int64)
    repeat: Bools = red & (period[run_start] < period)
    return repeat


def _colour_codes(column: pa.ChunkedArray) -> Int8s:
    index = pc.index_in(column, value_set=pa.array(COLOURS, pa.string()))
    return np.asarray(pc.fill_null(index, -1).to_numpy(), dtype=np.int8)


def _days(column: pa.ChunkedArray, missing: int) -> Int32s:
    days = pc.fill_null(pc.cast(column, pa.int32()), missing)
    return np.asarray(days.to_numpy(), dtype=np.int32)


def _bands(tables: Sequence[Tariff], colour: Int8s, score: Ints, need: Bools, start: Int32s) -> Int8s:
    """Colours for the scores in `need` (in place) by the bands table in force on valid_from; per
    rating the index of that table (-1 for none)."""
    band_of = np.full(len(colour), -1, dtype=np.int8)
    for index, tariff in enumerate(tables):
        first = day_number(tariff.start)
        last = OPEN_END if tariff.end is None else day_number(tariff.end)
        covered = need & (start >= first) & (start <= last)
        band_of[covered] = index
        for band in model_of(tariff, CreditBandsTable).bands:
            low = -(2**62) if band.min is None else math.ceil(band.min.value * 100)
            high = 2**62 if band.max is None else math.floor(band.max.value * 100)
            colour[covered & (score >= low) & (score <= high) & (colour < 0)] = COLOUR_INDEX[band.colour]
    return band_of


def _band_issue(ratings: pa.Table, row: int, band: int, tables: Sequence[Tariff], source: str) -> LedgerIssue:
    value = f"{ratings.column('score')[row].as_py():f}"
    valid_from = ratings.column("valid_from")[row].as_py()
    line = int(ratings.column("line")[row].as_py())
    if band < 0:
        known = ", ".join(f"{t.id} ({t.validity_label()})" for t in tables) or "none"
        message = (
            f"score {value} is valid from {valid_from}, when no credit-score bands table is in force "
            f"(tables: {known}); give the colour instead, or add a bands table"
        )
        return LedgerIssue(source, line, "rating", value, "no_score_bands", message)
    table = tables[band]
    bands = model_of(table, CreditBandsTable).bands
    listed = ", ".join(f"{b.colour} {_bound(b.min)}-{_bound(b.max)}" for b in bands)
    message = f"score {value} falls in no band of {table.id} ({listed}); correct the score or give the colour"
    return LedgerIssue(source, line, "rating", value, "score_out_of_bands", message)


def _bound(value: Value | None) -> str:
    return "" if value is None else f"{value.value:f}"
