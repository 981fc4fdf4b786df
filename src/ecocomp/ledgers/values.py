"""Coded ledger values (pollutants, factors, indicators, units, colours, places, yes/no).

Source: issue 3 "Ledgers in", sections "Ledger kinds" and "Reading: Values". A value is matched
after NFKC, without spaces and case-insensitively against an alias table (code or Chinese
name, see `ecocomp.ledgers.kinds`), or against `Places.keys` for places. The whole column is
looked up at once; an unknown value is a problem whose message names the closest valid names
(computed once per distinct unknown value).
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal

import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from ecocomp.codes import BOOLEAN_NAMES
from ecocomp.ledgers.kinds import value_key
from ecocomp.ledgers.parse import Parsed, Problem, mask_of, parse_decimal
from ecocomp.ledgers.uscc import code_problem, compact_codes
from ecocomp.places import Places

__all__ = ["normalize_keys", "parse_bool", "parse_code", "parse_place", "parse_rating", "parse_uscc"]

_BOOLEANS = {value_key(n): code for code, names in BOOLEAN_NAMES.items() for n in (code, *names)}


def normalize_keys(text: pa.Array) -> pa.Array:
    """The column form of `value_key`: no spaces, lower case (text is already NFKC)."""
    return pc.utf8_lower(pc.replace_substring_regex(text, r"\s+", ""))


def _lookup(text: pa.Array, table: Mapping[str, str]) -> tuple[pa.Array, pa.Array]:
    """Codes for each value (null if unknown or empty) and the mask of unknown values."""
    keys = pa.array(list(table), pa.string())
    codes = pa.array(list(table.values()), pa.string())
    index = pc.index_in(normalize_keys(text), value_set=keys)
    found = pc.take(codes, index)
    return found, pc.and_(text.is_valid(), index.is_null())


def parse_code(text: pa.Array, table: Mapping[str, str], what: str, default: str | None = None) -> Parsed:
    """A code from its alias table; empty cells take `default` when there is one."""
    found, unknown = _lookup(text, table)
    if default is not None:
        found = pc.if_else(text.is_valid(), found, pa.scalar(default))
    return Parsed(found, (Problem(mask_of(unknown), "unknown_code", _suggester(table, what)),))


def parse_bool(text: pa.Array) -> Parsed:
    """Yes or no: 是/否, yes/no, y/n, true/false, 1/0, 达标/未达标."""
    found, unknown = _lookup(text, _BOOLEANS)
    values = pc.equal(found, "true")
    message = "{!r} is not yes or no; write 是 or 否 (yes/no, 1/0)"
    return Parsed(values, (Problem(mask_of(unknown), "bad_boolean", message.format),))


def parse_place(text: pa.Array, places: Places) -> Parsed:
    """A place code from its code, full name, short name or alias."""
    found, unknown = _lookup(text, places.keys)

    @functools.lru_cache(maxsize=4096)
    def describe(value: str) -> str:
        close = places.suggest(value)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        return f"unknown place {value!r}; write its code, full name or short name.{hint}"

    return Parsed(found, (Problem(mask_of(unknown), "unknown_place", describe),))


def parse_rating(
    text: pa.Array, table: Mapping[str, str], maximum: Decimal | None = None
) -> tuple[Parsed, Parsed]:
    """A rating written as a colour (绿色, green, …) or as a score: (colour, score) columns.

    A score above `maximum` (the column's declared range) is refused like any decimal."""
    colour, not_colour = _lookup(text, table)
    numeric = pc.if_else(not_colour, text, pa.scalar(None, pa.string()))
    score = parse_decimal(numeric, 2, non_negative=True, maximum=maximum)
    neither = score.problems[0].mask  # not a colour and not a number
    message = _suggester(table, "rating colour")
    problems = (Problem(neither, "unknown_code", lambda v: f"{message(v)} Or give a credit score."),)
    return Parsed(colour, problems), Parsed(score.values, score.problems[1:])


def parse_uscc(text: pa.Array) -> Parsed:
    """A 统一社会信用代码 compacted (no spaces or "-", capitals) and validated (GB 32100-2015,
    `ecocomp.ledgers.uscc`): an invalid code is a problem naming the reason (only the failing
    distinct codes go to stdnum)."""
    codes, reasons = compact_codes(text)

    @functools.lru_cache(maxsize=4096)
    def describe(value: str) -> str:
        reason = code_problem(unicodedata.normalize("NFKC", value))[1] or "it is not a valid code"
        return (
            f"{value!r} is not a valid 统一社会信用代码: {reason}; correct it from the business "
            "licence (营业执照) or leave the cell empty"
        )

    return Parsed(codes, (Problem(mask_of(reasons.is_valid()), "invalid_uscc", describe),))


def _suggester(table: Mapping[str, str], what: str) -> Callable[[str], str]:
    """A message for an unknown value naming the closest spellings and the valid codes."""
    codes = sorted(set(table.values()), key=list(table.values()).index)

    @functools.lru_cache(maxsize=4096)
    def describe(value: str) -> str:
        close = difflib.get_close_matches(value_key(value), list(table), n=3, cutoff=0.5)
        hint = f" Closest: {', '.join(_label(table, k) for k in close)}." if close else ""
        return f"unknown {what} {value!r}; use one of {', '.join(codes)}.{hint}"

    return describe


def _label(table: Mapping[str, str], key: str) -> str:
    """The code, with the spelling that matched when it is another name (NFKC-normalized)."""
    return table[key] if table[key].lower() == key else f"{table[key]} ({key})"
