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
- Red twice in a row: the rating just before the applicable one in the enterprise's history
  (by valid_from) is red as well; tables with ``red_repeat_as_black`` then charge the black rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerIssue, MoneyError
from ecocomp.tariff_book import TariffBook
from ecocomp.tariff_files import Tariff
from ecocomp.tariff_models import COLOURS, CreditBandsTable, SurchargeTable

__all__ = [
    "BLACK",
    "COLOUR_INDEX",
    "OPEN_END",
    "RED",
    "RULE_TEXT",
    "UNRATED",
    "History",
    "Plan",
    "build_history",
    "fixed_point",
    "lookup_days",
    "plan_tables",
    "province_code",
]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]

COLOUR_INDEX = {colour: i for i, colour in enumerate(COLOURS)}
RED, BLACK = COLOUR_INDEX["red"], COLOUR_INDEX["black"]
UNRATED = len(COLOURS)  # colour index of "no rating in force" under unrated = "no_surcharge"
OPEN_END = np.iinfo(np.int32).max
RULE_TEXT = {
    "in_force_in_month": "当月1日有效的评价等级",
    "previous_half_year_end": "上半年度末(6月30日或12月31日)的评价等级",
}
_EPOCH = date(1970, 1, 1)


def province_code(book: TariffBook) -> str:
    """The code of the province the places table describes (the root below the nation)."""
    return next(p.code for p in book.places if p.level == "province")


def fixed_point(values: pa.Array | pa.ChunkedArray, scale: int) -> tuple[Ints, Bools]:
    """A decimal column as int64 units of 10**-scale, and its validity; exact or `MoneyError`."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    if not pa.types.is_decimal128(array.type):
        array = pc.cast(array, pa.decimal128(38, scale))
    given = array.type.scale
    if given > scale:
        rounded = pc.cast(pc.cast(array, pa.decimal128(38, scale), safe=False), array.type)
        if pc.any(pc.not_equal(rounded, array)).as_py():
            raise MoneyError(f"values with more than {scale} decimal places cannot be used exactly")
        array, given = pc.cast(rounded, pa.decimal128(38, scale)), scale
    words = np.frombuffer(array.buffers()[1], dtype=np.int64, count=2 * (array.offset + len(array)))
    low, high = words[2 * array.offset :: 2], words[2 * array.offset + 1 :: 2]
    units = low.copy()
    if array.null_count:
        units[~valid] = 0
        high = np.where(valid, high, 0)
    small = not len(units) or (int(high.min()) == int(high.max()) == 0 and int(units.min()) >= 0)
    if not small and not np.all(high == (units >> 63)):  # the 128-bit value must fit in 64 bits
        raise MoneyError("a value is too large for exact 64-bit fixed-point arithmetic")
    factor = 10 ** (scale - given)
    if factor > 1:
        if units.size and int(np.abs(units).max()) > np.iinfo(np.int64).max // factor:
            raise MoneyError("a value is too large for exact 64-bit fixed-point arithmetic")
        units *= factor
    return units, valid


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
    colour: npt.NDArray[np.int8]
    line: Ints
    previous_red: Bools
    score: Ints  # in hundredths of a point (scores only)
    band: npt.NDArray[np.int8]  # index into band_tables for a score, -1 for a colour as given
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
    band_of, issues = _bands(book, colour, score, has_score, start, ratings, source)
    keep = colour >= 0
    encoded = pc.dictionary_encode(ratings.column("enterprise").combine_chunks())
    owner = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    end = _days(ratings.column("valid_to"), OPEN_END)
    rows = np.flatnonzero(keep)
    rows = rows[np.lexsort((start[rows], owner[rows]))]
    owner_sorted, colour_sorted = owner[rows], colour[rows]
    previous_red = np.zeros(len(rows), dtype=np.bool_)
    previous_red[1:] = (owner_sorted[1:] == owner_sorted[:-1]) & (colour_sorted[:-1] == RED)
    lines = np.asarray(ratings.column("line").to_numpy(), dtype=np.int64)
    tables = tuple(book.versions("credit_score_bands", province_code(book)))
    history = History(
        encoded.dictionary,
        owner_sorted,
        start[rows],
        end[rows],
        colour_sorted,
        lines[rows],
        previous_red,
        score[rows],
        band_of[rows],
        tables,
    )
    return history, issues


def _colour_codes(column: pa.ChunkedArray) -> npt.NDArray[np.int8]:
    index = pc.index_in(column, value_set=pa.array(COLOURS, pa.string()))
    return np.asarray(pc.fill_null(index, -1).to_numpy(), dtype=np.int8)


def _days(column: pa.ChunkedArray, missing: int) -> Int32s:
    days = pc.fill_null(pc.cast(column, pa.int32()), missing)
    return np.asarray(days.to_numpy(), dtype=np.int32)


def _bands(
    book: TariffBook,
    colour: npt.NDArray[np.int8],
    score: Ints,
    has_score: Bools,
    start: Int32s,
    ratings: pa.Table,
    source: str,
) -> tuple[npt.NDArray[np.int8], list[LedgerIssue]]:
    """Colours for scores (in place) by the bands table in force on valid_from; issues for the rest."""
    tables = book.versions("credit_score_bands", province_code(book))
    band_of = np.full(len(colour), -1, dtype=np.int8)
    need = has_score & (colour < 0)
    for index, tariff in enumerate(tables):
        first = (tariff.start - _EPOCH).days
        last = OPEN_END if tariff.end is None else (tariff.end - _EPOCH).days
        covered = need & (start >= first) & (start <= last)
        band_of[covered] = index
        model: CreditBandsTable = tariff.model  # type: ignore[assignment]
        for band in model.bands:
            low = -(2**62) if band.min is None else math.ceil(band.min.value * 100)
            high = 2**62 if band.max is None else math.floor(band.max.value * 100)
            colour[covered & (score >= low) & (score <= high) & (colour < 0)] = COLOUR_INDEX[band.colour]
    bad = np.flatnonzero(need & (colour < 0))
    issues = [_band_issue(ratings, int(row), band_of[row], tables, source) for row in bad]
    return band_of, issues


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
    model: CreditBandsTable = table.model  # type: ignore[assignment]
    bands = ", ".join(f"{b.colour} {_bound(b.min)}-{_bound(b.max)}" for b in model.bands)
    message = f"score {value} falls in no band of {table.id} ({bands}); correct the score or give the colour"
    return LedgerIssue(source, line, "rating", value, "score_out_of_bands", message)


def _bound(value: object) -> str:
    number = getattr(value, "value", None)
    return "" if not isinstance(number, Decimal) else f"{number:f}"


@dataclass(frozen=True, eq=False)
class Plan:
    """The tables of one family for every (district, month) of a run, rates as fixed point."""

    family: str
    tariffs: tuple[Tariff, ...]
    table_of: Int32s  # [district * months + month] -> index into tariffs, -1 when none in force
    lookup: Int32s  # [tariff, month] -> the day whose rating applies (days since 1970-01-01)
    rates: Ints  # [tariff, colour index or UNRATED] in units of 10**-scale yuan
    scale: int
    repeat_as_black: Bools
    unrated_error: Bools

    def model(self, index: int) -> SurchargeTable:
        return self.tariffs[index].model  # type: ignore[return-value]


def plan_tables(family: str, book: TariffBook, districts: Sequence[str], months: Int32s) -> Plan:
    """For each district and month: the nearest place upwards with a `family` table in force."""
    used: dict[str, int] = {}
    tariffs: list[Tariff] = []
    table_of = np.full(len(districts) * len(months), -1, dtype=np.int32)
    versions: dict[str, list[Tariff]] = {}
    for d, code in enumerate(districts):
        chain = _ancestors(book, code)
        for m, day in enumerate(months.tolist()):
            found = _first_in_force(book, family, chain, _EPOCH + timedelta(days=day), versions)
            if found is not None:
                table_of[d * len(months) + m] = used.setdefault(found.id, len(used))
                if len(tariffs) < len(used):
                    tariffs.append(found)
    models: list[SurchargeTable] = [t.model for t in tariffs]  # type: ignore[misc]
    lookup = np.array(
        [lookup_days(model.rating_rule, months) for model in models] or np.zeros((0, len(months))),
        dtype=np.int32,
    ).reshape(len(models), len(months))
    scale, rates = _rates(models, [t.id for t in tariffs])
    repeat = np.array([m.red_repeat_as_black for m in models], dtype=np.bool_)
    error = np.array([m.unrated == "error" for m in models], dtype=np.bool_)
    return Plan(family, tuple(tariffs), table_of, lookup, rates, scale, repeat, error)


def _ancestors(book: TariffBook, code: str) -> list[str]:
    chain: list[str] = []
    place = book.places.find(code)
    while place is not None and place.code not in chain:
        chain.append(place.code)
        place = book.places.find(place.parent) if place.parent else None
    return chain


def _first_in_force(
    book: TariffBook, family: str, chain: Sequence[str], day: date, cache: dict[str, list[Tariff]]
) -> Tariff | None:
    for code in chain:
        if code not in cache:
            cache[code] = book.versions(family, code)
        for tariff in cache[code]:
            if tariff.covers(day):
                return tariff
    return None


def _rates(models: Sequence[SurchargeTable], ids: Sequence[str]) -> tuple[int, Ints]:
    """Every rate as an integer number of 10**-scale yuan; the scale is the finest rate's."""
    values = [v.value for m in models for v in m.rates.values()]
    scale = max([0, *(-int(v.normalize().as_tuple().exponent) for v in values)])
    rates = np.zeros((len(models), UNRATED + 1), dtype=np.int64)
    for t, model in enumerate(models):
        for colour, value in model.rates.items():
            units = value.value.scaleb(scale)
            if units != units.to_integral_value() or abs(units) > 2**62:
                raise MoneyError(f"rate {value.value} of {ids[t]} cannot be used as exact fixed point")
            rates[t, COLOUR_INDEX[colour]] = int(units)
    return scale, rates
