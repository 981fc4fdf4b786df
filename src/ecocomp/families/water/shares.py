"""The upstream side's amount split among its districts, and what each district pays and receives.

References (POLICY.md, family B): 苏环办〔2016〕341号 and 苏环办〔2021〕131号 let a section's
upstream side be shared among districts by sharing coefficients (分担系数); the split is to the
fen by largest remainder, so the parts add up to the line. The province (江苏省) passes the
money on, keeps the table's share of each upstream-pays amount (`kept`), and is a party of its
own where it pays the reverse amount or receives for a section with no downstream district in
Jiangsu: it then has a row (320000) like a district. The city of a city-scheme section (its
money passes through the city's treasury, e.g. 苏州市) is a party the same way. Every party's
net is what it received less what it paid, and the nets of all parties, the treasuries
included, add up to zero.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, TypeVar

from ecocomp.errors import LedgerIssue
from ecocomp.families.water.lines import WaterLine, assemble
from ecocomp.families.water.rules import Section, Shares
from ecocomp.families.water.text import Parties
from ecocomp.money import split_largest_remainder
from ecocomp.tariffs.evidence import Basis

__all__ = ["DistrictMonth", "DistrictTotal", "ShareLine", "shares_from", "split", "summaries"]

Role = Literal["paid", "received"]
K = TypeVar("K")


@dataclass(frozen=True)
class ShareLine:
    """The part of a line's amount one district of the upstream side pays or receives."""

    section: str
    month: date
    factor: str
    district: str
    district_code: str
    role: Role
    share: Decimal
    amount: Decimal
    basis: Basis  # the line's


@dataclass(frozen=True)
class DistrictMonth:
    district: str
    district_code: str
    month: date
    paid: Decimal
    received: Decimal
    net: Decimal  # received − paid
    #: the union of the bases of the lines the party paid, received or passed money in
    basis: Basis = field(default_factory=Basis)


@dataclass(frozen=True)
class DistrictTotal:
    district: str
    district_code: str
    paid: Decimal
    received: Decimal
    net: Decimal
    #: the union of the bases of the lines the party paid, received or passed money in
    basis: Basis = field(default_factory=Basis)


def shares_from(
    rows: Sequence[Mapping[str, object]], registry: Mapping[str, Section], source: str
) -> tuple[Shares, list[LedgerIssue]]:
    """The coefficients per (section, factor) and district; a row of an unknown section is an issue."""
    out: dict[tuple[str, str], dict[str, Decimal]] = {}
    issues: list[LedgerIssue] = []
    for row in rows:
        section, share = str(row["section"]), row["share"]
        if section not in registry:
            why = f"section {section} is not in the sections ledger"
            issues.append(
                LedgerIssue(source, int(str(row["line"])), "section", section, "unknown_section", why)
            )
            continue
        assert isinstance(share, Decimal)
        out.setdefault((section, str(row["factor"])), {})[str(row["district"])] = share
    return out, issues


def split(line: WaterLine, shares: Shares, parties: Parties) -> list[ShareLine]:
    """The upstream side's part of a line, per district (the whole upstream place if unshared)."""
    if line.direction == "none":
        return []
    role: Role = "paid" if line.direction == "upstream_pays" else "received"
    upstream = line.payer_code if role == "paid" else line.receiver_code
    weights = shares.get((line.section, line.factor))
    where = (line.section, line.month, line.factor)
    basis = line.basis
    if not weights:
        return [
            assemble(
                ShareLine, (*where, parties.name(upstream), upstream, role, Decimal(1), line.amount, basis)
            )
        ]
    parts = _parts(line.amount, tuple(weights.items()))
    return [
        assemble(ShareLine, (*where, parties.name(d), d, role, weights[d], part, basis)) for d, part in parts
    ]


@functools.lru_cache(maxsize=1024)
def _parts(amount: Decimal, weights: tuple[tuple[str, Decimal], ...]) -> tuple[tuple[str, Decimal], ...]:
    """The split by largest remainder, by district code (the same amounts recur month after month)."""
    parts = split_largest_remainder(amount, dict(weights))
    return tuple((district, parts[district]) for district in sorted(parts))


def summaries(
    lines: Sequence[WaterLine], shares: Sequence[ShareLine], parties: Parties
) -> tuple[tuple[DistrictMonth, ...], tuple[DistrictTotal, ...]]:
    """Paid and received per party (districts, and the province or a city's treasury when it is
    one) and month, and for the whole range, each with the union of the bases of the lines it
    paid, received or (a treasury) passed money in."""
    flows: dict[tuple[str, date], list[Decimal]] = {}
    bases: dict[tuple[str, date], set[Basis]] = {}
    for share in shares:
        key = (share.district_code, share.month)
        _sums(flows, key)[0 if share.role == "paid" else 1] += share.amount
        found = bases.get(key)
        if found is None:
            bases[key] = {share.basis}
        else:
            found.add(share.basis)
    for line in lines:
        if line.direction == "upstream_pays":
            _sums(flows, (line.receiver_code, line.month))[1] += line.amount - line.kept
            if line.kept:
                _sums(flows, (line.via_code, line.month))[1] += line.kept
            _used(bases, (line.receiver_code, line.month), line.basis)
        elif line.direction == "downstream_pays":
            _sums(flows, (line.payer_code, line.month))[0] += line.amount
            _used(bases, (line.payer_code, line.month), line.basis)
        else:
            continue
        _used(bases, (line.via_code, line.month), line.basis)  # the treasury passes its money
    monthly = tuple(
        DistrictMonth(
            parties.name(code), code, month, paid, received, received - paid, Basis.union(bases[code, month])
        )
        for (code, month), (paid, received) in sorted(flows.items())
    )
    totals: dict[str, list[Decimal]] = {}
    used: dict[str, set[Basis]] = {}
    for row in monthly:
        cell = _sums(totals, row.district_code)
        cell[0] += row.paid
        cell[1] += row.received
        used.setdefault(row.district_code, set()).add(row.basis)
    districts = tuple(
        DistrictTotal(parties.name(code), code, paid, received, received - paid, Basis.union(used[code]))
        for code, (paid, received) in sorted(totals.items())
    )
    return monthly, districts


def _used(bases: dict[K, set[Basis]], key: K, basis: Basis) -> None:
    """Adds `basis` to the bases of `key`."""
    found = bases.get(key)
    if found is None:
        bases[key] = {basis}
    else:
        found.add(basis)


def _sums(sums: dict[K, list[Decimal]], key: K) -> list[Decimal]:
    """The paid (first) and received (second) sums of `key`, both starting at 0.00."""
    found = sums.get(key)
    if found is None:
        found = sums[key] = [Decimal("0.00"), Decimal("0.00")]
    return found
