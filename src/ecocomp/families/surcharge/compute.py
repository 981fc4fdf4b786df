"""Differentiated electricity and sewage prices by environmental credit (差别电价, 差别化污水处理费).

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15, provincial floors), 南京市差别化污水处理费
(2017-01-01), 《江苏省企业环保信用评价暂行办法》 (2019 score bands).

    electricity_surcharge = round(kWh × rate(rating)),  water_surcharge = round(m3 × rate(rating'))
    rating' = black when red twice in a row (two rating periods) and the table has red_repeat_as_black

This module holds the result and runs the steps; each step is its own module. Which rating:
`ratings`; which table: `plan`; bills as codes: `bills`;
charging: `charges`; fixed point and rounding: `amounts` and `ecocomp.money`; lines and
rejected bills: `lines`; totals: `totals`; explanations:
`explain`. Bills come by the million, so everything runs on whole columns: no binary
float touches money, no Python loop runs per bill (only per rejected bill, to word its message).
Totals are sums of the rounded fen of the lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.errors import LedgerIssue
from ecocomp.families.surcharge.accounts import Prepared, prepare
from ecocomp.families.surcharge.bills import BillKeys, arrow_table, charged_codes, codes, indices
from ecocomp.families.surcharge.charges import (
    CHUNK,
    INSTRUMENTS,
    RATING_KEYS,
    Charges,
    Instrument,
    charge_bills,
)
from ecocomp.families.surcharge.evidence import KeyLayout, LineEvidence, line_evidence, presence
from ecocomp.families.surcharge.explain import explain
from ecocomp.families.surcharge.lines import bill_issues, line_batch
from ecocomp.families.surcharge.plan import Plan, plan_tables
from ecocomp.families.surcharge.ratings import History, build_history
from ecocomp.families.surcharge.tables import unrated_colour
from ecocomp.families.surcharge.totals import GroupTotal, RatingTotal, Totals, summarize
from ecocomp.money import decimal_array, yuan
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.evidence import Basis
from ecocomp.tariffs.files import Tariff, provisional_warnings

__all__ = [
    "CHUNK",
    "INSTRUMENTS",
    "RATING_KEYS",
    "Adjustments",
    "Charges",
    "GroupTotal",
    "Instrument",
    "RatingTotal",
    "SurchargeResult",
    "Totals",
    "compute_surcharge",
    "decimal_array",
]

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Adjustments:
    """The 退补 (adjustment) rows charged: how many, and their net surcharges, in the totals of
    their bill months (they may reduce them)."""

    rows: int = 0
    electricity_surcharge: Decimal = field(default_factory=lambda: yuan(0))
    water_surcharge: Decimal = field(default_factory=lambda: yuan(0))
    total: Decimal = field(default_factory=lambda: yuan(0))


@dataclass(frozen=True, eq=False)
class SurchargeResult:
    """A whole run: the bills, per-bill charges, totals, and the rows that could not be charged."""

    bills: pa.Table
    kept: Ints  # positions in `bills` of the charged bills (the others are in `rejected`)
    enterprise: Int32s  # per bill: index into `enterprises`
    enterprises: pa.Array
    month: Int32s  # per bill: index into `months`
    months: Int32s  # first day of each month (days since 1970-01-01)
    charges: Mapping[str, Charges]
    history: History
    totals: Totals
    by_enterprise: pa.Table
    by_district: tuple[GroupTotal, ...]
    by_month: tuple[GroupTotal, ...]
    by_rating: tuple[RatingTotal, ...]
    rejected: tuple[LedgerIssue, ...]
    tariffs: tuple[Tariff, ...]
    warnings: tuple[str, ...]
    pair: Int32s  # per bill: the pair of its instruments' evidence keys (`evidence.KeyLayout`)
    evidence: LineEvidence  # the bases of the pairs of the charged bills
    outside_period: int = 0  # bills of months outside the run's period: not charged in this run
    adjustments: Adjustments = field(default_factory=Adjustments)  # the 退补 rows charged
    charged: Int32s | None = None  # per bill: index into `months` of the month charged (None: `month`)

    def charged_month(self) -> Int32s:
        """Per bill the month whose rating and table applied: a 退补 row's corrected month."""
        return self.month if self.charged is None else self.charged

    def line_batches(self, size: int = CHUNK) -> Iterator[pa.RecordBatch]:
        """The bill lines in batches: input columns, then rating, tariff and surcharge per
        instrument, then the evidence of the line (weakest over both) and its unverified values."""
        for start in range(0, max(len(self.kept), 1), max(1, size)):
            yield self.line_batch(self.kept[start : start + size])

    def lines(self) -> pa.Table:
        """Every bill line as one table (for small runs and tests)."""
        return pa.Table.from_batches(list(self.line_batches()))

    def line_batch(self, positions: Ints) -> pa.RecordBatch:
        """The lines of the bills at `positions`."""
        return line_batch(self.bills, self.charges, self.history, positions, self.evidence, self.pair)

    @property
    def basis(self) -> Basis:
        """Every tariff value and rule the charged lines used."""
        return self.evidence.basis

    def enterprise_bases(self, names: Sequence[str]) -> dict[str, Basis]:
        """What the charged lines of each enterprise named used (for the enterprises a report
        shows: a union per enterprise named, never per bill)."""
        wanted = pc.index_in(self.enterprises, value_set=pa.array(list(names), pa.string()))
        slot = np.asarray(pc.fill_null(wanted, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
        everything = len(self.kept) == len(self.enterprise)
        owner = slot.take(self.enterprise if everything else self.enterprise[self.kept])
        chosen = owner >= 0
        pair = self.pair if everything else self.pair[self.kept]
        bases = self.evidence.bases
        matrix = presence(owner[chosen], len(names), self.evidence.codes(pair[chosen]), len(bases))
        return {
            name: Basis.union(bases[c] for c in np.flatnonzero(matrix[i]).tolist())
            for i, name in enumerate(names)
        }

    def explain(self, names: Sequence[str]) -> dict[str, str]:
        """Which ratings applied when, under which table, for each enterprise named (not per bill)."""
        return explain(self, names)


def compute_surcharge(
    bills: pd.DataFrame | pa.Table,
    ratings: pd.DataFrame | pa.Table,
    *,
    book: TariffBook,
    sources: Mapping[str, str] | None = None,
    chunk_size: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
    headers: Mapping[str, Mapping[str, str]] | None = None,
) -> SurchargeResult:
    """Both surcharges of every bill (frames as `read_ledger` gives them), `chunk_size` bills at a time.

    A bill whose table or rating is missing (where the table makes that an error) is rejected with
    a reason, never charged on a guess; so is a rating whose score has no colour, and a bill or
    rating with an invalid 统一社会信用代码 (`accounts`). `headers`: per ledger ("bills",
    "ratings") the headers as written, by column name, for the messages.
    """
    names = {"bills": "bills", "ratings": "ratings", **(sources or {})}
    ready = prepare(arrow_table(bills), arrow_table(ratings), names, headers)
    bill_table, rating_table = ready.bills, ready.ratings
    with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow and numpy release the GIL: use both cores
        encoding = pool.submit(pc.dictionary_encode, bill_table.column("enterprise").combine_chunks())
        matching = None if ready.match is None else pool.submit(pc.dictionary_encode, ready.match)
        history, issues = build_history(rating_table, book, names["ratings"])
        issues = ready.rating_issues + issues
        district, districts = codes(bill_table.column("district"))
        adjusts = bill_table.column("adjusts") if "adjusts" in bill_table.column_names else None
        month, months, charged = charged_codes(bill_table.column("month"), adjusts)
        plans = {i.key: plan_tables(i.family, book, districts, months) for i in INSTRUMENTS}
        layout = KeyLayout.of([plans[i.key] for i in INSTRUMENTS], len(history.band_tables))
        encoded = encoding.result()
        keys = BillKeys(
            indices(encoded), encoded.dictionary, district, districts, month, months, charged=charged
        )
        if matching is not None:
            matched = matching.result()
            keys = replace(keys, matched=indices(matched), matches=matched.dictionary)
        step = max(1, chunk_size)
        charges, pair = charge_bills(pool, bill_table, keys, plans, history, step, progress, layout)
    return _result(
        bill_table, keys, plans, (charges, pair, layout), history, issues, book, ready, names["bills"]
    )


def _result(
    bills: pa.Table,
    keys: BillKeys,
    plans: Mapping[str, Plan],
    charged: tuple[Mapping[str, Charges], Int32s, KeyLayout],
    history: History,
    issues: Sequence[LedgerIssue],
    book: TariffBook,
    ready: Prepared,
    source: str,
) -> SurchargeResult:
    """Reject the bills that cannot be charged, total the others, and gather the result."""
    charges, pair, layout = charged
    own = {position for position, _ in ready.bill_issues}  # one reason is enough: theirs first
    found = [(p, i) for p, i in bill_issues(bills, charges, keys, book, source) if p not in own]
    problems = sorted([*ready.bill_issues, *found], key=lambda pair: (pair[1].line, pair[1].code))
    kept = _kept(bills.num_rows, [position for position, _ in problems])
    kept_pair = pair if len(kept) == len(pair) else pair[kept]
    present = np.flatnonzero(np.bincount(kept_pair, minlength=1)).tolist()
    ordered = [plans[i.key] for i in INSTRUMENTS]
    evidence = line_evidence(layout, ordered, history.band_tables, present)
    summary = summarize(keys, kept, charges, book, evidence.codes(kept_pair), evidence)
    tariffs = _tariffs_used(plans.values(), _bands_used(charges, history, kept))
    return SurchargeResult(
        bills=bills,
        kept=kept,
        enterprise=keys.enterprise,
        enterprises=keys.enterprises,
        month=keys.month,
        months=keys.months,
        charges=charges,
        history=history,
        totals=summary.totals,
        by_enterprise=summary.by_enterprise,
        by_district=summary.by_district,
        by_month=summary.by_month,
        by_rating=summary.by_rating,
        rejected=tuple(issues) + tuple(issue for _, issue in problems),
        tariffs=tariffs,
        warnings=provisional_warnings(tariffs) + ready.warnings + tuple(_unrated_warnings(charges, kept)),
        pair=pair,
        evidence=evidence,
        adjustments=_adjustments(bills, keys, kept, charges),
        charged=keys.charged,
    )


def _adjustments(bills: pa.Table, keys: BillKeys, kept: Ints, charges: Mapping[str, Charges]) -> Adjustments:
    """How many charged bills are 退补 rows, and their net surcharges (sums of their rounded fen)."""
    if keys.charged is None:
        return Adjustments()
    given = np.asarray(bills.column("adjusts").is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    rows = kept[given[kept]]
    e, w = (int(charges[i.key].fen[rows].sum()) for i in INSTRUMENTS)
    return Adjustments(len(rows), yuan(e), yuan(w), yuan(e + w))


def _kept(size: int, rejected: Sequence[int]) -> Ints:
    """The positions of the bills not rejected, in order."""
    mask = np.zeros(size, dtype=np.bool_)
    mask[list(rejected)] = True
    return np.flatnonzero(~mask).astype(np.int64)


def _tariffs_used(plans: Iterable[Plan], bands: Iterable[Tariff]) -> tuple[Tariff, ...]:
    """Every table the run used, once, by id: surcharge tables and the score-bands tables."""
    tariffs = {t.id: t for plan in plans for t in plan.tariffs} | {t.id: t for t in bands}
    return tuple(tariffs[k] for k in sorted(tariffs))


def _bands_used(charges: Mapping[str, Charges], history: History, kept: Ints) -> list[Tariff]:
    """The score-bands tables that gave the colour of a rating some charged bill used."""
    if not history.band_tables:
        return []
    used = np.zeros(len(history.band) + 1, dtype=np.bool_)  # the last slot takes rating -1 (none)
    for c in charges.values():
        used[np.where(c.billed[kept], c.rating[kept], -1)] = True
    counts = np.bincount(history.band[used[:-1]].astype(np.int64) + 1, minlength=len(history.band_tables) + 1)
    return [history.band_tables[b] for b in np.flatnonzero(counts[1:]).tolist()]


def _unrated_warnings(charges: Mapping[str, Charges], kept: Ints) -> Iterator[str]:
    """One warning per table that charged bills of enterprises not yet rated as a named colour."""
    for instrument in INSTRUMENTS:
        c = charges[instrument.key]
        if not any(unrated_colour(c.plan.model(t).unrated.value) for t in range(len(c.plan.tariffs))):
            continue
        rows = kept[c.billed[kept] & (c.rating[kept] < 0) & (c.tariff[kept] >= 0)]
        counts = np.bincount(c.tariff[rows], minlength=len(c.plan.tariffs))
        for t, count in enumerate(counts.tolist()):
            rule = c.plan.model(t).unrated
            colour = unrated_colour(rule.value)
            if count and colour is not None:
                yield (
                    f"{count} {instrument.zh} bill(s) of enterprises not yet rated were charged at the "
                    f"{colour} rate of {c.plan.tariffs[t].id} (unrated = {rule.value}, {rule.evidence}): "
                    f"{rule.note}"
                )
