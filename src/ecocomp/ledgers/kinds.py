"""The ledger kinds (台账): their columns, the header spellings accepted, parse rules and keys.

Each column has a canonical English name,
the header spellings clerks write (Chinese or English, matched after NFKC, without spaces and
case-insensitively; also followed by a note in brackets or after a colon, 用电量(万kWh), read by
`split_header` and `units_named`), a parse rule (see `ecocomp.ledgers.parse`), whether it is required, and
for decimals the scale (decimal places) it is stored with. Each policy family declares its
own kinds (`ecocomp.families.<family>.ledgers`) from these parts and registers them. The code
vocabularies and the names clerks write for them come from `ecocomp.codes`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from ecocomp.codes import HEADER_UNIT_NAMES, text_key

__all__ = [
    "ENTERPRISE",
    "KINDS",
    "MONTH",
    "PAYER",
    "SECTION",
    "YEAR",
    "Column",
    "Kind",
    "codes_of",
    "header_key",
    "register_kinds",
    "split_header",
    "units_named",
    "unregister_kinds",
    "value_key",
]


def header_key(text: str) -> str:
    """How headers are compared: NFKC (full-width to half-width), no spaces, lower case."""
    return text_key(text).lstrip("*")


#: A header ending in a bracketed note (用电量(万kWh), 单位【吨】, 用水量[m3]) or a colon (单位:吨).
_NOTED = re.compile(r"^(?P<base>.+?)(?:[(\[【〔](?P<note>[^()\[\]【】〔〕]*)[)\]】〕]|:(?P<after>.*))$")


def _unit_keys() -> dict[str, tuple[str, ...]]:
    """Every unit name, normalized, to the units it stands for (吨: t and m3)."""
    keys: dict[str, tuple[str, ...]] = {}
    for unit, names in HEADER_UNIT_NAMES.items():
        for key in dict.fromkeys(text_key(n) for n in (unit, *names)):
            keys[key] = (*keys.get(key, ()), unit)
    return keys


_UNIT_KEYS = _unit_keys()


def split_header(header: str) -> tuple[str, str] | None:
    """A header's base key and the note in its last bracket or after its colon, as written
    (NFKC, no spaces): 用电量（万kWh） gives ("用电量", "万kWh"), 用电量() ("用电量", "");
    None when there is no bracket or colon."""
    written = "".join(unicodedata.normalize("NFKC", header).split()).lstrip("*")
    found = _NOTED.match(written)
    if found is None:
        return None
    return header_key(found["base"]), found["note"] if found["note"] is not None else found["after"]


def units_named(text: str) -> tuple[str, ...]:
    """The header units (`ecocomp.codes.HEADER_UNITS`) a name stands for: 千克 is kg; 吨 is t
    or, for a water volume, m3."""
    return _UNIT_KEYS.get(text_key(text), ())


def value_key(text: str) -> str:
    """How coded values are compared; the column form is `ledger_parse.normalize_keys`."""
    return text_key(text)


@dataclass(frozen=True)
class Column:
    """One column of a ledger kind: name, accepted headers, parse rule, required, decimal scale.

    A decimal column also declares `unit`, the unit its values are kept in (e.g. "kWh", "m3",
    "mg/L", "t"; empty when it has none), and `maximum`, the largest absolute value it accepts
    (inclusive): a larger value is a row problem, so nothing downstream can overflow.
    """

    name: str
    spellings: tuple[str, ...]
    rule: str
    required: bool = True
    scale: int = 0
    non_negative: bool = False
    codes: Mapping[str, str] = field(default_factory=dict)
    unit: str = ""
    maximum: Decimal | None = None

    def accepts(self, header: str) -> bool:
        """True if a header as written names this column."""
        key = header_key(header)
        return key == header_key(self.name) or key in {header_key(s) for s in self.spellings}


@dataclass(frozen=True)
class Kind:
    """A ledger kind: its columns, the key that must be unique, and one-of column groups."""

    name: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    #: when column X is in the file, the key is key_with[X] instead (e.g. bills: account + month +
    #: adjusts); a part that is neither X nor in `key` may be empty (empty counts as one value)
    key_with: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: a column whose filled rows may carry negative values in the non-negative columns (bills:
    #: 退补月份, adjustments); the other rows keep the `negative` problem
    signed_by: str | None = None
    #: (column, limit): a filled column may not be later than its row's limit (bills: adjusts, month)
    not_after: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def header_keys(self) -> frozenset[str]:
        """Every accepted header spelling, normalized; used to find the header row."""
        keys = {header_key(s) for c in self.columns for s in c.spellings}
        return frozenset(keys | {header_key(c.name) for c in self.columns})


def codes_of(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Alias table: every spelling (and the code itself), normalized, to the code."""
    out: dict[str, str] = {}
    for code, names in table.items():
        for name in (code, *names):
            out[value_key(name)] = code
    return out


YEAR = Column("year", ("年度", "年份", "年", "考核年度"), "year")
PAYER = Column("payer", ("缴费主体", "地区", "地区名称", "设区市", "市县"), "place")
ENTERPRISE = Column("enterprise", ("企业名称", "企业", "单位名称", "排污单位"), "text")
SECTION = Column("section", ("断面", "断面编号", "断面代码", "断面名称代码"), "text")
MONTH = Column("month", ("月份", "月", "年月", "监测月份", "时间"), "month")


_KINDS: dict[str, Kind] = {}
_OWNERS: dict[str, tuple[str, ...]] = {}
#: Every ledger kind by name (`ecocomp ledger check KIND`): a live view of what the policy
#: families registered (`ecocomp.families.registry`).
KINDS: Mapping[str, Kind] = MappingProxyType(_KINDS)


def register_kinds(owner: str, kinds: Sequence[Kind]) -> None:
    """Add `owner`'s ledger kinds (again: replaces what `owner` registered)."""
    unregister_kinds(owner)
    for kind in kinds:
        if kind.name in _KINDS:
            raise ValueError(f"ledger kind {kind.name!r} is registered twice")
        _KINDS[kind.name] = kind
    _OWNERS[owner] = tuple(k.name for k in kinds)


def unregister_kinds(owner: str) -> None:
    """Remove the ledger kinds `owner` registered."""
    for name in _OWNERS.pop(owner, ()):
        _KINDS.pop(name, None)
