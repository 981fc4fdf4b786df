"""What changed between two tariff versions, value by value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.models import Rule, Value

__all__ = ["Change", "describe", "diff_tariffs"]


@dataclass(frozen=True)
class Change:
    """One key path whose leaf differs: `before`/`after` are None where the key is absent."""

    key: str
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


def diff_tariffs(old: Tariff, new: Tariff) -> list[Change]:
    """Every leaf (rate, unit, evidence, setting) that differs between two tables, by key path."""
    a, b = old.values(), new.values()
    keys = sorted(set(a) | set(b))
    return [Change(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


def describe(leaf: Any) -> str:
    """A leaf as text: '2000 CNY/billing_unit (verified)' for a value, else its plain form."""
    if leaf is None:
        return "-"
    if isinstance(leaf, Value):
        return f"{leaf.value} {leaf.unit} ({leaf.evidence})"
    if isinstance(leaf, Rule):
        return f"{describe(leaf.value)} ({leaf.evidence})"
    if isinstance(leaf, tuple | list):
        return ", ".join(str(x) for x in leaf) or "(none)"
    return str(leaf)
