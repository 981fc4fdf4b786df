"""The spreadsheet formula guard every ecocomp text writer uses: one rule, for scalars and for columns.

Text that starts with = + - @, a tab or a carriage return (`DANGEROUS_START`) is run as a formula
(or turned into one) when a spreadsheet opens a CSV, so it gets a leading apostrophe; the one
exception is a plain number (`PLAIN_NUMBER`: -3, -12.5, +1,234.56, -5%), which a spreadsheet reads
as the number it is. `guard` applies the rule to one text, `guard_column` to a whole Arrow column
(pyarrow is imported only there). XLSX writers need no apostrophe: they store every text as a
string cell, never as a formula.

Imports nothing from ecocomp, so any writer (reports, ledgers, families) may use it.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["APOSTROPHE", "DANGEROUS_START", "PLAIN_NUMBER", "guard", "guard_column", "needs_guard"]

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = r"[+-]?[0-9,]*\.?[0-9]+%?"  # the whole text; ASCII digits, same in Python re and RE2
APOSTROPHE = "'"
_PLAIN = re.compile(PLAIN_NUMBER)
_START_PATTERN = "^[" + "".join(re.escape(c) for c in DANGEROUS_START) + "]"
_PLAIN_PATTERN = f"^{PLAIN_NUMBER}$"  # RE2 (Arrow): `$` is the end of the text, not before a newline


def needs_guard(text: str) -> bool:
    """Whether a spreadsheet would take `text` as a formula: a dangerous start, not a plain number."""
    return text[:1] in DANGEROUS_START and _PLAIN.fullmatch(text) is None


def guard(text: str) -> str:
    """`text`, with a leading apostrophe if a spreadsheet would take it as a formula."""
    return APOSTROPHE + text if needs_guard(text) else text


def guard_column(column: Any) -> Any:
    """A string Arrow array with `guard` applied to every value (nulls stay null); others unchanged."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    risky = pc.and_(
        pc.match_substring_regex(column, _START_PATTERN),
        pc.invert(pc.match_substring_regex(column, _PLAIN_PATTERN)),
    )
    nothing = pa.scalar("", column.type)
    guarded = pc.binary_join_element_wise(pa.scalar(APOSTROPHE, column.type), column, nothing)
    return pc.if_else(pc.fill_null(risky, False), guarded, column)
