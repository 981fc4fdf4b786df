"""Checks over loaded tariff tables, run on every load and by `ecocomp tariffs check`.

Per table: the jurisdiction is a known place, every value has the unit its place in the
format calls for, ratios stay within 0..1, every other value (and its range) within the largest
its unit allows (`VALUE_MAXIMA`, at most `MAX_PLACES` places, so that no rate times the largest
ledger quantity can overflow), a provisional value makes the table provisional.
Across tables: ids are unique; versions of one family and jurisdiction neither overlap nor
leave gaps; the places table is consistent. The units each value takes and the checks a
policy family adds (e.g. the seed plan's Taihu TP >= 2x rule) come from `ecocomp.tariffs.catalogue`.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from itertools import pairwise

from ecocomp.errors import Finding
from ecocomp.places import Places, normalize_name
from ecocomp.tariffs import catalogue
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.models import MAX_PLACES, VALUE_MAXIMA, PlacesTable, Value

__all__ = ["check_tables", "jurisdiction_code"]


def check_tables(tariffs: Sequence[Tariff], places: Places | None) -> list[Finding]:
    """Every finding over `tariffs`; `places` is None when no usable places table loaded."""
    findings = _unique_ids(tariffs)
    for tariff in tariffs:
        findings += _table_findings(tariff, places)
    findings += _coverage(tariffs, places)
    for check in catalogue.checks():
        findings += check(tariffs, places)
    return findings


def jurisdiction_code(tariff: Tariff, places: Places | None) -> str:
    """The place code of a table's jurisdiction (the name as written when unknown)."""
    found = places.find(tariff.header.jurisdiction) if places else None
    return found.code if found else tariff.header.jurisdiction


def _table_findings(tariff: Tariff, places: Places | None) -> list[Finding]:
    findings: list[Finding] = []
    jurisdiction = tariff.header.jurisdiction
    if places is not None and places.find(jurisdiction) is None:
        findings.append(_unknown_place(tariff, "tariff.jurisdiction", jurisdiction, places))
    if isinstance(tariff.model, PlacesTable):
        findings += _places_table(tariff, tariff.model)
    values = {k: v for k, v in tariff.values().items() if isinstance(v, Value)}
    findings += _units(tariff, values)
    findings += _ratios(tariff, values)
    wrong_unit = {f.key.removesuffix(".unit") for f in findings if f.code == "wrong_unit"}
    findings += _magnitudes(tariff, values, wrong_unit)
    provisional = tariff.provisional_values()
    if provisional and tariff.header.status != "provisional":
        findings.append(
            Finding(
                tariff.display,
                f"{provisional[0]}.evidence",
                "status",
                f"{len(provisional)} value(s) are provisional but tariff.status is "
                f'{tariff.header.status!r}; set status = "provisional"',
            )
        )
    rules = [k for k in tariff.uncertain_rules() if k not in provisional]
    if rules and tariff.header.status != "provisional":
        findings.append(
            Finding(
                tariff.display,
                f"{rules[0]}.evidence",
                "status",
                f"{len(rules)} rule(s) are only inferred or provisional ({', '.join(rules)}) but "
                f'tariff.status is {tariff.header.status!r}; set status = "provisional"',
            )
        )
    return findings


def _units(tariff: Tariff, values: dict[str, Value]) -> list[Finding]:
    findings = []
    kind = catalogue.tariff_family(tariff.family)
    rules = kind.units if kind is not None else ()
    for key, value in values.items():
        wanted = next((unit for pattern, unit in rules if fnmatch.fnmatchcase(key, pattern)), None)
        if wanted is not None and value.unit != wanted:
            findings.append(
                Finding(
                    tariff.display,
                    f"{key}.unit",
                    "wrong_unit",
                    f"unit {value.unit!r} does not fit here; this value is in {wanted!r}",
                )
            )
    return findings


def _ratios(tariff: Tariff, values: dict[str, Value]) -> list[Finding]:
    findings = [
        Finding(tariff.display, f"{key}.value", "ratio_above_one", f"ratio {v.value} is above 1 (100 %)")
        for key, v in values.items()
        if v.unit == "ratio" and v.value > 1
    ]
    return findings


def _magnitudes(tariff: Tariff, values: dict[str, Value], wrong_unit: set[str]) -> list[Finding]:
    """Each value, low and high within `VALUE_MAXIMA` of its unit and `MAX_PLACES` places (a
    value whose unit is already wrong is judged by its unit finding alone)."""
    findings = []
    for key, value in values.items():
        if key in wrong_unit:
            continue
        maximum = VALUE_MAXIMA.get(value.unit)
        for part, number in (("value", value.value), ("low", value.low), ("high", value.high)):
            if number is None:
                continue
            if maximum is not None and number > maximum:
                limit = f"{maximum:f} {value.unit}"
                message = f"{number} {value.unit} is larger than a table may give ({limit}); check the digits"
                findings.append(Finding(tariff.display, f"{key}.{part}", "too_large", message))
            elif -int(number.normalize().as_tuple().exponent) > MAX_PLACES:
                message = f"{number} has more than {MAX_PLACES} decimal places; round it in the table"
                findings.append(Finding(tariff.display, f"{key}.{part}", "too_many_decimals", message))
    return findings


def _places_table(tariff: Tariff, table: PlacesTable) -> list[Finding]:
    findings: list[Finding] = []
    codes = {p.code for p in table.place}
    owner: dict[str, str] = {}
    for i, place in enumerate(table.place):
        key = f"place[{i}]"
        if place.parent and place.parent not in codes:
            findings.append(
                Finding(
                    tariff.display,
                    f"{key}.parent",
                    "unknown_place",
                    f"parent {place.parent!r} is not the code of any place in this table",
                )
            )
        if place.level == "city" and place.region is None:
            findings.append(
                Finding(
                    tariff.display,
                    f"{key}.region",
                    "missing",
                    "a city needs its region class (south, middle or north)",
                )
            )
        for label in (place.code, place.name, place.short, *place.aliases):
            other = owner.setdefault(normalize_name(label), place.code)
            if other != place.code:
                findings.append(
                    Finding(
                        tariff.display,
                        key,
                        "ambiguous_name",
                        f"{label!r} already names place {other}; names must be unique",
                    )
                )
    return findings


def _unique_ids(tariffs: Iterable[Tariff]) -> list[Finding]:
    seen: dict[str, Tariff] = {}
    findings = []
    for tariff in tariffs:
        first = seen.setdefault(tariff.id, tariff)
        if first is not tariff:
            findings.append(
                Finding(
                    tariff.display,
                    "tariff.id",
                    "duplicate_id",
                    f"id {tariff.id!r} is already used by {first.display}",
                )
            )
    return findings


def _coverage(tariffs: Sequence[Tariff], places: Places | None) -> list[Finding]:
    """Versions of one family and jurisdiction must follow each other without overlap or gap."""
    groups: dict[tuple[str, str], list[Tariff]] = defaultdict(list)
    for tariff in tariffs:
        groups[(tariff.family, jurisdiction_code(tariff, places))].append(tariff)
    findings = []
    for group in groups.values():
        ordered = sorted(group, key=lambda t: t.start)
        for before, after in pairwise(ordered):
            key = "tariff.first_year" if after.by_year else "tariff.valid_from"
            if before.end is None or before.end >= after.start:
                findings.append(
                    Finding(
                        after.display,
                        key,
                        "overlap",
                        f"validity {after.validity_label()} overlaps {before.display} "
                        f"({before.validity_label()}) for the same family and jurisdiction",
                    )
                )
            elif before.end + timedelta(days=1) < after.start:
                findings.append(
                    Finding(
                        after.display,
                        key,
                        "gap",
                        f"validity {after.validity_label()} leaves a gap after {before.display} "
                        f"({before.validity_label()}); no table would be in force between them",
                    )
                )
    return findings


def _unknown_place(tariff: Tariff, key: str, name: str, places: Places) -> Finding:
    close = places.suggest(name)
    hint = f"; closest: {', '.join(close)}" if close else ""
    return Finding(tariff.display, key, "unknown_place", f"unknown place {name!r}{hint}")
