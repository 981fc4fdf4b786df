"""Seeded random mutations of a valid ledger (issue 14, point 7): rows, columns, cells, headers,
bytes, encodings, line ends, CSV or XLSX. `mutant(kind, text, others, rng)` returns the file's
bytes, its suffix and the list of mutations made (for the assertion message), all from `rng`
only, so a seed replays the same file."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ecocomp.ledgers.kinds import KINDS
from tests.reliability.hostile import rows_of, text_of

HEADER = 1  # index of the header row (a title row above it)

EXTREMES = (
    "",
    " ",
    "-0",
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "inf",
    "-inf",
    "123456789012345678901234567890",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 19,
    "0." + "0" * 40 + "1",
    "９９",
    "１２３．４５",
    "١٢٣",
    "=1+1",
    "+SUM(A1:A9)",
    "@cmd",
    "-2+3",
    "\x00",
    "12\x00",
    "a" * 5000,
    "😀",
    "企业😀名称",
    "2018-13",
    "2018-00",
    "2018-02-30",
    "2018年13月",
    "201813",
    "2018/1",
    "99999",
    "99999-01",
    "-5",
    "0",
    "-1",
    "45000",
    "-45000",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1,2,3",
    "1.2.3",
    "12%",
    "150%",
    "-100%",
    "0x10",
    "None",
    "null",
    "TRUE",
    "是否",
    "\u200b12",
    "12\u00a0",
    "  12  ",
    '"',
    "\r\n",
)
UNITS = ("(万kWh)", "(千克)", "(吨)", "(万元)", "(m3)", "(kWh)", "(%)", "(mg/L)", "(万立方米)", "(t)")
ENCODINGS = ("gbk", "gb18030", "utf-16", "utf-8-sig", "latin-1", "cp1252", "big5", "utf-32")


@dataclass
class Case:
    """One mutated ledger under construction: rows (text) or bytes, and what was done."""

    rows: list[list[str]]
    log: list[str] = field(default_factory=list)


def _data_row(case: Case, rng: random.Random) -> int | None:
    return rng.randrange(HEADER + 1, len(case.rows)) if len(case.rows) > HEADER + 1 else None


def _width(case: Case) -> int:
    return max((len(r) for r in case.rows), default=0)


def delete_row(case: Case, rng: random.Random, others: list[str]) -> None:
    if case.rows:
        at = rng.randrange(len(case.rows))
        del case.rows[at]
        case.log.append(f"delete row {at + 1}")


def duplicate_row(case: Case, rng: random.Random, others: list[str]) -> None:
    at = _data_row(case, rng)
    if at is not None:
        case.rows.insert(rng.randrange(at, len(case.rows) + 1), list(case.rows[at]))
        case.log.append(f"duplicate row {at + 1}")


def swap_rows(case: Case, rng: random.Random, others: list[str]) -> None:
    if len(case.rows) > 1:
        a, b = rng.randrange(len(case.rows)), rng.randrange(len(case.rows))
        case.rows[a], case.rows[b] = case.rows[b], case.rows[a]
        case.log.append(f"swap rows {a + 1} and {b + 1}")


def delete_column(case: Case, rng: random.Random, others: list[str]) -> None:
    if _width(case) > 1:
        col = rng.randrange(_width(case))
        for row in case.rows:
            if col < len(row):
                del row[col]
        case.log.append(f"delete column {col + 1}")


def duplicate_column(case: Case, rng: random.Random, others: list[str]) -> None:
    if _width(case):
        col = rng.randrange(_width(case))
        for row in case.rows:
            if col < len(row):
                row.insert(col, row[col])
        case.log.append(f"duplicate column {col + 1}")


def swap_columns(case: Case, rng: random.Random, others: list[str]) -> None:
    width = min((len(r) for r in case.rows), default=0)
    if width > 1:
        a, b = rng.randrange(width), rng.randrange(width)
        for row in case.rows:
            row[a], row[b] = row[b], row[a]
        case.log.append(f"swap columns {a + 1} and {b + 1}")


def extreme_cell(case: Case, rng: random.Random, others: list[str]) -> None:
    at = _data_row(case, rng)
    if at is not None and case.rows[at]:
        col = rng.randrange(len(case.rows[at]))
        value = rng.choice(EXTREMES)
        case.rows[at][col] = value
        case.log.append(f"cell ({at + 1}, {col + 1}) = {value[:40]!r}")


def extreme_column(case: Case, rng: random.Random, others: list[str]) -> None:
    """Every data cell of one column an extreme value of its own (many hostile values in one case)."""
    if _width(case):
        col = rng.randrange(_width(case))
        for row in case.rows[HEADER + 1 :]:
            if col < len(row):
                row[col] = rng.choice(EXTREMES)
        case.log.append(f"column {col + 1}: every cell an extreme value")


def other_kind_value(case: Case, rng: random.Random, others: list[str]) -> None:
    at = _data_row(case, rng)
    if at is not None and case.rows[at] and others:
        col = rng.randrange(len(case.rows[at]))
        value = rng.choice(others)
        case.rows[at][col] = value
        case.log.append(f"cell ({at + 1}, {col + 1}) = {value!r} (another kind's value)")


def respell_header(case: Case, rng: random.Random, others: list[str]) -> None:
    if len(case.rows) <= HEADER or not case.rows[HEADER]:
        return
    col = rng.randrange(len(case.rows[HEADER]))
    spellings = [s for c in KINDS[rng.choice(sorted(KINDS))].columns for s in (c.name, *c.spellings)]
    base = rng.choice([case.rows[HEADER][col].split("(")[0], rng.choice(spellings)])
    new = rng.choice([base, base + rng.choice(UNITS), f" {base.upper()} ", "*" + base, base + "2"])
    case.rows[HEADER][col] = new
    case.log.append(f"header {col + 1} = {new!r}")


def ragged_row(case: Case, rng: random.Random, others: list[str]) -> None:
    at = _data_row(case, rng)
    if at is not None:
        if rng.random() < 0.5 and case.rows[at]:
            case.rows[at].pop()
            case.log.append(f"row {at + 1} one cell short")
        else:
            case.rows[at].append(rng.choice(EXTREMES))
            case.log.append(f"row {at + 1} one cell long")


def blank_row(case: Case, rng: random.Random, others: list[str]) -> None:
    at = rng.randrange(len(case.rows) + 1)
    case.rows.insert(at, [""] * rng.randrange(0, _width(case) + 1))
    case.log.append(f"blank row at {at + 1}")


ROW_MUTATIONS: tuple[Callable[[Case, random.Random, list[str]], None], ...] = (
    delete_row,
    duplicate_row,
    swap_rows,
    delete_column,
    duplicate_column,
    swap_columns,
    extreme_cell,
    extreme_cell,
    extreme_column,
    extreme_column,
    other_kind_value,
    respell_header,
    ragged_row,
    blank_row,
)


def _bytes_mutation(data: bytes, rng: random.Random, log: list[str]) -> bytes:
    """One byte-level change: flip, insert, delete, NUL, truncate."""
    if not data:
        return data
    at = rng.randrange(len(data))
    what = rng.choice(("flip", "insert", "delete", "nul", "truncate"))
    log.append(f"{what} byte at {at}")
    if what == "flip":
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]
    if what == "insert":
        return data[:at] + bytes([rng.randrange(256)]) + data[at:]
    if what == "delete":
        return data[:at] + data[at + 1 :]
    if what == "nul":
        return data[:at] + b"\x00" + data[at:]
    return data[:at]


def _csv_bytes(rows: list[list[str]], rng: random.Random, log: list[str]) -> bytes:
    newline = rng.choice(("\n", "\n", "\r\n", "\r"))
    text = text_of(rows, newline)
    if rng.random() < 0.3:
        encoding = rng.choice(ENCODINGS)
        log.append(f"encoded {encoding}, line end {newline!r}")
        return text.encode(encoding, errors="replace")
    if newline != "\n":
        log.append(f"line end {newline!r}")
    return text.encode("utf-8")


def _xlsx_bytes(rows: list[list[str]], rng: random.Random, log: list[str]) -> bytes:
    """The rows as a workbook; number-looking texts as numbers (as Excel keeps them)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([_excel_value(ILLEGAL_CHARACTERS_RE.sub("", v), rng) for v in row])
    out = io.BytesIO()
    book.save(out)
    log.append("as xlsx")
    return out.getvalue()


def _excel_value(text: str, rng: random.Random) -> str | int | float:
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    if rng.random() < 0.5 or number != number or abs(number) == float("inf"):
        return text
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def mutant(text: str, others: list[str], rng: random.Random) -> tuple[bytes, str, list[str]]:
    """A mutated ledger: bytes, suffix (".csv" or ".xlsx") and the mutations made."""
    case = Case(rows_of(text))
    for _ in range(rng.randint(1, 3)):
        rng.choice(ROW_MUTATIONS)(case, rng, others)
    xlsx = rng.random() < 0.2
    data = _xlsx_bytes(case.rows, rng, case.log) if xlsx else _csv_bytes(case.rows, rng, case.log)
    if rng.random() < (0.05 if xlsx else 0.3):
        data = _bytes_mutation(data, rng, case.log)
    return data, ".xlsx" if xlsx else ".csv", case.log
