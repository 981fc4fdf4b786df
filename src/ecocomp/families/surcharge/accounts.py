"""Whose bill, whose rating: accounts (户号), unified social credit codes (统一社会信用代码), 退补.

References (POLICY.md, family C): the surcharge texts charge an enterprise's electricity and water
by its credit rating, per bill month; GB 32100-2015 法人和其他组织统一社会信用代码编码规则 (18
characters, the last a check character; validated with python-stdnum's `cn.uscc`).

- Accounts: a power or water company bills per account (户号) and month, and one enterprise may
  have several accounts. With an account column the bills are keyed by (account, month, adjusts)
  (the ledger check, `Kind.key_with`), every account's bill is charged at its enterprise's rating,
  and a bill without an account is a problem of its row.
- Codes: compacted (spaces and "-" dropped, upper case) and validated; an invalid code is a
  problem of its row (bill or rating) naming the reason. When both ledgers have codes, a bill
  matches the ratings of its code (a bill without one takes the code the ratings give its name,
  else its name); codes that match with different names are kept and warned about, and so are
  codes and names that match nothing; one code with two ratings from the same day (under two
  names) is refused, as one name is. When only one ledger has codes, matching is by name, with a
  warning that the codes were not used.
- Adjustments (退补): a row naming the month it corrects (退补月份) is booked in its bill month
  (periods, summaries) and charged at the rating and table of the month it corrects
  (`bills.charged_codes`); only such a row may carry negative quantities. The ledger check
  refuses a 退补月份 after the bill month and a negative quantity on any other row; so does this
  step, for bills that did not come through it.

All of it runs on whole columns: the check character is computed on the distinct codes as a
matrix (`ecocomp.ledgers.uscc.checked_codes`, shared with the ledger check's rule "uscc"); only
the codes that fail go to stdnum one by one, for the reason, and only rejected rows are worded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.errors import LedgerIssue
from ecocomp.ledgers.checks import duplicate_keys
from ecocomp.ledgers.uscc import checked_codes, code_problem, compact_codes
from ecocomp.months import month_text

__all__ = ["CAP", "Prepared", "checked_codes", "code_problem", "prepare"]

Bools = npt.NDArray[np.bool_]
CAP = 10  # names listed in one warning; the rest are counted
NAMED = "名称:"  # prefix of a match key that is a name (a code has no Chinese characters)
QUANTITIES = ("electricity_kwh", "water_m3")  # may be negative on a 退补 row only
HEADERS = {
    "uscc": "统一社会信用代码",
    "account": "户号",
    "adjusts": "退补月份",
    "enterprise": "企业名称",
    "valid_from": "有效期起",
    "month": "月份",
    "electricity_kwh": "用电量",
    "water_m3": "用水量",
}


@dataclass(frozen=True, eq=False)
class Prepared:
    """The ledgers ready to charge, and what preparing them found."""

    bills: pa.Table  # codes compacted
    ratings: pa.Table  # without the rows of invalid codes; enterprise = match key when by code
    match: pa.Array | None  # per bill its match key when matching by code; None: by name
    bill_issues: list[tuple[int, LedgerIssue]]  # (position, issue)
    rating_issues: list[LedgerIssue]
    warnings: tuple[str, ...]


def prepare(
    bills: pa.Table,
    ratings: pa.Table,
    sources: Mapping[str, str],
    headers: Mapping[str, Mapping[str, str]] | None = None,
) -> Prepared:
    """Check accounts, codes and adjustments, and choose how bills find their ratings."""
    heads = {k: {**HEADERS, **(headers or {}).get(k, {})} for k in ("bills", "ratings")}
    bill_code, bill_bad = _codes(_column(bills, "uscc"))
    rating_code, rating_bad = _codes(_column(ratings, "uscc"))
    found = _bill_problems(bills, bill_bad, sources["bills"], heads["bills"])
    rating_issues = [
        i for _, i in _code_issues(ratings, rating_bad, sources["ratings"], heads["ratings"]["uscc"])
    ]
    if rating_issues and rating_code is not None:
        keep = pa.array(~_bools(rating_bad.is_valid()))
        ratings, rating_code = ratings.filter(keep), rating_code.filter(keep)
    bills = _with_codes(bills, bill_code)
    usable = np.ones(bills.num_rows, dtype=np.bool_)
    usable[[position for position, _ in found]] = False
    match, ratings, warnings = _match(bills, bill_code, ratings, rating_code, pa.array(usable))
    if match is not None:
        ratings, twice = _same_code_same_day(ratings, sources["ratings"], heads["ratings"])
        rating_issues += twice
    return Prepared(bills, ratings, match, found, rating_issues, warnings)


def _column(table: pa.Table, name: str) -> pa.Array | None:
    """A column with at least one value, or None (absent or all empty)."""
    if name not in table.column_names or table.column(name).null_count == table.num_rows:
        return None
    return table.column(name).combine_chunks()


def _codes(column: pa.Array | None) -> tuple[pa.Array | None, pa.Array]:
    """Per row the compacted code and the reason it is invalid (`ecocomp.ledgers.uscc`)."""
    if column is None:
        return None, pa.nulls(0, pa.string())
    return compact_codes(column)


def _bools(mask: pa.Array) -> Bools:
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=np.bool_)


def _with_codes(bills: pa.Table, code: pa.Array | None) -> pa.Table:
    """The bills with their codes compacted (invalid ones as given)."""
    if code is None:
        return bills
    position = bills.column_names.index("uscc")
    given = bills.column("uscc").combine_chunks().cast(pa.string())
    if code.null_count == given.null_count:  # every code valid: the compacted codes
        return bills.set_column(position, "uscc", code)
    return bills.set_column(position, "uscc", pc.coalesce(code, given))


def _rows(mask: pa.Array | Bools) -> list[int]:
    values = mask if isinstance(mask, np.ndarray) else np.asarray(mask.to_numpy(zero_copy_only=False))
    return np.flatnonzero(values.astype(np.bool_)).tolist()


def _issue(table: pa.Table, row: int, source: str, given: tuple[str, str, str], message: str) -> LedgerIssue:
    header, value, code = given
    return LedgerIssue(source, int(table.column("line")[row].as_py()), header, value, code, message)


def _code_issues(table: pa.Table, bad: pa.Array, source: str, header: str) -> list[tuple[int, LedgerIssue]]:
    """(position, issue) per row whose code is invalid, naming the code and the reason."""
    if not len(bad) or bad.null_count == len(bad):
        return []
    given = table.column("uscc")
    return [
        (
            row,
            _issue(
                table,
                row,
                source,
                (header, str(given[row].as_py()), "invalid_uscc"),
                f"{header} {given[row].as_py()!r} is not a valid code: {bad[row].as_py()}; correct it "
                "from the business licence (营业执照) or leave the cell empty",
            ),
        )
        for row in _rows(bad.is_valid())
    ]


def _bill_problems(
    bills: pa.Table, bad: pa.Array, source: str, headers: Mapping[str, str]
) -> list[tuple[int, LedgerIssue]]:
    """(position, issue) for bills with an invalid code, no account (when others have one), a
    退补 month after the bill month, or a negative quantity without a 退补 month."""
    found = _code_issues(bills, bad, source, headers["uscc"])
    account = _column(bills, "account")
    if account is not None and account.null_count:
        header = headers["account"]
        message = f"{header} is empty; when the ledger has a {header} column, every bill needs its account"
        found += [
            (row, _issue(bills, row, source, (header, "", "missing_value"), message))
            for row in _rows(account.is_null())
        ]
    adjusts = _column(bills, "adjusts")
    if adjusts is not None:
        late = pc.fill_null(pc.greater(adjusts, bills.column("month").combine_chunks()), False)
        found += [(row, _late(bills, row, source, headers)) for row in _rows(late)]
    found += _negative(bills, adjusts, source, headers)
    return sorted(found, key=lambda pair: (pair[1].line, pair[1].code))


def _late(bills: pa.Table, row: int, source: str, headers: Mapping[str, str]) -> LedgerIssue:
    """A 退补 row correcting a month after its own bill month (as the ledger check says it)."""
    corrected = month_text(bills.column("adjusts")[row].as_py())
    header, bound = headers["adjusts"], headers["month"]
    message = (
        f"{header} {corrected!r} is after this row's {bound}; an adjustment (退补) corrects a month "
        f"already billed, so it cannot be later than its {bound}: correct one of the two"
    )
    return _issue(bills, row, source, (header, corrected, "adjusts_after_month"), message)


def _negative(
    bills: pa.Table, adjusts: pa.Array | None, source: str, headers: Mapping[str, str]
) -> list[tuple[int, LedgerIssue]]:
    """(position, issue) per negative quantity on a row that is not a 退补 (the ledger check's
    `negative`, for bills that did not come through it)."""
    plain = None if adjusts is None else adjusts.is_null()
    found: list[tuple[int, LedgerIssue]] = []
    for name in QUANTITIES:
        if name not in bills.column_names:
            continue
        if not any(_may_be_negative(chunk) for chunk in bills.column(name).chunks):
            continue
        values = bills.column(name).combine_chunks()
        below = pc.fill_null(pc.less(values, 0), False)
        rows = _rows(below if plain is None else pc.and_(below, plain))
        message = f"{{}} is negative; only a row with {headers['adjusts']} filled (an adjustment) may be"
        found += [
            (row, _issue(bills, row, source, (headers[name], text, "negative"), message.format(repr(text))))
            for row in rows
            for text in (str(values[row].as_py()),)
        ]
    return found


def _may_be_negative(values: pa.Array) -> bool:
    """False when no value can be below zero: for decimal128, no high word is negative (one numpy
    pass, no mask; a null slot's word may hold anything, then the full check runs)."""
    if not pa.types.is_decimal128(values.type) or not len(values):
        return bool(len(values))
    words = np.frombuffer(values.buffers()[1], dtype=np.int64, count=2 * (values.offset + len(values)))
    return bool((words[2 * values.offset + 1 :: 2] < 0).any())


def _match(
    bills: pa.Table,
    bill_code: pa.Array | None,
    ratings: pa.Table,
    rating_code: pa.Array | None,
    usable: pa.Array,
) -> tuple[pa.Array | None, pa.Table, tuple[str, ...]]:
    """Per bill its match key (None: match by name), the ratings keyed the same way, and the
    warnings about the bills not rejected (`usable`)."""
    if bill_code is None and rating_code is None:
        return None, ratings, ()
    if bill_code is None or rating_code is None:
        has, lacks = ("bills", "ratings") if rating_code is None else ("ratings", "bills")
        warning = (
            f"only the {has} ledger has 统一社会信用代码, the {lacks} ledger has none: bills are matched "
            "to ratings by enterprise name, the codes were not used; add the codes to both to match by code"
        )
        return None, ratings, (warning,)
    bill_names = bills.column("enterprise").combine_chunks()
    rating_names = ratings.column("enterprise").combine_chunks()
    coded = pc.is_valid(rating_code)
    # a bill without a code takes the code the ratings give its name (only those bills are looked at)
    missing = pc.is_null(bill_code)
    lacking = bill_names.filter(missing)
    named = pc.take(rating_code.filter(coded), pc.index_in(lacking, value_set=rating_names.filter(coded)))
    bill_key = _keyed(bill_code, missing, pc.coalesce(named, _named(lacking)))
    rating_key = _keyed(
        rating_code, pc.is_null(rating_code), _named(rating_names.filter(pc.is_null(rating_code)))
    )
    loose = lacking.filter(pc.and_(usable.filter(missing), pc.is_null(named)))
    chosen = (
        (bill_names, bill_code)
        if usable.false_count == 0
        else (bill_names.filter(usable), bill_code.filter(usable))
    )
    warnings = _warnings(*chosen, pc.unique(loose).to_pylist(), rating_names, rating_code)
    position = ratings.column_names.index("enterprise")
    return bill_key, ratings.set_column(position, "enterprise", rating_key), warnings


def _same_code_same_day(
    ratings: pa.Table, source: str, headers: Mapping[str, str]
) -> tuple[pa.Table, list[LedgerIssue]]:
    """Ratings keyed by code: rows of one code and valid_from (under different names) are
    rejected, as the ledger check rejects one name and valid_from twice."""
    keys = pa.table({"key": ratings.column("enterprise"), "day": ratings.column("valid_from")})
    lines = np.asarray(ratings.column("line").to_numpy(), dtype=np.int64)
    twice, where = duplicate_keys(keys.to_pandas(types_mapper=pd.ArrowDtype), lines)
    if not twice.any():
        return ratings, []
    codes, header = ratings.column("uscc"), headers["uscc"]
    found = [
        _issue(
            ratings,
            row,
            source,
            (header, str(codes[row].as_py()), "duplicate_key"),
            f"the same {header} + {headers['valid_from']} is on lines {where[row]} (under different "
            "names); keep one rating per enterprise and start date",
        )
        for row in _rows(twice)
    ]
    return ratings.filter(pa.array(~twice)), found


def _keyed(codes: pa.Array, missing: pa.Array, others: pa.Array) -> pa.Array:
    """The codes, with `others` in the rows without one."""
    return codes if not len(others) else pc.replace_with_mask(codes, missing, others)


def _named(names: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(pa.scalar(NAMED), names.cast(pa.string()), "")


def _warnings(
    bill_names: pa.Array, bill_code: pa.Array, loose: list[str], rating_names: pa.Array, rating_code: pa.Array
) -> tuple[str, ...]:
    """Codes matched under other names, bill codes no rating has, uncoded names no code matches."""
    bills = _distinct(pa.table({"code": bill_code, "name": bill_names}).filter(pc.is_valid(bill_code)))
    ratings = _distinct(
        pa.table({"code": rating_code, "rated_as": rating_names}).filter(pc.is_valid(rating_code))
    )
    joined = bills.join(ratings, "code", join_type="inner")
    renamed = joined.filter(pc.not_equal(joined.column("name"), joined.column("rated_as")))
    pairs = sorted(zip(*(renamed.column(c).to_pylist() for c in ("name", "rated_as", "code")), strict=True))
    unknown = bills.filter(pc.invert(pc.is_in(bills.column("code"), value_set=ratings.column("code"))))
    found: list[str] = []
    if pairs:
        listed = _listed([f"{b} → {r} ({c})" for b, r, c in pairs])
        found.append(
            f"{len(pairs)} enterprise(s) are matched to their ratings by 统一社会信用代码 although the "
            f"ledgers name them differently (bills → ratings): {listed}; "
            "check the codes where a name is not a rename"
        )
    if unknown.num_rows:
        both = sorted(
            zip(unknown.column("name").to_pylist(), unknown.column("code").to_pylist(), strict=True)
        )
        listed = _listed([f"{n} ({c})" for n, c in both])
        found.append(
            f"{len(both)} 统一社会信用代码 of the bills match no rating, so those bills are unrated: "
            f"{listed}; check the codes, or add the ratings"
        )
    if loose:
        listed = _listed(sorted(str(n) for n in loose))
        found.append(
            f"{len(loose)} enterprise(s) of the bills have no 统一社会信用代码 and no coded rating has their "
            f"name, so they are matched by name only: {listed}"
        )
    return tuple(found)


def _distinct(table: pa.Table) -> pa.Table:
    return table.group_by(table.column_names).aggregate([])


def _listed(items: Sequence[str]) -> str:
    """The first CAP items, then how many more."""
    shown = "、".join(items[:CAP])
    return shown if len(items) <= CAP else f"{shown} … and {len(items) - CAP} more"
