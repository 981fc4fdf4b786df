"""统一社会信用代码 (unified social credit codes): compacted and validated on whole columns.

Reference: GB 32100-2015 法人和其他组织统一社会信用代码编码规则: 18 characters, 8 digits then 10
of the alphabet without I, O, S, V, Z, the last a check character (weights 3^i mod 31, check =
(31 - sum mod 31) mod 31). python-stdnum's `cn.uscc` is the reference; here the check character is
computed on the distinct codes as a matrix (`checked_codes`, which a test holds equal to stdnum's
verdict), and only the codes that fail go to stdnum one by one, for the reason.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

__all__ = ["ALPHABET", "checked_codes", "code_problem", "compact_codes"]

Bools = npt.NDArray[np.bool_]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
SHAPE = f"^[0-9]{{8}}[{ALPHABET}]{{10}}$"
_INDEX = np.zeros(256, dtype=np.int64)
_INDEX[[ord(c) for c in ALPHABET]] = np.arange(len(ALPHABET))
_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)


def code_problem(text: str) -> tuple[str | None, str | None]:
    """A code compacted and validated (GB 32100-2015): (code, None), or (None, the reason)."""
    code = uscc.compact(text)
    try:
        return uscc.validate(code), None
    except InvalidChecksum:
        return None, "the check character (the 18th) does not match the first 17 (校验码错误)"
    except InvalidLength:
        return None, f"it has {len(code)} characters, not 18 (长度错误)"
    except ValidationError:
        return (
            None,
            "it has characters a code cannot have: 8 digits, then digits and capitals but I, O, S, V, Z",
        )


def compact_codes(column: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Per row the compacted code (null when empty or invalid) and the reason it is invalid (null
    when valid or empty); each distinct code validated once (`checked_codes`)."""
    encoded = pc.dictionary_encode(column.cast(pa.string()))
    codes, reasons = checked_codes(encoded.dictionary)
    return pc.take(codes, encoded.indices), pc.take(reasons, encoded.indices)


def checked_codes(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Texts compacted and validated as `code_problem` does, on the whole column: (the codes, null
    where invalid or empty; the reasons, null where valid or empty). Texts of the plain shape are
    checked here (the GB 32100-2015 check character); the others go to stdnum one by one, for the
    reason (and its verdict)."""
    compact = pc.utf8_trim_whitespace(pc.utf8_upper(pc.replace_substring_regex(texts, "[ -]", "")))
    shaped = _bools(pc.fill_null(pc.match_substring_regex(compact, SHAPE), False))
    good = np.zeros(len(texts), dtype=np.bool_)
    rows = np.flatnonzero(shaped)
    good[rows] = _check_characters_match(compact.take(pa.array(rows, pa.int64())))
    codes: list[str | None] = [None] * len(texts)
    reasons: list[str | None] = [None] * len(texts)
    for row in np.flatnonzero(~good & _bools(texts.is_valid())).tolist():  # the few invalid ones
        codes[row], reasons[row] = code_problem(str(texts[row].as_py()))
    others = pa.array(codes, pa.string())
    return pc.if_else(pa.array(good), compact, others), pa.array(reasons, pa.string())


def _bools(mask: pa.Array) -> Bools:
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=np.bool_)


def _check_characters_match(codes: pa.Array) -> Bools:
    """Per code of 18 ASCII characters of the alphabet: its 18th character is the check character
    of the first 17 (GB 32100-2015: weights 3^i mod 31, check = (31 - sum mod 31) mod 31)."""
    if not len(codes):
        return np.zeros(0, dtype=np.bool_)
    offsets = np.frombuffer(codes.buffers()[1], dtype=np.int32)
    start = int(offsets[codes.offset])
    data = np.frombuffer(codes.buffers()[2], dtype=np.uint8)[start : start + 18 * len(codes)]
    values = _INDEX.take(data.reshape(len(codes), 18))
    check = (31 - (values[:, :17] @ _WEIGHTS) % 31) % 31
    return np.asarray(check == values[:, 17], dtype=np.bool_)
