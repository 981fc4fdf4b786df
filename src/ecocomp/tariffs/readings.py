"""Tariff tables at the low or the high reading of their ranged values.

A provisional or inferred `Value` may declare the interval the texts allow (`low`, `high`). A
table *at a reading* is the same table with every ranged value's `value` replaced by that bound
(a value without that bound stays), found by walking the model tree; ids, hashes and headers are
kept, so a run at a reading cites the very tables the central run cites. Nothing here knows a
family: every model is walked alike (`BaseModel` fields, dicts, tuples and lists).
"""

from __future__ import annotations

from typing import Literal, TypeVar, cast

from pydantic import BaseModel

from ecocomp.errors import UsageError
from ecocomp.tariffs.files import flatten
from ecocomp.tariffs.models import Value

__all__ = ["READINGS", "Reading", "at_reading", "ranged_values"]

Reading = Literal["low", "high"]
READINGS: tuple[Reading, ...] = ("low", "high")

N = TypeVar("N")


def at_reading(node: N, reading: str) -> N:
    """`node` (a model, or a dict, tuple or list of them) with every ranged `Value` at its
    `reading` bound; parts without a range are returned as they are (the same objects)."""
    if reading not in READINGS:
        raise UsageError(f"unknown reading {reading!r}; use one of: {', '.join(READINGS)}")
    return cast(N, _walk(node, reading))


def _walk(node: object, reading: str) -> object:
    if isinstance(node, Value):
        bound = node.low if reading == "low" else node.high
        if bound is None:
            return node
        return node.model_copy(update={"value": bound})
    if isinstance(node, BaseModel):
        updates: dict[str, object] = {}
        for name in type(node).model_fields:
            old = getattr(node, name)
            new = _walk(old, reading)
            if new is not old:
                updates[name] = new
        return node.model_copy(update=updates) if updates else node
    if isinstance(node, dict):
        walked = {k: _walk(v, reading) for k, v in node.items()}
        return walked if any(walked[k] is not v for k, v in node.items()) else node
    if isinstance(node, tuple | list):
        items = [_walk(v, reading) for v in node]
        if all(new is old for new, old in zip(items, node, strict=True)):
            return node
        return type(node)(items)
    return node


def ranged_values(node: object, prefix: str = "") -> dict[str, Value]:
    """Key path -> every `Value` below `node` that declares a low or a high bound."""
    return {
        k: v
        for k, v in flatten(node, prefix).items()
        if isinstance(v, Value) and (v.low, v.high) != (None, None)
    }
