"""The registry: the only list of policy families. Everything family-neutral (the settlement, the
JSON Schema generator, `tariffs check`, `ledger check`, the CLI) iterates it and names none.

Registering a family also registers its tariff families and table checks
(`ecocomp.tariffs.catalogue`) and its ledger kinds (`ecocomp.ledgers.kinds`), so a table or a
ledger of that family can be read as soon as the family is listed. `ecocomp/__init__.py`
imports this module, so the shipped families are registered before anything else runs.
Registering is light: a family's module names its computation (pandas, pyarrow) only in the
methods that run it, so `import ecocomp` and `ecocomp --help` import none of it.
"""

from __future__ import annotations

from types import MappingProxyType

from ecocomp.families.base import Family
from ecocomp.families.fund.family import FUND
from ecocomp.families.surcharge.family import SURCHARGE
from ecocomp.families.water.family import WATER
from ecocomp.ledgers.kinds import register_kinds, unregister_kinds
from ecocomp.tariffs import catalogue

__all__ = ["FAMILIES", "family", "register", "unregister"]

_FAMILIES: dict[str, Family] = {}
#: Every registered family by key, in registration order (a live view).
FAMILIES = MappingProxyType(_FAMILIES)


def register(family: Family) -> None:
    """List a family, with its tariff families, table checks and ledger kinds."""
    if family.key in _FAMILIES:
        raise ValueError(f"family {family.key!r} is registered twice")
    catalogue.register(family.key, family.tariff_families, family.table_checks)
    register_kinds(family.key, family.ledger_kinds)
    _FAMILIES[family.key] = family


def unregister(key: str) -> None:
    """Take a family off the list (a test's family, for instance)."""
    _FAMILIES.pop(key, None)
    catalogue.unregister(key)
    unregister_kinds(key)


def family(key: str) -> Family:
    """The registered family of that key."""
    return _FAMILIES[key]


for _shipped in (FUND, WATER, SURCHARGE):
    register(_shipped)
