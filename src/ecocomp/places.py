"""Places: the names users write for Jiangsu's cities and Suzhou's districts, resolved to codes.

A ledger may name a place by its code (320583), its full name (昆山市), its short name (昆山)
or an alias (苏州高新区 for 虎丘区). Matching ignores spaces, full-width forms and case. An
unknown name is an error that lists the closest known names. Region class (苏南/苏中/苏北)
and the Taihu-basin flag come from the places table; a county takes its city's region class.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ecocomp.codes import text_key
from ecocomp.errors import UnknownPlaceError
from ecocomp.tariffs.models import Place, PlacesTable

__all__ = ["PlaceInfo", "Places", "normalize_name"]


def normalize_name(text: str) -> str:
    """The form names are compared in: NFKC (full-width to half-width), no spaces, casefolded."""
    return text_key(text).casefold()


@dataclass(frozen=True)
class PlaceInfo:
    """A resolved place: code, official name, level, parent code, region class, Taihu flag."""

    code: str
    name: str
    short: str
    level: str
    parent: str
    region: str | None
    taihu: str | None

    @property
    def in_taihu_basin(self) -> bool:
        """True only for places wholly in the Taihu basin."""
        return self.taihu == "whole"


class Places:
    """Look places up by code, name, short name or alias."""

    def __init__(self, places: Iterable[Place]) -> None:
        entries = list(places)
        by_code = {p.code: p for p in entries}
        self._info = {p.code: _info(p, by_code) for p in entries}
        self._keys: dict[str, str] = {}
        for p in entries:
            for label in (p.code, p.name, p.short, *p.aliases):
                self._keys.setdefault(normalize_name(label), p.code)

    @classmethod
    def from_table(cls, table: PlacesTable) -> Places:
        return cls(table.place)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize_name(name) in self._keys

    def __iter__(self) -> Iterator[PlaceInfo]:
        return iter(self._info.values())

    @property
    def keys(self) -> Mapping[str, str]:
        """Every accepted spelling (normalized) to its code; for mapping whole columns at once."""
        return self._keys

    def find(self, name: str) -> PlaceInfo | None:
        """The place a name or code stands for, or None."""
        code = self._keys.get(normalize_name(name))
        return None if code is None else self._info[code]

    def resolve(self, name: str) -> PlaceInfo:
        """The place a name or code stands for; `UnknownPlaceError` with suggestions if none."""
        found = self.find(name)
        if found is None:
            raise UnknownPlaceError(name, self.suggest(name))
        return found

    def get(self, code: str) -> PlaceInfo:
        return self._info[code]

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The official names closest to `name`, best first."""
        wanted = normalize_name(name)
        close = difflib.get_close_matches(wanted, list(self._keys), n=limit * 3, cutoff=0.34)
        names: list[str] = []
        for key in close:
            official = self._info[self._keys[key]].name
            if official not in names:
                names.append(official)
        return names[:limit]


def _info(place: Place, by_code: Mapping[str, Place]) -> PlaceInfo:
    region = place.region
    parent = by_code.get(place.parent)
    if region is None and parent is not None and place.level in ("county", "zone"):
        region = parent.region
    return PlaceInfo(
        code=place.code,
        name=place.name,
        short=place.short,
        level=place.level,
        parent=place.parent,
        region=region,
        taihu=place.taihu,
    )
