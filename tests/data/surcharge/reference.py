"""A slow, plain-Python reference of the credit-rated surcharges: one bill at a time, Decimal only.

Written apart from `ecocomp.families.surcharge.compute` (no shared code but the tariff book and `Rounding`),
so the tests and `benchmarks/surcharge.py` can check the vectorized engine against it to the fen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ecocomp.money import Rounding
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.files import Tariff

FAMILIES = {
    "electricity": ("electricity_surcharge", "electricity_kwh"),
    "water": ("sewage_surcharge", "water_m3"),
}


@dataclass(frozen=True)
class Rated:
    start: date
    end: date | None
    colour: str


def histories(ratings: Iterable[Mapping[str, object]], book: TariffBook) -> dict[str, list[Rated]]:
    """Ratings per enterprise, oldest first, scores turned into colours by the bands in force."""
    out: dict[str, list[Rated]] = {}
    for row in ratings:
        start = row["valid_from"]
        assert isinstance(start, date)
        colour = row.get("colour")
        if colour is None:
            colour = _band(Decimal(str(row["score"])), start, book)
        if colour is None:
            continue
        out.setdefault(str(row["enterprise"]), []).append(Rated(start, row.get("valid_to"), str(colour)))  # type: ignore[arg-type]
    for ratings_of in out.values():
        ratings_of.sort(key=lambda r: r.start)
    return out


def _band(score: Decimal, day: date, book: TariffBook) -> str | None:
    for tariff in book.tariffs:
        if tariff.family == "credit_score_bands" and tariff.covers(day):
            for band in tariff.model.bands:  # type: ignore[union-attr]
                low = band.min.value if band.min else Decimal("-Infinity")
                high = band.max.value if band.max else Decimal("Infinity")
                if low <= score <= high:
                    return str(band.colour)
    return None


def table_for(book: TariffBook, family: str, district: str, month: date) -> Tariff | None:
    place = book.places.get(district)
    while True:
        for tariff in book.tariffs:
            where = book.places.find(tariff.header.jurisdiction)
            if (
                tariff.family == family
                and where is not None
                and where.code == place.code
                and tariff.covers(month)
            ):
                return tariff
        if not place.parent or book.places.find(place.parent) is None:
            return None
        place = book.places.get(place.parent)


def period_of(steps: Iterable[object], day: date) -> date:
    """The first day of the rating period `day` falls in: the calendar year or half-year of the
    last step whose since is on or before the day (the first step before any), never before since."""
    listed = list(steps)
    step = listed[0]
    for candidate in listed:
        if candidate.since <= day:  # type: ignore[attr-defined]
            step = candidate
    first_month = 1 if step.period == "year" or day.month <= 6 else 7  # type: ignore[attr-defined]
    start = date(day.year, first_month, 1)
    if step.since <= day:  # type: ignore[attr-defined]
        start = max(start, step.since)  # type: ignore[attr-defined]
    return start


def red_twice(ratings: list[Rated], index: int, steps: Iterable[object]) -> bool:
    """Red, and the unbroken run of red ratings ending here began in an earlier rating period."""
    if ratings[index].colour != "red":
        return False
    first = index
    while first > 0 and ratings[first - 1].colour == "red":
        first -= 1
    listed = list(steps)
    return period_of(listed, ratings[first].start) < period_of(listed, ratings[index].start)


def lookup_day(rule: str, month: date) -> date:
    if rule == "in_force_in_month":
        return month
    if month.month <= 6:
        return date(month.year - 1, 12, 31)
    return date(month.year, 6, 30)


def surcharge(
    bill: Mapping[str, object], key: str, history: Mapping[str, list[Rated]], book: TariffBook
) -> tuple[str | None, Decimal | None]:
    """(rating, amount) of one instrument of one bill; ("error", None) when it must be rejected."""
    family, column = FAMILIES[key]
    quantity = bill[column]
    if quantity is None:
        return None, None
    month = bill["month"]
    assert isinstance(month, date)
    tariff = table_for(book, family, str(bill["district"]), month)
    if tariff is None:
        return "error", None
    model = tariff.model
    day = lookup_day(model.rating_rule.value, month)  # type: ignore[union-attr]
    ratings = history.get(str(bill["enterprise"]), [])
    covering = [i for i, r in enumerate(ratings) if r.start <= day and (r.end is None or day <= r.end)]
    if not covering:
        option = model.unrated.value  # type: ignore[union-attr]
        if option == "error":
            return "error", None
        if option == "no_surcharge":
            return "unrated", Decimal("0.00")
        rate = model.rates[option[len("as:") :]].value  # type: ignore[union-attr]
        rounding = Rounding(tariff.header.rounding.quantum, tariff.header.rounding.mode)
        return "unrated", rounding.apply(Decimal(str(quantity)) * rate)
    index = max(covering, key=lambda i: ratings[i].start)
    colour = ratings[index].colour
    charged = colour
    if model.red_repeat_as_black.value and red_twice(ratings, index, model.rating_periods.value):  # type: ignore[union-attr]
        charged = "black"
    rate = model.rates[charged].value  # type: ignore[union-attr]
    rounding = Rounding(tariff.header.rounding.quantum, tariff.header.rounding.mode)
    return colour, rounding.apply(Decimal(str(quantity)) * rate)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)
