"""The tariff book: every table in reach, checked, and "which version is in force?".

Tables come from the folder shipped inside the package, then from the folders named in
$ECOCOMP_TARIFFS, then from folders the caller names (`--tariffs DIR`). A user table with the
same family, jurisdiction and validity as a shipped one replaces it; the replaced table is
kept on `Tariff.replaces` so every output can say so. Loading runs every check and refuses a
book with any finding.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import cast

from ecocomp.errors import Finding, TariffCheckError, TariffLookupError, UsageError
from ecocomp.places import Places
from ecocomp.tariffs.checks import check_tables, jurisdiction_code
from ecocomp.tariffs.files import Tariff, read_folder
from ecocomp.tariffs.models import PlacesTable
from ecocomp.tariffs.readings import at_reading

__all__ = ["TARIFFS_ENV", "TariffBook", "shipped_tariffs_dir"]

TARIFFS_ENV = "ECOCOMP_TARIFFS"


def shipped_tariffs_dir() -> Path:
    """The tables shipped with ecocomp: inside the installed package, else the source tree."""
    packaged = Path(str(files("ecocomp"))) / "_tariffs"
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[3] / "tariffs"
    if source_tree.is_dir():
        return source_tree
    raise UsageError("the shipped tariff tables are missing from this installation; reinstall ecocomp")


@dataclass(frozen=True)
class TariffBook:
    """The tables in force for a run, checked together."""

    tariffs: tuple[Tariff, ...]
    places: Places

    @classmethod
    def load(
        cls,
        user_dirs: Sequence[Path] = (),
        *,
        env: Mapping[str, str] | None = None,
        include_shipped: bool = True,
    ) -> TariffBook:
        """Read, merge and check; raise `TariffCheckError` listing every finding."""
        tariffs, findings, places = _gather(user_dirs, env, include_shipped)
        if findings:
            raise TariffCheckError(findings)
        if places is None:
            raise TariffCheckError([Finding("(all tables)", "", "missing", "no places table was loaded")])
        return cls(tuple(tariffs), places)

    @staticmethod
    def check(
        user_dirs: Sequence[Path] = (),
        *,
        env: Mapping[str, str] | None = None,
        include_shipped: bool = True,
    ) -> tuple[list[Tariff], list[Finding]]:
        """Every table and every finding, without raising: for `ecocomp tariffs check`."""
        tariffs, findings, _ = _gather(user_dirs, env, include_shipped)
        return tariffs, findings

    def get(self, tariff_id: str) -> Tariff:
        """The table with this id; `UsageError` naming the known ids if there is none."""
        for tariff in self.tariffs:
            if tariff.id == tariff_id:
                return tariff
        known = ", ".join(sorted(t.id for t in self.tariffs))
        raise UsageError(f"no tariff table with id {tariff_id!r}. Known ids: {known}")

    def versions(self, family: str, jurisdiction: str) -> list[Tariff]:
        """All versions of a family for a jurisdiction (name or code), oldest first."""
        code = self.places.resolve(jurisdiction).code
        found = [t for t in self.tariffs if t.family == family and jurisdiction_code(t, self.places) == code]
        return sorted(found, key=lambda t: t.start)

    def in_force(
        self, family: str, jurisdiction: str, *, on: date | None = None, year: int | None = None
    ) -> Tariff:
        """The version in force on a date, or for an assessment year (yearly families)."""
        if (on is None) == (year is None):
            raise UsageError("ask for a table in force either on a date or for an assessment year")
        versions = self.versions(family, jurisdiction)
        for tariff in versions:
            if _covers(tariff, on, year):
                return tariff
        when: date | int = on if on is not None else cast(int, year)
        raise TariffLookupError(
            family, jurisdiction, when, [f"{t.validity_label()} ({t.id})" for t in versions]
        )

    def at_reading(self, reading: str) -> TariffBook:
        """The same book with every ranged value of every table at its `reading` bound ("low"
        or "high"); ids, hashes, headers, origins and places are kept, so a run at a reading
        cites the tables the central run cites. A table without a range is the same object."""
        tariffs = []
        for tariff in self.tariffs:
            model = at_reading(tariff.model, reading)
            tariffs.append(tariff if model is tariff.model else replace(tariff, model=model))
        return TariffBook(tuple(tariffs), self.places)

    @property
    def replacements(self) -> list[Tariff]:
        """The user tables that replaced a shipped one (each knows what it replaced)."""
        return [t for t in self.tariffs if t.replaces is not None]


def _covers(tariff: Tariff, on: date | None, year: int | None) -> bool:
    if year is not None:
        if not date.min.year <= year <= date.max.year:  # no table covers it; the lookup error says what is
            return False
        if tariff.by_year:
            return tariff.covers(date(year, 1, 1))
        return tariff.covers(date(year, 1, 1)) and tariff.covers(date(year, 12, 31))
    assert on is not None
    return tariff.covers(on)


def _gather(
    user_dirs: Sequence[Path], env: Mapping[str, str] | None, include_shipped: bool
) -> tuple[list[Tariff], list[Finding], Places | None]:
    env = os.environ if env is None else env
    sources: list[tuple[Path, str, str]] = []
    if include_shipped:
        sources.append((shipped_tariffs_dir(), "shipped", "tariffs"))
    env_dirs = [Path(p) for p in env.get(TARIFFS_ENV, "").split(os.pathsep) if p.strip()]
    for folder in [*env_dirs, *user_dirs]:
        if not folder.is_dir():
            raise UsageError(f"tariff folder {folder} does not exist or is not a folder")
        sources.append((folder, "user", str(folder)))
    batches: list[list[Tariff]] = []
    findings: list[Finding] = []
    for folder, origin, display in sources:
        found, problems = read_folder(folder, origin, display)
        findings += problems
        batches.append(found)
    places = _places([t for batch in batches for t in batch])
    tariffs: list[Tariff] = []
    for batch in batches:
        tariffs = _merge(tariffs, batch, places)
    places = _places(tariffs)
    findings += check_tables(tariffs, places)
    return tariffs, findings, places


def _merge(existing: list[Tariff], incoming: list[Tariff], places: Places | None) -> list[Tariff]:
    """Add `incoming`; one with the same family, jurisdiction and validity replaces the old one."""
    merged = list(existing)
    for new in incoming:
        slot = _slot(new, places)
        same = next((i for i, old in enumerate(merged) if _slot(old, places) == slot), None)
        if same is None:
            merged.append(new)
        else:
            merged[same] = replace(new, replaces=merged[same])
    return merged


def _slot(tariff: Tariff, places: Places | None) -> tuple[object, ...]:
    return (tariff.family, jurisdiction_code(tariff, places), tariff.start, tariff.end)


def _places(tariffs: Sequence[Tariff]) -> Places | None:
    """Places from the places table that starts last (the last loaded wins a tie)."""
    tables = [t for t in tariffs if isinstance(t.model, PlacesTable)]
    if not tables:
        return None
    model = max(reversed(tables), key=lambda t: t.start).model
    assert isinstance(model, PlacesTable)
    return Places.from_table(model)
