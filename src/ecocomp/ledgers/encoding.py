"""Decoding a CSV ledger: the whole file, strictly, or a message with the line and column.

Source: issue 14 "hostile-input hardening", point 2 (encodings and line ends). Rules:

* a UTF-16 byte order mark is refused (save it as CSV UTF-8); a NUL byte anywhere means the file
  is binary;
* UTF-8 (with or without BOM) when the whole file is valid UTF-8 (checked by pyarrow, without
  making a Python str of it);
* a file that says it is UTF-8 (a BOM), or whose lines before the first non-UTF-8 byte read
  better as UTF-8 than as GBK (`_utf8_prefix`), is UTF-8 with a foreign line: refused naming that
  line (mixed encodings), never guessed;
* else GB18030 (a superset of GBK and GB2312) when the whole file decodes strictly, unless
  the text is Latin-1/Windows-1252 read as GB18030 by accident: more than half of its
  non-ASCII characters outside GB2312 (`_rare_share`), and charset-normalizer, asked for a
  second opinion, does not call it Chinese;
* else the first byte that neither encoding reads is reported: where GB18030 fails when the
  text before it reads as Chinese (`_gbk_prefix`), else where UTF-8 fails.

CR, LF and CRLF each end a line, as editors count them, so line numbers are the editor's.
"""

from __future__ import annotations

import codecs
import functools
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

from ecocomp.errors import LedgerStructureError

__all__ = ["Decoded", "decode_csv"]

HEAD_BYTES = 1 << 16  # the head used to find the delimiter and the header row
_SAMPLE_CHARS = 1 << 20  # characters of a GB18030 text checked by the Latin-1 rule
_STEP = 1 << 20  # bytes decoded at a time when looking for a bad byte; the prefix sample
_BOM = b"\xef\xbb\xbf"
_ADVICE = "open it in Excel and save it as CSV UTF-8 (另存为 “CSV UTF-8(逗号分隔)”)"
_CHINESE = ("gb", "big5", "hz", "cp936", "cp950")  # charset-normalizer names of Chinese encodings


@dataclass(frozen=True)
class Decoded:
    """A CSV ledger checked and ready for pyarrow: UTF-8 `body` (no BOM, ends with a line break),
    the decoded `head` (whole lines of the first 64 KiB) and the file's `encoding`."""

    body: pa.Buffer
    head: str
    encoding: str


def decode_csv(data: bytes, source: str) -> Decoded:
    """The file's bytes as UTF-8 for pyarrow; see the module docstring for the rules."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LedgerStructureError(source, f"the file is UTF-16; {_ADVICE}")
    if b"\x00" in data:
        raise LedgerStructureError(source, "this is a binary file, not a CSV or XLSX ledger")
    bom = data.startswith(_BOM)
    if _utf8_valid(memoryview(data)[len(_BOM) if bom else 0 :]):
        return _utf8(data, bom)
    bad = _utf8_error(data)
    if bom or _utf8_prefix(data, bad):
        _raise_mixed(data, bad, source)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        if exc.start > bad and _gbk_prefix(data, exc.start):
            _raise_neither(data, exc.start, "gb18030", source)
        _raise_neither(data, bad, "utf-8", source)
    _refuse_latin(text, data, source)
    return _gb18030(text)


def _utf8(data: bytes, bom: bool) -> Decoded:
    """A valid UTF-8 file: the bytes themselves (zero copy, the BOM sliced off)."""
    view = memoryview(data)[len(_BOM) if bom else 0 :]
    head = bytes(view[:HEAD_BYTES])
    if len(view) > HEAD_BYTES:
        head = head[: _last_break(head)]
    if view and data[-1:] not in (b"\n", b"\r"):
        view = memoryview(bytes(view) + b"\n")  # a last line without a line break
    return Decoded(pa.py_buffer(view), head.decode("utf-8", errors="ignore"), "utf-8")


def _gb18030(text: str) -> Decoded:
    """A GB18030 text: re-encoded as UTF-8 once (pyarrow then reads it without transcoding)."""
    head = text[:HEAD_BYTES]
    if len(text) > HEAD_BYTES:
        head = head[: max(head.rfind("\n"), head.rfind("\r"), 0)]
    if text and text[-1] not in "\r\n":
        text += "\n"
    return Decoded(pa.py_buffer(text.encode("utf-8")), head, "gb18030")


def _last_break(head: bytes) -> int:
    """End of the last whole line of `head` (all of it when there is no line break)."""
    end = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return end if end > 0 else len(head)


def _utf8_valid(data: memoryview) -> bool:
    """Whether the bytes are valid UTF-8, checked by pyarrow (no Python str is made)."""
    buffer = pa.py_buffer(data)
    offsets = pa.py_buffer(np.array([0, buffer.size], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _utf8_error(data: bytes) -> int:
    """Offset of the first byte that is not UTF-8, decoding 1 MiB at a time (no str of the file)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(data), _STEP):
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the last step
        try:
            decoder.decode(data[start : start + _STEP], final=start + _STEP >= len(data))
        except UnicodeDecodeError as exc:
            return start - pending + int(exc.start)
    return len(data)


def _line_start(data: bytes, offset: int) -> int:
    return max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1


def _utf8_prefix(data: bytes, bad: int) -> bool:
    """Whether the whole lines before offset `bad` are UTF-8 text rather than GBK.

    They are valid UTF-8 with non-ASCII characters; UTF-8 wins when its reading has no larger
    share of rare characters than the GB18030 reading (GBK that happens to be valid UTF-8 reads
    as Cyrillic, Greek or rare hanzi; Chinese UTF-8 read as GB18030 fails or gives ~50 % rare)."""
    prefix = data[: _line_start(data, min(bad, _STEP))]
    if prefix.isascii():
        return False
    try:
        as_gb = _rare_share(prefix.decode("gb18030"))[0]
    except UnicodeDecodeError:
        return True
    return _rare_share(prefix.decode("utf-8"))[0] <= as_gb


def _gbk_prefix(data: bytes, bad: int) -> bool:
    """Whether the text before offset `bad` (where GB18030 fails) reads as Chinese: then that
    offset is the one to show; else (Latin-1 read as GBK) the first byte UTF-8 fails on is."""
    sample = data[:bad] if bad <= _STEP else data[: _line_start(data, _STEP)]
    return _rare_share(sample.decode("gb18030", errors="replace"))[0] <= 0.5


def _where(data: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset`; CR, LF and CRLF end lines."""
    start = _line_start(data, offset)
    line = data.count(b"\n", 0, start) + data.count(b"\r", 0, start) - data.count(b"\r\n", 0, start) + 1
    first = len(_BOM) if start == 0 and data.startswith(_BOM) else start
    return line, len(data[first:offset].decode(encoding, errors="replace")) + 1


def _raise_mixed(data: bytes, bad: int, source: str) -> NoReturn:
    line, column = _where(data, bad, "utf-8")
    raise LedgerStructureError(
        source,
        f"line {line}, column {column}: byte 0x{data[bad]:02X} is not UTF-8, but the file is UTF-8 "
        "before it: the file mixes encodings (perhaps a line pasted from a GBK file); retype "
        f"that line, then {_ADVICE}",
    )


def _raise_neither(data: bytes, bad: int, encoding: str, source: str) -> NoReturn:
    line, column = _where(data, bad, encoding)
    guess = _guess(data)
    looks = f" (charset-normalizer guesses {guess})" if guess else ""
    raise LedgerStructureError(
        source,
        f"line {line}, column {column}: byte 0x{data[bad]:02X} is neither UTF-8 nor GB18030/GBK "
        f"text{looks}; {_ADVICE}",
    )


def _refuse_latin(text: str, data: bytes, source: str) -> None:
    """Latin-1/Windows-1252 text that decodes as GB18030 by accident (the module docstring's rule)."""
    share, first = _rare_share(text[:_SAMPLE_CHARS])
    if share <= 0.5:
        return
    guess = _guess(data)
    if guess.startswith(_CHINESE):
        return  # the second opinion says Chinese: rare characters, but real ones
    before = text[:first]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    column = first - max(before.rfind("\n"), before.rfind("\r"))
    raise LedgerStructureError(
        source,
        f"the text is not Chinese: read as GB18030/GBK, {share:.0%} of its non-ASCII characters are "
        f"rare ones (the first on line {line}, column {column}: {text[first]!r}); it looks like "
        f"Latin-1/Windows-1252 text{f' (charset-normalizer guesses {guess})' if guess else ''}; "
        f"{_ADVICE}",
    )


def _rare_share(text: str) -> tuple[float, int]:
    """Share of the non-ASCII characters outside GB2312, and the index of the first of them.

    Chinese ledgers use GB2312 characters almost only; accented
    Latin letters read as GB18030 pair with the next byte into rare (GBK/4, GB18030) characters."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    wide = codes >= 0x80
    if not wide.any():
        return 0.0, 0
    rare = wide & ~_gb2312()[np.minimum(codes, 0xFFFF)]
    rare[codes > 0xFFFF] = True
    count = int(rare.sum())
    return count / int(wide.sum()), int(np.argmax(rare)) if count else 0


@functools.cache
def _gb2312() -> np.ndarray:
    """The BMP code points that GB2312 encodes (symbols and 6,763 common hanzi), as a mask."""
    common = np.zeros(0x10000, dtype=np.bool_)
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                common[ord(bytes((lead, trail)).decode("gb2312"))] = True
            except UnicodeDecodeError:
                continue
    return common


def _guess(data: bytes) -> str:
    """charset-normalizer's guess of the encoding (a second opinion), '' when it has none."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    return "" if best is None else str(best.encoding)
