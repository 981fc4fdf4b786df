"""Which tariff families exist: for each, the model of its tables, the unit each value takes, how
its validity is keyed, and the checks it adds over the loaded tables.

This layer names no policy family: each registers its own tariff families here
(`ecocomp.families.registry`), before any table is read. Only the places table, which every
family uses, is registered by the tariff layer itself (`ecocomp.tariffs.models`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecocomp.errors import Finding
    from ecocomp.places import Places
    from ecocomp.tariffs.files import Tariff
    from ecocomp.tariffs.models import TariffTable

__all__ = ["TableCheck", "TariffFamily", "checks", "names", "register", "tariff_family", "unregister"]

#: A check over every loaded table (e.g. the seed plan's Taihu TP >= 2x rule): findings, never an exception.
TableCheck = Callable[["Sequence[Tariff]", "Places | None"], "list[Finding]"]


@dataclass(frozen=True)
class TariffFamily:
    """One tariff family: the `family` a file's header names, and how its files are read."""

    name: str
    model: type[TariffTable]
    #: the unit each value must have: (key-path pattern, unit), first match wins
    units: tuple[tuple[str, str], ...] = ()
    #: validity by assessment year (first_year / last_year) instead of by date
    by_year: bool = False


_FAMILIES: dict[str, TariffFamily] = {}
_CHECKS: dict[str, tuple[TableCheck, ...]] = {}


def register(owner: str, families: Sequence[TariffFamily], table_checks: Sequence[TableCheck] = ()) -> None:
    """Add `owner`'s tariff families and checks (again: replaces what `owner` registered)."""
    unregister(owner)
    for family in families:
        if family.name in _FAMILIES:
            raise ValueError(f"tariff family {family.name!r} is registered twice")
        _FAMILIES[family.name] = family
    _CHECKS[owner] = tuple(table_checks)
    _OWNERS[owner] = tuple(f.name for f in families)


def unregister(owner: str) -> None:
    """Remove what `owner` registered (a test's family, for instance)."""
    for name in _OWNERS.pop(owner, ()):
        _FAMILIES.pop(name, None)
    _CHECKS.pop(owner, None)


_OWNERS: dict[str, tuple[str, ...]] = {}


def tariff_family(name: str) -> TariffFamily | None:
    """The registered tariff family of that name, or None."""
    return _FAMILIES.get(name)


def names() -> tuple[str, ...]:
    """Every registered tariff family, in registration order."""
    return tuple(_FAMILIES)


def checks() -> tuple[TableCheck, ...]:
    """Every registered cross-table check, in registration order."""
    return tuple(check for owned in _CHECKS.values() for check in owned)
