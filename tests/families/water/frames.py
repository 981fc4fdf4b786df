"""Typed ledger frames for water-compensation tests, shaped as `read_ledger` returns them, and
the shortcuts the water tests share: a section row, a month's measurements, a computation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ecocomp.codes import FACTORS
from ecocomp.families.water.compute import WaterResult, compute_water
from ecocomp.families.water.family import WaterRun, run_water
from ecocomp.tariffs.book import TariffBook
from tests.builders import EX18, dates, decimals, frame, month, texts

DATA = Path(__file__).parent / "data"
WUZHONG, XIANGCHENG, WUJIANG, KUNSHAN = "320506", "320507", "320509", "320583"
DANYANG, DANTU = "321181", "321112"

SectionRow = tuple[str, str, str, str, str, str, str]
MonitoringRow = tuple[str, str, str, str, str | None]
ShareRow = tuple[str, str, str, str]


def sections(
    rows: Sequence[SectionRow],
    targets: Mapping[str, Mapping[str, str]] | None = None,
    schemes: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """(section, name, water_body, basin, target_class, upstream code, downstream code) rows;
    `targets` gives a section's own target per factor, `schemes` a section's scheme ("province"
    or "city"; none: the column is empty, the provincial scheme)."""
    own, scheme = targets or {}, schemes or {}
    keys = ["section", "name", "water_body", "basin", "target_class", "upstream", "downstream"]
    columns: dict[str, pa.Array] = {key: texts(r[i] for r in rows) for i, key in enumerate(keys)}
    columns["scheme"] = texts(scheme.get(r[0]) for r in rows)
    for factor in FACTORS:
        columns[f"target_{factor}"] = decimals((own.get(r[0], {}).get(factor) for r in rows), 4)
    return frame(columns, len(rows))


def monitoring(rows: Sequence[MonitoringRow]) -> pd.DataFrame:
    """(section, month 'YYYY-MM', factor, concentration, flow or None) rows."""
    return frame(
        {
            "section": texts(r[0] for r in rows),
            "month": dates(month(r[1]) for r in rows),
            "factor": texts(r[2] for r in rows),
            "concentration_mg_l": decimals((r[3] for r in rows), 4),
            "flow_10k_m3": decimals((r[4] for r in rows), 4),
        },
        len(rows),
    )


def shares(rows: Sequence[ShareRow]) -> pd.DataFrame:
    """(section, factor, district code, share as a fraction) rows."""
    return frame(
        {
            "section": texts(r[0] for r in rows),
            "factor": texts(r[1] for r in rows),
            "district": texts(r[2] for r in rows),
            "share": decimals((r[3] for r in rows), 6),
        },
        len(rows),
    )


def section(code: str = "S1", body: str = "river", basin: str = "taihu", cls: str = "III") -> SectionRow:
    """A section from 吴中区 (upstream) to 吴江区 (downstream)."""
    return (code, f"断面{code}", body, basin, cls, WUZHONG, WUJIANG)


def full(code: str, month: str, values: dict[str, str], flow: str = "1000") -> list[MonitoringRow]:
    """One section-month: a measurement of each factor given, each with the month's flow."""
    return [(code, month, f, v, flow) for f, v in values.items()]


_sections, _shares = sections, shares


def compute(
    book: TariffBook,
    sections: Sequence[SectionRow] | pd.DataFrame,
    rows: Sequence[MonitoringRow],
    first: str,
    last: str | None = None,
    shares: Sequence[ShareRow] | None = None,
) -> WaterResult:
    """`compute_water` over the months first..last (default: first only)."""
    return compute_water(
        _sections(sections) if isinstance(sections, list) else sections,  # type: ignore[arg-type]
        monitoring(rows),
        start=month(first),
        end=month(last or first),
        book=book,
        shares=None if shares is None else _shares(shares),
    )


def example_run(book: TariffBook) -> WaterRun:
    """The shipped 2018 example's water run, its three ledgers, January to December."""
    return run_water(
        EX18 / "sections.csv",
        EX18 / "monitoring.csv",
        shares=EX18 / "section_shares.csv",
        start=month("2018-01"),
        end=month("2018-12"),
        book=book,
    )
