"""Reading tariff files: TOML with exact decimals, hashed, parsed into checked models.

Each problem becomes a `Finding` naming the file and the key path, so a whole folder can be
checked in one pass (`ecocomp tariffs check`).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ecocomp.errors import Finding
from ecocomp.tariffs import catalogue
from ecocomp.tariffs.models import Header, Rule, TariffTable, Value

__all__ = ["Tariff", "flatten", "provisional_warnings", "read_folder", "read_tariff"]


@dataclass(frozen=True)
class Tariff:
    """One tariff version as loaded: its checked model, where it came from and its hash."""

    model: TariffTable
    path: Path
    display: str  # the file name as messages show it
    origin: str  # "shipped" or "user"
    sha256: str
    replaces: Tariff | None = field(default=None, compare=False)

    @property
    def header(self) -> Header:
        return self.model.tariff

    @property
    def id(self) -> str:
        return self.header.id

    @property
    def family(self) -> str:
        return self.header.family

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    @property
    def by_year(self) -> bool:
        return self.header.first_year is not None

    @property
    def start(self) -> date:
        """First day covered (1 January of the first assessment year for yearly tables)."""
        h = self.header
        if h.first_year is not None:
            return date(h.first_year, 1, 1)
        assert h.valid_from is not None  # Header requires one kind of validity
        return h.valid_from

    @property
    def end(self) -> date | None:
        """Last day covered, or None when open-ended."""
        h = self.header
        if self.by_year:
            return None if h.last_year is None else date(h.last_year, 12, 31)
        return h.valid_to

    def covers(self, when: date) -> bool:
        return self.start <= when and (self.end is None or when <= self.end)

    def validity_label(self) -> str:
        """Validity as people write it: '2018-2020', '2021-', '2014-10-01 to 2016-12-31'."""
        h = self.header
        if self.by_year:
            if h.first_year == h.last_year:
                return str(h.first_year)
            return f"{h.first_year}-{h.last_year or ''}"
        end = self.end.isoformat() if self.end else "open"
        return f"{self.start.isoformat()} to {end}"

    def values(self) -> dict[str, Any]:
        """Every leaf of the table by key path (a `Value` or a `Rule` stays whole), header excluded."""
        return {k: v for k, v in flatten(self.model).items() if not k.startswith("tariff.")}

    @cached_property
    def tagged_leaves(self) -> dict[str, str]:
        """Key path -> evidence tag of every `Value` and `Rule` of the table (read once)."""
        return {k: str(v.evidence) for k, v in self.values().items() if isinstance(v, Value | Rule)}

    def provisional_values(self) -> list[str]:
        """Key paths of the values and rules tagged provisional."""
        return [
            k for k, v in self.values().items() if isinstance(v, Value | Rule) and v.evidence == "provisional"
        ]

    def uncertain_values(self) -> list[str]:
        """Key paths of the values and rules tagged provisional or inferred."""
        return [
            k
            for k, v in self.values().items()
            if isinstance(v, Value | Rule) and v.evidence in ("provisional", "inferred")
        ]

    def uncertain_rules(self) -> list[str]:
        """Key paths of the rules tagged provisional or inferred: a settled table holds none."""
        return [
            k
            for k, v in self.values().items()
            if isinstance(v, Rule) and v.evidence in ("provisional", "inferred")
        ]


def provisional_warnings(tariffs: Iterable[Tariff]) -> tuple[str, ...]:
    """One warning per provisional table used, naming its provisional values (or its note):
    every output of a run that used one says so (POLICY.md, "Tariff files")."""
    return tuple(
        f"{t.id} ({t.header.document}) is provisional: {', '.join(t.provisional_values()) or t.header.note}"
        for t in tariffs
        if t.header.status == "provisional"
    )


def flatten(node: object, prefix: str = "") -> dict[str, Any]:
    """Key path -> leaf for a model tree; lists index as [i]; a `Value` is one leaf."""
    out: dict[str, Any] = {}
    for key, child in _children(node):
        path = f"{prefix}[{key}]" if isinstance(key, int) else (f"{prefix}.{key}" if prefix else key)
        if isinstance(child, Value | Rule) or not isinstance(child, BaseModel | dict | tuple | list):
            out[path] = child
        else:
            out.update(flatten(child, path))
    return out


def _children(node: object) -> Iterator[tuple[str | int, object]]:
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield name, getattr(node, name)
    elif isinstance(node, dict):
        yield from ((str(k), v) for k, v in node.items())
    elif isinstance(node, tuple | list):
        yield from enumerate(node)


def read_tariff(path: Path, origin: str, display: str) -> tuple[Tariff | None, list[Finding]]:
    """Parse one tariff file; return the tariff (None if unusable) and every finding."""
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as exc:
        return None, [Finding(display, "", "encoding", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except tomllib.TOMLDecodeError as exc:
        return None, [Finding(display, "", "toml_syntax", f"not valid TOML: {exc}")]
    family = data.get("tariff", {}).get("family") if isinstance(data.get("tariff"), dict) else None
    kind = catalogue.tariff_family(family) if isinstance(family, str) else None
    if kind is None:
        return None, [_family_finding(display, data, family)]
    try:
        model = kind.model.model_validate(data)
    except ValidationError as exc:
        return None, [_finding_from_error(display, e) for e in exc.errors()]
    tariff = Tariff(model, path, display, origin, hashlib.sha256(raw).hexdigest())
    return tariff, []


def read_folder(folder: Path, origin: str, display_root: str) -> tuple[list[Tariff], list[Finding]]:
    """Every `*.toml` below `folder`, in path order, with their findings."""
    tariffs: list[Tariff] = []
    findings: list[Finding] = []
    for path in sorted(folder.rglob("*.toml")):
        display = f"{display_root}/{path.relative_to(folder).as_posix()}"
        tariff, found = read_tariff(path, origin, display)
        findings.extend(found)
        if tariff is not None:
            tariffs.append(tariff)
    return tariffs, findings


def _family_finding(display: str, data: dict[str, Any], family: object) -> Finding:
    if "tariff" not in data:
        return Finding(display, "tariff", "missing", "required table [tariff] is missing")
    if family is None:
        return Finding(display, "tariff.family", "missing", "required key is missing")
    return Finding(
        display,
        "tariff.family",
        "unknown_family",
        f"unknown family {family!r}; use one of: {', '.join(catalogue.names())}",
    )


def _finding_from_error(display: str, error: Any) -> Finding:
    loc = [part for part in error["loc"] if not _is_union_tag(part)]
    key = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(loc))
    kind = error["type"]
    if kind == "missing":
        message = "required key is missing"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "extra_forbidden":
        message = "unknown key (not part of this family's format; check its spelling)"
    elif kind == "model_type" and "Rule" in str(error.get("ctx", {}).get("class_name", "")):
        message = 'a legal rule needs its evidence: write { value = …, evidence = "verified", note = "…" }'
    else:
        message = error["msg"]
    return Finding(display, key, kind, message)


def _is_union_tag(part: object) -> bool:
    """Pydantic adds type names to error locations inside unions; they are not keys."""
    return isinstance(part, str) and (part.startswith("function-") or part in {"Value", "Decimal"})
