"""What a computed figure rests on: the tariff values and rules it used, and the weakest evidence
among them (POLICY.md, evidence tags: verified > translated > inferred > provisional).

A `Basis` is a set of uses, each a reference `"<tariff id>:<key path>"` with that value's or
rule's evidence. A family builds the basis of each line from the key paths its rules read
(`basis_of`); the basis of a summary figure is the union of its lines' (`Basis.union`). A table
whose header says `status = "provisional"` counts as one more provisional use, `<id>:tariff.status`:
its validity or its reading as a whole is unsettled even where each value is verified.

Outputs carry two things per line: `evidence` (the weakest tag, a code; the workbook shows its
Chinese label) and `evidence_values` (the references of every use weaker than verified, each with
its tag, weakest first), so a clerk sees which values to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ecocomp.codes import EVIDENCE
from ecocomp.reports.model import Column
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.models import PlacesTable

__all__ = [
    "EVIDENCE_COLUMNS",
    "EVIDENCE_LABELS",
    "EVIDENCE_RANK",
    "EVIDENCE_ZH",
    "UNCERTAIN",
    "Basis",
    "basis_of",
    "evidence_notes",
    "evidence_values_shown",
    "place_basis",
    "warning_text",
    "weakest",
]

#: The Chinese label of each evidence tag, as the workbook and the terminal show it.
EVIDENCE_ZH = {"verified": "已核实", "translated": "译文", "inferred": "推定", "provisional": "暂定"}
#: (code, label) pairs for a report column of evidence codes.
EVIDENCE_LABELS = tuple(EVIDENCE_ZH.items())


def evidence_values_shown(value: object, language: str) -> object:
    """An `evidence_values` text as people read it: in Chinese each tag in brackets by its label
    ("jiangsu-fund-2018:cap (inferred)" -> "jiangsu-fund-2018:cap（推定）"); in English as it is."""
    if language != "zh" or not isinstance(value, str):
        return value
    for tag, label in EVIDENCE_ZH.items():
        value = value.replace(f" ({tag})", f"（{label}）")
    return value.replace("; ", "；")


#: The two columns of a line or a summary row: the weakest tag (a code, shown by its label) and
#: the values weaker than verified that it rests on (`Basis.columns`).
EVIDENCE_COLUMNS = (
    Column("evidence", "依据等级", "text", labels=EVIDENCE_LABELS, nullable=False),
    Column("evidence_values", "未核实的依据值", "text", render=evidence_values_shown),  # "" when all verified
)
#: The tags a summary marks: a figure resting on one of these is not final.
UNCERTAIN = frozenset({"inferred", "provisional"})
#: Each tag's rank, weakest highest (verified 0 … provisional 3).
EVIDENCE_RANK = {tag: rank for rank, tag in enumerate(EVIDENCE)}
_RANK = EVIDENCE_RANK
_STATUS_PATH = "tariff.status"


def weakest(tags: Iterable[str]) -> str:
    """The weakest of `tags` ("verified" when there are none)."""
    return max(tags, key=_RANK.__getitem__, default="verified")


@dataclass(frozen=True)
class Basis:
    """The uses a figure rests on: (reference, evidence) pairs, references unique."""

    uses: frozenset[tuple[str, str]] = frozenset()

    @property
    def evidence(self) -> str:
        """The weakest evidence among the uses."""
        return weakest(tag for _, tag in self.uses)

    @property
    def uncertain(self) -> bool:
        """Whether an inferred or provisional value or rule went into the figure."""
        return self.evidence in UNCERTAIN

    def weaker_than_verified(self) -> list[tuple[str, str]]:
        """The uses that are not verified, weakest first, then by reference."""
        found = [(ref, tag) for ref, tag in self.uses if tag != "verified"]
        return sorted(found, key=lambda use: (-_RANK[use[1]], use[0]))

    @property
    def values_text(self) -> str:
        """E.g. "jiangsu-water-2017:standards.taihu.tn (provisional); …"; "" when all are verified."""
        return "; ".join(f"{ref} ({tag})" for ref, tag in self.weaker_than_verified())

    def __or__(self, other: Basis) -> Basis:
        return Basis(self.uses | other.uses)

    @staticmethod
    def union(bases: Iterable[Basis]) -> Basis:
        """The basis of a figure made of figures with these bases."""
        uses: set[tuple[str, str]] = set()
        for basis in bases:
            uses |= basis.uses
        return Basis(frozenset(uses))

    def columns(self) -> dict[str, str]:
        """The report columns of a line: `evidence` and `evidence_values`."""
        return {"evidence": self.evidence, "evidence_values": self.values_text}


NOTE_LEAD = "注：依据等级为“暂定”或“推定”的数字用到了下列未核实的费率表值："
NOTE_LEAD_EN = "Note: figures marked provisional or inferred rest on these unverified tariff values:"


def evidence_notes(basis: Basis, language: str = "zh") -> tuple[str, ...]:
    """The notes under a summary whose rows are marked, in `language`: a lead line, then one line
    per tariff table naming its inferred and provisional values used, each as its reference
    `<table>:<key path>` (as the 未核实的依据值 column writes it) with its tag in brackets; none
    when the figures rest on nothing uncertain."""
    by_table: dict[str, list[str]] = {}
    for ref, tag in sorted(basis.weaker_than_verified()):
        if tag in UNCERTAIN:
            shown = f"{ref}（{EVIDENCE_ZH[tag]}）" if language == "zh" else f"{ref} ({tag})"
            by_table.setdefault(ref.split(":", 1)[0], []).append(shown)
    if not by_table:
        return ()
    if language == "zh":
        return (NOTE_LEAD, *("、".join(refs) for _, refs in sorted(by_table.items())))
    return (NOTE_LEAD_EN, *("; ".join(refs) for _, refs in sorted(by_table.items())))


_PROVISIONAL = re.compile(r"^(?P<id>\S+) \((?P<document>.*)\) is provisional: (?P<what>.*)$", re.S)
_PATHS = re.compile(r"^[\w.\[\]\-]+(, [\w.\[\]\-]+)*$")


def warning_text(warning: str) -> tuple[str, str]:
    """A provisional table's warning in both languages, from its parts: how many provisional
    values it has (the summary's notes name them), or, where the warning gives the table's own
    note, where to read it (the note itself is the table's text, in English); another warning
    as the run wrote it."""
    found = _PROVISIONAL.match(warning)
    if found is None:
        return warning, warning
    what, table = found["what"], found["id"]
    if _PATHS.match(what):
        count = len(what.split(", "))
        return (
            f"{table}（{found['document']}）为暂定费率表，暂定值 {count} 项，见汇总表下的注",
            f"{table} ({found['document']}) is provisional: {count} provisional value(s), "
            "named under the summary",
        )
    return (
        f"{table}（{found['document']}）为暂定费率表，说明见该费率表文件",
        f"{table} ({found['document']}) is provisional: see its note (ecocomp tariffs show {table})",
    )


def basis_of(tariff: Tariff, *paths: str) -> Basis:
    """The values and rules of `tariff` at `paths` (a path names a leaf or every leaf below it),
    plus the table's provisional status. A path the table does not have names nothing: the
    caller only passes paths its rules read."""
    leaves = tariff.tagged_leaves
    uses = {
        (f"{tariff.id}:{path}", tag)
        for wanted in paths
        for path, tag in leaves.items()
        if path == wanted or path.startswith(wanted + ".") or path.startswith(wanted + "[")
    }
    if tariff.header.status == "provisional":
        uses.add((f"{tariff.id}:{_STATUS_PATH}", "provisional"))
    return Basis(frozenset(uses))


def place_basis(tariffs: Iterable[Tariff], code: str) -> Basis:
    """The places-table entry of `code` (its region class and Taihu flag), by the places table
    that starts last, as the book reads it: `<places id>:place.<code>` with the entry's evidence."""
    tables = [t for t in tariffs if isinstance(t.model, PlacesTable)]
    if not tables:
        return Basis()
    table = max(reversed(tables), key=lambda t: t.start)
    assert isinstance(table.model, PlacesTable)
    found = {(f"{table.id}:place.{p.code}", p.evidence) for p in table.model.place if p.code == code}
    return Basis(frozenset(found))
