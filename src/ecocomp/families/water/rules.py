"""Water-compensation rules that read the registry and the tables: sections, targets, versions.

References (POLICY.md, family B): targets are the limits of GB 3838-2002 for the section's water
body and class unless the section has its own (苏环办〔2016〕341号, 断面目标); exceedance bands
and load standards per basin and factor come from the water_compensation table in force
(苏政办发〔2013〕195号, 苏环办〔2016〕341号, 苏环办〔2021〕131号).

Nothing here decides a number: targets, bands and standards come from tariff tables, sections
from the ledger. A table is read once per version into plain lookups keyed by text (`Version`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.codes import FACTORS
from ecocomp.families.water.tables import Band, QualityStandardTable, WaterCompensationTable
from ecocomp.money import Rounding
from ecocomp.months import day_date
from ecocomp.places import PlaceInfo, Places
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.models import Value

__all__ = [
    "Section",
    "Shares",
    "Step",
    "Target",
    "Version",
    "city_of",
    "columns",
    "plain",
    "records",
    "sections_from",
    "target_for",
    "version_of",
]

Target = tuple[Decimal, str]  # the target concentration and its basis (断面目标, III类, …)
Shares = Mapping[tuple[str, str], Mapping[str, Decimal]]  # (section, factor) -> district -> 分担系数


@dataclass(frozen=True)
class Section:
    """One monitoring cross-section (断面) as the sections ledger gives it."""

    code: str
    name: str
    line: int
    water_body: str
    basin: str
    target_class: str
    upstream: str
    downstream: str
    targets: Mapping[str, Decimal]  # the section's own target per factor (overrides the class limit)
    scheme: str = "province"  # "province" (省级) or "city" (市级: the city's own scheme, S54)


def columns(frame: pd.DataFrame | None) -> dict[str, list[Any]]:
    """A typed ledger frame column by column (nulls as None, Arrow decimals as `Decimal`)."""
    if frame is None or len(frame) == 0:
        return {}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return {name: _python(table.column(name)) for name in table.column_names}


def _python(column: pa.ChunkedArray) -> list[Any]:
    """Decimals through their text (as pyarrow itself does, but at once and once per distinct value),
    dates by day number."""
    if pa.types.is_decimal(column.type):
        texts = pc.cast(column, pa.string()).to_pylist()
        numbers = {text: Decimal(text) for text in set(texts) if text is not None}
        return [None if text is None else numbers[text] for text in texts]
    if pa.types.is_date32(column.type):
        days = pc.cast(column, pa.int32()).to_pylist()
        dates = {d: day_date(d) for d in set(days) if d is not None}
        return [None if d is None else dates[d] for d in days]
    return list(column.to_pylist())


def records(frame: pd.DataFrame | None) -> list[dict[str, object]]:
    """A typed ledger frame as plain rows (nulls as None, Arrow decimals as `Decimal`)."""
    by_name = columns(frame)
    return [dict(zip(by_name, values, strict=True)) for values in zip(*by_name.values(), strict=True)]


def sections_from(frame: pd.DataFrame, factors: Iterable[str]) -> dict[str, Section]:
    """The section registry by section code."""
    out: dict[str, Section] = {}
    for row in records(frame):
        code = str(row["section"])
        overrides = {f: v for f in factors if isinstance(v := row.get(f"target_{f}"), Decimal)}
        out[code] = Section(
            code,
            str(row.get("name") or code),
            int(str(row["line"])),
            str(row["water_body"]),
            str(row["basin"]),
            str(row["target_class"]),
            str(row["upstream"]),
            str(row["downstream"]),
            overrides,
            str(row.get("scheme") or "province"),
        )
    return out


def city_of(code: str, places: Places) -> PlaceInfo | None:
    """The prefecture city a place lies in: a city itself, or the city a district, county-level
    city or zone belongs to; None for the province, the nation or an unknown place."""
    place = places.find(code)
    if place is None:
        return None
    if place.level == "city":
        return place
    parent = places.find(place.parent) if place.parent else None
    if place.level in ("county", "zone") and parent is not None and parent.level == "city":
        return parent
    return None


@dataclass(frozen=True)
class Version:
    """The two tables in force in a month, read into lookups by basin, factor, water body and class."""

    tariff: Tariff
    standard: Tariff
    table: WaterCompensationTable
    tariff_id: str
    standard_id: str
    document: str
    rounding: Rounding
    factors: Mapping[str, tuple[str, ...]]  # per basin, the factors assessed
    limits: Mapping[tuple[str, str, str], Decimal]  # GB 3838-2002 per (factor, water body, class)
    standards: Mapping[tuple[str, str], Decimal]  # load method: yuan per tonne per (basin, factor)
    bands: Mapping[tuple[str, str], tuple[Step, ...]]  # per (basin, factor): highest `above` first
    method: str  # "load" or "banded"
    band_amount: str | None  # banded: "fixed" or "base_times_one_plus_multiple"
    missing_data: str  # "error", "previous_month" or "annual_mean"
    reverse_rule: str  # "none" or "load": what a fully compliant section-month earns
    reverse_payer: str | None  # "downstream" or "province"
    reverse_standards: Mapping[tuple[str, str], Decimal]  # yuan per tonne per (basin, factor)
    province_share: Decimal  # the part of each upstream-pays amount the province keeps


def version_of(tariff: Tariff, standard: Tariff) -> Version:
    """The lookups of a water_compensation table and the quality standard beside it."""
    table, quality = tariff.model, standard.model
    assert isinstance(table, WaterCompensationTable) and isinstance(quality, QualityStandardTable)
    rounding = Rounding(table.tariff.rounding.quantum, table.tariff.rounding.mode)
    limits = {
        (str(factor), str(body), str(cls)): limit.value
        for factor, by_body in quality.limits.items()
        for body, by_class in by_body.items()
        for cls, limit in by_class.items()
    }
    return Version(
        tariff,
        standard,
        table,
        tariff.id,
        standard.id,
        tariff.header.document,
        rounding,
        {str(basin): tuple(factors.value) for basin, factors in table.factors.items()},
        limits,
        _per_factor(table.standards),
        _bands(table, rounding),
        table.method.value,
        None if table.band_amount is None else table.band_amount.value,
        table.missing_data.value,
        table.reverse.rule.value,
        None if table.reverse.payer is None else table.reverse.payer.value,
        _per_factor(table.reverse.standards),
        table.province.share.value,
    )


def _per_factor(standards: Mapping[Any, Mapping[Any, Value]]) -> dict[tuple[str, str], Decimal]:
    return {(str(b), str(f)): v.value for b, by_factor in standards.items() for f, v in by_factor.items()}


class Step(NamedTuple):
    """One exceedance band: above this multiple, this amount (rounded once, for fixed bands)."""

    above: Decimal
    amount: Decimal
    rounded: Decimal


def _bands(table: WaterCompensationTable, rounding: Rounding) -> dict[tuple[str, str], tuple[Step, ...]]:
    """Per basin and factor: the factor's own bands, else the basin's default ones, highest `above`
    first; equal ones keep the table's order (the first of them is the one `max` would pick)."""
    out: dict[tuple[str, str], tuple[Step, ...]] = {}
    for basin, by_factor in table.bands.items():
        named = {str(factor): bands for factor, bands in by_factor.items()}
        for factor in FACTORS:
            found = sorted(named.get(factor) or named.get("default") or (), key=_above, reverse=True)
            out[str(basin), factor] = tuple(
                Step(b.above.value, b.amount.value, rounding.apply(b.amount.value)) for b in found
            )
    return out


def _above(band: Band) -> Decimal:
    return band.above.value


def target_for(section: Section, factor: str, version: Version) -> Target | None:
    """The target concentration and where it comes from, or None if neither override nor limit exists."""
    if factor in section.targets:
        return section.targets[factor], "断面目标"
    for body in (section.water_body, "all"):
        limit = version.limits.get((factor, body, section.target_class))
        if limit is not None:
            return limit, f"{section.target_class}类"
    return None


def plain(value: Decimal) -> Decimal:
    """A quantity without trailing zeros or an exponent: 5.0000000000 -> 5, 5E+2 -> 500."""
    return Decimal(format(value.normalize(), "f")) if value else Decimal(0)
