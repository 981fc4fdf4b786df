"""What each surcharge line and each summary figure rests on (`ecocomp.tariffs.evidence`).

References (POLICY.md, family C; evidence tags): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019
revision), 《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费
(2017-01-01), 《江苏省企业环保信用评价暂行办法》 (2019 score bands).

Per instrument billed on a line, the line uses of its table (`basis_of`, which adds the table's
provisional status as `<id>:tariff.status`):

- ``kind`` and ``rating_rule`` always;
- ``rates.<colour>`` of the colour charged (``rates.black`` for red twice in a row);
- ``red_repeat_as_black`` when the rating was red, and ``rating_periods`` when that rule is on;
- ``unrated`` when no rating was in force (and ``rates.<colour>`` under ``as:<colour>``);
- when the rating's colour came from a score, the bands table's band(s) of that colour and its
  ``copied_from`` rule.

A line's uses depend only on (table, category charged, bands table) per instrument, so each
instrument's lines get a small integer *key* (0: nothing charged) and each line the pair of its
two keys as one integer (`charges` writes it per chunk, with numpy). The bases are built once per
key present, never per bill; summaries aggregate the keys with bincounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ecocomp.codes import COLOURS, EVIDENCE
from ecocomp.families.surcharge.plan import Plan
from ecocomp.families.surcharge.ratings import BLACK, RED, RED_REPEAT, UNRATED, model_of
from ecocomp.families.surcharge.tables import CreditBandsTable, unrated_colour
from ecocomp.tariffs.evidence import EVIDENCE_RANK as _RANK
from ecocomp.tariffs.evidence import Basis, basis_of
from ecocomp.tariffs.files import Tariff

__all__ = [
    "CATEGORIES",
    "KeyLayout",
    "LineEvidence",
    "evidence_column",
    "group_bases",
    "line_evidence",
    "presence",
    "rating_bases",
    "weakest_per_group",
]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Int8s = npt.NDArray[np.int8]
Bools = npt.NDArray[np.bool_]
CATEGORIES = RED_REPEAT + 1  # colour indexes, UNRATED, RED_REPEAT (as `Charges.category`)
_CELLS = 200_000_000  # largest group x code matrix counted at once


@dataclass(frozen=True, eq=False)
class KeyLayout:
    """How a line's key is made: per instrument `1 + (tariff * CATEGORIES + category) * (bands + 1)
    + band + 1` (0 when the instrument charged nothing), the line's `pair = key_1 * sizes[1] + key_2`."""

    bands: int  # number of score-bands tables
    sizes: tuple[int, ...]  # per instrument (INSTRUMENTS order): the number of keys

    @classmethod
    def of(cls, plans: Sequence[Plan], bands: int) -> KeyLayout:
        return cls(bands, tuple(1 + len(p.tariffs) * CATEGORIES * (bands + 1) for p in plans))

    @property
    def pairs(self) -> int:
        return int(np.prod(self.sizes))

    def key(self, tariff: Int32s, category: Int8s, band: Int8s, charged: Bools) -> Int32s:
        """Per bill of one instrument its key (tables and categories as `Charges` holds them)."""
        width = np.int32(self.bands + 1)
        key = (tariff * np.int32(CATEGORIES) + category) * width + band + np.int32(2)
        return np.where(charged, key, np.int32(0)).astype(np.int32, copy=False)

    def split(self, pair: int) -> tuple[int, ...]:
        """The key of each instrument in a line's pair."""
        keys = []
        for size in reversed(self.sizes):
            pair, key = divmod(pair, size)
            keys.append(key)
        return tuple(reversed(keys))

    def parts(self, key: int) -> tuple[int, int, int]:
        """(tariff, category, band) of a non-zero key; band -1 for a colour given as such."""
        rest, band = divmod(key - 1, self.bands + 1)
        tariff, category = divmod(rest, CATEGORIES)
        return tariff, category, band - 1


@dataclass(frozen=True, eq=False)
class LineEvidence:
    """The bases of the line pairs of a run, and per pair its evidence and text as dictionary
    indexes (dense over every possible pair; only those of charged lines are filled)."""

    layout: KeyLayout
    pairs: Ints  # the distinct pairs of the charged lines, sorted; the compact code is the position
    compact: Int32s  # per possible pair: its compact code, -1 when no charged line has it
    bases: tuple[Basis, ...]  # per compact code: the line's basis (both instruments)
    instrument_bases: tuple[tuple[Basis, ...], ...]  # per compact code, per instrument
    evidence: Int8s  # per possible pair: index into EVIDENCE
    text: Int32s  # per possible pair: index into `texts`
    texts: pa.Array = field(default_factory=lambda: pa.array([""], pa.string()))

    def columns(self, pair: Int32s) -> dict[str, pa.Array]:
        """`evidence` and `evidence_values` of lines with these pairs, as dictionary columns."""
        text = pa.array(self.text.take(pair), pa.int32())
        return {
            "evidence": evidence_column(self.evidence.take(pair)),
            "evidence_values": pa.DictionaryArray.from_arrays(text, self.texts),
        }

    @property
    def rank(self) -> Int8s:
        """Per compact code: its evidence as an index into EVIDENCE."""
        return self.evidence.take(self.pairs)

    def codes(self, pair: Int32s) -> Int32s:
        """Per line its compact code (an index into `bases`)."""
        return self.compact.take(pair)

    @property
    def basis(self) -> Basis:
        """The union of every charged line's basis."""
        return Basis.union(self.bases)


def line_evidence(
    layout: KeyLayout, plans: Sequence[Plan], band_tables: Sequence[Tariff], present: Iterable[int]
) -> LineEvidence:
    """The bases of the pairs `present` (those of the charged lines)."""
    pairs = np.array(sorted(set(present)), dtype=np.int64)
    cache: dict[tuple[int, int], Basis] = {}

    def instrument(index: int, key: int) -> Basis:
        if (index, key) not in cache:
            cache[index, key] = _key_basis(layout, plans[index], band_tables, key)
        return cache[index, key]

    per_instrument = tuple(
        tuple(instrument(i, key) for i, key in enumerate(layout.split(int(p)))) for p in pairs.tolist()
    )
    bases = tuple(Basis.union(parts) for parts in per_instrument)
    compact = np.full(layout.pairs, -1, dtype=np.int32)
    compact[pairs] = np.arange(len(pairs), dtype=np.int32)
    texts = sorted({"", *(b.values_text for b in bases)})
    text_index = {text: i for i, text in enumerate(texts)}
    evidence = np.zeros(layout.pairs, dtype=np.int8)
    text = np.zeros(layout.pairs, dtype=np.int32)
    evidence[pairs] = [_RANK[b.evidence] for b in bases]
    text[pairs] = [text_index[b.values_text] for b in bases]
    return LineEvidence(
        layout, pairs, compact, bases, per_instrument, evidence, text, pa.array(texts, pa.string())
    )


def _key_basis(layout: KeyLayout, plan: Plan, band_tables: Sequence[Tariff], key: int) -> Basis:
    """The uses of one instrument's key: its table's values and rules, and the score band."""
    if key == 0:
        return Basis()
    t, category, band = layout.parts(key)
    model = plan.model(t)
    paths = ["kind", "rating_rule"]
    if category == UNRATED:
        paths.append("unrated")
        colour = unrated_colour(model.unrated.value)
        if colour is not None:
            paths.append(f"rates.{colour}")
    else:
        charged = BLACK if category == RED_REPEAT else category
        paths.append(f"rates.{COLOURS[charged]}")
    if category in (RED, RED_REPEAT):
        paths.append("red_repeat_as_black")
        if model.red_repeat_as_black.value:
            paths.append("rating_periods")
    basis = basis_of(plan.tariffs[t], *paths)
    if band >= 0:
        bands = band_tables[band]
        rated = COLOURS[RED if category == RED_REPEAT else category]
        chosen = [
            f"bands[{i}]" for i, b in enumerate(model_of(bands, CreditBandsTable).bands) if b.colour == rated
        ]
        basis |= basis_of(bands, *chosen, "copied_from")
    return basis


def presence(group: npt.NDArray[np.integer], size: int, code: Int32s, codes: int) -> Bools:
    """Per group (rows, `size` of them) whether any of its lines has each code (columns)."""
    if size * max(codes, 1) <= _CELLS:
        counts = np.bincount(group.astype(np.int64) * codes + code, minlength=size * codes)
        matrix: Bools = counts.reshape(size, codes) > 0
        return matrix
    found = np.unique(group.astype(np.int64) * codes + code)
    matrix = np.zeros((size, codes), dtype=np.bool_)
    matrix[found // codes, found % codes] = True
    return matrix


def group_bases(matrix: Bools, bases: Sequence[Basis]) -> tuple[Ints, list[Basis]]:
    """Per row of a presence matrix the index of its basis among the distinct ones (the union of
    the bases of its codes), and those distinct bases; rows are packed to bits and made unique, so
    a table of a million enterprises makes only as many unions as there are distinct code sets."""
    if not matrix.shape[0]:
        return np.zeros(0, dtype=np.int64), []
    packed = np.packbits(matrix, axis=1)
    rows, inverse = np.unique(packed, axis=0, return_inverse=True)
    unpacked = np.unpackbits(rows, axis=1, count=matrix.shape[1]).astype(np.bool_)
    found = [Basis.union(bases[c] for c in np.flatnonzero(row).tolist()) for row in unpacked]
    return inverse.reshape(-1).astype(np.int64), found


def weakest_per_group(group: npt.NDArray[np.integer], size: int, rank: Int8s) -> Int8s:
    """Per group (`size` of them) the weakest evidence among its lines, as an index into EVIDENCE
    (0, verified, for a group without lines): one count of (group, evidence)."""
    levels = len(EVIDENCE)
    counts = np.bincount(group.astype(np.int64) * levels + rank, minlength=size * levels)
    found = counts.reshape(size, levels) > 0
    weakest: Int8s = (levels - 1 - np.argmax(found[:, ::-1], axis=1)).astype(np.int8)
    weakest[~found.any(axis=1)] = 0
    return weakest


def evidence_column(rank: Int8s) -> pa.DictionaryArray:
    """Evidence indexes as a dictionary column of codes."""
    return pa.DictionaryArray.from_arrays(pa.array(rank, pa.int8()), pa.array(EVIDENCE, pa.string()))


def rating_bases(
    evidence: LineEvidence, counts: Mapping[int, int] | None = None
) -> dict[tuple[int, int], Basis]:
    """Per (instrument, category) the union of the bases that instrument's lines of that category
    used; `counts`: the compact codes present (by default all)."""
    layout = evidence.layout
    found: dict[tuple[int, int], list[Basis]] = {}
    for code, pair in enumerate(evidence.pairs.tolist()):
        if counts is not None and not counts.get(code):
            continue
        for index, key in enumerate(layout.split(pair)):
            if key:
                category = layout.parts(key)[1]
                found.setdefault((index, category), []).append(evidence.instrument_bases[code][index])
    return {k: Basis.union(v) for k, v in found.items()}
