"""The range of a report's summary: each money figure at the central reading of the tariff
values and as low and as high as the values' declared bounds move it.

A run with the range is three runs: central, every ranged value at its low bound, every ranged
value at its high bound (`ecocomp.tariffs.readings`). Per row (matched by the table's `row_key`,
e.g. the payer's code), `<key>_low` and `<key>_high` are the least and the greatest of the three
figures: which way a bound moves a place is computed, never assumed. These columns are not
totalled: a sum of per-place extremes is the figure of no reading. The totals of each reading
are in the notes under the table and in the run info instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from ecocomp.reports.model import Column, Report, Table, column_totals
from ecocomp.reports.text import plain

__all__ = [
    "RANGE_SUFFIXES",
    "range_columns",
    "reading_totals",
    "totals_notes",
    "totals_notes_en",
    "with_range",
]

#: With the range computed, each money column is followed by its low and high column.
RANGE_SUFFIXES = (("low", "低"), ("high", "高"))
READING_ZH = {"central": "中值", "low": "低值", "high": "高值"}


def range_columns(columns: Sequence[Column]) -> tuple[Column, ...]:
    """`columns` with each money column followed by "<key>_low" and "<key>_high" ("…·低", "…·高"):
    optional in the JSON Schema (present only in a run with the range) and never totalled."""
    out: list[Column] = []
    for column in columns:
        out.append(column)
        if column.kind == "money":
            out += [
                replace(
                    column,
                    key=f"{column.key}_{key}",
                    zh=f"{column.zh}·{zh}",
                    total=False,
                    optional=True,
                    nullable=True,
                )
                for key, zh in RANGE_SUFFIXES
            ]
    return tuple(out)


def with_range(central: Report, readings: Mapping[str, Report]) -> Report:
    """`central` with its first table ranged over `readings` (reading -> the report of the run
    at that reading) and the totals of every reading in its notes and run info."""
    first = central.tables[0]
    if first.row_key is None:
        raise ValueError(f"table {first.key!r} has no row key to match its rows across readings")
    tables = {"central": first} | {name: report.tables[0] for name, report in readings.items()}
    ranged = replace(
        first,
        columns=range_columns(first.columns),
        rows=ranged_rows(first.rows, [t.rows for t in tables.values()], first.columns, first.row_key),
        notes=(*first.notes, *totals_notes(tables)),
        # English notes where the table has them or has none (else English shows the Chinese ones)
        notes_en=(*first.notes_en, *totals_notes_en(tables)) if first.notes_en or not first.notes else (),
    )
    info = dict(central.manifest) | {"range": {"readings": list(tables), "totals": reading_totals(tables)}}
    return replace(central, tables=(ranged, *central.tables[1:]), manifest=info)


def ranged_rows(
    rows: Sequence[Mapping[str, object]],
    readings: Sequence[Sequence[Mapping[str, object]]],
    columns: Sequence[Column],
    row_key: str,
) -> list[dict[str, object]]:
    """Each row with "<key>_low" and "<key>_high" for its money columns: the least and the
    greatest of the figures of the rows with the same `row_key` across `readings`."""
    by_key = [{r[row_key]: r for r in found} for found in readings]
    money = [c.key for c in columns if c.kind == "money"]
    out: list[dict[str, object]] = []
    for row in rows:
        ranged = dict(row)
        for key in money:
            amounts = [v for m in by_key if isinstance(v := m.get(row[row_key], {}).get(key), Decimal)]
            ranged[f"{key}_low"] = min(amounts) if amounts else None
            ranged[f"{key}_high"] = max(amounts) if amounts else None
        out.append(ranged)
    return out


def reading_totals(tables: Mapping[str, Table]) -> dict[str, dict[str, str]]:
    """Reading -> money column -> the exact total of the table at that reading."""
    return {
        name: {
            c.key: plain(v)
            for c in t.columns
            if c.kind == "money" and (v := column_totals(t).get(c.key)) is not None
        }
        for name, t in tables.items()
    }


def totals_notes(tables: Mapping[str, Table], language: str = "zh") -> tuple[str, ...]:
    """One note per reading: its totals, e.g. "合计（低值）：统筹资金(元) 1,000.00；…" (English:
    "Totals (low): fund 1,000.00; …")."""
    first = next(iter(tables.values()))
    names = {c.key: c.header(language) for c in first.columns}
    notes = []
    for name, table in tables.items():
        totals = column_totals(table)
        parts = [
            f"{names[c.key]} {totals[c.key]:,.2f}"
            for c in table.columns
            if c.kind == "money" and c.key in totals and any(r[c.key] is not None for r in table.rows)
        ]
        if parts and language == "zh":
            notes.append(f"合计（{READING_ZH.get(name, name)}）：" + "；".join(parts))
        elif parts:
            notes.append(f"Totals ({name}): " + "; ".join(parts))
    return tuple(notes)


def totals_notes_en(tables: Mapping[str, Table]) -> tuple[str, ...]:
    """`totals_notes` in English."""
    return totals_notes(tables, "en")
